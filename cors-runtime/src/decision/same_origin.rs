//! Whether a request with `Origin` comes from the server's own origin: `on_mismatch = "reject"`
//! must let those through. Same-origin requests carry `Origin` too (on `POST`, for example). The
//! browser's `Sec-Fetch-Site` header says which they are where it is sent (all current browsers);
//! without it, the request's `Origin` is compared with the server's own scheme and host.

/// `sec_fetch_site` is the request's `Sec-Fetch-Site`, `origin` its `Origin`, and `scheme` and
/// `host` the server's own, as the framework sees them (behind a proxy, from `Forwarded`).
pub fn is_same_origin(
    sec_fetch_site: Option<&[u8]>,
    origin: Option<&[u8]>,
    scheme: &str,
    host: &str,
) -> bool {
    if let Some(site) = sec_fetch_site {
        // `none`: the user started it (typed the address, used a bookmark); `same-site` is a
        // sibling subdomain, which is another origin.
        return site == b"same-origin" || site == b"none";
    }
    let Some(origin) = origin else {
        return true;
    };
    origin
        .strip_prefix(scheme.as_bytes())
        .and_then(|rest| rest.strip_prefix(b"://"))
        .is_some_and(|rest| rest == host.as_bytes())
}
