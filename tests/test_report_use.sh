#!/usr/bin/env bash
# Decentralized use (分散式用章) end to end: the service makes a
# seal in package mode; with the service stopped the holder signs an OFD
# (eseal sign --package) and a PDF (SES, with the package's parts)
# offline, each recorded in the journal; once the service
# is back, `eseal report-use` reports both (2 counted), a second run finds
# nothing new, a document signed with another seal is refused (422) and a
# signature reported again counts once; the uses are listed, counted
# against the seal, and the audit log (seal.use-reported) verifies.
# ESEAL_TEST_DB=pg runs the service on PostgreSQL (tests/test_service_pg.sh).
set -u
E=${ESEAL_BIN:?ESEAL_BIN}
. "${ESEAL_SRC:-$(dirname "$0")/..}/tests/service_lib.sh"
svc_test test_report_use curl jq openssl python3 unzip
unset ESEAL_PASS ESEAL_USE_JOURNAL

"$E" demo --out "$T/demo" > /dev/null 2>&1 || { echo "eseal demo failed"; echo "0 passed, 1 failed"; exit 1; }
svc_start || { echo "0 passed, 1 failed"; exit 1; }
svc_bootstrap u || { echo "0 passed, 1 failed"; exit 1; }

# 申领 → 审核 → 制章 in package mode: the key comes back once, encrypted
login u-applicant "$PW"
APP=$(api POST /api/v1/seal-applications "$(body "{\"kind\":\"new\",\"name\":\"${ORG_NAME}合同专用章\",
  \"type\":\"contract\",\"uses_limit\":10,\"picture\":{\"shape\":\"round\",\"org\":\"$ORG_NAME\",\"title\":\"合同专用章\"}}")" |
  jq -r .id)
login u-reviewer "$PW"
api POST "/api/v1/seal-applications/$APP/approve" "$(body '{"reason":"ok"}')" > /dev/null
login u-business_admin "$PW"
echo "package-pass-$RANDOM$RANDOM" > "$T/keypass"
api POST "/api/v1/seal-applications/$APP/make" \
  "$(body "{\"key_mode\":\"package\",\"passphrase\":\"$(cat "$T/keypass")\"}")" > "$T/made.json"
ESID=$(jq -r .esid "$T/made.json")
check "seal made in package mode" test -n "$ESID" -a "$ESID" != null
jq -r .package "$T/made.json" > "$T/package.pem"
python3 - "$T/package.pem" "$T" << 'PY'
import re, sys, base64
t = open(sys.argv[1]).read()
blocks = re.findall(r"-----BEGIN ([A-Z ]+)-----\n(.*?)-----END \1-----\n", t, re.S)
certs = [b for b in blocks if b[0] == "CERTIFICATE"]
for label, body in blocks:
    if label == "ESEAL SEAL":
        open(sys.argv[2] + "/seal.esl", "wb").write(base64.b64decode(body))
    elif label == "ENCRYPTED PRIVATE KEY":
        open(sys.argv[2] + "/seal.key", "w").write("-----BEGIN %s-----\n%s-----END %s-----\n" % (label, body, label))
c = certs[0]
open(sys.argv[2] + "/seal.pem", "w").write("-----BEGIN CERTIFICATE-----\n%s-----END CERTIFICATE-----\n" % c[1])
PY
check "package holds seal, key and certificate" test -s "$T/seal.esl" -a -s "$T/seal.key" -a -s "$T/seal.pem"

# offline: the service is down while the holder signs
svc_stop
echo "not-the-passphrase" > "$T/pw-none"
J=$T/uses.jsonl
S="--seal $T/seal.esl --key $T/seal.key --cert $T/seal.pem --pass-file $T/keypass --journal $J"
check "offline: sign OFD with --package" sh -c "'$E' sign '$T/demo/sample.ofd' --package '$T/package.pem' \
  --pass-file '$T/keypass' --journal '$J' -o '$T/a.ofd' --at 1:100:150 > /dev/null"
check "--package with a wrong passphrase: refused" sh -c "! '$E' sign '$T/demo/sample.ofd' --package '$T/package.pem' \
  --pass-file '$T/pw-none' --no-journal -o '$T/x.ofd' --invisible 2> /dev/null && test ! -e '$T/x.ofd'"
