use actix_web::HttpResponse;
#[allow(unused_imports)]
use actix_web::{get, patch, route, routes, trace};
use cors_runtime::cors;

#[cors(origins = ["https://app.example.com"], block_on_origin_mismatch = true)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
