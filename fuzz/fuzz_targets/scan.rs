//! Scans arbitrary bytes (with a random sender, through three engines).
//! The checks are in `fanzha_tests::fuzz_checks`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fanzha_tests::fuzz_checks::check("scan", data);
});
