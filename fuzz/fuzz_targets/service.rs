//! Whole requests through a real actix-web service with `#[cors]` routes: arbitrary `Origin`,
//! `Access-Control-Request-Method` and `Access-Control-Request-Headers` bytes, as a preflight or
//! an actual request. The CORS layer never panics and never answers 5xx, and a grant is always
//! the request's one `Origin` value, byte for byte, and one the policy names, also where an
//! `async` function of the app's data decides, with and without `outermost()` in front.
#![no_main]

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::{get, post, test, web, App, HttpResponse};
use cors_runtime::cors;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[cors(
    origins = ["https://app.example.com", "http://localhost:3000", "https://*.preview.example.com"],
    headers = ["Content-Type", "X-Token"],
    expose_headers = ["X-Request-Id"],
    credentials = true,
    max_age = 600
)]
#[get("/items")]
async fn list() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["*"], headers = ["*"])]
#[post("/items")]
async fn create() -> HttpResponse {
    HttpResponse::Created().finish()
}

/// The app's tenant table.
struct Tenants(&'static [&'static str]);

const TENANT: &str = "https://shop.acme.example";

async fn is_tenant(origin: &str, tenants: &Tenants) -> bool {
    actix_web::rt::task::yield_now().await;
    tenants.0.contains(&origin)
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant, origin_fn_ttl = 60)]
#[get("/tenants")]
async fn tenant_orders() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[derive(Arbitrary, Debug)]
struct Input {
    preflight: bool,
    post: bool,
    /// To the route whose origins an `async` app-data function decides.
    tenant_route: bool,
    /// The app wrapped in `outermost()`.
    outermost: bool,
    origins: Vec<Vec<u8>>,
    request_method: Option<Vec<u8>>,
    request_headers: Option<Vec<u8>>,
    private_network: bool,
}

fn allowed(origin: &[u8]) -> bool {
    let exact = [&b"https://app.example.com"[..], b"http://localhost:3000"];
    let label = origin
        .strip_prefix(b"https://")
        .and_then(|rest| rest.strip_suffix(b".preview.example.com"));
    exact.contains(&origin)
        || label.is_some_and(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.iter()
                    .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && l[0] != b'-'
                && l[l.len() - 1] != b'-'
        })
}

fuzz_target!(|input: Input| {
    // Bytes the HTTP parser refuses never reach a middleware.
    let value = |bytes: &[u8]| HeaderValue::from_bytes(bytes).ok();
    let origins: Vec<HeaderValue> = input.origins.iter().filter_map(|o| value(o)).collect();
    let method = match (input.preflight, input.post) {
        (true, _) => Method::OPTIONS,
        (false, true) => Method::POST,
        (false, false) => Method::GET,
    };
    let path = if input.tenant_route {
        "/tenants"
    } else {
        "/items"
    };
    let mut req = test::TestRequest::default().method(method).uri(path);
    for origin in &origins {
        req = req.append_header((header::ORIGIN, origin.clone()));
    }
    if let Some(v) = input.request_method.as_deref().and_then(value) {
        req = req.insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, v));
    }
    if let Some(v) = input.request_headers.as_deref().and_then(value) {
        req = req.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, v));
    }
    if input.private_network {
        req = req.insert_header(("access-control-request-private-network", "true"));
    }

    let wrapped = input.outermost;
    let res = actix_web::rt::System::new().block_on(async move {
        let app = App::new()
            .app_data(web::Data::new(Tenants(&[TENANT])))
            .service(list)
            .service(create)
            .service(tenant_orders);
        if wrapped {
            let app = test::init_service(app.wrap(cors_runtime::outermost())).await;
            let res = test::call_service(&app, req.to_request()).await;
            res.map_into_boxed_body()
        } else {
            let app = test::init_service(app).await;
            test::call_service(&app, req.to_request()).await
        }
    });
    assert!(
        !res.status().is_server_error(),
        "{:?} -> {}",
        input,
        res.status()
    );
    if let Some(grant) = res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        if grant != "*" {
            assert_eq!(
                origins.len(),
                1,
                "granted with {} Origin headers",
                origins.len()
            );
            assert_eq!(grant, origins[0]);
            let allowed = match input.tenant_route {
                true => {
                    [&b"https://app.example.com"[..], TENANT.as_bytes()].contains(&grant.as_bytes())
                }
                false => allowed(grant.as_bytes()),
            };
            assert!(allowed, "granted {grant:?}");
        }
    }
});
