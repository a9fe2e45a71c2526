//! CORS for actix-web, declared on the handler it protects.
//!
//! ```
//! use actix_web::{get, http::header, test, App, HttpResponse};
//! use cors_runtime::cors;
//!
//! #[cors(origins = ["https://app.example.com"], expose_headers = ["X-Request-Id"], max_age = 600)]
//! #[get("/items")]
//! async fn list_items() -> HttpResponse {
//!     HttpResponse::Ok().insert_header(("X-Request-Id", "42")).body("[]")
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! // Registering the handler registers its preflight too.
//! let app = test::init_service(App::new().service(list_items)).await;
//!
//! let preflight = test::TestRequest::default()
//!     .method(actix_web::http::Method::OPTIONS)
//!     .uri("/items")
//!     .insert_header((header::ORIGIN, "https://app.example.com"))
//!     .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "GET"))
//!     .to_request();
//! let res = test::call_service(&app, preflight).await;
//! assert_eq!(res.status(), 204);
//! assert_eq!(res.headers().get(header::ACCESS_CONTROL_MAX_AGE).unwrap(), "600");
//!
//! let get = test::TestRequest::get()
//!     .uri("/items")
//!     .insert_header((header::ORIGIN, "https://app.example.com"))
//!     .to_request();
//! let res = test::call_service(&app, get).await;
//! assert_eq!(res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "https://app.example.com");
//! assert_eq!(res.headers().get(header::ACCESS_CONTROL_EXPOSE_HEADERS).unwrap(), "X-Request-Id");
//! # });
//! ```
//!
//! # The attribute
//!
//! Write `#[cors(...)]` **above** actix-web's routing attribute (`#[get]`, `#[post]`, `#[put]`,
//! `#[delete]`, `#[patch]`, `#[head]`, `#[route]`, `#[routes]`, bare or as `actix_web::get`) and
//! register the handler with `App::service` as usual, also inside `web::scope` or `#[scope]`.
//!
#![doc = include_str!("attribute_reference.md")]
//!
//! Invalid or unsafe policies do not compile: a misspelt origin (`"https://example.com/"`),
//! `"null"`, `"*"` with `credentials = true`, a pattern such as `"https://*example.com"` that would
//! also match `evilexample.com`, a method the route does not serve, a forbidden header. Each error
//! points at the literal at fault and says what to write instead.
//!
//! # What is served
//!
//! - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered `204`
//!   with the policy's headers when origin, method and every requested header are allowed, and
//!   `403` without any `Access-Control-*` header when the origin is not. An allowed origin asking
//!   for a method or header the policy does not allow gets the policy's lists, by which the
//!   browser refuses the request itself and names what is missing in its console. The handler
//!   and its own middleware (`wrap = "..."`) never run for a preflight.
//! - An actual request runs the handler; when its origin is allowed, the response (errors
//!   included: handler errors, extractor errors, errors from inner middleware) carries
//!   `Access-Control-Allow-Origin` with the exact request origin (or `*`), and the credentials and
//!   expose headers the policy declares. Other origins get no `Access-Control-*` header.
//! - `Vary: Origin` is appended whenever the answer depends on the origin; `*` policies answer
//!   every request alike with `Access-Control-Allow-Origin: *`.
//! - Origins are compared byte for byte with what the browser sent; a pattern's `*` matches one
//!   lowercase DNS label. Every refusal is logged at debug level (target `cors_runtime`) with the
//!   handler's name, the origin and the exact reason (which header, which method).
//!
//! # Named policies
//!
//! Declare a policy once with [`policy!`] and build routes on it from any module of the crate.
//! The route's list keys (`origins`, `methods`, `headers`, `expose_headers`) extend the named
//! policy's, its other keys replace them, and the combination is checked again:
//!
//! ```
//! mod cors_policies {
//!     cors_runtime::policy!(
//!         /// The policy of the public API.
//!         API {
//!             origins = ["https://app.example.com"],
//!             headers = ["Content-Type"],
//!             max_age = 600,
//!         }
//!     );
//! }
//!
//! use actix_web::{get, post, HttpResponse};
//! use cors_runtime::cors;
//!
//! #[cors(policy = crate::cors_policies::API)]
//! #[get("/items")]
//! async fn list_items() -> HttpResponse {
//!     HttpResponse::Ok().finish()
//! }
//!
//! // The admin site may call this one too, with cookies.
//! #[cors(policy = crate::cors_policies::API, origins = ["https://admin.example.com"], credentials = true)]
//! #[post("/items")]
//! async fn create_item() -> HttpResponse {
//!     HttpResponse::Created().finish()
//! }
//! # fn main() {}
//! ```
//!
//! # Origins known at run time
//!
//! `origins_env = "VAR"` reads a comma-separated list when the app is built; each entry passes the
//! same checks as a literal, and a bad entry (or a missing variable on a route without static
//! `origins`) panics right then, naming the variable, the entry and the rule, so the server never
//! starts with it. `origin_fn = path` asks a function about origins no list names:
//!
//! ```
//! use actix_web::{get, HttpResponse};
//! use cors_runtime::cors;
//!
//! /// Sees only single, well-formed serialized origins such as `https://acme.example.org`.
//! fn is_tenant(origin: &str) -> bool {
//!     origin.ends_with(".example.org")
//! }
//!
//! #[cors(origins = ["https://app.example.com"], origins_env = "EXTRA_ORIGINS", origin_fn = is_tenant)]
//! #[get("/items")]
//! async fn list_items() -> HttpResponse {
//!     HttpResponse::Ok().finish()
//! }
//! # fn main() {}
//! ```
//!
//! The function may also read the app's `web::Data<T>` and be `async`, with its answers kept per
//! worker for `origin_fn_ttl` seconds: see [`OriginCheck`].
//!
//! # Audit
//!
//! [`policies()`] lists every annotated handler's effective policy, with no registration step,
//! for a startup log or a test that enforces a team's rules over every route.
//!
//! # Handlers registered by hand
//!
//! Without a routing attribute, `#[cors]` needs `methods` and generates `handler::cors()`, the
//! middleware to wrap the resource with; it answers that resource's preflights too:
//!
//! ```
//! use actix_web::{web, App, HttpResponse};
//! use cors_runtime::cors;
//!
//! // Declare such handlers at module level: the generated check that `#[cors]` is not below a
//! // routing macro looks the handler's name up in the enclosing module.
//! #[cors(origins = ["https://app.example.com"], methods = ["GET", "PUT"])]
//! async fn settings() -> HttpResponse {
//!     HttpResponse::Ok().finish()
//! }
//!
//! fn main() {
//!     let _app = App::new().service(
//!         web::resource("/settings")
//!             .route(web::get().to(settings))
//!             .route(web::put().to(settings))
//!             .wrap(settings::cors()),
//!     );
//! }
//! ```

