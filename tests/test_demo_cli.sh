#!/usr/bin/env bash
# The README's first command end to end, minus the package install and the
# build: `eseal demo` and scripts/demo_service.sh (the service on SQLite, a
# demo organisation, a seal made through 申领 → 审核 → 制章, the samples signed
# with it and verified with live status answers). The service is stopped at
# the end.
set -u
E=${ESEAL_BIN:?}
SRC=${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
for t in curl jq openssl; do
	command -v $t >/dev/null 2>&1 || { echo "$t not installed; skipping"; exit 77; }
done
T=$(mktemp -d)
cleanup() {
	[ -f "$T/demo/service/serve.pid" ] && kill "$(cat "$T/demo/service/serve.pid")" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
pass=0 fail=0
expect() { local n=$1; shift; if "$@"; then pass=$((pass + 1)); echo "ok   $n"; else fail=$((fail + 1)); echo "FAIL $n"; fi; }

"$E" demo --out "$T/demo" > "$T/demo.out" 2>&1
expect "eseal demo" [ $? = 0 ]
for f in ca.pem seal.esl signed.ofd signed.pdf signed-pades.pdf; do
	expect "demo wrote $f" [ -s "$T/demo/$f" ]
done
bash "$SRC/scripts/demo_service.sh" "$E" "$T/demo" 18080 > "$T/svc.out" 2>&1
rc=$?
cat "$T/svc.out"
expect "demo service script" [ $rc = 0 ]
S=$T/demo/service
expect "service still running" kill -0 "$(cat "$S/serve.pid" 2>/dev/null || echo 0)"
expect "seal made through the service" [ -s "$S/seal.esl" ]
for f in ofd pdf; do
	expect "service seal on $f passes" grep -q 'TOTAL-PASSED' "$S/verify-$f.txt"
	expect "status answer used on $f" grep -q 'Seal status: good' "$S/verify-$f.txt"
done
expect "admin password kept private" [ "$(stat -c %a "$S/admin-password")" = 600 ]
expect "key file kept private" [ "$(stat -c %a "$S/seal.key")" = 600 ]
echo "$pass passed, $fail failed"
[ $fail = 0 ]
