// A misspelt named policy on a route that `main` registers: the one error is the path, not also
// "cannot find value `list_todos`" where the route is registered.
mod cors_policies {
    cors_runtime::policy!(SPA { origins = ["http://localhost:5173"] });
}

mod routes {
    use actix_web::{get, HttpResponse};
    use cors_runtime::cors;

    #[cors(policy = crate::cors_policies::SPAA)]
    #[get("/todos")]
    pub async fn list_todos() -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

use routes::list_todos;

fn main() {
    let _app = actix_web::App::new().service(list_todos);
}
