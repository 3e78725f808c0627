#![no_main]
//! Fuzz target: `sicc_tests::fuzz::manifest`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sicc_tests::fuzz::manifest(data));
