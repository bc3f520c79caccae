#!/usr/bin/env bash
# The main job for a newcomer: install what is missing, build eseal, run the
# demo into ./demo (a CA, maker and signer certificates, a seal; a sample OFD
# and PDF signed and verified), then bring the service up on the embedded
# SQLite store with a demo organisation, make a seal through it and sign and
# verify the samples with that seal (scripts/demo_service.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
# a service left running by an earlier demo
if [ -f demo/service/serve.pid ]; then
  kill "$(cat demo/service/serve.pid)" 2>/dev/null || true
  sleep 0.5
fi
rm -rf demo
./build/eseal demo --out demo
echo
bash scripts/demo_service.sh ./build/eseal demo "${ESEAL_DEMO_PORT:-8080}"
