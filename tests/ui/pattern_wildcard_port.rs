use actix_web::HttpResponse;
#[allow(unused_imports)]
use actix_web::{get, patch, route, routes, trace};
use cors_runtime::cors;

// A port wildcard is for loopback hosts only.
#[cors(origins = ["https://app.example.com:*"])]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
