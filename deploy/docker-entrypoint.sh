#!/bin/sh
# Initialises the data directory on first start (identity + config.toml), then runs sicc.
set -eu
dir="${SICC_DATA_DIR:-/var/lib/sicc}"
if [ "${1:-}" = "run" ] && [ ! -f "$dir/identity.key" ]; then
  sicc --data-dir "$dir" init \
    --name "${SICC_NODE_NAME:-sicc node}" \
    --country "${SICC_NODE_COUNTRY:-LV}" \
    --api-listen 0.0.0.0:7300
fi
exec sicc --data-dir "$dir" "$@"
