#!/usr/bin/env bash
# Makes sure a PostgreSQL server for Berth answers on 127.0.0.1:$BERTH_POSTGRES_PORT (55432 by default, away from the
# usual 5432): installs Debian's postgresql when its binaries are missing, creates a cluster in a directory of its
# own ($BERTH_POSTGRES_DIR, /var/tmp/berth-postgres by default) with a role and database `berth` (password auth),
# and starts it. Idempotent; safe to call often. The last line printed is the connection URL, for
# `berth server --store URL` and the tests (BERTH_TEST_POSTGRES). `--stop` stops the server (its data stays).
set -euo pipefail

dir=${BERTH_POSTGRES_DIR:-/var/tmp/berth-postgres}
port=${BERTH_POSTGRES_PORT:-55432}
data=$dir/data
sockets=$dir/run

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# initdb and postgres refuse to run as root: as root, the cluster belongs to the package's `postgres` user.
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as_owner() { runuser -u "$owner" -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

if [ "${1:-}" = "--stop" ]; then
  bin=$(bindir)
  if [ -n "$bin" ] && [ -f "$data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    echo "berth: stopped PostgreSQL in $data" >&2
  fi
  exit 0
fi

if [ -z "$(bindir)" ]; then
  echo "berth: installing Debian's postgresql (no PostgreSQL server binaries found)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
bin=$(bindir)

mkdir -p "$dir"
password_file=$dir/password
if [ ! -s "$password_file" ]; then
  (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$password_file")
fi
password=$(cat "$password_file")

if [ ! -f "$data/PG_VERSION" ]; then
  echo "berth: creating a PostgreSQL cluster in $data" >&2
  rm -rf "$data"
  mkdir -p "$data" "$sockets"
  chown "$owner" "$data" "$sockets"
  chmod 700 "$data"
  as_owner "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 \
    --no-instructions >"$dir/initdb.log"
  cat >>"$data/postgresql.conf" <<EOF
# Berth's test and development server: loopback only, on its own port and socket directory.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockets'
max_connections = 300
EOF
fi
mkdir -p "$sockets"
chown "$owner" "$sockets"

if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  echo "berth: starting PostgreSQL (log: $dir/postgres.log)" >&2
  touch "$dir/postgres.log"
  chown "$owner" "$dir/postgres.log"
  as_owner "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 start >/dev/null
fi

psql_admin() { as_owner "$bin/psql" -h "$sockets" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
# CREATEDB: the tests make a database of their own per run.
psql_admin -v password="$password" >/dev/null <<'EOF'
SELECT format('CREATE ROLE berth LOGIN CREATEDB PASSWORD %L', :'password') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'berth') \gexec
SELECT format('ALTER ROLE berth LOGIN CREATEDB PASSWORD %L', :'password') \gexec
SELECT 'CREATE DATABASE berth OWNER berth' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'berth') \gexec
EOF

echo "postgres://berth:$password@127.0.0.1:$port/berth"
