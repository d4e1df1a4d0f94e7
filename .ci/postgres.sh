#!/usr/bin/env bash
# Prints the URL of a PostgreSQL server for the hub tests (JIEFANG_PG_URL):
# the one already given, or Debian's own cluster, started and given a
# role and database for the tests. Prints nothing when there is no server
# to be had (the PostgreSQL tests then skip); messages go to stderr.
set -uo pipefail
if [ -n "${JIEFANG_PG_URL:-}" ]; then echo "$JIEFANG_PG_URL"; exit 0; fi
if ! command -v pg_lsclusters >/dev/null; then
  echo "postgres.sh: PostgreSQL not installed; hub tests run on SQLite only" >&2; exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "postgres.sh: not root, cannot start PostgreSQL; set JIEFANG_PG_URL to test on it" >&2; exit 0
fi
cluster=$(pg_lsclusters --no-header | sort -k1,1V | tail -1)
if [ -z "$cluster" ]; then
  ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_createcluster "$ver" main >&2 || exit 0
  cluster=$(pg_lsclusters --no-header | sort -k1,1V | tail -1)
fi
read -r ver name port status _ <<<"$cluster"
if [ "$status" != online ]; then
  pg_ctlcluster "$ver" "$name" start >&2 || { echo "postgres.sh: cannot start $ver/$name" >&2; exit 0; }
fi
psql_as() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
for i in $(seq 30); do psql_as 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
[ "$(psql_as "SELECT 1 FROM pg_roles WHERE rolname = 'jiefang'")" = 1 ] ||
  psql_as "CREATE ROLE jiefang LOGIN PASSWORD 'jiefang'" >&2
if [ "$(psql_as "SELECT 1 FROM pg_database WHERE datname = 'jiefang_test'")" = 1 ]; then
  psql_as "ALTER DATABASE jiefang_test OWNER TO jiefang" >&2
else
  psql_as "CREATE DATABASE jiefang_test OWNER jiefang" >&2
fi
echo "postgres://jiefang:jiefang@127.0.0.1:$port/jiefang_test?sslmode=disable"
