#!/bin/bash
# test_serve_cli.sh - `eseal serve` as a real process: first start
# initialises the data directory and prints the admin's one-time password
# once, /healthz and the OpenAPI document answer, the admin can log in and
# must change the password, static files are served without traversal, a
# restart keeps the users, and SIGTERM stops the server promptly with exit
# code 0. Every server started here is killed on exit.
# ESEAL_TEST_DB=pg runs it on PostgreSQL (tests/test_service_pg.sh).
set -u
B=${ESEAL_BIN:?ESEAL_BIN not set}
command -v curl >/dev/null 2>&1 || { echo "curl not installed; skipping"; exit 77; }
. "${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib_pg.sh"
T=$(mktemp -d /tmp/eseal-serve-cli-XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	svc_cleanup
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
svc_db DB "$T/data" || exit 1
svc_db_args DBA "$DB"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
expect() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
unset ESEAL_PASS

# Starts the server in the background (output in $1) and waits for its URL.
start() {
	local out=$1; shift
	"$B" serve --data data --listen 127.0.0.1:0 "${DBA[@]}" "$@" >"$out" 2>"$out.err" &
	PID=$!
	URL=
	for _ in $(seq 1 100); do
		URL=$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' "$out")
		[ -n "$URL" ] && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# Sends SIGTERM and waits up to 5 s; sets RC to the exit code.
stop() {
	kill -TERM "$PID"
	RC=timeout
	for _ in $(seq 1 50); do
		if ! kill -0 "$PID" 2>/dev/null; then
			wait "$PID"; RC=$?
			break
		fi
		sleep 0.1
	done
	[ "$RC" = timeout ] && kill -KILL "$PID" 2>/dev/null
	PID=
}

mkdir web web/css
printf '<!doctype html><title>eseal</title>\n' > web/index.html
printf 'body{}\n' > web/css/app.css
printf 'secret\n' > outside.txt

expect "first start" start out1 --static web
[ -n "$URL" ] || { cat out1 out1.err; echo "$pass passed, $((fail + 1)) failed"; exit 1; }
PW=$(sed -n 's/^user admin created; one-time password.*: \([A-Za-z0-9]*\)$/\1/p' out1)
expect "one-time password printed" [ ${#PW} -ge 20 ]
expect "data directory initialised" [ -s data/ca/ca.pem -a -s data/maker.pem -a -s data/status.pem ]
expect "CA passphrase file is private" [ "$(stat -c %a data/ca.pass)" = 600 ]
if svc_is_pg; then
	expect "no SQLite file beside PostgreSQL" [ ! -e data/eseal.db ]
	expect "tables in the server's own schema" [ "$(svc_sql "$DB" "SELECT COUNT(*) FROM users WHERE username = 'admin'")" = 1 ]
else
	expect "database is private" [ -s data/eseal.db -a "$(stat -c %a data/eseal.db)" = 600 ]
fi

expect "healthz" [ "$(curl -s "${URL}healthz")" = '{"status":"ok"}' ]
curl -s -o openapi.json "${URL}api/v1/openapi.json"
expect "openapi document" grep -q '"/api/v1/login"' openapi.json
if command -v jq >/dev/null 2>&1; then
	expect "openapi is JSON 3.x" [ "$(jq -r '.openapi | .[0:2]' openapi.json)" = "3." ]
fi
expect "metrics" sh -c "curl -s '${URL}metrics' | grep -q '^eseal_http_requests_total{route=\"/healthz\"'"

code=$(curl -s -o login.json -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"name\":\"admin\",\"password\":\"$PW\"}" "${URL}api/v1/login")
expect "admin login" [ "$code" = 200 ]
TOKEN=$(sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p' login.json)
expect "login asks for a password change" grep -q '"must_change_password":true' login.json
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "${URL}api/v1/users")
expect "nothing before the password change" [ "$code" = 403 ]
code=$(curl -s -o pw.json -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	-d "{\"old_password\":\"$PW\",\"new_password\":\"Brand-New-Pass-42\"}" "${URL}api/v1/me/password")
expect "password changed" [ "$code" = 200 ]
TOKEN=$(sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p' pw.json)
code=$(curl -s -o users.json -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "${URL}api/v1/users")
expect "admin lists users" [ "$code" = 200 ]
# a business system signs its requests as docs/api-auth.md shows (openssl, not eseal)
code=$(curl -s -o key.json -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	-d '{"name":"erp","org":"91330000"}' "${URL}api/v1/api-keys")
expect "api key created" [ "$code" = 201 ]
KEY=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' key.json)
SECRET=$(sed -n 's/.*"secret":"\([0-9a-f]*\)".*/\1/p' key.json)
if openssl mac -help >/dev/null 2>&1 && [ -n "$KEY" ]; then
	signed() { # METHOD PATH BODY [TS] [NONCE]
		local ts=${4:-$(date +%s)} nonce=${5:-$(openssl rand -hex 16)} bh sig
		bh=$(printf %s "$3" | openssl dgst -sm3 -r | cut -d' ' -f1)
		sig=$(printf '%s\n%s\n%s\n%s\n%s' "$1" "$2" "$bh" "$ts" "$nonce" |
		      openssl mac -digest SM3 -macopt hexkey:$SECRET HMAC | tr A-F a-f)
		echo "Authorization: ESEAL-HMAC-SM3 key=$KEY, ts=$ts, nonce=$nonce, sig=$sig"
	}
	H=$(signed GET /api/v1/me "")
	code=$(curl -s -o me.json -w '%{http_code}' -H "$H" "${URL}api/v1/me")
	expect "signed request accepted" [ "$code" = 200 ]
	expect "signed request is the organisation's api_client" grep -q '"org":"91330000","role":"api_client"' me.json
	code=$(curl -s -o replay.json -w '%{http_code}' -H "$H" "${URL}api/v1/me")
	expect "replayed nonce refused" [ "$code" = 401 ]
	expect "replay problem type" grep -q 'replayed-nonce' replay.json
	H=$(signed GET /api/v1/me "" $(( $(date +%s) - 600 )))
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "${URL}api/v1/me")
	expect "stale timestamp refused" [ "$code" = 401 ]
fi
code=$(curl -s -o bad.json -w '%{http_code}' -H 'Content-Type: application/json' -d '{"name":' "${URL}api/v1/login")
expect "malformed JSON is a 400 problem" [ "$code" = 400 ]
expect "problem+json" grep -q '"type":"urn:eseal:problem:invalid-body"' bad.json

# static files: right type, no way out of the directory
ct=$(curl -s -o /dev/null -w '%{content_type}' "${URL}css/app.css")
expect "static css type" [ "$ct" = "text/css; charset=utf-8" ]
expect "static index" [ "$(curl -s "${URL}")" = "$(cat web/index.html)" ]
for p in '../outside.txt' '%2e%2e/outside.txt' 'css/..%2f..%2foutside.txt' '.%2e/outside.txt' 'css/../../outside.txt'; do
	code=$(curl -s --path-as-is -o body -w '%{http_code}' "${URL}$p")
	if [ "$code" = 404 ] && ! grep -q secret body; then ok "no traversal: $p"; else bad "no traversal: $p ($code)"; fi
done

stop
expect "SIGTERM: exit 0 promptly" [ "$RC" = 0 ]

# a second start keeps the data and prints no password
expect "restart" start out2
expect "no second password" sh -c "! grep -q 'one-time password' out2"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"name":"admin","password":"Brand-New-Pass-42"}' "${URL}api/v1/login")
expect "the changed password survives a restart" [ "$code" = 200 ]
kill -INT "$PID"
for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
wait "$PID"; RC=$?; PID=
expect "SIGINT: exit 0" [ "$RC" = 0 ]

# a directory that is not ours is refused
mkdir other; echo x > other/file
"$B" serve --data other --listen 127.0.0.1:0 >o3 2>e3 &
P3=$!
for _ in $(seq 1 50); do kill -0 "$P3" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$P3" 2>/dev/null; then kill -KILL "$P3"; bad "foreign directory refused"; else
	wait "$P3"; RC=$?; expect "foreign directory refused" [ "$RC" = 6 ]; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
