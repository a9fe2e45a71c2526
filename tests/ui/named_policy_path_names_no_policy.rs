// A path to something that is not a named policy: the compiler says what it found instead.
mod cors_policies {
    pub const API: &str = "https://app.example.com";
}

use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(policy = crate::cors_policies::API)]
#[get("/todos")]
async fn list_todos() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _app = actix_web::App::new().service(list_todos);
}
