#!/usr/bin/env bash
# Runs every test: the suite on a normal build, the suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and each libFuzzer target
# for ESEAL_FUZZ_SECONDS (default 60). Exits non-zero when anything fails.
#
# ESEAL_SHARED_DIR points at the shared fixtures (default ../shared); tests
# that need them skip with a message when the folder is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SHARED=${ESEAL_SHARED_DIR:-$ROOT/../shared}
FUZZ_SECONDS=${ESEAL_FUZZ_SECONDS:-60}
JOBS=$(nproc)

bash scripts/deps.sh

echo "== build and test (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESEAL_SHARED_DIR="$SHARED" >/dev/null
cmake --build build -j"$JOBS" >/dev/null
ctest --test-dir build --output-on-failure -j2

echo "== build and test under ASan + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DESEAL_SANITIZE=ON -DESEAL_SHARED_DIR="$SHARED" >/dev/null
cmake --build build-asan -j"$JOBS" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2

if [ "$FUZZ_SECONDS" -gt 0 ]; then
  echo "== fuzz targets (clang, libFuzzer + ASan), ${FUZZ_SECONDS}s each"
  CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DESEAL_FUZZ=ON -DESEAL_SHARED_DIR="$SHARED" >/dev/null
  cmake --build build-fuzz -j"$JOBS" >/dev/null
  bash fuzz/run.sh build-fuzz "$SHARED" "$FUZZ_SECONDS"
fi
echo "== all tests passed"
