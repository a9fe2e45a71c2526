//! `origin_fn = path`: a function that decides origins no list names.
//!
//! Its vocabulary, one type per role: the forms a function may take (`forms`: the public trait
//! [`OriginCheck`](crate::OriginCheck), and the erased shape a policy's `static` holds it in), the
//! function as a policy stores and shows it (`stored`: `StoredOriginFn`, `OriginFn`), asking it
//! on one worker (`ask`: `OriginFnAsker`, through the worker's `AnswerCache`, `cache`), an
//! `async` answer on its way (`ask::PendingAnswer`, bounded by `deadline`), and the origin lists
//! an application replaces while it serves, which a function reads (`reloadable`).

pub(crate) mod ask;
pub(crate) mod cache;
pub(crate) mod deadline;
pub(crate) mod forms;
pub(crate) mod reloadable;
pub(crate) mod stored;
