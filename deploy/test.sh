#!/usr/bin/env bash
# The README's test command: installs build prerequisites, then builds and runs every test.
# One profile (dev) for everything; the target directory lives outside the checkout so that a
# second clone on the same machine rebuilds in seconds instead of recompiling RocksDB.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-build-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sicc-target}"
cargo build --locked --workspace --all-targets
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
# --no-fail-fast: every test binary runs even when one fails, so one red run shows everything.
cargo test --locked --workspace --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# Only cargo's summary lines count (tests' own output may contain the same words).
passed=$(grep -E '^test result:' "$log" | grep -Eo '[0-9]+ passed' | awk '{s += $1} END {print s + 0}')
failed=$(grep -E '^test result:' "$log" | grep -Eo '[0-9]+ failed' | awk '{s += $1} END {print s + 0}')
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
