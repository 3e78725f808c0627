#![no_main]
//! Fuzz target: `sicc_tests::fuzz::record`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sicc_tests::fuzz::record(data));
