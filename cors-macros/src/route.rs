//! Finding the actix-web routing attribute written under `#[cors]`, and what it registers: each
//! path with the methods served there. `#[cors]` adds its middleware and a resource name to that
//! attribute and leaves everything else (path, `guard`, `wrap`, `name`) to actix-web.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta, MetaNameValue, Token};

use crate::attr::path_text;
use crate::handler::Handler;

/// actix-web's single-method routing macros, with the method each one serves.
const METHOD_MACROS: [(&str, &str); 10] = [
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("delete", "DELETE"),
    ("patch", "PATCH"),
    ("head", "HEAD"),
    ("options", "OPTIONS"),
    ("trace", "TRACE"),
    ("connect", "CONNECT"),
    ("query", "QUERY"),
];

/// The routing attribute(s) under `#[cors]`.
pub struct Route {
    /// Every `(path, methods)` the routing macro registers: one for `#[get]` or `#[route]`,
    /// one per method attribute under `#[routes]`.
    pub registrations: Vec<Registration>,
    /// The routing attribute, for errors about the route as a whole.
    pub attr: Attribute,
}

pub struct Registration {
    /// Index of the attribute in the handler's attribute list, to rewrite it in place.
    pub attr_index: usize,
    pub path: LitStr,
    pub methods: Vec<String>,
    /// The `guard = "path"` options, as actix-web reads them: functions of the request that the
    /// resource must pass as well as its method guard.
    pub guards: Vec<syn::Path>,
    /// Whether the user named the resource (`name = "..."`); otherwise we name it after the
    /// handler, as actix-web would, since the function actix-web sees is renamed.
    pub has_name: bool,
}

impl Route {
    /// Every method the route serves on any of its paths, in order of appearance, deduplicated.
    pub fn methods(&self) -> Vec<String> {
        let mut methods: Vec<String> = Vec::new();
        for method in self.registrations.iter().flat_map(|r| &r.methods) {
            if !methods.contains(method) {
                methods.push(method.clone());
            }
        }
        methods
    }

    /// Each distinct path, in order of appearance: several registrations may share a path.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = Vec::new();
        for registration in &self.registrations {
            let path = registration.path.value();
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
        paths
    }

    /// The preflight services this route needs: one per path and set of guards, with the methods
    /// served there under those guards. A preflight has to pass the same guards as the actual
    /// request it announces, so that it is answered by the policy of the handler that will serve
    /// that request; registrations that differ only in method share one service.
    pub fn preflights(&self) -> Vec<Preflight<'_>> {
        let mut preflights: Vec<Preflight<'_>> = Vec::new();
        for registration in &self.registrations {
            let guards: Vec<String> = registration.guards.iter().map(path_text).collect();
            let same = |p: &&mut Preflight<'_>| {
                p.path.value() == registration.path.value()
                    && p.guards.iter().map(path_text).eq(guards.iter().cloned())
            };
            let preflight = match preflights.iter_mut().find(same) {
                Some(preflight) => preflight,
                None => {
                    preflights.push(Preflight {
                        path: &registration.path,
                        methods: Vec::new(),
                        guards: &registration.guards,
                    });
                    preflights.last_mut().expect("just pushed")
                }
            };
            for method in &registration.methods {
                if !preflight.methods.contains(&method.as_str()) {
                    preflight.methods.push(method);
                }
            }
        }
        preflights
    }
}

/// One preflight service of a route: where it answers, for which methods, behind which guards.
pub struct Preflight<'a> {
    pub path: &'a LitStr,
    pub methods: Vec<&'a str>,
    pub guards: &'a [syn::Path],
}

/// What `#[cors]` found under itself.
pub enum Routing {
    /// A routing attribute that registers these paths and methods.
    Routed(Box<Route>),
    /// No routing attribute: the handler is registered by hand (`web::resource(..).to(handler)`),
    /// or `#[cors]` sits below the routing macro, which already consumed its own attribute;
    /// expansion tells the two apart.
    ByHand,
    /// A routing attribute actix-web will reject with its own error (no path, no method, ...):
    /// the handler is left as it is so that the user sees that one error, not two.
    LeftToActix,
}

