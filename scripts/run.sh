#!/usr/bin/env bash
# Builds Tollgate (release) and serves it on SQLite at http://127.0.0.1:3000.
# Extra arguments go to `tollgate serve` (e.g. --addr 0.0.0.0:8080); see `--help`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
. scripts/build.sh

say "building Tollgate (release; the first build takes about 10 minutes)"
release_build
exec target/release/tollgate serve "$@"
