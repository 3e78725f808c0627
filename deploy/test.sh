#!/usr/bin/env bash
# The README's test command: installs build prerequisites, then builds and runs every test.
# One profile (dev) for everything; the target directory lives outside the checkout so that a
# second clone on the same machine rebuilds in seconds instead of recompiling RocksDB.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-build-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sicc-target}"
cargo build --locked --workspace --all-targets
cargo test --locked --workspace
