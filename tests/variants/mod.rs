//! One handler served three ways for the benchmarks: bare, under `#[cors]`, and under actix-cors
//! with the equivalent policy, on separate paths of one app, so that every comparison runs in the
//! same process with the same router.
#![allow(dead_code)] // the allocation test and the throughput bench each use a different subset

use actix_web::http::header;
use actix_web::{get, put, web, HttpResponse};
use cors_runtime::cors;

/// The origin the policy allows.
pub const ALLOWED_ORIGIN: &str = "https://app.example.com";
/// An origin the policy does not list.
pub const REFUSED_ORIGIN: &str = "https://evil.example.net";

// Every path is five bytes long: parsing and routing a path costs a few instructions per byte,
// which would otherwise count as a difference between the variants.
pub const BARE: &str = "/bare";
pub const BARE_WITH_HEADERS: &str = "/hand";
pub const CORS: &str = "/cors";
pub const ACTIX_CORS: &str = "/actx";
/// The `#[cors]` route again, in an app wrapped in `cors_runtime::outermost()` (see
/// [`serves_in_outermost`]).
pub const OUTERMOST: &str = "/outr";
/// The `#[cors]` route again, in an app wrapped in a middleware that does nothing but wrap the
/// response body as any middleware answering by itself must (see [`PassThrough`]): the cost of a
/// middleware layer as such, which `outermost()` pays too.
pub const PASS_THROUGH: &str = "/pass";
/// A request to a `#[cors]` route whose pattern has a dynamic segment (`/dyna/{id}`).
pub const DYNAMIC: &str = "/dyna/7";

pub fn hello() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("X-Request-Id", "7"))
        .body("hello")
}

#[get("/bare")]
async fn bare() -> HttpResponse {
    hello()
}

/// The bare handler plus, written by hand, the headers `#[cors]` adds to an allowed actual
/// request: what those bytes cost on the wire, without any CORS logic.
#[get("/hand")]
async fn bare_with_headers() -> HttpResponse {
    let mut response = hello();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static(ALLOWED_ORIGIN),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        header::HeaderValue::from_static("X-Request-Id"),
    );
    headers.insert(header::VARY, header::HeaderValue::from_static("Origin"));
    response
}

#[cors(
    origins = ["https://app.example.com"],
    headers = ["Content-Type"],
    expose_headers = ["X-Request-Id"],
    max_age = 600
)]
#[get("/cors")]
async fn with_cors() -> HttpResponse {
    hello()
}

/// `with_cors` again, for the app wrapped in `outermost()`.
#[cors(
    origins = ["https://app.example.com"],
    headers = ["Content-Type"],
    expose_headers = ["X-Request-Id"],
    max_age = 600
)]
#[get("/outr")]
async fn with_cors_in_outermost() -> HttpResponse {
    hello()
}

#[cors(
    origins = ["https://app.example.com"],
    headers = ["Content-Type"],
    expose_headers = ["X-Request-Id"],
    max_age = 600
)]
#[get("/pass")]
async fn with_cors_in_pass_through() -> HttpResponse {
    hello()
}

/// `with_cors` on a path with a dynamic segment, requested as [`DYNAMIC`].
#[cors(
    origins = ["https://app.example.com"],
    headers = ["Content-Type"],
    expose_headers = ["X-Request-Id"],
    max_age = 600
)]
#[get("/dyna/{id}")]
async fn with_cors_on_a_dynamic_path() -> HttpResponse {
    hello()
}

/// A middleware that passes every request on and every response back, its body wrapped in
/// `EitherBody` as a middleware that may answer by itself needs.
pub struct PassThrough;

impl<S, B> actix_web::dev::Transform<S, actix_web::dev::ServiceRequest> for PassThrough
where
    S: actix_web::dev::Service<
        actix_web::dev::ServiceRequest,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    S::Future: Unpin,
    B: actix_web::body::MessageBody,
{
    type Response = actix_web::dev::ServiceResponse<actix_web::body::EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = PassThroughService<S>;
    type InitError = ();
    type Future = std::future::Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        std::future::ready(Ok(PassThroughService { service }))
    }
}

pub struct PassThroughService<S> {
    service: S,
}

