//! Whether an `outermost()` wraps the app itself, or a scope inside it.
//!
//! The difference matters to one answer: a preflight no `#[cors]` route serves, which the default
//! policy may answer. A layer on the app sees every request first; whatever resource takes the
//! request the preflight announces, the layer is in charge of it. A layer on a scope sees only
//! what the router gives the scope, and the router gave it the preflight by what a preflight is:
//! `OPTIONS`, without the headers of the request it announces. A resource or scope registered
//! before the scope may refuse the preflight by its guards and take that request
//! (`#[put("/{id}")]` is a resource guarded by `PUT`), outside the scope and out of its default's
//! charge. Which one would is out of sight (a guarded scope even hides what follows it from the
//! resource map's search), so a layer on a scope leaves such preflights to the app.
//!
//! actix-web tells a middleware nothing of where it is wrapped but the type of the service it
//! wraps (behaviour 9 in `routing`): the app's router, or a scope's, under whatever middleware was
//! wrapped before. The routers' type names are asked of actix-web itself (the services of
//! `App::new()` and `web::scope("")`), not written here. A middleware that boxes the service
//! (`from_fn` does) hides it; the request then tells a scope whose prefix took part of the path,
//! but not a `web::scope("")` from the app.

use std::any::type_name;
use std::sync::OnceLock;

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::{web, App, Scope};

/// Where a layer is wrapped, as far as it can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    App,
    Scope,
    /// On the app, or on a `web::scope("")` (possibly inside others): a middleware inside the
    /// layer hides which, and the request cannot tell.
    AppOrEmptyScope,
}

/// What the type of the service a layer wraps says about where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wrapped(Option<Placement>);

impl Wrapped {
    /// For a layer wrapping a service of type `S`.
    pub(crate) fn of<S>() -> Wrapped {
        let wrapped = type_name::<S>();
        let routers = routers();
        Wrapped(if wrapped.contains(routers.app) {
            Some(Placement::App)
        } else if wrapped.contains(routers.scope) {
            Some(Placement::Scope)
        } else {
            None
        })
    }

    /// Where the layer is, for a request that reached it: a scope's prefix took part of the path
    /// of a request on a scope.
    pub(crate) fn placement(self, request: &ServiceRequest) -> Placement {
        match self.0 {
            Some(placement) => placement,
            None if request.match_info().unprocessed().len()
                < request.match_info().as_str().len() =>
            {
                Placement::Scope
            }
            None => Placement::AppOrEmptyScope,
        }
    }
}

/// The type names of the routers an app and a scope run, inside their middleware.
struct Routers {
    app: &'static str,
    scope: &'static str,
}

fn routers() -> &'static Routers {
    fn app_router<T: ServiceFactory<ServiceRequest>>(_: &App<T>) -> &'static str {
        type_name::<T::Service>()
    }
    fn scope_router<T: ServiceFactory<ServiceRequest>>(_: &Scope<T>) -> &'static str {
        type_name::<T::Service>()
    }
    static ROUTERS: OnceLock<Routers> = OnceLock::new();
    ROUTERS.get_or_init(|| Routers {
        app: app_router(&App::new()),
        scope: scope_router(&web::scope("")),
    })
}

#[cfg(test)]
mod tests {
    use actix_web::dev::{Service, ServiceResponse, Transform};
    use actix_web::middleware::{from_fn, Logger, Next};
    use actix_web::{test, Error, HttpResponse};
    use std::cell::Cell;
    use std::future::{ready, Ready};
    use std::rc::Rc;

    use super::*;

    /// A middleware that notes what the type of the service it wraps says.
    #[derive(Clone, Default)]
    struct Where(Rc<Cell<Option<Wrapped>>>);

    impl<S, B> Transform<S, ServiceRequest> for Where
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    {
        type Response = ServiceResponse<B>;
        type Error = Error;
        type Transform = S;
        type InitError = ();
        type Future = Ready<Result<S, ()>>;

        fn new_transform(&self, service: S) -> Self::Future {
            self.0.set(Some(Wrapped::of::<S>()));
            ready(Ok(service))
        }
    }

    impl Where {
        fn says(&self) -> Option<Placement> {
            self.0.get().expect("built").0
        }
    }

    async fn pass(
        req: ServiceRequest,
        next: Next<impl actix_web::body::MessageBody>,
    ) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, Error> {
        next.call(req).await
    }

    #[actix_web::test]
    async fn the_app_is_told_from_a_scope_through_middleware_that_keeps_its_type() {
        let (on_app, on_scope, on_empty_scope) =
            (Where::default(), Where::default(), Where::default());
        let _app = test::init_service(
            App::new()
                .service(web::scope("/s").wrap(on_scope.clone()))
                .service(
                    web::scope("")
                        .wrap(Logger::default())
                        .wrap(on_empty_scope.clone()),
                )
                .route("/", web::get().to(HttpResponse::Ok))
                .wrap(Logger::default())
                .wrap_fn(|req, srv| srv.call(req))
                .wrap(on_app.clone()),
        )
        .await;
        assert_eq!(on_app.says(), Some(Placement::App));
        assert_eq!(on_scope.says(), Some(Placement::Scope));
        assert_eq!(on_empty_scope.says(), Some(Placement::Scope));
    }

    /// `from_fn` boxes the service it wraps: the type says nothing.
    #[actix_web::test]
    async fn behind_a_boxing_middleware_the_type_says_nothing() {
        let (on_app, on_scope) = (Where::default(), Where::default());
        let _app = test::init_service(
            App::new()
                .service(web::scope("/s").wrap(from_fn(pass)).wrap(on_scope.clone()))
                .route("/", web::get().to(HttpResponse::Ok))
                .wrap(from_fn(pass))
                .wrap(on_app.clone()),
        )
        .await;
        assert_eq!(on_app.says(), None);
        assert_eq!(on_scope.says(), None);
    }
}