#![warn(missing_docs)]

mod decision;
mod headers;
mod layers;
mod origin_fn;
mod policy;
mod routing;

#[doc(hidden)]
pub mod __private;
pub mod test;

pub use cors_macros::{cors, named_policy, policy};
pub use layers::outermost::{outermost, Outermost};
pub use layers::route::Cors;
pub use origin_fn::forms::OriginCheck;
pub use origin_fn::reloadable::{RefusedOrigin, ReloadableOrigins};
pub use policy::registry::policies;
pub use policy::view::{AllowedOrigin, Policy};

/// The parts of a policy, as [`policies()`] and [`Policy`] list them.
pub mod audit {
    pub use crate::origin_fn::stored::OriginFn;
    pub use crate::policy::env_origins::EnvOrigins;
    pub use cors_rules::stored::AllowedHeaders;
    pub use cors_rules::{LoopbackAnyPort, OriginEntry, OriginPattern};
}

/// The services and futures of the two middleware, for code that names their types: the route's
/// ([`Cors`]) and the app's ([`outermost()`]). Applications do not write them.
pub mod middleware {
    pub use crate::layers::flow::{After, Layer, LayerFuture};
    pub use crate::layers::outermost::{OutermostFuture, OutermostLayer, OutermostService, Watch};
    pub use crate::layers::route::{CorsFuture, CorsService, Decorate, RouteLayer};
}

#[cfg(test)]
mod tests {
    /// The README carries the reference table the crate docs include, word for word.
    #[test]
    fn the_readme_carries_the_attribute_reference() {
        let reference = include_str!("attribute_reference.md");
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(reference.trim_end()),
            "copy src/attribute_reference.md into README.md"
        );
    }
}
