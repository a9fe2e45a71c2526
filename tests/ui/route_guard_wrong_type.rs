use actix_web::{get, HttpResponse};
use cors_runtime::cors;

fn is_admin_host(host: &str) -> bool {
    host == "admin.example.com"
}

#[cors(origins = ["https://app.example.com"])]
#[get("/", guard = "is_admin_host")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
