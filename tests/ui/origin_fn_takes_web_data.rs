use actix_web::{get, web, HttpResponse};
use cors_runtime::cors;

struct Tenants(Vec<String>);

// The app's `web::Data<Tenants>` is handed to the function as `&Tenants`: a parameter
// `&web::Data<Tenants>` would look for a `web::Data<web::Data<Tenants>>` and refuse every origin.
fn is_tenant(origin: &str, tenants: &web::Data<Tenants>) -> bool {
    tenants.0.iter().any(|tenant| tenant == origin)
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant)]
#[get("/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
