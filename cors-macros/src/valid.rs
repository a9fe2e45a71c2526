//! Every semantic check of a `#[cors]` policy, in one place. Each rejection is a `syn::Error` on
//! the literal at fault that says what is wrong in CORS terms and what to write instead; all of a
//! policy's mistakes are reported at once.

use cors_rules::{
    is_forbidden_method, is_forbidden_request_header, is_forbidden_response_header, is_token,
    OriginList, NORMALIZED_METHODS, WILDCARD,
};
use syn::{Attribute, LitBool, LitStr};

use crate::attr::{path_text, CorsArgs, StrList, WrittenAt};
use crate::handler::Handler;
use crate::route::Route;

/// The longest `max_age` any browser honours (Firefox); Chromium caps at 7200, Safari at 600.
const MAX_AGE_LIMIT: u64 = 86_400;

/// `max_age` when the policy sets none. Without the header, browsers keep a preflight answer
/// for 5 seconds, so a page preflights before nearly every request. 600 seconds is as long as
/// Safari keeps one at all (Chromium keeps up to 7200, Firefox 86400), so every browser caches
/// alike; and a policy tightened by a deploy (an origin removed) reaches every browser within ten
/// minutes, which a longer default would stretch. `max_age = 0` still means "never cache".
const DEFAULT_MAX_AGE: u32 = 600;

/// What the policy is declared on: it decides where `methods` come from.
pub enum Target<'a> {
    /// A handler under an actix-web routing attribute: `methods` default to the route's.
    Route(&'a Route),
    /// A handler registered by hand: `methods` must be listed. The attribute is one named like a
    /// routing macro that `#[cors]` looked past (see `route::find`), for the error to name.
    ByHand(&'a Handler, Option<&'a Attribute>),
    /// A named policy (`cors_runtime::policy!`): `methods` are checked again on each route.
    Named,
    /// A named policy used as a value, by `named_policy!(path)`: it has no route to take methods
    /// from.
    Value(&'a syn::Path),
}

/// A policy that passed every check: what `expand` turns into the runtime's static `Policy`.
pub struct Policy {
    /// The path by which generated code reaches `cors-runtime` (`crate = path`).
    pub runtime: syn::Path,
    pub origins: Origins,
    /// `origins_env = "VAR"`: the variable's name.
    pub origins_env: Option<String>,
    /// `origin_fn = path`: the predicate's path, as written.
    pub origin_fn: Option<syn::Path>,
    /// `origin_fn_ttl` and `origin_fn_cache_size`: how long each worker keeps the function's
    /// answer for an origin, in seconds, and at most how many answers; `(0, 0)`: none kept.
    pub origin_fn_cache: (u32, u32),
    /// `origin_fn_timeout`: how long, in seconds, a request waits for an `async` function's
    /// answer before its origin is refused; `0` without `origin_fn`.
    pub origin_fn_timeout: u32,
    pub methods: Vec<String>,
    pub headers: Headers,
    pub expose_headers: ExposeHeaders,
    pub credentials: bool,
    pub max_age: Option<u32>,
    pub private_network: bool,
    /// `on_mismatch = "reject"`: a cross-origin actual request from a disallowed origin gets 403.
    pub reject_mismatch: bool,
}

pub enum Origins {
    Any,
    /// Exact serialized origins and subdomain patterns, as written.
    List(OriginList),
}

pub enum Headers {
    None,
    /// The names as written (for `Access-Control-Allow-Headers`).
    List(Vec<String>),
    /// `*`, optionally beside `Authorization`, which a `*` never covers.
    Any {
        authorization: bool,
    },
}

pub enum ExposeHeaders {
    None,
    List(Vec<String>),
    Any,
}

/// Collects every error so that the user fixes a policy in one compile, not one per mistake.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn at(&mut self, lit: &impl quote::ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(lit, message));
    }

    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(first) => first.combine(error),
            None => self.0 = Some(error),
        }
    }
}

