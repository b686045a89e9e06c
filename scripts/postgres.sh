#!/usr/bin/env bash
# Starts (or reuses) a private PostgreSQL server for the tests and prints its connection string.
#   bash scripts/postgres.sh start   → prints Host=127.0.0.1;Port=54329;Username=postgres;Database=postgres
#   bash scripts/postgres.sh stop
# Data lives in ${LT_PG_DIR:-/tmp/licencetrust-pg}; it listens on 127.0.0.1:${LT_PG_PORT:-54329} only.
# PostgreSQL refuses to run as root, so as root it runs as the postgres user.
set -euo pipefail
dir="${LT_PG_DIR:-/tmp/licencetrust-pg}"
port="${LT_PG_PORT:-54329}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed: run 'bash scripts/test.sh' (it installs Debian's postgresql) or apt-get install postgresql" >&2
  exit 1
fi
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

case "${1:-start}" in
  start)
    if ! as_pg "'$bin/pg_ctl' -D '$dir' status" >/dev/null 2>&1; then
      if [ ! -f "$dir/PG_VERSION" ]; then
        rm -rf "$dir"; mkdir -p "$dir"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
        as_pg "'$bin/initdb' -D '$dir' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
      fi
      as_pg "'$bin/pg_ctl' -D '$dir' -l '$dir/server.log' -w -t 60 -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300\" start" >/dev/null
    fi
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    as_pg "'$bin/pg_ctl' -D '$dir' -m fast stop" >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
