use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// `crate = path` names nothing: the compiler's error is on the path.
#[cors(crate = cors, origins = ["https://app.example.com"])]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
