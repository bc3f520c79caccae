#!/usr/bin/env bash
# `eseal seal make|show|verify` and `eseal demo` end to end: the facts of
# the third-party seals and signatures, seals we make (and OpenSSL's own
# verification of them), and bad input: one clear line on stderr, the
# documented exit code, and no output file left behind.
set -u
E=${ESEAL_BIN:?}
S=${ESEAL_SHARED:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skip=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1"; }
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected '$2', got '$3'"; fi
}
# run EXPECTED_EXIT NAME CMD...: runs CMD, checks its exit code, keeps stderr in $T/err
run() {
  local want=$1 name=$2; shift 2
  "$@" > "$T/out" 2> "$T/err"; local rc=$?
  if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else ko "$name: exit $rc, expected $want; stderr: $(head -3 "$T/err")"; fi
}
one_line() { # the error is one line naming the command
  local n; n=$(wc -l < "$T/err")
  if [ "$n" = 1 ] && grep -q '^eseal ' "$T/err"; then ok "$1: one clear line"; else ko "$1: stderr was: $(cat "$T/err")"; fi
}
jqv() { jq -r "$1" "$T/out"; }

# --- the demo: CA, certificates, seal, verified -----------------------------
run 0 "demo" "$E" demo --out "$T/demo"
for f in ca.pem maker.pem maker.key signer.pem signer.key seal.esl passphrase; do
  [ -s "$T/demo/$f" ] && ok "demo wrote $f" || ko "demo did not write $f"
done
check "passphrase file is private" 600 "$(stat -c %a "$T/demo/passphrase")"
grep -q "ENCRYPTED PRIVATE KEY" "$T/demo/signer.key" && ok "signer key encrypted" || ko "signer key not encrypted"
D=$T/demo
run 0 "verify demo seal with its CA" "$E" seal verify "$D/seal.esl" --trust "$D/ca.pem" --json
check "demo seal TOTAL-PASSED" TOTAL-PASSED "$(jqv .indication)"
run 2 "verify demo seal without anchor" "$E" seal verify "$D/seal.esl" --json
check "no anchor: INDETERMINATE" NO_TRUST_ANCHOR "$(jqv '.signatures[0].subindication')"

# --- making seals ------------------------------------------------------------
mk() { "$E" seal make --maker-cert "$D/maker.pem" --maker-key "$D/maker.key" --pass-file "$D/passphrase" \
       --signer-cert "$D/signer.pem" --name 测试合同专用章 --type 2 --width 42 --height 42 "$@"; }
cp "$D/seal.png" "$T/pic.png"
run 0 "seal make" mk --esid 33010600000002 --picture "$T/pic.png" --out "$T/a.esl"
run 0 "seal show --json" "$E" seal show "$T/a.esl" --json
check "made: version" 4 "$(jqv .version)"
check "made: esid" 33010600000002 "$(jqv .esid)"
check "made: name" 测试合同专用章 "$(jqv .name)"
check "made: certListType" 1 "$(jqv .cert_list_type)"
run 0 "seal make certListType 2" mk --esid 33010600000003 --picture "$T/pic.png" --cert-list-type 2 --out "$T/b.esl"
run 0 "show type 2" "$E" seal show "$T/b.esl" --json
check "digest list" SM3 "$(jqv '.signer_certs[0].digest_algorithm')"
run 0 "verify type-2 seal" "$E" seal verify "$T/b.esl" --trust "$D/ca.pem"
run 0 "extract picture" "$E" seal show "$T/a.esl" --extract-picture "$T/back.png"
cmp -s "$T/back.png" "$T/pic.png" && ok "extracted picture is the original" || ko "extracted picture differs"

# Independence: OpenSSL alone verifies the maker signature over SES_SealInfo.
slice() { # writes the SES_SealInfo TLV and the signature value of seal $1 to $T/info.der, $T/sig.der
  openssl asn1parse -inform DER -in "$1" | sed -n 's/^ *\([0-9]*\):d=1 *hl=\([0-9]*\) *l= *\([0-9]*\).*: \([A-Z ]*\).*/\1 \2 \3 \4/p' > "$T/asn1.txt"
  local o h l
  read -r o h l _ < <(head -1 "$T/asn1.txt")
  dd if="$1" of="$T/info.der" bs=1 skip="$o" count=$((h + l)) 2>/dev/null
  read -r o h l _ < <(grep "BIT STRING" "$T/asn1.txt" | tail -1)
  dd if="$1" of="$T/sig.der" bs=1 skip=$((o + h + 1)) count=$((l - 1)) 2>/dev/null
}
slice "$T/a.esl"
openssl x509 -in "$D/maker.pem" -pubkey -noout > "$T/maker.pub"
if openssl pkeyutl -verify -pubin -inkey "$T/maker.pub" -rawin -in "$T/info.der" -sigfile "$T/sig.der" \
     -digest sm3 -pkeyopt distid:1234567812345678 > /dev/null 2>&1; then ok "openssl verifies our seal"; else ko "openssl does not verify our seal"; fi

