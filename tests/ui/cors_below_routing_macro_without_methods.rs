use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[get("/")]
#[cors(origins = ["https://app.example.com"])]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
