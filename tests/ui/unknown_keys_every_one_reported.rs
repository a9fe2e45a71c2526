use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// Every unknown key is reported in one compile, not one per compile.
#[cors(origin = ["https://app.example.com"], header = ["X-Token"], max_ages = 600)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
