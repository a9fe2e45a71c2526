// `methods = ["*"]` stands for each route's methods; a policy used as a value has no route, so
// the wildcard is refused there (routes may still build on the policy).
mod cors_policies {
    cors_runtime::policy!(API { origins = ["https://app.example.com"], methods = ["*"] });
}

fn main() {
    let _ = cors_runtime::outermost()
        .default_policy(cors_runtime::named_policy!(crate::cors_policies::API));
}
