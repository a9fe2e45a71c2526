use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// A flag written bare, as a builder method or a serde attribute would be: the fix is `= true`.
#[cors(origins = ["https://app.example.com"], credentials, private_network)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