impl<S, B> actix_web::dev::Service<actix_web::dev::ServiceRequest> for PassThroughService<S>
where
    S: actix_web::dev::Service<
        actix_web::dev::ServiceRequest,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    S::Future: Unpin,
    B: actix_web::body::MessageBody,
{
    type Response = actix_web::dev::ServiceResponse<actix_web::body::EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = PassThroughFuture<S::Future>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: actix_web::dev::ServiceRequest) -> Self::Future {
        PassThroughFuture {
            inner: self.service.call(req),
        }
    }
}

/// The inner future, `Unpin` here (actix-web's router boxes its own).
pub struct PassThroughFuture<F> {
    inner: F,
}

impl<F, B> std::future::Future for PassThroughFuture<F>
where
    F: std::future::Future<Output = Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>>
        + Unpin,
{
    type Output =
        Result<actix_web::dev::ServiceResponse<actix_web::body::EitherBody<B>>, actix_web::Error>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.inner)
            .poll(cx)
            .map_ok(actix_web::dev::ServiceResponse::map_into_left_body)
    }
}

/// The `#[cors]` route again, its origin allowed by a list the application can replace while
/// serving (`ReloadableOrigins`, through `origin_fn`) instead of a literal.
pub const RELOADABLE: &str = "/relo";

static RELOADABLE_ORIGINS: cors_runtime::ReloadableOrigins = cors_runtime::ReloadableOrigins::new();

fn in_reloadable_list(origin: &str) -> bool {
    RELOADABLE_ORIGINS.allows(origin)
}

#[cors(
    origin_fn = in_reloadable_list,
    headers = ["Content-Type"],
    expose_headers = ["X-Request-Id"],
    max_age = 600
)]
#[get("/relo")]
async fn with_reloadable_origins() -> HttpResponse {
    hello()
}

/// The `#[cors]` route again, its origin decided by an `async` function of the app's data (a
/// tenant table), with its answers kept per worker: after the first request, a cache lookup.
pub const ASYNC_CHECK: &str = "/tena";

/// The same function without a kept answer: each request waits for it.
pub const ASYNC_CHECK_UNCACHED: &str = "/tenu";

/// What a tenant table answers from: a set the app loaded.
pub struct TenantTable(std::collections::HashSet<&'static str>);

async fn is_tenant(origin: &str, tenants: &TenantTable) -> bool {
    tenants.0.contains(origin)
}

async fn is_tenant_uncached(origin: &str, tenants: &TenantTable) -> bool {
    tenants.0.contains(origin)
}

#[cors(
    origin_fn = is_tenant,
    origin_fn_ttl = 60,
    headers = ["Content-Type"],
    expose_headers = ["X-Request-Id"],
    max_age = 600
)]
#[get("/tena")]
async fn with_async_check() -> HttpResponse {
    hello()
}

#[cors(
    origin_fn = is_tenant_uncached,
    headers = ["Content-Type"],
    expose_headers = ["X-Request-Id"],
    max_age = 600
)]
#[get("/tenu")]
async fn with_async_check_uncached() -> HttpResponse {
    hello()
}

/// Two handlers on one path, `GET` then `PUT`, each under `#[cors]`: the router meets the `GET`
/// route first, also with a preflight for the `PUT`.
pub const TWO_HANDLERS: &str = "/twoh";

#[cors(origins = ["https://app.example.com"], headers = ["Content-Type"], max_age = 600)]
#[get("/twoh")]
async fn two_handlers_get() -> HttpResponse {
    hello()
}

#[cors(origins = ["https://app.example.com"], headers = ["Content-Type"], max_age = 600)]
#[put("/twoh")]
async fn two_handlers_put() -> HttpResponse {
    hello()
}

/// Whether the variant at `path` is served by an app wrapped in `cors_runtime::outermost()`,
/// which a `ServiceConfig` cannot add.
pub fn serves_in_outermost(path: &str) -> bool {
    path == OUTERMOST
}

/// Whether the variant at `path` is served by an app wrapped in [`PassThrough`].
pub fn serves_in_pass_through(path: &str) -> bool {
    path == PASS_THROUGH
}

