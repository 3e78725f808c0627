#![no_main]
//! Fuzz target: `sicc_tests::fuzz::signature`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sicc_tests::fuzz::signature(data));
