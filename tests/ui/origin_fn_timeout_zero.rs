use actix_web::{get, HttpResponse};
use cors_runtime::cors;

async fn is_tenant(origin: &str) -> bool {
    origin.ends_with(".tenants.example.com")
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant, origin_fn_timeout = 0)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
