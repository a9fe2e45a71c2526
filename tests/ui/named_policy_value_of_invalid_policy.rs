// Only the policy's own error: the value that names it compiles on.
mod cors_policies {
    cors_runtime::policy!(API { origins = ["https://app.example.com/"] });
}

fn main() {
    let _ = cors_runtime::outermost().default_policy(cors_runtime::named_policy!(crate::cors_policies::API));
}
