use actix_web::{get, web, HttpResponse};
use cors_runtime::cors;

struct Tenants(Vec<String>);

// As for a synchronous function: the app data is taken as `&Tenants`.
async fn is_tenant(origin: &str, tenants: &web::Data<Tenants>) -> bool {
    tenants.0.iter().any(|tenant| tenant == origin)
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
