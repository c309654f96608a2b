#!/usr/bin/env bash
# Load test of the API door with wrk, against the release build on this machine:
# GET /auth/forward, GET /api/tokens/verify and GET /api/articles/{id}, each with a token,
# against the same server's unauthenticated GET /healthz, with 10 and with 1 000 000 tokens
# stored, on SQLite and on Postgres. Prints one Markdown table (the one in
# docs/PERFORMANCE.md) and exits non-zero when an endpoint misses its goal.
#
# This machine's speed drifts by a fifth within a minute, so an endpoint is never compared
# with a /healthz measured minutes apart: each round runs /healthz, the endpoint, /healthz,
# and divides by the two /healthz runs' mean; the table shows the median of ROUNDS rounds.
#
#   scripts/load.sh                 # the full run (seeding 1 M tokens takes a few minutes)
#   TOKENS="10 10000" DURATION=5s ROUNDS=1 scripts/load.sh    # a quick look
#   TOLLGATE_BIN=/tmp/old/tollgate scripts/load.sh  # another build, for a before/after
#   STRAPI_RPS=530 scripts/load.sh  # also check the article GET against Strapi's (RECIPE.sh)
#
# Goals (issue 17): forward-auth and verify at least 0.90 of /healthz's throughput with a
# p99 at most 1.25 times its p99; the article GET at least 0.80, and 100 times Strapi's.
# Everything stays on 127.0.0.1; each wrk run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."

TOKENS=${TOKENS:-"10 1000000"}
BACKENDS=${BACKENDS:-"sqlite postgres"}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
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

# wrk's "Requests/sec" and 99th percentile latency (in ms) for one URL.
measure() {
  local url=$1 token=${2:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency)
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  # What nginx's auth_request sends (the default --forward-auth-headers x-original).
  [[ $url == */auth/forward ]] && args+=(-H "X-Original-Method: GET" -H "X-Original-URI: /api/articles")
  local out
  out=$(wrk "${args[@]}" "$url")
  if grep -q "Non-2xx" <<<"$out"; then
    echo "wrk saw non-2xx answers from $url:" >&2
    echo "$out" >&2
    exit 1
  fi
  awk '/^Requests\/sec/ {rps = $2}
       $1 == "99%" {v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
                    p99 = v * (unit == "us" ? 0.001 : unit == "s" ? 1000 : 1)}
       END {printf "%.0f %.3f\n", rps, p99}' <<<"$out"
}

# The median of the numbers on stdin.
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# ROUNDS rounds of /healthz, the endpoint, /healthz; prints the endpoint's median
# requests/s and p99, and the medians of its ratios to the surrounding /healthz runs.
interleaved() {
  local url=$1 token=$2 health="http://$ADDR/healthz"
  local rounds=() before after rps p99 h1 p1 h2 p2
  for _ in $(seq 1 "$ROUNDS"); do
    read -r h1 p1 < <(measure "$health")
    read -r rps p99 < <(measure "$url" "$token")
    read -r h2 p2 < <(measure "$health")
    rounds+=("$rps $p99 $(awk -v r="$rps" -v p="$p99" -v h1="$h1" -v h2="$h2" -v p1="$p1" -v p2="$p2" \
      'BEGIN {printf "%.3f %.3f %.0f %.3f", r / ((h1 + h2) / 2), p / ((p1 + p2) / 2), (h1 + h2) / 2, (p1 + p2) / 2}')")
  done
  local column
  for column in 1 2 3 4 5 6; do
    printf '%s\n' "${rounds[@]}" | awk -v c="$column" '{print $c}' | median
  done | paste -sd' '
}

failures=0
# Checks one goal; prints ✓ or the miss (run in $(…), so the caller counts the misses).
goal() {
  local what=$1 value=$2 op=$3 target=$4
  if awk -v v="$value" -v t="$target" -v op="$op" 'BEGIN {exit !(op == ">=" ? v >= t : v <= t)}'; then
    printf '✓'
  else
    printf 'missed: %s %s %s' "$what" "$op" "$target"
  fi
}

echo "| backend | tokens | endpoint | requests/s | p99 | /healthz requests/s | /healthz p99 | ratio | p99 ratio | goal |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---|"
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

    for path in "/auth/forward" "/api/tokens/verify" "/api/articles/$article"; do
      read -r rps p99 ratio p99_ratio health_rps health_p99 < <(interleaved "http://$ADDR$path" "$token")
      if [[ $path == /api/articles/* ]]; then
        verdict=$(goal ratio "$ratio" ">=" 0.80)
        if [ -n "${STRAPI_RPS:-}" ]; then
          times=$(awk -v a="$rps" -v s="$STRAPI_RPS" 'BEGIN {printf "%.0f", a / s}')
          verdict="$verdict; ${times}× Strapi $(goal "× Strapi" "$times" ">=" 100)"
        fi
      else
        verdict="$(goal ratio "$ratio" ">=" 0.90) $(goal "p99 ratio" "$p99_ratio" "<=" 1.25)"
      fi
      [[ $verdict == *missed* ]] && failures=$((failures + 1))
      echo "| $backend | $count | GET ${path/$article/\{id\}} | $rps | ${p99} ms | $health_rps | ${health_p99} ms | $ratio | $p99_ratio | $verdict |"
    done

    kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
    server_pid=""
    drop_database "$url"
    unset DATABASE_URL TOLLGATE_DATA_DIR
  done
done
if [ "$failures" -gt 0 ]; then
  echo "$failures goal(s) missed" >&2
  exit 1
fi
