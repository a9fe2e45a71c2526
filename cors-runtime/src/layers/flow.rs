//! The one state machine both layers run a request through ([`LayerFuture`]), from the origin's
//! verdict to the response:
//!
//! - `Own`: the layer answers by itself, without calling the services inside (a preflight, a
//!   rejection, a preflight that is not its to answer). It keeps the request, a value several
//!   times smaller than a response, and answers when polled, so that an `origin_fn`'s work
//!   happens in the poll.
//! - `Judging`: waiting for an `async` origin check's answer, before anything else happens. Boxed,
//!   as this enum is as large as its largest state, and every request moves it.
//! - `Inner`: the services inside answer; the layer's [`After`] then adds its headers.
//! - `Passed`: the services inside answer, and the layer adds nothing.
//!
//! What differs between the route's layer and `outermost()` is what they do once an actual
//! request's origin is judged ([`Layer::proceed`]) and with the answer of the services inside
//! ([`After`]); the states and their order are shared.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, ORIGIN};
use actix_web::{Error, HttpRequest};
use pin_project_lite::pin_project;

use super::judge::judge;
use super::{preflight, reject};
use crate::headers::OriginVerdict;
use crate::origin_fn::ask::{Asked, Judged, PendingAnswer};
use crate::policy::prepared::PreparedPolicy;

/// One of the two places a CORS layer sits: what it does where the two differ.
pub trait Layer: Sized + 'static {
    /// What the layer adds to the answer of the services inside.
    #[doc(hidden)]
    type After: After;
    /// What a request waiting for its origin's verdict needs to go on, beside its policy.
    #[doc(hidden)]
    type Carry;

    /// An actual request whose origin is judged: answered here, or passed to `service`.
    #[doc(hidden)]
    fn proceed<S, B>(
        service: &S,
        policy: Rc<PreparedPolicy>,
        request: ServiceRequest,
        verdict: OriginVerdict,
        carry: Self::Carry,
    ) -> LayerFuture<S, S::Future, B, Self>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>;

    /// Told the verdict an `origin_fn` reached for an actual request, before it goes on.
    #[doc(hidden)]
    fn judged_by_function(_request: &HttpRequest, _verdict: &OriginVerdict, _asked: Asked) {}
}

/// What a layer adds to the answer of the services inside.
pub trait After {
    /// To a response.
    #[doc(hidden)]
    fn response<B>(self, response: ServiceResponse<B>) -> ServiceResponse<B>;
    /// To an error, which becomes a response outside the layer: through a response mapper.
    #[doc(hidden)]
    fn error(self, error: &mut Error);
}

pin_project! {
    /// The response future of both layers ([`CorsService`](super::route::CorsService) and
    /// [`OutermostService`](super::outermost::OutermostService)): a plain enum over the inner
    /// service's future, so nothing is boxed but what an `async` origin check needs.
    pub struct LayerFuture<S, F, B, L>
    where
        L: Layer,
    {
        #[pin]
        state: State<S, F, B, L>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, F, B, L>
    where
        L: Layer,
    {
        Own {
            pending: Option<(ServiceRequest, Own)>,
            body: PhantomData<B>,
        },
        Judging { waiting: Box<Waiting<S, L>> },
        Inner {
            #[pin]
            inner: F,
            after: Option<L::After>,
        },
        Passed {
            #[pin]
            inner: F,
        },
    }
}

/// What a layer answers by itself.
pub(crate) enum Own {
    /// A preflight, under this policy.
    Preflight(Rc<PreparedPolicy>),
    /// An actual request from a disallowed origin (`on_mismatch = "reject"`).
    Rejected,
    /// A preflight this layer must not answer with its policy (see `routing::owner`).
    NotOurs,
}

impl<S, F, B, L: Layer> LayerFuture<S, F, B, L> {
    pub(crate) fn own(request: ServiceRequest, own: Own) -> Self {
        let pending = Some((request, own));
        LayerFuture {
            state: State::Own {
                pending,
                body: PhantomData,
            },
        }
    }

    pub(crate) fn inner(inner: F, after: L::After) -> Self {
        let after = Some(after);
        LayerFuture {
            state: State::Inner { inner, after },
        }
    }

    pub(crate) fn passed(inner: F) -> Self {
        LayerFuture {
            state: State::Passed { inner },
        }
    }

    pub(crate) fn waiting(waiting: Box<Waiting<S, L>>) -> Self {
        LayerFuture {
            state: State::Judging { waiting },
        }
    }
}

/// An actual request judged now or later: passed on by `L` once its verdict is known.
pub(crate) fn actual<S, B, L: Layer>(
    service: &Rc<S>,
    policy: &Rc<PreparedPolicy>,
    request: ServiceRequest,
    judged: Judged,
    carry: L::Carry,
) -> LayerFuture<S, S::Future, B, L>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    match judged {
        Judged::Now(verdict) => L::proceed(&**service, policy.clone(), request, verdict, carry),
        Judged::ByFunction(verdict, asked) => {
            L::judged_by_function(request.request(), &verdict, asked);
            L::proceed(&**service, policy.clone(), request, verdict, carry)
        }
        Judged::Later(pending) => {
            let then = Then::Actual(service.clone(), carry);
            LayerFuture::waiting(Waiting::boxed(pending, request, policy.clone(), then))
        }
    }
}

