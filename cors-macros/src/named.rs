//! Named policies: `cors_runtime::policy!(API { origins = [...], ... })` declares a policy once,
//! and `#[cors(policy = API, ...)]` builds a route's policy on it.
//!
//! A proc macro cannot read another item, so the declaration becomes a `macro_rules!` macro that
//! holds the policy's tokens, re-exported under the policy's name (`pub(crate) use`, so any
//! module of the crate can name it by path). `#[cors(policy = path::API, headers = [..])]`
//! expands to `path::API! { [headers = [..]] (path::API) <handler> }`, and that macro puts the
//! handler back under `#[cors(__named(API, path::API) { <the policy's keys> }, headers = [..])]`.
//! That second `#[cors]` merges
//! the two (`attr::CorsArgs::merge_named`) and checks the result as one policy, so a combination
//! that is wrong only together (a `*` policy plus `credentials = true`) is an error at the route.
//! Every token keeps its span, so each error points at the literal at fault, wherever it is.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Path, Visibility};

use crate::attr::CorsArgs;
use crate::valid::{self, Target};

/// `#[doc = ..] NAME { key = value, ... }`
struct Declaration {
    attrs: Vec<Attribute>,
    name: Ident,
    body: TokenStream,
}

impl Parse for Declaration {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let name: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a policy name and its keys, like \
                 `policy!(API { origins = [\"https://app.example.com\"] })`",
            )
        })?;
        let body;
        syn::braced!(body in input);
        Ok(Declaration {
            attrs,
            name,
            body: body.parse()?,
        })
    }
}

/// `policy!(NAME { .. })`: checks the policy on its own, then emits the macro that carries it.
///
/// An invalid policy still gets its macro, one that hands each route's handler back untouched
/// (its routing attribute makes it a service as usual, without CORS): the policy's own errors are
/// then the only ones, rather than one "cannot find" per route and per use of each handler, and
/// every other mistake in the crate is still reported in the same compile.
pub fn declare(input: TokenStream) -> syn::Result<TokenStream> {
    let Declaration { attrs, name, body } = syn::parse2(input)?;
    let carrier = format_ident!("__cors_policy_{}", name);
    let parsed: syn::Result<CorsArgs> = syn::parse2(body.clone());
    // The policy's `crate = path`, for its own code and for the routes built on it.
    let runtime = match &parsed {
        Ok(args) => args.runtime(),
        Err(_) => CorsArgs::default().runtime(),
    };
    let (expansion, value, origin_fn, errors) = match parsed.and_then(check) {
        Ok(args) => {
            let expansion = quote! {
                #[#runtime::cors(__named(#name, $($policy)*) { #body }, $($route)*)]
                $($handler)*
            };
            let value = quote! {
                #runtime::__private::policy_value! { __named(#name, $($policy)*) { #body } }
            };
            let origin_fn = args
                .origin_fn
                .as_ref()
                .map(|path| bound_origin_fn(&name, path, &runtime));
            (expansion, value, origin_fn, None)
        }
        // Its errors are reported above; what uses it as a value compiles on, as routes do.
        Err(error) => (
            quote!($($handler)*),
            quote!(#runtime::__private::policy_with_errors()),
            None,
            Some(error.to_compile_error()),
        ),
    };
    Ok(quote! {
        #errors
        #(#attrs)*
        #[allow(unused_macros)]
        macro_rules! #carrier {
            (@value ($($policy:tt)*)) => { #value };
            ([$($route:tt)*] ($($policy:tt)*) $($handler:tt)*) => { #expansion };
        }
        #[allow(unused_imports)]
        pub(crate) use #carrier as #name;
        #origin_fn
    })
}

/// Checks a named policy's keys on their own.
fn check(args: CorsArgs) -> syn::Result<CorsArgs> {
    if let Some(path) = &args.policy {
        return Err(syn::Error::new_spanned(
            path,
            "a named policy cannot build on another one; copy the keys it needs",
        ));
    }
    valid::check(&args, Target::Named)?;
    Ok(args)
}

/// The policy's `origin_fn`, bound here, where the policy is written. The macro above carries
/// the policy's keys as tokens to each route, and a path among them would be resolved at the
/// route: a route module with a function of the same name would silently swap in its own. So
/// the function is bound to a constant of the policy's name (in the value namespace, beside the
/// macro of that name), which each route reaches by the very path it names the policy with, even
/// through a `use`. The constant takes the policy's name in the value namespace, so a policy with
/// an `origin_fn` cannot share its module with a constant, static or function of that name.
fn bound_origin_fn(name: &Ident, path: &Path, runtime: &Path) -> TokenStream {
    let origin_fn = crate::expand::stored_origin_fn(path, runtime);
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, dead_code)]
        pub(crate) const #name: #runtime::__private::StoredOriginFn = #origin_fn;
    }
}

