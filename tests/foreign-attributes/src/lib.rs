//! An attribute macro named like actix-web's `#[trace]` routing macro, as another crate (a
//! tracing or metrics crate) has one: what `#[cors]` must look past to the routing attribute.
//! No dependencies, so that it costs the test build next to nothing.

use proc_macro::{Delimiter, Group, TokenStream, TokenTree};

/// `#[trace(counter = CALLS)]`: counts the calls of the function it is written on in `CALLS`, an
/// `AtomicUsize` in scope, so that a test sees the attribute was kept on the handler.
/// `#[trace]` and any other arguments leave the function as it is.
#[proc_macro_attribute]
pub fn trace(args: TokenStream, item: TokenStream) -> TokenStream {
    let args: Vec<TokenTree> = args.into_iter().collect();
    let counter = match args.as_slice() {
        [TokenTree::Ident(key), TokenTree::Punct(eq), TokenTree::Ident(counter)]
            if key.to_string() == "counter" && eq.as_char() == '=' =>
        {
            counter.clone()
        }
        _ => return item,
    };
    let mut item: Vec<TokenTree> = item.into_iter().collect();
    if let Some(TokenTree::Group(body)) = item.last_mut() {
        if body.delimiter() == Delimiter::Brace {
            let count: TokenStream =
                format!("{counter}.fetch_add(1, ::std::sync::atomic::Ordering::SeqCst);")
                    .parse()
                    .expect("a statement");
            let mut counted = count;
            counted.extend(body.stream());
            *body = Group::new(Delimiter::Brace, counted);
        }
    }
    item.into_iter().collect()
}
