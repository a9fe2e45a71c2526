use actix_web::{route, HttpResponse};
use cors_runtime::cors;

// actix-web's `#[route]` accepts `method = ""`, and the app then panics when it registers the
// route: `#[cors]` reports it where it is written.
#[cors(origins = ["https://app.example.com"])]
#[route("/items", method = "GET", method = "")]
async fn items() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
