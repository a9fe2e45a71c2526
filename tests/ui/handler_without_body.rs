use cors_runtime::cors;

#[cors(origins = ["https://app.example.com"])]
#[actix_web::get("/")]
async fn handler() -> &'static str;

fn main() {}
