#!/usr/bin/env bash
# `eseal sign` on PDF documents end to end: the demo's signed PDFs, every
# format and option through the command line, outputs checked with qpdf,
# poppler (pdfsig with an NSS database holding our CA, pdftotext) and byte
# comparison of the original revision, and bad input refused with one
# clear line and no output file.
set -u
E=${ESEAL_BIN:?}
S=${ESEAL_SHARED:-}
for t in qpdf pdfsig certutil pdftotext jq cmp; do
  command -v $t >/dev/null || { echo "$t not installed; skipping"; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
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
qcheck() { qpdf --check "$1" >/dev/null 2>&1; check "qpdf --check $(basename "$1")" 0 $?; }
prefix() { # the original is a byte-identical prefix of the signed file
  local n; n=$(stat -c %s "$1")
  if cmp -s -n "$n" "$1" "$2"; then ok "$(basename "$2") keeps $(basename "$1") as prefix"; else ko "$(basename "$2"): prefix differs"; fi
}

D=$T/demo
run 0 "eseal demo" "$E" demo --out "$D"
for f in sample.pdf signed.pdf signed-pades.pdf; do qcheck "$D/$f"; done
prefix "$D/sample.pdf" "$D/signed.pdf"
check "sample.pdf text" 1 "$(pdftotext "$D/sample.pdf" - | grep -c '甲方：示例科技有限公司')"

# PAdES in poppler with our CA in an NSS database
N=$T/nss; mkdir -p "$N"
certutil -N -d sql:"$N" --empty-password >/dev/null 2>&1
certutil -A -d sql:"$N" -n ca -t CT,C,C -i "$D/ca-ecdsa.pem" >/dev/null 2>&1
pdfsig -nssdir sql:"$N" "$D/signed-pades.pdf" > "$T/sig" 2>&1
check "pdfsig: Signature is Valid" 1 "$(grep -c 'Signature is Valid' "$T/sig")"
check "pdfsig: Total document signed" 1 "$(grep -c 'Total document signed' "$T/sig")"

P="--seal $D/seal.esl --key $D/signer.key --cert $D/signer.pem --pass-file $D/passphrase"
IN=$D/sample.pdf
run 0 "sign --at --format ses --json" "$E" sign "$IN" $P -o "$T/ses.pdf" --at 1:100:150 --format ses --json
check "ses: one stamp on page 1" "1 1" "$(jq -r '"\(.stamps|length) \(.stamps[0].page)"' "$T/out")"
check "ses: ByteRange ends at the file's end" "$(stat -c %s "$T/ses.pdf")" \
  "$(jq -r '.byte_range[2] + .byte_range[3]' "$T/out")"
check "ses: SubFilter" 1 "$(grep -ac '/SubFilter /ESEAL.SES.V4' "$T/ses.pdf")"
qcheck "$T/ses.pdf"; prefix "$IN" "$T/ses.pdf"
run 0 "sign --keyword --perforation --certify" "$E" sign "$IN" $P -o "$T/cert.pdf" \
  --keyword 示例商贸有限公司 --occurrence 1 --perforation left --pages 1-2 --certify --reason 同意 --json
check "certify: 3 stamps" 3 "$(jq '.stamps|length' "$T/out")"
check "certify: DocMDP" 1 "$(grep -ac '/TransformMethod /DocMDP' "$T/cert.pdf")"
qcheck "$T/cert.pdf"
run 0 "second signature on signed.pdf" "$E" sign "$D/signed.pdf" $P -o "$T/two.pdf" --at 2:100:100
qcheck "$T/two.pdf"; prefix "$D/signed.pdf" "$T/two.pdf"
# poppler lists every widget of a field; count the fields
check "two signature fields" "eseal-1 eseal-2" \
  "$(pdfsig "$T/two.pdf" 2>/dev/null | sed -n 's/.*Signature Field Name: //p' | sort -u | tr '\n' ' ' | sed 's/ $//')"
run 0 "sign in place (-o = input)" cp "$T/ses.pdf" "$T/inplace.pdf"
run 0 "sign --invisible" "$E" sign "$T/inplace.pdf" $P -o "$T/inplace.pdf" --invisible
qcheck "$T/inplace.pdf"; prefix "$T/ses.pdf" "$T/inplace.pdf"

# refusals: one line, exit code, no output
run 3 "bad --format" "$E" sign "$IN" $P -o "$T/x.pdf" --at 1:50:50 --format xades
run 3 "--lock on PDF" "$E" sign "$IN" $P -o "$T/x.pdf" --at 1:50:50 --lock
run 4 "missing keyword" "$E" sign "$IN" $P -o "$T/x.pdf" --keyword 不存在的文字
one_line "missing keyword"
run 4 "pades with an SM2 key" "$E" sign "$IN" $P -o "$T/x.pdf" --at 1:50:50 --format pades
one_line "pades with an SM2 key"
run 6 "second --certify" "$E" sign "$T/cert.pdf" $P -o "$T/x.pdf" --at 1:50:50 --certify
one_line "second --certify"
if [ -n "$S" ] && [ -d "$S/fixtures/pdf" ]; then
  run 6 "restricted permissions" "$E" sign "$S/fixtures/pdf/minimal-signed-restricted.pdf" $P -o "$T/x.pdf" --at 1:50:50
  one_line "restricted permissions"
  check "reason names the permissions" 1 "$(grep -c 'permissions' "$T/err")"
fi
[ -e "$T/x.pdf" ] && ko "a refused signing left an output file" || ok "no output after refusals"
[ -z "$(ls "$T" | grep -E '\.pdf\.[A-Za-z0-9]{6}$')" ] && ok "no temporary files left" || ko "temporary files left"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
