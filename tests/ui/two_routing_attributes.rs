use actix_web::{get, post, HttpResponse};
use cors_runtime::cors;

// Two routing attributes on one handler: actix-web takes one route per attribute, and several
// under `#[routes]`.
#[cors(origins = ["https://app.example.com"])]
#[get("/items")]
#[post("/items")]
async fn items() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
