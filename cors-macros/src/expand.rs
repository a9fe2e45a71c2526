//! Code generation. The output stays small: a static `Policy` and thin calls into
//! `cors_runtime`, where the protocol logic lives and is tested.
//!
//! Above a routing attribute, for `#[cors(..)] #[get("/items")] async fn list()`:
//! - the handler is renamed `__cors_route_list` and loses its routing attribute;
//! - a unit struct `list` (with the handler's docs) registers, for each path of that attribute,
//!   what actix-web's routing macro would (the handler with the attribute's `wrap`s and
//!   `guard`s, under the resource name `list` unless the attribute names it), behind the CORS
//!   layer, in one router entry that also answers the route's preflights (see
//!   `cors_runtime::__private::register_route`), so `App::new().service(list)` is all a user
//!   writes;
//! - the policy is the `static __CORS_POLICY_list`, which both of them use and which joins the
//!   registry behind `cors_runtime::policies()` (see `registration`).
//!
//! Without a routing attribute (registered by hand), the handler stays as it is and a braced
//! struct of the same name (types and values live in different namespaces) offers
//! `list::cors()`, the middleware to wrap the resource with; it also answers preflights.

use cors_rules::stored::{store_max_age, AllowedHeaders, JoinedNames, JoinedOrigins};
use cors_rules::WILDCARD;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use crate::attr::{path_text, NamedUse, WrittenAt};
use crate::handler::Handler;
use crate::route::{Registration, Route};
use crate::valid::{ExposeHeaders, Headers, Origins, Policy};

pub fn expand(
    handler: Handler,
    route: Option<Route>,
    policy: &Policy,
    named: Option<&NamedUse>,
) -> TokenStream {
    let name = handler.sig.ident.clone();
    let paths: Vec<String> = match &route {
        Some(route) => route.paths(),
        None => Vec::new(),
    };
    let policy_static = policy_static_name(&name);
    let mut expanded = policy_item(&name, &policy_static, &paths, policy, named);
    let runtime = &policy.runtime;
    expanded.extend(match route {
        Some(route) => expand_routed(handler, &route, &policy_static, runtime),
        None => expand_by_hand(handler, &policy_static, named, runtime),
    });
    expanded
}

/// A named policy as a value (`cors_runtime::named_policy!(API)`): a block holding the policy's
/// `static`, registered like a route's, that evaluates to the `Policy` view of it.
pub fn policy_value(policy: &Policy, named: &NamedUse) -> TokenStream {
    let name = &named.name;
    let policy_static = policy_static_name(name);
    let item = policy_item(name, &policy_static, &[], policy, Some(named));
    let runtime = &policy.runtime;
    quote! {
        {
            #item
            #runtime::__private::policy(&#policy_static)
        }
    }
}

/// The link section of the registry, as the runtime reads it.
const REGISTRY_SECTION: &str = cors_rules::__registry_section!();

/// Every policy joins the registry `cors_runtime::policies()` reads, with no manual step, in the
/// way the target supports (see `cors-runtime/src/registry.rs`): on Linux and Android the policy
/// `static` itself goes into the link section the runtime reads as an array, which costs the
/// application's build nothing per route; elsewhere `inventory` submits it from a constructor.
/// The `cfg` is decided when the application compiles, for its target: this macro runs on the
/// host.
fn registration(policy_static: &Ident, runtime: &syn::Path) -> (TokenStream, TokenStream) {
    let in_section = quote! {
        #[cfg_attr(
            any(target_os = "linux", target_os = "android"),
            used,
            unsafe(link_section = #REGISTRY_SECTION)
        )]
    };
    let submitted = quote! {
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        #runtime::__private::inventory::submit! {
            #runtime::__private::Registered(&#policy_static)
        }
    };
    (in_section, submitted)
}

/// The name of the `static` that holds the policy of handler `name`. It sits beside the handler,
/// where the route's registration and `handler::cors()` reach it, under a name no user writes.
fn policy_static_name(name: &Ident) -> Ident {
    format_ident!("__CORS_POLICY_{}", name)
}

