/// Is `s` an HTTP token (RFC 9110 section 5.6.2), the grammar of method and header names?
///
/// ```
/// assert!(cors_rules::is_token("PROPFIND"));
/// assert!(cors_rules::is_token("X-Request-Id"));
/// assert!(!cors_rules::is_token("X Request"));
/// assert!(!cors_rules::is_token(""));
/// ```
pub fn is_token(s: &str) -> bool {
    is_token_bytes(s.as_bytes())
}

/// [`is_token`] for bytes as they arrive in a request header, which need not be UTF-8.
///
/// ```
/// assert!(cors_rules::is_token_bytes(b"X-Token"));
/// assert!(!cors_rules::is_token_bytes(b"x-tok\xe9n"));
/// ```
pub fn is_token_bytes(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
