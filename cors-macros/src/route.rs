//! Finding the actix-web routing attribute written under `#[cors]`, and what it registers: each
//! path with its methods, `guard`s, `wrap`s and resource name. `#[cors]` registers the route
//! itself from these (see `cors_runtime`'s `route_service` for why), so it reads the attribute as
//! strictly as actix-web's macro does: anything that macro would reject is left to it, untouched,
//! so that the user sees actix-web's own error; anything it accepts is either served, with its
//! policy, or refused with an error of `#[cors]`'s, never handed back without the policy.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta, MetaNameValue, ReturnType, Token};

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
    /// expansion tells the two apart. `looked_past`: the index of an attribute named like a
    /// routing macro that is not one (see [`find`]), for errors to name.
    ByHand { looked_past: Option<usize> },
    /// A routing attribute actix-web will reject with its own error (no path, no method, ...):
    /// the handler is left as it is so that the user sees that one error, not two.
    LeftToActix,
    /// Routing attributes actix-web's macro accepts and `#[cors]` cannot serve: the error says
    /// why. The handler goes back with its routing attribute, so that nothing else fails, less the
    /// attribute at `without` if actix-web would refuse the handler with it.
    Refused {
        error: syn::Error,
        without: Option<usize>,
    },
}

/// Finds the routing attribute under `#[cors]`.
///
/// `#[cors]` sees attribute names before they are resolved, and other crates have attributes
/// named like actix-web's routing macros (a tracing crate's `#[trace]`). actix-web's routing
/// attribute always takes its path first, so a bare `#[trace]` or `#[trace(level = "debug")]`
/// is another crate's attribute (or one actix-web's macro reports): `#[cors]` looks past it to
/// the routing attribute, and leaves it on the handler. A second attribute that does take a path
/// is an error, which names the one taken: actix-web's handlers have one routing attribute, and
/// `#[cors]` does not guess which is actix-web's.
pub fn find(handler: &Handler) -> Routing {
    let attrs = &handler.attrs;
    let mut looked_past = None;
    let mut found = None;
    for (index, attr) in attrs.iter().enumerate() {
        let Some(kind) = routing_macro(attr) else {
            continue;
        };
        if is_route(attr, &kind) {
            found = Some((index, kind));
            break;
        }
        // `#[actix_web::trace]` is actix-web's whatever its arguments: its macro reports them.
        if attr.path().segments.len() > 1 {
            return Routing::LeftToActix;
        }
        looked_past.get_or_insert(index);
    }
    let Some((first, kind)) = found else {
        return Routing::ByHand { looked_past };
    };
    let mut attr_indices = vec![first];
    let registrations: Result<Vec<Registration>, Unread> = match kind {
        // `#[routes]` reads the bare method attributes that follow it (actix-web matches them by
        // identifier, so `#[actix_web::get]` is not one of them).
        RoutingMacro::Routes => attrs
            .iter()
            .enumerate()
            .skip(first + 1)
            .filter_map(|(index, attr)| {
                let method = method_of(&attr.path().get_ident()?.to_string())?;
                attr_indices.push(index);
                Some(registration(attr, Some(method)))
            })
            .collect(),
        RoutingMacro::Method(method) => registration(&attrs[first], Some(method)).map(|r| vec![r]),
        RoutingMacro::Route => registration(&attrs[first], None).map(|r| vec![r]),
    };
    // actix-web refuses a handler without a return type, with an error of its own.
    if matches!(handler.sig.output, ReturnType::Default) {
        return Routing::LeftToActix;
    }
    match registrations {
        Ok(registrations) if !registrations.is_empty() => {
            if let Some(error) = second_route(attrs, first, &attr_indices) {
                // actix-web refuses two routing attributes; with one, the handler compiles.
                let without = Some(first);
                return Routing::Refused { error, without };
            }
            Routing::Routed(Box::new(Route {
                registrations,
                attr: attrs[first].clone(),
                attr_indices,
            }))
        }
        Err(Unread::Refused(error)) => Routing::Refused {
            error,
            without: None,
        },
        _ => Routing::LeftToActix,
    }
}

/// The error, and the handler with its routing attributes (less the one at `without`), which
/// actix-web's macro then turns into a service as usual.
pub fn refused(error: &syn::Error, mut handler: Handler, without: Option<usize>) -> TokenStream {
    let mut output = error.to_compile_error();
    if let Some(index) = without {
        // Its import still counts as used, so that the error stands alone.
        let routing_macro = handler.attrs.remove(index).meta.path().clone();
        output.extend(quote! {
            const _: () = {
                #[allow(unused_imports)]
                use #routing_macro as _;
            };
        });
    }
    output.extend(handler.into_token_stream());
    output
}

