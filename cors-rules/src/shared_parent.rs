//! Parent domains under which anyone can get a subdomain: a pattern over one of them lets in
//! sites its author does not control, whatever else the policy says.
//!
//! The judge is the whole Public Suffix List (<https://publicsuffix.org>), compiled into the
//! `psl` crate: its ICANN section (`co.uk`, where anyone registers `evil.co.uk`) and its private
//! section (`github.io`, where anyone publishes `evil.github.io`). The list embedded is the one of
//! the `psl` version in `Cargo.lock`; `cargo update -p psl` brings in the current one.
//!
//! A parent is refused when the list has a rule for it, or a wildcard rule for the names right
//! under it (`*.compute-1.amazonaws.com`: every EC2 host name there is a public suffix of its own,
//! so `*.compute-1.amazonaws.com` would match everyone's instances), with exception rules
//! honoured (`*.ck` and `!www.ck`: `foo.ck` is refused, `www.ck` is not). Only explicit rules
//! count: a parent under a top-level domain the list does not know (`app.localhost`,
//! `example.internal`) passes. A few platforms the list does not cover are kept by hand in
//! `NOT_IN_THE_LIST`.

use std::borrow::Cow;
use std::iter;

use psl::{Psl as _, Type};

use crate::problem::Problem;

/// Platforms whose names are all shared by many customers although the Public Suffix List has no
/// rule for the platform's own domain: a parent is refused when it is one of these or any name
/// under one (`ap-northeast-1.amazonaws.com`, whose `s3.` host serves every bucket of the region,
/// is no rule of the list either). Each was refused before the whole list was embedded. A test
/// checks that the list still does not refuse the domains themselves: drop an entry once it does.
const NOT_IN_THE_LIST: &[&str] = &[
    // The list has only deeper names (`s3.amazonaws.com`, `s3-website-us-east-1.amazonaws.com`,
    // `*.compute-1.amazonaws.com`, ...). The names right under `amazonaws.com` are such shared
    // endpoints, and path-style S3 URLs (`https://s3.amazonaws.com/any-bucket/page.html`) serve
    // every customer's bucket under one origin.
    "amazonaws.com",
    // Glitch served every project as `project-name.glitch.me`.
    "glitch.me",
    // localtunnel's public server hands anyone a `random-name.loca.lt` tunnel.
    "loca.lt",
    // The list has only `up.railway.app`, where Railway puts the service domains it generates;
    // kept so that nothing refused before passes now.
    "railway.app",
];

/// What the Public Suffix List says about a pattern's parent, when it says it is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listed {
    /// The parent itself is a public suffix, from this section of the list.
    Suffix(Type),
    /// The list has `*.{parent}`: each name right under the parent is a public suffix.
    Below(Type),
}

/// Looks `parent` (lowercase) up in the list, without allocating.
///
/// One look-up, of the pattern's own host `*.{parent}`: `psl` takes the labels right to left and
/// answers how long the suffix it found is. No rule has a `*` label but a wildcard, so the
/// suffix is `*.{parent}` when the list has the wildcard rule `*.{parent}`, else `{parent}` when
/// `parent` is a rule of its own, else shorter.
///
/// `psl` is generic over the labels' iterator, so the whole list is compiled into this crate, once
/// per iterator type: hence a single call, through `dyn Iterator`, which also builds faster than
/// a concrete type (figures in `benches/README.md`).
fn listed(parent: &[u8]) -> Option<Listed> {
    let mut labels = parent.rsplit(|&b| b == b'.').chain(iter::once(&b"*"[..]));
    let found = psl::List.find(&mut labels as &mut dyn Iterator<Item = &[u8]>);
    // `typ` is `None` when only the implicit `*` rule matched (an unknown top-level domain).
    let section = found.typ?;
    if found.len == "*.".len() + parent.len() {
        Some(Listed::Below(section))
    } else if found.len == parent.len() {
        Some(Listed::Suffix(section))
    } else {
        None
    }
}

/// Is `parent` one of [`NOT_IN_THE_LIST`] or a name under one?
fn on_unlisted_platform(parent: &str) -> bool {
    NOT_IN_THE_LIST.iter().any(|platform| {
        parent
            .strip_suffix(platform)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
    })
}

