//! The functions `origin_fn = path` accepts, and the one shape request-time code calls them in.
//!
//! A check is written as the application thinks of it: `fn(&str) -> bool`, or with the app data
//! it reads (`fn(&str, &TenantDb) -> bool`), or `async` in either form. [`OriginCheck`] names the
//! four forms; the macro stores the user's function behind [`ErasedOriginFn`], so that a policy's
//! `static` holds it whatever its form.
//!
//! A check sees the origin and the app's data, never the request: an answer that depended on any
//! other request header would be cached by browsers and proxies under `Vary: Origin` alone, and
//! replayed to requests it does not fit (the cache poisoning of rs/cors issue 157). App data is
//! the same for every request a route serves, so the answer stays a function of the origin.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::HeaderValue;
use actix_web::web::Data;
use actix_web::HttpRequest;

use crate::origin_fn::deadline::within;

/// A function `origin_fn = path` can name. Implemented for the four forms an origin check takes:
///
/// | form | reads |
/// |---|---|
/// | `fn(&str) -> bool` | the origin |
/// | `fn(&str, &T) -> bool` | the origin, and the app's `web::Data<T>` |
/// | `async fn(&str) -> bool` | the origin |
/// | `async fn(&str, &T) -> bool` | the origin, and the app's `web::Data<T>` |
///
/// The `&str` is always a single, well-formed `http` or `https` serialized origin
/// (`https://shop.example.com`): nothing else a client sends reaches the function. `T` is
/// `Sync` (it is shared by the workers, like any `web::Data`), and is found the way actix-web's
/// `web::Data<T>` extractor finds it: on the route's resource, its scopes, then the `App`. Under
/// [`outermost()`](crate::outermost), which runs before scopes and resources add their data, it
/// must be registered on the `App`: a route that sees other data than `outermost()` did refuses
/// the origin, rejects the request before its handler runs, and logs why. An app that lacks the
/// data refuses the origin and logs why, at `error` level, once per layer and worker. The answer
/// may be kept per worker with `origin_fn_ttl` (see the attribute reference).
///
/// A request waits for an `async` check `origin_fn_timeout` seconds at most (default 5): without
/// an answer by then, the origin is refused, the request goes on, and a `warn` line names the
/// function, the route and the timeout, once per route and worker. That refusal is not kept as
/// the check's answer; the origin's next request asks again. A check that is not `async` runs to
/// its end on the worker: one that waits on I/O should be `async`.
///
/// Under [`outermost()`](crate::outermost), the check runs before the app's own middleware, a
/// rate limiter included, so a client can make it run for every made-up `Origin` it sends. Keep
/// its answers with `origin_fn_ttl`, which keeps refusals too, and answer unknown origins from
/// something cheap (an index in memory, a [`ReloadableOrigins`](crate::ReloadableOrigins)).
///
/// The request itself is not offered, on purpose: an answer that depended on another header would
/// be replayed by caches that only know it varies by `Origin`. Naming a function that takes
/// `&HttpRequest` is a compile error.
///
/// Implemented by the library for those four forms only (the trait is sealed); the parameter
/// `Form` tells them apart and is never written by hand.
///
/// ```
/// use actix_web::{get, test, web, App, HttpResponse};
/// use cors_runtime::cors;
///
/// /// The app's tenant table (a database pool, in a real app).
/// struct Tenants(Vec<String>);
///
/// async fn is_tenant(origin: &str, tenants: &Tenants) -> bool {
///     tenants.0.iter().any(|tenant| tenant == origin)
/// }
///
/// #[cors(origins = ["https://app.example.com"], origin_fn = is_tenant, origin_fn_ttl = 60)]
/// #[get("/orders")]
/// async fn orders() -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
///
/// # #[actix_web::main]
/// # async fn main() {
/// let tenants = web::Data::new(Tenants(vec!["https://shop.acme.example".into()]));
/// let app = test::init_service(App::new().app_data(tenants).service(orders)).await;
///
/// let from = |origin| test::TestRequest::get().uri("/orders").insert_header(("Origin", origin));
/// let res = test::call_service(&app, from("https://shop.acme.example").to_request()).await;
/// let allowed = res.headers().get("access-control-allow-origin");
/// assert_eq!(allowed.unwrap(), "https://shop.acme.example");
/// let res = test::call_service(&app, from("https://evil.example").to_request()).await;
/// assert!(!res.headers().contains_key("access-control-allow-origin"));
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an `origin_fn`",
    label = "expected `fn(&str) -> bool`, `fn(&str, &T) -> bool`, or an `async fn` of either form",
    note = "an origin check receives the request's `Origin` as `&str` and returns whether it is \
            allowed; a second parameter `&T` receives the app's `web::Data<T>`",
    note = "the request is not offered: an answer that depended on another header would be cached \
            under `Vary: Origin` and replayed to requests it does not fit"
)]
pub trait OriginCheck<Form>: sealed::Sealed<Form> + Copy + Sync + 'static {
    /// How a plain check (`fn(&str) -> bool`) answers at once, from the origin alone; `None` for
    /// the other forms, which need the request's app data or may wait.
    #[doc(hidden)]
    const DECIDE_NOW: Option<fn(Self, &str) -> bool> = None;

    /// Whether the check is `async`, and a request may wait for its answer.
    #[doc(hidden)]
    const ASYNC: bool = false;

    /// The app data the check reads: [`NoAppData`] or [`InAppData<T>`].
    #[doc(hidden)]
    type AppData: AppData;

    /// Starts the check of `origin`, a serialized origin already checked to be one; an `async`
    /// check's answer is waited for `timeout` at most.
    #[doc(hidden)]
    fn start(self, origin: &HeaderValue, request: &HttpRequest, timeout: Duration) -> Checked;
}