# --- bad input -----------------------------------------------------------------
head -c 200 "$T/a.esl" > "$T/trunc.esl"
run 4 "truncated seal" "$E" seal show "$T/trunc.esl"; one_line "truncated seal"
printf '\x30\x84\x7f\xff\xff\xff' > "$T/huge.esl"
run 4 "oversized length" "$E" seal show "$T/huge.esl"; one_line "oversized length"
printf '\x30%.0s' $(seq 1 60) > "$T/deep.bin"
awk 'BEGIN { for (i = 0; i < 60; i++) printf "%c%c", 48, 2 * (59 - i) }' > "$T/deep.esl"
run 4 "deeply nested DER" "$E" seal show "$T/deep.esl"; one_line "deeply nested DER"
# An unknown signature algorithm OID (…1.501 -> …1.502 in the last occurrence).
cp "$T/a.esl" "$T/oid.esl"
off=$(LC_ALL=C grep -obUaP '\x06\x08\x2a\x81\x1c\xcf\x55\x01\x83\x75' "$T/oid.esl" | tail -1 | cut -d: -f1)
printf '\x76' | dd of="$T/oid.esl" bs=1 seek=$((off + 9)) conv=notrunc 2>/dev/null
run 4 "unknown OID" "$E" seal show "$T/oid.esl"; one_line "unknown OID"
grep -q "1.2.156.10197.1.502" "$T/err" && ok "unknown OID named" || ko "unknown OID not named: $(cat "$T/err")"
echo wrong > "$T/wrong"
"$E" seal make --maker-cert "$D/maker.pem" --maker-key "$D/maker.key" --pass-file "$T/wrong" \
  --signer-cert "$D/signer.pem" --name x --esid 33010600000004 --picture "$T/pic.png" --out "$T/w.esl" 2> "$T/err"
check "wrong passphrase exit" 5 $?
one_line "wrong passphrase"
[ ! -e "$T/w.esl" ] && ok "no output after wrong passphrase" || ko "output left after wrong passphrase"
printf '\xff\xd8\xff\xe0 not really' > "$T/fake.png"
run 4 "picture not what its type says" mk --esid 33010600000005 --picture "$T/fake.png" --picture-type png --out "$T/p.esl"
one_line "bad picture"
[ ! -e "$T/p.esl" ] && ok "no output after bad picture" || ko "output left after bad picture"
run 3 "bad esID" mk --esid 12345 --picture "$T/pic.png" --out "$T/e.esl"
[ ! -e "$T/e.esl" ] && ok "no output after bad esID" || ko "output left after bad esID"
run 0 "esID check can be waived" mk --esid ZhelibanTaxSeal --no-check-esid --picture "$T/pic.png" --out "$T/e.esl"
run 1 "seal verified before its validity" "$E" seal verify "$T/a.esl" --trust "$D/ca.pem" --at 2001-01-01
run 1 "seal verified after its validity" "$E" seal verify "$T/a.esl" --trust "$D/ca.pem" --at 2099-01-01 --json
check "expired sub-indication" EXPIRED "$(jqv '.signatures[0].subindication')"
# A maker certificate that is not yet valid cannot make a seal.
"$E" cert issue --ca "$D/ca" --pass-file "$D/passphrase" --key-pass-file "$D/passphrase" --role maker --org X --name Y \
  --not-before 2030-01-01 --days 10 --out-cert "$T/future.pem" --out-key "$T/future.key" > /dev/null 2>&1
run 6 "not-yet-valid maker certificate" "$E" seal make --maker-cert "$T/future.pem" --maker-key "$T/future.key" \
  --pass-file "$D/passphrase" --signer-cert "$D/signer.pem" --name x --esid 33010600000006 --picture "$T/pic.png" --out "$T/f.esl"
