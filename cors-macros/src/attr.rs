//! Parsing `#[cors(key = value, ...)]` into typed values that keep their tokens, so that every
//! later error can point at the exact literal at fault.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::discouraged::Speculative;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitBool, LitInt, LitStr, Token};

use crate::handler::Handler;

/// The keys `#[cors]` accepts, in the order the documentation lists them.
const KEYS: [&str; 11] = [
    "policy",
    "origins",
    "origins_env",
    "origin_fn",
    "methods",
    "headers",
    "expose_headers",
    "credentials",
    "max_age",
    "private_network",
    "on_mismatch",
];

/// Names people bring from actix-cors or other frameworks, mapped to ours.
const ALIASES: [(&str, &str); 15] = [
    ("allowed_origin", "origins"),
    ("allowed_origins", "origins"),
    ("allow_origins", "origins"),
    ("allowed_methods", "methods"),
    ("allow_methods", "methods"),
    ("allowed_headers", "headers"),
    ("allow_headers", "headers"),
    ("exposed_headers", "expose_headers"),
    ("supports_credentials", "credentials"),
    ("allow_credentials", "credentials"),
    ("allow_private_network_access", "private_network"),
    ("allow_private_network", "private_network"),
    ("block_on_origin_mismatch", "on_mismatch"),
    ("allowed_origin_fn", "origin_fn"),
    ("named_policy", "policy"),
];

/// The arguments of one `#[cors(...)]`, parsed but not yet checked against the CORS rules.
#[derive(Default)]
pub struct CorsArgs {
    /// `policy = path::to::NAME`: a named policy this route builds on.
    pub policy: Option<syn::Path>,
    /// The named policy's own arguments, passed back in by its macro (see `named.rs`).
    pub named: Option<Named>,
    /// Every entry but `policy`, as written, to hand to the named policy's macro.
    pub entries: Vec<TokenStream>,
    pub origins: Option<StrList>,
    pub origins_env: Option<LitStr>,
    pub origin_fn: Option<syn::Path>,
    pub methods: Option<StrList>,
    pub headers: Option<StrList>,
    pub expose_headers: Option<StrList>,
    pub credentials: Option<LitBool>,
    pub max_age: Option<LitInt>,
    pub private_network: Option<LitBool>,
    pub on_mismatch: Option<LitStr>,
}

/// A named policy's name and arguments, as its `policy!` declared them.
pub struct Named {
    pub name: Ident,
    /// The path by which the route named the policy (`policy = crate::cors::API`): the values
    /// `policy!` bound where it was declared are reachable through it from the route.
    pub path: syn::Path,
    pub args: Box<CorsArgs>,
}

/// What a route's policy takes from the named policy it builds on, beyond its keys.
pub struct NamedUse {
    pub name: Ident,
    /// The path by which the route named the policy.
    pub path: syn::Path,
    /// Whether the route's `origin_fn` is the named policy's: then it is the function bound where
    /// the policy was declared (see `named.rs`), reached through `path`, not a path resolved at
    /// the route.
    pub binds_origin_fn: bool,
}

/// The marker a named policy's macro puts first: `__named(NAME, path) { key = value, ... }`.
const NAMED_MARKER: &str = "__named";

/// A `key = ["...", ...]` value: the key (for errors about the whole list) and its literals.
pub struct StrList {
    pub key: Ident,
    pub items: Vec<LitStr>,
}

impl StrList {
    pub fn values(&self) -> impl Iterator<Item = (String, &LitStr)> {
        self.items.iter().map(|lit| (lit.value(), lit))
    }
}

impl Parse for CorsArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = CorsArgs::default();
        if input
            .fork()
            .parse::<Ident>()
            .is_ok_and(|ident| ident == NAMED_MARKER)
        {
            input.parse::<Ident>()?;
            let marker;
            syn::parenthesized!(marker in input);
            let name = marker.parse()?;
            marker.parse::<Token![,]>()?;
            let path = marker.parse()?;
            let body;
            syn::braced!(body in input);
            args.named = Some(Named {
                name,
                path,
                args: Box::new(body.parse()?),
            });
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        for entry in Punctuated::<Entry, Token![,]>::parse_terminated(input)? {
            args.set(entry)?;
        }
        Ok(args)
    }
}

struct Entry {
    key: Ident,
    value: Expr,
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `key = value`, for example `origins = [\"https://app.example.com\"]`",
            )
        })?;
        input.parse::<Token![=]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected `=` after `{key}`, as in `{key} = ...`"),
            )
        })?;
        Ok(Entry {
            key,
            value: parse_value(input)?,
        })
    }
}