/// Only the library implements [`OriginCheck`], for the four forms: a hand-made implementation
/// would receive the request, which the forms keep from the function on purpose.
mod sealed {
    use super::form;

    pub trait Sealed<Form> {}

    /// Implemented by no type.
    pub trait Unimplemented {}

    impl<F> Sealed<form::Plain> for F where F: Fn(&str) -> bool {}
    impl<F, T: Sync + 'static> Sealed<form::WithData<T>> for F where F: Fn(&str, &T) -> bool {}
    impl<F> Sealed<form::Async> for F where F: AsyncFn(&str) -> bool {}
    impl<F, T> Sealed<form::AsyncWithData<T>> for F
    where
        F: AsyncFn(&str, &T) -> bool,
        T: Sync + 'static,
    {
    }
}

/// Whether the app data a cache was made for is still alive (see [`AppData::alive`]).
#[doc(hidden)]
pub type AppDataAlive = Box<dyn Fn() -> bool>;

/// Where a check's app data is found, for the cache's key.
#[doc(hidden)]
pub trait AppData {
    /// Where the data lives: `Some(0)` for a check that reads none, `None` when the app does not
    /// hold it.
    fn address(request: &HttpRequest) -> Option<usize>;

    /// The type looked up, for messages: `web::Data<T>`'s full name.
    fn type_name() -> &'static str;

    /// A test of whether the data found for `request` is still alive, for a cache that outlives
    /// an app (a worker's tests build many): `None` for a check that reads none.
    fn alive(request: &HttpRequest) -> Option<AppDataAlive>;
}

/// The app data of a check that reads none.
#[doc(hidden)]
pub struct NoAppData;

impl AppData for NoAppData {
    fn address(_: &HttpRequest) -> Option<usize> {
        Some(0)
    }

    fn type_name() -> &'static str {
        "no app data"
    }

    fn alive(_: &HttpRequest) -> Option<AppDataAlive> {
        None
    }
}

/// The app data of a check that reads the app's `web::Data<T>`.
#[doc(hidden)]
pub struct InAppData<T>(PhantomData<fn() -> T>);

impl<T: 'static> AppData for InAppData<T> {
    fn address(request: &HttpRequest) -> Option<usize> {
        let data = data::<T>(request)?;
        Some(data.get_ref() as *const T as *const () as usize)
    }

    fn type_name() -> &'static str {
        std::any::type_name::<Data<T>>()
    }

    fn alive(request: &HttpRequest) -> Option<AppDataAlive> {
        let weak = Arc::downgrade(&data::<T>(request)?.clone().into_inner());
        Some(Box::new(move || weak.strong_count() > 0))
    }
}

/// The forms of [`OriginCheck`], told apart by type so that each function matches one.
#[doc(hidden)]
pub mod form {
    use std::marker::PhantomData;

    /// `fn(&str) -> bool`.
    pub struct Plain;
    /// `fn(&str, &T) -> bool`.
    pub struct WithData<T>(PhantomData<fn() -> T>);
    /// `async fn(&str) -> bool`.
    pub struct Async;
    /// `async fn(&str, &T) -> bool`.
    pub struct AsyncWithData<T>(PhantomData<fn() -> T>);
}

