#!/usr/bin/env bash
# `eseal verify` on PDF documents: the third-party signed fixtures (crypto
# valid, no trust anchor: exit 2), our own signed files with and without the
# CA (exit 0 / 2), and the attack files test_pdf_verify builds (incremental
# saving, signature wrapping, universal signature forgery, shadow and evil
# annotation attacks): every one exits 1 with the check that caught it.
set -u
E=${ESEAL_BIN:?}
S=${ESEAL_SHARED:-}
B=${ESEAL_BUILD:-}
[ -n "$S" ] && [ -d "$S/fixtures/pdf" ] || { echo "no ../shared/fixtures; skipping"; exit 77; }
[ -n "$B" ] && [ -x "$B/test_pdf_verify" ] || { echo "test_pdf_verify not built; skipping"; exit 77; }
command -v jq >/dev/null || { echo "jq not installed; skipping"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
F=$S/fixtures/pdf
pass=0 fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected '$2', got '$3'"; fi; }
run() {
  local want=$1 name=$2; shift 2
  "$@" > "$T/out" 2> "$T/err"; local rc=$?
  if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else ko "$name: exit $rc, expected $want; stderr: $(head -3 "$T/err")"; fi
}
jqv() { jq -r "$1" "$T/out"; }
status() { jqv ".signatures[0].checks[] | select(.check==\"$1\") | .status" | head -1; }

# --- third-party fixtures -------------------------------------------------------
for f in digitally-signed minimal-signed-restricted; do
  run 2 "verify $f.pdf" "$E" verify "$F/$f.pdf" --json
  check "$f: INDETERMINATE/NO_TRUST_ANCHOR" "INDETERMINATE NO_TRUST_ANCHOR" \
    "$(jqv '.signatures[0] | .indication + " " + .subindication')"
  check "$f: crypto checks passed" "passed passed passed passed passed" \
    "$(jqv '[.signatures[0].checks[] | select(.check=="byte_range" or .check=="contents_format" or .check=="cms_signature" or .check=="data_hash" or .check=="revision_diff") | .status] | join(" ")')"
done
run 2 "usage-rights only document" "$E" verify "$F/prefilled_f1040.pdf"
run 2 "unsigned document" "$E" verify "$F/minimal.pdf"
run 2 "human report" "$E" verify "$F/digitally-signed.pdf"
grep -q "revision 1 of 1" "$T/out" && ok "human report names the signed revision" || ko "no signed revision in the report"

# --- generated files --------------------------------------------------------------
mkdir -p "$T/gen"
PDFV_KEEP="$T/gen" ESEAL_SHARED=$S "$B/test_pdf_verify" > "$T/gen.log" 2>&1 \
  || ko "test_pdf_verify failed while generating files: $(tail -3 "$T/gen.log")"
cat "$T/gen/ca.pem" "$T/gen/issuing.pem" > "$T/trust.pem"
run 0 "own signature with the CA" "$E" verify "$T/gen/good.pdf" --trust "$T/trust.pem"
run 2 "own signature without a trust anchor" "$E" verify "$T/gen/good.pdf" --json
check "no trust anchor is never a pass" "NO_TRUST_ANCHOR" "$(jqv '.signatures[0].subindication')"
run 0 "two signatures" "$E" verify "$T/gen/two.pdf" --trust "$T/trust.pem" --json
check "first signature covers revision 2 of 3" "2 of 3 no" \
  "$(jqv '.signatures[0].facts | .signed_revision + " " + .covers_whole_file')"
run 0 "certified P=3 plus annotation" "$E" verify "$T/gen/eaa-p3.pdf" --trust "$T/trust.pem"

attack() { # want-check file description
  run 1 "$3" "$E" verify "$T/gen/$2.pdf" --trust "$T/trust.pem" --json
  check "$3: caught by $1" "failed" "$(status "$1")"
}
attack revision_diff isa-content "ISA: page content changed"
attack revision_diff isa-page "ISA: page added"
attack revision_diff isa-object "ISA: object replaced"
attack revision_diff isa-openaction "ISA: /OpenAction added"
attack byte_range swa-gap "SWA: gap holds more than /Contents"
attack byte_range swa-moved "SWA: /Contents moved"
attack revision_diff swa-moved2 "SWA: signature dictionary redefined"
attack byte_range usf-nocontents "USF: no /Contents"
attack contents_format usf-empty "USF: empty /Contents"
attack contents_format usf-zeros "USF: zero /Contents"
attack byte_range usf-range "USF: broken ByteRange"
attack byte_range usf-short "USF: ByteRange short of its revision"
attack revision_diff shadow-hide "shadow: hide via optional content"
attack revision_diff shadow-replace "shadow: replace the content stream"
attack revision_diff eaa "EAA: annotation on a P=2 certified document"
attack revision_diff p1-signed "signature added to a P=1 certified document"

# --- bad input ------------------------------------------------------------------------
printf '%%PDF-1.7\ngarbage' > "$T/bad.pdf"
run 4 "not a PDF" "$E" verify "$T/bad.pdf"
run 4 "missing file" "$E" verify "$T/nothing.pdf"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
