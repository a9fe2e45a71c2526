//! Every annotated handler's policy, without manual registration: the code `#[cors]` generates
//! submits each policy to a link-time registry (the `inventory` crate), so an application can
//! list and check all of them, for example in a test that enforces the team's own rules.

use crate::__private::Registered;
use crate::policy::Policy;

/// The policy of every `#[cors]` handler compiled into this program, sorted by handler name.
///
/// Handlers are listed whether or not the running `App` registers them, since the list is built
/// at link time.
///
/// ```
/// use actix_web::{get, HttpResponse};
/// use cors_runtime::cors;
///
/// #[cors(origins = ["https://app.example.com"], credentials = true)]
/// #[get("/me")]
/// async fn me() -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
///
/// // A team rule: credentials only ever go to https origins.
/// for policy in cors_runtime::policies() {
///     if policy.credentials() {
///         assert!(policy.origin_list().all(|origin| origin.starts_with("https://")));
///     }
/// }
/// assert!(cors_runtime::policies().iter().any(|p| p.route() == "me"));
/// ```
pub fn policies() -> Vec<&'static Policy> {
    let mut policies: Vec<&'static Policy> = inventory::iter::<Registered>
        .into_iter()
        .map(|registered| registered.0)
        .collect();
    policies.sort_by_key(|policy| (policy.route, policy.paths));
    policies
}
