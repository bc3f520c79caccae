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
expect "seal package kept private" [ "$(stat -c %a "$S/seal-package.pem")" = 600 ]
expect "both offline uses reported and counted" grep -q '2 counted' "$T/svc.out"

# backup (online), wipe, restore: seals, status answers and the audit log come back
ESID=$("$E" seal show "$S/seal.esl" --json 2>/dev/null | jq -r '.esid // .esID // empty')
URL=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$S/serve.log" | head -1)
DB="sqlite:$S/data/eseal.db"
"$E" backup --db "$DB" --out "$T/backup.db" > /dev/null 2>&1
expect "online backup" [ $? = 0 ]
before=$(curl -s "${URL}api/v1/status/$ESID?format=json" | jq -r .status)
kill "$(cat "$S/serve.pid")"; sleep 1
rm -f "$S/data/eseal.db" "$S/data/eseal.db-wal" "$S/data/eseal.db-shm"
"$E" restore --db "$DB" --in "$T/backup.db" > /dev/null 2>&1
expect "restore into an empty database" [ $? = 0 ]
"$E" audit verify --db "$DB" > "$T/audit.out" 2>&1
expect "restored audit log verifies" [ $? = 0 ]
nohup "$E" serve --data "$S/data" --listen "$(echo "${URL#http://}" | sed "s,/$,,")" > "$S/serve2.log" 2>&1 &
echo $! > "$S/serve.pid"
for _ in $(seq 1 50); do curl -sf "${URL}healthz" > /dev/null 2>&1 && break; sleep 0.1; done
after=$(curl -s "${URL}api/v1/status/$ESID?format=json" | jq -r .status)
expect "seal status answered after restore ($before -> $after)" [ -n "$ESID" -a "$before" = good -a "$after" = good ]
"$E" verify "$S/signed.pdf" --trust "$S/data/ca/ca.pem" --status "$URL" > /dev/null 2>&1
expect "earlier document verifies against the restored service" [ $? = 0 ]

echo "$pass passed, $fail failed"
[ $fail = 0 ]
