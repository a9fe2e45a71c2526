// One bad literal in a named policy reports that literal, once: the routes built on the policy
// still exist (without CORS, as the compile fails anyway), and an unrelated mistake elsewhere is
// still reported in the same compile.
mod cors_policies {
    cors_runtime::policy!(SPA { origins = ["http://localhost:5173/"], credentials = true });
}

use actix_web::{get, post, App, HttpResponse};
use cors_runtime::cors;

#[cors(policy = crate::cors_policies::SPA)]
#[get("/todos")]
async fn list_todos() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(policy = crate::cors_policies::SPA, headers = ["Content-Type"])]
#[post("/todos")]
async fn create_todo() -> HttpResponse {
    HttpResponse::Created().finish()
}

#[cors(origins = ["https://admin.example.com"], max_age = 604800)]
#[get("/admin")]
async fn admin() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _app = App::new()
        .service(list_todos)
        .service(create_todo)
        .service(admin);
}
