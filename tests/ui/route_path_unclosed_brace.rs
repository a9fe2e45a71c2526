use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// A malformed path is actix-web's to report, as without `#[cors]`, and nothing else is reported.
#[cors(origins = ["https://app.example.com"])]
#[get("/items/{id")]
async fn item() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
