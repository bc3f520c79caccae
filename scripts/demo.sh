#!/usr/bin/env bash
# The main job for a newcomer: install what is missing, build eseal, and run
# the demo (a CA, a maker and a signer certificate, a seal; shown and
# verified) into ./demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
rm -rf demo
./build/eseal demo --out demo
