#!/usr/bin/env bash
# Runs every fuzz target in BUILD for SECONDS, seeded from the shared
# fixtures when present. Fails on the first crash, leak or sanitizer report.
set -euo pipefail
BUILD=$1 SHARED=$2 SECONDS_EACH=$3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

seed() { # seed TARGET: fills $WORK/TARGET with inputs that reach deep code
  local t=$1 d=$WORK/$1 f e
  mkdir -p "$d"
  [ -d "$SHARED/fixtures" ] || return 0
  case $t in
    fuzz_ses|fuzz_der)
      cp "$SHARED"/fixtures/seals/*.esl "$d"/ 2>/dev/null || true
      for f in "$SHARED"/fixtures/ofd/*.ofd; do
        for e in $(unzip -Z1 "$f" | grep -E 'SignedValue.dat$' || true); do
          unzip -p "$f" "$e" > "$d/$(basename "$f").$(echo "$e" | tr / _)"
        done
      done ;;
    fuzz_ofd*) cp "$SHARED"/fixtures/ofd/*.ofd "$d"/ ;;
    fuzz_pdf*) cp "$SHARED"/fixtures/pdf/*.pdf "$d"/ ;;
  esac
}

# run_one TARGET: one target for SECONDS_EACH; its log in $WORK/TARGET.log
run_one() {
  local bin=$1 t
  t=$(basename "$bin")
  seed "$t"
  if "$bin" -artifact_prefix="$BUILD/crashes/$t-" -max_total_time="$SECONDS_EACH" -max_len=1048576 -timeout=20 \
       -rss_limit_mb=2048 -print_final_stats=1 "$WORK/$t" > "$WORK/$t.log" 2>&1; then
    echo ok > "$WORK/$t.rc"
  else
    echo fail > "$WORK/$t.rc"
  fi
}

# Targets run side by side, one per core, so CI pays SECONDS_EACH per
# batch rather than per target.
mkdir -p "$BUILD/crashes"
JOBS=${ESEAL_FUZZ_JOBS:-$(nproc)}
running=0
for bin in "$BUILD"/fuzz_*; do
  [ -x "$bin" ] || continue
  run_one "$bin" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

status=0
for bin in "$BUILD"/fuzz_*; do
  [ -x "$bin" ] || continue
  t=$(basename "$bin")
  echo "-- $t"
  if [ "$(cat "$WORK/$t.rc" 2>/dev/null)" != ok ]; then
    echo "FAIL: $t"
    tail -60 "$WORK/$t.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|Done" "$WORK/$t.log" | tail -2 || true
  fi
done
exit $status
