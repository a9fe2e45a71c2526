use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// An option actix-web's routing macro does not know is reported by that macro, as without
// `#[cors]`.
#[cors(origins = ["https://app.example.com"])]
#[get("/items", wrapp = "Logger::default()")]
async fn items() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
