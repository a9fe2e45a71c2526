//! The middleware `#[cors]` installs as the outermost `wrap` of a route (or that
//! `handler::cors()` returns for a resource registered by hand). One `static` policy, no
//! allocation, no boxed future: the future below is a plain enum over the inner service's.

use std::future::{ready, Future, Ready};
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::Error;
use pin_project_lite::pin_project;

use crate::decorate::decorate;
use crate::headers::OriginVerdict;
use crate::marks::{self, Marking};
use crate::on_mismatch;
use crate::origin_fn_source::{Answered, Judged, PendingVerdict, Then, Waiting};
use crate::policy::{Policy, StoredPolicy};
use crate::preflight;
use crate::prepared::Prepared;
use crate::refusal::{self, Outcome, Refusal};
use crate::routing::recorder;
use crate::routing::register::PreflightOwner;

/// The CORS middleware for one policy.
///
/// `#[cors]` installs it on annotated routes by itself. For a handler registered by hand, the
/// macro generates `handler::cors()`, which returns this middleware to wrap the resource with;
/// it then answers that resource's preflights as well.
///
/// Building the app (`init_service`, or each worker of an `HttpServer`) panics when the policy
/// reads `origins_env` and the variable holds an entry that is not an origin (or is missing on a
/// route without static `origins`): the message names the variable, the entry and the rule, and
/// no request is served with it.
#[derive(Debug, Clone, Copy)]
pub struct Cors {
    policy: &'static StoredPolicy,
    /// How the layer marks the requests it answers for an `outermost()` around it.
    marking: Marking,
}

impl Cors {
    pub(crate) fn new(policy: &'static StoredPolicy) -> Self {
        Cors {
            policy,
            marking: Marking::None,
        }
    }

    /// Marks the requests it answers (see `marks`) when the app may have an `outermost()`, which
    /// is known where the route is registered.
    pub(crate) fn marking(self, marking: Marking) -> Self {
        Cors { marking, ..self }
    }

    /// The layer around `service`, made at once: what `new_transform` resolves to.
    pub(crate) fn service<S>(self, service: S) -> CorsService<S> {
        CorsService {
            service: Rc::new(service),
            prepared: Prepared::new(self.policy),
            marking: self.marking,
            preflight_owner: None,
        }
    }

    /// The policy this middleware enforces.
    pub fn policy(&self) -> Policy {
        Policy::new(self.policy)
    }
}

impl<S, B> Transform<S, ServiceRequest> for Cors
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        // A resource registered by hand is built after the whole app was described, so an
        // `outermost()` of the app has been made by now.
        let marking = match (self.marking, recorder::outermost_expected()) {
            (Marking::None, true) => Marking::ByHand,
            (marking, _) => marking,
        };
        ready(Ok(self.marking(marking).service(service)))
    }
}

/// The service [`Cors`] wraps around a route.
#[derive(Debug)]
pub struct CorsService<S> {
    /// Shared with a request that waits for an `async` origin check before calling it.
    service: Rc<S>,
    /// The policy and its header values, made once per worker.
    prepared: Rc<Prepared>,
    marking: Marking,
    /// For a routed handler: whether a preflight the router gave it is its to answer.
    preflight_owner: Option<PreflightOwner>,
}

impl<S> CorsService<S> {
    pub(crate) fn with_preflight_owner(self, owner: PreflightOwner) -> Self {
        CorsService {
            preflight_owner: Some(owner),
            ..self
        }
    }
}

impl<S, B> Service<ServiceRequest> for CorsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = CorsFuture<S, S::Future, B>;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let prepared = &self.prepared;
        // Whatever comes back through this layer is its answer.
        self.marking.mark_answered_inside(&mut req);
        // Judged when the future is polled, like any answer this layer gives by itself.
        if preflight::is_preflight(req.head()) {
            if let Some(owner) = &self.preflight_owner {
                if !owner.owns(&req) {
                    return CorsFuture::without_route(req, WithoutRoute::NotOurs);
                }
            }
            return CorsFuture::without_route(req, WithoutRoute::Preflight(prepared.clone()));
        }
        match prepared.allow_origin.judge(req.request()) {
            Judged::Now(verdict) | Judged::ByFunction(verdict, _) => {
                actual(&self.service, prepared, req, verdict)
            }
            Judged::Later(pending) => {
                let then = Then::Actual(self.service.clone());
                CorsFuture::judging(pending, req, prepared.clone(), then)
            }
        }
    }
}

/// An actual request whose origin is judged: rejected when its origin is refused on a rejecting
/// route, else passed to the route.
fn actual<S, B>(
    service: &S,
    prepared: &Rc<Prepared>,
    req: ServiceRequest,
    verdict: OriginVerdict,
) -> CorsFuture<S, S::Future, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    if let OriginVerdict::Refused(reason) = verdict {
        // When `outermost()` judged the origin by other app data than this layer sees, it may have
        // granted the preflight that let this request come: the handler must not run for it.
        let disagreed = reason == Refusal::OriginFnAppDataDiffers;
        let reject = (prepared.reject_mismatch || disagreed) && !on_mismatch::is_same_origin(&req);
        let outcome = match reject {
            true => Outcome::Rejected,
            false => Outcome::ServedWithoutCors,
        };
        refusal::log(prepared.route, outcome, req.head(), &[reason]);
        if reject {
            return CorsFuture::without_route(req, WithoutRoute::Rejected);
        }
    }
    CorsFuture::actual(service.call(req), prepared.clone(), verdict)
}

