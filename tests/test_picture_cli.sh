#!/usr/bin/env bash
# `eseal picture make|import|info` end to end: sizes recorded in the PNG,
# SVG output, import of a scan, seals made from a drawn and an imported
# picture, and bad input: one clear line, the documented exit code, no
# output file left behind.
set -u
E=${ESEAL_BIN:?}
SRC=${ESEAL_SRC:?}
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
  if [ "$n" = 1 ] && grep -q '^eseal picture' "$T/err"; then ok "$1: one clear line"; else ko "$1: stderr was: $(cat "$T/err")"; fi
}
absent() { [ ! -e "$1" ] && ok "no output left: $(basename "$1")" || ko "output left behind: $1"; }
jqv() { jq -r "$1" "$T/out"; }

if ! fc-list :lang=zh 2>/dev/null | grep -q . && [ -z "${ESEAL_FONT:-}" ]; then
  echo "no Chinese font installed (fonts-noto-cjk); skipping"; exit 77
fi

# --- drawing -----------------------------------------------------------------
run 0 "make round" "$E" picture make --shape round --org 某某市某某科技有限公司 --title 合同专用章 \
  --code 3301060012345 -o "$T/round.png" --svg "$T/round.svg"
run 0 "info --json" "$E" picture info "$T/round.png" --json
check "round is 42 mm wide" 42 "$(jqv .width_mm)"
check "round at 400 dpi" 661 "$(jqv .width_px)"
grep -q '<svg' "$T/round.svg" && ! grep -q '<text' "$T/round.svg" && ok "svg with outlines" || ko "svg"
run 0 "make round 38 mm at 300 dpi --json" "$E" picture make --org 某某有限公司 --size 38 --dpi 300 -o "$T/r38.png" --json
check "38 mm in pixels" 449 "$(jqv .width_px)"
check "6 glyphs reported" 6 "$(jqv '.glyphs | length')"
run 0 "make oval" "$E" picture make --shape oval --org 某某市某某科技有限公司 --title 发票专用章 \
  --code 91330106MA2B3C4D5E --width 40 --height 30 -o "$T/oval.png"
run 0 "info oval" "$E" picture info "$T/oval.png" --json
check "oval height" 30 "$(jqv .height_mm)"
run 0 "make square" "$E" picture make --shape square --org 张三之印 --color '#B00000' -o "$T/sq.png"
run 0 "make square without border" "$E" picture make --shape square --org 李四 --no-border --size 15 -o "$T/sq2.png"
run 0 "help" "$E" picture make --help

# --- import ------------------------------------------------------------------
run 0 "import a drawn picture as a scan" "$E" picture import "$T/round.png" --size 42 -o "$T/imp.png" --json
check "import keeps the whole seal" 661 "$(jqv .width_px)"
check "import 42 mm" 42 "$(jqv .width_mm)"
"$E" picture import "$SRC/docs/pictures/scan-example.jpg" --size 42 -o "$T/jpg.png" --json > "$T/out" 2> "$T/err"
rc=$?
if [ $rc = 0 ]; then
  w=$(jqv .width_px); x=$(jqv .x)
  [ "$w" -ge 490 ] && [ "$w" -le 510 ] && [ "$x" -ge 224 ] && [ "$x" -le 236 ] && ok "JPEG scan imported ($w px at x=$x)" || ko "JPEG scan crop: $(cat "$T/out")"
else
  check "JPEG without libjpeg: input error" 4 $rc
  grep -q "libjpeg" "$T/err" && ok "JPEG: says why" || ko "JPEG: $(cat "$T/err")"
fi
run 0 "info of a JPEG (header only)" "$E" picture info "$SRC/docs/pictures/scan-example.jpg" --json
check "JPEG width" 900 "$(jqv .width_px)"

# --- seal making takes either picture ----------------------------------------
if "$E" demo --out "$T/demo" > /dev/null 2>&1; then
  D=$T/demo
  for p in round imp; do
    run 0 "seal make with the $p picture" "$E" seal make --maker-cert "$D/maker.pem" --maker-key "$D/maker.key" \
      --pass-file "$D/passphrase" --signer-cert "$D/signer.pem" --name 某某市某某科技有限公司合同专用章 \
      --esid 33010600000009 --picture "$T/$p.png" --width 42 --height 42 --out "$T/$p.esl"
    run 0 "extract $p picture" "$E" seal show "$T/$p.esl" --extract-picture "$T/$p.back.png"
    cmp -s "$T/$p.png" "$T/$p.back.png" && ok "$p picture kept byte for byte" || ko "$p picture differs"
  done
else
  echo "skip: eseal demo not available"
fi

# --- bad input ---------------------------------------------------------------
echo "not an image" > "$T/bad.png"
run 4 "import: not an image" "$E" picture import "$T/bad.png" -o "$T/x1.png"; one_line "not an image"; absent "$T/x1.png"
run 4 "info: not an image" "$E" picture info "$T/bad.png"; one_line "info not an image"
head -c 2000 "$T/round.png" > "$T/trunc.png"
run 4 "import: truncated PNG" "$E" picture import "$T/trunc.png" -o "$T/x2.png"; one_line "truncated"; absent "$T/x2.png"
run 4 "make: empty name" "$E" picture make --org "" -o "$T/x3.png"; one_line "empty name"; absent "$T/x3.png"
grep -q "empty" "$T/err" && ok "empty: says so" || ko "empty: $(cat "$T/err")"
run 4 "make: blank name" "$E" picture make --org "   " -o "$T/x4.png"; absent "$T/x4.png"
run 4 "make: absurd size" "$E" picture make --org 某某公司 --size 1000 -o "$T/x5.png"; one_line "absurd size"; absent "$T/x5.png"
run 3 "make: size not a number" "$E" picture make --org 某某公司 --size abc -o "$T/x6.png"; absent "$T/x6.png"
run 3 "make: negative size" "$E" picture make --org 某某公司 --size -5 -o "$T/x7.png"
run 3 "make: unknown shape" "$E" picture make --shape hexagon --org 某某公司 -o "$T/x8.png"
run 3 "make: no output" "$E" picture make --org 某某公司
run 3 "make: bad colour" "$E" picture make --org 某某公司 --color red -o "$T/x9.png"
run 4 "make: square with five characters" "$E" picture make --shape square --org 张三丰之印 -o "$T/x10.png"; one_line "five characters"
run 4 "make: missing font" "$E" picture make --org 某某公司 --font /nonexistent.ttc -o "$T/x11.png"; one_line "missing font"
"$E" picture make --shape square --org 李四 --color '#000000' -o "$T/black.png" > /dev/null
run 4 "import: no red ink" "$E" picture import "$T/black.png" -o "$T/x12.png"; one_line "no red ink"; absent "$T/x12.png"
printf '\x89PNG\r\n\x1a\n' > "$T/empty.png"
run 4 "import: PNG signature only" "$E" picture import "$T/empty.png" -o "$T/x13.png"; absent "$T/x13.png"
run 3 "unknown subcommand" "$E" picture frobnicate

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
