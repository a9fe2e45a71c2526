// The hidden macro behind `named_policy!`, called by hand.
fn main() {
    let _ = cors_runtime::__private::policy_value!(origins = ["https://app.example.com"]);
}
