// A newcomer lists OPTIONS to "allow preflights": they are answered without it.
use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(origins = ["http://localhost:5173"], methods = ["GET", "OPTIONS"])]
#[get("/todos")]
async fn list_todos() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
