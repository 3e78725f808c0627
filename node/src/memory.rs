//! Handing freed memory back to the system after a burst of work (a cold subscribe, a large
//! catch-up). Allocators keep freed pages for reuse: per thread (mimalloc's heaps on the
//! threads that applied a page) and per arena (glibc's, which RocksDB's C++ uses). The
//! allocator is the binary's choice (`main.rs`), so the library only says *when*; the binary
//! installs *what*. Without an installed release, nothing happens (tests, other embedders).

use std::sync::OnceLock;

static RELEASE: OnceLock<fn()> = OnceLock::new();

/// Installs the process's release of freed memory; the first call wins.
pub fn set_release(release: fn()) {
    let _ = RELEASE.set(release);
}

/// Runs the installed release, if any. It may take milliseconds (it visits every worker
/// thread and allocator arena): call it from a blocking context, after a burst, not per step.
pub fn release() {
    if let Some(release) = RELEASE.get() {
        release();
    }
}
