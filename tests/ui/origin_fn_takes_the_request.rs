use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// The request is not offered: an answer that depended on another header than `Origin` would be
// cached by browsers and proxies under `Vary: Origin` and replayed to requests it does not fit.
fn is_tenant(origin: &str, request: &actix_web::HttpRequest) -> bool {
    request.headers().contains_key("x-tenant") && origin.ends_with(".example.org")
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
