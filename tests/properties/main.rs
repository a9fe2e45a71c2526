//! Property tests: for generated valid policies and generated request values, the runtime grants
//! exactly what the reference model of `reference.rs` grants, and a reference browser reaches the
//! same verdict from the runtime's headers.
//!
//!     cargo test --test properties                  # PROPTEST_CASES=5000 for a longer run

mod app_check;
mod decision;
mod guarded;
mod outermost;
mod reference;
mod reload;
mod strategies;

use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::test as actix_test; // not `test`: that would shadow the #[test] attribute
use actix_web::{web, App, HttpResponse};
use cors_rules::stored::{store_max_age, AllowedHeaders, JoinedNames, JoinedOrigins};
use cors_runtime::__private::{cors, StoredPolicy};
use proptest::prelude::*;

use reference::{Received, RefHeaders, RefPolicy, RefPreflight};
use strategies::*;

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A reference policy's lists in the stored encoding, written through `cors_rules::stored`, the
/// encoding's one owner, as the macro writes them.
struct StoredLists {
    origins: &'static str,
    methods: &'static str,
    headers: &'static str,
}

fn stored_lists(policy: &RefPolicy) -> StoredLists {
    let origins = match &policy.origins {
        None => JoinedOrigins::ANY.to_owned(),
        Some(origins) => {
            let mut list = cors_rules::OriginList::default();
            for entry in origins.exact.iter().chain(&origins.patterns) {
                list.push(entry).expect("generated origins are valid");
            }
            JoinedOrigins::join(list.texts())
        }
    };
    let names;
    let headers = match &policy.headers {
        RefHeaders::None => AllowedHeaders::None,
        RefHeaders::List(list) => {
            names = JoinedNames::join(list.iter().map(String::as_str));
            AllowedHeaders::List(JoinedNames::new(&names))
        }
        RefHeaders::Any { authorization } => AllowedHeaders::Any {
            authorization: *authorization,
        },
    };
    StoredLists {
        origins: leak(origins),
        methods: leak(JoinedNames::join(policy.methods.iter().map(String::as_str))),
        headers: leak(headers.header_value().unwrap_or_default().to_owned()),
    }
}

/// The runtime's form of a reference policy, stored as the macro would have stored it.
fn runtime_policy(policy: &RefPolicy) -> &'static StoredPolicy {
    let StoredLists {
        origins,
        methods,
        headers,
    } = stored_lists(policy);
    Box::leak(Box::new(StoredPolicy {
        route: "generated",
        named: "",
        paths: &[],
        runtime_origins: &cors_runtime::__private::NO_RUNTIME_ORIGINS,
        origins,
        methods,
        headers,
        expose_headers: "X-Request-Id",
        credentials: policy.credentials,
        max_age: leak(store_max_age(Some(600))),
        private_network: policy.private_network,
        reject_mismatch: false,
    }))
}

/// What the handler behind the middleware writes on its own.
#[derive(Clone)]
struct HandlerWrites {
    vary: Vec<&'static str>,
    /// The handler grants everything by hand; the policy must still have the last word.
    own_grant: bool,
}

async fn handler(writes: web::Data<HandlerWrites>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    for entry in &writes.vary {
        response.append_header((header::VARY, *entry));
    }
    if writes.own_grant {
        response
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
            .insert_header((header::ACCESS_CONTROL_EXPOSE_HEADERS, "*"))
            // Preflight-only headers, which have no place on an actual response.
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "*"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, "*"))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "86400"))
            .insert_header(("access-control-allow-private-network", "true"));
    }
    response.body("ok")
}

/// Sends one request through a real actix-web service wrapped in the runtime's middleware.
fn send(
    policy: &'static StoredPolicy,
    writes: HandlerWrites,
    request: actix_test::TestRequest,
) -> ServiceResponse {
    actix_web::rt::System::new().block_on(async move {
        let app = actix_test::init_service(
            App::new().app_data(web::Data::new(writes)).service(
                web::resource("/r")
                    .wrap(cors(policy))
                    .default_service(web::to(handler)),
            ),
        )
        .await;
        actix_test::call_service(&app, request.uri("/r").to_request()).await
    })
}

