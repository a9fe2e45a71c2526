//! Parsing `#[cors(key = value, ...)]` into typed values that keep their tokens, so that every
//! later error can point at the exact literal at fault.

use proc_macro2::{Delimiter, Span, TokenStream};
use quote::{quote, ToTokens};
use syn::ext::IdentExt;
use syn::parse::discouraged::Speculative;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitBool, LitInt, LitStr, Token};

use cors_rules::edit_distance;

use crate::handler::Handler;

/// Every key `#[cors]` accepts, in the order the reference lists them
/// (`cors-runtime/src/attribute_reference.md`, which a test holds to this list): the type its
/// value parses to, the function that parses it, and how a route's value combines with its named
/// policy's (`extend` a list, `replace` a scalar). This one table generates the arguments' struct,
/// the parser's dispatch, the "did you mean" list and the named-policy merge, the way
/// actix-web-codegen's `standard_method_type!` generates its method enum from one list.
/// A key written as a keyword (`crate`) names its field otherwise: `krate as "crate"`.
macro_rules! keys {
    ($($(#[$doc:meta])* $key:ident $(as $written:literal)?: $value:ty = $parse:ident, $merge:ident;)*) => {
        /// The keys, as written.
        const KEYS: &[&str] = &[$(key_text!($key $(as $written)?)),*];

        /// The arguments of one `#[cors(...)]`, parsed but not yet checked against the CORS rules.
        #[derive(Default)]
        pub struct CorsArgs {
            /// The named policy's own arguments, passed back in by its macro (see `named.rs`).
            pub named: Option<Named>,
            /// Every entry but `policy`, as written, to hand to the named policy's macro.
            pub entries: Vec<TokenStream>,
            $($(#[$doc])* pub $key: Option<$value>,)*
        }

        impl CorsArgs {
            /// Stores one `key = value`; returns whether the key was already set.
            fn set_key(&mut self, key: &Ident, value: Expr) -> syn::Result<bool> {
                Ok(match key.to_string().as_str() {
                    $(key_text!($key $(as $written)?) => {
                        set_once(&mut self.$key, $parse(key, value)?)
                    })*
                    name => return Err(syn::Error::new(key.span(), unknown_key_message(name))),
                })
            }

            /// The route's keys over the named policy's.
            fn merged(base: CorsArgs, route: CorsArgs) -> CorsArgs {
                CorsArgs {
                    named: None,
                    entries: Vec::new(),
                    $($key: $merge(base.$key, route.$key),)*
                }
            }
        }
    };
}

/// A key as written: its field's name, or the text given after `as`.
macro_rules! key_text {
    ($key:ident) => {
        stringify!($key)
    };
    ($key:ident as $written:literal) => {
        $written
    };
}

keys! {
    /// `policy = path::to::NAME`: a named policy this route builds on.
    policy: syn::Path = policy_path, replace;
    origins: StrList = str_list, extend;
    origins_env: LitStr = env_var_lit, replace;
    origin_fn: syn::Path = fn_path, replace;
    origin_fn_ttl: LitInt = int_lit, replace;
    origin_fn_cache_size: LitInt = count_lit, replace;
    origin_fn_timeout: LitInt = timeout_lit, replace;
    methods: StrList = str_list, extend;
    headers: StrList = str_list, extend;
    expose_headers: StrList = str_list, extend;
    credentials: LitBool = bool_lit, replace;
    max_age: LitInt = int_lit, replace;
    private_network: LitBool = bool_lit, replace;
    on_mismatch: LitStr = on_mismatch_lit, replace;
    /// `crate = ::path`: the path by which generated code reaches `cors-runtime`.
    krate as "crate": syn::Path = crate_path, replace;
}

/// A list key's merge: the named policy's entries, then the route's.
fn extend(base: Option<StrList>, route: Option<StrList>) -> Option<StrList> {
    match (base, route) {
        (Some(mut base), Some(route)) => {
            base.items.extend(route.items);
            Some(base)
        }
        (base, route) => base.or(route),
    }
}

/// A scalar key's merge: the route's value wins.
fn replace<T>(base: Option<T>, route: Option<T>) -> Option<T> {
    route.or(base)
}

/// Names people bring from actix-cors (its builder's methods) or other frameworks, mapped to ours.
const ALIASES: [(&str, &str); 16] = [
    ("allowed_origin", "origins"),
    ("allowed_origins", "origins"),
    ("allow_origins", "origins"),
    ("allowed_origin_fn", "origin_fn"),
    ("allowed_methods", "methods"),
    ("allow_methods", "methods"),
    ("allowed_header", "headers"),
    ("allowed_headers", "headers"),
    ("allow_headers", "headers"),
    ("expose", "expose_headers"),
    ("exposed_headers", "expose_headers"),
    ("supports_credentials", "credentials"),
    ("allow_credentials", "credentials"),
    ("allow_private_network_access", "private_network"),
    ("allow_private_network", "private_network"),
    ("named_policy", "policy"),
];

/// actix-cors settings that are no key here, and what to write instead.
const NOT_KEYS: [(&str, &str); 9] = [
    ("allow_any_origin", "write `origins = [\"*\"]`"),
    (
        "block_on_origin_mismatch",
        "write `on_mismatch = \"reject\"`",
    ),
    (
        "allow_any_method",
        "write `methods = [\"*\"]`, which allows the route's own methods",
    ),
    ("allow_any_header", "write `headers = [\"*\"]`"),
    ("expose_any_header", "write `expose_headers = [\"*\"]`"),
    (
        "send_wildcard",
        "there is no such setting: `origins = [\"*\"]` answers `*`, and a list of origins \
         answers with the request's own origin, which is what browsers check against",
    ),
    (
        "disable_vary_header",
        "there is no such setting: `Vary: Origin` keeps caches from handing one origin's answer \
         to another, so it is always sent when the answer depends on the origin",
    ),
    (
        "disable_preflight",
        "there is no such setting: browsers send a request that needs a preflight only after \
         this route's answer to it; a route that should not answer preflights should not have \
         `#[cors]`",
    ),
    (
        "permissive",
        "there is no such setting: list the origins the pages come from, or write \
         `origins = [\"*\"]` for any origin (without credentials)",
    ),
];

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
    /// Whether the route's `origins_env` is the named policy's: startup messages about the
    /// variable then name the policy it belongs to.
    pub binds_origins_env: bool,
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
        // Every mistake in the keys is reported at once; the first that leaves the rest unreadable
        // stops the parse.
        let mut errors: Option<syn::Error> = None;
        for entry in Punctuated::<Entry, Token![,]>::parse_terminated(input)? {
            if let Err(error) = args.set(entry) {
                match &mut errors {
                    Some(first) => first.combine(error),
                    None => errors = Some(error),
                }
            }
        }
        match errors {
            Some(error) => Err(error),
            None => Ok(args),
        }
    }
}

/// `key = value`, or a key written alone, which is an error (see [`without_value`]) that does not
/// keep the other entries from being read.
struct Entry {
    key: Ident,
    value: Option<Expr>,
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key: Ident = input.call(Ident::parse_any).map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `key = value`, for example `origins = [\"https://app.example.com\"]`",
            )
        })?;
        if input.is_empty() || input.peek(Token![,]) {
            return Ok(Entry { key, value: None });
        }
        input.parse::<Token![=]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected `=` after `{key}`, as in `{key} = ...`"),
            )
        })?;
        Ok(Entry {
            key,
            value: Some(parse_value(input)?),
        })
    }
}

