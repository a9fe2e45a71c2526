use actix_web::{get, HttpResponse};
use cors_runtime::cors;

cors_runtime::policy!(API { origins = ["https://app.example.com"] });

#[cors(policy = API, origins = ["https://app.example.com"])]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
