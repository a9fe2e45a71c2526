use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(origins = ["tauri://localhost:*"])]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
