//! A CORS playground: an API on http://127.0.0.1:8080 whose routes carry `#[cors]` policies, and
//! a page on http://localhost:3000 (a different origin) whose buttons call the API with `fetch`,
//! so you can watch in a browser what passes, what is blocked, and why. The app is wrapped in an
//! authentication middleware and a rate limiter, with `cors_runtime::outermost()` in front.
//!
//!     cargo run --example demo
//!
//! Set `RUST_LOG=cors_runtime=debug` (the default here) to see why a request was refused.
//! `API_PORT` and `PAGE_PORT` change the ports.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{from_fn, Next};
use actix_web::{delete, get, post, put, web, App, HttpResponse, HttpServer, Responder};
use cors_runtime::{cors, ReloadableOrigins};
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

/// The signed-in part of the API, behind the app-wide `require_login` middleware below. The page
/// sends `Authorization`, which makes every call preflighted: `outermost()` answers those
/// preflights before `require_login` runs, and makes its `401` readable.
#[cors(origins = ["http://localhost:3000"], headers = ["Authorization", "Content-Type"])]
#[get("/api/account/me")]
async fn account() -> impl Responder {
    HttpResponse::Ok().json("signed in as demo")
}

#[cors(origins = ["http://localhost:3000"], headers = ["Authorization", "Content-Type"])]
#[put("/api/account/items/{id}")]
async fn account_replace_item(id: web::Path<u32>, item: web::Json<NewItem>) -> impl Responder {
    HttpResponse::Ok().json(format!("replaced {id} with {}", item.name))
}

/// Behind the rate limiter too, which always says `429` here; the page reads `Retry-After`.
#[cors(
    origins = ["http://localhost:3000"],
    headers = ["Authorization"],
    expose_headers = ["Retry-After"]
)]
#[get("/api/account/burst")]
async fn account_burst() -> impl Responder {
    HttpResponse::Ok().json("the rate limiter answers first")
}

/// Asks the app's tenant list, a `ReloadableOrigins` kept in app data that the app replaces
/// while it serves (the page's tenant buttons do). In a real app this could as well be an
/// `async fn` asking a database, with `origin_fn_ttl` to keep its answers.
fn is_tenant(origin: &str, tenants: &ReloadableOrigins) -> bool {
    tenants.allows(origin)
}

/// Readable by the origins in the tenant list, whatever it holds when the request comes.
#[cors(origin_fn = is_tenant)]
#[get("/api/tenant")]
async fn tenant() -> impl Responder {
    HttpResponse::Ok().json("tenant data")
}

/// Replaces the tenant list (in a real app: an admin endpoint, a config reload, a database
/// poll). A bad list is refused whole, with the message the compiler gives the same literal, and
/// the old list stays in force.
#[cors(origins = ["http://localhost:3000"], headers = ["Content-Type"])]
#[put("/api/tenant/origins")]
async fn replace_tenant_origins(
    tenants: web::Data<ReloadableOrigins>,
    origins: web::Json<Vec<String>>,
) -> impl Responder {
    match tenants.replace(origins.iter()) {
        Ok(()) => HttpResponse::Ok().json(tenants.entries()),
        Err(refused) => HttpResponse::BadRequest().json(refused.to_string()),
    }
}

/// App-wide authentication for `/api/account/*`: `401` unless `Authorization: Bearer demo`.
async fn require_login(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let signed_in = req
        .headers()
        .get(header::AUTHORIZATION)
        .is_some_and(|value| value == "Bearer demo");
    if req.path().starts_with("/api/account/") && !signed_in {
        let response = HttpResponse::Unauthorized().json("sign in first");
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// An app-wide rate limiter that answers `429` for `/api/account/burst`, always.
async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.path() == "/api/account/burst" {
        let response = HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, "30"))
            .json("slow down");
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// The API `main()` serves, and the test checks.
fn app(
    tenants: web::Data<ReloadableOrigins>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(tenants)
        .service(tenant)
        .service(replace_tenant_origins)
        .service(list_items)
        .service(create_item)
        .service(delete_item)
        .service(me)
        .service(public)
        .service(admin)
        .service(internal)
        .service(account)
        .service(account_replace_item)
        .service(account_burst)
        .wrap(from_fn(require_login))
        .wrap(from_fn(rate_limit))
        // Wrapped last, so it runs first: preflights never reach the middleware above, and
        // what they answer carries the route's CORS headers.
        .wrap(cors_runtime::outermost())
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

    let tenants = web::Data::new(ReloadableOrigins::new());
    tenants
        .replace(["https://shop.acme.example"])
        .expect("a valid list");
    let api = HttpServer::new(move || app(tenants.clone()))
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

#[cfg(test)]
mod tests {
    use actix_web::{test, web};
    use cors_runtime::test::check_app;
    use cors_runtime::ReloadableOrigins;

    /// Every `#[cors]` route's preflight is answered by a CORS layer, not by `require_login` or
    /// `rate_limit`.
    #[actix_web::test]
    async fn every_preflight_reaches_a_cors_layer() {
        let app = test::init_service(super::app(web::Data::new(ReloadableOrigins::new()))).await;
        let report = check_app(&app).await.unwrap();
        // `tenant` takes its origins from `origin_fn` alone, which a test cannot know.
        assert_eq!(report.skipped().len(), 1, "{report}");
        assert_eq!(report.checked().len(), 10, "{report}");
    }
}
