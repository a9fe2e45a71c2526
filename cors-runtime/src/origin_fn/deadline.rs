//! An `async` `origin_fn`'s answer, waited for `origin_fn_timeout` at most: a check that never
//! answers (a database that stopped responding, a connection lost mid-query) must not hold the
//! request, and the worker's connection with it, forever. A timeout middleware on the app cannot
//! bound it: `outermost()` asks the function before any such middleware runs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::rt::time::{sleep, Sleep};
use pin_project_lite::pin_project;

pin_project! {
    /// The answer, or `None` once the deadline passed without it. The deadline lives beside the
    /// answer's future, in the allocation that future needs anyway.
    pub(crate) struct WithDeadline<F> {
        #[pin]
        answer: F,
        #[pin]
        deadline: Sleep,
    }
}

/// `answer`, given up on `timeout` from now.
pub(crate) fn within<F>(timeout: Duration, answer: F) -> WithDeadline<F>
where
    F: Future<Output = bool>,
{
    WithDeadline {
        answer,
        deadline: sleep(timeout),
    }
}

impl<F> Future for WithDeadline<F>
where
    F: Future<Output = bool>,
{
    type Output = Option<bool>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<bool>> {
        let this = self.project();
        // The answer first: one that comes at once never starts the timer.
        if let Poll::Ready(allowed) = this.answer.poll(cx) {
            return Poll::Ready(Some(allowed));
        }
        this.deadline.poll(cx).map(|()| None)
    }
}
