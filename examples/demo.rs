//! A CORS playground: an API on http://127.0.0.1:8080 whose routes carry `#[cors]` policies, and
//! a page on http://localhost:3000 (a different origin) whose buttons call the API with `fetch`,
//! so you can watch in a browser what passes, what is blocked, and why.
//!
//!     cargo run --example demo
//!
//! Set `RUST_LOG=cors_runtime=debug` (the default here) to see why a request was refused.
//! `API_PORT` and `PAGE_PORT` change the ports.

use actix_web::{delete, get, post, web, App, HttpResponse, HttpServer, Responder};
use cors_runtime::cors;
use serde::Deserialize;

#[derive(Deserialize)]
struct NewItem {
    name: String,
}

/// Lists items: a simple GET, readable from the demo page.
#[cors(origins = ["http://localhost:3000", "http://localhost:5173"], expose_headers = ["X-Total-Count"])]
#[get("/api/items")]
async fn list_items() -> impl Responder {
    HttpResponse::Ok()
        .insert_header(("X-Total-Count", "2"))
        .json(["apple", "pear"])
}

/// Creates an item from JSON: `Content-Type: application/json` makes the browser send a
/// preflight first. Bad JSON gets a 400 the page can read.
#[cors(origins = ["http://localhost:3000"], headers = ["Content-Type"], max_age = 600)]
#[post("/api/items")]
async fn create_item(item: web::Json<NewItem>) -> impl Responder {
    HttpResponse::Created().json(format!("created {}", item.name))
}

/// Deletes an item; the page must send `X-Token`, which the policy allows.
#[cors(origins = ["http://localhost:3000"], headers = ["X-Token"])]
#[delete("/api/items/{id}")]
async fn delete_item(id: web::Path<u32>) -> impl Responder {
    HttpResponse::Ok().json(format!("deleted {id}"))
}

/// Who am I: cookies cross-origin need `credentials = true` on the server and
/// `credentials: "include"` in the page.
#[cors(origins = ["http://localhost:3000"], credentials = true)]
#[get("/api/me")]
async fn me(req: actix_web::HttpRequest) -> impl Responder {
    let cookie = req.cookie("demo_session").map(|c| c.value().to_owned());
    HttpResponse::Ok().json(format!(
        "session cookie: {}",
        cookie.as_deref().unwrap_or("none")
    ))
}

/// Public data: any origin may read it, without credentials.
#[cors(origins = ["*"])]
#[get("/api/public")]
async fn public() -> impl Responder {
    HttpResponse::Ok().json("anyone can read this")
}

/// Admin only from the admin site: the demo page's origin is not listed, so the browser blocks
/// the answer (the handler still runs: CORS decides who may read, not who may call).
#[cors(origins = ["https://admin.example.com"])]
#[get("/api/admin")]
async fn admin() -> impl Responder {
    HttpResponse::Ok().json("secret admin data")
}

/// No `#[cors]` at all: a browser page on another origin cannot read it.
#[get("/api/internal")]
async fn internal() -> impl Responder {
    HttpResponse::Ok().json("internal")
}

const PAGE: &str = include_str!("static/demo.html");

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("cors_runtime=debug"),
    )
    .init();
    let api_port: u16 = port("API_PORT", 8080);
    let page_port: u16 = port("PAGE_PORT", 3000);

    let api = HttpServer::new(|| {
        App::new()
            .service(list_items)
            .service(create_item)
            .service(delete_item)
            .service(me)
            .service(public)
            .service(admin)
            .service(internal)
    })
    .bind(("127.0.0.1", api_port))?
    .run();

    let page = HttpServer::new(move || {
        App::new().route(
            "/",
            web::get().to(move || async move {
                let html = PAGE.replace("{API}", &format!("http://127.0.0.1:{api_port}"));
                HttpResponse::Ok()
                    .content_type("text/html; charset=utf-8")
                    .body(html)
            }),
        )
    })
    .bind(("127.0.0.1", page_port))?
    .run();

    // The audit: every #[cors] handler's effective policy, with no registration step.
    println!("CORS policies:");
    for policy in cors_runtime::policies() {
        println!("  {policy}");
    }
    println!();
    println!("API (with #[cors] routes): http://127.0.0.1:{api_port}/api/items");
    println!(
        "Demo page (another origin): http://localhost:{page_port}/  <- open this in a browser"
    );
    println!();
    println!("Or poke it with curl:");
    println!("  curl -i -H 'Origin: http://localhost:3000' http://127.0.0.1:{api_port}/api/items");
    println!("  curl -i -X OPTIONS -H 'Origin: http://localhost:3000' -H 'Access-Control-Request-Method: POST' \\");
    println!("       -H 'Access-Control-Request-Headers: content-type' http://127.0.0.1:{api_port}/api/items");
    println!("  curl -i -X OPTIONS -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: POST' \\");
    println!("       http://127.0.0.1:{api_port}/api/items");
    if page_port != 3000 {
        println!(
            "(the policies name http://localhost:3000: on another page port the page is blocked)"
        );
    }

    futures_join(api, page).await
}

fn port(var: &str, default: u16) -> u16 {
    match std::env::var(var) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{var} must be a port number, got {value:?}")),
        Err(_) => default,
    }
}

/// Runs both servers until either stops (Ctrl-C stops both).
async fn futures_join(
    api: actix_web::dev::Server,
    page: actix_web::dev::Server,
) -> std::io::Result<()> {
    let (api, page) = (actix_web::rt::spawn(api), actix_web::rt::spawn(page));
    api.await.expect("API server task")?;
    page.await.expect("page server task")
}
