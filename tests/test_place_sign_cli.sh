#!/usr/bin/env bash
# `eseal sign --auto`: stamps where `eseal place` proposes. A dev-set
# contract is signed with the demo seal, verifies TOTAL-PASSED, and its
# stamp sits where the proposal said; a document with no text layer is
# refused with one clear line, a non-zero exit and no output file, unless
# --at is given as well. Skips (77) without ../shared, jq or python3.
set -u
E=${ESEAL_BIN:?}
S=${ESEAL_SHARED:-}
for t in jq python3; do command -v $t >/dev/null || { echo "$t not installed; skipping"; exit 77; }; done
[ -n "$S" ] && [ -d "$S/placement/dev" ] || { echo "skip: no ../shared/placement"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected '$2', got '$3'"; fi; }

"$E" demo --out "$T/demo" >/dev/null 2>&1 || { ko "eseal demo"; echo "$pass passed, $fail failed"; exit 1; }
D=$T/demo
P="--seal $D/seal.esl --key $D/signer.key --cert $D/signer.pem --pass-file $D/passphrase"

# the first contract of the dev set
case=$(grep -l '"family": "contract"' "$S"/placement/dev/*/case.json | head -1)
dir=$(dirname "$case")
org=$(jq -r .org "$case")
seals=$(jq -r '.seals|join(",")' "$case")
"$E" place "$dir/doc.pdf" --org "$org" --seals "$seals" --json > "$T/place.json"
check "place: exit 0" 0 $?
want=$(jq -r '[.placements[]|select(.kind=="normal")][0]|"\(.page) \(.x) \(.y)"' "$T/place.json")

"$E" sign "$dir/doc.pdf" $P -o "$T/auto.pdf" --auto --org "$org" --seals "$seals" --json > "$T/sign.json" 2> "$T/err"
check "sign --auto: exit 0" 0 $?
grep -q '^auto: page' "$T/err" && ok "sign --auto explains its placements on stderr" || ko "no explanation: $(cat "$T/err")"
"$E" verify "$T/auto.pdf" --trust "$D/ca.pem" --json > "$T/v.json"
check "verify: exit 0" 0 $?
check "sign --auto: the seal plus a cross-page seal on every page" \
  $((1 + $(jq -r .facts.pages "$T/v.json"))) "$(jq '.stamps|length' "$T/sign.json")"
check "verify: TOTAL-PASSED" TOTAL-PASSED "$(jq -r .indication "$T/v.json")"
# the signature's first stamp: page and top-left box; its centre is the proposal
got=$(jq -r '.signatures[0].facts|"\(.page) \(.position)"' "$T/v.json")
python3 - "$want" "$got" <<'PY' && ok "stamp centre matches the proposal ($want / $got)" || ko "stamp not at the proposal: want $want, got $got"
import re, sys
wp, wx, wy = sys.argv[1].split()
m = re.match(r"(\d+) x=([\d.]+)mm y=([\d.]+)mm ([\d.]+)x([\d.]+)mm", sys.argv[2])
p, x, y, w, h = m.groups()
cx, cy = float(x) + float(w) / 2, float(y) + float(h) / 2
sys.exit(0 if p == wp and abs(cx - float(wx)) < 1 and abs(cy - float(wy)) < 1 else 1)
PY

# OFD too: the demo's sample contract, signed for its 乙方
"$E" place "$D/sample.ofd" --org 示例商贸有限公司 --seals official,contract --json > "$T/po.json"
check "place OFD: exit 0" 0 $?
check "place OFD: on 乙方's label, page 3" "3 contract" \
  "$(jq -r '[.placements[]|select(.kind=="normal")][0]|"\(.page) \(.seal_type)"' "$T/po.json")"
"$E" sign "$D/sample.ofd" $P -o "$T/auto.ofd" --auto --org 示例商贸有限公司 --seals official,contract 2> "$T/err" > "$T/out"
check "sign --auto OFD: exit 0" 0 $?
"$E" verify "$T/auto.ofd" --trust "$D/ca.pem" --json > "$T/vo.json"
check "verify OFD: TOTAL-PASSED" TOTAL-PASSED "$(jq -r .indication "$T/vo.json")"

# no text layer: an honest refusal
python3 - "$T/blank.pdf" <<'PY'
import sys
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 24 >>\nstream\n0 0 1 rg 10 10 50 50 re f\nendstream"]
out = bytearray(b"%PDF-1.7\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(sys.argv[1], "wb").write(out)
PY
"$E" sign "$T/blank.pdf" $P -o "$T/blank-signed.pdf" --auto --org "$org" > "$T/out" 2> "$T/err"; rc=$?
if [ "$rc" != 0 ] && [ "$(wc -l < "$T/err")" = 1 ] && grep -q 'no placement' "$T/err" && [ ! -e "$T/blank-signed.pdf" ]; then
  ok "no text layer: refused (exit $rc): $(cat "$T/err")"
else
  ko "no text layer: exit $rc, stderr: $(cat "$T/err")"
fi
"$E" sign "$T/blank.pdf" $P -o "$T/blank-signed.pdf" --auto --org "$org" --at 1:100:100 > "$T/out" 2> "$T/err"
check "no text layer with --at: signed" 0 $?
"$E" sign "$dir/doc.pdf" $P -o "$T/x.pdf" --auto > "$T/out" 2> "$T/err"; rc=$?
[ "$rc" = 3 ] && [ ! -e "$T/x.pdf" ] && ok "--auto without --org: usage error" || ko "--auto without --org: exit $rc"
"$E" sign "$dir/doc.pdf" $P -o "$T/x.pdf" --org "$org" --at 1:100:100 > "$T/out" 2> "$T/err"; rc=$?
[ "$rc" = 3 ] && [ ! -e "$T/x.pdf" ] && ok "--org without --auto: usage error" || ko "--org without --auto: exit $rc"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
