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

pub(crate) fn is_token_bytes(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
