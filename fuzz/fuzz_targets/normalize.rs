//! Normalises arbitrary bytes and checks the span-mapping invariants.
//! The checks are in `fanzha_tests::fuzz_checks`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fanzha_tests::fuzz_checks::check("normalize", data);
});
