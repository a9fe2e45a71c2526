use actix_web::{get, HttpResponse};
use cors_runtime::cors;

// actix-cors's settings, written as keys: each one is reported, in one compile, with what to
// write here instead.
#[cors(
    allowed_origin = ["https://app.example.com"],
    allowed_origin_fn = is_tenant,
    allow_any_origin = true,
    allowed_methods = ["GET"],
    allow_any_method = true,
    allowed_header = ["X-Token"],
    allowed_headers = ["X-Token"],
    allow_any_header = true,
    expose = ["X-Request-Id"],
    expose_any_header = true,
    supports_credentials = true,
    allow_private_network_access = true,
    block_on_origin_mismatch = true,
    send_wildcard = true,
    disable_vary_header = true,
    disable_preflight = true,
)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
