#!/usr/bin/env bash
# The sicc container image and the four-country Compose federation, built and run for real with
# Debian's podman and runc (no image registry needed). Run as root, from anywhere:
#
#   deploy/container-test.sh [path/to/sicc]     (default: $CARGO_TARGET_DIR/debug/sicc)
#
# 1. installs what it needs (podman, runc, debootstrap, podman-compose, CNI's dnsname plugin);
# 2. makes a Debian bookworm base image with debootstrap, once (cached under
#    $SICC_CONTAINER_CACHE, default: the shared target directory's parent /sicc-container);
# 3. builds the runtime stage of deploy/Dockerfile with the given sicc (SICC_BINARY=prebuilt) and
#    a proxy image with Debian's Caddy standing in for `caddy:2`;
# 4. runs deploy/federation/setup.sh and deploy/compose.yaml (project `sicctest`, in a copy of
#    deploy/ under a temporary directory), then checks: every node healthy (`sicc healthcheck`,
#    the image's HEALTHCHECK), the processes run as uid 10001 with a private data directory,
#    the API answers only as the staff-access rules allow (nothing without an account, 421 for
#    a foreign Host, a staff login through the TLS proxy), a record published in one node
#    reaches the three others, and a node killed and restarted keeps its data and catches up.
# Ends with `container test: N of N checks passed` (exit 0) or the first failure (exit 1).
# SICC_CONTAINER_KEEP=1 leaves the federation running afterwards, for a look.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-/var/tmp/sicc-target}"
bin="$(realpath "${1:-$target/debug/sicc}")"
cache="${SICC_CONTAINER_CACHE:-$(dirname "$target")/sicc-container}"
project=sicctest
passed=0
checks=0

say() { printf '%s container-test: %s\n' "$(date +%T)" "$*"; }
fail() {
  say "FAILED: $*"
  exit 1
}
check() { # check "what" command...
  checks=$((checks + 1))
  if "${@:2}"; then
    passed=$((passed + 1))
    say "ok: $1"
  else
    fail "$1"
  fi
}
# Retries a command until it succeeds or the deadline (seconds) passes.
within() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 1
  done
}

[ "$(id -u)" = 0 ] || fail "run as root (podman, debootstrap)"
[ -x "$bin" ] || fail "no sicc binary at $bin: build it first (cargo build -p sicc-node --bin sicc)"

# --- 1. what a fresh Debian machine lacks --------------------------------------------------
packages=(podman runc debootstrap podman-compose golang-github-containernetworking-plugin-dnsname curl)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

# This VM refuses setrlimit and crun's hybrid cgroups: no default ulimits, cgroupfs, runc.
mkdir -p "$cache"
cat >"$cache/containers.conf" <<'CONF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
CONF
export CONTAINERS_CONF="$cache/containers.conf"

# --- 2. the base image, made offline from Debian's archive ---------------------------------
if ! podman image exists localhost/sicc-base:bookworm; then
  if [ ! -f "$cache/bookworm-minbase.tar" ]; then
    say "debootstrap bookworm (once; cached in $cache)"
    rm -rf "$cache/rootfs"
    debootstrap --variant=minbase --include=ca-certificates,tini bookworm "$cache/rootfs" \
      http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1 ||
      fail "debootstrap (see $cache/debootstrap.log)"
    tar -C "$cache/rootfs" -cf "$cache/bookworm-minbase.tar.part" .
    mv "$cache/bookworm-minbase.tar.part" "$cache/bookworm-minbase.tar"
    rm -rf "$cache/rootfs"
  fi
  podman import --quiet "$cache/bookworm-minbase.tar" localhost/sicc-base:bookworm >/dev/null 2>&1
fi

# --- 3. the images -------------------------------------------------------------------------
say "building the sicc image from $bin"
mkdir -p "$repo/deploy/.container"
cp "$bin" "$repo/deploy/.container/sicc"
podman build --quiet --format docker --network host -f "$repo/deploy/Dockerfile" \
  --build-arg SICC_BINARY=prebuilt --build-arg BASE_IMAGE=localhost/sicc-base:bookworm \
  -t localhost/sicc:latest "$repo" >/dev/null || fail "podman build of deploy/Dockerfile"
rm -f "$repo/deploy/.container/sicc"
if ! podman image exists localhost/sicc-caddy:latest; then
  say "building the proxy image (Debian's Caddy, for caddy:2)"
  podman build --quiet --format docker --network host -t localhost/sicc-caddy:latest - >/dev/null <<'PROXY' ||
