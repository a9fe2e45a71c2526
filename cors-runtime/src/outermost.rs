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
//!   inner middleware before routing) is decorated with the policy of the route that serves the
//!   request, whatever produced it;
//! - for requests no `#[cors]` route serves (unknown paths, methods a path does not serve, routes
//!   without `#[cors]`, `default_service`, files), the optional default policy does both.
//!
//! It never grants on a guess: where its route table cannot be sure which route the router picks
//! (see `routing::table`), it answers nothing and decorates nothing, and says why in a debug
//! line; the route's own layer still answers the requests that reach it. Responses a CORS layer
//! inside answered are left as they are (see `marks`), and so are responses of a resource the
//! router picked instead of the route the table expected.

use std::cell::OnceCell;
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{HeaderMap, ORIGIN};
use actix_web::Error;
use pin_project_lite::pin_project;

use crate::decorate::decorate;
use crate::headers::OriginVerdict;
use crate::marks;
use crate::on_mismatch;
use crate::origin_fn_source::{self, Answered, Judged, Then, Waiting};
use crate::policy::{Policy, StoredPolicy};
use crate::preflight;
use crate::prepared::Prepared;
use crate::refusal::{self, Outcome};
use crate::routing::recorder;
use crate::routing::table::{Lookup, RouteTable};

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
    recorder::expect_outermost();
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
        recorder::expect_outermost();
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

/// Whose policy answers a request.
enum Answerer {
    /// The route that serves it.
    Route(Rc<Prepared>),
    /// The default policy: no `#[cors]` route serves it.
    Default(Rc<Prepared>),
}

impl Layer {
    /// Whose policy answers `request`: the route's that serves it, else the default; `None` when
    /// no policy of this layer may answer, and the request is the app's own business.
    fn answerer_for(&self, request: &ServiceRequest) -> Option<Answerer> {
        let routes = match self.routes.get() {
            Some(routes) => routes,
            None => match RouteTable::build(request.request()) {
                Ok(built) => self.routes.get_or_init(|| built),
                Err(_) => {
                    log_uncertain(
                        request,
                        "the request's own `Host` or forwarding headers keep \
                        the resource map from rendering the app's routes",
                    );
                    return None;
                }
            },
        };
        match routes.lookup(request) {
            Lookup::Route(prepared) => Some(Answerer::Route(prepared.clone())),
            Lookup::NoRoute => self.default.clone().map(Answerer::Default),
            Lookup::Uncertain(why) => {
                if refusal::log_enabled() {
                    log_uncertain(request, &why.to_string());
                }
                None
            }
        }
    }
}

/// Says why `outermost()` left a request to the app (debug level, target `cors_runtime`).
fn log_uncertain(request: &ServiceRequest, why: &str) {
    log::debug!(
        target: "cors_runtime",
        "outermost(): {} {} left to the app, answered and decorated by no policy of \
         `outermost()`: {why}",
        request.method(),
        request.path()
    );
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

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        // Without `Origin` there is nothing to answer or decorate (a same-origin request, or not
        // a browser's). Under another `outermost()`, that one answers.
        if !req.headers().contains_key(ORIGIN) || marks::outer_layer_in_charge(req.request()) {
            return OutermostFuture::passed(self.service.call(req));
        }
        marks::mark_outer_layer_in_charge(&mut req);
        // The route is looked up before the inner services run, while the request is at hand:
        // an error from them comes back without it.
        let Some(answerer) = self.layer.answerer_for(&req) else {
            // Nobody's, or not surely anybody's: the app's own business, as without this layer.
            return OutermostFuture::passed(self.service.call(req));
        };
        // Judged when the future is polled, like any answer this layer gives by itself.
        if preflight::is_preflight(req.head()) {
            return OutermostFuture::preflight(req, answerer.prepared().clone());
        }
        match answerer.prepared().allow_origin.judge(req.request()) {
            Judged::Now(verdict) => actual(&self.service, answerer, req, verdict),
            Judged::ByFunction(verdict, asked) => {
                origin_fn_source::hand_over(req.request(), &verdict, asked);
                actual(&self.service, answerer, req, verdict)
            }
            Judged::Later(pending) => {
                let then = Then::Actual(self.service.clone());
                let waiting = Waiting::boxed(pending, req, answerer.prepared().clone(), then);
                OutermostFuture::judging(waiting, answerer.is_default())
            }
        }
    }
}

impl Answerer {
    fn prepared(&self) -> &Rc<Prepared> {
        match self {
            Answerer::Route(prepared) | Answerer::Default(prepared) => prepared,
        }
    }

    fn is_default(&self) -> bool {
        matches!(self, Answerer::Default(_))
    }
}

/// An actual request whose origin is judged: rejected when the default policy answers it and
/// rejects its origin, else passed on and watched for a response no layer inside answered.
fn actual<S, B>(
    service: &S,
    answerer: Answerer,
    req: ServiceRequest,
    verdict: OriginVerdict,
) -> OutermostFuture<S, S::Future>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    let is_default = answerer.is_default();
    let prepared = match answerer {
        Answerer::Route(prepared) | Answerer::Default(prepared) => prepared,
    };
    if let OriginVerdict::Refused(reason) = verdict {
        // A route's layer rejects for its route; the default policy has no layer but this one.
        if is_default && prepared.reject_mismatch && !on_mismatch::is_same_origin(&req) {
            refusal::log(prepared.route, Outcome::Rejected, req.head(), &[reason]);
            return OutermostFuture::rejected(req);
        }
    }
    // Logged only if this layer serves the response: the route's layer logs what it sees.
    let refusal = match &verdict {
        OriginVerdict::Refused(reason) => {
            let outcome = Outcome::ServedWithoutCors;
            refusal::line(prepared.route, outcome, req.head(), &[*reason])
        }
        _ => None,
    };
    let unseen = Unseen {
        prepared,
        verdict,
        refusal,
        is_default,
    };
    OutermostFuture::watched(service.call(req), unseen)
}