pin_project! {
    /// The response future of [`CorsService`]: a plain enum over the route's own future, so
    /// nothing is boxed but what an `async` origin check needs.
    pub struct CorsFuture<S, F, B> {
        #[pin]
        state: State<S, F, B>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, F, B> {
        // Answered without calling the route. It keeps the request rather than the response, a
        // value several times its size, since this enum is as large as its largest variant.
        WithoutRoute {
            pending: Option<(ServiceRequest, WithoutRoute)>,
            body: PhantomData<B>,
        },
        // An actual request: the route's future, and what to add to its response.
        Actual {
            #[pin]
            inner: F,
            prepared: Rc<Prepared>,
            verdict: Option<OriginVerdict>,
        },
        // Waiting for an `async` origin check, before anything else happens. Boxed, for the
        // same reason the request is kept above.
        Judging { waiting: Box<Waiting<S>> },
    }
}

/// What the middleware answers by itself, without calling the route.
#[derive(Debug)]
enum WithoutRoute {
    /// A preflight, under this policy.
    Preflight(Rc<Prepared>),
    /// An actual request from a disallowed origin (`on_mismatch = "reject"`).
    Rejected,
    /// A preflight whose actual request another resource may serve (see `PreflightOwner`).
    NotOurs,
}

impl<S, F, B> CorsFuture<S, F, B> {
    fn without_route(request: ServiceRequest, response: WithoutRoute) -> Self {
        CorsFuture {
            state: State::WithoutRoute {
                pending: Some((request, response)),
                body: PhantomData,
            },
        }
    }

    fn actual(inner: F, prepared: Rc<Prepared>, verdict: OriginVerdict) -> Self {
        CorsFuture {
            state: State::Actual {
                inner,
                prepared,
                verdict: Some(verdict),
            },
        }
    }

    fn judging(
        pending: PendingVerdict,
        request: ServiceRequest,
        prepared: Rc<Prepared>,
        then: Then<S>,
    ) -> Self {
        CorsFuture {
            state: State::Judging {
                waiting: Waiting::boxed(pending, request, prepared, then),
            },
        }
    }
}

/// This layer's own answer to a preflight; `outermost()` leaves it alone.
fn answer_preflight<B>(
    prepared: &Prepared,
    request: ServiceRequest,
    verdict: OriginVerdict,
) -> ServiceResponse<EitherBody<B>> {
    preflight::respond(prepared, request, verdict).map_into_right_body()
}

impl<S, B> Future for CorsFuture<S, S::Future, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Most requests are actual ones, decided at once: straight to the route, outside the loop
        // that moves a request between states.
        if let StateProj::Actual {
            inner,
            prepared,
            verdict,
        } = self.as_mut().project().state.project()
        {
            return poll_actual(inner, prepared, verdict, cx);
        }
        self.advance(cx)
    }
}

impl<S, B> CorsFuture<S, S::Future, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    /// Answers what this layer answers by itself, or waits for an `async` verdict and goes on.
    fn advance(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<ServiceResponse<EitherBody<B>>, Error>> {
        const DONE: &str = "CorsFuture polled after completion";
        loop {
            let next = match self.as_mut().project().state.project() {
                StateProj::WithoutRoute { pending, .. } => match pending.take().expect(DONE) {
                    (request, WithoutRoute::Preflight(prepared)) => {
                        match prepared.allow_origin.judge(request.request()) {
                            Judged::Now(verdict) | Judged::ByFunction(verdict, _) => {
                                let answer = answer_preflight(&prepared, request, verdict);
                                return Poll::Ready(Ok(answer));
                            }
                            Judged::Later(pending) => {
                                CorsFuture::judging(pending, request, prepared, Then::Preflight)
                            }
                        }
                    }
                    (request, WithoutRoute::Rejected) => {
                        let rejected = request.into_response(on_mismatch::rejected());
                        return Poll::Ready(Ok(rejected.map_into_right_body()));
                    }
                    (request, WithoutRoute::NotOurs) => {
                        let refused = request.into_response(preflight::refused());
                        return Poll::Ready(Ok(refused.map_into_right_body()));
                    }
                },
                StateProj::Judging { waiting } => {
                    let Answered {
                        verdict,
                        request,
                        prepared,
                        then,
                        ..
                    } = std::task::ready!(waiting.poll(cx));
                    match then {
                        Then::Preflight => {
                            return Poll::Ready(Ok(answer_preflight(&prepared, request, verdict)))
                        }
                        Then::Actual(service) => actual(&*service, &prepared, request, verdict),
                    }
                }
                StateProj::Actual {
                    inner,
                    prepared,
                    verdict,
                } => return poll_actual(inner, prepared, verdict, cx),
            };
            self.as_mut().project().state.set(next.state);
        }
    }
}

/// Polls the route for an actual request, and decorates what it answers.
fn poll_actual<F, B>(
    inner: Pin<&mut F>,
    prepared: &Rc<Prepared>,
    verdict: &mut Option<OriginVerdict>,
    cx: &mut Context<'_>,
) -> Poll<Result<ServiceResponse<EitherBody<B>>, Error>>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    let result = std::task::ready!(inner.poll(cx));
    let verdict = verdict.take().expect("CorsFuture polled after completion");
    Poll::Ready(match result {
        Ok(mut response) => {
            decorate(prepared, verdict, response.headers_mut());
            Ok(response.map_into_left_body())
        }
        // An error from inner middleware (a guard, an auth layer) becomes a response later,
        // outside this middleware; the mapper decorates it then, so a page can read why its
        // request failed.
        Err(mut error) => {
            let prepared = prepared.clone();
            error.add_response_mapper(move |mut response| {
                decorate(&prepared, verdict.clone(), response.headers_mut());
                marks::mark_settled_by_route(&mut response);
                response
            });
            Err(error)
        }
    })
}