one_line "not-yet-valid maker"
[ ! -e "$T/f.esl" ] && ok "no output after refused maker" || ko "output left after refused maker"
run 3 "missing option" "$E" seal make --name x
run 3 "unknown option" "$E" seal show --bogus x

# --- third-party seals and signatures ------------------------------------------
if [ -z "$S" ] || [ ! -d "$S/fixtures" ]; then
  echo "SKIP fixtures: ../shared/fixtures not found"; skip=$((skip+1))
else
  F=$S/fixtures
  for v in 1 4 5; do
    when=2021-06-01; [ $v = 5 ] && when=2027-01-01
    run 0 "show UserV$v.esl" "$E" seal show "$F/seals/UserV$v.esl" --json
    check "UserV$v version" $v "$(jqv .version)"
    check "UserV$v signer serial" 01719D2DAB60 "$(jqv '.signer_certs[0].serial')"
    check "UserV$v maker serial" 01719D2E201D "$(jqv '.maker_cert.serial')"
    run 2 "verify UserV$v.esl inside its validity" "$E" seal verify "$F/seals/UserV$v.esl" --at $when --json
    check "UserV$v maker signature" passed "$(jqv '.signatures[0].checks[] | select(.check=="seal_signature") | .status')"
  done
  check "UserV1 vid" "OFDR&WTest" "$(jq -r .vid < <("$E" seal show "$F/seals/UserV1.esl" --json))"
  check "UserV5 vid" "OFDR&WTestV5" "$(jq -r .vid < <("$E" seal show "$F/seals/UserV5.esl" --json))"
  check "UserV4 esID" 51f044b76510434e9bc67a1185c2fba5 "$(jq -r .esid < <("$E" seal show "$F/seals/UserV4.esl" --json))"
  run 1 "UserV4 verified now: expired" "$E" seal verify "$F/seals/UserV4.esl"
  # Signatures inside the OFD fixtures: file  entry  vid  esID  encoding
  while read -r ofd entry vid esid enc; do
    unzip -p "$F/ofd/$ofd" "$entry" > "$T/sv.dat"
    run 0 "show $ofd $entry" "$E" seal show "$T/sv.dat" --json
    check "$ofd kind" signature "$(jqv .kind)"
    check "$ofd vid" "$vid" "$(jqv .seal.vid)"
    check "$ofd esID" "$esid" "$(jqv .seal.esid)"
    check "$ofd signature encoding" "$enc" "$(jqv .signature.encoding)"
    "$E" seal verify "$T/sv.dat" --json > "$T/out" 2> "$T/err"
    check "$ofd signature value" passed "$(jqv '.signatures[0].checks[] | select(.check=="signature_value") | .status')"
    check "$ofd seal signature" passed "$(jqv '.signatures[0].checks[] | select(.check=="seal_signature") | .status')"
    check "$ofd signer in seal" passed "$(jqv '.signatures[0].checks[] | select(.check=="signer_in_seal") | .status')"
    check "$ofd no anchor" NO_TRUST_ANCHOR "$(jqv '.signatures[0].subindication')"
  done <<'LIST'
v4signed.ofd Doc_0/Signs/Sign_0/SignedValue.dat GOMAIN 50011200000399 der
SESV4SignDoc.ofd Doc_0/Signs/Sign_0/SignedValue.dat OFDR&WTest 51f044b76510434e9bc67a1185c2fba5 der
keyword.ofd Doc_0/Signs/Sign_1/SignedValue.dat SHANDONG.TONGZHIWEIYE 37030000001721 raw
allprotected.ofd Doc_0/Signs/Sign_0/SignedValue.dat OFDR&WTest 51f044b76510434e9bc67a1185c2fba5 der
V4RideRight.ofd Doc_0/Signs/Sign_0/SignedValue.dat OFDR&WTest 51f044b76510434e9bc67a1185c2fba5 der
LIST
  unzip -p "$F/ofd/SESV4SignDoc.ofd" Doc_0/Signs/Sign_0/SignedValue.dat > "$T/sv.dat"
  "$E" seal verify "$T/sv.dat" --json > "$T/out"
  check "SESV4SignDoc seal expired at signing" indeterminate "$(jqv '.signatures[0].checks[] | select(.check=="seal_validity") | .status')"
  check "SESV4SignDoc signer cert expired at signing" indeterminate "$(jqv '.signatures[0].checks[] | select(.check=="signer_cert_validity") | .status')"
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