/// A value, with a shortcut for the shapes nearly every policy uses, a literal or a list of
/// literals: `syn`'s general expression parser is the slowest part of parsing a policy, and it
/// runs unoptimized in dev builds, once per route. Anything else (including every mistake) goes
/// to the general parser, so errors and spans are the same either way.
fn parse_value(input: ParseStream) -> syn::Result<Expr> {
    if let Some(held) = invisible_group(input) {
        return parse_value.parse2(held);
    }
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

/// What a `macro_rules!` fragment (`$policy:path`, `$check:path`, `$origins:expr`) holds: it
/// reaches `#[cors]` wrapped in an invisible group, which the expression parser would keep as a
/// group around the path.
fn invisible_group(input: ParseStream) -> Option<TokenStream> {
    input
        .step(|cursor| match cursor.group(Delimiter::None) {
            Some((inside, _, rest)) => Ok((inside.token_stream(), rest)),
            None => Err(cursor.error("not an invisible group")),
        })
        .ok()
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
        let Some(value) = value else {
            return Err(without_value(&key));
        };
        if key != "policy" {
            self.entries.push(quote!(#key = #value));
        }
        if self.set_key(&key, value)? {
            return Err(syn::Error::new(
                key.span(),
                format!("`{key}` is given twice; write it once (merge the two values)"),
            ));
        }
        Ok(())
    }
}

impl CorsArgs {
    /// The path by which generated code reaches `cors-runtime`: `crate = path`, or
    /// `::cors_runtime`, the name Cargo gives the dependency unless it is renamed.
    pub fn runtime(&self) -> syn::Path {
        match &self.krate {
            Some(path) => path.clone(),
            None => syn::parse_quote!(::cors_runtime),
        }
    }
}

impl CorsArgs {
    /// Folds the named policy (if any) under the route's own keys: list keys extend the named
    /// policy's lists, scalar keys replace its values. The result is checked as one policy.
    pub fn merge_named(mut self) -> (CorsArgs, Option<NamedUse>) {
        let Some(Named {
            name,
            path,
            args: base,
        }) = self.named.take()
        else {
            return (self, None);
        };
        let binds_origin_fn = self.origin_fn.is_none() && base.origin_fn.is_some();
        let binds_origins_env = self.origins_env.is_none() && base.origins_env.is_some();
        let mut merged = CorsArgs::merged(*base, self);
        // The route's own `policy` key was handed to the policy's macro rather than back: the
        // merged policy records what it built on, for errors to point at (`WrittenAt`).
        merged.policy = Some(path.clone());
        let named = NamedUse {
            name,
            path,
            binds_origin_fn,
            binds_origins_env,
        };
        (merged, Some(named))
    }
}

/// The error for a key written without a value: a flag (`credentials`, as a builder method would
/// set it) takes `= true`; an unknown key is reported as such.
fn without_value(key: &Ident) -> syn::Error {
    let name = key.to_string();
    let takes_a_bool = || {
        let value = Expr::Lit(ExprLit {
            attrs: Vec::new(),
            lit: Lit::Bool(LitBool::new(true, key.span())),
        });
        CorsArgs::default().set_key(key, value).is_ok()
    };
    let message = if !KEYS.contains(&name.as_str()) {
        unknown_key_message(&name)
    } else if takes_a_bool() {
        format!("`{name}` needs a value: write `{name} = true`")
    } else {
        format!("expected `=` after `{name}`, as in `{name} = ...`")
    };
    syn::Error::new(key.span(), message)
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
        "the path of a function `fn(&str) -> bool`, `fn(&str, &T) -> bool` (`T` from the app's \
         `web::Data<T>`), or an `async fn` of either form, like \
         `{key} = tenants::is_allowed_origin` (not a string or a closure)"
    );
    path_value(key, value, &expected)
}

fn crate_path(key: &Ident, value: Expr) -> syn::Result<syn::Path> {
    if let Expr::Lit(ExprLit {
        lit: Lit::Str(quoted),
        ..
    }) = &value
    {
        return Err(syn::Error::new_spanned(
            quoted,
            format!(
                "`{key}` takes a path, unquoted: write `{key} = {}`",
                quoted.value()
            ),
        ));
    }
    let expected = format!(
        "the path by which this crate reaches `cors-runtime`, unquoted, like `{key} = ::cors` for \
         a dependency renamed `cors` in Cargo.toml"
    );
    path_value(key, value, &expected)
}

fn env_var_lit(key: &Ident, value: Expr) -> syn::Result<LitStr> {
    str_lit(key, value, "\"CORS_ALLOWED_ORIGINS\"")
}

fn on_mismatch_lit(key: &Ident, value: Expr) -> syn::Result<LitStr> {
    str_lit(key, value, "\"reject\"")
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
    whole_number(
        key,
        value,
        "a whole number of seconds from 0 to 86400",
        "600",
    )
}

fn count_lit(key: &Ident, value: Expr) -> syn::Result<LitInt> {
    whole_number(key, value, "a whole number of answers", "10000")
}

fn timeout_lit(key: &Ident, value: Expr) -> syn::Result<LitInt> {
    whole_number(key, value, "a whole number of seconds from 1 to 60", "5")
}

/// An integer literal; anything else is refused with what the key takes and an example.
fn whole_number(key: &Ident, value: Expr, takes: &str, example: &str) -> syn::Result<LitInt> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => Ok(lit),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes {takes}, like `{key} = {example}`"),
        )),
    }
}

