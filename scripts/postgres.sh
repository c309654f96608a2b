#!/usr/bin/env bash
# Starts the machine's PostgreSQL 15 (Debian package) and makes sure the test role exists.
# Idempotent: safe to run again. Prints the URL to export as TOLLGATE_TEST_POSTGRES_URL.
set -euo pipefail

PG_VERSION=15
ROLE=tollgate
PASSWORD=tollgate
DB=tollgate_test

if ! command -v pg_ctlcluster >/dev/null; then
  echo "installing PostgreSQL ..." >&2
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi
if ! pg_lsclusters -h | awk '{print $1" "$2" "$4}' | grep -q "^$PG_VERSION main online"; then
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start >&2
fi
wait_ready() {
  for _ in $(seq 1 30); do
    su postgres -c "pg_isready -q -h 127.0.0.1" && break
    sleep 0.5
  done
}
wait_ready

# The two-instance browser run keeps a few pairs of servers per worker alive (each pool
# holds up to 17 connections): the default 100 runs out and the servers answer 503.
MAX_CONNECTIONS=400
if [ "$(su postgres -c "psql -tAq -c 'SHOW max_connections'")" -lt "$MAX_CONNECTIONS" ]; then
  su postgres -c "psql -q -c 'ALTER SYSTEM SET max_connections = $MAX_CONNECTIONS'" >/dev/null
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main restart >&2
  wait_ready
fi

# CREATEDB: the store tests give each test its own database and drop it afterwards.
su postgres -c "psql -q -v ON_ERROR_STOP=1" >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $DB OWNER $ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB')
\gexec
SQL
echo "postgres://$ROLE:$PASSWORD@127.0.0.1:5432/$DB"
