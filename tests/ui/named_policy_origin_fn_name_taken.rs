// A policy with an `origin_fn` binds it to a constant of the policy's name.
mod cors_policies {
    fn is_tenant(origin: &str) -> bool {
        origin.ends_with(".example.org")
    }

    #[allow(dead_code)]
    pub const TENANTS: u32 = 7;

    cors_runtime::policy!(TENANTS { origin_fn = is_tenant });
}

fn main() {}
