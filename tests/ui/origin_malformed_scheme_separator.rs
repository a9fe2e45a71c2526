// A `://` written wrongly gets the origin that was meant, not `https://https`.
use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(origins = ["https:/admin.example.com", "http//localhost:5173"])]
#[get("/todos")]
async fn list_todos() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
