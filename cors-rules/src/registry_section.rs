//! The link section in which every `#[cors]` policy `static` is placed on Linux and Android, so
//! that `cors_runtime::policies()` can read them all as one array. The macro writes the name on
//! each policy and the runtime reads the section by it: both take it from here.
//!
//! A macro rather than a constant, because the runtime needs it inside attributes
//! (`link_section`, and `link_name` with `__start_`/`__stop_` prepended by `concat!`), which take
//! literals and macros only. It carries the crates' major and minor version: two incompatible
//! versions of the crates in one program lay `Policy` out differently, and must not read each
//! other's arrays. It is a C identifier, so that the linker defines the `__start_` and `__stop_`
//! symbols.

/// The name of the policy registry's link section (see the module docs). Not part of the public
/// API.
#[doc(hidden)]
#[macro_export]
macro_rules! __registry_section {
    () => {
        "cors_runtime_0_1_policies"
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_section_name_carries_the_crates_major_and_minor_version() {
        let expected = format!(
            "cors_runtime_{}_{}_policies",
            env!("CARGO_PKG_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(__registry_section!(), expected);
    }
}
