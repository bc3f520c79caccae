#!/usr/bin/env bash
# Centralized signing and the verification service end to end over HTTP:
# a seal made with a server-held key signs the sample PDF and OFD after a
# reviewer's approval; the downloads verify with `eseal verify` and with
# POST /api/v1/verify; separation of duties, allowed users, the uses limit,
# batches, automatic approval, hash-only signing (SES_Signature checked
# with `eseal seal verify`, CMS with openssl) and a seal reported lost
# (earlier documents still pass, new requests are refused).
# ESEAL_TEST_DB=pg runs the service on PostgreSQL (tests/test_service_pg.sh).
set -u
E=${ESEAL_BIN:?ESEAL_BIN}
. "${ESEAL_SRC:-$(dirname "$0")/..}/tests/service_lib.sh"
svc_test test_sign_service curl jq openssl

"$E" demo --out "$T/demo" > /dev/null 2>&1 || { echo "eseal demo failed"; exit 1; }
[ -f "$T/demo/sample.pdf" ] && [ -f "$T/demo/sample.ofd" ] || { echo "no sample documents"; exit 1; }

svc_start --threads 2 || { echo "0 passed, 1 failed"; exit 1; }
svc_bootstrap t || { echo "0 passed, 1 failed"; exit 1; }
login admin
api POST /api/v1/users "$(body "{\"name\":\"t-other\",\"password\":\"$PW\",\"role\":\"applicant\",\"org\":\"$ORG\"}")" > /dev/null

# a contract seal with a server-held key, for t-applicant only, 8 uses
svc_make_seal t '"validity_days":365,"uses_limit":8,"allowed_users":["t-applicant"]'
check "seal made with a server-held key" test $? -eq 0
CA=$T/data/ca/ca.pem

b64() { base64 -w0 "$1"; }
# sign request for one document with a placement
request() { # FILE PLACEMENT-JSON
  printf '{"esid":"%s","document":"%s","placement":%s}' "$ESID" "$(b64 "$1")" "$2" > "$T/req"
  echo "$T/req"
}
login t-applicant "$PW"
code=$(call POST /api/v1/sign-requests "$(request "$T/demo/sample.pdf" '{"keyword":"示例科技有限公司","occurrence":1}')")
RPDF=$(jq -r .id "$T/out")
check "PDF sign request is pending (201)" test "$code" = 201 -a "$(jq -r .status "$T/out")" = pending
check "document SM3 recorded" test "$(jq -r '.documents[0].sm3' "$T/out")" = "$(openssl dgst -sm3 -r "$T/demo/sample.pdf" | cut -d' ' -f1)"
code=$(call POST /api/v1/sign-requests "$(request "$T/demo/sample.ofd" '{"at":{"page":1,"x":150,"y":200}}')")
ROFD=$(jq -r .id "$T/out")
check "OFD sign request is pending" test "$code" = 201
code=$(call POST "/api/v1/sign-requests/$RPDF/approve" "$(body '{}')")
check "applicant cannot approve (403)" test "$code" = 403
code=$(call GET "/api/v1/sign-requests/$RPDF/documents/1")
check "nothing to download before approval (409)" test "$code" = 409
login t-reviewer "$PW"
code=$(call GET "/api/v1/sign-requests/$RPDF/documents/1?original=1")
check "the reviewer reads the document as uploaded before approving" \
  sh -c "test '$code' = 200 && cmp -s '$T/out' '$T/demo/sample.pdf'"
login t-applicant "$PW"

login t-other "$PW"
code=$(call POST /api/v1/sign-requests "$(request "$T/demo/sample.pdf" '{"perforation":"right"}')")
check "user outside allowed_users refused (403)" test "$code" = 403 -a "$(jq -r .type "$T/out")" = urn:eseal:problem:not-allowed-user

login t-reviewer "$PW"
code=$(call POST "/api/v1/sign-requests/$RPDF/approve" "$(body '{}')")
check "reviewer approves: signed" test "$code" = 200 -a "$(jq -r .status "$T/out")" = signed
code=$(call POST "/api/v1/sign-requests/$RPDF/approve" "$(body '{}')")
check "second approval refused (409)" test "$code" = 409
code=$(call POST "/api/v1/sign-requests/$ROFD/approve" "$(body '{}')")
check "OFD approved" test "$code" = 200
code=$(call GET /api/v1/sign-requests?status=signed)
check "list shows both signed requests" test "$(jq '.sign_requests | length' "$T/out")" = 2

