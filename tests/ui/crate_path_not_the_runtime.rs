use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// `crate = path` names a crate, but not `cors-runtime`.
#[cors(crate = actix_web, origins = ["https://app.example.com"])]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
