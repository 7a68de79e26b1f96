//! Loads arbitrary bytes as a binary pack (also with a verification key, and with a repaired header).
//! The checks are in `fanzha_tests::fuzz_checks`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fanzha_tests::fuzz_checks::check("pack_binary", data);
});