/// `#[cors(policy = path, ..)]`: hands the route's other keys, the path it names the policy by,
/// and the handler to the policy's macro. `handler`: the handler's name, when it parses as one,
/// and its visibility if it is routed.
pub fn apply(
    args: &CorsArgs,
    policy: &Path,
    item: TokenStream,
    handler: Option<(&Ident, Option<&Visibility>)>,
) -> TokenStream {
    let entries = &args.entries;
    let name = handler.map(|(name, _)| name);
    let routed = handler.and_then(|(name, vis)| Some((vis?, name)));
    let (import, policy_macro) = import_policy(policy, name);
    let fallback = routed.map(|(vis, name)| fallback(vis, name, &args.runtime()));
    quote! {
        #fallback
        #import
        #policy_macro! { [#(#entries),*] (#policy) #item }
    }
}

/// The policy's macro, imported under a name of the handler's when the path has a module in
/// it: an import that names nothing is the compiler's error on the path, with a suggestion of
/// the name closest to it in that module (`crate::cors::APII` -> `crate::cors::API`), which an
/// unresolved macro call does not get. A bare name is called as it is: the compiler then looks
/// for it in scope, and an import would look for a crate of that name.
fn import_policy(policy: &Path, handler: Option<&Ident>) -> (TokenStream, TokenStream) {
    let (Some(name), true) = (handler, policy.segments.len() > 1) else {
        return (TokenStream::new(), quote!(#policy));
    };
    let last = policy
        .segments
        .last()
        .map_or_else(Span::call_site, |s| s.ident.span());
    let alias = format_ident!("__cors_policy_of_{}", name, span = last);
    let import = quote_spanned! {last=>
        #[allow(unused_imports)]
        use #policy as #alias;
    };
    (import, quote!(#alias))
}

/// A path that names no policy is the compiler's error, on the path; the handler, inside the
/// macro call, then disappears, and every place that registers it would fail too. So a routed
/// handler's name also stands for `PolicyNotFound`, through a glob import: the struct the
/// policy's macro declares, an item of this module, takes precedence over it, and only without
/// that struct is the name the glob's.
fn fallback(vis: &Visibility, name: &Ident, runtime: &Path) -> TokenStream {
    let module = format_ident!("__cors_policy_not_found_{}", name);
    quote! {
        #[doc(hidden)]
        mod #module {
            // `crate = path` may name an import of the handler's module.
            #[allow(unused_imports)]
            use super::*;
            #[doc(hidden)]
            #[allow(non_upper_case_globals, unreachable_pub)]
            pub const #name: #runtime::__private::PolicyNotFound =
                #runtime::__private::PolicyNotFound;
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        #vis use #module::*;
    }
}

/// `named_policy!(path::API)`: asks the policy's macro for its keys, as a value.
pub fn value(input: TokenStream) -> syn::Result<TokenStream> {
    let policy: Path = syn::parse2(input).map_err(|error| {
        syn::Error::new(
            error.span(),
            "expected the path of a named policy, like \
             `named_policy!(crate::cors_policies::API)`",
        )
    })?;
    Ok(quote! {
        #policy! { @value (#policy) }
    })
}

/// The policy's keys, handed back by its macro: checked as they were where it was declared, then
/// expanded as a value.
pub fn expand_value(input: TokenStream) -> syn::Result<TokenStream> {
    let args: CorsArgs = syn::parse2(input)?;
    let (args, named) = args.merge_named();
    let named = named.ok_or_else(|| {
        syn::Error::new(
            proc_macro2::Span::call_site(),
            "use `cors_runtime::named_policy!(path)`",
        )
    })?;
    let policy = valid::check(&args, Target::Value(&named.path))?;
    Ok(crate::expand::policy_value(&policy, &named))
}