/// What starting a check gives.
#[doc(hidden)]
pub enum Checked {
    /// A synchronous check's answer.
    Decided(bool),
    /// An `async` check's answer, to wait for: `None` when it did not come in time.
    Pending(Pin<Box<dyn Future<Output = Option<bool>>>>),
    /// The check reads app data the app does not hold.
    NoAppData,
}

/// The origin as the user's function reads it. Only serialized origins, which are ASCII, are
/// passed on, so the conversion cannot fail.
fn as_str(origin: &HeaderValue) -> &str {
    origin.to_str().unwrap_or_default()
}

fn data<T: 'static>(request: &HttpRequest) -> Option<&Data<T>> {
    request.app_data::<Data<T>>()
}

impl<F> OriginCheck<form::Plain> for F
where
    F: Fn(&str) -> bool + Copy + Sync + 'static,
{
    const DECIDE_NOW: Option<fn(Self, &str) -> bool> = Some(|check, origin| check(origin));

    type AppData = NoAppData;

    fn start(self, origin: &HeaderValue, _: &HttpRequest, _: Duration) -> Checked {
        Checked::Decided(self(as_str(origin)))
    }
}

impl<F, T> OriginCheck<form::WithData<T>> for F
where
    F: Fn(&str, &T) -> bool + Copy + Sync + 'static,
    T: Sync + 'static,
{
    type AppData = InAppData<T>;

    fn start(self, origin: &HeaderValue, request: &HttpRequest, _: Duration) -> Checked {
        match data::<T>(request) {
            Some(data) => Checked::Decided(self(as_str(origin), data)),
            None => Checked::NoAppData,
        }
    }
}

impl<F> OriginCheck<form::Async> for F
where
    F: AsyncFn(&str) -> bool + Copy + Sync + 'static,
{
    const ASYNC: bool = true;

    type AppData = NoAppData;

    fn start(self, origin: &HeaderValue, _: &HttpRequest, timeout: Duration) -> Checked {
        // The header value is reference-counted: the future owns it without a copy.
        let origin = origin.clone();
        let answer = async move { self(as_str(&origin)).await };
        Checked::Pending(Box::pin(within(timeout, answer)))
    }
}

impl<F, T> OriginCheck<form::AsyncWithData<T>> for F
where
    F: AsyncFn(&str, &T) -> bool + Copy + Sync + 'static,
    T: Sync + 'static,
{
    const ASYNC: bool = true;

    type AppData = InAppData<T>;

    fn start(self, origin: &HeaderValue, request: &HttpRequest, timeout: Duration) -> Checked {
        let Some(data) = data::<T>(request) else {
            return Checked::NoAppData;
        };
        let (origin, data) = (origin.clone(), data.clone());
        let answer = async move { self(as_str(&origin), &data).await };
        Checked::Pending(Box::pin(within(timeout, answer)))
    }
}

/// A check of any form, as a policy's `static` stores it (behind `&'static dyn`).
#[doc(hidden)]
pub trait ErasedOriginFn: Sync {
    /// See [`AppData::address`].
    fn app_data_address(&self, request: &HttpRequest) -> Option<usize>;
    /// See [`AppData::type_name`].
    fn app_data_type(&self) -> &'static str;
    /// See [`AppData::alive`].
    fn app_data_alive(&self, request: &HttpRequest) -> Option<AppDataAlive>;
    /// See [`OriginCheck::start`].
    fn start(&self, origin: &HeaderValue, request: &HttpRequest, timeout: Duration) -> Checked;
    /// Which function this is, for sharing one cache among the routes that name it: the
    /// function's own type, unique to it, or for a function pointer (`const CHECK: fn(&str) ->
    /// bool`), whose type many functions share, this value's address.
    fn identity(&self) -> CheckIdentity;
    /// Whether the check is `fn(&str) -> bool`, answered at once and from the origin alone.
    fn is_plain(&self) -> bool;
    /// A plain check's answer (see [`OriginCheck::DECIDE_NOW`]); `None` for the other forms.
    fn decide_now(&self, origin: &str) -> Option<bool>;
    /// See [`OriginCheck::ASYNC`].
    fn is_async(&self) -> bool;
}

/// See [`ErasedOriginFn::identity`].
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckIdentity {
    Function(std::any::TypeId),
    Value(usize),
}