/// The same policy in actix-cors' builder.
pub fn actix_cors() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allowed_origin(ALLOWED_ORIGIN)
        .allowed_methods(["GET"])
        .allowed_header(header::CONTENT_TYPE)
        .expose_headers(["X-Request-Id"])
        .max_age(600)
}

/// Registers every variant.
pub fn configure(config: &mut web::ServiceConfig) {
    for path in [
        BARE,
        BARE_WITH_HEADERS,
        CORS,
        ACTIX_CORS,
        TWO_HANDLERS,
        RELOADABLE,
        ASYNC_CHECK,
        ASYNC_CHECK_UNCACHED,
        DYNAMIC,
    ] {
        configure_one(path, config);
    }
}

/// Registers the variant served at `path`, alone. actix-web tries an app's routes in the order
/// they were registered, so in a shared app each variant would also pay for failing to match the
/// ones registered before it: the throughput bench gives each variant an app of its own.
pub fn configure_one(path: &str, config: &mut web::ServiceConfig) {
    match path {
        BARE => {
            config.service(bare);
        }
        BARE_WITH_HEADERS => {
            config.service(bare_with_headers);
        }
        CORS => {
            config.service(with_cors);
        }
        ACTIX_CORS => {
            config.service(
                web::resource(ACTIX_CORS)
                    .wrap(actix_cors())
                    .route(web::get().to(|| async { hello() })),
            );
        }
        OUTERMOST => {
            config.service(with_cors_in_outermost);
        }
        PASS_THROUGH => {
            config.service(with_cors_in_pass_through);
        }
        DYNAMIC => {
            config.service(with_cors_on_a_dynamic_path);
        }
        TWO_HANDLERS => {
            config.service(two_handlers_get).service(two_handlers_put);
        }
        RELOADABLE => {
            RELOADABLE_ORIGINS
                .replace([ALLOWED_ORIGIN])
                .expect("a valid list");
            config.service(with_reloadable_origins);
        }
        ASYNC_CHECK | ASYNC_CHECK_UNCACHED => {
            let tenants = TenantTable([ALLOWED_ORIGIN].into_iter().collect());
            config.app_data(web::Data::new(tenants));
            match path {
                ASYNC_CHECK => config.service(with_async_check),
                _ => config.service(with_async_check_uncached),
            };
        }
        _ => panic!("no benchmark variant is served at {path}"),
    }
}

/// What a request looks like on the wire, for one benchmark case.
#[derive(Clone, Copy)]
pub struct Shape {
    pub name: &'static str,
    pub path: &'static str,
    /// `Origin`, if the request carries one.
    pub origin: Option<&'static str>,
    /// A preflight (`OPTIONS` with `Access-Control-Request-Method: <announced>` and
    /// `Access-Control-Request-Headers: content-type`) rather than a `GET`.
    pub preflight: bool,
    /// The method a preflight announces.
    pub announced: &'static str,
    /// The status the case must answer with.
    pub status: u16,
}

const fn shape(
    name: &'static str,
    path: &'static str,
    origin: Option<&'static str>,
    preflight: bool,
    status: u16,
) -> Shape {
    Shape {
        name,
        path,
        origin,
        preflight,
        announced: "GET",
        status,
    }
}

