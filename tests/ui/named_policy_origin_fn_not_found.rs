// A named policy's `origin_fn` is looked up where the policy is declared, even when a route's
// module has a function of that name.
mod cors_policies {
    cors_runtime::policy!(TENANTS { origin_fn = is_tenant });
}

use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[allow(dead_code)]
fn is_tenant(_: &str) -> bool {
    true
}

#[cors(policy = crate::cors_policies::TENANTS)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
