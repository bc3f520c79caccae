#!/usr/bin/env bash
# Re-extracts the command's messages into po/eseal.pot and merges them into
# every po/LANG.po (new messages arrive untranslated).
set -euo pipefail
cd "$(dirname "$0")/.."
# commands.def holds the command summaries (N_), so it is read as C too.
xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --package-name=eseal \
  --sort-by-file --add-comments=TRANSLATORS: -o po/eseal.pot src/cli/*.c src/cli/commands.def
for po in po/*.po; do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" po/eseal.pot
done
