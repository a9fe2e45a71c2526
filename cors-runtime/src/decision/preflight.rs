//! How to answer a CORS preflight (Fetch Standard, "CORS-preflight request") whose origin has been
//! judged: granted when its method and every header it asks for are allowed; otherwise refused,
//! either with the policy's lists or with a bare `403`.
//!
//! An allowed origin whose preflight asks for a method or a header the policy does not allow gets
//! the policy's lists: the browser then refuses the request itself, and says in its console which
//! method or header is missing ("Method PATCH is not allowed by Access-Control-Allow-Methods in
//! preflight response"), where a bare `403` makes it say that no `Access-Control-Allow-Origin`
//! header is present, and sends the developer looking at the origin. The browser goes on only with
//! what the lists name, so the answer grants nothing the policy does not. Except where some
//! browser would go on regardless (see `the_browser_refuses_by_the_lists`): such a preflight,
//! one asking for private network access the policy does not enable, and one whose method or
//! header names are malformed (no browser sends them), get the bare `403`.

use std::ops::ControlFlow;

use cors_rules::stored::{AllowedHeaders, JoinedNames};

use super::refusal::Refusal;

/// The value of a request header the protocol reads as one (`Access-Control-Request-Method`):
/// sent twice, it is not guessed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Single<'a> {
    /// Not sent.
    Missing,
    /// Sent more than once: refused rather than picking one.
    Repeated,
    /// Sent once, with this value.
    One(&'a [u8]),
}

/// What a preflight asks for, as the framework's adapter reads it off the request.
pub trait PreflightRequest {
    /// `Access-Control-Request-Method`.
    fn request_method(&self) -> Single<'_>;
    /// Every value of `Access-Control-Request-Headers`, as sent (each a comma-separated list).
    fn request_headers(&self) -> impl Iterator<Item = &[u8]>;
    /// Whether it carries `Access-Control-Request-Private-Network: true`, the one value the
    /// protocol defines.
    fn asks_private_network(&self) -> bool;
}

/// The methods a page may use cross-origin (the `methods` key).
#[derive(Debug)]
pub struct MethodRule {
    names: Box<[&'static str]>,
}

impl MethodRule {
    /// `stored` is the policy's [`JoinedNames`].
    pub fn new(stored: &'static str) -> Self {
        MethodRule {
            names: JoinedNames::new(stored).entries().collect(),
        }
    }

    /// Whether the policy lists no method: then it answers no preflight.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Byte-exact: a page's `fetch(url, { method: "patch" })` sends `patch`, which is not `PATCH`
    /// (Fetch Standard, "normalize a method" uppercases only DELETE, GET, HEAD, OPTIONS, POST,
    /// PUT).
    pub fn allows(&self, method: &[u8]) -> bool {
        self.names
            .iter()
            .any(|allowed| allowed.as_bytes() == method)
    }

    /// Does the list name `method` in another case (`PATCH` for `patch`)? Some browsers (older
    /// Chromium, and Chrome under an enterprise policy) uppercase a requested method before
    /// comparing it with the list, and would let `patch` through on `PATCH`.
    pub fn lists_in_another_case(&self, method: &[u8]) -> bool {
        self.names
            .iter()
            .any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(method))
    }
}

/// The request headers a page may send (the `headers` key).
#[derive(Debug)]
pub struct HeaderRule {
    allowed: AllowedHeaders<'static>,
    /// The named headers, as written; none for a `*`.
    names: Box<[&'static str]>,
}

impl HeaderRule {
    /// `stored` is the policy's [`AllowedHeaders`] in its stored form.
    pub fn new(stored: &'static str) -> Self {
        let allowed = AllowedHeaders::stored(stored);
        HeaderRule {
            allowed,
            names: allowed.names().collect(),
        }
    }

    /// Whether the answer names each allowed header (or none), so that a browser refuses any
    /// other: not so for `*`, which Chromium still lets cover `Authorization` despite the Fetch
    /// Standard (it only warns), so refusing `Authorization` under `*` is this crate's to do.
    pub fn browsers_refuse_the_unnamed(&self) -> bool {
        !matches!(self.allowed, AllowedHeaders::Any { .. })
    }

    /// Is one requested header name allowed? Names compare case-insensitively; anything that is
    /// not a header name (a token) is refused. `*` never covers `Authorization` (Fetch Standard,
    /// "CORS non-wildcard request-header name").
    pub fn allows(&self, name: &[u8]) -> bool {
        cors_rules::is_token_bytes(name)
            && match self.allowed {
                AllowedHeaders::None => false,
                AllowedHeaders::List(_) => self
                    .names
                    .iter()
                    .any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(name)),
                AllowedHeaders::Any { authorization } => {
                    authorization || !name.eq_ignore_ascii_case(b"authorization")
                }
            }
    }
}

/// What a preflight of an allowed origin must pass.
#[derive(Debug)]
pub struct PreflightRules {
    /// Which `Access-Control-Request-Method` values are granted.
    pub methods: MethodRule,
    /// Which `Access-Control-Request-Headers` names are granted.
    pub headers: HeaderRule,
    /// `private_network = true`.
    pub private_network: bool,
}

