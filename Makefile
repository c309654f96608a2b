# The two commands the README promises. Both install what is missing first.
.PHONY: run test

## Build and serve Tollgate on SQLite at http://127.0.0.1:3000
run:
	./scripts/run.sh

## Run every test suite (needs root or sudo for Postgres and Chromium)
test:
	./scripts/test.sh