/// The policy as a `static` built from literals, so nothing is parsed, locked or allocated at
/// run time, in the encoding `cors_rules::stored` owns (see `cors_runtime::__private::StoredPolicy`
/// for why lists are joined strings and absent values empty). A plain item rather than one inside a
/// function: every function costs the application's build a trip through code generation. The
/// run-time origin sources, when there are any, get a `static` of their own: the environment's
/// origins are read once, into it.
fn policy_item(
    name: &Ident,
    policy_static: &Ident,
    paths: &[String],
    policy: &Policy,
    named: Option<&NamedUse>,
) -> TokenStream {
    let route = name.to_string();
    let named_name = named.map(|n| n.name.to_string()).unwrap_or_default();
    let origins = match &policy.origins {
        Origins::Any => JoinedOrigins::ANY.to_owned(),
        Origins::List(list) => JoinedOrigins::join(list.texts()),
    };
    let methods = JoinedNames::join(policy.methods.iter().map(String::as_str));
    let header_names = match &policy.headers {
        Headers::List(names) => JoinedNames::join(names.iter().map(String::as_str)),
        Headers::None | Headers::Any { .. } => String::new(),
    };
    let headers = match &policy.headers {
        Headers::None => AllowedHeaders::None,
        Headers::List(_) => AllowedHeaders::List(JoinedNames::new(&header_names)),
        Headers::Any { authorization } => AllowedHeaders::Any {
            authorization: *authorization,
        },
    };
    let headers = headers.header_value().unwrap_or_default();
    let expose_headers = match &policy.expose_headers {
        ExposeHeaders::None => String::new(),
        ExposeHeaders::List(names) => JoinedNames::join(names.iter().map(String::as_str)),
        ExposeHeaders::Any => WILDCARD.to_owned(),
    };
    let max_age = store_max_age(policy.max_age);
    let credentials = policy.credentials;
    let private_network = policy.private_network;
    let reject_mismatch = policy.reject_mismatch;
    let (runtime_origins, runtime_origins_item) = runtime_origins(name, policy, named);
    let runtime = &policy.runtime;
    let (in_section, submitted) = registration(policy_static, runtime);
    quote! {
        #runtime_origins_item

        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #in_section
        static #policy_static: #runtime::__private::StoredPolicy =
            #runtime::__private::StoredPolicy {
                route: #route,
                named: #named_name,
                paths: &[#(#paths),*],
                origins: #origins,
                runtime_origins: #runtime_origins,
                methods: #methods,
                headers: #headers,
                expose_headers: #expose_headers,
                credentials: #credentials,
                max_age: #max_age,
                private_network: #private_network,
                reject_mismatch: #reject_mismatch,
            };

        #submitted
    }
}

