//! Handlers on one path told apart by a guard: a preflight is answered by the policy of the
//! handler its actual request would reach (same path, same method, same guards), never by a
//! sibling's.
//!
//! Each case registers two generated policies on `/g` the way `#[cors]` registers routed
//! handlers: one router entry each, serving the methods and the preflights announcing them. The first one
//! serves the admin host only, as `#[put("/g", guard = "admin_host")]` would; the second one
//! serves every host.

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::guard::GuardContext;
use actix_web::http::header;
use actix_web::http::Method;
use actix_web::test as actix_test;
use actix_web::{web, App, HttpResponse};
use cors_runtime::__private::{register_route, route_guard, StoredPolicy};
use proptest::prelude::*;

use crate::reference::{self, RefPolicy, RefPreflight};
use crate::strategies::*;
use crate::{leak, received, runtime_policy, value};

const ADMIN_HOST: &str = "admin.example.com";
const PUBLIC_HOST: &str = "www.example.com";

fn admin_host(ctx: &GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::HOST)
        .is_some_and(|host| host == ADMIN_HOST)
}

/// A handler under `policy` on `/g`, registered as `#[cors]` registers a routed handler.
struct Route {
    policy: &'static StoredPolicy,
    methods: &'static [&'static str],
    admin_only: bool,
}

impl HttpServiceFactory for Route {
    fn register(self, config: &mut AppService) {
        let mut guards = Vec::new();
        if self.admin_only {
            guards.push(route_guard(admin_host));
        }
        let handler = web::route().to(HttpResponse::Ok);
        register_route(
            config,
            "/g",
            "g",
            self.methods,
            self.policy,
            guards,
            handler,
        );
    }
}

fn route(policy: &RefPolicy, admin_only: bool) -> Route {
    let methods: Vec<&'static str> = policy.methods.iter().map(|m| leak(m.clone())).collect();
    Route {
        policy: runtime_policy(policy),
        methods: Box::leak(methods.into_boxed_slice()),
        admin_only,
    }
}

/// Two policies, and an origin aimed at either.
fn two_policies_and_origin() -> impl Strategy<Value = (RefPolicy, RefPolicy, Vec<u8>)> {
    (policy(), policy()).prop_flat_map(|(admin, public)| {
        let origin = prop_oneof![origin_for(&admin), origin_for(&public)];
        (Just(admin), Just(public), origin)
    })
}

proptest! {
    #[test]
    fn a_preflight_is_answered_by_the_handler_that_serves_its_request(
        (admin, public, origin) in two_policies_and_origin(),
        on_admin_host in any::<bool>(),
        method in request_method(),
        request_headers in proptest::option::of(raw_request_headers()),
    ) {
        let host = if on_admin_host { ADMIN_HOST } else { PUBLIC_HOST };
        let mut request = actix_test::TestRequest::default()
            .method(Method::OPTIONS)
            .uri("/g")
            .insert_header((header::HOST, host))
            .insert_header((header::ORIGIN, value(&origin)))
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, value(&method)));
        if let Some(names) = &request_headers {
            request = request.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, value(names)));
        }
        let (admin_route, public_route) = (route(&admin, true), route(&public, false));
        let res = actix_web::rt::System::new().block_on(async move {
            let app = actix_test::init_service(
                App::new().service(admin_route).service(public_route),
            )
            .await;
            actix_test::call_service(&app, request.to_request()).await
        });

        // The router's choice for the actual request: the admin handler on its host when it
        // serves the method, else the public one when it does, else none. The routes' guards
        // compare the announced method ignoring case (a page's `patch` meets the policy that
        // refuses it), as the policy then does not.
        let serves = |policy: &RefPolicy| {
            policy.methods.iter().any(|m| m.as_bytes().eq_ignore_ascii_case(&method))
        };
        let serving = if on_admin_host && serves(&admin) {
            Some(&admin)
        } else if serves(&public) {
            Some(&public)
        } else {
            None
        };
        let preflight = RefPreflight {
            origin,
            method: method.clone(),
            request_headers,
            private_network: false,
        };
        let allowed = serving.is_some_and(|policy| reference::preflight_allowed(policy, &preflight));
        let readable = serving
            .is_some_and(|policy| reference::preflight_refusal_is_readable(policy, &preflight));
        let got = received(&res);
        let answered_with_lists = (200..300).contains(&got.status) && got.allow_origin.is_some();
        prop_assert_eq!(answered_with_lists, allowed || readable);
        if let (true, Some(policy)) = (answered_with_lists, serving) {
            prop_assert_eq!(got.allow_credentials.is_some(), policy.credentials);
            prop_assert_eq!(got.allow_methods, Some(policy.methods.join(", ").into_bytes()));
        }
    }
}
