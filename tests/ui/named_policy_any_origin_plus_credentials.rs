use actix_web::{get, HttpResponse};
use cors_runtime::cors;

cors_runtime::policy!(PUBLIC { origins = ["*"] });

#[cors(policy = PUBLIC, credentials = true)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
