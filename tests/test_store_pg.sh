#!/usr/bin/env bash
# Runs the store and audit tests against a real PostgreSQL: the one named by
# $ESEAL_TEST_PG_URL, or a throwaway cluster started here with scripts/pg.sh
# (installing PostgreSQL when needed). Skips (77) only when PostgreSQL cannot
# be had at all.
set -u
SRC=${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${ESEAL_BUILD:-}
if [ -z "$BUILD" ] || [ ! -x "$BUILD/test_store" ] || [ ! -x "$BUILD/test_audit" ]; then
  echo "test_store_pg: set ESEAL_BUILD to a build folder with test_store and test_audit" >&2
  exit 77
fi
started=""
cleanup() {
  [ -n "$started" ] && bash "$SRC/scripts/pg.sh" stop "$started" >/dev/null 2>&1
}
trap cleanup EXIT
if [ -z "${ESEAL_TEST_PG_URL:-}" ]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/eseal-pg.XXXXXX")
  if ! url=$(bash "$SRC/scripts/pg.sh" start "$dir"); then
    echo "test_store_pg: PostgreSQL could not be installed or started; skipping" >&2
    rm -rf "$dir"
    exit 77
  fi
  started=$dir
  export ESEAL_TEST_PG_URL=$url
fi
echo "PostgreSQL at $ESEAL_TEST_PG_URL"
pass=0
fail=0
for t in test_store test_audit; do
  out=$(ESEAL_TEST_PG_ONLY=1 "$BUILD/$t" 2>&1)
  rc=$?
  echo "$out" | grep -E '^(ok|FAIL|  FAIL|  SKIP)' | grep -v 'PostgreSQL-only run' | sed "s/^/$t: /"
  # Every PostgreSQL variant must have run: a skip here is a failure.
  if [ $rc -ne 0 ] || echo "$out" | grep 'SKIP' | grep -vq 'PostgreSQL-only run'; then
    echo "$out" | tail -20
    fail=$((fail + 1))
  else
    pass=$((pass + 1))
  fi
done
# The commands on PostgreSQL: a log, a backup, a wipe, a restore into
# PostgreSQL and into SQLite, both verifying.
if [ -n "${ESEAL_BIN:-}" ] && [ -x "$ESEAL_BIN" ]; then
  T=$(mktemp -d /tmp/eseal-pg-cli.XXXXXX)
  schema="cli_$$_$RANDOM"
  sep='?'
  case "$ESEAL_TEST_PG_URL" in *\?*) sep='&' ;; esac
  if psql "$ESEAL_TEST_PG_URL" -qc "CREATE SCHEMA $schema" >/dev/null 2>&1; then
    DB="$ESEAL_TEST_PG_URL${sep}options=-csearch_path%3D$schema"
    cli_ok=1
    "$ESEAL_BIN" key gen --out "$T/a.key" --pubout "$T/a.pub" --insecure-plain >/dev/null || cli_ok=0
    for i in 1 2 3; do
      "$ESEAL_BIN" audit note --db "$DB" --actor op --action "pg.step$i" >/dev/null || cli_ok=0
    done
    "$ESEAL_BIN" audit sign-head --db "$DB" --key "$T/a.key" >/dev/null || cli_ok=0
    "$ESEAL_BIN" backup --db "$DB" --out "$T/b.db" >/dev/null || cli_ok=0
    psql "$ESEAL_TEST_PG_URL" -qc "DROP SCHEMA $schema CASCADE; CREATE SCHEMA $schema" >/dev/null 2>&1 || cli_ok=0
    "$ESEAL_BIN" restore --db "$DB" --in "$T/b.db" >/dev/null || cli_ok=0
    "$ESEAL_BIN" audit verify --db "$DB" --key "$T/a.pub" >/dev/null || cli_ok=0
    "$ESEAL_BIN" restore --db "sqlite:$T/copy.db" --in "$T/b.db" >/dev/null || cli_ok=0
    "$ESEAL_BIN" audit verify --db "sqlite:$T/copy.db" --key "$T/a.pub" >/dev/null || cli_ok=0
    [ "$("$ESEAL_BIN" audit list --db "$DB" --json | wc -l)" = 3 ] || cli_ok=0
    psql "$ESEAL_TEST_PG_URL" -qc "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
    if [ $cli_ok = 1 ]; then
      echo "cli: ok   backup/restore/verify on PostgreSQL"
      pass=$((pass + 1))
    else
      echo "cli: FAIL backup/restore/verify on PostgreSQL"
      fail=$((fail + 1))
    fi
  else
    echo "cli: psql not available; command checks skipped"
  fi
  rm -rf "$T"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
