//! The verdict for one request under one policy, from the request's bytes: whether its origin is
//! allowed by the lists (`origin`), how to answer a preflight (`preflight`), whether a request is
//! same-origin (`same_origin`), and why a request is refused (`refusal`). Nothing here names an
//! actix-web type: the layers read the request's headers and hand their bytes in, then turn the
//! verdict into headers (see `layers`), which is the seam another framework's adapter would use.
//!
//! An `origin_fn` is not judged here: it reads the app's data and may wait, which only the layers
//! can do (see `origin_fn`).

pub mod origin;
pub mod preflight;
pub mod refusal;
pub mod same_origin;
