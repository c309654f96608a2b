#!/usr/bin/env bash
# Runs every test: formatting and lints, the core's unit tests, the store suite on SQLite
# and on Postgres, the router tests, the fuzz run against the documented API, and the
# Playwright suite in Chromium against the release build, once with one instance per spec
# file and once through two instances behind nginx. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
. scripts/build.sh

say "starting Postgres for the store tests"
TOLLGATE_TEST_POSTGRES_URL="$(scripts/postgres.sh)"
export TOLLGATE_TEST_POSTGRES_URL

say "formatting and lints"
cargo fmt --all --check
# Per package: the app crate must never be built with `ssr` and `hydrate` together.
cargo clippy -p tollgate -p server --all-targets -- -D warnings
cargo clippy -p app --features ssr -- -D warnings
cargo clippy -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

say "core, store (SQLite + Postgres), router and panel unit tests"
cargo test -p tollgate -p server
cargo test -p app --features ssr

say "fuzzing the documented API (schemathesis)"
scripts/fuzz.sh

say "release build for the browser tests, and the wasm's size budget"
release_build
scripts/wasm-budget.sh

say "Playwright in Chromium"
(cd end2end && CI=1 npx playwright test)

say "Playwright again, through two instances on one Postgres behind a round-robin nginx"
(cd end2end && CI=1 npx playwright test -c playwright.pair.config.ts)
