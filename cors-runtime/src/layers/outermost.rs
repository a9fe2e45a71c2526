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
use std::future::{ready, Ready};
use std::rc::Rc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::HeaderMap;
use actix_web::http::StatusCode;
use actix_web::{Error, HttpRequest};

use super::decorate::decorate;
use super::flow::{self, After, Layer, LayerFuture, Own};
use super::judge::{judge_read, read_origin};
use super::log;
use super::marks;
use super::nesting::Nesting;
use super::placement::{Placement, Wrapped};
use super::preflight::is_preflight;
use super::reject;
use crate::decision::refusal::Outcome;
use crate::headers::OriginVerdict;
use crate::origin_fn::ask::{hand_over, Asked};
use crate::policy::prepared::PreparedPolicy;
use crate::policy::stored::StoredPolicy;
use crate::policy::view::Policy;
use crate::routing::recorder;
use crate::routing::table::{Beyond, Lookup, RouteTable};

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
    Outermost {
        default: None,
        default_covers_routes: true,
    }
}

/// The middleware [`outermost()`] returns.
///
/// Make it (or clone it) where the app is built, as in the example above: the `#[cors]` routes an
/// app registers on a thread where none was made or cloned are not known to it.
#[derive(Debug)]
pub struct Outermost {
    default: Option<&'static StoredPolicy>,
    /// Whether the default policy also covers routes without `#[cors]`.
    default_covers_routes: bool,
}

impl Clone for Outermost {
    fn clone(&self) -> Self {
        // Cloned into an `HttpServer`'s app factory, on the worker thread that builds the app.
        recorder::expect_outermost();
        Outermost {
            default: self.default,
            default_covers_routes: self.default_covers_routes,
        }
    }
}

impl Outermost {
    /// The policy for requests no `#[cors]` route serves: paths no resource matches (`404`),
    /// and, unless [`leaving_routes_without_cors`](Self::leaving_routes_without_cors) says
    /// otherwise, methods the `#[cors]` routes on a path do not serve, and resources and routes
    /// without `#[cors]` (`/health`, `default_service`, files). It never answers for a handler
    /// registered by hand with a `#[cors]` policy of its own, nor, in a program that has one, for
    /// a method the `#[cors]` routes on a path refuse, which such a handler may serve. It is a
    /// named policy, checked when it is declared:
    /// `default_policy(cors_runtime::named_policy!(crate::cors_policies::API))`. It answers
    /// preflights for the `methods` it lists, and none if it lists none. On a scope it answers
    /// no preflight, and only decorates actual responses: the request a preflight announces may
    /// be served outside the scope, by a resource or scope registered before it whose guards the
    /// preflight passes by (actix-web's `#[put]` guards its resource by `PUT`). A layer on the
    /// `App` or on a `web::scope("")` with a middleware inside it that boxes what it wraps
    /// (`from_fn`) cannot tell which it is on, and answers preflights only for paths no resource
    /// matches. Its
    /// `on_mismatch = "reject"` turns other origins away with `403` before the app runs. Without a
    /// default policy, those requests get no CORS headers.
    pub fn default_policy(self, policy: Policy) -> Self {
        Outermost {
            default: Some(policy.stored()),
            ..self
        }
    }

    /// Keeps resources and routes without `#[cors]` out of the default policy's reach: it then
    /// answers only where no resource matches the path, and decorates only the `404` (or `405`)
    /// the app answers there, not a page its `default_service` serves. A route that must not be
    /// read cross-origin (`/health` with internal details, an admin page) then stays that way
    /// without a `#[cors]` of its own. A request for a method no `#[cors]` route on its path
    /// serves is left alone too: another resource may serve it.
    pub fn leaving_routes_without_cors(self) -> Self {
        Outermost {
            default_covers_routes: false,
            ..self
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
            state: Rc::new(LayerState {
                routes: OnceCell::new(),
                default: self.default.map(PreparedPolicy::new),
                default_covers_routes: self.default_covers_routes,
                by_hand_handlers: self.default.is_some() && by_hand_handlers(),
                wrapped: Wrapped::of::<S>(),
                nesting: Nesting::built(),
            }),
        }))
    }
}

/// What the layer knows, once per worker.
struct LayerState {
    /// The app's `#[cors]` routes, read from its resource map at the first request.
    routes: OnceCell<RouteTable>,
    default: Option<Rc<PreparedPolicy>>,
    default_covers_routes: bool,
    /// Whether the program has handlers registered by hand (`handler::cors()`), which the route
    /// table cannot see.
    by_hand_handlers: bool,
    /// What the type of the service the layer wraps says of where it is (see `placement`).
    wrapped: Wrapped,
    nesting: Nesting,
}

/// Whose policy answers a request.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// The route's that serves it.
    Route,
    /// The default policy's: no `#[cors]` route serves it. `covers_routes`: also what a
    /// resource without `#[cors]` answers.
    Default { covers_routes: bool },
}

