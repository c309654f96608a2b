#!/usr/bin/env bash
# Installs what building and testing Tollgate needs, skipping whatever is already there at
# the right version. Source it (`. scripts/setup.sh`) to also get the tools on PATH.
#
# Versions are pinned on purpose (see the README's "Toolchain" section): newer cargo-leptos
# releases need a newer rustc, wasm-bindgen must match Cargo.lock, and Debian's binaryen
# produces a wasm that fails at hydration.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
SCHEMATHESIS_VERSION=4.32.5

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once)"
  cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes, once)"
  # Not --locked: one of its locked dependencies is no longer on the registry.
  cargo install "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  say "installing binaryen $BINARYEN_VERSION (wasm-opt) into .tools/"
  mkdir -p "$ROOT/.tools"
  [ -f "$ROOT/.tools/package.json" ] || echo '{"private": true}' > "$ROOT/.tools/package.json"
  npm install --prefix "$ROOT/.tools" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi

missing_packages=()
[ -x /usr/bin/chromium ] || missing_packages+=(chromium)      # the browser tests
[ -x /usr/sbin/nginx ] || missing_packages+=(nginx)           # the tests behind real proxies
[ -x /usr/bin/caddy ] || missing_packages+=(caddy)           # the tests behind real proxies
python3 -c 'import ensurepip' 2>/dev/null || missing_packages+=(python3-venv)  # the fuzz run
if [ ${#missing_packages[@]} -gt 0 ]; then
  say "installing ${missing_packages[*]} (Debian packages)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing_packages[@]}" >/dev/null
fi

# schemathesis for scripts/fuzz.sh, in a virtualenv of its own.
if ! "$ROOT/.tools/venv/bin/st" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
  say "installing schemathesis $SCHEMATHESIS_VERSION into .tools/venv"
  [ -x "$ROOT/.tools/venv/bin/pip" ] || python3 -m venv "$ROOT/.tools/venv"
  "$ROOT/.tools/venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi

# npm ci again whenever package-lock.json changed since the last install (a stamp in
# node_modules records which lock file it installed).
lock_hash=$(sha256sum "$ROOT/end2end/package-lock.json" | cut -d' ' -f1)
lock_stamp="$ROOT/end2end/node_modules/.installed-lock-sha256"
if [ "$(cat "$lock_stamp" 2>/dev/null)" != "$lock_hash" ]; then
  say "installing the end-to-end test packages (npm ci in end2end/)"
  (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --silent)
  echo "$lock_hash" > "$lock_stamp"
fi
