#!/usr/bin/env bash
# The release build the panel is served from (`target/release/tollgate`, `target/site`),
# with the site's files named by their content's hash and precompressed (brotli and gzip),
# as the server expects. Source it after scripts/setup.sh (run.sh and test.sh do).
#
# Skipped when nothing it is built from changed since the last build: a second `make run`
# serves in seconds instead of regenerating the wasm. `FORCE_BUILD=1` builds anyway.

# What the build reads; a change to any of these files is newer than the stamp.
BUILD_INPUTS=(Cargo.toml Cargo.lock app frontend server src style public migrations)
BUILD_STAMP=target/release/.panel-built

build_is_current() {
  [ -z "${FORCE_BUILD:-}" ] && [ -f "$BUILD_STAMP" ] && [ -x target/release/tollgate ] &&
    [ -z "$(find "${BUILD_INPUTS[@]}" -newer "$BUILD_STAMP" -print -quit 2>/dev/null)" ]
}

release_build() {
  if build_is_current; then
    say "nothing changed since the last release build: serving it (FORCE_BUILD=1 rebuilds)"
    return
  fi
  rm -f "$BUILD_STAMP"
  cargo leptos build --release --precompress
  # cargo-leptos' gzip is weak (the wasm: 1.47 MB, against 1.25 MB from gzip -9); browsers
  # that take no brotli get the better copy.
  find target/site -name '*.gz' -print0 | while IFS= read -r -d '' packed; do
    gzip -9 -n -c "${packed%.gz}" >"$packed"
  done
  touch "$BUILD_STAMP"
}
