fn main() {
    let _ = cors_runtime::named_policy!("crate::cors_policies::API");
}