pub const BARE_GET: Shape = shape("bare GET (no CORS)", BARE, None, false, 200);
pub const BARE_WITH_HEADERS_GET: Shape = shape(
    "bare GET, CORS headers by hand",
    BARE_WITH_HEADERS,
    Some(ALLOWED_ORIGIN),
    false,
    200,
);
pub const CORS_ALLOWED: Shape = shape(
    "#[cors] GET, allowed origin",
    CORS,
    Some(ALLOWED_ORIGIN),
    false,
    200,
);
pub const CORS_REFUSED: Shape = shape(
    "#[cors] GET, refused origin",
    CORS,
    Some(REFUSED_ORIGIN),
    false,
    200,
);
pub const CORS_NO_ORIGIN: Shape = shape("#[cors] GET, no Origin", CORS, None, false, 200);
pub const CORS_PREFLIGHT: Shape = shape(
    "#[cors] preflight, allowed",
    CORS,
    Some(ALLOWED_ORIGIN),
    true,
    204,
);
pub const CORS_PREFLIGHT_REFUSED: Shape = shape(
    "#[cors] preflight, refused",
    CORS,
    Some(REFUSED_ORIGIN),
    true,
    403,
);
pub const CORS_DYNAMIC_ALLOWED: Shape = shape(
    "#[cors] GET on a dynamic path, allowed origin",
    DYNAMIC,
    Some(ALLOWED_ORIGIN),
    false,
    200,
);
pub const CORS_DYNAMIC_PREFLIGHT: Shape = shape(
    "#[cors] preflight on a dynamic path, allowed",
    DYNAMIC,
    Some(ALLOWED_ORIGIN),
    true,
    204,
);
pub const ACTIX_CORS_ALLOWED: Shape = shape(
    "actix-cors GET, allowed origin",
    ACTIX_CORS,
    Some(ALLOWED_ORIGIN),
    false,
    200,
);
pub const ACTIX_CORS_NO_ORIGIN: Shape =
    shape("actix-cors GET, no Origin", ACTIX_CORS, None, false, 200);
pub const ACTIX_CORS_PREFLIGHT: Shape = shape(
    "actix-cors preflight, allowed",
    ACTIX_CORS,
    Some(ALLOWED_ORIGIN),
    true,
    200,
);

/// The `#[cors]` route in an app wrapped in [`PassThrough`].
pub const PASS_THROUGH_ALLOWED: Shape = shape(
    "pass-through middleware + #[cors] GET, allowed origin",
    PASS_THROUGH,
    Some(ALLOWED_ORIGIN),
    false,
    200,
);

pub const OUTERMOST_ALLOWED: Shape = shape(
    "outermost() + #[cors] GET, allowed origin",
    OUTERMOST,
    Some(ALLOWED_ORIGIN),
    false,
    200,
);
pub const OUTERMOST_PREFLIGHT: Shape = shape(
    "outermost() + #[cors] preflight, allowed",
    OUTERMOST,
    Some(ALLOWED_ORIGIN),
    true,
    204,
);

pub const RELOADABLE_ALLOWED: Shape = shape(
    "#[cors] GET, origin from a ReloadableOrigins",
    RELOADABLE,
    Some(ALLOWED_ORIGIN),
    false,
    200,
);

pub const ASYNC_CHECK_ALLOWED: Shape = shape(
    "#[cors] GET, async app-data origin_fn, warm",
    ASYNC_CHECK,
    Some(ALLOWED_ORIGIN),
    false,
    200,
);

pub const ASYNC_CHECK_UNCACHED_ALLOWED: Shape = shape(
    "#[cors] GET, async app-data origin_fn, no cache",
    ASYNC_CHECK_UNCACHED,
    Some(ALLOWED_ORIGIN),
    false,
    200,
);

pub const TWO_HANDLERS_PREFLIGHT: Shape = Shape {
    announced: "PUT",
    ..shape(
        "#[cors] preflight for the PUT of GET + PUT",
        TWO_HANDLERS,
        Some(ALLOWED_ORIGIN),
        true,
        204,
    )
};

impl Shape {
    /// The request headers a browser would send, beyond those of a plain `GET`.
    pub fn headers(&self) -> Vec<(&'static str, &'static str)> {
        let mut headers = Vec::new();
        if let Some(origin) = self.origin {
            headers.push(("Origin", origin));
        }
        if self.preflight {
            headers.push(("Access-Control-Request-Method", self.announced));
            headers.push(("Access-Control-Request-Headers", "content-type"));
        }
        headers
    }

    pub fn method(&self) -> &'static str {
        if self.preflight {
            "OPTIONS"
        } else {
            "GET"
        }
    }

    /// The request as an `actix_web::test` request.
    pub fn test_request(&self) -> actix_web::test::TestRequest {
        let method = actix_web::http::Method::from_bytes(self.method().as_bytes()).unwrap();
        self.headers().into_iter().fold(
            actix_web::test::TestRequest::default()
                .method(method)
                .uri(self.path),
            |req, header| req.insert_header(header),
        )
    }
}
