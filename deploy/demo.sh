#!/usr/bin/env bash
# The README's demo command: installs build prerequisites, builds sicc and starts four federated
# national nodes (ES, FR, SE, LV), each with its sample data, sharing catalogues. Prints where to
# query them; runs until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-build-deps.sh --build-only
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sicc-target}"
cargo build --locked -p sicc-node --bin sicc
exec "$CARGO_TARGET_DIR/debug/sicc" --data-dir "${SICC_DEMO_DIR:-./sicc-demo}" demo "$@"