pub fn check(args: &CorsArgs, target: Target) -> syn::Result<Policy> {
    let mut errors = Errors::default();
    let written_at = WrittenAt::new(args.policy.as_ref());
    let credentials = args.credentials.as_ref().is_some_and(LitBool::value);

    let origins = match &args.origins {
        Some(list) => check_origins(
            list,
            args.credentials.as_ref().filter(|c| c.value),
            &mut errors,
        ),
        None => {
            if args.origins_env.is_none() && args.origin_fn.is_none() {
                let what = match target {
                    Target::Named | Target::Value(_) => "a named policy",
                    Target::Route(_) | Target::ByHand(..) => "`#[cors]`",
                };
                errors.push(written_at.error(format!(
                    "{what} needs `origins = [...]`: the origins whose pages may read this \
                         route's responses, for example `origins = [\"https://app.example.com\"]` \
                         (or origins known at run time: `origins_env = \"VAR\"`, \
                         `origin_fn = path::to::predicate`)"
                )));
            }
            Origins::List(OriginList::default())
        }
    };
    let origins_env = check_runtime_sources(args, &origins, &mut errors);
    let origin_fn_cache = check_origin_fn_cache(args, &mut errors);
    let origin_fn_timeout = check_origin_fn_timeout(args, &mut errors);

    let methods = check_methods(
        args.methods.as_ref(),
        &target,
        written_at,
        credentials,
        &mut errors,
    );

    let headers = match &args.headers {
        None => Headers::None,
        Some(list) => check_headers(list, credentials, &mut errors),
    };

    let expose_headers = match &args.expose_headers {
        None => ExposeHeaders::None,
        Some(list) => check_expose_headers(list, credentials, &mut errors),
    };

    let max_age = match &args.max_age {
        None => Some(DEFAULT_MAX_AGE),
        Some(lit) => match lit.base10_parse::<u64>() {
            Ok(seconds) if seconds <= MAX_AGE_LIMIT => Some(seconds as u32),
            _ => {
                errors.at(
                    lit,
                    format!(
                    "`max_age` is at most {MAX_AGE_LIMIT} seconds (one day): no browser caches a \
                     preflight longer (Chromium stops at 7200, Safari at 600)"
                ),
                );
                None
            }
        },
    };

    let reject_mismatch = check_on_mismatch(args.on_mismatch.as_ref(), &origins, &mut errors);

    match errors.0 {
        Some(error) => Err(error),
        None => Ok(Policy {
            runtime: args.runtime(),
            origins,
            origins_env,
            origin_fn: args.origin_fn.clone(),
            origin_fn_cache,
            origin_fn_timeout,
            methods,
            headers,
            expose_headers,
            credentials,
            max_age,
            private_network: args.private_network.as_ref().is_some_and(LitBool::value),
            reject_mismatch,
        }),
    }
}

/// `origins_env` and `origin_fn`: only beside a list of origins (a `*` leaves nothing for them to
/// add), and the variable's name must be one a shell can set. Returns the variable's name.
fn check_runtime_sources(
    args: &CorsArgs,
    origins: &Origins,
    errors: &mut Errors,
) -> Option<String> {
    if matches!(origins, Origins::Any) {
        if let Some(lit) = &args.origins_env {
            errors.at(
                lit,
                "`origins = [\"*\"]` already allows every origin; remove `origins_env`",
            );
        }
        if let Some(path) = &args.origin_fn {
            errors.at(
                path,
                "`origins = [\"*\"]` already allows every origin; remove `origin_fn`",
            );
        }
    }
    let lit = args.origins_env.as_ref()?;
    let var = lit.value();
    let valid = var.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && var.bytes().next().is_some_and(|b| !b.is_ascii_digit());
    if !valid {
        errors.at(
            lit,
            format!(
                "`{var}` is not an environment variable name: use letters, digits and `_`, not \
                 starting with a digit, like `origins_env = \"CORS_ALLOWED_ORIGINS\"`"
            ),
        );
    }
    Some(var)
}

/// How many answers of an `origin_fn` a worker keeps when `origin_fn_ttl` is set alone: enough
/// for the tenants of a large platform. A client chooses its `Origin`, up to some 270 bytes, and
/// a kept answer then takes about 500 bytes: at most 5 MB per worker.
const DEFAULT_ORIGIN_FN_CACHE_SIZE: u32 = 10_000;

