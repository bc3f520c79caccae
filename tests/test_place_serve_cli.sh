#!/bin/bash
# test_place_serve_cli.sh - placement through the service over HTTP: an
# organisation's clerk asks POST /api/v1/place for proposals, stores where
# seals went with POST /api/v1/place/feedback, and later proposals for that
# organisation follow the learned habit (a dev-set habit case: three earlier
# instances, then the new one); another organisation's clerk sees none of
# that history; bad feedback is refused. Every server started is killed.
# ESEAL_TEST_DB=pg runs it on PostgreSQL (tests/test_service_pg.sh).
set -u
B=${ESEAL_BIN:?ESEAL_BIN not set}
S=${ESEAL_SHARED:-}
for t in curl jq python3; do command -v $t >/dev/null || { echo "$t not installed; skipping"; exit 77; }; done
[ -n "$S" ] && [ -d "$S/placement/dev" ] || { echo "skip: no ../shared/placement"; exit 77; }
. "${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib_pg.sh"
T=$(mktemp -d /tmp/eseal-place-serve-XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null; svc_cleanup; rm -rf "$T"; }
trap cleanup EXIT
cd "$T" || exit 1
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
expect() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

svc_db DB "$T/data" || exit 1
svc_db_args DBA "$DB"
"$B" serve --data data --listen 127.0.0.1:0 "${DBA[@]}" >out 2>out.err &
PID=$!
URL=
for _ in $(seq 1 100); do
	URL=$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' out)
	[ -n "$URL" ] && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
[ -n "$URL" ] || { cat out out.err; echo "$pass passed, 1 failed"; exit 1; }
PW=$(sed -n 's/^user admin created; one-time password.*: \([A-Za-z0-9]*\)$/\1/p' out)

# post METHOD PATH BODYFILE|- [TOKEN]: body in resp.json, prints the status
post() {
	local auth=()
	[ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
	curl -s -o resp.json -w '%{http_code}' "${auth[@]}" -H 'Content-Type: application/json' --data-binary @"$2" "${URL}${1#/}"
}
login() { echo "{\"name\":\"$1\",\"password\":\"$2\"}" > b.json; post api/v1/login b.json >/dev/null; jq -r .token resp.json; }

A=$(login admin "$PW")
echo "{\"old_password\":\"$PW\",\"new_password\":\"Brand-New-Pass-42\"}" > b.json
post api/v1/me/password b.json "$A" >/dev/null
A=$(jq -r .token resp.json)

case=$(grep -l '"family": "habit"' "$S"/placement/dev/*/case.json | head -1)
dir=$(dirname "$case")
org=$(jq -r .org "$case")
for o in "1:$org" "2:其他贸易有限公司"; do
	n=${o%%:*}
	jq -n --arg name "${o#*:}" --arg code "91330100MA2AAA000$n" '{name:$name, credit_code:$code, region_code:"330100"}' > b.json
	expect "org $n registered" [ "$(post api/v1/orgs b.json "$A")" = 201 ]
	jq -n --arg code "91330100MA2AAA000$n" --arg u "clerk$n" \
		'{name:$u, password:"Clerk-Pass-12345", role:"applicant", org:$code, must_change_password:false}' > b.json
	expect "clerk $n created" [ "$(post api/v1/users b.json "$A")" = 201 ]
done
C1=$(login clerk1 Clerk-Pass-12345)
C2=$(login clerk2 Clerk-Pass-12345)

# place BODY-DOC TOKEN: the proposal for a document
place() {
	python3 - "$1" "$(jq -c .seals "$case")" > b.json <<'PY'
import base64, json, sys
print(json.dumps({"document": base64.b64encode(open(sys.argv[1], "rb").read()).decode(), "seals": json.loads(sys.argv[2])}))
PY
	post api/v1/place b.json "$2"
}

expect "anonymous place: 401" [ "$(place "$dir/doc.pdf" "")" = 401 ]
expect "place without history: 200" [ "$(place "$dir/doc.pdf" "$C1")" = 200 ]
expect "no history used" [ "$(jq .history_used resp.json)" = 0 ]
expect "proposals carry confidence and reason" jq -e --exit-status '.confidence >= 0 and (.reason|length) > 0' resp.json

# feedback: the three earlier instances with their placements
for k in 0 1 2; do
	h=$(jq -r ".history[$k].document" "$case")
	python3 - "$dir/$h" "$(jq -c ".history[$k].placements" "$case")" "$k" > b.json <<'PY'
import base64, json, sys
print(json.dumps({"document": base64.b64encode(open(sys.argv[1], "rb").read()).decode(),
                  "placements": json.loads(sys.argv[2]), "action": "moved" if sys.argv[3] == "0" else "accepted"}))
PY
	expect "feedback $((k + 1)) stored" [ "$(post api/v1/place/feedback b.json "$C1")" = 201 ]
done
expect "history counts three" [ "$(jq .history resp.json)" = 3 ]

expect "place with history: 200" [ "$(place "$dir/doc.pdf" "$C1")" = 200 ]
expect "three documents learned from" [ "$(jq .history_used resp.json)" = 3 ]
want=$(jq -c '.expected.placements[0]' "$case")
python3 - "$want" <<'PY' && ok "the learned habit is reproduced" || bad "habit not reproduced: $(cat resp.json | head -c 400)"
import json, math, sys
w = json.loads(sys.argv[1]); r = json.load(open("resp.json"))
n = [p for p in r["placements"] if p["kind"] == "normal"]
sys.exit(0 if len(n) == 1 and n[0]["page"] == w["page"] and n[0]["seal_type"] == w["seal_type"] and
         math.hypot(n[0]["x"] - w["x"], n[0]["y"] - w["y"]) <= w["tolerance_mm"] and "habit" in n[0]["reason"] else 1)
PY

expect "another organisation: 200" [ "$(place "$dir/doc.pdf" "$C2")" = 200 ]
expect "another organisation uses none of it" [ "$(jq .history_used resp.json)" = 0 ]

python3 - "$dir/doc.pdf" > b.json <<'PY'
import base64, json, sys
print(json.dumps({"document": base64.b64encode(open(sys.argv[1], "rb").read()).decode(),
                  "placements": [{"page": 99, "x": 1, "y": 2, "seal_type": "official"}]}))
PY
expect "feedback on a page the document lacks: 400" [ "$(post api/v1/place/feedback b.json "$C1")" = 400 ]
echo '{"document":"bm90IGEgZG9jdW1lbnQ=","placements":[]}' > b.json
expect "feedback on a non-document: 400" [ "$(post api/v1/place/feedback b.json "$C1")" = 400 ]
echo '{"document":"!!!"}' > b.json
expect "place with bad base64: 400" [ "$(post api/v1/place b.json "$C1")" = 400 ]

kill -TERM "$PID"; wait "$PID" 2>/dev/null; PID=
"$B" audit list --db "$DB" --action place.feedback --json > audit.json 2>/dev/null
expect "three place.feedback audit entries (one JSON line each)" [ "$(jq -s 'map(select(.action == "place.feedback" and .actor == "clerk1")) | length' audit.json)" = 3 ]
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
