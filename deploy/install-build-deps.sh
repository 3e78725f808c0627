#!/usr/bin/env bash
# Installs what a fresh Debian machine with only Rust lacks to build sicc:
# clang and libclang (bindgen in librocksdb-sys, which compiles the bundled RocksDB).
set -euo pipefail
missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
if ! ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 && ! ldconfig -p 2>/dev/null | grep -q 'libclang'; then
  missing+=(libclang-dev)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing ${missing[*]} (needed to build RocksDB's bindings)" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang libclang-dev >/dev/null
