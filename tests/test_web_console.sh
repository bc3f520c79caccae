#!/bin/bash
# test_web_console.sh - runs the web console's browser test
# (web/test/console.spec.mjs: playwright-core driving the system's
# Chromium against a fresh `eseal serve`). Skips (77) when node, npm or
# Chromium is missing; installs playwright-core from web/test's lock file
# when web/test/node_modules is absent. Never downloads a browser.
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
exec timeout 120 node "$DIR/console.spec.mjs"
