use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// Any port is for a loopback origin itself, not for a pattern under it.
#[cors(origins = ["http://*.localhost:*"])]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
