use actix_web::{get, HttpResponse};
use cors_runtime::cors;

mod cors_policies {
    cors_runtime::policy!(API { origins = ["https://app.example.com"] });
}

#[get("/")]
#[cors(policy = crate::cors_policies::API)]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
