#!/usr/bin/env bash
# Runs a command beside a private, throw-away PostgreSQL (Debian's server programs, a cluster
# in a temporary folder, reachable only through its unix socket there) and names it in
# INCIDENT_TEST_PG, a libpq connection string. `make test-rust` runs the shared-database
# store's tests this way. PostgreSQL refuses to run as root; as root it runs as `postgres`.
set -euo pipefail
bin=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: PostgreSQL's server programs are missing: install Debian's postgresql package (build/setup.sh does) or set PG_BINDIR" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/ir-test-pg-XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/log" \
  -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
"${as_owner[@]}" "$bin/createdb" -h "$dir" -U postgres incident_test
export INCIDENT_TEST_PG="host=$dir user=postgres dbname=incident_test"
"$@"
