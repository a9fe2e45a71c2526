use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// actix-web reads a `}` that closes no `{` as a literal character and accepts the path, so
// `#[cors]` reads the route too and checks its policy: here, a `*` with credentials.
#[cors(origins = ["*"], credentials = true)]
#[get("/items/{id}}")]
async fn item() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
