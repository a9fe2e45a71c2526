/// The methods a browser uppercases before sending them (Fetch Standard, "normalize a method").
/// Every other method, `PATCH` included, goes on the wire exactly as the page spelled it.
pub const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Is `method` one that `fetch()` refuses to send at all (Fetch Standard, "forbidden method")?
/// Compared case-insensitively, as the standard does.
///
/// ```
/// assert!(cors_rules::is_forbidden_method("TRACE"));
/// assert!(cors_rules::is_forbidden_method("connect"));
/// assert!(!cors_rules::is_forbidden_method("PROPFIND"));
/// ```
pub fn is_forbidden_method(method: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}
