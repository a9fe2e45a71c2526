use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// `*.kawasaki.jp` is a wildcard rule of the Public Suffix List: every name right under
// `kawasaki.jp` is a public suffix of its own.
#[cors(origins = ["https://*.kawasaki.jp"])]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
