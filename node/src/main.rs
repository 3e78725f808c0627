//! The `sicc` binary: everything is in the library (`sicc_node::cli`), except the choice and
//! tuning of the memory allocator, which belongs to the process.

/// glibc's allocator kept the peak of a large sync resident long after it (its mmap threshold
/// grows after the first big free, so later multi-megabyte frames fragment the heap): 761 MB
/// after a 2,000-document cold subscribe. mimalloc hands freed memory back to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Option numbers of `mi_option_e` in mimalloc.h (v3, the version libmimalloc-sys builds).
const MI_OPTION_ARENA_EAGER_COMMIT: i32 = 4;
const MI_OPTION_PURGE_DECOMMITS: i32 = 5;
const MI_OPTION_PURGE_DELAY: i32 = 15;
const MI_OPTION_ALLOW_THP: i32 = 43;

/// Returns freed memory at once instead of after a delay, and commits arenas lazily: a node
/// holding 10,000 shared documents measured 213 MB resident after syncing them with mimalloc's
/// defaults and 124 MB with these (`sicc-bench`, memory figure; goal < 150 MB).
#[allow(unsafe_code)]
fn tune_allocator() {
    // SAFETY: `mi_option_set` stores an integer in mimalloc's option table. It is called first
    // thing in `main`, before any other thread exists, with option numbers from mimalloc.h.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DECOMMITS, 1);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
    no_transparent_huge_pages();
}

/// Transparent huge pages off for the whole process (where the system offers them on
/// request): a 2 MiB huge page stays resident as long as any of it is in use, and after a
/// sync the freed memory is spread thin over many. A node holding 10,000 shared documents
/// measured 100-107 MB after sync and 81-86 MB after restart with them off, 110-117 and
/// 93-101 MB with them on (`sicc-bench --only subscribe`, three runs each); sync times alike.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn no_transparent_huge_pages() {
    // SAFETY: `prctl(PR_SET_THP_DISABLE)` only sets a flag of the calling process; it fails
    // (harmlessly, ignored) on kernels without it.
    unsafe {
        let (on, unused): (libc::c_ulong, libc::c_ulong) = (1, 0);
        libc::prctl(libc::PR_SET_THP_DISABLE, on, unused, unused, unused);
    }
}

#[cfg(not(target_os = "linux"))]
fn no_transparent_huge_pages() {}

/// Hands freed memory back after a burst of work (the sync engine decides when,
/// `sicc_node::memory`). mimalloc keeps a thread's freed pages until that thread collects them,
/// and rayon's threads, which applied the pages, sleep once a cold subscribe is over. glibc's
/// arenas (RocksDB's C++ allocates there) keep freed chunks below their top.
#[allow(unsafe_code)]
fn release_freed_memory() {
    rayon::broadcast(|_| collect_this_thread());
    collect_this_thread();
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free chunks of glibc's arenas to the system, under
    // their locks; any thread may call it at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[allow(unsafe_code)]
fn collect_this_thread() {
    // SAFETY: `mi_collect` frees the calling thread's unused pages (and purges arenas); any
    // thread may call it at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// Files sicc creates are its user's alone (0600, directories 0700): the database's files, the
/// search index, backups. The data directory is private as well, but a copy moved elsewhere
/// keeps its modes.
#[allow(unsafe_code)]
fn private_files() {
    // SAFETY: `umask` sets the process's file mode mask and cannot fail; it is called first
    // thing in `main`, before any other thread exists.
    unsafe {
        libc::umask(0o077);
    }
}

/// Names rayon's threads (one per core; the sync engine checks and applies changes on them,
/// `sicc_node::parallel`) so that `top -H` and profiles tell them from tokio's.
fn name_work_threads() {
    // Fails only if the pool was already built, which nothing does before `main`.
    let _ = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("sicc-work-{i}"))
        .build_global();
}

fn main() {
    tune_allocator();
    private_files();
    name_work_threads();
    sicc_node::memory::set_release(sicc_node::memory::Release {
        process: release_freed_memory,
        this_thread: collect_this_thread,
    });
    std::process::exit(sicc_node::cli::main());
}
