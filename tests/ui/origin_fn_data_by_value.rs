use actix_web::{get, HttpResponse};
use cors_runtime::cors;

struct Tenants(Vec<String>);

// The app data is borrowed, as `&Tenants`: taking it by value cannot work, since every request
// reads the same value.
async fn is_tenant(origin: &str, tenants: Tenants) -> bool {
    tenants.0.iter().any(|tenant| tenant == origin)
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