/// The user's function, with its form's methods picked where the macro names it: the one place
/// the form is inferred, so that a function of no form is reported once, on its path.
#[doc(hidden)]
pub struct OriginFnOf<F> {
    function: F,
    app_data_address: fn(&HttpRequest) -> Option<usize>,
    app_data_type: fn() -> &'static str,
    app_data_alive: fn(&HttpRequest) -> Option<AppDataAlive>,
    start: fn(F, &HeaderValue, &HttpRequest, Duration) -> Checked,
    decide_now: Option<fn(F, &str) -> bool>,
    is_async: bool,
}

impl<F: Copy> OriginFnOf<F> {
    /// Wraps `function`; `Form` is inferred from its type. The second argument is never called:
    /// the macro passes a closure whose body the compiler checks once `Form` is known (see
    /// [`FormOf`]).
    pub const fn new<Form>(function: F, _check: fn(FormOf<Form>)) -> Self
    where
        F: OriginCheck<Form>,
    {
        OriginFnOf {
            function,
            app_data_address: <F::AppData as AppData>::address,
            app_data_type: <F::AppData as AppData>::type_name,
            app_data_alive: <F::AppData as AppData>::alive,
            start: <F as OriginCheck<Form>>::start,
            decide_now: <F as OriginCheck<Form>>::DECIDE_NOW,
            is_async: <F as OriginCheck<Form>>::ASYNC,
        }
    }
}

/// A check's form, for the macro's check of the app data it reads: `web::Data<T>` reaches an
/// `origin_fn` as `&T`, so a parameter `&web::Data<T>` would look for a `web::Data<web::Data<T>>`,
/// which no app holds, and refuse every origin. `(&form).check_app_data()` finds
/// [`TakesWebData`]'s method for those forms, whose bound nothing meets, and [`AnyForm`]'s, which
/// accepts, for the others (autoref specialization: the first needs no `&` added to the
/// receiver, so the compiler tries it first).
#[doc(hidden)]
pub struct FormOf<Form>(PhantomData<Form>);

/// The forms that read `web::Data<web::Data<T>>`: refused, with [`AppDataByReference`]'s message.
#[doc(hidden)]
pub trait TakesWebData<T> {
    fn check_app_data(&self)
    where
        T: AppDataByReference;
}

impl<T> TakesWebData<T> for FormOf<form::WithData<Data<T>>> {
    fn check_app_data(&self)
    where
        T: AppDataByReference,
    {
    }
}

impl<T> TakesWebData<T> for FormOf<form::AsyncWithData<Data<T>>> {
    fn check_app_data(&self)
    where
        T: AppDataByReference,
    {
    }
}

/// Every other form: accepted.
#[doc(hidden)]
pub trait AnyForm {
    fn check_app_data(&self) {}
}

impl<Form> AnyForm for &FormOf<Form> {}

/// Implemented by no type (its supertrait is private): the bound a function taking
/// `&web::Data<T>` fails, for the compiler to print this message.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "an `origin_fn` takes the app data as `&{Self}`, not `&web::Data<{Self}>`",
    label = "this function takes `&web::Data<{Self}>`: take `&{Self}` instead",
    note = "the app's `web::Data<{Self}>` is handed to the function as `&{Self}`; a parameter \
            `&web::Data<{Self}>` would look for a `web::Data<web::Data<{Self}>>`, which the app \
            does not hold, and every origin would be refused"
)]
pub trait AppDataByReference: sealed::Unimplemented {}

impl<F: Copy + Sync + 'static> ErasedOriginFn for OriginFnOf<F> {
    fn app_data_address(&self, request: &HttpRequest) -> Option<usize> {
        (self.app_data_address)(request)
    }

    fn app_data_type(&self) -> &'static str {
        (self.app_data_type)()
    }

    fn app_data_alive(&self, request: &HttpRequest) -> Option<AppDataAlive> {
        (self.app_data_alive)(request)
    }

    fn start(&self, origin: &HeaderValue, request: &HttpRequest, timeout: Duration) -> Checked {
        (self.start)(self.function, origin, request, timeout)
    }

    fn identity(&self) -> CheckIdentity {
        if std::mem::size_of::<F>() == 0 {
            CheckIdentity::Function(std::any::TypeId::of::<F>())
        } else {
            CheckIdentity::Value(self as *const Self as usize)
        }
    }

    fn is_plain(&self) -> bool {
        self.decide_now.is_some()
    }

    fn decide_now(&self, origin: &str) -> Option<bool> {
        self.decide_now.map(|decide| decide(self.function, origin))
    }

    fn is_async(&self) -> bool {
        self.is_async
    }
}
