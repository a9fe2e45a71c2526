//! The `Access-Control-Request-Headers` splitter with arbitrary bytes: no panic, and every name
//! it yields is non-empty, comma-free and trimmed of spaces and tabs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in cors_rules::header_names(data) {
        assert!(!name.is_empty());
        assert!(!name.contains(&b','));
        assert!(![b' ', b'\t'].contains(&name[0]));
        assert!(![b' ', b'\t'].contains(&name[name.len() - 1]));
        let _ = std::str::from_utf8(name).map(cors_rules::is_token);
    }
});