/// The largest `origin_fn_cache_size`: 50 MB per worker of origins a client may choose, past which
/// the bound stops protecting memory.
const ORIGIN_FN_CACHE_SIZE_LIMIT: u64 = 100_000;

/// `origin_fn_ttl` and `origin_fn_cache_size`: only with an `origin_fn` to keep answers of, the
/// size only with a time to keep them, each within its bounds. Returns `(ttl, size)`.
fn check_origin_fn_cache(args: &CorsArgs, errors: &mut Errors) -> (u32, u32) {
    let (ttl_lit, size_lit) = (
        args.origin_fn_ttl.as_ref(),
        args.origin_fn_cache_size.as_ref(),
    );
    if args.origin_fn.is_none() {
        for (key, lit) in [
            ("origin_fn_ttl", ttl_lit),
            ("origin_fn_cache_size", size_lit),
        ] {
            if let Some(lit) = lit {
                errors.at(
                    lit,
                    format!(
                        "`{key}` bounds the answers of `origin_fn` a worker keeps, and this policy \
                         has no `origin_fn`: remove `{key}`, or add `origin_fn = path::to::check`"
                    ),
                );
            }
        }
        return (0, 0);
    }
    let Some(ttl_lit) = ttl_lit else {
        if let Some(size_lit) = size_lit {
            errors.at(
                size_lit,
                "`origin_fn_cache_size` needs `origin_fn_ttl`, the seconds an answer is kept: add \
                 it, like `origin_fn_ttl = 60`",
            );
        }
        return (0, 0);
    };
    let ttl = match ttl_lit.base10_parse::<u64>() {
        Ok(seconds) if seconds <= MAX_AGE_LIMIT => seconds as u32,
        _ => {
            errors.at(
                ttl_lit,
                format!(
                    "`origin_fn_ttl` is at most {MAX_AGE_LIMIT} seconds (one day): an origin the \
                     function stops allowing stays allowed for as long as its answer is kept"
                ),
            );
            return (0, 0);
        }
    };
    let Some(size_lit) = size_lit else {
        let size = if ttl == 0 {
            0
        } else {
            DEFAULT_ORIGIN_FN_CACHE_SIZE
        };
        return (ttl, size);
    };
    if ttl == 0 {
        errors.at(
            size_lit,
            "`origin_fn_ttl = 0` keeps no answer, so `origin_fn_cache_size` has nothing to bound: \
             remove one of them",
        );
        return (0, 0);
    }
    match size_lit.base10_parse::<u64>() {
        Ok(size @ 1..=ORIGIN_FN_CACHE_SIZE_LIMIT) => (ttl, size as u32),
        _ => {
            errors.at(
                size_lit,
                format!(
                    "`origin_fn_cache_size` is from 1 to {ORIGIN_FN_CACHE_SIZE_LIMIT} answers per \
                     worker (without it, {DEFAULT_ORIGIN_FN_CACHE_SIZE}); to keep none, remove \
                     `origin_fn_ttl`"
                ),
            );
            (0, 0)
        }
    }
}

/// How long a request waits for an `async` `origin_fn` when the policy does not say: a lookup
/// that answers at all answers well within it, and a page's user waits no longer for a request to
/// start.
const DEFAULT_ORIGIN_FN_TIMEOUT: u32 = 5;

/// The longest `origin_fn_timeout`: a request that waited a minute for its CORS check has been
/// given up on by the proxies in front of most servers, and by the user.
const ORIGIN_FN_TIMEOUT_LIMIT: u64 = 60;

