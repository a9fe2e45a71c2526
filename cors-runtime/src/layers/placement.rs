//! Whether an `outermost()` wraps the app itself, or something inside it (a scope, a resource).
//!
//! The difference matters to one answer: a preflight for a path no `#[cors]` route serves, which
//! the default policy may answer. A layer on the app sees every request first; whatever resource
//! takes the request the preflight announces, the layer is in charge of it. A layer on a scope
//! sees only what the router gives the scope, and it gave it the preflight by its method:
//! `OPTIONS`, which a resource registered before the scope may refuse where it takes the
//! announced method (`#[put("/{id}")]` is a resource guarded by `PUT`). The request the preflight
//! announces then goes to that resource, outside the scope and out of its default's charge.
//!
//! actix-web tells a middleware nothing of where it is wrapped but the type of the service it
//! wraps (behaviour 9 in `routing`): on the app, the app's router, under whatever middleware was
//! wrapped before. The router type's name is asked of actix-web itself (the service of
//! `App::new()`), not written here; a layer that cannot tell (a middleware inside boxed the
//! service, as `from_fn` does) counts as on a scope, the cautious side.

use std::any::type_name;
use std::sync::OnceLock;

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::App;

/// Whether a layer wrapping a service of type `S` wraps the app itself.
pub(crate) fn wraps_the_app<S>() -> bool {
    type_name::<S>().contains(app_router())
}

/// The type name of the router an `App` runs, inside its middleware.
fn app_router() -> &'static str {
    fn router_of<T: ServiceFactory<ServiceRequest>>(_: &App<T>) -> &'static str {
        type_name::<T::Service>()
    }
    static NAME: OnceLock<&'static str> = OnceLock::new();
    NAME.get_or_init(|| router_of(&App::new()))
}

#[cfg(test)]
mod tests {
    use actix_web::dev::{Service, ServiceResponse, Transform};
    use actix_web::middleware::{from_fn, Logger, Next};
    use actix_web::{test, web, Error, HttpResponse};
    use std::cell::Cell;
    use std::future::{ready, Ready};
    use std::rc::Rc;

    use super::*;

    /// A middleware that notes whether it wraps the app.
    #[derive(Clone, Default)]
    struct Where(Rc<Cell<Option<bool>>>);

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
            self.0.set(Some(wraps_the_app::<S>()));
            ready(Ok(service))
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
        assert_eq!(on_app.0.get(), Some(true));
        assert_eq!(on_scope.0.get(), Some(false));
        assert_eq!(on_empty_scope.0.get(), Some(false));
    }

    /// `from_fn` boxes the service it wraps: a layer outside it cannot tell, and counts as on a
    /// scope.
    #[actix_web::test]
    async fn behind_a_boxing_middleware_the_app_counts_as_a_scope() {
        let on_app = Where::default();
        let _app = test::init_service(
            App::new()
                .route("/", web::get().to(HttpResponse::Ok))
                .wrap(from_fn(pass))
                .wrap(on_app.clone()),
        )
        .await;
        assert_eq!(on_app.0.get(), Some(false));
    }
}
