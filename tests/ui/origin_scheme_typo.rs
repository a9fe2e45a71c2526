// `htp` is one letter from `http`: a typo, not a custom scheme such as `tauri` or
// `chrome-extension`, which stay accepted.
use actix_web::{get, HttpResponse};
use cors_runtime::cors;

#[cors(origins = ["htp://localhost:5173", "tauri://localhost"])]
#[get("/todos")]
async fn list_todos() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