fn bytes(res: &ServiceResponse, name: HeaderName) -> Option<Vec<u8>> {
    res.headers().get(name).map(|v| v.as_bytes().to_vec())
}

fn received(res: &ServiceResponse) -> Received {
    Received {
        status: res.status().as_u16(),
        allow_origin: bytes(res, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        allow_credentials: bytes(res, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        allow_methods: bytes(res, header::ACCESS_CONTROL_ALLOW_METHODS),
        allow_headers: bytes(res, header::ACCESS_CONTROL_ALLOW_HEADERS),
        allow_private_network: bytes(
            res,
            HeaderName::from_static("access-control-allow-private-network"),
        ),
    }
}

fn value(bytes: &[u8]) -> HeaderValue {
    HeaderValue::from_bytes(bytes).expect("generated header bytes are valid header value bytes")
}

pub(crate) fn policy_and_origin() -> impl Strategy<Value = (RefPolicy, Vec<u8>)> {
    policy().prop_flat_map(|policy| {
        let origin = origin_for(&policy);
        (Just(policy), origin)
    })
}

fn handler_vary() -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(
        vec!["Accept-Encoding", "Cookie", "origin", "User-Agent"],
        0..=3,
    )
}

fn vary_entries(res: &ServiceResponse) -> Vec<String> {
    res.headers()
        .get_all(header::VARY)
        .flat_map(|v| v.to_str().unwrap().split(',').map(|s| s.trim().to_owned()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// An actual request is granted exactly when the reference allows its origin; the grant is the
    /// request's own `Origin`, byte for byte (or `*` for a `*` policy, never with credentials);
    /// a browser reads the answer exactly when it should; and the handler's `Vary` survives.
    #[test]
    fn actual_requests_grant_exactly_what_the_policy_names(
        (policy, origin) in policy_and_origin(),
        vary in handler_vary(),
        own_grant in any::<bool>(),
        include_credentials in any::<bool>(),
    ) {
        let runtime = runtime_policy(&policy);
        let writes = HandlerWrites { vary: vary.clone(), own_grant };
        let request = actix_test::TestRequest::get().insert_header((header::ORIGIN, value(&origin)));
        let res = send(runtime, writes, request);
        let got = received(&res);
        let allowed = reference::origin_allowed(&policy, &origin);

        let expected_grant = match (&policy.origins, allowed) {
            (_, false) => None,
            (None, true) => Some(b"*".to_vec()),
            (Some(_), true) => Some(origin.clone()),
        };
        prop_assert_eq!(&got.allow_origin, &expected_grant);
        let credentials = allowed && policy.credentials;
        prop_assert_eq!(got.allow_credentials.is_some(), credentials);
        prop_assert!(!(got.allow_origin.as_deref() == Some(b"*") && got.allow_credentials.is_some()));
        prop_assert_eq!(
            res.headers().contains_key(header::ACCESS_CONTROL_EXPOSE_HEADERS),
            allowed
        );
        // The policy is the only source of CORS headers on an actual response.
        let others: Vec<_> = res.headers().keys().map(|name| name.as_str()).filter(|name| {
            name.starts_with("access-control-")
                && !matches!(
                    *name,
                    "access-control-allow-origin"
                        | "access-control-allow-credentials"
                        | "access-control-expose-headers"
                )
        }).collect();
        prop_assert!(others.is_empty(), "the handler's own {others:?} survived");
        prop_assert_eq!(
            reference::cors_check(&got, &origin, include_credentials),
            allowed && (!include_credentials || policy.credentials)
        );

        let entries = vary_entries(&res);
        for own in &vary {
            prop_assert!(entries.iter().any(|e| e == own), "lost Vary entry {own}: {entries:?}");
        }
        if policy.origins.is_some() {
            prop_assert!(entries.iter().any(|e| e.eq_ignore_ascii_case("origin")));
        }
    }

    /// The server allows a preflight exactly when the reference does, whatever the method and
    /// `Access-Control-Request-Headers` bytes.
    #[test]
    fn preflights_are_allowed_exactly_when_the_policy_allows(
        (policy, origin) in policy_and_origin(),
        method in request_method(),
        request_headers in proptest::option::of(raw_request_headers()),
        private_network in any::<bool>(),
    ) {
        let runtime = runtime_policy(&policy);
        let mut request = actix_test::TestRequest::default()
            .method(Method::OPTIONS)
            .insert_header((header::ORIGIN, value(&origin)))
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, value(&method)));
        if let Some(names) = &request_headers {
            request = request.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, value(names)));
        }
        if private_network {
            request = request.insert_header(("access-control-request-private-network", "true"));
        }
        let res = send(runtime, HandlerWrites { vary: vec![], own_grant: false }, request);
        let got = received(&res);
        let preflight = RefPreflight { origin: origin.clone(), method, request_headers, private_network };
        let allowed = reference::preflight_allowed(&policy, &preflight);
        let readable = reference::preflight_refusal_is_readable(&policy, &preflight);
        let answered_with_lists = (200..300).contains(&got.status) && got.allow_origin.is_some();
        prop_assert_eq!(answered_with_lists, allowed || readable);
        if !allowed && !readable {
            prop_assert_eq!(got.status, 403);
            prop_assert!(res.headers().keys().all(|k| !k.as_str().starts_with("access-control-")));
        }
    }

    /// A reference browser, reading the runtime's preflight answer, goes on to the actual request
    /// exactly when the policy allows it for this credentials mode.
    #[test]
    fn browsers_pass_a_preflight_exactly_when_the_policy_allows(
        (policy, origin) in policy_and_origin(),
        method in proptest::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH", "PROPFIND"]),
        names in browser_header_names(),
        include_credentials in any::<bool>(),
        private_network in any::<bool>(),
    ) {
        let runtime = runtime_policy(&policy);
        let joined = names.join(",");
        let mut request = actix_test::TestRequest::default()
            .method(Method::OPTIONS)
            .insert_header((header::ORIGIN, value(&origin)))
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method));
        if !names.is_empty() {
            request = request.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, joined.as_str()));
        }
        if private_network {
            request = request.insert_header(("access-control-request-private-network", "true"));
        }
        let res = send(runtime, HandlerWrites { vary: vec![], own_grant: false }, request);
        let names: Vec<Vec<u8>> = names.into_iter().map(String::into_bytes).collect();
        let passes = reference::preflight_passes(
            &received(&res), &origin, method.as_bytes(), &names, include_credentials, private_network,
        );
        let preflight = RefPreflight {
            origin,
            method: method.as_bytes().to_vec(),
            request_headers: (!joined.is_empty()).then(|| joined.into_bytes()),
            private_network,
        };
        let allowed = reference::preflight_allowed(&policy, &preflight)
            && (!include_credentials || policy.credentials);
        prop_assert_eq!(passes, allowed);
    }

    /// Two `Origin` headers are never one origin: no grant, even when both are allowed.
    #[test]
    fn a_repeated_origin_header_is_never_granted(
        (policy, origin) in policy_and_origin(),
    ) {
        prop_assume!(policy.origins.is_some());
        let runtime = runtime_policy(&policy);
        let request = actix_test::TestRequest::get()
            .append_header((header::ORIGIN, value(&origin)))
            .append_header((header::ORIGIN, value(&origin)));
        let res = send(runtime, HandlerWrites { vary: vec![], own_grant: true }, request);
        prop_assert!(!res.headers().contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    }
}
