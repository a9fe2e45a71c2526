use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(origins = ["https://app.example.com"])]
#[get("/", guard = "is_admin_host")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
