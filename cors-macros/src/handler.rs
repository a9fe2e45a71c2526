//! The annotated handler, parsed only as far as `#[cors]` needs: its attributes (to find and read
//! the routing attribute), its visibility and its signature (to rename it). The body stays the
//! token group it came in as.
//!
//! `syn::ItemFn` would parse every statement of the body into a syntax tree and print it all
//! back, and that was most of the macro's own time: proc macros run unoptimized in dev builds,
//! and an application expands `#[cors]` once per route. Nothing here reads the body; rustc parses
//! it anyway, and reports its errors.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::{ToTokens, TokenStreamExt};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Signature, Visibility};

pub struct Handler {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub sig: Signature,
    /// The `{ .. }` of the function, untouched.
    body: Group,
}

impl Parse for Handler {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let body = input.step(|cursor| match cursor.token_tree() {
            Some((TokenTree::Group(body), rest)) if body.delimiter() == Delimiter::Brace => {
                Ok((body, rest))
            }
            _ => Err(cursor.error(
                "expected the function's body, `{ ... }`: `#[cors]` goes on a handler definition",
            )),
        })?;
        Ok(Handler {
            attrs,
            vis,
            sig,
            body,
        })
    }
}

impl ToTokens for Handler {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append_all(&self.attrs);
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.body.to_tokens(tokens);
    }
}