/// An actual request's policy, its verdict and the log line of a refusal, for a response no CORS
/// layer inside answered.
struct Unseen {
    prepared: Rc<Prepared>,
    verdict: OriginVerdict,
    refusal: Option<String>,
    /// The default policy's, rather than a route's.
    is_default: bool,
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
        // An actual request the default policy rejects, answered here.
        Rejected { request: Option<ServiceRequest> },
        // Passed on, with nothing to add.
        Passed {
            #[pin]
            inner: F,
        },
        // An actual request with a policy: what this layer adds unless a layer inside answered.
        Watched {
            #[pin]
            inner: F,
            unseen: Option<Unseen>,
        },
        // Waiting for an `async` origin check, before anything else happens. Boxed, as this
        // enum is as large as its largest variant, and every other request moves it.
        Judging { waiting: Box<Waiting<S>>, of_default: bool },
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

    fn rejected(request: ServiceRequest) -> Self {
        OutermostFuture {
            state: State::Rejected {
                request: Some(request),
            },
        }
    }

    fn judging(waiting: Box<Waiting<S>>, of_default: bool) -> Self {
        OutermostFuture {
            state: State::Judging {
                waiting,
                of_default,
            },
        }
    }

    fn passed(inner: F) -> Self {
        OutermostFuture {
            state: State::Passed { inner },
        }
    }

    fn watched(inner: F, unseen: Unseen) -> Self {
        OutermostFuture {
            state: State::Watched {
                inner,
                unseen: Some(unseen),
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
            StateProj::Watched { inner, unseen } => poll_watched(inner, unseen, cx),
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
    /// Answers a preflight or a rejection, or waits for an `async` verdict and goes on.
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
                            let waiting =
                                Waiting::boxed(pending, request, prepared, Then::Preflight);
                            OutermostFuture::judging(waiting, false)
                        }
                    }
                }
                StateProj::Rejected { request } => {
                    let request = request.take().expect(DONE);
                    let rejected = request.into_response(on_mismatch::rejected());
                    return Poll::Ready(Ok(rejected.map_into_right_body()));
                }
                StateProj::Judging {
                    waiting,
                    of_default,
                } => {
                    let answered = std::task::ready!(waiting.poll(cx));
                    let Answered {
                        verdict,
                        request,
                        prepared,
                        then,
                        asked,
                    } = answered;
                    match then {
                        Then::Preflight => {
                            let answer = preflight::respond(&prepared, request, verdict);
                            return Poll::Ready(Ok(answer.map_into_right_body()));
                        }
                        Then::Actual(service) => {
                            origin_fn_source::hand_over(request.request(), &verdict, asked);
                            let answerer = match *of_default {
                                true => Answerer::Default(prepared),
                                false => Answerer::Route(prepared),
                            };
                            actual(&*service, answerer, request, verdict)
                        }
                    }
                }
                StateProj::Passed { inner } => {
                    return inner.poll(cx).map_ok(ServiceResponse::map_into_left_body)
                }
                StateProj::Watched { inner, unseen } => return poll_watched(inner, unseen, cx),
            };
            self.as_mut().project().state.set(next.state);
        }
    }
}

/// Polls the services inside for an actual request, and decorates what they answer unless a CORS
/// layer inside answered it, or the router gave it to a resource other than the route the table
/// expected.
fn poll_watched<F, B>(
    inner: Pin<&mut F>,
    unseen: &mut Option<Unseen>,
    cx: &mut Context<'_>,
) -> Poll<Result<ServiceResponse<EitherBody<B>>, Error>>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    let result = std::task::ready!(inner.poll(cx));
    let unseen = unseen
        .take()
        .expect("OutermostFuture polled after completion");
    Poll::Ready(match result {
        Ok(response) if marks::answered_inside(response.request()) => {
            Ok(response.map_into_left_body())
        }
        Ok(response) if !unseen.is_default && marks::routed_to_a_resource(response.request()) => {
            // The route's layer would have marked it: another resource served the request.
            log::debug!(
                target: "cors_runtime",
                "outermost(): {} {} was served by a resource other than route `{}`, which \
                 `outermost()` expected; its response is left undecorated",
                response.request().method(),
                response.request().path(),
                unseen.prepared.route
            );
            Ok(response.map_into_left_body())
        }
        Ok(mut response) => {
            unseen.decorate(response.headers_mut());
            Ok(response.map_into_left_body())
        }
        // An error becomes a response outside this layer; the mapper decorates it then, unless
        // it is the route's own, which the route's layer decorates.
        Err(mut error) => {
            error.add_response_mapper(move |mut response| {
                if !marks::settled_by_route(&response) {
                    unseen.decorate(response.headers_mut());
                }
                response
            });
            Err(error)
        }
    })
}
