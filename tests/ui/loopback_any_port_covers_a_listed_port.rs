use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(origins = ["http://localhost:*", "http://localhost:5173"])]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