check "offline: sign PDF (CMS, not journaled)" sh -c "'$E' sign '$T/demo/sample.pdf' $S --no-journal -o '$T/c.pdf' --invisible > /dev/null"
check "offline: sign PDF (SES)" sh -c "'$E' sign '$T/demo/sample.pdf' $S --format ses -o '$T/b.pdf' --at 1:100:150 > /dev/null"
check "journal holds two pending uses" test "$(grep -c '"state":"pending"' "$J")" = 2
# the document digest the signature covers: SM3 of the OFD's Signature.xml
SIGXML=$(unzip -Z1 "$T/a.ofd" | grep '/Signature\.xml$' | head -1)
check "journal records the signed document digest" \
  grep -q "$(unzip -p "$T/a.ofd" "$SIGXML" | openssl dgst -sm3 -r | cut -d' ' -f1)" "$J"
check "--no-journal records nothing" sh -c "'$E' sign '$T/demo/sample.ofd' $S --no-journal -o '$T/c.ofd' --invisible > /dev/null &&
  test \$(wc -l < '$J') = 2"
P="--seal $T/seal.esl --key $T/seal.key --cert $T/seal.pem --pass-file $T/keypass"
check "ESEAL_USE_JOURNAL names the journal" sh -c "ESEAL_USE_JOURNAL='$T/env.jsonl' '$E' sign '$T/demo/sample.ofd' $P \
  -o '$T/d.ofd' --invisible > /dev/null && test \$(wc -l < '$T/env.jsonl') = 1"
check "ESEAL_USE_JOURNAL=off records nothing" sh -c "HOME='$T/home' ESEAL_USE_JOURNAL=off '$E' sign '$T/demo/sample.ofd' $P \
  -o '$T/e.ofd' --invisible > /dev/null && test ! -e '$T/home'"
"$E" report-use --server "$URL" --user u-applicant --pass-file <(echo "$PW") --journal "$J" > "$T/r0.txt" 2>&1
check "service down: exit non-zero" test $? -ne 0
check "service down: clear message" grep -q 'cannot be reached' "$T/r0.txt"
check "service down: uses stay pending" test "$(grep -c '"state":"pending"' "$J")" = 2

svc_start || { echo "$pass passed, $((fail + 1)) failed"; exit 1; }
echo "$PW" > "$T/pw"
"$E" report-use --server "$URL" --user u-applicant --pass-file "$T/pw" --journal "$J" --json > "$T/r1.json" 2> "$T/r1.err"
check "report-use: exit 0" test $? = 0
check "report-use: 2 counted" test "$(jq .counted "$T/r1.json")" = 2
check "journal: both reported" test "$(grep -c '"state":"reported"' "$J")" = 2
# a business system's API key (ESEAL-HMAC-SM3) for the next runs
login admin
api POST /api/v1/api-keys "$(body "{\"name\":\"holder-pc\",\"org\":\"$ORG\"}")" > "$T/key.json"
KEY=$(jq -r .id "$T/key.json")
jq -r .secret "$T/key.json" > "$T/secret"
K="--api-key $KEY --api-secret-file $T/secret"
"$E" report-use --server "$URL" $K --journal "$J" --json > "$T/r2.json"
check "second run (API key): nothing new" test "$(jq '.counted + .known' "$T/r2.json")" = 0
login u-applicant "$PW"
call GET "/api/v1/seals/$ESID" > /dev/null
check "the seal counts 2 uses" test "$(jq .uses_count "$T/out")" = 2
code=$(call GET "/api/v1/seals/$ESID/uses")
check "GET uses lists both" test "$code" = 200 -a "$(jq '.uses | length' "$T/out")" = 2
check "GET uses names the documents" sh -c "jq -r '.uses[].document_name' '$T/out' | sort | tr '\n' ' ' | grep -q 'a.ofd b.pdf'"
code=$(call GET /api/v1/openapi.json)
check "OpenAPI documents the uses routes" test "$(jq '.paths["/api/v1/seals/{esid}/uses"] | has("post") and has("get")' "$T/out")" = true
code=$(call GET "/api/v1/seals/$ESID/events")
check "the uses are seal events" test "$(jq '[.events[] | select(.reason // "" | startswith("use reported"))] | length' "$T/out")" = 2

