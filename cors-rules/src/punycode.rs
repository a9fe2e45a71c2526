//! Punycode (RFC 3492): the encoder turns a non-ASCII host the user wrote into the `xn--` form a
//! browser sends, so that the compile error can suggest it; the decoder tells an `xn--` label a
//! browser can produce from one it cannot, which then names no page's origin.

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

/// Encodes one label's code points; `None` on arithmetic overflow (absurdly long labels).
pub(crate) fn encode_label(label: &str) -> Option<String> {
    let input: Vec<u32> = label.chars().map(u32::from).collect();
    let mut output: String = label.chars().filter(char::is_ascii).collect();
    let basic_count = output.len() as u32;
    if basic_count > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut handled = basic_count;
    while (handled as usize) < input.len() {
        let next = input.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((next - n).checked_mul(handled + 1)?)?;
        n = next;
        for &c in &input {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic_count);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(output)
}

/// Is `label` (lowercase, starting with `xn--`) a label a browser can put in an origin? Its
/// punycode must decode (RFC 3492, section 6.2) to code points of which at least one is not ASCII
/// (else the label would be written as it is), and encode back to the same text (a browser only
/// ever writes the one canonical encoding). Decoded code points a browser's host mapping (UTS 46)
/// never leaves in a host are refused too: controls, white space, uppercase letters, and ASCII
/// other than letters, digits and `-`. The full UTS 46 tables are not embedded, so a label of
/// other code points that UTS 46 disallows can still pass; none can be granted by a pattern or
/// `origin_fn` that a browser could not also send.
pub(crate) fn is_valid_a_label(label: &str) -> bool {
    let Some(encoded) = label.strip_prefix("xn--") else {
        return false;
    };
    let Some(decoded) = decode_label(encoded) else {
        return false;
    };
    let mappable = |c: &char| match c {
        'a'..='z' | '0'..='9' | '-' => true,
        c if c.is_ascii() => false,
        c => !c.is_control() && !c.is_whitespace() && !c.is_uppercase(),
    };
    decoded.iter().any(|c| !c.is_ascii())
        && decoded.iter().all(mappable)
        && encode_label(&decoded.iter().collect::<String>()).as_deref() == Some(encoded)
}

/// Decodes one label's punycode; `None` where RFC 3492 says the input is invalid (a digit out of
/// range, an overflow, a code point that is not a scalar value) or it decodes to nothing.
fn decode_label(encoded: &str) -> Option<Vec<char>> {
    let (basic, extended) = match encoded.rfind('-') {
        Some(delimiter) => (&encoded[..delimiter], &encoded[delimiter + 1..]),
        None => ("", encoded),
    };
    if !basic.is_ascii() {
        return None;
    }
    let mut output: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut digits = extended.bytes();
    while digits.len() > 0 {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let digit = digit_value(digits.next()?)?;
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = threshold(k, bias);
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let points = output.len() as u32 + 1;
        bias = adapt(i - old_i, points, old_i == 0);
        n = n.checked_add(i / points)?;
        i %= points;
        output.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    (!output.is_empty()).then_some(output)
}

/// A punycode digit's value; browsers send lowercase hosts, so only lowercase letters count.
fn digit_value(byte: u8) -> Option<u32> {
    match byte {
        b'a'..=b'z' => Some(u32::from(byte - b'a')),
        b'0'..=b'9' => Some(u32::from(byte - b'0') + 26),
        _ => None,
    }
}

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        T_MIN
    } else if k >= bias + T_MAX {
        T_MAX
    } else {
        k - bias
    }
}

fn adapt(delta: u32, points: u32, first_time: bool) -> u32 {
    let mut delta = if first_time { delta / DAMP } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

fn digit(d: u32) -> char {
    let d = d as u8;
    char::from(if d < 26 { b'a' + d } else { b'0' + d - 26 })
}

#[cfg(test)]
mod tests {
    use super::{decode_label, encode_label, is_valid_a_label};

    #[test]
    fn decoding_inverts_encoding() {
        for label in ["bücher", "münchen", "例え", "3年B組金八先生", "ü-ü"] {
            let encoded = encode_label(label).unwrap();
            assert_eq!(
                decode_label(&encoded).unwrap().iter().collect::<String>(),
                label
            );
        }
    }

    #[test]
    fn labels_browsers_produce_and_labels_they_refuse() {
        for valid in ["xn--bcher-kva", "xn--mnchen-3ya", "xn--r8jz45g"] {
            assert!(is_valid_a_label(valid), "{valid}");
        }
        for invalid in [
            "xn--a",          // decodes to U+0080, a control
            "xn--",           // decodes to nothing
            "xn--abc-",       // decodes to plain ASCII, which is written as it is
            "xn--abc",        // decodes to controls
            "xn--bcher-kva9", // ends inside a code point's digits
            "xn--bcher-kv",   // likewise
            "xn--Bcher-kva",  // uppercase is never sent
            "xn--bcher_-kva",
            "xn--zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", // overflow
            "bcher-kva",
        ] {
            assert!(!is_valid_a_label(invalid), "{invalid}");
        }
    }

    #[test]
    fn rfc_3492_and_common_examples() {
        assert_eq!(encode_label("bücher").as_deref(), Some("bcher-kva"));
        assert_eq!(encode_label("münchen").as_deref(), Some("mnchen-3ya"));
        assert_eq!(encode_label("例え").as_deref(), Some("r8jz45g"));
        // RFC 3492 section 7.1, sample (L): 3<nen>B<gumi><kinpachi><sensei>
        assert_eq!(
            encode_label("3年B組金八先生").as_deref(),
            Some("3B-ww4c5e180e575a65lsy2b")
        );
    }
}
