//! The audit: `cors_runtime::policies()` lists every annotated handler's effective policy with no
//! registration step, and a team can assert its own rules over all of them.

use actix_web::{post, routes, HttpResponse};
use cors_runtime::audit::AllowedHeaders;
use cors_runtime::{cors, AllowedOrigin, Policy};

#[cors(origins = ["https://app.example.com", "https://*.preview.example.com"], headers = ["Content-Type"], credentials = true, max_age = 600)]
#[post("/orders")]
async fn create_order() -> HttpResponse {
    HttpResponse::Created().finish()
}

#[cors(origins = ["*"])]
#[routes]
#[get("/status")]
#[get("/health")]
async fn status() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["http://localhost:3000"], methods = ["GET"], credentials = true)]
#[allow(dead_code)] // listed by the registry; this test never serves it
async fn by_hand() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Tenants' own domains, decided at run time.
fn is_tenant(origin: &str) -> bool {
    origin.ends_with(".tenants.example.net")
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant, credentials = true)]
#[post("/tenant-orders")]
async fn create_tenant_order() -> HttpResponse {
    HttpResponse::Created().finish()
}

fn policy(route: &str) -> Policy {
    cors_runtime::policies()
        .into_iter()
        .find(|p| p.route() == route)
        .unwrap_or_else(|| panic!("{route} is not in the registry"))
}

#[test]
fn every_annotated_handler_is_listed_with_its_effective_policy() {
    let routes: Vec<&str> = cors_runtime::policies().iter().map(|p| p.route()).collect();
    assert_eq!(
        routes,
        ["by_hand", "create_order", "create_tenant_order", "status"]
    );

    let order_policy = policy("create_order");
    assert_eq!(
        order_policy.to_string(),
        "create_order POST /orders: origins https://app.example.com, \
         https://*.preview.example.com; headers Content-Type; credentials; max_age 600"
    );
    assert_eq!(order_policy.paths(), ["/orders"]);
    assert_eq!(order_policy.methods().collect::<Vec<_>>(), ["POST"]);
    let origins: Vec<String> = order_policy.origins().map(|o| o.to_string()).collect();
    assert_eq!(
        origins,
        ["https://app.example.com", "https://*.preview.example.com"]
    );
    assert!(order_policy.credentials());
    assert_eq!(order_policy.max_age(), Some(600));
    assert!(matches!(order_policy.headers(), AllowedHeaders::List(_)));
    assert_eq!(
        order_policy.headers().names().collect::<Vec<_>>(),
        ["Content-Type"]
    );
    let origins: Vec<AllowedOrigin> = order_policy.origins().collect();
    assert!(matches!(
        origins[..],
        [AllowedOrigin::Exact("https://app.example.com"), AllowedOrigin::Pattern(pattern)]
            if (pattern.prefix, pattern.suffix) == ("https://", ".preview.example.com")
    ));

    let health = policy("status");
    assert_eq!(health.paths(), ["/status", "/health"]);
    let origins: Vec<AllowedOrigin> = health.origins().collect();
    assert!(matches!(origins[..], [AllowedOrigin::Any]));
    assert_eq!(health.headers().names().count(), 0);

    // A function is an entry of its own, not a string that looks like an origin.
    let tenant = policy("create_tenant_order");
    let origins: Vec<AllowedOrigin> = tenant.origins().collect();
    assert!(matches!(
        origins[..],
        [AllowedOrigin::Exact("https://app.example.com"), AllowedOrigin::Function(f)]
            if f.name() == "is_tenant" && f.resolved_in() == "audit"
    ));
    assert!(tenant.to_string().ends_with(
        "origins https://app.example.com, origin_fn is_tenant (in audit); credentials; max_age 600"
    ));
    // Without `max_age`, the default: the effective policy says so.
    assert_eq!(tenant.max_age(), Some(600));

    let manual = policy("by_hand");
    assert!(manual.paths().is_empty());
    assert_eq!(manual.methods().collect::<Vec<_>>(), ["GET"]);
}

/// A team's rule, enforced over every route: credentials only go to `https://` origins, or to
/// loopback during development.
#[test]
fn no_route_sends_credentials_to_a_plain_http_origin() {
    let is_loopback = |origin: &str| {
        ["http://localhost", "http://127.0.0.1", "http://[::1]"]
            .iter()
            .any(|host| origin == *host || origin.starts_with(&format!("{host}:")))
    };
    for policy in cors_runtime::policies() {
        if !policy.credentials() {
            continue;
        }
        for origin in policy.origins() {
            let allowed = match origin {
                AllowedOrigin::Exact(origin) => {
                    origin.starts_with("https://") || is_loopback(origin)
                }
                AllowedOrigin::Pattern(pattern) => pattern.prefix == "https://",
                // Checked where they are written.
                AllowedOrigin::Function(_) | AllowedOrigin::Unread { .. } => true,
                _ => false,
            };
            assert!(allowed, "{} sends credentials to {origin}", policy.route());
        }
    }
}
