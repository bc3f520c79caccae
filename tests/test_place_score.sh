#!/usr/bin/env bash
# `eseal place` on the shared placement benchmark (../shared/placement/dev),
# scored by its own score.py: at least 97% of the cases must be right.
# Also the CLI's bad-input behaviour: one error line, non-zero exit, no JSON.
# Skips (77) when ../shared or python3 is absent.
set -u
E=${ESEAL_BIN:?}
S=${ESEAL_SHARED:-}
if [ -z "$S" ] || [ ! -f "$S/placement/score.py" ] || ! command -v python3 >/dev/null; then
  echo "skip: no ../shared/placement or no python3"; exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1"; }

python3 "$S/placement/score.py" --cases "$S/placement/dev" \
  --cmd "$E place {doc} --org {org} --seals {seals} {history_opt} --json" > "$T/score" 2>&1
cat "$T/score"
pct=$(sed -n 's/^placement accuracy: [0-9]*\/[0-9]* (\([0-9.]*\)%)$/\1/p' "$T/score")
if [ -n "$pct" ] && python3 -c "import sys; sys.exit(0 if float('$pct') >= 97 else 1)"; then
  ok "dev set accuracy $pct% >= 97%"
else
  ko "dev set accuracy '${pct:-?}' below 97%"
fi

doc=$(ls "$S"/placement/dev/*/doc.pdf | head -1)
"$E" place "$doc" --org X --seals official,stamp --json > "$T/out" 2> "$T/err"; rc=$?
if [ "$rc" != 0 ] && [ ! -s "$T/out" ] && head -1 "$T/err" | grep -q 'unknown seal type'; then ok "unknown seal type: usage error, exit $rc"; else ko "unknown seal type: exit $rc"; fi
"$E" place "$T/missing.pdf" --org X --json > "$T/out" 2> "$T/err"; rc=$?
if [ "$rc" != 0 ] && [ ! -s "$T/out" ] && [ "$(wc -l < "$T/err")" = 1 ]; then ok "missing document: one line, exit $rc"; else ko "missing document: exit $rc"; fi
echo '{"not": "a list"}' > "$T/h.json"
"$E" place "$doc" --org X --history "$T/h.json" --json > "$T/out" 2> "$T/err"; rc=$?
if [ "$rc" != 0 ] && [ ! -s "$T/out" ] && [ "$(wc -l < "$T/err")" = 1 ]; then ok "bad history: one line, exit $rc"; else ko "bad history: exit $rc"; fi
printf 'not a pdf' > "$T/x.pdf"
"$E" place "$T/x.pdf" --org X --json > "$T/out" 2> "$T/err"; rc=$?
if [ "$rc" != 0 ] && [ ! -s "$T/out" ]; then ok "not a document: exit $rc"; else ko "not a document: exit $rc"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
