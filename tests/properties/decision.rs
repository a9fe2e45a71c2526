//! The decision core (`cors_runtime::__private::decision`), called directly with bytes, as a
//! framework adapter would: for generated policies and preflights it grants exactly what the
//! reference model grants, answers with the policy's lists exactly when the reference says a
//! browser refuses by them, and refuses with `403` otherwise. No actix-web type is involved.

use cors_rules::stored::JoinedOrigins;
use cors_runtime::__private::decision::origin::{ListMatch, OriginLists};
use cors_runtime::__private::decision::preflight::{
    decide, HeaderRule, MethodRule, PreflightRequest, PreflightRules, PreflightVerdict, Single,
};
use cors_runtime::__private::decision::refusal::Refusal;
use proptest::prelude::*;

use crate::reference::{self, RefPolicy, RefPreflight};
use crate::strategies::*;
use crate::{policy_and_origin, stored_lists, StoredLists};

/// A preflight as bytes, the way an adapter hands it in.
struct Bytes<'a>(&'a RefPreflight);

impl PreflightRequest for Bytes<'_> {
    fn request_method(&self) -> Single<'_> {
        Single::One(&self.0.method)
    }

    fn request_headers(&self) -> impl Iterator<Item = &[u8]> {
        self.0.request_headers.as_deref().into_iter()
    }

    fn asks_private_network(&self) -> bool {
        self.0.private_network
    }
}

/// The core's rules for a reference policy, through the stored encoding the macro writes.
fn core_of(policy: &RefPolicy) -> (OriginLists, PreflightRules) {
    let StoredLists {
        origins,
        methods,
        headers,
    } = stored_lists(policy);
    let lists = OriginLists::new(JoinedOrigins::new(origins), None);
    let rules = PreflightRules {
        methods: MethodRule::new(methods),
        headers: HeaderRule::new(headers),
        private_network: policy.private_network,
    };
    (lists, rules)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn the_core_decides_preflights_as_the_reference(
        (policy, origin) in policy_and_origin(),
        method in request_method(),
        request_headers in proptest::option::of(raw_request_headers()),
        private_network in any::<bool>(),
    ) {
        let (lists, rules) = core_of(&policy);
        let preflight = RefPreflight { origin: origin.clone(), method, request_headers, private_network };
        let listed = !matches!(lists.find(&origin), ListMatch::NotListed);
        prop_assert_eq!(listed, reference::origin_allowed(&policy, &origin));
        let judged = if listed { Ok(()) } else { Err(Refusal::OriginNotListed) };
        let request = Bytes(&preflight);
        let verdict = decide(&rules, judged, &request);
        let allowed = reference::preflight_allowed(&policy, &preflight);
        let readable = reference::preflight_refusal_is_readable(&policy, &preflight);
        match verdict {
            PreflightVerdict::Granted => prop_assert!(allowed),
            PreflightVerdict::ListsForTheBrowser(_) => prop_assert!(!allowed && readable),
            PreflightVerdict::Refused(_) => prop_assert!(!allowed && !readable),
        }
    }
}
