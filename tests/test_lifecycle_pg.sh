#!/usr/bin/env bash
# Runs the seal lifecycle test (tests/test_lifecycle.c) against a real
# PostgreSQL: the one named by $ESEAL_TEST_PG_URL, or a throwaway cluster
# started here with scripts/pg.sh. The SQLite run is the plain test_lifecycle
# test. Skips (77) only when PostgreSQL cannot be had at all.
set -u
SRC=${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${ESEAL_BUILD:-}
if [ -z "$BUILD" ] || [ ! -x "$BUILD/test_lifecycle" ]; then
  echo "test_lifecycle_pg: set ESEAL_BUILD to a build folder with test_lifecycle" >&2
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
    echo "test_lifecycle_pg: PostgreSQL could not be installed or started; skipping" >&2
    rm -rf "$dir"
    exit 77
  fi
  started=$dir
  export ESEAL_TEST_PG_URL=$url
fi
echo "PostgreSQL at $ESEAL_TEST_PG_URL"
out=$(ESEAL_TEST_PG_ONLY=1 "$BUILD/test_lifecycle" 2>&1)
rc=$?
echo "$out" | grep -vE 'SKIP .*PostgreSQL-only run'
# the PostgreSQL variant must have run: a skip here is a failure
if [ $rc -ne 0 ] || ! echo "$out" | grep -q '^ok   lifecycle_pg' || echo "$out" | grep 'SKIP' | grep -vq 'PostgreSQL-only run'; then
  echo "0 passed, 1 failed"
  exit 1
fi
echo "1 passed, 0 failed"
