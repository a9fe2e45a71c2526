//! Every annotated handler's policy, without manual registration, so an application can list and
//! check all of them, for example in a test that enforces the team's own rules.
//!
//! The list is put together by the linker, in one of two ways. The code `#[cors]` generates
//! carries both, each behind the `cfg` of the targets it serves, and this module reads the one the
//! target compiles:
//! - **Linux and Android**: each policy `static` is placed in the link section
//!   `cors_runtime_0_1_policies`, and the linker lays all of them out as one array between the
//!   section's `__start_` and `__stop_` symbols. Nothing runs before `main`, and an application's
//!   build pays for no code per route, where the constructors below cost a function and two
//!   statics per route (the difference is in `benches/README.md`).
//! - **Elsewhere**: the `inventory` crate. Each route's code submits its policy from a
//!   constructor function that the platform runs before `main`.
//!
//! Each way is exercised by the same tests (`tests/audit.rs`) on its targets; CI runs on Linux.

use crate::policy::stored::StoredPolicy;
use crate::policy::view::Policy;

/// The policy of every `#[cors]` handler compiled into this program, sorted by handler name.
///
/// Handlers are listed whether or not the running `App` registers them, since the list is built
/// at link time.
///
/// ```
/// use actix_web::{get, HttpResponse};
/// use cors_runtime::{cors, AllowedOrigin};
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
///         for origin in policy.origins() {
///             match origin {
///                 AllowedOrigin::Exact(origin) => assert!(origin.starts_with("https://")),
///                 AllowedOrigin::Pattern(pattern) => assert_eq!(pattern.prefix, "https://"),
///                 // `*` cannot go with credentials; an `origin_fn` or an `origins_env`
///                 // variable is checked where it is written.
///                 _ => {}
///             }
///         }
///     }
/// }
/// assert!(cors_runtime::policies().iter().any(|p| p.route() == "me"));
/// ```
pub fn policies() -> Vec<Policy> {
    let mut policies: Vec<Policy> = compiled_in().into_iter().map(Policy::new).collect();
    policies.sort_by_key(|policy| (policy.route(), policy.paths()));
    policies
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn compiled_in() -> Vec<&'static StoredPolicy> {
    link_section::policies().iter().collect()
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn compiled_in() -> Vec<&'static StoredPolicy> {
    inventory::iter::<constructors::Registered>
        .into_iter()
        .map(|registered| registered.0)
        .collect()
}

/// The registry on ELF targets: an array the linker builds from every `static` placed in one
/// section.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) mod link_section {
    use crate::policy::stored::StoredPolicy;

    // The section's name comes from `cors_rules::__registry_section!`, which the macro uses too.

    /// Keeps the section, and so the two symbols, in a program with no `#[cors]` handler at all.
    #[used]
    #[unsafe(link_section = cors_rules::__registry_section!())]
    static EMPTY: [StoredPolicy; 0] = [];

    unsafe extern "Rust" {
        #[link_name = concat!("__start_", cors_rules::__registry_section!())]
        static START: [StoredPolicy; 0];
        #[link_name = concat!("__stop_", cors_rules::__registry_section!())]
        static STOP: [StoredPolicy; 0];
    }

    /// Every policy `static` in the program.
    pub(crate) fn policies() -> &'static [StoredPolicy] {
        let start = (&raw const START).cast::<StoredPolicy>();
        let stop = (&raw const STOP).cast::<StoredPolicy>();
        let len = (stop as usize - start as usize) / std::mem::size_of::<StoredPolicy>();
        // SAFETY: the linker places every input section of that name between the two symbols.
        // Only `StoredPolicy` statics go there (this crate's `EMPTY`, and the policies generated code
        // builds, all of this crate's version), each aligned as a `StoredPolicy` and as
        // long as a multiple of its alignment, so they lie back to back as an array. LLVM does
        // not raise the alignment of a global that has an explicit section, which would put
        // padding between them. The statics are immutable and live for the whole program.
        unsafe { std::slice::from_raw_parts(start, len) }
    }
}

/// The registry on other targets: `inventory`'s constructors.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) mod constructors {
    /// One annotated handler's policy, submitted by generated code.
    pub struct Registered(pub &'static crate::policy::stored::StoredPolicy);

    inventory::collect!(Registered);
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    #[test]
    fn a_program_without_annotated_handlers_lists_none() {
        assert!(super::policies().is_empty());
    }
}
