#!/usr/bin/env bash
# Installs what a fresh Debian machine with only Rust lacks to build and test sicc:
# clang and libclang (bindgen in librocksdb-sys, which compiles the bundled RocksDB), and
# Debian's chromium and chromium-driver (the web UI's browser test), and faketime (the fault
# suite's clock skew). `--build-only` skips the test-only packages.
set -euo pipefail
missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
if ! ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 && ! ldconfig -p 2>/dev/null | grep -q 'libclang'; then
  missing+=(libclang-dev)
fi
if [ "${1:-}" != "--build-only" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  # libfaketime: the clock-skew scenario of sicc-faults.
  ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || missing+=(faketime)
  # mkfs.ext4 and losetup: the disk-full scenario's small loop filesystem.
  command -v mkfs.ext4 >/dev/null 2>&1 || missing+=(e2fsprogs)
  command -v losetup >/dev/null 2>&1 || missing+=(mount)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing ${missing[*]} (RocksDB's bindings; the browser test)" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