/// A value, with a shortcut for the shapes nearly every policy uses, a literal or a list of
/// literals: `syn`'s general expression parser is the slowest part of parsing a policy, and it
/// runs unoptimized in dev builds, once per route. Anything else (including every mistake) goes
/// to the general parser, so errors and spans are the same either way.
fn parse_value(input: ParseStream) -> syn::Result<Expr> {
    let fork = input.fork();
    let shortcut = if fork.peek(syn::token::Bracket) {
        literal_list(&fork)
    } else {
        literal(&fork)
    };
    match shortcut {
        Ok(value) if fork.is_empty() || fork.peek(Token![,]) => {
            input.advance_to(&fork);
            Ok(value)
        }
        _ => input.parse(),
    }
}

/// `["a", "b"]`, each element a literal standing alone. An error means "not this shape".
fn literal_list(input: ParseStream) -> syn::Result<Expr> {
    let content;
    let bracket_token = syn::bracketed!(content in input);
    let mut elems = Punctuated::new();
    while !content.is_empty() {
        elems.push_value(literal(&content)?);
        if content.is_empty() {
            break;
        }
        elems.push_punct(content.parse::<Token![,]>()?);
    }
    Ok(Expr::Array(syn::ExprArray {
        attrs: Vec::new(),
        bracket_token,
        elems,
    }))
}

/// A literal followed by nothing, or by a comma. An error means "not this shape".
fn literal(input: ParseStream) -> syn::Result<Expr> {
    let lit: Lit = input.parse()?;
    if !(input.is_empty() || input.peek(Token![,])) {
        return Err(input.error("more than a literal"));
    }
    Ok(Expr::Lit(ExprLit {
        attrs: Vec::new(),
        lit,
    }))
}

impl CorsArgs {
    fn set(&mut self, Entry { key, value }: Entry) -> syn::Result<()> {
        let name = key.to_string();
        if name != "policy" {
            self.entries.push(quote!(#key = #value));
        }
        let already_set = match name.as_str() {
            "policy" => set_once(&mut self.policy, policy_path(&key, value)?),
            "origins" => set_once(&mut self.origins, str_list(&key, value)?),
            "origins_env" => set_once(
                &mut self.origins_env,
                str_lit(&key, value, "\"CORS_ALLOWED_ORIGINS\"")?,
            ),
            "origin_fn" => set_once(&mut self.origin_fn, fn_path(&key, value)?),
            "methods" => set_once(&mut self.methods, str_list(&key, value)?),
            "headers" => set_once(&mut self.headers, str_list(&key, value)?),
            "expose_headers" => set_once(&mut self.expose_headers, str_list(&key, value)?),
            "credentials" => set_once(&mut self.credentials, bool_lit(&key, value)?),
            "private_network" => set_once(&mut self.private_network, bool_lit(&key, value)?),
            "max_age" => set_once(&mut self.max_age, int_lit(&key, value)?),
            "on_mismatch" => set_once(&mut self.on_mismatch, str_lit(&key, value, "\"reject\"")?),
            _ => return Err(syn::Error::new(key.span(), unknown_key_message(&name))),
        };
        if already_set {
            return Err(syn::Error::new(
                key.span(),
                format!("`{name}` is given twice; write it once (merge the two values)"),
            ));
        }
        Ok(())
    }
}

impl CorsArgs {
    /// Folds the named policy (if any) under the route's own keys: list keys extend the named
    /// policy's lists, scalar keys replace its values. The result is checked as one policy.
    pub fn merge_named(self) -> (CorsArgs, Option<NamedUse>) {
        let Some(Named {
            name,
            path,
            args: base,
        }) = self.named
        else {
            return (self, None);
        };
        let extend = |base: Option<StrList>, more: Option<StrList>| match (base, more) {
            (Some(mut base), Some(more)) => {
                base.items.extend(more.items);
                Some(base)
            }
            (base, more) => base.or(more),
        };
        let binds_origin_fn = self.origin_fn.is_none() && base.origin_fn.is_some();
        let merged = CorsArgs {
            policy: None,
            named: None,
            entries: Vec::new(),
            origins: extend(base.origins, self.origins),
            origins_env: self.origins_env.or(base.origins_env),
            origin_fn: self.origin_fn.or(base.origin_fn),
            methods: extend(base.methods, self.methods),
            headers: extend(base.headers, self.headers),
            expose_headers: extend(base.expose_headers, self.expose_headers),
            credentials: self.credentials.or(base.credentials),
            max_age: self.max_age.or(base.max_age),
            private_network: self.private_network.or(base.private_network),
            on_mismatch: self.on_mismatch.or(base.on_mismatch),
        };
        let named = NamedUse {
            name,
            path,
            binds_origin_fn,
        };
        (merged, Some(named))
    }
}

/// Stores `value` unless the slot is taken; returns whether it was.
fn set_once<T>(slot: &mut Option<T>, value: T) -> bool {
    let taken = slot.is_some();
    if !taken {
        *slot = Some(value);
    }
    taken
}

fn str_list(key: &Ident, value: Expr) -> syn::Result<StrList> {
    let elems = match value {
        Expr::Array(array) => array.elems,
        Expr::Lit(ExprLit {
            lit: Lit::Str(single),
            ..
        }) => {
            return Err(syn::Error::new(
                single.span(),
                format!(
                    "`{key}` takes a list; write `{key} = [{:?}]`",
                    single.value()
                ),
            ))
        }
        other => {
            return Err(syn::Error::new_spanned(
                other,
                format!(
                    "`{key}` takes a list of string literals, like `{}`",
                    list_example(key)
                ),
            ))
        }
    };
    let items = elems
        .into_iter()
        .map(|elem| match elem {
            Expr::Lit(ExprLit {
                lit: Lit::Str(lit), ..
            }) => Ok(lit),
            other => Err(syn::Error::new_spanned(
                other,
                format!(
                    "`{key}` takes string literals only, like `{}`; the policy is checked at \
                     compile time, so it cannot come from a variable or a constant",
                    list_example(key)
                ),
            )),
        })
        .collect::<syn::Result<_>>()?;
    Ok(StrList {
        key: key.clone(),
        items,
    })
}

fn list_example(key: &Ident) -> &'static str {
    match key.to_string().as_str() {
        "origins" => "[\"https://app.example.com\"]",
        "methods" => "[\"GET\", \"POST\"]",
        "headers" => "[\"Content-Type\", \"Authorization\"]",
        _ => "[\"X-Request-Id\"]",
    }
}

fn bool_lit(key: &Ident, value: Expr) -> syn::Result<LitBool> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(lit),
            ..
        }) => Ok(lit),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes `true` or `false`"),
        )),
    }
}