/// The answer to a preflight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreflightVerdict<'a> {
    /// `204` with the policy's headers.
    Granted,
    /// `204` with the policy's lists, by which the browser refuses the request itself; the first
    /// reason.
    ListsForTheBrowser(Refusal<'a>),
    /// `403` with no `Access-Control-*` header; the first reason.
    Refused(Refusal<'a>),
}

/// Answers a preflight whose origin was judged `origin` (`Err` with the reason when it is not
/// allowed), under `rules`.
pub fn decide<'a>(
    rules: &PreflightRules,
    origin: Result<(), Refusal<'a>>,
    request: &'a impl PreflightRequest,
) -> PreflightVerdict<'a> {
    if let Err(reason) = origin {
        return PreflightVerdict::Refused(reason);
    }
    let mut first = None;
    let mut readable = true;
    let _ = check_request(rules, request, |reason| {
        readable = the_browser_refuses_by_the_lists(rules, &reason);
        first.get_or_insert(reason);
        // Every reason must be one the browser names; the first that is not settles it.
        match readable {
            true => ControlFlow::Continue(()),
            false => ControlFlow::Break(reason),
        }
    });
    match (first, readable) {
        (None, _) => PreflightVerdict::Granted,
        (Some(first), true) => PreflightVerdict::ListsForTheBrowser(first),
        (Some(first), false) => PreflightVerdict::Refused(first),
    }
}

/// Does a browser that reads the policy's lists refuse the request by itself, naming what is
/// missing? A well-formed method it checks against `Access-Control-Allow-Methods`: any but `GET`,
/// `HEAD` and `POST`, which browsers send regardless, and not one the list names in another case,
/// which some browsers uppercase before comparing. A well-formed header name it checks against
/// `Access-Control-Allow-Headers`, when that names every header it allows (not under `*`, which
/// Chromium still lets cover `Authorization`). Not private network access: Chromium's Private
/// Network Access warning modes go on without the grant.
fn the_browser_refuses_by_the_lists(rules: &PreflightRules, reason: &Refusal<'_>) -> bool {
    match *reason {
        Refusal::MethodNotAllowed(method) => {
            let sent_regardless = [&b"GET"[..], b"HEAD", b"POST"]
                .iter()
                .any(|safelisted| safelisted.eq_ignore_ascii_case(method));
            cors_rules::is_token_bytes(method) && !sent_regardless
        }
        Refusal::HeaderNotAllowed(name) => {
            rules.headers.browsers_refuse_the_unnamed() && cors_rules::is_token_bytes(name)
        }
        Refusal::MethodInAnotherCase(_)
        | Refusal::PrivateNetworkNotEnabled
        | Refusal::NoOrigin
        | Refusal::RepeatedOrigin
        | Refusal::OriginNotListed
        | Refusal::OriginFnAppDataMissing
        | Refusal::OriginFnAppDataDiffers
        | Refusal::OriginFnTimedOut { .. }
        | Refusal::RequestMethodMissing => false,
    }
}

/// Every reason a refused preflight breaks the policy, for the log, so that one round of fixes
/// covers them all: the method and each header at fault. A refused origin stands alone, since
/// nothing else of the policy applies to an origin it does not allow.
pub fn every_refusal<'a>(
    rules: &PreflightRules,
    request: &'a impl PreflightRequest,
    first: Refusal<'a>,
) -> Vec<Refusal<'a>> {
    if first.is_about_origin() {
        return vec![first];
    }
    let mut reasons = Vec::new();
    // Never breaks: every rule is walked.
    let _ = check_request(rules, request, |reason| {
        reasons.push(reason);
        ControlFlow::Continue(())
    });
    reasons
}

/// The rules an allowed origin's preflight must still pass, in order: its method, each header it
/// asks for, private network access. Each broken rule goes to `refused`, which says whether to go
/// on (breaking with it): the decision stops at the first, the log wants them all, and both walk
/// this one list.
fn check_request<'a>(
    rules: &PreflightRules,
    request: &'a impl PreflightRequest,
    mut refused: impl FnMut(Refusal<'a>) -> ControlFlow<Refusal<'a>>,
) -> ControlFlow<Refusal<'a>> {
    match request.request_method() {
        Single::One(method) if rules.methods.allows(method) => {}
        Single::One(method) if rules.methods.lists_in_another_case(method) => {
            refused(Refusal::MethodInAnotherCase(method))?
        }
        Single::One(method) => refused(Refusal::MethodNotAllowed(method))?,
        Single::Missing | Single::Repeated => refused(Refusal::RequestMethodMissing)?,
    }
    for value in request.request_headers() {
        for name in cors_rules::header_names(value) {
            if !rules.headers.allows(name) {
                refused(Refusal::HeaderNotAllowed(name))?;
            }
        }
    }
    if !rules.private_network && request.asks_private_network() {
        refused(Refusal::PrivateNetworkNotEnabled)?;
    }
    ControlFlow::Continue(())
}