FROM localhost/sicc-base:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends caddy && rm -rf /var/lib/apt/lists/*
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
PROXY
    fail "podman build of the proxy image"
fi

# --- 4. the federation ---------------------------------------------------------------------
work="$(mktemp -d /var/tmp/sicc-compose.XXXXXX)"
compose=(podman-compose -p "$project" -f "$work/deploy/compose.yaml" -f "$work/deploy/compose.test.yaml")
cleanup() {
  if [ -n "${SICC_CONTAINER_KEEP:-}" ]; then
    say "kept for inspection (SICC_CONTAINER_KEEP): ${compose[*]} down; rm -rf $work"
    return
  fi
  remove_project
  rm -rf "$work"
}
# A run that was killed may have left its containers: they would be started again instead.
remove_project() {
  podman ps -aq --filter "label=io.podman.compose.project=$project" | xargs -r podman rm -f >/dev/null 2>&1 || true
  podman network rm -f "${project}_federation" >/dev/null 2>&1 || true
}
remove_project
trap cleanup EXIT
cp -r "$repo/deploy" "$work/deploy"
rm -rf "$work/deploy/federation/data" "$work/deploy/.container"
# The only difference from what an admin runs: the proxy image (no registry here).
cat >"$work/deploy/compose.test.yaml" <<'OVERRIDE'
services:
  proxy:
    image: localhost/sicc-caddy:latest
OVERRIDE
SICC="$bin" "$work/deploy/federation/setup.sh" >/dev/null
password="container-test-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
for cc in es fr se lv; do
  # The README's step: an admin account in each node before the first start.
  # (podman-compose 1.0 exits 0 whatever the container did: read what it printed.)
  out="$(printf '%s\n' "$password" | "${compose[@]}" run --rm --no-deps -T "sicc-$cc" user add admin --role admin 2>&1)" || true
  if ! grep -q '^exit code: 0$' <<<"$out" || grep -q '^error:' <<<"$out"; then
    printf '%s\n' "$out" | grep -v '^podman run\|systemd' >&2
    fail "user add admin on sicc-$cc"
  fi
done
"${compose[@]}" up -d >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "compose up"; }

container() { podman ps -a --format '{{.Names}}' --filter "label=io.podman.compose.project=$project" | grep -- "sicc-$1" | head -1; }
in_node() { local c; c="$(container "$1")"; shift; podman exec -i "$c" sicc "$@"; }
healthy() { podman healthcheck run "$(container "$1")" >/dev/null 2>&1; }
for cc in es fr se lv; do
  check "sicc-$cc becomes healthy (HEALTHCHECK: sicc healthcheck)" within 90 healthy "$cc"
done

uid_ok() {
  local c
  c="$(container "$1")"
  [ "$(podman exec "$c" id -u)" = 10001 ] &&
    [ "$(podman exec "$c" stat -c '%u %a' /var/lib/sicc)" = "10001 700" ] &&
    [ "$(podman top "$c" huser comm | awk '$2 == "sicc" {print $1}' | sort -u)" = 10001 ]
}
check "the node runs as uid 10001 with a private data directory" uid_ok es

# Staff access, straight to a node's address inside the network and through the TLS proxy.
ip="$(podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(container es)")"
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "no record without an account" test "$(status "http://$ip:7300/api/v1/records")" = 401
check "a foreign Host is refused (421)" test "$(status -H 'Host: attacker.example' "http://$ip:7300/api/v1/records")" = 421
jar="$work/cookies"
login() {
  rm -f "$jar"
  [ "$(status -k -c "$jar" -H 'Origin: https://localhost:7443' \
    --data-urlencode name=admin --data-urlencode "password=$password" https://localhost:7443/login)" = 303 ] &&
    [ "$(status -k -b "$jar" https://localhost:7443/api/v1/records)" = 200 ]
}
check "a staff login through the TLS proxy reaches the records" within 60 login
check "a wrong password through the proxy is refused" test "$(status -k --data-urlencode name=admin \
  --data-urlencode password=wrong https://localhost:7443/login)" != 303

# The federation: LV publishes, the three others subscribe and read it.
lv_id="$(in_node lv id)"
in_node lv catalog create replication --title "Latvia" >/dev/null
for cc in es fr se; do
  in_node lv catalog grant "$lv_id/replication" "$(in_node "$cc" id)" >/dev/null
  in_node "$cc" catalog subscribe "$lv_id/replication" >/dev/null
done
record='{"id": "lv-container-kitchen", "kind": "initiative", "access_level": "consortium",
  "title": {"en": "Community kitchen (container test)"}, "status": "active",
  "countries": ["LV"], "summary": {"en": "Published in a container"}}'
printf "%s\n" "$record" | in_node lv records put - >/dev/null
in_node lv catalog publish "$lv_id/replication" lv-container-kitchen >/dev/null
arrived() { in_node "$1" records get lv-container-kitchen >/dev/null 2>&1; }
for cc in es fr se; do
  check "the record published in LV reaches ${cc^^}" within 90 arrived "$cc"
done

# Kill -9 a node, publish while it is gone, restart it: its own data is on the volume and it
# catches up.
se_id="$(in_node se id)"
printf '%s\n' '{"id": "se-local-note", "kind": "lesson", "access_level": "local",
  "title": {"en": "Kept on the volume"}, "statement": {"en": "Local only"}, "lesson_type": "method_tip"}' |
  in_node se records put - >/dev/null
podman kill --signal KILL "$(container se)" >/dev/null
printf '%s\n' "${record/lv-container-kitchen/lv-while-se-was-down}" | in_node lv records put - >/dev/null
in_node lv catalog publish "$lv_id/replication" lv-while-se-was-down >/dev/null
podman start "$(container se)" >/dev/null 2>&1
check "SE restarts healthy after kill -9" within 90 healthy se
kept() { [ "$(in_node se id)" = "$se_id" ] && in_node se records get se-local-note >/dev/null && arrived se; }
check "SE kept its identity, its own records and what it had received (the volume)" kept
caught_up() { in_node se records get lv-while-se-was-down >/dev/null 2>&1; }
check "SE catches up on what was published while it was down" within 120 caught_up

say "container test: $passed of $checks checks passed"
