//! An `origin_fn` that reads app data and is `async`, with and without kept answers: over a
//! sequence of requests to one app (so that answers are kept, evicted and read back), each origin
//! is granted exactly when the policy's lists allow it or the app's tenant set holds it, and the
//! tenant set counts only for a well-formed `http` or `https` serialized origin.

use std::collections::HashSet;

use actix_web::http::header;
use actix_web::test as actix_test;
use actix_web::{web, App, HttpResponse};
use cors_runtime::__private::{
    cors, CacheBounds, ErasedOriginFn, OriginFnOf, RuntimeOrigins, StoredOriginFn, StoredPolicy,
};
use proptest::prelude::*;
use proptest::sample::select;

use crate::reference::{self, RefPolicy};
use crate::strategies::*;

/// The app's tenants, as the function reads them.
struct TenantSet(HashSet<Vec<u8>>);

async fn in_tenant_set(origin: &str, tenants: &TenantSet) -> bool {
    actix_web::rt::task::yield_now().await;
    tenants.0.contains(origin.as_bytes())
}

/// The generated policy, with `in_tenant_set` as its `origin_fn` under `cache`.
fn with_tenant_check(policy: &RefPolicy, cache: CacheBounds) -> &'static StoredPolicy {
    let base = crate::runtime_policy(policy);
    // The second argument is the macro's check of the function's app data, which a test need
    // not make.
    let check = OriginFnOf::new(in_tenant_set, |_| {});
    let check: &'static dyn ErasedOriginFn = Box::leak(Box::new(check));
    let runtime_origins = Box::leak(Box::new(RuntimeOrigins {
        env: None,
        check: Some(StoredOriginFn {
            name: "in_tenant_set",
            resolved_in: module_path!(),
            check,
        }),
        cache,
        timeout_secs: 5,
    }));
    Box::leak(Box::new(StoredPolicy {
        runtime_origins,
        ..*base
    }))
}

/// What the function may be asked: an `http` or `https` serialized origin.
fn is_web_origin(origin: &[u8]) -> bool {
    let web = origin.starts_with(b"https://") || origin.starts_with(b"http://");
    web && std::str::from_utf8(origin).is_ok_and(cors_rules::is_serialized_origin)
}

fn tenants() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let tenant = prop_oneof![
        4 => exact_origin().prop_map(String::into_bytes),
        // Values no function may ever be asked about, even when the set holds them.
        1 => select(vec!["null", "HTTPS://A.EXAMPLE", "https://a.example/", "https://a.example:443"])
            .prop_map(|value| value.as_bytes().to_vec()),
    ];
    proptest::collection::vec(tenant, 0..5)
}

fn cache() -> impl Strategy<Value = CacheBounds> {
    select(vec![(0, 0), (60, 1), (60, 3), (60, 100)])
        .prop_map(|(ttl_secs, entries)| CacheBounds { ttl_secs, entries })
}

fn case() -> impl Strategy<Value = (RefPolicy, Vec<Vec<u8>>, CacheBounds, Vec<Vec<u8>>)> {
    (policy(), tenants(), cache()).prop_flat_map(|(policy, tenants, cache)| {
        let mut tenant_pool = tenants.clone();
        tenant_pool.push(b"https://example.com".to_vec());
        let origin = prop_oneof![origin_for(&policy), select(tenant_pool)];
        let origins = proptest::collection::vec(origin, 1..12);
        (Just(policy), Just(tenants), Just(cache), origins)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn an_app_data_check_grants_exactly_its_tenants_and_the_lists(
        (policy, tenants, cache, origins) in case(),
    ) {
        prop_assume!(policy.origins.is_some());
        let runtime = with_tenant_check(&policy, cache);
        let set = TenantSet(tenants.iter().cloned().collect());
        let granted = actix_web::rt::System::new().block_on(async {
            let app = actix_test::init_service(
                App::new().app_data(web::Data::new(set)).service(
                    web::resource("/r")
                        .wrap(cors(runtime))
                        .default_service(web::to(HttpResponse::Ok)),
                ),
            )
            .await;
            let mut granted = Vec::new();
            for origin in &origins {
                let value = header::HeaderValue::from_bytes(origin).unwrap();
                let req = actix_test::TestRequest::get()
                    .uri("/r")
                    .insert_header((header::ORIGIN, value))
                    .to_request();
                let res = actix_test::call_service(&app, req).await;
                let grant = res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN);
                granted.push(grant.map(|value| value.as_bytes().to_vec()));
            }
            granted
        });
        for (origin, grant) in origins.iter().zip(granted) {
            let allowed = reference::origin_allowed(&policy, origin)
                || (is_web_origin(origin) && tenants.contains(origin));
            let expected = allowed.then(|| origin.clone());
            prop_assert_eq!(
                &grant,
                &expected,
                "{} under {:?}",
                String::from_utf8_lossy(origin),
                cache
            );
        }
    }
}