# the same signature reported again (from the document): counted once
"$E" report-use --server "$URL" $K "$T/a.ofd" --json > "$T/r3.json"
check "document reported again: known, not counted" test "$(jq .known "$T/r3.json")" = 1 -a "$(jq .counted "$T/r3.json")" = 0
call GET "/api/v1/seals/$ESID" > /dev/null
check "still 2 uses" test "$(jq .uses_count "$T/out")" = 2

# another seal's signature (the demo seal): refused
"$E" sign "$T/demo/sample.ofd" --seal "$T/demo/seal.esl" --key "$T/demo/signer.key" --cert "$T/demo/signer.pem" \
  --pass-file "$T/demo/passphrase" --journal "$T/other.jsonl" -o "$T/foreign.ofd" --invisible > /dev/null
python3 - "$T/other.jsonl" "$ESID" << 'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
for r in recs: r["esid"] = sys.argv[2]    # claims to be our seal
open(sys.argv[1], "w").write("".join(json.dumps(r) + "\n" for r in recs))
PY
"$E" report-use --server "$URL" $K --journal "$T/other.jsonl" > "$T/r4.txt" 2>&1
check "foreign signature: exit non-zero" test $? -ne 0
check "foreign signature: refused with a reason" grep -q 'refused' "$T/r4.txt"
check "foreign signature: marked refused" grep -q '"state":"refused"' "$T/other.jsonl"
# a forged one: our seal's signature with its value changed
python3 - "$J" "$T/forged.json" << 'PY'
import json, sys, base64
r = json.loads(open(sys.argv[1]).readline())
b = bytearray(base64.b64decode(r["signature"]))
b[-10] ^= 1
open(sys.argv[2], "w").write(json.dumps({"signature": base64.b64encode(bytes(b)).decode(), "form": "ses"}))
PY
code=$(call POST "/api/v1/seals/$ESID/uses" "$T/forged.json")
check "forged signature: 422 problem" test "$code" = 422 -a "$(jq -r .type "$T/out")" = urn:eseal:problem:not-this-seal
login u-reviewer "$PW"
code=$(call POST "/api/v1/seals/$ESID/uses" "$T/forged.json")
check "reviewer may not report uses (403)" test "$code" = 403
login u-applicant "$PW"
call GET "/api/v1/seals/$ESID" > /dev/null
check "refusals counted nothing" test "$(jq .uses_count "$T/out")" = 2

# the audit log: one seal.use-reported entry per counted use, chain intact
DB=$DBURL
check "audit log verifies" "$E" audit verify --db "$DB"
"$E" audit list --db "$DB" --action seal.use-reported --json > "$T/audit.json" 2>&1
check "audit: two use-reported entries" test "$(grep -o '"seal.use-reported"' "$T/audit.json" | wc -l)" = 2
# the SES signature in the PDF covers the bytes its ByteRange names
python3 - "$T/b.pdf" > "$T/b.signed-bytes" << 'PY'
import re, sys
d = open(sys.argv[1], "rb").read()
a, b, c, n = map(int, re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", d)[-1])
sys.stdout.buffer.write(d[a:a + b] + d[c:c + n])
PY
check "audit entries carry the signed document digest" \
  grep -q "$(openssl dgst -sm3 -r "$T/b.signed-bytes" | cut -d' ' -f1)" "$T/audit.json"

# a CMS signature (PDF cms-sm2) does not name its seal: --esid does
"$E" report-use --server "$URL" $K --esid "$ESID" "$T/c.pdf" --json > "$T/r5.json"
check "CMS signature from a document: counted" test "$(jq .counted "$T/r5.json")" = 1
call GET "/api/v1/seals/$ESID" > /dev/null
check "3 uses now" test "$(jq .uses_count "$T/out")" = 3
fails_cms=$("$E" report-use --server "$URL" $K "$T/c.pdf" 2>&1)
check "CMS without --esid: refused locally" sh -c "echo '$fails_cms' | grep -q -- '--esid'"

svc_stop
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
