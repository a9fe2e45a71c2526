//! `outermost()`: CORS for the whole app (or scope), in front of the app's other middleware.
//!
//! `#[cors]` puts its layer on the route, inside everything wrapped around the `App` or a
//! `web::scope`. An authentication or rate-limiting middleware there answers some requests itself
//! (a preflight it takes for an unauthenticated request, a `401`, a `429`) and the route's layer
//! never sees them: the browser then blocks the preflight, and hides the error from the page.
//! This layer, wrapped last so that it runs first, keeps the routes' policies in force there:
//!
//! - a preflight for a path and method a `#[cors]` route serves is answered with that route's
//!   policy before any inner middleware runs (the route's own layer would answer it alike);
//! - a response to an actual request that the route's layer did not see (it was answered by an
//!   inner middleware, or the route returned before it) is decorated with the policy of the route
//!   that serves the request, whatever produced it;
//! - for requests no `#[cors]` route serves (unknown paths, methods a path does not serve, routes
//!   without `#[cors]`, `default_service`, files), the optional default policy does both.
//!
//! Responses the route's layer answered are left as they are: it marks them (see
//! [`mark_answered_by_route`]), so nothing is decorated twice.

use std::cell::{Cell, OnceCell};
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{HeaderMap, ORIGIN};
use actix_web::{Error, HttpResponse};
use pin_project_lite::pin_project;

use crate::decorate::decorate;
use crate::headers::OriginVerdict;
use crate::origin_fn_source::{self, Answered, Judged, PendingVerdict, Then, Waiting};
use crate::policy::{Policy, StoredPolicy};
use crate::preflight;
use crate::prepared::Prepared;
use crate::refusal::{self, Outcome};
use crate::route_table::{self, RouteTable};

/// CORS in front of the app's other middleware: wrap it last, so that it runs first.
///
/// ```
/// use actix_web::{get, middleware::from_fn, web, App, HttpResponse};
/// use cors_runtime::cors;
/// # async fn require_login(
/// #     req: actix_web::dev::ServiceRequest,
/// #     next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
/// # ) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
/// #     next.call(req).await
/// # }
///
/// #[cors(origins = ["https://app.example.com"], headers = ["Authorization"], credentials = true)]
/// #[get("/me")]
/// async fn me() -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
///
/// let app = App::new()
///     .service(me)
///     .wrap(from_fn(require_login)) // may answer 401 without calling the route
///     .wrap(cors_runtime::outermost()); // wrapped last: runs first
/// ```
///
/// Without it, `#[cors]` routes work as long as every middleware around them calls them; with it,
/// preflights never reach that middleware, and what it answers carries the route's CORS headers.
pub fn outermost() -> Outermost {
    route_table::expect_outermost();
    Outermost { default: None }
}

/// The middleware [`outermost()`] returns.
///
/// Make it (or clone it) where the app is built, as in the example above: the `#[cors]` routes an
/// app registers on a thread where none was made or cloned are not known to it.
#[derive(Debug)]
pub struct Outermost {
    default: Option<&'static StoredPolicy>,
}

impl Clone for Outermost {
    fn clone(&self) -> Self {
        // Cloned into an `HttpServer`'s app factory, on the worker thread that builds the app.
        route_table::expect_outermost();
        Outermost {
            default: self.default,
        }
    }
}

impl Outermost {
    /// The policy for requests no `#[cors]` route serves: unknown paths (`404`), methods a path
    /// does not serve (`405`), routes without `#[cors]`, `default_service`, files. It is a named
    /// policy, checked when it is declared: `default_policy(cors_runtime::named_policy!(API))`.
    /// It answers preflights for the `methods` it lists, and none if it lists none. Without a
    /// default policy, those requests get no CORS headers.
    pub fn default_policy(self, policy: Policy) -> Self {
        Outermost {
            default: Some(policy.stored()),
        }
    }
}

impl<S, B> Transform<S, ServiceRequest> for Outermost
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = OutermostService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(OutermostService {
            service: Rc::new(service),
            layer: Rc::new(Layer {
                routes: OnceCell::new(),
                default: self.default.map(Prepared::new),
            }),
        }))
    }
}

/// What the layer knows, once per worker.
struct Layer {
    /// The app's `#[cors]` routes, read from its resource map at the first request.
    routes: OnceCell<RouteTable>,
    default: Option<Rc<Prepared>>,
}

impl Layer {
    /// The policy for `request`: the route's that serves it, else the default.
    fn policy_for(&self, request: &ServiceRequest) -> Option<&Rc<Prepared>> {
        let routes = match self.routes.get() {
            Some(routes) => Some(routes),
            None => {
                RouteTable::build(request.request()).map(|built| self.routes.get_or_init(|| built))
            }
        };
        routes
            .and_then(|routes| routes.route_for(request))
            .or(self.default.as_ref())
    }
}

/// The service [`Outermost`] wraps around the app or scope.
pub struct OutermostService<S> {
    /// Shared with a request that waits for an `async` origin check before calling it.
    service: Rc<S>,
    layer: Rc<Layer>,
}