login t-applicant "$PW"
curl -sf -H "Authorization: Bearer $TOKEN" -o "$T/signed.pdf" "$URL/api/v1/sign-requests/$RPDF/documents/1"
curl -sf -H "Authorization: Bearer $TOKEN" -o "$T/signed.ofd" "$URL/api/v1/sign-requests/$ROFD/documents/1"
for f in pdf ofd; do
  "$E" verify "$T/signed.$f" --trust "$CA" --status "$URL" > "$T/v-$f.txt" 2>&1
  check "signed $f verifies with eseal verify (TOTAL-PASSED)" grep -q TOTAL-PASSED "$T/v-$f.txt"
  printf '{"document":"%s","lang":"zh"}' "$(b64 "$T/signed.$f")" > "$T/vreq"
  code=$(call POST /api/v1/verify "$T/vreq")
  check "POST /api/v1/verify $f: TOTAL-PASSED with status checked" \
    test "$code" = 200 -a "$(jq -r .indication "$T/out")" = TOTAL-PASSED -a "$(jq -r .status_checked "$T/out")" = true
  check "verify summary text present" test -n "$(jq -r .summary "$T/out")"
done
cp "$T/signed.pdf" "$T/tampered.pdf"
printf 'X' | dd of="$T/tampered.pdf" bs=1 seek=300 conv=notrunc 2> /dev/null
printf '{"document":"%s"}' "$(b64 "$T/tampered.pdf")" > "$T/vreq"
code=$(call POST /api/v1/verify "$T/vreq")
check "POST /api/v1/verify: a changed document fails" test "$code" = 200 -a "$(jq -r .indication "$T/out")" = TOTAL-FAILED
printf '{"document":"%s"}' "$(printf 'not a document' | base64 -w0)" > "$T/vreq"
code=$(call POST /api/v1/verify "$T/vreq")
check "POST /api/v1/verify: not a document (400)" test "$code" = 400
code=$(call POST /api/v1/sign-requests "$(body "{\"esid\":\"$ESID\",\"document\":\"$(printf 'junk' | base64 -w0)\"}")")
check "sign request for a non-document refused (400)" test "$code" = 400
code=$(call POST /api/v1/sign-requests "$(request "$T/demo/sample.pdf" '{"at":{"page":0,"x":1,"y":1}}')")
check "bad placement refused (400)" test "$code" = 400
code=$(call GET /api/v1/sign-requests)
check "refused requests stored nothing" test "$(jq '.sign_requests | length' "$T/out")" = 2
code=$(call GET "/api/v1/seals/$ESID")
check "two uses counted" test "$(jq -r .uses_count "$T/out")" = 2

# reject with a reason
code=$(call POST /api/v1/sign-requests "$(request "$T/demo/sample.pdf" '{"auto":true}')")
RREJ=$(jq -r .id "$T/out")
login t-reviewer "$PW"
code=$(call POST "/api/v1/sign-requests/$RREJ/reject" "$(body '{"reason":"wrong contract"}')")
check "reject" test "$code" = 200 -a "$(jq -r .status "$T/out")" = rejected

# batch: two documents, one approval, two uses
login t-applicant "$PW"
printf '{"esid":"%s","placement":{"keyword":"示例科技有限公司"},"documents":["%s",{"document":"%s","pdf_format":"ses"}]}' \
  "$ESID" "$(b64 "$T/demo/sample.ofd")" "$(b64 "$T/demo/sample.pdf")" > "$T/req"
code=$(call POST /api/v1/sign-requests "$T/req")
RB=$(jq -r .id "$T/out")
check "batch request holds two documents" test "$code" = 201 -a "$(jq '.documents | length' "$T/out")" = 2
login t-reviewer "$PW"
code=$(call POST "/api/v1/sign-requests/$RB/approve" "$(body '{}')")
check "batch approved" test "$code" = 200
login t-applicant "$PW"
curl -sf -H "Authorization: Bearer $TOKEN" -o "$T/b1.ofd" "$URL/api/v1/sign-requests/$RB/documents/1"
curl -sf -H "Authorization: Bearer $TOKEN" -o "$T/b2.pdf" "$URL/api/v1/sign-requests/$RB/documents/2"
"$E" verify "$T/b1.ofd" --trust "$CA" > "$T/vb1" 2>&1
"$E" verify "$T/b2.pdf" --trust "$CA" > "$T/vb2" 2>&1
check "batch documents verify" grep -q TOTAL-PASSED "$T/vb1"
check "batch PDF (SES format) verifies" grep -q TOTAL-PASSED "$T/vb2"

# hash-only signing under review: a request of digests, signed on approval
DIG=$(openssl dgst -sm3 -r "$T/demo/sample.pdf" | cut -d' ' -f1)
code=$(call POST /api/v1/sign-requests "$(body "{\"esid\":\"$ESID\",\"digests\":[{\"sm3\":\"$DIG\",\"form\":\"ses\"}]}")")
RH=$(jq -r .id "$T/out")
check "digest sign request pending" test "$code" = 201 -a "$(jq -r .status "$T/out")" = pending
login t-reviewer "$PW"
code=$(call POST "/api/v1/sign-requests/$RH/approve" "$(body '{}')")
check "digest request approved" test "$code" = 200
login t-applicant "$PW"
curl -sf -H "Authorization: Bearer $TOKEN" -o "$T/req-hash.sig" "$URL/api/v1/sign-requests/$RH/documents/1"
"$E" seal verify "$T/req-hash.sig" --trust "$CA" > "$T/vrh" 2>&1
check "approved digest: SES_Signature verifies" grep -q TOTAL-PASSED "$T/vrh"
check "approved digest: SES_Signature covers the digest" \
  test "$("$E" seal show "$T/req-hash.sig" --json | jq -r .data_hash | tr A-F a-f)" = "$DIG"

# direct hash-only signing needs automatic approval
code=$(call POST /api/v1/sign-hash "$(body "{\"esid\":\"$ESID\",\"sm3\":\"$DIG\"}")")
check "hash-only signing without automatic approval refused (409)" test "$code" = 409
login t-seal_keeper "$PW"
code=$(call POST "/api/v1/seals/$ESID/sign-policy" "$(body '{"auto_approve":true}')")
check "seal keeper turns on automatic approval" test "$code" = 200
login t-applicant "$PW"
code=$(call POST /api/v1/sign-hash "$(body "{\"esid\":\"$ESID\",\"sm3\":\"$DIG\",\"form\":\"ses\"}")")
jq -r .signature "$T/out" | base64 -d > "$T/hash.sig"
check "hash-only SES_Signature made" test "$code" = 200
"$E" seal verify "$T/hash.sig" --trust "$CA" > "$T/vh" 2>&1
check "SES_Signature verifies (eseal seal verify)" grep -q TOTAL-PASSED "$T/vh"
check "SES_Signature covers the digest" test "$("$E" seal show "$T/hash.sig" --json | jq -r .data_hash | tr A-F a-f)" = "$DIG"
code=$(call POST /api/v1/sign-hash "$(body "{\"esid\":\"$ESID\",\"sm3\":\"$DIG\",\"form\":\"cms\"}")")
jq -r .signature "$T/out" | base64 -d > "$T/hash.p7"
check "detached CMS made" test "$code" = 200
check "CMS carries the digest (openssl asn1parse)" \
  sh -c "openssl asn1parse -inform DER -in '$T/hash.p7' | grep -qi ':$DIG'"

# automatic approval: signed at once (the 8th and last use)
code=$(call POST /api/v1/sign-requests "$(request "$T/demo/sample.ofd" '{"keyword":"示例科技有限公司","occurrence":1}')")
check "automatic approval signs at once" test "$code" = 201 -a "$(jq -r .status "$T/out")" = signed
code=$(call POST /api/v1/sign-requests "$(request "$T/demo/sample.ofd" '{"auto":true}')")
check "uses limit reached (409)" test "$code" = 409 -a "$(jq -r .type "$T/out")" = urn:eseal:problem:uses-limit-reached
code=$(call GET "/api/v1/seals/$ESID")
check "eight uses counted" test "$(jq -r .uses_count "$T/out")" = 8

# a lost seal: earlier documents still pass, new requests are refused
login t-seal_keeper "$PW"
api POST "/api/v1/seals/$ESID/report-loss" "$(body '{"reason":"lost"}')" > /dev/null
sleep 1
"$E" verify "$T/signed.pdf" --trust "$CA" --status "$URL" > "$T/vl" 2>&1
check "document signed before the loss still passes" grep -q TOTAL-PASSED "$T/vl"
login t-applicant "$PW"
printf '{"document":"%s"}' "$(b64 "$T/signed.ofd")" > "$T/vreq"
code=$(call POST /api/v1/verify "$T/vreq")
check "POST /api/v1/verify after the loss still passes" test "$(jq -r .indication "$T/out")" = TOTAL-PASSED
code=$(call POST /api/v1/sign-requests "$(request "$T/demo/sample.pdf" '{"auto":true}')")
check "lost seal refuses new requests (409)" test "$code" = 409 -a "$(jq -r .type "$T/out")" = urn:eseal:problem:seal-not-valid

# the audit log holds the signing entries with the document digests
AUDB=$DBURL
check "audit log verifies" "$E" audit verify --db "$AUDB" > /dev/null 2>&1
"$E" audit list --db "$AUDB" --action sign.document --json > "$T/audit.json" 2>&1
check "audit entry per signed document with its SM3, seal, operator and request" \
  sh -c "grep -q '$DIG' '$T/audit.json' && grep -q 't-reviewer' '$T/audit.json' && grep -q '$ESID' '$T/audit.json' && grep -q 'request' '$T/audit.json'"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
