//! A policy with its header values made and its origin lists split, once per worker: what the
//! middleware and the preflight service hold.
//!
//! `HeaderValue::from_static` checks every byte: called per request, it was the largest part of
//! decorating a response. Made here, when the app is built, a request then copies a pointer and a
//! length. Not made by the compiler, in the `static` policy itself, though `from_static` is a
//! `const fn`: evaluating it, or any other `const fn`, for every route's `static` made a crate of
//! 200 annotated routes build measurably slower, so the generated `static` stays plain data.

use std::rc::Rc;

use actix_web::http::header::HeaderValue;

use cors_rules::OriginPattern;

use crate::policy::{non_empty, AllowedHeaders, Policy};

/// `true`, the one value of `Access-Control-Allow-Credentials` and
/// `Access-Control-Allow-Private-Network`.
pub(crate) static TRUE: HeaderValue = HeaderValue::from_static("true");

/// A policy and its header values.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) policy: &'static Policy,
    /// One per exact origin, in the policy's order.
    pub(crate) exact: Box<[HeaderValue]>,
    /// The subdomain patterns, split around their `*`.
    pub(crate) patterns: Box<[OriginPattern<'static>]>,
    /// The methods a preflight may ask for.
    pub(crate) methods: Box<[&'static str]>,
    /// The header names a preflight may ask for, as written (`headers = [...]`).
    pub(crate) header_names: Box<[&'static str]>,
    pub(crate) allow_methods: HeaderValue,
    pub(crate) allow_headers: Option<HeaderValue>,
    pub(crate) expose_headers: Option<HeaderValue>,
    pub(crate) max_age: Option<HeaderValue>,
}

impl Prepared {
    pub(crate) fn new(policy: &'static Policy) -> Rc<Prepared> {
        Rc::new(Prepared {
            policy,
            exact: policy
                .origins
                .exact()
                .map(HeaderValue::from_static)
                .collect(),
            patterns: policy.origins.patterns().collect(),
            methods: policy.methods().collect(),
            header_names: policy.headers.names().collect(),
            allow_methods: HeaderValue::from_static(policy.allow_methods),
            allow_headers: match policy.headers {
                AllowedHeaders::None => None,
                AllowedHeaders::List { allow_headers } => Some(allow_headers),
                // A `*` never covers `Authorization`, so it is named beside it.
                AllowedHeaders::Any {
                    authorization: true,
                } => Some("*, Authorization"),
                AllowedHeaders::Any {
                    authorization: false,
                } => Some("*"),
            }
            .map(HeaderValue::from_static),
            expose_headers: policy.expose_headers().map(HeaderValue::from_static),
            max_age: non_empty(policy.max_age).map(HeaderValue::from_static),
        })
    }
}