impl<S, B> Service<ServiceRequest> for OutermostService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = OutermostFuture<S, S::Future>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        // Without `Origin` there is nothing to answer or decorate (a same-origin request, or not
        // a browser's).
        if !req.headers().contains_key(ORIGIN) {
            return OutermostFuture::passed(self.service.call(req));
        }
        // The route is looked up before the inner services run, while the request is at hand:
        // an error from them comes back without it.
        let Some(prepared) = self.layer.policy_for(&req).cloned() else {
            // Nobody's: the app's own business, as without this layer.
            return OutermostFuture::passed(self.service.call(req));
        };
        // Judged when the future is polled, like any answer this layer gives by itself.
        if preflight::is_preflight(req.head()) {
            return OutermostFuture::preflight(req, prepared);
        }
        match prepared.allow_origin.judge(req.request()) {
            Judged::Now(verdict) => watched(&self.service, prepared, req, verdict),
            Judged::ByFunction(verdict, asked) => {
                origin_fn_source::hand_over(req.request(), &verdict, asked);
                watched(&self.service, prepared, req, verdict)
            }
            Judged::Later(pending) => {
                let then = Then::Actual(self.service.clone());
                OutermostFuture::judging(pending, req, prepared, then)
            }
        }
    }
}

/// An actual request whose origin is judged, passed on and watched for a response the route's
/// layer does not see.
fn watched<S, B>(
    service: &S,
    prepared: Rc<Prepared>,
    req: ServiceRequest,
    verdict: OriginVerdict,
) -> OutermostFuture<S, S::Future>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    // Logged only if this layer serves the response: the route's layer logs what it sees.
    let refusal = match &verdict {
        OriginVerdict::Refused(reason) => {
            let outcome = Outcome::ServedWithoutCors;
            refusal::line(prepared.route, outcome, req.head(), &[*reason])
        }
        _ => None,
    };
    let actual = Unseen {
        prepared,
        verdict,
        refusal,
    };
    let (inner, seen) = watching_route(|| service.call(req));
    OutermostFuture::watched(inner, actual, seen)
}

/// An actual request's policy, its verdict and the log line of a refusal, for a response the
/// route's layer did not see.
struct Unseen {
    prepared: Rc<Prepared>,
    verdict: OriginVerdict,
    refusal: Option<String>,
}

impl Unseen {
    fn decorate(&self, headers: &mut HeaderMap) {
        if let Some(line) = &self.refusal {
            refusal::emit(line);
        }
        decorate(&self.prepared, self.verdict.clone(), headers);
    }
}

pin_project! {
    /// The response future of [`OutermostService`]: a plain enum over the inner service's, so
    /// nothing is boxed but an `async` origin check's answer.
    pub struct OutermostFuture<S, F> {
        #[pin]
        state: State<S, F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, F> {
        // A preflight answered here, under this policy.
        Preflight { pending: Option<(ServiceRequest, Rc<Prepared>)> },
        // Passed on, with nothing to add.
        Passed {
            #[pin]
            inner: F,
        },
        // An actual request on a path with a policy: what this layer adds unless the route's
        // layer saw the request.
        Watched {
            #[pin]
            inner: F,
            unseen: Option<Unseen>,
            seen_by_route: bool,
        },
        // Waiting for an `async` origin check, before anything else happens. Boxed, as this
        // enum is as large as its largest variant, and every other request moves it.
        Judging { waiting: Box<Waiting<S>> },
    }
}

impl<S, F> OutermostFuture<S, F> {
    fn preflight(request: ServiceRequest, prepared: Rc<Prepared>) -> Self {
        OutermostFuture {
            state: State::Preflight {
                pending: Some((request, prepared)),
            },
        }
    }

    fn judging(
        pending: PendingVerdict,
        request: ServiceRequest,
        prepared: Rc<Prepared>,
        then: Then<S>,
    ) -> Self {
        OutermostFuture {
            state: State::Judging {
                waiting: Waiting::boxed(pending, request, prepared, then),
            },
        }
    }

    fn passed(inner: F) -> Self {
        OutermostFuture {
            state: State::Passed { inner },
        }
    }

    fn watched(inner: F, unseen: Unseen, seen_by_route: bool) -> Self {
        OutermostFuture {
            state: State::Watched {
                inner,
                unseen: Some(unseen),
                seen_by_route,
            },
        }
    }
}

impl<S, B> Future for OutermostFuture<S, S::Future>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Most requests are actual ones, decided at once: straight to the services inside,
        // outside the loop that moves a request between states.
        match self.as_mut().project().state.project() {
            StateProj::Watched {
                inner,
                unseen,
                seen_by_route,
            } => poll_watched(inner, unseen, seen_by_route, cx),
            StateProj::Passed { inner } => {
                inner.poll(cx).map_ok(ServiceResponse::map_into_left_body)
            }
            _ => self.advance(cx),
        }
    }
}

