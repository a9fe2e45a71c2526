use actix_web::HttpResponse;
#[allow(unused_imports)]
use actix_web::{get, patch, route, routes, trace};
use cors_runtime::cors;

#[cors(origins_env = "1CORS-ORIGINS")]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
