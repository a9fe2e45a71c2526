//! Finding the actix-web routing attribute written under `#[cors]`, and what it registers: each
//! path with the methods served there. `#[cors]` adds its middleware and a resource name to that
//! attribute and leaves everything else (path, `guard`, `wrap`, `name`) to actix-web.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta, MetaNameValue, Token};

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

    /// Each distinct path (its literal, for spans) with the methods served on it, in order of
    /// appearance: several handlers' registrations may share a path.
    pub fn paths(&self) -> Vec<(&syn::LitStr, Vec<&str>)> {
        let mut paths: Vec<(&syn::LitStr, Vec<&str>)> = Vec::new();
        for registration in &self.registrations {
            let index = match paths
                .iter()
                .position(|(path, _)| path.value() == registration.path.value())
            {
                Some(index) => index,
                None => {
                    paths.push((&registration.path, Vec::new()));
                    paths.len() - 1
                }
            };
            let methods = &mut paths[index].1;
            for method in &registration.methods {
                if !methods.contains(&method.as_str()) {
                    methods.push(method);
                }
            }
        }
        paths
    }
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
    for option in &args.options {
        if option.path.is_ident("name") {
            has_name = true;
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