impl<S, B> OutermostFuture<S, S::Future>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    /// Answers a preflight, or waits for an `async` verdict and goes on.
    fn advance(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<ServiceResponse<EitherBody<B>>, Error>> {
        const DONE: &str = "OutermostFuture polled after completion";
        loop {
            let next = match self.as_mut().project().state.project() {
                StateProj::Preflight { pending } => {
                    let (request, prepared) = pending.take().expect(DONE);
                    match prepared.allow_origin.judge(request.request()) {
                        Judged::Now(verdict) | Judged::ByFunction(verdict, _) => {
                            let answer = preflight::respond(&prepared, request, verdict);
                            return Poll::Ready(Ok(answer.map_into_right_body()));
                        }
                        Judged::Later(pending) => {
                            OutermostFuture::judging(pending, request, prepared, Then::Preflight)
                        }
                    }
                }
                StateProj::Judging { waiting } => {
                    let answered = std::task::ready!(waiting.poll(cx));
                    let Answered {
                        verdict,
                        request,
                        prepared,
                        then,
                        asked,
                    } = answered;
                    if let Then::Actual(_) = then {
                        origin_fn_source::hand_over(request.request(), &verdict, asked);
                    }
                    match then {
                        Then::Preflight => {
                            let answer = preflight::respond(&prepared, request, verdict);
                            return Poll::Ready(Ok(answer.map_into_right_body()));
                        }
                        Then::Actual(service) => watched(&*service, prepared, request, verdict),
                    }
                }
                StateProj::Passed { inner } => {
                    return inner.poll(cx).map_ok(ServiceResponse::map_into_left_body)
                }
                StateProj::Watched {
                    inner,
                    unseen,
                    seen_by_route,
                } => return poll_watched(inner, unseen, seen_by_route, cx),
            };
            self.as_mut().project().state.set(next.state);
        }
    }
}

/// Polls the services inside for an actual request, and decorates what they answer unless the
/// route's layer saw it.
fn poll_watched<F, B>(
    inner: Pin<&mut F>,
    unseen: &mut Option<Unseen>,
    seen_by_route: &mut bool,
    cx: &mut Context<'_>,
) -> Poll<Result<ServiceResponse<EitherBody<B>>, Error>>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    let (result, seen) = watching_route(|| inner.poll(cx));
    *seen_by_route |= seen;
    let result = std::task::ready!(result);
    let unseen = unseen
        .take()
        .expect("OutermostFuture polled after completion");
    Poll::Ready(match result {
        Ok(response) if *seen_by_route => Ok(response.map_into_left_body()),
        Ok(mut response) => {
            unseen.decorate(response.headers_mut());
            Ok(response.map_into_left_body())
        }
        // An error becomes a response outside this layer; the mapper decorates it then, unless
        // it is the route's own, which the route's layer decorates.
        Err(mut error) => {
            error.add_response_mapper(move |mut response| {
                if !settled_by_route(&response) {
                    unseen.decorate(response.headers_mut());
                }
                response
            });
            Err(error)
        }
    })
}

thread_local! {
    /// Whether a route's CORS layer has answered a request since this layer last looked: set by
    /// the route's layer, read by this one around each call and poll of the services inside it.
    static ANSWERED_BY_ROUTE: Cell<bool> = const { Cell::new(false) };
}

/// Called by the route's layer when it has answered a request (a decorated response, its own
/// preflight answer or rejection): that answer stands, and this layer adds nothing.
///
/// The route's layer completes inside a poll of this layer (the services between poll the next
/// one from their own poll), on the same thread, for the same request: a flag that this layer
/// clears before and reads after each call and poll is a mark on the request that costs neither
/// an allocation nor a lookup. A middleware that moved the rest of the chain to another task
/// would hide the mark; the response would then be decorated by both layers.
pub(crate) fn mark_answered_by_route() {
    ANSWERED_BY_ROUTE.set(true);
}

/// Runs `inner` (a call or a poll of the services inside this layer) and tells whether a route's
/// layer answered meanwhile. The flag is restored for a layer around this one (an app's, around
/// a scope's), with what was seen added.
fn watching_route<R>(inner: impl FnOnce() -> R) -> (R, bool) {
    let around = ANSWERED_BY_ROUTE.replace(false);
    let result = inner();
    let seen = ANSWERED_BY_ROUTE.get();
    ANSWERED_BY_ROUTE.set(around | seen);
    (result, seen)
}

/// The mark the route's layer leaves on the response an error of the route becomes, which it
/// decorates when the error is rendered, before this layer's mapper runs: an error carries no
/// request, and an error a middleware between the two layers makes (or makes of the route's
/// response) must still be decorated here. Errors are rare; the mark allocates only then.
struct SettledByRoute;

pub(crate) fn mark_response_settled_by_route(response: &mut HttpResponse) {
    response.extensions_mut().insert(SettledByRoute);
}

fn settled_by_route(response: &HttpResponse) -> bool {
    response.extensions().contains::<SettledByRoute>()
}
