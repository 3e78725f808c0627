#![no_main]
//! Fuzz target: `sicc_tests::fuzz::change`. libFuzzer's panic hook aborts on any panic, also
//! one the node catches (Automerge panics on some crafted changes; `apply_batch` refuses
//! them): the default hook puts the node's own behaviour back. A panic that escapes still
//! aborts, since `fuzz_target!` aborts on an unwinding panic.
libfuzzer_sys::fuzz_target!(
    init: {
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| sicc_tests::fuzz::change(data)
);
