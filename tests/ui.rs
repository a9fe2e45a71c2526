//! Pins every compile error `#[cors]` can produce: one file per mistake in `tests/ui/`, named
//! after the mistake, with the exact message in the `.stderr` file beside it.
//!
//! After changing a message on purpose, regenerate with `TRYBUILD=overwrite cargo test --test ui`
//! and review the diff of the `.stderr` files.

#[test]
fn compile_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
