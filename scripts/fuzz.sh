#!/usr/bin/env bash
# Fuzzes the documented API: schemathesis reads /api/openapi.json from a throwaway server
# and sends what the document allows (and what it does not), in four runs: anonymous,
# with a read-only token, with a full-access token, and with an administrator's session
# (the admin API). It fails on any 5xx, any status the document does not list, any body or
# header that does not match the document, a valid request refused or an invalid one
# accepted. Bounded (examples per operation, a fixed seed) so it takes about a minute on
# two cores. Called by scripts/test.sh; runs on its own too (after scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

ST="$ROOT/.tools/venv/bin/st"
if [ ! -x "$ST" ]; then
  echo "schemathesis is not installed: run scripts/setup.sh first" >&2
  exit 1
fi

# Every check schemathesis has (`--checks all`) but one:
# - object_level_authorization needs two identities owning objects of their own. Tokens and
#   documents here are not owned per caller: any admin with `api_tokens.read` reads every
#   token, and every token with `articles.find` reads every article, by design.
CHECKS=all
EXCLUDED_CHECKS=object_level_authorization
EXAMPLES=${FUZZ_EXAMPLES:-50}
SEED=${FUZZ_SEED:-42}

# The debug binary `cargo test -p server` has already built (test.sh), else built here.
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${TOLLGATE_BIN:-$TARGET_DIR/debug/tollgate}"
if [ -z "${TOLLGATE_BIN:-}" ]; then
  cargo build --quiet -p server --bin tollgate
fi

WORK="$(mktemp -d)"
SERVER_PID=
stop() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap stop EXIT

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
# Nothing from the caller's environment: SQLite in a fresh folder, every default.
unset DATABASE_URL LEPTOS_SITE_ROOT $(compgen -e | grep '^TOLLGATE_' || true)
export TOLLGATE_ADDR="127.0.0.1:$PORT"
export TOLLGATE_DATA_DIR="$WORK/data"
export LEPTOS_SITE_ROOT="$WORK/site"
# Throttling would turn the fuzzer's thousands of made-up tokens into 429s for everything
# after the first 30, and the run would test the throttle instead of the handlers. (429 is
# documented on every token-checked operation; the throttle has tests of its own.)
export TOLLGATE_THROTTLE_LIMIT=0
export RUST_LOG=warn

EMAIL=fuzz@example.com
PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
printf '%s\n' "$PASSWORD" |
  "$BIN" admin create --email "$EMAIL" --name Fuzzer --role "Super Admin" >/dev/null

"$BIN" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
  curl -fs "$BASE/healthz" >/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
curl -fs "$BASE/healthz" >/dev/null

# Sign in like a script does (README, "Managing tokens from scripts"). Signing in counts as
# typing the password, so creating tokens needs no re-confirmation for a while.
curl -fsS -c "$WORK/jar" -H 'Content-Type: application/json' \
  -d "{\"input\": {\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}}" \
  "$BASE/rpc/sign_in" >/dev/null
SESSION="$(awk '$6 == "tollgate_session" { print $7 }' "$WORK/jar")"
[ -n "$SESSION" ] || { echo "signing in gave no session cookie" >&2; exit 1; }

# A token that never expires, made through the admin API; prints its value.
new_token() {
  curl -fsS -b "$WORK/jar" -H 'Content-Type: application/json' \
    -d "{\"name\": \"$1\", \"type\": \"$2\", \"duration\": null}" \
    "$BASE/admin/api/tokens" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])'
}
READ_ONLY="$(new_token 'fuzz read-only' read-only)"
FULL_ACCESS="$(new_token 'fuzz full-access' full-access)"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# One run: a label, the schemathesis auth section (which credentials it sends and, for
# `ignored_auth`, takes away again), the checks it skips, then extra `st run` options.
fuzz() {
  local label="$1" auth="$2" excluded="$3"
  shift 3
  say "schemathesis: $label"
  printf '%s\n' "$auth" >"$WORK/schemathesis.toml"
  (cd "$WORK" && PYTHONPATH="$ROOT/scripts" SCHEMATHESIS_HOOKS=fuzz_hooks \
    "$ST" --config-file "$WORK/schemathesis.toml" run "$BASE/api/openapi.json" \
    --checks "$CHECKS" --exclude-checks "$excluded" \
    --max-examples "$EXAMPLES" --seed "$SEED" --generation-database none \
    --no-color "$@")
}

# All runs go on when one fails, so one report shows everything to fix. The admin API
# has a run of its own: it revokes and regenerates tokens, the full-access one included,
# which would leave the token runs nothing but 401s.
started=$SECONDS
failed=()
fuzz "anonymous" "" "$EXCLUDED_CHECKS" || failed+=(anonymous)
fuzz "read-only token" "[auth.openapi.bearer]
bearer = \"$READ_ONLY\"" "$EXCLUDED_CHECKS" || failed+=(read-only)
fuzz "full-access token" "[auth.openapi.bearer]
bearer = \"$FULL_ACCESS\"" "$EXCLUDED_CHECKS" --exclude-tag admin-tokens --exclude-tag admin-policy --exclude-tag admin-webhooks || failed+=(full-access)
# use_after_free expects a DELETE to remove: the admin API's DELETE revokes, and the
# revoked token stays readable as history (`GET` answers it with `status: revoked`), as
# documented. The content API's DELETE does remove, and keeps the check.
fuzz "admin session (the admin API)" "[auth.openapi.adminSession]
api_key = \"$SESSION\"" "$EXCLUDED_CHECKS,use_after_free" --include-tag admin-tokens --include-tag admin-policy --include-tag admin-webhooks ||
  failed+=(admin-session)
say "fuzzing took $((SECONDS - started)) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "schemathesis found failures in the run(s): ${failed[*]} (see above); the server said:" >&2
  tail -n 50 "$WORK/server.log" >&2
  exit 1
fi
