#!/usr/bin/env bash
# Load test of the API door with wrk, against the release build on this machine:
# authenticated GET /api/articles/{id} and GET /api/tokens/verify against unauthenticated
# GET /healthz, with 10 and with 1 000 000 tokens stored, on SQLite and on Postgres.
# Prints one Markdown table (the one in docs/PERFORMANCE.md).
#
#   scripts/load.sh                 # the full run (seeding 1 M tokens takes a few minutes)
#   TOKENS="10 10000" DURATION=5s scripts/load.sh    # a quick look
#   TOLLGATE_BIN=/tmp/old/tollgate scripts/load.sh  # another build, for a before/after
#
# Everything stays on 127.0.0.1; each run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."

TOKENS=${TOKENS:-"10 1000000"}
BACKENDS=${BACKENDS:-"sqlite postgres"}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ADDR=127.0.0.1:3900
# TOLLGATE_BIN: measure that binary instead (e.g. an older build, for a before/after).
BIN=${TOLLGATE_BIN:-target/release/tollgate}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v wrk >/dev/null; then
  as_root apt-get update -qq && as_root apt-get install -y -qq wrk >/dev/null
fi
if [ -z "${TOLLGATE_BIN:-}" ]; then
  echo "building the release binary ..." >&2
  cargo build --release -q -p server
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh, empty database URL for one case.
database_url() {
  local backend=$1 case_dir=$2
  if [ "$backend" = sqlite ]; then
    echo "sqlite://$case_dir/tollgate.db"
  else
    local base db
    base=$(scripts/postgres.sh)
    db="tollgate_load_$RANDOM$RANDOM"
    su postgres -c "createdb -O tollgate $db" >&2
    echo "${base%/*}/$db"
  fi
}

drop_database() {
  case "$1" in
    postgres://*) su postgres -c "dropdb --if-exists ${1##*/}" >&2 ;;
  esac
}

# wrk's "Requests/sec" and 99th percentile latency for one URL.
measure() {
  local url=$1 token=${2:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency)
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  local out
  out=$(wrk "${args[@]}" "$url")
  if grep -q "Non-2xx" <<<"$out"; then
    echo "wrk saw non-2xx answers from $url:" >&2
    echo "$out" >&2
    exit 1
  fi
  local rps p99
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$rps $p99"
}

echo "| backend | tokens stored | endpoint | requests/s | p99 latency | vs /healthz |"
echo "|---|---:|---|---:|---:|---:|"
for backend in $BACKENDS; do
  for count in $TOKENS; do
    case_dir="$work/$backend-$count"
    mkdir -p "$case_dir"
    url=$(database_url "$backend" "$case_dir")
    export DATABASE_URL=$url TOLLGATE_DATA_DIR=$case_dir
    echo "seeding $count tokens on $backend ..." >&2
    token=$("$BIN" seed-tokens --count "$count" --print 1)
    # Throttling off: wrk is one client address sending valid tokens anyway.
    "$BIN" serve --addr "$ADDR" --throttle-limit 0 >"$case_dir/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
      curl -fs "http://$ADDR/healthz" >/dev/null && break
      sleep 0.1
    done
    article=$(curl -fs -H "Authorization: Bearer $token" "http://$ADDR/api/articles" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')

    read -r health_rps health_p99 < <(measure "http://$ADDR/healthz")
    echo "| $backend | $count | GET /healthz | $health_rps | $health_p99 | 1.00 |"
    for path in "/api/tokens/verify" "/api/articles/$article"; do
      read -r rps p99 < <(measure "http://$ADDR$path" "$token")
      ratio=$(awk -v a="$rps" -v b="$health_rps" 'BEGIN {printf "%.2f", a / b}')
      echo "| $backend | $count | GET ${path/$article/\{id\}} | $rps | $p99 | $ratio |"
    done

    kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
    server_pid=""
    drop_database "$url"
    unset DATABASE_URL TOLLGATE_DATA_DIR
  done
done