/// Whether `attr`, named like a routing macro, reads as one: `#[routes]`, or a path first.
fn is_route(attr: &Attribute, kind: &RoutingMacro) -> bool {
    if matches!(kind, RoutingMacro::Routes) {
        return true;
    }
    let Meta::List(list) = &attr.meta else {
        return false;
    };
    list.parse_args_with(|input: ParseStream| {
        let path_first = input.peek(LitStr);
        input.parse::<TokenStream>()?;
        Ok(path_first)
    })
    .unwrap_or(false)
}

/// The error for a routing attribute below the one `#[cors]` reads (other than the method
/// attributes `#[routes]` reads), if there is one.
fn second_route(attrs: &[Attribute], first: usize, taken: &[usize]) -> Option<syn::Error> {
    let (_, second) = attrs
        .iter()
        .enumerate()
        .skip(first + 1)
        .find(|(index, attr)| {
            !taken.contains(index) && routing_macro(attr).is_some_and(|kind| is_route(attr, &kind))
        })?;
    let name = path_text(attrs[first].path());
    let last = attrs[first]
        .path()
        .segments
        .last()
        .map(|s| s.ident.to_string());
    Some(syn::Error::new_spanned(
        second,
        format!(
            "a second routing attribute: `#[cors]` reads `#[{name}(..)]` above as this handler's \
             route, and an actix-web handler has one (write `#[routes]` above several). If \
             `#[{name}]` is another crate's attribute, write it by that crate's path, like \
             `#[that_crate::{}(..)]`, so that it is not taken for actix-web's",
            last.unwrap_or_default()
        ),
    ))
}

/// Why a routing attribute was not read.
enum Unread {
    /// actix-web's macro refuses it, with an error of its own.
    ActixRejects,
    /// actix-web's macro accepts it, and `#[cors]` cannot serve it: this error says why.
    Refused(syn::Error),
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

/// Reads one routing attribute exactly as actix-web's macro does (actix-web-codegen 4.5:
/// `RouteArgs::parse` and `Args::new`): what that macro refuses is left to it, and what it accepts
/// is either read or refused here, never handed back without its policy.
fn registration(attr: &Attribute, method: Option<&'static str>) -> Result<Registration, Unread> {
    let args: RoutingArgs = attr.parse_args().map_err(|_| Unread::ActixRejects)?;
    if has_unclosed_segment(&args.path.value()) {
        return Err(Unread::ActixRejects);
    }
    let mut registration = Registration {
        path: args.path,
        methods: method.into_iter().map(String::from).collect(),
        guards: Vec::new(),
        wraps: Vec::new(),
        name: None,
    };
    // actix-web tells `method` values apart by standard method, or else by the literal as written.
    let mut methods_as_written: Vec<String> = Vec::new();
    for option in &args.options {
        let Expr::Lit(ExprLit {
            lit: Lit::Str(value),
            ..
        }) = &option.value
        else {
            return Err(Unread::ActixRejects);
        };
        let key = option.path.get_ident().ok_or(Unread::ActixRejects)?;
        match key.to_string().as_str() {
            "name" => registration.name = Some(value.clone()),
            "guard" => registration
                .guards
                .push(value.parse().map_err(|_| Unread::ActixRejects)?),
            "wrap" => registration
                .wraps
                .push(value.parse().map_err(|_| Unread::ActixRejects)?),
            // Only `#[route]` takes methods; each one uppercase.
            "method" if method.is_none() => {
                let name = value.value();
                if !name.chars().all(|c| c.is_ascii_uppercase()) {
                    return Err(Unread::ActixRejects);
                }
                if name.is_empty() {
                    return Err(Unread::Refused(syn::Error::new_spanned(
                        value,
                        "`method = \"\"` names no method: actix-web accepts it, then panics when \
                         the app registers the route; write the method, like `method = \"GET\"`",
                    )));
                }
                let standard = METHOD_MACROS.iter().any(|(_, standard)| *standard == name);
                let as_written = match standard {
                    true => name.clone(),
                    false => value.token().to_string(),
                };
                if methods_as_written.contains(&as_written) {
                    return Err(Unread::ActixRejects);
                }
                methods_as_written.push(as_written);
                // The same extension method spelt twice (`"PROPFIND"`, `r"PROPFIND"`): actix-web
                // registers it twice, which serves it once.
                if !registration.methods.contains(&name) {
                    registration.methods.push(name);
                }
            }
            _ => return Err(Unread::ActixRejects),
        }
    }
    match registration.methods.is_empty() {
        true => Err(Unread::ActixRejects),
        false => Ok(registration),
    }
}

/// Whether a `{` of the path opens a dynamic segment that never closes, which actix-web's macro
/// reports (actix-router 0.5's `ResourceDef::parse_param`: braces nest inside a segment). A `}`
/// outside any segment is a literal character to actix-web, and so a path `#[cors]` serves. What
/// else a pattern can get wrong (a custom segment's regular expression, more than 16 segments)
/// actix-web's macro also finds, by building the pattern; `#[cors]` does not (it would take a
/// regular expression engine), and the same pattern then stops the app when it registers the
/// route, as for `web::resource`.
fn has_unclosed_segment(path: &str) -> bool {
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth > 0
}