/// `origin_fn_timeout`: only with an `origin_fn` to wait for, within its bounds. Returns the
/// seconds (`0` without `origin_fn`).
fn check_origin_fn_timeout(args: &CorsArgs, errors: &mut Errors) -> u32 {
    let Some(lit) = &args.origin_fn_timeout else {
        return match args.origin_fn {
            Some(_) => DEFAULT_ORIGIN_FN_TIMEOUT,
            None => 0,
        };
    };
    if args.origin_fn.is_none() {
        errors.at(
            lit,
            "`origin_fn_timeout` bounds how long a request waits for `origin_fn`, and this policy \
             has no `origin_fn`: remove `origin_fn_timeout`, or add `origin_fn = path::to::check`",
        );
        return 0;
    }
    match lit.base10_parse::<u64>() {
        Ok(seconds @ 1..=ORIGIN_FN_TIMEOUT_LIMIT) => seconds as u32,
        _ => {
            errors.at(
                lit,
                format!(
                    "`origin_fn_timeout` is from 1 to {ORIGIN_FN_TIMEOUT_LIMIT} seconds: how long \
                     a request waits for an `async` `origin_fn` before its origin is refused; \
                     write a value in that range, or remove the key for the default of \
                     {DEFAULT_ORIGIN_FN_TIMEOUT} s"
                ),
            );
            0
        }
    }
}

/// `on_mismatch = "reject"` or `"pass"` (the default, the CORS protocol's own behaviour).
fn check_on_mismatch(value: Option<&LitStr>, origins: &Origins, errors: &mut Errors) -> bool {
    let Some(lit) = value else {
        return false;
    };
    match lit.value().as_str() {
        "reject" if matches!(origins, Origins::Any) => {
            errors.at(
                lit,
                "with `origins = [\"*\"]` no origin can mismatch, so there is nothing to reject; \
                 remove `on_mismatch`",
            );
            false
        }
        "reject" => true,
        "pass" => false,
        other => {
            errors.at(
                lit,
                format!(
                    "`on_mismatch` is `\"reject\"` (answer 403 before the handler runs) or \
                     `\"pass\"` (the default: the handler runs, without CORS headers), not \
                     `{other:?}`"
                ),
            );
            false
        }
    }
}

fn check_origins(list: &StrList, credentials: Option<&LitBool>, errors: &mut Errors) -> Origins {
    if list.items.is_empty() {
        errors.at(&list.key, "`origins` is empty; list at least one origin, like `origins = [\"https://app.example.com\"]`");
    }
    if let Some(star) = list.items.iter().find(|lit| lit.value() == WILDCARD) {
        if list.items.len() > 1 {
            errors.at(
                star,
                "`*` allows every origin, so it must be the only entry of `origins`; remove \
                 either `*` or the other origins",
            );
        }
        if let Some(credentials) = credentials {
            errors.at(
                star,
                "`origins = [\"*\"]` cannot be combined with `credentials = true`: browsers \
                 refuse `Access-Control-Allow-Origin: *` on credentialed requests, and echoing \
                 every origin instead would let any site act as the signed-in user; list the \
                 origins that may send credentials",
            );
            errors.at(
                credentials,
                "`credentials = true` is not allowed with `origins = [\"*\"]`",
            );
        }
        return Origins::Any;
    }

    let mut checked = OriginList::default();
    // The literal of each accepted entry, in the list's order, for errors found once all are in.
    let mut accepted: Vec<&LitStr> = Vec::new();
    for (value, lit) in list.values() {
        match checked.push(&value) {
            Err(problem) => errors.at(lit, format!("origin `{value}` {problem}")),
            Ok(()) => accepted.push(lit),
        }
    }
    for (index, problem) in checked.covered() {
        let lit = accepted[index];
        errors.at(lit, format!("origin `{}` {problem}", lit.value()));
    }
    Origins::List(checked)
}