impl LayerState {
    /// The policy that answers `request`: the route's that serves it, else the default; `None`
    /// when no policy of this layer may answer, and the request is the app's own business.
    fn policy_for(&self, request: &ServiceRequest) -> Option<(Rc<PreparedPolicy>, Whose)> {
        let routes = match self.routes.get() {
            Some(routes) => routes,
            None => match RouteTable::build(request.request()) {
                Ok(built) => self.routes.get_or_init(|| built),
                Err(_) => {
                    left_to_the_app(
                        request,
                        &"the request's own `Host` or forwarding headers keep \
                         the resource map from rendering the app's routes",
                    );
                    return None;
                }
            },
        };
        match routes.lookup(request) {
            Lookup::Route(policy) => Some((policy.clone(), Whose::Route)),
            Lookup::NoRoute(beyond) => {
                let default = self.default.as_ref()?;
                // A resource this layer did not register may be a handler registered by hand
                // with a `#[cors]` policy of its own, which the default must not answer for.
                let routes_left = !self.default_covers_routes || self.by_hand_handlers;
                let others_may_serve = match beyond {
                    Beyond::NoRouteMatches => routes.another_resource_matches(request),
                    // What the router gives the request to after the routes that refuse it is
                    // out of sight: any resource, a handler registered by hand included.
                    Beyond::RoutesRefuse => true,
                };
                if routes_left && others_may_serve {
                    left_to_the_app(
                        request,
                        &"another resource may serve it, which the default policy does not cover",
                    );
                    return None;
                }
                let preflight = is_preflight(request.head());
                if preflight {
                    if let Err(why) = self.default_may_answer_preflight(request) {
                        left_to_the_app(request, &why);
                        return None;
                    }
                }
                // A default that lists no method answers no preflight, rather than an empty
                // `Access-Control-Allow-Methods`.
                if preflight && default.preflight.methods.is_empty() {
                    return None;
                }
                let covers_routes = self.default_covers_routes;
                Some((default.clone(), Whose::Default { covers_routes }))
            }
            Lookup::Uncertain(why) => {
                left_to_the_app(request, &why);
                None
            }
        }
    }

    /// Whether the default policy may answer a preflight no `#[cors]` route serves: the request
    /// it announces must be in this layer's charge (see `placement`).
    fn default_may_answer_preflight(&self, request: &ServiceRequest) -> Result<(), &'static str> {
        match self.wrapped.placement(request) {
            Placement::App => Ok(()),
            Placement::Scope => Err(
                "on a scope, a default policy answers no preflight: the request it announces may \
                 be served outside the scope, by a resource or scope registered before it whose \
                 guards the preflight passes by",
            ),
            // On such a scope, what comes before it and matches the path may serve the request
            // the preflight announces; where nothing matches, it ends in a default service.
            Placement::AppOrEmptyScope
                if request
                    .resource_map()
                    .has_resource(request.match_info().as_str()) =>
            {
                Err(
                    "a resource matches its path, and this layer cannot tell whether it wraps the \
                     app or a `web::scope(\"\")` (a middleware inside it, such as `from_fn`, hides \
                     that), on which a resource registered before the scope may serve the request \
                     the preflight announces",
                )
            }
            Placement::AppOrEmptyScope => Ok(()),
        }
    }
}

/// Whether any `#[cors]` handler of the program is registered by hand: its policy has no routing
/// attribute's paths, and is not a named policy used as a value (`named_policy!`), which is
/// stored under the policy's own name.
fn by_hand_handlers() -> bool {
    crate::policies()
        .iter()
        .any(|policy| policy.paths().is_empty() && policy.named_policy() != Some(policy.route()))
}

/// Says why `outermost()` left a request to the app (debug level, target `cors_runtime`).
fn left_to_the_app(request: &ServiceRequest, why: &dyn std::fmt::Display) {
    if log::enabled() {
        log::emit(&format!(
            "outermost(): {} {} left to the app, answered and decorated by no policy of \
             `outermost()`: {why}",
            request.method(),
            request.path()
        ));
    }
}

/// The service [`Outermost`] wraps around the app or scope.
pub struct OutermostService<S> {
    /// Shared with a request that waits for an `async` origin check before calling it.
    service: Rc<S>,
    state: Rc<LayerState>,
}

/// The response future of [`OutermostService`].
pub type OutermostFuture<S, B> =
    LayerFuture<S, <S as Service<ServiceRequest>>::Future, B, OutermostLayer>;

