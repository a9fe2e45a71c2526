//! The origin and pattern rules with arbitrary strings: no panic, every suggested fix passes the
//! check it was suggested by, the runtime's quick origin check agrees with the full rules, an
//! accepted pattern matches one label and nothing shallower, and a loopback origin on any port
//! matches only its own host.
#![no_main]

use cors_rules::{
    check_loopback_any_port, check_origin, check_origin_pattern, is_serialized_origin,
    suggest_origin,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match check_origin(text) {
        Ok(()) => {}
        Err(problem) => {
            if let Some(fix) = &problem.suggestion {
                assert!(
                    check_origin(fix).is_ok(),
                    "{text:?}: suggested {fix:?} fails: {:?}",
                    check_origin(fix)
                );
            }
        }
    }
    // `is_serialized_origin` takes a one-pass shortcut for plain web origins.
    assert_eq!(
        is_serialized_origin(text),
        check_origin(text).is_ok(),
        "{text:?}"
    );
    let _ = suggest_origin(text);
    if let Ok(any_port) = check_loopback_any_port(text) {
        assert!(any_port.matches(any_port.origin.as_bytes()), "{text:?}");
        let with_port = format!("{}:5173", any_port.origin);
        assert!(any_port.matches(with_port.as_bytes()), "{text:?}");
        let lookalike = format!("{}.evil.net:5173", any_port.origin);
        assert!(!any_port.matches(lookalike.as_bytes()), "{text:?}");
    }
    match check_origin_pattern(text) {
        Ok(pattern) => {
            let one_label = format!("{}a{}", pattern.prefix, pattern.suffix);
            assert!(
                pattern.matches(one_label.as_bytes()),
                "{text:?} misses {one_label:?}"
            );
            assert!(
                check_origin(&one_label).is_ok(),
                "{text:?} matches invalid {one_label:?}"
            );
            let bare = format!("{}{}", pattern.prefix, &pattern.suffix[1..]);
            assert!(
                !pattern.matches(bare.as_bytes()),
                "{text:?} matches its parent"
            );
            let two_labels = format!("{}a.b{}", pattern.prefix, pattern.suffix);
            assert!(
                !pattern.matches(two_labels.as_bytes()),
                "{text:?} matches two labels"
            );
            // The pattern itself is never an origin it lets in.
            assert!(!pattern.matches(text.as_bytes()));
        }
        Err(problem) => {
            if let Some(fix) = &problem.suggestion {
                assert!(
                    check_origin_pattern(fix).is_ok() || check_origin(fix).is_ok(),
                    "{text:?}: suggested {fix:?} fails"
                );
            }
        }
    }
});