fn check_methods(
    list: Option<&StrList>,
    target: &Target,
    written_at: WrittenAt,
    credentials: bool,
    errors: &mut Errors,
) -> Vec<String> {
    let route_methods = match target {
        Target::Route(route) => Some(route.methods()),
        Target::ByHand(..) | Target::Named | Target::Value(_) => None,
    };
    let Some(list) = list else {
        return match (target, route_methods) {
            (Target::Route(route), Some(methods)) => {
                for method in methods.iter().filter(|m| is_forbidden_method(m)) {
                    errors.at(
                        &route.attr,
                        format!(
                            "this route serves `{method}`, which `fetch()` never sends, so CORS \
                             cannot apply to it; serve it from a route without `#[cors]`, or \
                             list the other methods in `methods = [...]`"
                        ),
                    );
                }
                methods
            }
            (Target::ByHand(handler, looked_past), _) => {
                errors.push(no_routing_attribute(handler, *looked_past, written_at));
                Vec::new()
            }
            // A named policy without `methods`: each route uses its own.
            _ => Vec::new(),
        };
    };
    if list.items.is_empty() {
        errors.at(
            &list.key,
            "`methods` is empty; remove the key to allow the route's own methods, or list some",
        );
    }
    if let Some(star) = list.items.iter().find(|lit| lit.value() == WILDCARD) {
        if list.items.len() > 1 {
            errors.at(star, "`*` stands for all of the route's methods, so it must be the only entry of `methods`");
        }
        if credentials {
            errors.at(
                star,
                wildcard_with_credentials("methods", "`methods = [\"GET\", \"POST\"]`"),
            );
        }
        return match (target, route_methods) {
            (_, Some(methods)) => methods,
            (Target::Named, None) => Vec::new(),
            (Target::Value(path), None) => {
                errors.at(
                    star,
                    format!(
                        "`*` in `methods` stands for each route's own methods, and \
                         `named_policy!({})` uses this policy as a value, where there is no \
                         route: list the methods it allows, like `methods = [\"GET\", \"POST\"]`",
                        path_text(path)
                    ),
                );
                Vec::new()
            }
            _ => {
                errors.at(star, "a handler registered by hand has no route to take its methods from; list them, like `methods = [\"GET\", \"POST\"]`");
                Vec::new()
            }
        };
    }
    let mut methods: Vec<String> = Vec::new();
    for (method, lit) in list.values() {
        let upper = method.to_ascii_uppercase();
        if !is_token(&method) {
            errors.at(lit, format!("`{method}` is not an HTTP method name; write one method per string, like `\"GET\"`"));
        } else if is_forbidden_method(&method) {
            errors.at(lit, format!("`{method}` is a forbidden method: `fetch()` never sends CONNECT, TRACE or TRACK, so allowing it cross-origin means nothing"));
        } else if method != upper {
            errors.at(
                lit,
                format!(
                "method `{method}` must be written `{upper}`: methods are case-sensitive, browsers \
                 uppercase only {} before sending, and actix-web routes match the uppercase name",
                NORMALIZED_METHODS.join(", ")
            ),
            );
        } else if methods.contains(&method) {
            errors.at(
                lit,
                format!("method `{method}` is listed twice; remove one"),
            );
        } else if method == "OPTIONS"
            && route_methods
                .as_ref()
                .is_some_and(|served| !served.contains(&method))
        {
            errors.at(
                lit,
                "`OPTIONS` does not belong in `methods`: `#[cors]` answers the preflight \
                 (`OPTIONS`) requests for this route by itself, for every method in `methods`; \
                 list only the methods the page's requests use, and remove `\"OPTIONS\"`",
            );
        } else if let Some(served) = route_methods
            .as_ref()
            .filter(|served| !served.contains(&method))
        {
            errors.at(
                lit,
                format!(
                "method `{method}` is not served by this route, which serves {}; list only those \
                 (or add `{method}` to the route)",
                served.join(", ")
            ),
            );
        } else {
            methods.push(method);
        }
    }
    methods
}

/// A handler without `methods` and without a routing attribute under `#[cors]`.
fn no_routing_attribute(
    handler: &Handler,
    looked_past: Option<&Attribute>,
    written_at: WrittenAt,
) -> syn::Error {
    let name = &handler.sig.ident;
    let Some(attr) = looked_past else {
        return written_at.error(format!(
            "`#[cors]` found no routing attribute (`#[get(\"/path\")]`, `#[post(..)]`, \
             `#[route(..)]`, ...) below it. If `{name}` has one, write `#[cors]` above it: \
             attributes expand top to bottom, so a routing macro above `#[cors]` has already turned \
             `{name}` into a service. If `{name}` is registered by hand with `web::resource(..)`, \
             list its methods: `methods = [\"GET\"]`"
        ));
    };
    let macro_name = path_text(attr.path());
    syn::Error::new_spanned(
        attr,
        format!(
            "`#[cors]` found no routing attribute below it: `#[{macro_name}]` here has no path \
             first, as actix-web's `#[{macro_name}(\"/path\")]` has, so it is taken for another \
             crate's attribute. Write `#[cors]` above the routing attribute of `{name}`, or, if \
             `{name}` is registered by hand with `web::resource(..)`, list its methods: \
             `methods = [\"GET\"]`"
        ),
    )
}