impl<S, B, L> Future for LayerFuture<S, S::Future, B, L>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    L: Layer,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Most requests are actual ones, decided at once: straight to the services inside,
        // outside the loop that moves a request between states.
        match self.as_mut().project().state.project() {
            StateProj::Inner { inner, after } => poll_inner(inner, after, cx),
            StateProj::Passed { inner } => {
                inner.poll(cx).map_ok(ServiceResponse::map_into_left_body)
            }
            _ => self.advance(cx),
        }
    }
}

const DONE: &str = "a CORS layer's future polled after completion";

impl<S, B, L> LayerFuture<S, S::Future, B, L>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    L: Layer,
{
    /// Answers what the layer answers by itself, or waits for an `async` verdict and goes on.
    fn advance(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<ServiceResponse<EitherBody<B>>, Error>> {
        loop {
            let next = match self.as_mut().project().state.project() {
                StateProj::Own { pending, .. } => match pending.take().expect(DONE) {
                    (request, Own::Preflight(policy)) => match judge(&policy, request.request()) {
                        Judged::Now(verdict) | Judged::ByFunction(verdict, _) => {
                            let answer = preflight::respond(&policy, request, verdict);
                            return Poll::Ready(Ok(answer.map_into_right_body()));
                        }
                        Judged::Later(pending) => LayerFuture::waiting(Waiting::boxed(
                            pending,
                            request,
                            policy,
                            Then::Preflight,
                        )),
                    },
                    (request, Own::Rejected) => {
                        let rejected = request.into_response(reject::rejected());
                        return Poll::Ready(Ok(rejected.map_into_right_body()));
                    }
                    (request, Own::NotOurs) => {
                        let refused = request.into_response(preflight::refused());
                        return Poll::Ready(Ok(refused.map_into_right_body()));
                    }
                },
                StateProj::Judging { waiting } => {
                    let Answered {
                        verdict,
                        request,
                        policy,
                        then,
                        asked,
                    } = std::task::ready!(waiting.poll(cx));
                    match then {
                        Then::Preflight => {
                            let answer = preflight::respond(&policy, request, verdict);
                            return Poll::Ready(Ok(answer.map_into_right_body()));
                        }
                        Then::Actual(service, carry) => {
                            L::judged_by_function(request.request(), &verdict, asked);
                            L::proceed(&*service, policy, request, verdict, carry)
                        }
                    }
                }
                StateProj::Inner { inner, after } => return poll_inner(inner, after, cx),
                StateProj::Passed { inner } => {
                    return inner.poll(cx).map_ok(ServiceResponse::map_into_left_body)
                }
            };
            self.as_mut().project().state.set(next.state);
        }
    }
}

/// Polls the services inside, and adds what the layer adds to their answer.
fn poll_inner<F, B, A: After>(
    inner: Pin<&mut F>,
    after: &mut Option<A>,
    cx: &mut Context<'_>,
) -> Poll<Result<ServiceResponse<EitherBody<B>>, Error>>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    let result = std::task::ready!(inner.poll(cx));
    let after = after.take().expect(DONE);
    Poll::Ready(match result {
        Ok(response) => Ok(after.response(response).map_into_left_body()),
        Err(mut error) => {
            after.error(&mut error);
            Err(error)
        }
    })
}

/// A request waiting for an `async` check's answer, and what it goes on to be.
pub(crate) struct Waiting<S, L: Layer> {
    pending: PendingAnswer,
    request: Option<WaitingRequest<S, L::Carry>>,
}

/// The request, its policy, and what it goes on to be.
type WaitingRequest<S, C> = (ServiceRequest, Rc<PreparedPolicy>, Then<S, C>);

/// What a request waiting for its origin's verdict is.
pub(crate) enum Then<S, C> {
    /// A preflight, which the waiting layer answers.
    Preflight,
    /// An actual request, for the services inside the layer.
    Actual(Rc<S>, C),
}

/// A waiting request, once its origin's verdict came.
struct Answered<S, C> {
    verdict: OriginVerdict,
    request: ServiceRequest,
    policy: Rc<PreparedPolicy>,
    then: Then<S, C>,
    asked: Asked,
}

/// The origin a function was asked about when it had no `Origin` to read, which never happens:
/// it is asked only about a request's single, well-formed `Origin`.
static NO_ORIGIN: HeaderValue = HeaderValue::from_static("");

impl<S, L: Layer> Waiting<S, L> {
    pub(crate) fn boxed(
        pending: PendingAnswer,
        request: ServiceRequest,
        policy: Rc<PreparedPolicy>,
        then: Then<S, L::Carry>,
    ) -> Box<Self> {
        let request = Some((request, policy, then));
        Box::new(Waiting { pending, request })
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Answered<S, L::Carry>> {
        let Waiting { pending, request } = self;
        let (waiting, policy, _) = request.as_ref().expect(DONE);
        let origin = waiting.headers().get(ORIGIN).unwrap_or(&NO_ORIGIN);
        let verdict = match std::task::ready!(pending.poll(cx, origin)) {
            Some(verdict) => verdict,
            None => {
                let function = policy.origin_fn.as_ref();
                let function = function.expect("a request waits only for its policy's origin_fn");
                function.timed_out(policy.route)
            }
        };
        let (request, policy, then) = request.take().expect(DONE);
        Poll::Ready(Answered {
            verdict,
            request,
            policy,
            then,
            asked: pending.asked(),
        })
    }
}
