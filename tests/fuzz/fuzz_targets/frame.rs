#![no_main]
//! Fuzz target: `sicc_tests::fuzz::frame`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sicc_tests::fuzz::frame(data));
