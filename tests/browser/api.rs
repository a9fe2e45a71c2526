//! The API under test: `#[cors]` routes on `http://127.0.0.1:18080`, one per behaviour the
//! browser judges. Origins in `#[cors]` are literals checked at compile time, so the ports are
//! fixed; `main.rs` asserts that they match the constants the harness binds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, Next};
use actix_web::{delete, get, patch, post, put, route, web, App, HttpResponse, Responder};
use cors_runtime::cors;
use serde::Deserialize;

#[derive(Deserialize)]
struct Item {
    name: String,
}

/// Readable from the home origin and from one-label subdomains of `app.localhost`; exposes
/// `X-Request-Id` but not `X-Internal`.
#[cors(
    origins = ["http://localhost:18081", "http://*.app.localhost:18081"],
    expose_headers = ["X-Request-Id"]
)]
#[get("/items")]
async fn list_items() -> impl Responder {
    HttpResponse::Ok()
        .insert_header(("X-Request-Id", "42"))
        .insert_header(("X-Internal", "secret"))
        .body("items")
}

/// A simple POST (`text/plain`): no preflight.
#[cors(origins = ["http://localhost:18081"])]
#[post("/notes")]
async fn post_note(body: String) -> impl Responder {
    HttpResponse::Ok().body(format!("note: {body}"))
}

/// A JSON POST: the content type makes it preflighted; bad JSON is a 400 from the extractor.
#[cors(origins = ["http://localhost:18081"], headers = ["Content-Type"])]
#[post("/items")]
async fn create_item(item: web::Json<Item>) -> impl Responder {
    HttpResponse::Created().body(format!("created {}", item.name))
}

#[cors(origins = ["http://localhost:18081"], headers = ["Content-Type", "X-Token"])]
#[put("/items/{id}")]
async fn replace_item(id: web::Path<u32>, item: web::Json<Item>) -> impl Responder {
    HttpResponse::Ok().body(format!("replaced {id} with {}", item.name))
}

#[cors(origins = ["http://localhost:18081"], headers = ["Content-Type", "X-Token"])]
#[patch("/items/{id}")]
async fn patch_item(id: web::Path<u32>, item: web::Json<Item>) -> impl Responder {
    HttpResponse::Ok().body(format!("patched {id} to {}", item.name))
}

#[cors(origins = ["http://localhost:18081"], headers = ["Content-Type", "X-Token"])]
#[delete("/items/{id}")]
async fn delete_item(id: web::Path<u32>) -> impl Responder {
    HttpResponse::Ok().body(format!("deleted {id}"))
}

/// Credentialed: cookies and `Authorization` from the home origin.
#[cors(origins = ["http://localhost:18081"], headers = ["Authorization"], credentials = true)]
#[get("/me")]
async fn me() -> impl Responder {
    HttpResponse::Ok().body("me")
}

/// `Authorization` listed by name, without credentials.
#[cors(origins = ["http://localhost:18081"], headers = ["Authorization"])]
#[get("/auth")]
async fn auth() -> impl Responder {
    HttpResponse::Ok().body("authorized")
}

#[cors(origins = ["*"])]
#[get("/public")]
async fn public() -> impl Responder {
    HttpResponse::Ok().body("public")
}

/// `headers = ["*"]`: any request header except `Authorization`, which a `*` never covers.
#[cors(origins = ["*"], headers = ["*"])]
#[get("/public/any-header")]
async fn public_any_header() -> impl Responder {
    HttpResponse::Ok().body("any header")
}

/// Answers with the status it is asked for, to check that error bodies stay readable.
#[cors(origins = ["http://localhost:18081"])]
#[get("/fail/{status}")]
async fn fail(status: web::Path<u16>) -> impl Responder {
    let status = actix_web::http::StatusCode::from_u16(*status).unwrap_or_default();
    HttpResponse::build(status).body(format!("failed with {}", status.as_u16()))
}

/// Two handlers, two policies, one path: GET for the home origin, POST for the other port.
#[cors(origins = ["http://localhost:18081"])]
#[get("/shared")]
async fn shared_get() -> impl Responder {
    HttpResponse::Ok().body("shared get")
}

#[cors(origins = ["http://localhost:18082"], headers = ["Content-Type"])]
#[post("/shared")]
async fn shared_post(item: web::Json<Item>) -> impl Responder {
    HttpResponse::Ok().body(format!("shared post {}", item.name))
}

/// Two handlers on one path and method, told apart by a `Host` guard: the admin host's for the
/// subdomain page, with credentials; every other host's for the home page. Each preflight must be
/// answered by the policy of the handler its actual request reaches.
fn admin_host(ctx: &actix_web::guard::GuardContext) -> bool {
    ctx.head()
        .headers()
        .get(actix_web::http::header::HOST)
        .is_some_and(|host| host == ADMIN_HOST)
}

/// The API's second name, which only the admin handler serves.
pub const ADMIN_HOST: &str = "admin.localhost:18080";

#[cors(
    origins = ["http://a.app.localhost:18081"],
    headers = ["Content-Type"],
    credentials = true
)]
#[put("/guarded", guard = "admin_host")]
async fn guarded_admin(item: web::Json<Item>) -> impl Responder {
    HttpResponse::Ok().body(format!("admin {}", item.name))
}

#[cors(origins = ["http://localhost:18081"], headers = ["Content-Type"])]
#[put("/guarded")]
async fn guarded_public(item: web::Json<Item>) -> impl Responder {
    HttpResponse::Ok().body(format!("public {}", item.name))
}

