// A misspelt named policy, named by path: the compiler's own "cannot find" message, on the name.
mod cors_policies {
    cors_runtime::policy!(SPA { origins = ["http://localhost:5173"] });
}

use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(policy = crate::cors_policies::SPAA)]
#[get("/todos")]
async fn list_todos() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