impl<S, B> Service<ServiceRequest> for OutermostService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = OutermostFuture<S, B>;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        // Without `Origin` there is nothing to answer or decorate (a same-origin request, or not
        // a browser's). Inside another `outermost()`, that one answers.
        let origin = read_origin(req.request());
        let nesting = &self.state.nesting;
        if matches!(origin, Ok(None)) || nesting.steps_aside(req.request()) {
            return LayerFuture::passed(self.service.call(req));
        }
        // The route is looked up before the inner services run, while the request is at hand:
        // an error from them comes back without it.
        let Some((policy, whose)) = self.state.policy_for(&req) else {
            // Nobody's, or not surely anybody's: the app's own business, as without this layer.
            nesting.mark_in_charge(&mut req);
            return LayerFuture::passed(self.service.call(req));
        };
        // Judged when the future is polled, like any answer this layer gives by itself.
        if is_preflight(req.head()) {
            return LayerFuture::own(req, Own::Preflight(policy));
        }
        let judged = judge_read(&policy, origin, req.request());
        nesting.mark_in_charge(&mut req);
        flow::actual(&self.service, &policy, req, judged, whose)
    }
}

/// `outermost()`'s place: it answers preflights before the app's middleware, and decorates what
/// no CORS layer inside answered.
#[derive(Debug)]
pub struct OutermostLayer;

impl Layer for OutermostLayer {
    type After = Watch;
    type Carry = Whose;

    fn proceed<S, B>(
        service: &S,
        policy: Rc<PreparedPolicy>,
        request: ServiceRequest,
        verdict: OriginVerdict,
        whose: Whose,
    ) -> LayerFuture<S, S::Future, B, Self>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    {
        if let OriginVerdict::Refused(reason) = verdict {
            // A route's layer rejects for its route; the default policy has no layer but this one.
            let default = matches!(whose, Whose::Default { .. });
            if default && policy.reject_mismatch && !reject::is_same_origin(&request) {
                log::log(policy.route, Outcome::Rejected, request.head(), &[reason]);
                return LayerFuture::own(request, Own::Rejected);
            }
        }
        let watch = Watch::new(policy, whose, verdict, &request);
        LayerFuture::inner(service.call(request), watch)
    }

    fn judged_by_function(request: &HttpRequest, verdict: &OriginVerdict, asked: Asked) {
        hand_over(request, verdict, asked);
    }
}

/// What `outermost()` adds to the answer of the app inside it: the headers of the policy it found
/// for the request, unless a CORS layer inside answered, or the router gave the request to
/// another resource than the route the table expected.
#[derive(Debug)]
pub struct Watch {
    policy: Rc<PreparedPolicy>,
    whose: Whose,
    verdict: OriginVerdict,
    /// The request as the debug log shows it, kept only while refusals are logged: an error comes
    /// back without the request.
    shown: Option<Box<log::Shown>>,
}

impl Watch {
    fn new(
        policy: Rc<PreparedPolicy>,
        whose: Whose,
        verdict: OriginVerdict,
        request: &ServiceRequest,
    ) -> Self {
        let refused = matches!(verdict, OriginVerdict::Refused(_));
        let shown = (refused && log::enabled()).then(|| Box::new(log::shown(request.head())));
        Watch {
            policy,
            whose,
            verdict,
            shown,
        }
    }

    /// Leaving routes without `#[cors]` alone, the default covers only the answers that no
    /// resource serves the request: an app's `default_service` may serve a page.
    fn leaves_alone(&self, status: StatusCode) -> bool {
        let nothing_here = matches!(
            status,
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
        );
        self.whose
            == Whose::Default {
                covers_routes: false,
            }
            && !nothing_here
    }

    fn decorate(&self, headers: &mut HeaderMap) {
        if let (OriginVerdict::Refused(reason), Some(shown)) = (&self.verdict, &self.shown) {
            log::emit_refusal(
                self.policy.route,
                Outcome::ServedWithoutCors,
                shown,
                &[*reason],
            );
        }
        decorate(&self.policy, self.verdict.clone(), headers);
    }
}

impl After for Watch {
    fn response<B>(self, mut response: ServiceResponse<B>) -> ServiceResponse<B> {
        let request = response.request();
        if marks::answered_inside(request) {
            return response;
        }
        let leaves_routes = self.whose
            == Whose::Default {
                covers_routes: false,
            };
        if self.leaves_alone(response.status())
            || leaves_routes && marks::routed_to_a_resource(request)
        {
            return response;
        }
        if self.whose == Whose::Route && marks::routed_to_a_resource(request) {
            // The route's layer would have marked it: another resource served the request.
            if log::enabled() {
                log::emit(&format!(
                    "outermost(): {} {} was served by a resource other than route `{}`, which \
                 `outermost()` expected; its response is left undecorated",
                    request.method(),
                    request.path(),
                    self.policy.route
                ));
            }
            return response;
        }
        self.decorate(response.headers_mut());
        response
    }

    // An error becomes a response outside this layer; the mapper decorates it then, unless it is
    // the route's own, which the route's layer decorates.
    fn error(self, error: &mut Error) {
        error.add_response_mapper(move |mut response| {
            if !marks::settled_by_route(&response) && !self.leaves_alone(response.status()) {
                self.decorate(response.headers_mut());
            }
            response
        });
    }
}
