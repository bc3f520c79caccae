#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL cluster for the tests.
#
#   scripts/pg.sh [start] [DIR]   prints the connection URL on stdout
#   scripts/pg.sh stop [DIR]      stops the cluster and removes DIR
#   scripts/pg.sh schema [URL]    makes a new empty schema in URL (default
#                                 $ESEAL_TEST_PG_URL) and prints a URL whose
#                                 search_path points there: one per server
#   scripts/pg.sh drop SCHEMA-URL drops a schema made by `schema`
#
# The cluster lives in DIR (default: a new temporary directory), listens on
# 127.0.0.1 at the first free port from 55432 with its socket inside DIR,
# trusts local connections and runs with fsync off: for tests only, never
# for data anyone keeps. As root it installs PostgreSQL when missing and
# runs the server as the `postgres` user (initdb refuses root).
# The last started DIR is remembered in ${TMPDIR:-/tmp}/eseal-pg.last.
set -euo pipefail

cmd=${1:-start}
LAST="${TMPDIR:-/tmp}/eseal-pg.last"

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}

ensure_installed() {
  find_bin >/dev/null && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "pg.sh: PostgreSQL is not installed (run as root to install it)" >&2
    return 1
  fi
  echo "pg.sh: installing postgresql" >&2
  apt-get update -qq >&2 || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null || return 1
  find_bin >/dev/null
}

start() {
  ensure_installed
  local bin dir port
  bin=$(find_bin)
  dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/eseal-pg.XXXXXX")}
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  as_owner "'$bin/initdb' -D '$dir/data' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    return 1
  }
  for port in $(seq 55432 55499); do
    if as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 30 \
        -o \"-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50\" start" \
        >/dev/null 2>&1; then
      as_owner "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres eseal_test" >&2
      echo "$dir" >"$LAST"
      echo "$port" >"$dir/port"
      echo "postgresql://postgres@127.0.0.1:$port/eseal_test"
      return 0
    fi
  done
  echo "pg.sh: could not start PostgreSQL (see $dir/server.log)" >&2
  return 1
}

stop() {
  local dir=${1:-}
  [ -z "$dir" ] && [ -f "$LAST" ] && dir=$(cat "$LAST")
  [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "pg.sh: no cluster to stop" >&2; return 0; }
  local bin
  bin=$(find_bin)
  as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
  [ -f "$LAST" ] && [ "$(cat "$LAST")" = "$dir" ] && rm -f "$LAST"
  return 0
}

run_psql() {
  local p
  p=$(command -v psql || true)
  [ -z "$p" ] && p="$(find_bin)/psql"
  [ -x "$p" ] || { echo "pg.sh: psql not found" >&2; return 1; }
  PGCONNECT_TIMEOUT=10 "$p" "$@"
}

schema() {
  local base=${1:-${ESEAL_TEST_PG_URL:-}} name sep
  [ -n "$base" ] || { echo "pg.sh: no PostgreSQL URL (set ESEAL_TEST_PG_URL)" >&2; return 1; }
  name="t_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  run_psql "$base" -qAt -v ON_ERROR_STOP=1 -c "CREATE SCHEMA $name" >/dev/null
  sep='?'
  case "$base" in *\?*) sep='&' ;; esac
  echo "$base${sep}options=-csearch_path%3D$name"
}

drop() {
  local url=${1:-} name base
  case "$url" in *search_path%3D*) ;; *) echo "pg.sh: $url names no schema" >&2; return 1 ;; esac
  name=${url##*search_path%3D}
  name=${name%%&*}
  base=${url%[?&]options=-csearch_path%3D*}
  run_psql "$base" -qAt -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; SET lock_timeout = '5s'; DROP SCHEMA IF EXISTS $name CASCADE" >/dev/null
}

case "$cmd" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  schema) schema "${2:-}" ;;
  drop) drop "${2:-}" ;;
  *) echo "usage: $0 [start [DIR] | stop [DIR] | schema [URL] | drop SCHEMA-URL]" >&2; exit 2 ;;
esac
