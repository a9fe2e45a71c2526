use actix_web::HttpResponse;
use cors_runtime::cors;
use foreign_attributes::trace;

static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

// Another crate's `#[trace]`, without a path: `#[cors]` looks past it, finds no routing
// attribute, and says which attribute it could not read as one.
#[cors(origins = ["https://app.example.com"])]
#[trace(counter = CALLS)]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
