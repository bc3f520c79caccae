#!/usr/bin/env bash
# `eseal sign` and `eseal verify` on OFD documents end to end: the verdicts
# on the third-party fixtures, our signed files checked independently with
# unzip and the OpenSSL command line (reference digests, dataHash, the SM2
# signature), placements, two signatures, --lock, tampering, and bad input
# (one clear line, the documented exit code, no output file).
set -u
E=${ESEAL_BIN:?}
S=${ESEAL_SHARED:-}
[ -n "$S" ] && [ -d "$S/fixtures/ofd" ] || { echo "no ../shared/fixtures; skipping"; exit 77; }
for t in unzip zip openssl jq xxd base64; do
  command -v $t >/dev/null || { echo "$t not installed; skipping"; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
F=$S/fixtures/ofd
pass=0 fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected '$2', got '$3'"; fi; }
run() {
  local want=$1 name=$2; shift 2
  "$@" > "$T/out" 2> "$T/err"; local rc=$?
  if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else ko "$name: exit $rc, expected $want; stderr: $(head -3 "$T/err")"; fi
}
one_line() {
  local n; n=$(wc -l < "$T/err")
  if [ "$n" = 1 ] && grep -q '^eseal ' "$T/err"; then ok "$1: one clear line"; else ko "$1: stderr was: $(cat "$T/err")"; fi
}
jqv() { jq -r "$1" "$T/out"; }

# --- the fixtures -------------------------------------------------------------
for f in v4signed SESV4SignDoc allprotected V4RideRight; do
  run 2 "verify $f.ofd" "$E" verify "$F/$f.ofd" --json
  check "$f: INDETERMINATE/NO_TRUST_ANCHOR" "INDETERMINATE NO_TRUST_ANCHOR" \
    "$(jqv '.signatures[0] | .indication + " " + .subindication')"
  check "$f: crypto checks passed" "passed passed passed passed passed" \
    "$(jqv '[.signatures[0].checks[] | select(.check=="references" or .check=="data_hash" or .check=="signature_value" or .check=="seal_signature" or .check=="signer_in_seal") | .status] | join(" ")')"
done
run 1 "verify keyword.ofd" "$E" verify "$F/keyword.ofd" --json
check "keyword.ofd: both TOTAL-FAILED/HASH_FAILURE" "TOTAL-FAILED HASH_FAILURE,TOTAL-FAILED HASH_FAILURE" \
  "$(jqv '[.signatures[] | .indication + " " + .subindication] | join(",")')"
check "keyword.ofd: the three changed files" 2 \
  "$(jqv '[.signatures[].checks[] | select(.check=="references") | .detail | select(test("/OFD.xml, /Doc_0/Document.xml, /Doc_0/Pages/Page_0/Content.xml"))] | length')"
check "keyword.ofd: CMS signature verified" passed "$(jqv '.signatures[1].checks[] | select(.check=="cms_signature") | .status')"
check "keyword.ofd: CMS content binding" passed "$(jqv '.signatures[1].checks[] | select(.check=="data_hash") | .status')"
run 2 "unsigned document: never a pass" "$E" verify "$F/helloworld.ofd"
grep -q "no signatures" "$T/out" && ok "says no signatures" || ko "no 'no signatures' in output"

# --- sign with our own seal and check it independently ------------------------
"$E" demo --out "$T/demo" > /dev/null 2>&1 || { ko "demo"; echo "$pass passed, $fail failed"; exit 1; }
D=$T/demo
SIGN=("$E" sign --seal "$D/seal.esl" --key "$D/signer.key" --cert "$D/signer.pem" --pass-file "$D/passphrase")
run 0 "sign --at" "${SIGN[@]}" "$F/helloworld.ofd" -o "$T/a.ofd" --at 1:100:150 --json
check "one stamp on page 1" "1 1" "$(jqv '[(.stamps | length), .stamps[0].page] | join(" ")')"
run 0 "verify with the CA" "$E" verify "$T/a.ofd" --trust "$D/ca.pem"
grep -q "TOTAL-PASSED" "$T/out" && ok "human summary says TOTAL-PASSED" || ko "no TOTAL-PASSED in the summary"
for w in "示例" "Seal ID" "Position" "Protected content"; do
  grep -q "$w" "$T/out" && ok "summary shows '$w'" || ko "summary lacks '$w'"
done
run 2 "verify without a trust anchor" "$E" verify "$T/a.ofd"

X=$T/x; mkdir -p "$X"; (cd "$X" && unzip -q "$T/a.ofd") || ko "unzip of our output"
SX=$X/Doc_0/Signs/Sign_0/Signature.xml
[ -s "$SX" ] && ok "Signature.xml written" || ko "no Signature.xml"
grep -q 'CheckMethod="1.2.156.10197.1.401"' "$SX" && ok "CheckMethod OID" || ko "CheckMethod"
grep -q '<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>' "$SX" && ok "SignatureMethod OID" || ko "SignatureMethod"
grep -Eq '<ofd:SignatureDateTime>[0-9]{14}Z</ofd:SignatureDateTime>' "$SX" && ok "SignatureDateTime UTC" || ko "SignatureDateTime"
grep -q '/Doc_0/Signs/Signatures.xml' "$X/OFD.xml" && ok "OFD.xml names Signatures.xml" || ko "OFD.xml"
nref=0; nbad=0
while read -r ref val; do
  nref=$((nref+1))
  got=$(openssl dgst -sm3 -binary "$X$ref" | base64 -w0)
  [ "$got" = "$val" ] || { nbad=$((nbad+1)); echo "  mismatch $ref"; }
done < <(grep -o 'FileRef="[^"]*"><ofd:CheckValue>[^<]*' "$SX" | sed 's/FileRef="\([^"]*\)"><ofd:CheckValue>/\1 /')
check "every package file referenced" "$(unzip -Z1 "$T/a.ofd" | grep -v '/$' | grep -vc 'Sign_0/Signature.xml\|Sign_0/SignedValue.dat\|Signs/Signatures.xml')" "$nref"
check "openssl dgst -sm3 agrees with every CheckValue" 0 "$nbad"

# SES_Signature ::= SEQUENCE { TBS_Sign, cert OCTET STRING, alg OID, signature BIT STRING }
SV=$X/Doc_0/Signs/Sign_0/SignedValue.dat
openssl asn1parse -inform DER -in "$SV" > "$T/asn" 2>/dev/null || ko "asn1parse SignedValue.dat"
field() { # field DEPTH N: "offset hl len" of the Nth element at that depth
  grep ":d=$1 " "$T/asn" | sed -n "$2p" | sed 's/^ *\([0-9]*\):d=[0-9]* *hl=\([0-9]*\) *l= *\([0-9]*\).*/\1 \2 \3/'
}
slice() { tail -c +$(($1 + 1)) "$SV" | head -c "$2"; }
read -r o h l < <(field 1 1); slice "$o" $((h + l)) > "$T/tbs.der"
read -r o h l < <(field 1 2); slice $((o + h)) "$l" > "$T/cert.der"
read -r o h l < <(field 1 4); slice $((o + h + 1)) $((l - 1)) > "$T/sig.der"
dh=$(grep ":d=2 " "$T/asn" | grep "BIT STRING" | head -1 | sed 's/^ *\([0-9]*\):d=[0-9]* *hl=\([0-9]*\).*/\1 \2/')
read -r o h <<< "$dh"
check "dataHash = SM3(Signature.xml)" "$(openssl dgst -sm3 -binary "$SX" | xxd -p -c 64)" "$(slice $((o + h + 1)) 32 | xxd -p -c 64)"
openssl x509 -inform DER -in "$T/cert.der" -pubkey -noout > "$T/pub.pem" 2>/dev/null
cmp -s "$T/cert.der" <(openssl x509 -in "$D/signer.pem" -outform DER) && ok "signer certificate embedded" || ko "signer certificate"
if openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -rawin -in "$T/tbs.der" -sigfile "$T/sig.der" \
     -digest sm3 -pkeyopt distid:1234567812345678 > /dev/null 2>&1; then
  ok "openssl pkeyutl verifies the SES signature"
else
  ko "openssl pkeyutl does not verify the SES signature"
fi
cmp -s "$X/Doc_0/Signs/Sign_0/Seal.esl" "$D/seal.esl" && ok "Seal.esl is the seal" || ko "Seal.esl differs"

# --- placements, two signatures, lock -----------------------------------------
run 0 "keyword, 2nd occurrence" "${SIGN[@]}" "$F/keyword2-unsigned-2pages.ofd" -o "$T/k.ofd" \
  --keyword "重庆市马上融资担保有限公司" --occurrence 2 --json
check "keyword stamp on page 2 (ID 11)" "2 11" "$(jqv '.stamps[0] | [.page, .page_id] | join(" ")')"
run 0 "verify keyword-signed" "$E" verify "$T/k.ofd" --trust "$D/ca.pem"
run 0 "perforation right pages 1-3" "${SIGN[@]}" "$F/Page5.ofd" -o "$T/p.ofd" --perforation --pages 1-3 --json
check "three slices" 3 "$(jqv '.stamps | length')"
check "slice 2 clip x = w/3" "14" "$(jqv '.stamps[1].clip[0]')"
run 0 "verify perforation" "$E" verify "$T/p.ofd" --trust "$D/ca.pem"
run 0 "second signature, locking" "${SIGN[@]}" "$T/a.ofd" -o "$T/ab.ofd" --at 1:50:50 --at 1:150:250 --lock
run 0 "both signatures verify" "$E" verify "$T/ab.ofd" --trust "$D/ca.pem" --json
check "two TOTAL-PASSED" "TOTAL-PASSED,TOTAL-PASSED" "$(jqv '[.signatures[].indication] | join(",")')"
run 6 "--lock refuses a third signature" "${SIGN[@]}" "$T/ab.ofd" -o "$T/abc.ofd" --invisible
one_line "locked"
[ ! -e "$T/abc.ofd" ] && ok "no output when refused" || ko "output written although refused"
run 0 "invisible signature" "${SIGN[@]}" "$F/Page5.ofd" -o "$T/i.ofd" --invisible
run 0 "verify invisible" "$E" verify "$T/i.ofd" --trust "$D/ca.pem"

# --- status: a CRL given as --status-list -------------------------------------
cp -r "$D/ca" "$T/rv"
"$E" ca revoke --dir "$T/rv" --cert "$D/signer.pem" --reason keyCompromise --pass-file "$D/passphrase" > /dev/null 2>&1 &&
  "$E" ca crl --dir "$T/rv" --out "$T/rv/now.crl" --pass-file "$D/passphrase" > /dev/null 2>&1 || ko "revoke the signer"
run 0 "revoked after signing: still valid" "$E" verify "$T/a.ofd" --trust "$D/ca.pem" --status-list "$T/rv/now.crl"
sleep 1
run 0 "sign with the revoked certificate" "${SIGN[@]}" "$F/helloworld.ofd" -o "$T/late.ofd" --invisible
run 1 "revoked before signing: TOTAL-FAILED" "$E" verify "$T/late.ofd" --trust "$D/ca.pem" --status-list "$T/rv/now.crl" --json
check "REVOKED" REVOKED "$(jqv '.signatures[0].subindication')"
run 4 "unreadable status list" "$E" verify "$T/a.ofd" --status-list "$D/seal.esl"

# --- tampering ------------------------------------------------------------------
cp "$T/a.ofd" "$T/t1.ofd"; echo "<x/>" > "$T/extra.xml"
(cd "$T" && zip -q t1.ofd extra.xml)
run 1 "file added after signing" "$E" verify "$T/t1.ofd" --trust "$D/ca.pem" --json
check "UNCOVERED_CONTENT" UNCOVERED_CONTENT "$(jqv '.signatures[0].subindication')"
cp -r "$X" "$T/y"; sed -i 's/<\/ofd:Page>/ <\/ofd:Page>/; s/ID=/ID=/' "$T/y/Doc_0/Pages/Page_0/Content.xml"
printf ' ' >> "$T/y/Doc_0/Pages/Page_0/Content.xml"
(cd "$T/y" && zip -q -X -r "$T/t2.ofd" .)
run 1 "page changed after signing" "$E" verify "$T/t2.ofd" --trust "$D/ca.pem" --json
check "HASH_FAILURE" HASH_FAILURE "$(jqv '.signatures[0].subindication')"

# --- bad input --------------------------------------------------------------------
run 3 "missing --seal" "$E" sign "$F/helloworld.ofd" --key "$D/signer.key" --cert "$D/signer.pem" -o "$T/n.ofd" --at 1:1:1
run 3 "bad --at" "${SIGN[@]}" "$F/helloworld.ofd" -o "$T/n.ofd" --at 1:x:1
run 3 "no placement" "${SIGN[@]}" "$F/helloworld.ofd" -o "$T/n.ofd"
run 4 "page that does not exist" "${SIGN[@]}" "$F/helloworld.ofd" -o "$T/n.ofd" --at 9:10:10
one_line "missing page"
run 4 "keyword not found" "${SIGN[@]}" "$F/helloworld.ofd" -o "$T/n.ofd" --keyword "没有这段文字"
[ ! -e "$T/n.ofd" ] && ok "no output after errors" || ko "output left behind"
"$E" verify "$T/err" > /dev/null 2>&1; check "not a document: exit 4" 4 $?
run 4 "verify a missing file" "$E" verify "$T/nothing.ofd"
one_line "missing file"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
