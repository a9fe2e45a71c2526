//! Parent domains under which anyone can get a subdomain: a pattern over one of them lets in
//! sites its author does not control, whatever else the policy says.
//!
//! Two kinds: public suffixes with two labels (`co.uk`, where anyone registers `evil.co.uk`),
//! and multi-tenant hosting platforms (`github.io`, where anyone publishes `evil.github.io`).
//! Both lists are the most common entries of the Public Suffix List (<https://publicsuffix.org>),
//! not all of it: they catch the usual mistakes, and the README says so.

use crate::problem::Problem;

/// Two-label public suffixes (the ICANN section of the Public Suffix List) in common use.
const PUBLIC_SUFFIXES: &[&str] = &[
    "ac.jp", "ac.uk", "co.id", "co.il", "co.in", "co.jp", "co.ke", "co.kr", "co.nz", "co.th",
    "co.uk", "co.za", "com.ar", "com.au", "com.br", "com.cn", "com.co", "com.eg", "com.hk",
    "com.mx", "com.my", "com.ng", "com.pe", "com.ph", "com.pk", "com.sa", "com.sg", "com.tr",
    "com.tw", "com.ua", "com.vn", "edu.au", "go.jp", "gov.au", "gov.uk", "ltd.uk", "me.uk",
    "ne.jp", "net.au", "net.br", "net.cn", "net.in", "net.uk", "or.jp", "or.kr", "org.au",
    "org.br", "org.cn", "org.in", "org.nz", "org.uk", "plc.uk",
];

/// Hosting platforms that give every customer a subdomain (the private section of the Public
/// Suffix List) in common use.
const SHARED_HOSTING: &[&str] = &[
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
    "replit.dev",
    "surge.sh",
    "trycloudflare.com",
    "up.railway.app",
    "vercel.app",
    "web.app",
    "webflow.io",
    "wixsite.com",
    "workers.dev",
];

/// Refuses a pattern's parent domain (what follows `*.`) when anyone can get a subdomain of it.
pub(crate) fn check_parent(scheme: &str, parent: &str) -> Result<(), Problem> {
    let is = |list: &[&str]| list.iter().any(|s| s.eq_ignore_ascii_case(parent));
    if is(PUBLIC_SUFFIXES) {
        return Err(Problem::new(format!(
            "would match every site registered under `.{parent}`, a public suffix; put the `*` \
             under your own domain, as in `{scheme}://*.example.{parent}`"
        )));
    }
    if is(SHARED_HOSTING) {
        return Err(Problem::new(format!(
            "would match every site hosted on `{parent}`, where anyone can publish one; list \
             your own site's exact origin instead, as in `{scheme}://your-name.{parent}`"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_lowercase_and_two_labels_or_more() {
        for list in [PUBLIC_SUFFIXES, SHARED_HOSTING] {
            assert!(
                list.windows(2).all(|w| w[0] < w[1]),
                "keep the lists sorted"
            );
            for parent in list {
                assert_eq!(*parent, parent.to_ascii_lowercase());
                assert!(
                    parent.contains('.'),
                    "{parent}: one label is refused earlier"
                );
            }
        }
    }

    #[test]
    fn own_domains_under_those_parents_pass() {
        assert!(check_parent("https", "example.co.uk").is_ok());
        assert!(check_parent("https", "myorg.github.io").is_ok());
        assert!(check_parent("https", "co.uk").is_err());
        assert!(check_parent("https", "GitHub.io").is_err());
    }
}