fn unknown_key_message(name: &str) -> String {
    if let Some((_, instead)) = NOT_KEYS.iter().find(|(setting, _)| *setting == name) {
        return format!("unknown key `{name}`; {instead}");
    }
    if let Some((_, key)) = ALIASES.iter().find(|(alias, _)| *alias == name) {
        return format!("unknown key `{name}`; did you mean `{key}`?");
    }
    let guess = KEYS
        .iter()
        .copied()
        .find(|key| edit_distance(key, name) <= 2);
    let keys = KEYS.join(", ");
    match guess {
        Some(key) => format!("unknown key `{name}`; did you mean `{key}`? (the keys are {keys})"),
        None => format!("unknown key `{name}`; the keys are {keys}"),
    }
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

/// Where errors about the whole attribute (a missing key, `#[cors]` below a routing macro) point:
/// the `#[cors(..)]` the user wrote. A route built on a named policy is expanded a second time by
/// the policy's macro, whose call site is the `policy!` declaration; there the part of the user's
/// attribute still at hand is the policy's path, as the route wrote it, so errors point at it.
#[derive(Clone, Copy)]
pub struct WrittenAt {
    first: Span,
    last: Span,
}

impl WrittenAt {
    /// `named_policy`: the path by which the route names the policy it builds on, if any.
    pub fn new(named_policy: Option<&syn::Path>) -> Self {
        let Some(path) = named_policy else {
            return WrittenAt {
                first: Span::call_site(),
                last: Span::call_site(),
            };
        };
        let mut tokens = path.to_token_stream().into_iter();
        let first = tokens.next().map_or_else(Span::call_site, |t| t.span());
        let last = tokens.last().map_or(first, |t| t.span());
        WrittenAt { first, last }
    }

    pub fn error(self, message: impl std::fmt::Display) -> syn::Error {
        // Two tokens, for the error to span from the first to the last.
        syn::Error::new_spanned(self.spanning(quote!(cors attribute)), message)
    }

    /// `tokens`, their first token spanned at the start of the attribute and the others at its
    /// end: the compiler underlines from one to the other.
    pub fn spanning(self, tokens: TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .enumerate()
            .map(|(index, mut token)| {
                token.set_span(if index == 0 { self.first } else { self.last });
                token
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::KEYS;

    /// The reference table lists exactly the keys the parser accepts, in the same order.
    #[test]
    fn the_reference_lists_every_key_in_order() {
        let reference = include_str!("../../cors-runtime/src/attribute_reference.md");
        let documented: Vec<&str> = reference
            .lines()
            .filter_map(|row| row.strip_prefix("| `"))
            .filter_map(|row| row.split_once('`'))
            .map(|(key, _)| key)
            .collect();
        assert_eq!(documented, KEYS);
    }
}
