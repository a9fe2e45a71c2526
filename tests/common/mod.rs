//! Helpers shared by the integration tests: building preflight and actual requests the way a
//! browser does, and reading CORS headers off the response.
#![allow(dead_code)] // each test file uses a different subset

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderMap, HeaderName, ACCESS_CONTROL_ALLOW_ORIGIN, VARY};
use actix_web::http::{Method, StatusCode};
use actix_web::test::{self, TestRequest};

pub const APP: &str = "https://app.example.com";
pub const EVIL: &str = "https://evil.example.net";

/// `Vary` of every preflight answer: each request header that decides it.
pub const PREFLIGHT_VARY: [&str; 4] = [
    "Origin",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Private-Network",
];

/// A preflight as a browser sends it: `OPTIONS`, `Origin`, `Access-Control-Request-Method` and,
/// when non-safelisted headers are involved, `Access-Control-Request-Headers`.
pub fn preflight(uri: &str, origin: &str, method: &str, headers: Option<&str>) -> TestRequest {
    let mut req = TestRequest::default()
        .method(Method::OPTIONS)
        .uri(uri)
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method));
    if let Some(headers) = headers {
        req = req.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, headers));
    }
    req
}

/// An actual cross-origin request.
pub fn from_origin(method: Method, uri: &str, origin: &str) -> TestRequest {
    TestRequest::default()
        .method(method)
        .uri(uri)
        .insert_header((header::ORIGIN, origin))
}

pub fn header_str<B>(res: &ServiceResponse<B>, name: HeaderName) -> Option<String> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().expect("ASCII header").to_owned())
}

/// Every `Vary` entry of the response, split on commas and trimmed, in order.
pub fn vary<B>(res: &ServiceResponse<B>) -> Vec<String> {
    res.headers()
        .get_all(header::VARY)
        .flat_map(|v| {
            v.to_str()
                .unwrap()
                .split(',')
                .map(|s| s.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The names of the `Access-Control-*` headers on a response.
pub fn cors_headers<B>(res: &ServiceResponse<B>) -> Vec<String> {
    let mut names: Vec<String> = res
        .headers()
        .keys()
        .map(|k| k.as_str().to_owned())
        .filter(|k| k.starts_with("access-control-"))
        .collect();
    names.sort();
    names
}

/// What `actix_web::test::init_service` returns: an app a test sends requests to, with the
/// response body of its outermost middleware (boxed unless a test's middleware says otherwise).
pub trait TestApp<B = BoxBody>:
    actix_web::dev::Service<
    actix_http::Request,
    Response = ServiceResponse<B>,
    Error = actix_web::Error,
>
{
}

impl<S, B> TestApp<B> for S where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = ServiceResponse<B>,
        Error = actix_web::Error,
    >
{
}

/// The response the server sends: an `Err` rendered with its response mappers.
pub struct Sent {
    pub status: StatusCode,
    pub headers: HeaderMap,
}

impl Sent {
    pub fn header(&self, name: HeaderName) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }

    /// Every `Vary` entry, in order.
    pub fn varies_by(&self) -> Vec<&str> {
        self.headers
            .get_all(VARY)
            .flat_map(|value| value.to_str().unwrap().split(','))
            .map(str::trim)
            .collect()
    }

    pub fn allow_origin(&self) -> Option<&str> {
        self.header(ACCESS_CONTROL_ALLOW_ORIGIN)
    }

    /// Every check in this file: never two `Access-Control-Allow-Origin` headers, never two
    /// `Vary: Origin`.
    pub fn well_formed(self) -> Self {
        assert!(
            self.headers.get_all(ACCESS_CONTROL_ALLOW_ORIGIN).count() <= 1,
            "{:?}",
            self.headers
        );
        let varies_by_origin = self
            .varies_by()
            .into_iter()
            .filter(|name| name.eq_ignore_ascii_case("origin"))
            .count();
        assert!(varies_by_origin <= 1, "{:?}", self.headers);
        self
    }
}

pub async fn send<B>(app: &impl TestApp<B>, req: test::TestRequest) -> Sent {
    let sent = match test::try_call_service(app, req.to_request()).await {
        Ok(res) => Sent {
            status: res.status(),
            headers: res.headers().clone(),
        },
        Err(error) => {
            let res = error.error_response();
            Sent {
                status: res.status(),
                headers: res.headers().clone(),
            }
        }
    };
    sent.well_formed()
}

/// Answers `401` itself unless the request carries an `Authorization` header: hand-written
/// authentication, in front of the routes, as `outermost()` is built for.
pub async fn require_login(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    if !req.headers().contains_key(header::AUTHORIZATION) {
        let response = actix_web::HttpResponse::Unauthorized().body("log in first");
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}
