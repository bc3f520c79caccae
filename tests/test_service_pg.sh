#!/usr/bin/env bash
# test_service_pg.sh - the service tests again with every server on a real
# PostgreSQL: the one named by $ESEAL_TEST_PG_URL, or one throwaway cluster
# started here with scripts/pg.sh. Each test runs unchanged with
# ESEAL_TEST_DB=pg, which gives every server it starts a fresh schema
# (tests/lib_pg.sh, tests/store_backends.h). The SQLite runs are the plain
# tests. A sub-test that fails or skips fails this test; it skips (77) only
# when PostgreSQL cannot be had at all. The sub-tests mostly wait on
# servers, so up to ESEAL_TEST_JOBS (default 2) run at once; the federation
# test, whose instances must react within seconds, runs alone first.
set -u
SRC=${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${ESEAL_BUILD:-}
if [ -z "${ESEAL_BIN:-}" ] || [ -z "$BUILD" ] || [ ! -x "$BUILD/test_server" ]; then
  echo "test_service_pg: set ESEAL_BIN and ESEAL_BUILD (a build folder with test_server)" >&2
  exit 77
fi
ALONE=(test_federation.sh)
# longest first, so the parallel runs end together
TESTS=(test_crash_sign.sh test_place_serve_cli.sh test_sign_service.sh test_stats_serve.sh test_audit_serve.sh
  test_serve_cli.sh test_report_use.sh test_status_cli.sh test_server)
started="" O=""
cleanup() {
  [ -n "$started" ] && bash "$SRC/scripts/pg.sh" stop "$started" >/dev/null 2>&1
  [ -n "$O" ] && rm -rf "$O"
}
trap cleanup EXIT
if [ -z "${ESEAL_TEST_PG_URL:-}" ]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/eseal-pg.XXXXXX")
  if ! url=$(bash "$SRC/scripts/pg.sh" start "$dir"); then
    echo "test_service_pg: PostgreSQL could not be installed or started; skipping" >&2
    rm -rf "$dir"
    exit 77
  fi
  started=$dir
  export ESEAL_TEST_PG_URL=$url
fi
echo "PostgreSQL at $ESEAL_TEST_PG_URL"
export ESEAL_TEST_DB=pg
O=$(mktemp -d "${TMPDIR:-/tmp}/eseal-svc-pg.XXXXXX")

run_one() {
  local t=$1 t0=$SECONDS
  case "$t" in
  *.sh) bash "$SRC/tests/$t" ;;
  *) "$BUILD/$t" ;;
  esac >"$O/$t.log" 2>&1
  echo "$? $((SECONDS - t0))" >"$O/$t.rc"
}

for t in "${ALONE[@]}"; do run_one "$t"; done
jobs_max=${ESEAL_TEST_JOBS:-2}
for t in "${TESTS[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
  run_one "$t" &
done
wait

pass=0 fail=0
for t in "${ALONE[@]}" "${TESTS[@]}"; do
  read -r rc secs <"$O/$t.rc" 2>/dev/null || { rc=?; secs=?; }
  last=$(tail -1 "$O/$t.log")
  # the sub-test must have run and passed everything: a skip is a failure
  if [ "$rc" = 0 ] && echo "$last" | grep -Eq '^[1-9][0-9]* passed, 0 failed$' && ! grep -q 'SKIP' "$O/$t.log"; then
    pass=$((pass + 1))
    echo "ok   $t on PostgreSQL: $last (${secs}s)"
  else
    fail=$((fail + 1))
    echo "FAIL $t on PostgreSQL (exit $rc, ${secs}s):"
    grep -E '^(FAIL|  FAIL|  SKIP)' "$O/$t.log" | head -20 | sed 's/^/  /'
    tail -5 "$O/$t.log" | sed 's/^/  | /'
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
