use actix_web::{get, HttpResponse};
use cors_runtime::cors;

const TENANT_LIMIT: u32 = 3;

#[cors(origins = ["https://app.example.com"], origin_fn = TENANT_LIMIT)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
