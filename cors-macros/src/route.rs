//! Finding the actix-web routing attribute written under `#[cors]`, and what it registers: each
//! path with its methods, `guard`s, `wrap`s and resource name. `#[cors]` registers the route
//! itself from these (see `cors_runtime`'s `route_service` for why), so it reads the attribute as
//! strictly as actix-web's macro does: anything that macro would reject is left to it, untouched,
//! so that the user sees actix-web's own error.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, MetaNameValue, ReturnType, Token};

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
    /// Every registration the routing macro would make: one for `#[get]` or `#[route]`, one per
    /// method attribute under `#[routes]`.
    pub registrations: Vec<Registration>,
    /// The routing attribute, for errors about the route as a whole.
    pub attr: Attribute,
    /// Where the routing attributes (`#[routes]` and the method attributes under it) sit in the
    /// handler's attribute list: `#[cors]` takes them off the handler, as actix-web's macro would.
    pub attr_indices: Vec<usize>,
}

pub struct Registration {
    pub path: LitStr,
    pub methods: Vec<String>,
    /// The `guard = "path"` options, as actix-web reads them: functions of the request that the
    /// route must pass as well as its method check.
    pub guards: Vec<syn::Path>,
    /// The `wrap = "expr"` options, in order: the first is the innermost.
    pub wraps: Vec<Expr>,
    /// `name = "..."`; without it the resource is named after the handler, as actix-web names it.
    pub name: Option<LitStr>,
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
    let mut attr_indices = vec![first];
    let registrations: Option<Vec<Registration>> = match routing_macro(&attrs[first]) {
        // `#[routes]` reads the bare method attributes that follow it (actix-web matches them by
        // identifier, so `#[actix_web::get]` is not one of them).
        Some(RoutingMacro::Routes) => attrs
            .iter()
            .enumerate()
            .skip(first + 1)
            .filter_map(|(index, attr)| {
                let method = method_of(&attr.path().get_ident()?.to_string())?;
                attr_indices.push(index);
                Some(registration(attr, Some(method)))
            })
            .collect(),
        Some(RoutingMacro::Method(method)) => {
            registration(&attrs[first], Some(method)).map(|r| vec![r])
        }
        Some(RoutingMacro::Route) => registration(&attrs[first], None).map(|r| vec![r]),
        None => None,
    };
    // actix-web refuses a handler without a return type, with an error of its own.
    let returns = !matches!(handler.sig.output, ReturnType::Default);
    match registrations {
        Some(registrations) if !registrations.is_empty() && returns => {
            Routing::Routed(Box::new(Route {
                registrations,
                attr: attrs[first].clone(),
                attr_indices,
            }))
        }
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

/// Reads one routing attribute; `None` wherever actix-web's macro reports an error of its own.
fn registration(attr: &Attribute, method: Option<&'static str>) -> Option<Registration> {
    let args: RoutingArgs = attr.parse_args().ok()?;
    if !balanced_braces(&args.path.value()) {
        return None;
    }
    let mut registration = Registration {
        path: args.path,
        methods: method.into_iter().map(String::from).collect(),
        guards: Vec::new(),
        wraps: Vec::new(),
        name: None,
    };
    for option in &args.options {
        let Expr::Lit(ExprLit {
            lit: Lit::Str(value),
            ..
        }) = &option.value
        else {
            return None;
        };
        let key = option.path.get_ident()?.to_string();
        match key.as_str() {
            "name" => registration.name = Some(value.clone()),
            "guard" => registration.guards.push(value.parse().ok()?),
            "wrap" => registration.wraps.push(value.parse().ok()?),
            // Only `#[route]` takes methods; each one uppercase, and listed once.
            "method" if method.is_none() => {
                let name = value.value();
                let uppercase = !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase());
                if !uppercase || registration.methods.contains(&name) {
                    return None;
                }
                registration.methods.push(name);
            }
            _ => return None,
        }
    }
    (!registration.methods.is_empty()).then_some(registration)
}

/// Whether the path's `{..}` segments are closed. actix-web's macro checks the whole pattern when
/// it compiles the route, and reports a malformed one; `#[cors]` leaves the unclosed brace, the
/// usual typo, to that check. What else a pattern can get wrong (a custom segment's regular
/// expression) is reported by actix-web when the app is built, as for `web::resource`.
fn balanced_braces(path: &str) -> bool {
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '{' => depth += 1,
            '}' => match depth.checked_sub(1) {
                Some(less) => depth = less,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}
