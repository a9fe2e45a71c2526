//! The route's layer: the middleware `#[cors]` installs as the outermost `wrap` of a route (or
//! that `handler::cors()` returns for a resource registered by hand). One `static` policy, no
//! allocation, no boxed future (see `flow`).

use std::future::{ready, Ready};
use std::rc::Rc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::Error;

use super::decorate::decorate;
use super::flow::{self, After, Layer, LayerFuture, Own};
use super::judge::judge;
use super::log;
use super::marks::{self, Marking};
use super::preflight::is_preflight;
use super::reject;
use crate::decision::refusal::{Outcome, Refusal};
use crate::headers::OriginVerdict;
use crate::policy::prepared::PreparedPolicy;
use crate::policy::stored::StoredPolicy;
use crate::policy::view::Policy;
use crate::routing::owner::PreflightOwner;
use crate::routing::recorder;

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
            policy: PreparedPolicy::new(self.policy),
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
    policy: Rc<PreparedPolicy>,
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

/// The response future of [`CorsService`].
pub type CorsFuture<S, B> = LayerFuture<S, <S as Service<ServiceRequest>>::Future, B, RouteLayer>;

impl<S, B> Service<ServiceRequest> for CorsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = CorsFuture<S, B>;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        // Whatever comes back through this layer is its answer.
        self.marking.mark_answered_inside(&mut req);
        if is_preflight(req.head()) {
            if let Some(owner) = &self.preflight_owner {
                if !owner.owns(&req) {
                    return LayerFuture::own(req, Own::NotOurs);
                }
            }
            // Judged when the future is polled, like any answer this layer gives by itself.
            return LayerFuture::own(req, Own::Preflight(self.policy.clone()));
        }
        let judged = judge(&self.policy, req.request());
        flow::actual(&self.service, &self.policy, req, judged, ())
    }
}

/// The route's place: it decorates whatever the route answers.
#[derive(Debug)]
pub struct RouteLayer;

impl Layer for RouteLayer {
    type After = Decorate;
    type Carry = ();

    fn proceed<S, B>(
        service: &S,
        policy: Rc<PreparedPolicy>,
        request: ServiceRequest,
        verdict: OriginVerdict,
        (): (),
    ) -> LayerFuture<S, S::Future, B, Self>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    {
        if let OriginVerdict::Refused(reason) = verdict {
            // When `outermost()` judged the origin by other app data than this layer sees, it may
            // have granted the preflight that let this request come: the handler must not run
            // for it.
            let disagreed = reason == Refusal::OriginFnAppDataDiffers;
            let rejects =
                (policy.reject_mismatch || disagreed) && !reject::is_same_origin(&request);
            let outcome = match rejects {
                true => Outcome::Rejected,
                false => Outcome::ServedWithoutCors,
            };
            log::log(policy.route, outcome, request.head(), &[reason]);
            if rejects {
                return LayerFuture::own(request, Own::Rejected);
            }
        }
        LayerFuture::inner(service.call(request), Decorate { policy, verdict })
    }
}

/// What the route's layer adds to its route's answer: the headers its origin earned.
#[derive(Debug)]
pub struct Decorate {
    policy: Rc<PreparedPolicy>,
    verdict: OriginVerdict,
}

impl After for Decorate {
    fn response<B>(self, mut response: ServiceResponse<B>) -> ServiceResponse<B> {
        decorate(&self.policy, self.verdict, response.headers_mut());
        response
    }

    // An error from inner middleware (a guard, an auth layer) becomes a response later, outside
    // this middleware; the mapper decorates it then, so a page can read why its request failed.
    fn error(self, error: &mut Error) {
        error.add_response_mapper(move |mut response| {
            decorate(&self.policy, self.verdict.clone(), response.headers_mut());
            marks::mark_settled_by_route(&mut response);
            response
        });
    }
}
