//! Parses arbitrary TOML pack sources and compiles what validates.
//! The checks are in `fanzha_tests::fuzz_checks`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fanzha_tests::fuzz_checks::check("pack_toml", data);
});
