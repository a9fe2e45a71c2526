use actix_web::{get, HttpResponse};
use cors_runtime::cors;

fn is_tenant(origin: String) -> bool {
    origin.ends_with(".example.org")
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
