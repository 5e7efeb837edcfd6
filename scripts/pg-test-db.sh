#!/usr/bin/env bash
# Prepare the local PostgreSQL test database for COGO (idempotent).
#
#   1. makes sure the server at ${PGHOST:-127.0.0.1}:${PGPORT:-5432} answers
#      (starts the local Debian cluster via pg_ctlcluster if it does not);
#   2. creates database ${COGO_TEST_DB:-cogo_test} (owner ${PGUSER:-postgres}) if missing;
#   3. runs CREATE EXTENSION IF NOT EXISTS vector in it
#      (pgvector must be installed: scripts/install-pgvector.sh);
#   4. prints the DATABASE_URL as the last line, on stdout. Progress messages go
#      to stderr, so this works:
#          export DATABASE_URL="$(scripts/pg-test-db.sh)"
#
# Environment (optional): PGHOST, PGPORT, PGUSER, PGPASSWORD, COGO_TEST_DB.
set -euo pipefail

HOST=${PGHOST:-127.0.0.1}
PORT=${PGPORT:-5432}
DBUSER=${PGUSER:-postgres}
DB=${COGO_TEST_DB:-cogo_test}
export PGHOST=$HOST PGPORT=$PORT PGUSER=$DBUSER PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-5}

say() { printf '[pg-test-db] %s\n' "$*" >&2; }
die() { printf '[pg-test-db] ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$DB" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "COGO_TEST_DB='$DB' is not a plain identifier"
for c in psql pg_isready; do
  command -v "$c" >/dev/null 2>&1 || die "'$c' not found (apt-get install postgresql-client)"
done

psql_q() { psql -X -Atq -v ON_ERROR_STOP=1 "$@"; }

# 1. server up? ---------------------------------------------------------------
if ! pg_isready -q -h "$HOST" -p "$PORT" -t 3; then
  case "$HOST" in
    127.0.0.1|localhost|::1|/*) local_host=1 ;;
    *) local_host=0 ;;
  esac
  if [[ $local_host == 1 ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
    # find the Debian cluster configured for this port: "<ver> <name> <port> ..."
    read -r ver name < <(pg_lsclusters -h 2>/dev/null | awk -v p="$PORT" '$3 == p {print $1, $2; exit}') || true
    [[ -n "${ver:-}" ]] || die "server at $HOST:$PORT is down and no local cluster uses port $PORT (see pg_lsclusters)"
    say "server at $HOST:$PORT not answering; starting cluster $ver/$name…"
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >&2 \
      || die "could not start cluster $ver/$name (run as root or postgres; check /var/log/postgresql/postgresql-$ver-$name.log)"
    for _ in $(seq 1 30); do
      pg_isready -q -h "$HOST" -p "$PORT" -t 1 && break
      sleep 1
    done
  fi
  pg_isready -q -h "$HOST" -p "$PORT" -t 3 \
    || die "PostgreSQL at $HOST:$PORT is not accepting connections (try: pg_ctlcluster --skip-systemctl-redirect <ver> main start)"
fi
say "server at $HOST:$PORT is up ($(psql_q -d postgres -c 'SHOW server_version' 2>/dev/null || echo '?'))"

# 2. database -------------------------------------------------------------------
db_exists() { [[ "$(psql_q -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" == 1 ]]; }
if db_exists; then
  say "database $DB exists"
else
  say "creating database $DB (owner $DBUSER)…"
  # a concurrent run may win the race; that's fine as long as it exists afterwards
  psql_q -d postgres -c "CREATE DATABASE \"$DB\" OWNER \"$DBUSER\"" >&2 || db_exists \
    || die "could not create database $DB as $DBUSER"
fi

# 3. pgvector -------------------------------------------------------------------
if [[ "$(psql_q -d "$DB" -c "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")" != 1 ]]; then
  die "the pgvector extension is not installed in this PostgreSQL server; run (as root): scripts/install-pgvector.sh"
fi
psql_q -d "$DB" -c 'CREATE EXTENSION IF NOT EXISTS vector' >&2 2>/dev/null \
  || psql_q -d "$DB" -c 'CREATE EXTENSION IF NOT EXISTS vector' >&2 \
  || die "CREATE EXTENSION vector failed in $DB"
say "extension vector $(psql_q -d "$DB" -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'") enabled in $DB"

# 4. result ---------------------------------------------------------------------
case "$HOST" in
  /*) url="postgres://$DBUSER@/$DB?host=$HOST&port=$PORT" ;;   # unix socket dir
  *:*) url="postgres://$DBUSER@[$HOST]:$PORT/$DB" ;;           # IPv6 literal
  *) url="postgres://$DBUSER@$HOST:$PORT/$DB" ;;
esac
printf '%s\n' "$url"
