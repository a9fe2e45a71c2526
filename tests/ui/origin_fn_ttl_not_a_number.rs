use actix_web::{get, HttpResponse};
use cors_runtime::cors;

fn is_tenant(origin: &str) -> bool {
    origin.ends_with(".tenants.example.com")
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant, origin_fn_ttl = "60")]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