/// Finds the routing attribute under `#[cors]`.
pub fn find(handler: &Handler) -> Routing {
    let attrs = &handler.attrs;
    let Some(first) = attrs.iter().position(|a| routing_macro(a).is_some()) else {
        return Routing::ByHand;
    };
    let registrations: Option<Vec<Registration>> = match routing_macro(&attrs[first]) {
        // `#[routes]` reads the bare method attributes that follow it (actix-web matches them by
        // identifier, so `#[actix_web::get]` is not one of them).
        Some(RoutingMacro::Routes) => attrs
            .iter()
            .enumerate()
            .skip(first + 1)
            .filter_map(|(index, attr)| {
                let method = method_of(&attr.path().get_ident()?.to_string())?;
                Some(registration(index, attr, Some(method)))
            })
            .collect(),
        Some(RoutingMacro::Method(method)) => {
            registration(first, &attrs[first], Some(method)).map(|r| vec![r])
        }
        Some(RoutingMacro::Route) => registration(first, &attrs[first], None).map(|r| vec![r]),
        None => None,
    };
    match registrations {
        Some(registrations) if !registrations.is_empty() => Routing::Routed(Box::new(Route {
            registrations,
            attr: attrs[first].clone(),
        })),
        _ => Routing::LeftToActix,
    }
}

enum RoutingMacro {
    Method(&'static str),
    Route,
    Routes,
}

/// Recognises `get`, `route`, `routes`, ... written bare or as `actix_web::get`.
fn routing_macro(attr: &Attribute) -> Option<RoutingMacro> {
    let path = attr.path();
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let name = match segments.as_slice() {
        [name] => name,
        [krate, name] if krate == "actix_web" => name,
        _ => return None,
    };
    match name.as_str() {
        "route" => Some(RoutingMacro::Route),
        "routes" => Some(RoutingMacro::Routes),
        other => method_of(other).map(RoutingMacro::Method),
    }
}

fn method_of(macro_name: &str) -> Option<&'static str> {
    METHOD_MACROS
        .iter()
        .find(|(name, _)| *name == macro_name)
        .map(|(_, method)| *method)
}

/// The arguments of a routing attribute: `"/path"` then `key = "value"` options.
struct RoutingArgs {
    path: LitStr,
    options: Punctuated<MetaNameValue, Token![,]>,
}

impl Parse for RoutingArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let path = input.parse()?;
        if input.is_empty() {
            return Ok(RoutingArgs {
                path,
                options: Punctuated::new(),
            });
        }
        input.parse::<Token![,]>()?;
        Ok(RoutingArgs {
            path,
            options: Punctuated::parse_terminated(input)?,
        })
    }
}

/// Reads one routing attribute; `None` where actix-web will report an error of its own.
fn registration(
    attr_index: usize,
    attr: &Attribute,
    method: Option<&'static str>,
) -> Option<Registration> {
    let args: RoutingArgs = attr.parse_args().ok()?;
    let mut methods: Vec<String> = method.into_iter().map(String::from).collect();
    let mut has_name = false;
    let mut guards = Vec::new();
    for option in &args.options {
        if option.path.is_ident("name") {
            has_name = true;
        } else if option.path.is_ident("guard") {
            // actix-web parses the string as a path and reports it if that fails.
            let Expr::Lit(ExprLit {
                lit: Lit::Str(lit), ..
            }) = &option.value
            else {
                return None;
            };
            guards.push(lit.parse::<syn::Path>().ok()?);
        } else if option.path.is_ident("method") {
            if let Expr::Lit(ExprLit {
                lit: Lit::Str(lit), ..
            }) = &option.value
            {
                methods.push(lit.value());
            }
        }
    }
    (!methods.is_empty()).then_some(Registration {
        attr_index,
        path: args.path,
        methods,
        guards,
        has_name,
    })
}

/// Rewrites a routing attribute with our additions appended to the user's own options:
/// `#[get("/path", guard = "..", wrap = "Auth", name = "handler", wrap = "<cors middleware>")]`.
/// actix-web applies `wrap`s in order, so the last one, ours, is the outermost: it sees every
/// request and every response first and last, including those the user's middleware rejects.
pub fn rewrite(attr: &Attribute, name: Option<&str>, cors_wrap: &str) -> Attribute {
    let Meta::List(list) = &attr.meta else {
        return attr.clone();
    };
    let mut tokens: TokenStream = list.tokens.clone();
    if !tokens.to_string().trim_end().ends_with(',') {
        tokens.extend(quote!(,));
    }
    if let Some(name) = name {
        tokens.extend(quote!(name = #name,));
    }
    tokens.extend(quote!(wrap = #cors_wrap));
    let path = &list.path;
    let pound = &attr.pound_token;
    let bracket = &attr.bracket_token;
    let mut rewritten: Attribute = syn::parse_quote!(#pound[#path(#tokens)]);
    rewritten.bracket_token = *bracket;
    rewritten
}
