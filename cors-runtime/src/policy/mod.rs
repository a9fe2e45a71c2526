//! A policy, stage by stage: what the `#[cors]` macro stores (`stored`: a `static` of plain data,
//! with `origins_env` read from the environment into it, `env_origins`), what each worker makes
//! of it for requests (`prepared`), and what users read (`view`), also for every route of the
//! program at once (`registry`).

pub(crate) mod env_origins;
pub(crate) mod prepared;
pub(crate) mod registry;
pub(crate) mod stored;
pub(crate) mod view;
