use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(origins = ["https://xn--a.example.com"])]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
