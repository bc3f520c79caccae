#!/bin/bash
# test_web_console.sh - runs every browser test of the web console
# (web/test/*.spec.mjs: playwright-core driving the system's Chromium
# against a fresh `eseal serve` each) and fails when any of them fails.
# Skips (77) when node, npm or Chromium is missing; installs playwright-core
# from web/test's lock file when web/test/node_modules is absent. Never
# downloads a browser.
set -u
B=${ESEAL_BIN:?ESEAL_BIN not set}
SRC=${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
DIR="$SRC/web/test"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
skip() { echo "$1; skipping (scripts/deps.sh installs it)"; echo "0 passed, 0 failed"; exit 77; }
command -v node >/dev/null 2>&1 || skip "node not installed"
[ -x "$CHROMIUM" ] || skip "chromium not installed ($CHROMIUM)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || skip "node $major is too old (18 or later needed)"
if [ ! -d "$DIR/node_modules/playwright-core" ]; then
	command -v npm >/dev/null 2>&1 || skip "npm not installed"
	# playwright-core alone: it never fetches a browser
	if ! PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$DIR" --no-audit --no-fund >"${TMPDIR:-/tmp}/eseal-web-npm.log" 2>&1; then
		tail -5 "${TMPDIR:-/tmp}/eseal-web-npm.log"
		skip "npm ci --prefix web/test failed (no registry?)"
	fi
fi
export ESEAL_BIN="$B" CHROMIUM
# the binary must find the console itself (build tree or installation)
unset ESEAL_WEB_DIR
passed=0 failed=0 skipped=0 specs=0
for spec in "$DIR"/*.spec.mjs; do
	[ -f "$spec" ] || continue
	specs=$((specs + 1))
	name=$(basename "$spec")
	echo "== $name"
	timeout 180 node "$spec" 2>&1 | tee "${TMPDIR:-/tmp}/eseal-web-spec.$$"
	rc=${PIPESTATUS[0]}
	# each spec ends with "N passed, N failed"
	counts=$(tail -1 "${TMPDIR:-/tmp}/eseal-web-spec.$$" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	rm -f "${TMPDIR:-/tmp}/eseal-web-spec.$$"
	if [ "$rc" = 77 ]; then
		skipped=$((skipped + 1))
		continue
	fi
	p=0 f=0
	[ -n "$counts" ] && p=${counts% *} f=${counts#* }
	# a spec that dies without failing a step still counts as one failure
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL $name exited $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
[ "$specs" -gt 0 ] || { echo "no web/test/*.spec.mjs"; echo "0 passed, 1 failed"; exit 1; }
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] || exit 1
[ "$passed" -gt 0 ] || [ "$skipped" = 0 ] || exit 77
exit 0
