#!/usr/bin/env bash
# Runs the centralized signing test (tests/test_sign_service.sh) with the
# service on a real PostgreSQL: the one named by $ESEAL_TEST_PG_URL, or a
# throwaway cluster started here with scripts/pg.sh. Skips (77) only when
# PostgreSQL cannot be had at all.
set -u
SRC=${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
started=""
cleanup() {
  [ -n "$started" ] && bash "$SRC/scripts/pg.sh" stop "$started" > /dev/null 2>&1 && rm -rf "$started"
}
trap cleanup EXIT
if [ -z "${ESEAL_TEST_PG_URL:-}" ]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/eseal-pg.XXXXXX")
  if ! url=$(bash "$SRC/scripts/pg.sh" start "$dir"); then
    echo "test_sign_service_pg: PostgreSQL could not be installed or started; skipping" >&2
    rm -rf "$dir"
    exit 77
  fi
  started=$dir
  export ESEAL_TEST_PG_URL=$url
fi
echo "PostgreSQL at $ESEAL_TEST_PG_URL"
bash "$SRC/tests/test_sign_service.sh"