/// A path value (`policy = crate::cors::API`, `origin_fn = tenants::check`); `expected` says
/// what the path must name.
fn path_value(key: &Ident, value: Expr, expected: &str) -> syn::Result<syn::Path> {
    match value {
        Expr::Path(path) if path.qself.is_none() => Ok(path.path),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes {expected}"),
        )),
    }
}

fn policy_path(key: &Ident, value: Expr) -> syn::Result<syn::Path> {
    let expected = format!(
        "the name of a policy declared with `cors_runtime::policy!`, like \
         `{key} = crate::cors::API`"
    );
    path_value(key, value, &expected)
}

fn fn_path(key: &Ident, value: Expr) -> syn::Result<syn::Path> {
    let expected = format!(
        "the path of a function `fn(&str) -> bool`, like `{key} = tenants::is_allowed_origin` \
         (not a string or a closure)"
    );
    path_value(key, value, &expected)
}

fn str_lit(key: &Ident, value: Expr, example: &str) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(lit),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes a string literal, like `{key} = {example}`"),
        )),
    }
}

fn int_lit(key: &Ident, value: Expr) -> syn::Result<LitInt> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => Ok(lit),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes a whole number of seconds from 0 to 86400, like `{key} = 600`"),
        )),
    }
}

fn unknown_key_message(name: &str) -> String {
    let guess = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, key)| *key)
        .or_else(|| {
            KEYS.iter()
                .copied()
                .find(|key| edit_distance(key, name) <= 2)
        });
    let keys = KEYS.join(", ");
    match guess {
        Some(key) => format!("unknown key `{name}`; did you mean `{key}`? (the keys are {keys})"),
        None => format!("unknown key `{name}`; the keys are {keys}"),
    }
}

/// Levenshtein distance, for "did you mean" on misspelled keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// Refuses a second `#[cors]` under the first: the two would stack two middlewares, and the
/// inner one would refuse what the outer one allows.
pub fn reject_second_cors(handler: &Handler) -> syn::Result<()> {
    let is_cors = |a: &&syn::Attribute| a.path().segments.last().is_some_and(|s| s.ident == "cors");
    match handler.attrs.iter().find(is_cors) {
        Some(second) => Err(syn::Error::new_spanned(
            second,
            "a handler has one CORS policy: merge this `#[cors]` into the one above it",
        )),
        None => Ok(()),
    }
}

/// A path as written, without the spaces tokens print with: `tenants::is_allowed`.
pub fn path_text(path: &syn::Path) -> String {
    quote!(#path).to_string().replace(' ', "")
}

/// The span errors about the whole attribute use (missing keys): the `#[cors]` itself.
pub fn attribute_span() -> Span {
    Span::call_site()
}
