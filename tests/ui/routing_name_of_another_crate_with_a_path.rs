use actix_web::{get, HttpResponse};
use cors_runtime::cors;
use foreign_attributes::trace;

// Another crate's `#[trace]` whose argument looks like a path: `#[cors]` cannot tell it from
// actix-web's, and says so rather than guess.
#[cors(origins = ["https://app.example.com"])]
#[trace("checkout")]
#[get("/checkout")]
async fn checkout() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
