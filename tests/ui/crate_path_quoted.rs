use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// `crate` takes a path, unquoted (serde's `crate = "..."` is a string).
#[cors(crate = "cors_runtime", origins = ["https://app.example.com"])]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
