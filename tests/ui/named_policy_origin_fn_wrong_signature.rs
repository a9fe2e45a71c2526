// A named policy's `origin_fn` is checked where the policy is declared, where it is resolved.
mod cors_policies {
    fn is_tenant(origin: String) -> bool {
        origin.ends_with(".example.org")
    }

    cors_runtime::policy!(TENANTS { origin_fn = is_tenant });
}

use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(policy = crate::cors_policies::TENANTS)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