/// Preflight answers may be cached for ten minutes.
#[cors(origins = ["http://localhost:18081"], headers = ["X-Token"], max_age = 600)]
#[put("/cached")]
async fn cached() -> impl Responder {
    HttpResponse::Ok().body("cached")
}

/// Preflight answers may not be cached (`max_age = 0`; without it, the default 600 s).
#[cors(origins = ["http://localhost:18081"], headers = ["X-Token"], max_age = 0)]
#[put("/uncached")]
async fn uncached() -> impl Responder {
    HttpResponse::Ok().body("uncached")
}

/// Serves `DELETE` too, but lets pages send only `PUT` cross-origin.
#[cors(origins = ["http://localhost:18081"], methods = ["PUT"], headers = ["Content-Type"])]
#[route("/narrow", method = "PUT", method = "DELETE")]
async fn narrow() -> impl Responder {
    HttpResponse::Ok().body("narrow")
}

/// A development server's page on any port of `localhost`.
#[cors(origins = ["http://localhost:*"], headers = ["X-Token"])]
#[put("/any-port")]
async fn any_port() -> impl Responder {
    HttpResponse::Ok().body("any port")
}

/// No `max_age`: the default.
#[cors(origins = ["http://localhost:18081"], headers = ["X-Token"])]
#[put("/default-cached")]
async fn default_cached() -> impl Responder {
    HttpResponse::Ok().body("default-cached")
}

/// Holds the page for real seconds (see the page's script): no CORS, the page does not read it.
#[get("/sleep/{seconds}")]
async fn sleep(seconds: web::Path<u64>) -> impl Responder {
    actix_web::rt::time::sleep(std::time::Duration::from_secs(seconds.into_inner().min(10))).await;
    HttpResponse::NoContent().finish()
}

/// No `#[cors]`: no page on another origin may read it.
#[get("/plain")]
async fn plain() -> impl Responder {
    HttpResponse::Ok().body("plain")
}

/// The login flow, behind the app-wide authentication middleware (`require_login`) and rate
/// limiter (`rate_limit`), in front of which `outermost()` keeps these policies in force.
#[cors(origins = ["http://localhost:18081"], headers = ["Authorization", "Content-Type"])]
#[get("/account/me")]
async fn account_me() -> impl Responder {
    HttpResponse::Ok().body("account")
}

#[cors(origins = ["http://localhost:18081"], headers = ["Authorization", "Content-Type"])]
#[put("/account/items/{id}")]
async fn account_replace_item(id: web::Path<u32>, item: web::Json<Item>) -> impl Responder {
    HttpResponse::Ok().body(format!("account replaced {id} with {}", item.name))
}

#[cors(
    origins = ["http://localhost:18081"],
    headers = ["Authorization"],
    expose_headers = ["Retry-After"]
)]
#[get("/account/burst")]
async fn account_burst() -> impl Responder {
    HttpResponse::Ok().body("never: the rate limiter answers first")
}

/// Answers `401` for `/account/*` without `Authorization: Bearer t`: an app-wide middleware that
/// answers by itself, as most authentication middleware does.
async fn require_login(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let logged_in = req
        .headers()
        .get("authorization")
        .is_some_and(|value| value == "Bearer t");
    if req.path().starts_with("/account/") && !logged_in {
        let response = HttpResponse::Unauthorized().body("log in first");
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Answers `429` with `Retry-After` for `/account/burst`, every time.
async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.path() == "/account/burst" {
        let response = HttpResponse::TooManyRequests()
            .insert_header(("Retry-After", "30"))
            .body("slow down");
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Tells the page which run it is talking to, so that a stale server on the port cannot pass
/// for this one.
#[cors(origins = ["*"])]
#[get("/run-id")]
async fn run_id(run: web::Data<RunId>) -> impl Responder {
    HttpResponse::Ok().body(run.0.clone())
}

/// This run's identity, served by `/run-id`.
#[derive(Clone)]
pub struct RunId(pub String);

/// Preflights seen by the server, per path: what `max_age` must save.
#[derive(Clone, Default)]
pub struct PreflightCount(Arc<Mutex<HashMap<String, u32>>>);

impl PreflightCount {
    pub fn get(&self, path: &str) -> u32 {
        self.0.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn record(&self, req: &actix_web::dev::ServiceRequest) {
        let is_preflight = req.method() == Method::OPTIONS
            && req.headers().contains_key("access-control-request-method");
        if is_preflight {
            *self
                .0
                .lock()
                .unwrap()
                .entry(req.path().to_owned())
                .or_default() += 1;
        }
    }
}

/// Builds the API app: every route above, with a counter of preflights in front.
pub fn app(
    run: RunId,
    preflights: PreflightCount,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(run))
        .wrap(from_fn(require_login))
        .wrap(from_fn(rate_limit))
        .wrap(cors_runtime::outermost())
        // Outermost of all, so that it counts the preflights `outermost()` answers too.
        .wrap_fn(move |req, srv| {
            preflights.record(&req);
            srv.call(req)
        })
        .service(list_items)
        .service(post_note)
        .service(create_item)
        .service(replace_item)
        .service(patch_item)
        .service(delete_item)
        .service(me)
        .service(auth)
        .service(public)
        .service(public_any_header)
        .service(fail)
        .service(shared_get)
        .service(shared_post)
        .service(guarded_admin)
        .service(guarded_public)
        .service(cached)
        .service(uncached)
        .service(default_cached)
        .service(any_port)
        .service(narrow)
        .service(sleep)
        .service(plain)
        .service(account_me)
        .service(account_replace_item)
        .service(account_burst)
        .service(run_id)
}
