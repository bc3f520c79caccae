#!/bin/bash
# test_timestamp_ses.sh - `eseal sign --timestamp URL` on OFD and on PDF
# with SES signatures, against the service's POST /api/v1/tsa: the token
# lands in SES_Signature.timeStamp, `eseal verify` passes and reports its
# genTime; a token whose bytes were changed fails the signature; a TSA
# outside the trust anchors leaves it indeterminate.
set -u
B=${ESEAL_BIN:?ESEAL_BIN not set}
command -v curl >/dev/null 2>&1 || { echo "skip: curl not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 not installed"; exit 77; }
T=$(mktemp -d /tmp/eseal-ts-ses-XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
expect() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
fails() { local name=$1; shift; if "$@" >/dev/null 2>&1; then bad "$name"; else ok "$name"; fi; }
unset ESEAL_PASS

"$B" demo --out demo >/dev/null 2>&1 || { echo "FAIL eseal demo"; echo "0 passed, 1 failed"; exit 1; }
"$B" serve --data srv --listen 127.0.0.1:0 --no-console >out 2>out.err &
PID=$!
URL=
for _ in $(seq 1 100); do
	URL=$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' out)
	[ -n "$URL" ] && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
expect "service started" [ -n "$URL" ]
TSA=${URL}api/v1/tsa
P="--seal demo/seal.esl --key demo/signer.key --cert demo/signer.pem --pass-file demo/passphrase --no-journal"
TR="--trust demo/ca.pem --trust srv/ca/ca.pem"

# JSON check status of the first signature: status CHECK FILE
status() { python3 -c 'import json,sys
r=json.load(open(sys.argv[2]))
print([c["status"] for c in r["signatures"][0]["checks"] if c["check"]==sys.argv[1]][0])' "$1" "$2" 2>/dev/null; }
fact() { python3 -c 'import json,sys
r=json.load(open(sys.argv[2]))
print(r["signatures"][0]["facts"].get(sys.argv[1],""))' "$1" "$2" 2>/dev/null; }

for f in ofd pdf; do
	fmt=; [ $f = pdf ] && fmt="--format ses"
	expect "$f: sign --timestamp" sh -c "'$B' sign demo/sample.$f $P $fmt -o ts.$f --at 1:100:150 --timestamp '$TSA' >/dev/null"
	"$B" verify ts.$f $TR --json > v-$f.json
	expect "$f: verify passes" [ $? = 0 ]
	expect "$f: timestamp check passed" [ "$(status timestamp v-$f.json)" = passed ]
	gt=$(fact timestamp v-$f.json)
	expect "$f: genTime reported ($gt)" sh -c "echo '$gt' | grep -Eq '^20[0-9]{12}Z$'"
	"$B" verify ts.$f --trust demo/ca.pem --json > u-$f.json
	expect "$f: untrusted TSA: indeterminate (exit 2)" [ $? = 2 ]
	expect "$f: untrusted TSA: timestamp indeterminate" [ "$(status timestamp u-$f.json)" = indeterminate ]
done
expect "--tsa is an alias" sh -c "'$B' sign demo/sample.ofd $P -o ts2.ofd --invisible --tsa '$TSA' >/dev/null &&
	'$B' verify ts2.ofd $TR --json | grep -q '\"timestamp\"'"
fails "--timestamp and --tsa together" "$B" sign demo/sample.ofd $P -o x.ofd --invisible --tsa "$TSA" --timestamp "$TSA"
fails "unreachable TSA" "$B" sign demo/sample.ofd $P -o x.ofd --invisible --timestamp http://127.0.0.1:1/tsa
expect "no output after a failed time-stamp" [ ! -e x.ofd ]

# change one byte of the token's own signature (near the end of SignedValue.dat)
python3 - <<'EOF'
import zipfile
zin = zipfile.ZipFile("ts.ofd")
zout = zipfile.ZipFile("bad.ofd", "w", zipfile.ZIP_DEFLATED)
for i in zin.infolist():
    b = zin.read(i.filename)
    if i.filename.endswith("SignedValue.dat"):
        b = bytearray(b)
        b[-20] ^= 0x01
        b = bytes(b)
    zout.writestr(i.filename, b)
zout.close()
EOF
"$B" verify bad.ofd $TR --json > bad.json
expect "tampered token: exit 1" [ $? = 1 ]
expect "tampered token: timestamp failed" [ "$(status timestamp bad.json)" = failed ]
expect "tampered token: signature value still fine" [ "$(status signature_value bad.json)" = passed ]

# the fixtures without time-stamps are unaffected: no timestamp check
"$B" verify demo/signed.ofd --trust demo/ca.pem --json > plain.json
expect "plain signature: no timestamp check" sh -c "! grep -q '\"check\": \"timestamp\"' plain.json"

kill -TERM "$PID"
wait "$PID" 2>/dev/null
PID=
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
