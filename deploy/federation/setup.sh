#!/usr/bin/env bash
# Prepares the four data directories of the Compose federation: one identity per country
# (created here, never committed), that country's config from deploy/federation/<cc>.toml, and
# the same roster in every config (compose service names as DNS addresses). Then:
#   docker compose -f deploy/compose.yaml up -d
# Needs a `sicc` binary on PATH (or SICC=path/to/sicc); rerunning keeps existing identities.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sicc="${SICC:-sicc}"
countries=(es fr se lv)
declare -A ids
for cc in "${countries[@]}"; do
  dir="$here/data/$cc"
  if [ ! -f "$dir/identity.key" ]; then
    "$sicc" --data-dir "$dir" init --country "${cc^^}" >/dev/null
  fi
  ids[$cc]="$("$sicc" --data-dir "$dir" id)"
done
for cc in "${countries[@]}"; do
  config="$here/data/$cc/config.toml"
  cp "$here/$cc.toml" "$config"
  for peer in "${countries[@]}"; do
    cat >> "$config" <<ROSTER

[[members]]
name = "SICC ${peer^^}"
country = "${peer^^}"
node_id = "${ids[$peer]}"
addrs = ["/dns4/sicc-$peer/tcp/7301", "/dns4/sicc-$peer/udp/7301/quic-v1"]
ROSTER
  done
  "$sicc" --data-dir "$here/data/$cc" config check >/dev/null
  echo "${cc^^}: ${ids[$cc]}"
done
# The image runs as uid 10001.
if [ "$(id -u)" = 0 ]; then chown -R 10001:10001 "$here/data"; fi
echo "ready: docker compose -f deploy/compose.yaml up -d"