/// The policy's `runtime_origins` field, and the `static` it points to when the policy has a
/// run-time origin source (`origins_env`, `origin_fn`); without one, the runtime's shared empty
/// one.
fn runtime_origins(
    name: &Ident,
    policy: &Policy,
    named: Option<&NamedUse>,
) -> (TokenStream, TokenStream) {
    let runtime = &policy.runtime;
    if policy.origins_env.is_none() && policy.origin_fn.is_none() {
        return (
            quote!(&#runtime::__private::NO_RUNTIME_ORIGINS),
            TokenStream::new(),
        );
    }
    let env = match &policy.origins_env {
        Some(var) => {
            let of_named = named.is_some_and(|named| named.binds_origins_env);
            quote!(::core::option::Option::Some(
                #runtime::__private::env_origins(#var, #of_named)
            ))
        }
        None => quote!(::core::option::Option::None),
    };
    let check = match (&policy.origin_fn, named) {
        // The named policy's own function, bound where the policy is declared.
        (Some(_), Some(named)) if named.binds_origin_fn => {
            let policy_path = &named.path;
            quote!(::core::option::Option::Some(#policy_path))
        }
        (Some(path), _) => {
            let origin_fn = stored_origin_fn(path, runtime);
            quote!(::core::option::Option::Some(#origin_fn))
        }
        (None, _) => quote!(::core::option::Option::None),
    };
    let (ttl_secs, entries) = policy.origin_fn_cache;
    let timeout_secs = policy.origin_fn_timeout;
    let item_name = format_ident!("__CORS_RUNTIME_ORIGINS_{}", name);
    let item = quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        static #item_name: #runtime::__private::RuntimeOrigins =
            #runtime::__private::RuntimeOrigins {
                env: #env,
                check: #check,
                cache: #runtime::__private::CacheBounds {
                    ttl_secs: #ttl_secs,
                    entries: #entries,
                },
                timeout_secs: #timeout_secs,
            };
    };
    (quote!(&#item_name), item)
}

/// `origin_fn = path`, resolved where this expression is written. The user's path keeps its
/// span, so a function of no form `cors_runtime::OriginCheck` accepts is reported on it. The
/// wrapper is a temporary of a `static` (or `const`) item's value, so it lives as long as the
/// item.
pub fn stored_origin_fn(path: &syn::Path, runtime: &syn::Path) -> TokenStream {
    let written = path_text(path);
    // The closure is never called: the compiler checks its body once the function's form is
    // inferred, and refuses a function that takes `&web::Data<T>` (see
    // `cors_runtime::__private::FormOf`).
    // The closure's parameter and its use share the path's span, and with it its hygiene: a path
    // from a named policy comes from another macro's expansion. A name no user writes: a unit
    // struct or constant of the same name would turn the parameter into a pattern.
    let form = Ident::new("__cors_form", path.span());
    // The call, the closure and the reference are all spanned on the path, so that every error
    // sits on the path rather than on the attribute.
    let runtime: TokenStream = runtime
        .to_token_stream()
        .into_iter()
        .map(|mut token| {
            token.set_span(path.span());
            token
        })
        .collect();
    let app_data_check = quote_spanned! {path.span()=>
        |#form| {
            #[allow(unused_imports)]
            use #runtime::__private::{AnyForm as _, TakesWebData as _};
            (&#form).check_app_data();
        }
    };
    let check = quote_spanned! {path.span()=>
        &#runtime::__private::OriginFnOf::new(#path, #app_data_check)
    };
    quote! {
        #runtime::__private::StoredOriginFn {
            name: #written,
            resolved_in: ::core::module_path!(),
            check: #check,
        }
    }
}

fn expand_routed(
    mut handler: Handler,
    route: &Route,
    policy_static: &Ident,
    runtime: &syn::Path,
) -> TokenStream {
    let name = handler.sig.ident.clone();
    let vis = std::mem::replace(&mut handler.vis, syn::Visibility::Inherited);
    let hidden = format_ident!("__cors_route_{}", name);
    handler.sig.ident = hidden.clone();

    // The routing attributes are read; the registration below replaces them. The user imported
    // the routing macro to write its attribute (`#[routes]` reads the method attributes under it
    // by name, unresolved), and that import still counts as used, though nothing expands it now.
    // The docs move to the struct users register; the renamed function is an implementation
    // detail.
    let routing_macro = route.attr.path();
    let (docs, other_attrs): (Vec<_>, Vec<_>) = std::mem::take(&mut handler.attrs)
        .into_iter()
        .enumerate()
        .filter(|(index, _)| !route.attr_indices.contains(index))
        .map(|(_, attr)| attr)
        .partition(|a| a.path().is_ident("doc"));
    handler.attrs = other_attrs;

    let default_name = name.to_string();
    let registrations = route.registrations.iter().map(|registration| {
        let Registration {
            path,
            methods,
            guards,
            wraps,
            name,
        } = registration;
        let resource_name = match name {
            Some(name) => name.value(),
            None => default_name.clone(),
        };
        // The same guard functions and middleware expressions actix-web's routing macro puts on
        // its resource, by the same paths, resolved in the same scope: the parameter's name is
        // actix-web's own, `__config`, which no handler or guard takes.
        quote! {
            #runtime::__private::register_route(
                __config, #path, #resource_name, &[#(#methods),*], &#policy_static,
                ::std::vec![#(#runtime::__private::route_guard(#guards)),*],
                #runtime::__private::actix_web::Route::new().to(#hidden)#(.wrap(#wraps))*,
            );
        }
    });
    quote! {
        #[doc(hidden)]
        #handler

        const _: () = {
            #[allow(unused_imports)]
            use #routing_macro as _;
        };

        #(#docs)*
        #[allow(non_camel_case_types)]
        #vis struct #name;

        impl #runtime::__private::actix_web::dev::HttpServiceFactory for #name {
            fn register(self, __config: &mut #runtime::__private::actix_web::dev::AppService) {
                #(#registrations)*
            }
        }
    }
}

fn expand_by_hand(
    handler: Handler,
    policy_static: &Ident,
    named: Option<&NamedUse>,
    runtime: &syn::Path,
) -> TokenStream {
    let name = &handler.sig.ident;
    let above_routing_macro = WrittenAt::new(named.map(|named| &named.path)).spanning(quote! {
        <self::#name as #runtime::__private::CorsAboveRoutingMacro>::CHECKED
    });
    let vis = &handler.vis;
    let doc = format!(
        "The CORS policy of [`{name}`]: register the handler with \
         `web::resource(..).wrap({name}::cors())`."
    );
    quote! {
        #handler

        #[doc = #doc]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        impl #name {
            /// The CORS middleware for this handler's policy. Wrap the resource that serves the
            /// handler with it: it answers preflights and decorates every response.
            #vis fn cors() -> #runtime::Cors {
                #runtime::__private::cors(&#policy_static)
            }
        }

        #[diagnostic::do_not_recommend]
        impl #runtime::__private::CorsAboveRoutingMacro for #name {}

        // Below a routing macro, this handler sits inside the body of actix-web's generated
        // `register` function, and `self::NAME` (which skips block scopes) names actix-web's
        // struct, which does not implement the trait: the compiler then prints the trait's
        // `on_unimplemented` message telling the user to move `#[cors]` up.
        const _: () = #above_routing_macro;
    }
}
