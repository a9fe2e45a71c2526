//! The `#[cors]` attribute and the `policy!` macro. Use them through `cors-runtime`, which
//! re-exports and documents them; the generated code calls into that crate.
//!
//! The pipeline reads top to bottom: `attr.rs` parses the arguments keeping every literal's
//! span, `handler.rs` parses the handler as far as `#[cors]` needs (not its body), `route.rs`
//! finds the actix-web routing attribute under `#[cors]`, `valid.rs` applies every rule of the
//! CORS protocol and produces a checked `valid::Policy`, and `expand.rs` writes the code.
//! `named.rs` adds one detour for `policy = NAME`: the named policy's keys are fetched from its
//! macro and merged in before the checks.

#![warn(missing_docs)]

mod attr;
mod expand;
mod handler;
mod named;
mod route;
mod valid;

use proc_macro::TokenStream;
use quote::ToTokens;

/// Declares the CORS policy of an actix-web handler, next to its routing attribute.
///
/// Write it above `#[get]`, `#[post]`, ... (or, for a handler registered by hand, with `methods`
/// and wrap the resource in `handler::cors()`). The compiler checks the policy against the Fetch
/// Standard, and registering the handler with `App::service` also answers its preflights and
/// decorates its responses.
///
/// The example is not compiled here: `cors-runtime`, which the generated code calls, depends on
/// this crate, so this crate's doctests cannot use it.
///
/// ```ignore
/// use actix_web::{post, web, App, HttpResponse};
/// use cors_runtime::cors;
///
/// #[cors(origins = ["https://app.example.com"], headers = ["Content-Type"], credentials = true)]
/// #[post("/items")]
/// async fn create_item(item: web::Json<String>) -> HttpResponse {
///     HttpResponse::Created().json(item.into_inner())
/// }
///
/// App::new()
///     .service(create_item) // registers the route and answers its preflights
///     .wrap(cors_runtime::outermost()); // wrapped last: in front of the app's own middleware
/// ```
///
/// # Keys
///
/// Every key is optional but one source of origins (`origins`, `origins_env` or `origin_fn`,
/// written here or in the named policy of `policy`); a handler registered by hand also needs
/// `methods`. Unknown or repeated keys are compile errors.
///
#[doc = include_str!("attribute_reference.md")]
#[proc_macro_attribute]
pub fn cors(args: TokenStream, item: TokenStream) -> TokenStream {
    cors_attribute(args.into(), item.into()).into()
}

/// Declares a named CORS policy, checked like `#[cors]`, for routes to build on with
/// `#[cors(policy = NAME)]`: `policy!(NAME { origins = [..], headers = [..] })`. The name can
/// be used by path anywhere in the crate. See the `cors-runtime` crate for the reference.
#[proc_macro]
pub fn policy(input: TokenStream) -> TokenStream {
    named::declare(input.into())
        .unwrap_or_else(|error| error.to_compile_error())
        .into()
}

/// A named policy as a value, for what takes a policy rather than a route: for example the
/// default policy of `cors_runtime::outermost()`: `named_policy!(crate::cors_policies::API)`.
#[proc_macro]
pub fn named_policy(input: TokenStream) -> TokenStream {
    named::value(input.into())
        .unwrap_or_else(|error| error.to_compile_error())
        .into()
}

/// What `named_policy!` hands to the named policy's macro, and that macro back to this crate:
/// the policy's keys, to expand as a value. Not for users.
#[doc(hidden)]
#[proc_macro]
pub fn __policy_value(input: TokenStream) -> TokenStream {
    named::expand_value(input.into())
        .unwrap_or_else(|error| error.to_compile_error())
        .into()
}

/// `#[cors]` on `item`, in `proc_macro2` terms (which unit tests can call).
fn cors_attribute(
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    expand_or_error(args, item.clone()).unwrap_or_else(|error| {
        // Keep the handler in the output so that one policy mistake does not also produce
        // "cannot find function" errors everywhere the handler is used.
        let mut output = error.to_compile_error();
        output.extend(item);
        output
    })
}

fn expand_or_error(
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> syn::Result<proc_macro2::TokenStream> {
    let args: attr::CorsArgs = syn::parse2(args)?;
    if let Some(path) = &args.policy {
        // The named policy's macro holds its keys: it calls `#[cors]` again with them.
        let handler = syn::parse2::<handler::Handler>(item.clone()).ok();
        let handler = handler.as_ref().map(|handler| {
            let routed = matches!(route::find(handler), route::Routing::Routed(_));
            (&handler.sig.ident, routed.then_some(&handler.vis))
        });
        return Ok(named::apply(&args, path, item, handler));
    }
    let (args, named) = args.merge_named();
    let handler: handler::Handler = syn::parse2(item)?;
    attr::reject_second_cors(&handler)?;
    let routing = route::find(&handler);
    let target = match &routing {
        route::Routing::Routed(route) => valid::Target::Route(route),
        route::Routing::ByHand { looked_past } => {
            valid::Target::ByHand(&handler, looked_past.map(|index| &handler.attrs[index]))
        }
        route::Routing::LeftToActix => return Ok(handler.into_token_stream()),
        route::Routing::Refused { error, without } => {
            return Ok(route::refused(error, handler, *without))
        }
    };
    let policy = valid::check(&args, target)?;
    let route = match routing {
        route::Routing::Routed(route) => Some(*route),
        _ => None,
    };
    Ok(expand::expand(handler, route, &policy, named.as_ref()))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// With `crate = path`, generated code reaches `cors-runtime` by that path only: a crate that
    /// renames the dependency has no `cors_runtime` to name. (An integration test cannot tell,
    /// since the workspace's tests have the dependency under its own name.)
    #[test]
    fn crate_key_is_the_only_path_to_the_runtime() {
        let routed = quote! {
            #[get("/items")]
            async fn items() -> HttpResponse { HttpResponse::Ok().finish() }
        };
        let by_hand = quote! {
            async fn items() -> HttpResponse { HttpResponse::Ok().finish() }
        };
        let keys = quote! {
            origins = ["https://app.example.com"], origin_fn = is_tenant, origins_env = "ORIGINS"
        };
        let expansions = [
            super::cors_attribute(quote!(crate = renamed, #keys), routed.clone()),
            super::cors_attribute(quote!(crate = renamed, #keys, methods = ["GET"]), by_hand),
            // A route built on a named policy, before and after the policy's macro.
            super::cors_attribute(quote!(crate = renamed, policy = p::API), routed.clone()),
            super::cors_attribute(
                quote!(__named(API, p::API) { crate = renamed, #keys }),
                routed,
            ),
            crate::named::declare(quote!(API { crate = renamed, #keys })).unwrap(),
            crate::named::expand_value(quote!(__named(API, p::API) { crate = renamed, #keys }))
                .unwrap(),
        ];
        for expansion in expansions {
            let expansion = expansion.to_string();
            assert!(expansion.contains("renamed ::"), "{expansion}");
            assert!(!expansion.contains("cors_runtime ::"), "{expansion}");
        }
    }
}
