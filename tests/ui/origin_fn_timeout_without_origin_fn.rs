use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(origins = ["https://app.example.com"], origin_fn_timeout = 5)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
