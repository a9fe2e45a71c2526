use actix_web::{get, HttpResponse};
use cors_runtime::cors;

cors_runtime::policy!(WRITES { origins = ["https://app.example.com"], methods = ["POST"] });

#[cors(policy = WRITES)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