/// Refuses a pattern's parent domain (what follows `*.`) when anyone can get a subdomain of it.
pub(crate) fn check_parent(scheme: &str, parent: &str) -> Result<(), Problem> {
    // Patterns reach here before the origin rules refuse capitals, and the list is lowercase:
    // `*.GitHub.io` is judged (and refused) as `*.github.io`. Only such a parent is copied.
    let parent = if parent.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(parent.to_ascii_lowercase())
    } else {
        Cow::Borrowed(parent)
    };
    let hosting = || {
        Problem::new(format!(
            "would match every site hosted on `{parent}`, where anyone can publish one; list \
             your own site's exact origin instead, as in `{scheme}://your-name.{parent}`"
        ))
    };
    match listed(parent.as_bytes()) {
        Some(Listed::Suffix(Type::Icann)) => Err(Problem::new(format!(
            "would match every site registered under `.{parent}`, a public suffix; put the `*` \
             under your own domain, as in `{scheme}://*.example.{parent}`"
        ))),
        Some(Listed::Below(Type::Icann)) => Err(Problem::new(format!(
            "would match every name right under `.{parent}`, each of them a public suffix \
             where anyone can register a site; put the `*` under your own domain"
        ))),
        Some(Listed::Suffix(Type::Private) | Listed::Below(Type::Private)) => Err(hosting()),
        None if on_unlisted_platform(&parent) => Err(hosting()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTERED: &str = "a public suffix";
    const HOSTED: &str = "where anyone can publish one";
    const BELOW: &str = "each of them a public suffix";

    #[track_caller]
    fn refused(parent: &str, kind: &str) {
        match check_parent("https", parent) {
            Err(problem) => assert!(
                problem.message.contains(kind),
                "{parent}: {}",
                problem.message
            ),
            Ok(()) => panic!("{parent} passed"),
        }
    }

    /// The messages `tests/ui/pattern_multi_label_public_suffix.stderr` and
    /// `tests/ui/pattern_shared_hosting.stderr` pin, after "origin `...` ".
    #[test]
    fn the_two_messages_are_unchanged() {
        let message = |parent| check_parent("https", parent).unwrap_err().message;
        assert_eq!(
            message("co.uk"),
            "would match every site registered under `.co.uk`, a public suffix; put the `*` \
             under your own domain, as in `https://*.example.co.uk`"
        );
        assert_eq!(
            message("github.io"),
            "would match every site hosted on `github.io`, where anyone can publish one; list \
             your own site's exact origin instead, as in `https://your-name.github.io`"
        );
    }

    #[test]
    fn what_the_security_review_found_is_refused() {
        for parent in [
            "s3.amazonaws.com",
            "blob.core.windows.net",
            "r2.dev",
            "myshopify.com",
            "hf.space",
            "streamlit.app",
            "eu.org",
            "uk.com",
        ] {
            refused(parent, HOSTED);
        }
        for parent in ["gov.in", "edu.cn"] {
            refused(parent, REGISTERED);
        }
    }

    /// Nothing refused by the two hand-kept lists the whole list replaced passes now, and each
    /// keeps its message.
    #[test]
    fn what_the_old_hand_kept_lists_refused_still_is() {
        for parent in [
            "ac.jp", "ac.uk", "co.id", "co.il", "co.in", "co.jp", "co.ke", "co.kr", "co.nz",
            "co.th", "co.uk", "co.za", "com.ar", "com.au", "com.br", "com.cn", "com.co", "com.eg",
            "com.hk", "com.mx", "com.my", "com.ng", "com.pe", "com.ph", "com.pk", "com.sa",
            "com.sg", "com.tr", "com.tw", "com.ua", "com.vn", "edu.au", "go.jp", "gov.au",
            "gov.uk", "ltd.uk", "me.uk", "ne.jp", "net.au", "net.br", "net.cn", "net.in", "net.uk",
            "or.jp", "or.kr", "org.au", "org.br", "org.cn", "org.in", "org.nz", "org.uk", "plc.uk",
        ] {
            refused(parent, REGISTERED);
        }
        for parent in [
            "amazonaws.com",
            "appspot.com",
            "azurestaticapps.net",
            "azurewebsites.net",
            "bitbucket.io",
            "blogspot.com",
            "cloudfront.net",
            "codeberg.page",
            "deno.dev",
            "firebaseapp.com",
            "fly.dev",
            "github.io",
            "gitlab.io",
            "glitch.me",
            "herokuapp.com",
            "loca.lt",
            "netlify.app",
            "ngrok-free.app",
            "ngrok.app",
            "ngrok.io",
            "onrender.com",
            "pages.dev",
            "railway.app",
            "readthedocs.io",
            "repl.co",
            "replit.app",
            // Not a rule itself: the list has `*.replit.dev`.
            "replit.dev",
            "surge.sh",
            "trycloudflare.com",
            "up.railway.app",
            "vercel.app",
            "web.app",
            "webflow.io",
            "wixsite.com",
            "workers.dev",
        ] {
            refused(parent, HOSTED);
        }
    }

    #[test]
    fn the_hand_kept_list_holds_only_what_the_list_misses() {
        assert!(
            NOT_IN_THE_LIST.windows(2).all(|w| w[0] < w[1]),
            "keep the list sorted"
        );
        for parent in NOT_IN_THE_LIST {
            assert_eq!(*parent, parent.to_ascii_lowercase());
            assert!(
                parent.contains('.'),
                "{parent}: one label is refused earlier"
            );
            assert_eq!(
                listed(parent.as_bytes()),
                None,
                "{parent}: the Public Suffix List refuses it now, drop it from NOT_IN_THE_LIST"
            );
        }
    }

    #[test]
    fn wildcard_and_exception_rules() {
        // `*.ck` with `!www.ck`, and `*.kawasaki.jp` with `!city.kawasaki.jp` (ICANN section).
        refused("foo.ck", REGISTERED);
        assert!(check_parent("https", "www.ck").is_ok());
        refused("foo.kawasaki.jp", REGISTERED);
        assert!(check_parent("https", "city.kawasaki.jp").is_ok());
        // The names right under the wildcard's base are suffixes, exceptions aside.
        refused("kawasaki.jp", BELOW);
        refused("nom.br", BELOW);
        // `*.compute-1.amazonaws.com` (private section): every EC2 instance's public name.
        refused("compute-1.amazonaws.com", HOSTED);
        refused("ec2-192-0-2-1.compute-1.amazonaws.com", HOSTED);
        // Every name under `amazonaws.com` is the platform's (see `NOT_IN_THE_LIST`).
        refused("shop.ec2-192-0-2-1.compute-1.amazonaws.com", HOSTED);
        // `*.futurecms.at` and `*.ex.futurecms.at`: `psl` does not report `ex.futurecms.at`
        // as a suffix (a name that is also a deeper wildcard's base), the wildcard below does.
        refused("ex.futurecms.at", HOSTED);
        refused("teams.replit.dev", HOSTED);
        refused("a.ex.futurecms.at", HOSTED);
    }

    #[test]
    fn own_domains_under_those_parents_pass() {
        for parent in [
            "example.co.uk",
            "myorg.github.io",
            "example.com",
            "preview.example.com",
            "xn--bcher-kva.example",
            // The list only knows `localhost` and `internal` through its implicit `*` rule.
            "app.localhost",
            "example.internal",
        ] {
            assert!(check_parent("https", parent).is_ok(), "{parent}");
        }
    }

    /// The regional names under `amazonaws.com` are no rules of the list, nor is a bucket's name
    /// under `s3.amazonaws.com`, which S3 does not reserve to one owner (anyone may create the
    /// bucket `x.example`); every name under a hand-kept platform is refused.
    #[test]
    fn names_under_a_hand_kept_platform_are_refused() {
        assert_eq!(listed(b"ap-northeast-1.amazonaws.com"), None);
        for parent in [
            "ap-northeast-1.amazonaws.com",
            "example.s3.amazonaws.com",
            "execute-api.us-east-1.amazonaws.com",
            "my-project.glitch.me",
        ] {
            refused(parent, HOSTED);
        }
        // A suffix of the text, not of the labels, is another domain.
        assert!(check_parent("https", "notamazonaws.com.example.org").is_ok());
        assert!(check_parent("https", "myamazonaws.com").is_ok());
    }

    #[test]
    fn capitals_are_judged_like_the_lowercase_name() {
        refused("GitHub.io", HOSTED);
        refused("CO.UK", REGISTERED);
        refused("Amazonaws.com", HOSTED);
        assert!(check_parent("https", "Example.co.uk").is_ok());
    }
}
