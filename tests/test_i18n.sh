#!/usr/bin/env bash
# The command's messages in Chinese (po/zh_CN.po through gettext): help,
# option help and errors switch language with LANG while exit codes and
# option names stay the same; the catalogue is well-formed and covers at
# least 90% of the messages currently in src/cli. Never writes into the
# source tree (the catalogue is re-merged in a temporary directory).
set -u
E=${ESEAL_BIN:?}
SRC=${ESEAL_SRC:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1"; }

if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
  echo "the zh_CN.UTF-8 locale is not installed (run scripts/deps.sh); skipping"
  exit 77
fi

# Runs the command in one language; stdout in $T/out.L, stderr in $T/err.L,
# exit code in rc_L. LC_ALL, LC_MESSAGES and LANGUAGE would override LANG.
rc_zh=0 rc_C=0
in_lang() {
  local l=$1; shift
  env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$l" "$E" "$@" > "$T/out.$l" 2> "$T/err.$l"
  local rc=$?
  if [ "$l" = C ]; then rc_C=$rc; else rc_zh=$rc; fi
}
both() { in_lang zh_CN.UTF-8 "$@"; in_lang C "$@"; }
has_cjk() { LC_ALL=C.UTF-8 grep -qP '[\x{4e00}-\x{9fff}]' "$1"; }
has() { if grep -qF -- "$2" "$1"; then ok "$3"; else ko "$3: '$2' not in: $(head -5 "$1")"; fi; }
# zh_not_en out|err NAME PHRASE: Chinese with zh_CN, the English PHRASE only
# with LANG=C (English texts may quote Chinese examples, so no CJK test there).
zh_not_en() {
  local z=$T/$1.zh_CN.UTF-8 c=$T/$1.C
  if has_cjk "$z" && ! grep -qF -- "$3" "$z"; then ok "$2: Chinese"; else ko "$2: not Chinese: $(head -3 "$z")"; fi
  if grep -qF -- "$3" "$c"; then ok "$2: English with LANG=C"; else ko "$2: '$3' not in: $(head -3 "$c")"; fi
}
# same_rc NAME [CODE]: the exit code does not depend on the language (and is
# CODE when given).
same_rc() {
  if [ "$rc_zh" = "$rc_C" ] && [ "$rc_zh" = "${2:-$rc_C}" ]; then ok "$1: exit $rc_zh in both languages"
  else ko "$1: exit $rc_zh (zh_CN) and $rc_C (C)${2:+, expected $2}"; fi
}
one_line() {
  local f=$T/err.$2 n
  n=$(wc -l < "$f")
  if [ "$n" = 1 ] && grep -q "^$3" "$f"; then ok "$1: one line ($2)"; else ko "$1 ($2): stderr was: $(cat "$f")"; fi
}

# --- eseal help: the command summaries --------------------------------------
both help
same_rc "help" 0
zh_not_en out "help" "Commands:"
has "$T/out.zh_CN.UTF-8" "用法：eseal" "help: Chinese usage line"
grep -E '^  seal ' "$T/out.zh_CN.UTF-8" | grep -q '电子印章' && ok "help: seal summary in Chinese" \
  || ko "help: seal line: $(grep -E '^  seal ' "$T/out.zh_CN.UTF-8")"
has "$T/out.C" "make, show and verify electronic seals" "help: English seal summary"
# The same commands, in the same order, in both languages.
cmds() { awk '/^  [a-z]/ { print $1 }' "$1"; }
if [ "$(cmds "$T/out.zh_CN.UTF-8")" = "$(cmds "$T/out.C")" ] && [ -n "$(cmds "$T/out.C")" ]; then
  ok "help: same command list"
else
  ko "help: command lists differ"
fi
# Most summaries translated (a command added a minute ago may not be yet).
total=$(grep -cE '^  [a-z]+ ' "$T/out.zh_CN.UTF-8")
zh=$(grep -E '^  [a-z]+ ' "$T/out.zh_CN.UTF-8" | LC_ALL=C.UTF-8 grep -cP '[\x{4e00}-\x{9fff}]')
if [ $((zh * 10)) -ge $((total * 9)) ]; then ok "help: $zh of $total summaries in Chinese"
else ko "help: only $zh of $total summaries in Chinese"; fi

# --- option help ------------------------------------------------------------
both seal make --help
same_rc "seal make --help" 0
zh_not_en out "seal make --help" "signed by the maker"
has "$T/out.zh_CN.UTF-8" "选项：" "seal make --help: Chinese heading"
grep -E '^  --maker-cert ' "$T/out.zh_CN.UTF-8" | grep -q '制章者' && ok "seal make --help: --maker-cert help in Chinese" \
  || ko "seal make --help: $(grep -E '^  --maker-cert ' "$T/out.zh_CN.UTF-8")"
has "$T/out.C" "Options:" "seal make --help: English heading"
opts() { grep -oE '^  --[a-z0-9-]+' "$1"; }
if [ "$(opts "$T/out.zh_CN.UTF-8")" = "$(opts "$T/out.C")" ] && [ "$(opts "$T/out.C" | wc -l)" -gt 5 ]; then
  ok "seal make --help: option names untranslated"
else
  ko "seal make --help: option names differ"
fi
both help sign
same_rc "help sign" 0
zh_not_en out "help sign" "Options:"

# --- errors: language changes, exit code does not ---------------------------
both seal show /nonexistent
same_rc "seal show /nonexistent"
[ "$rc_C" -gt 3 ] && ok "seal show /nonexistent: input or I/O error exit" || ko "seal show /nonexistent: exit $rc_C"
zh_not_en err "seal show /nonexistent" "No such file or directory"
one_line "seal show /nonexistent" zh_CN.UTF-8 "eseal seal show: /nonexistent"
one_line "seal show /nonexistent" C "eseal seal show: /nonexistent"

both seal show
same_rc "seal show without a file" 3
zh_not_en err "seal show without a file" "give exactly one"
has "$T/err.zh_CN.UTF-8" "eseal seal show --help" "usage error: hint keeps the command name"

both seal make --bogus
same_rc "unknown option" 3
has "$T/err.zh_CN.UTF-8" "--bogus" "unknown option: option name kept"
zh_not_en err "unknown option" "unknown option"

both no-such-command
same_rc "unknown command" 3
has "$T/err.zh_CN.UTF-8" "no-such-command" "unknown command: name kept"
zh_not_en err "unknown command" "is not an eseal command"

# Another command's missing input: the same exit code.
both picture info --json /nonexistent.png
same_rc "picture info of a missing file"

# --- the catalogue ----------------------------------------------------------
if ! command -v msgfmt > /dev/null || ! command -v xgettext > /dev/null; then
  echo "gettext tools not installed; catalogue checks skipped"
else
  po=$SRC/po/zh_CN.po
  if msgfmt --check-format -c -o /dev/null "$po" 2> "$T/msgfmt"; then ok "msgfmt --check-format -c"
  else ko "msgfmt --check-format -c: $(head -5 "$T/msgfmt")"; fi
  # Merge against the messages in the sources now, so strings added since
  # the last po/update.sh count as untranslated.
  if xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ -o "$T/eseal.pot" \
       "$SRC"/src/cli/*.c "$SRC"/src/cli/commands.def 2> "$T/xgettext" &&
     msgmerge --quiet --no-fuzzy-matching -o "$T/zh_CN.po" "$po" "$T/eseal.pot" 2>> "$T/xgettext"; then
    stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$T/zh_CN.po" 2>&1)
    tr=$(echo "$stats" | grep -oE '[0-9]+ translated' | grep -oE '[0-9]+' || echo 0)
    fz=$(echo "$stats" | grep -oE '[0-9]+ fuzzy' | grep -oE '[0-9]+' || echo 0)
    un=$(echo "$stats" | grep -oE '[0-9]+ untranslated' | grep -oE '[0-9]+' || echo 0)
    all=$((tr + fz + un))
    echo "catalogue: $tr of $all messages translated, $((fz + un)) untranslated (run po/update.sh, then translate)"
    if [ "$all" -gt 0 ] && [ $((tr * 100)) -ge $((all * 90)) ]; then ok "at least 90% translated"
    else ko "only $tr of $all messages translated"; fi
  else
    ko "xgettext/msgmerge failed: $(head -3 "$T/xgettext")"
  fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