fn check_headers(list: &StrList, credentials: bool, errors: &mut Errors) -> Headers {
    if list.items.is_empty() {
        errors.at(
            &list.key,
            "`headers` is empty; remove the key, or list the request headers pages may send",
        );
    }
    let names = check_header_names(list, errors, |name| {
        is_forbidden_request_header(name).then(|| {
            format!(
                "`{name}` is a forbidden request header: browsers set it themselves and never let \
                 a page send it, so it needs no allowing; remove it"
            )
        })
    });
    if let Some(star) = list.items.iter().find(|lit| lit.value() == WILDCARD) {
        if credentials {
            errors.at(
                star,
                wildcard_with_credentials(
                    "headers",
                    "`headers = [\"Content-Type\", \"Authorization\"]`",
                ),
            );
        }
        let others: Vec<&LitStr> = list
            .items
            .iter()
            .filter(|lit| lit.value() != WILDCARD)
            .collect();
        for other in others
            .iter()
            .filter(|lit| !lit.value().eq_ignore_ascii_case("authorization"))
        {
            errors.at(
                *other,
                format!(
                "`*` already allows `{}`; beside `*`, only `Authorization` needs naming (a `*` \
                 never covers it)",
                other.value()
            ),
            );
        }
        return Headers::Any {
            authorization: !others.is_empty(),
        };
    }
    Headers::List(names)
}

fn check_expose_headers(list: &StrList, credentials: bool, errors: &mut Errors) -> ExposeHeaders {
    if list.items.is_empty() {
        errors.at(&list.key, "`expose_headers` is empty; remove the key, or list the response headers pages may read");
    }
    let names = check_header_names(list, errors, |name| {
        is_forbidden_response_header(name).then(|| {
            format!("`{name}` can never be read by a page (a forbidden response header); remove it")
        })
    });
    if let Some(star) = list.items.iter().find(|lit| lit.value() == WILDCARD) {
        if list.items.len() > 1 {
            errors.at(star, "`*` exposes every response header, so it must be the only entry of `expose_headers`");
        }
        if credentials {
            errors.at(
                star,
                wildcard_with_credentials(
                    "expose_headers",
                    "`expose_headers = [\"X-Request-Id\"]`",
                ),
            );
        }
        return ExposeHeaders::Any;
    }
    ExposeHeaders::List(names)
}

/// The checks `headers` and `expose_headers` share: tokens, no duplicates (header names are
/// case-insensitive), and a list-specific `forbidden` rule. `*` entries are left to the caller.
fn check_header_names(
    list: &StrList,
    errors: &mut Errors,
    forbidden: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (name, lit) in list.values().filter(|(name, _)| name != WILDCARD) {
        if !is_token(&name) {
            let hint = match name.contains(',') {
                true => "; write each header as its own string",
                false => "",
            };
            errors.at(lit, format!("`{name}` is not a valid header name{hint}"));
        } else if let Some(message) = forbidden(&name) {
            errors.at(lit, message);
        } else if names.iter().any(|seen| seen.eq_ignore_ascii_case(&name)) {
            errors.at(
                lit,
                format!("header `{name}` is listed twice (header names ignore case); remove one"),
            );
        } else {
            names.push(name);
        }
    }
    names
}

fn wildcard_with_credentials(key: &str, example: &str) -> String {
    format!(
        "`*` in `{key}` does not work with `credentials = true`: on credentialed requests browsers \
         read `*` as a literal name, not a wildcard; list the names instead, like {example}"
    )
}
