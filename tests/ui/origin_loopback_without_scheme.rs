// A development server on loopback runs without TLS: the suggestion is `http://`.
use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(origins = ["localhost:5173"])]
#[get("/todos")]
async fn list_todos() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
