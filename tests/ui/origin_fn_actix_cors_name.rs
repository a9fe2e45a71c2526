use actix_web::HttpResponse;
#[allow(unused_imports)]
use actix_web::{get, patch, route, routes, trace};
use cors_runtime::cors;

#[cors(allowed_origin_fn = is_tenant)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
