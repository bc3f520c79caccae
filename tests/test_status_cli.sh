#!/bin/bash
# test_status_cli.sh - status publishing end to end: `eseal serve` answers
# signed status (DER and JSON, "status at T"), full and delta seal
# revocation lists with ETag/304, and `eseal verify --status URL` /
# `--status-list FILE` judge a document by its seal's status at signing
# time: signed before the loss passes, signed after it fails (REVOKED).
# Seal rows are written straight into the database (sqlite3, or psql when
# ESEAL_TEST_DB=pg runs it on PostgreSQL: tests/test_service_pg.sh).
set -u
B=${ESEAL_BIN:?ESEAL_BIN not set}
. "${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib_pg.sh"
for t in curl "$(svc_sql_tool)" jq; do
	command -v $t >/dev/null 2>&1 || { echo "$t not installed; skipping"; exit 77; }
done
T=$(mktemp -d /tmp/eseal-status-cli-XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	svc_cleanup
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi; }
unset ESEAL_PASS

"$B" demo --out demo >/dev/null 2>&1 || { bad "demo"; echo "$pass passed, $fail failed"; exit 1; }
ESID=$("$B" seal show demo/seal.esl --json | jq -r .esid)
SIGN=("$B" sign --seal demo/seal.esl --key demo/signer.key --cert demo/signer.pem --pass-file demo/passphrase)
"${SIGN[@]}" demo/sample.ofd -o before.ofd --at 1:100:150 >/dev/null 2>&1 || bad "sign before.ofd"

svc_db DB "$T/data" || exit 1
svc_db_args DBA "$DB"
"$B" serve --data data --listen 127.0.0.1:0 --no-console "${DBA[@]}" >serve.out 2>serve.err &
PID=$!
URL=
for _ in $(seq 1 200); do
	URL=$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' serve.out)
	[ -n "$URL" ] && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
[ -n "$URL" ] || { bad "serve started"; cat serve.err; echo "$pass passed, $fail failed"; exit 1; }
ok "serve started"
sql() { svc_sql "$DB" "$1" >/dev/null; }
NOW=$(date +%s)
sql "INSERT INTO organisations (name, credit_code, created_at) VALUES ('demo', 'status-test', $((NOW - 86400)));
     INSERT INTO seals (org_id, esid, name, type, status, valid_start, valid_end, created_at, updated_at)
       VALUES ((SELECT id FROM organisations WHERE credit_code = 'status-test'), '$ESID', 'demo seal', 1, 'valid',
               $((NOW - 86400)), $((NOW + 86400 * 365)), $((NOW - 86400)), $((NOW - 86400)));"
TRUST=(--trust demo/ca.pem --trust data/ca/ca.pem)

# --- a valid seal ---------------------------------------------------------------
code=$(curl -s -o good.der -w '%{http_code} %{content_type}' "${URL}api/v1/status/$ESID")
check "answer: 200 DER" "200 application/eseal-status" "$code"
"$B" status show good.der --trust data/ca/ca.pem --json >show.json
check "answer: good and verified" "good true" "$(jq -r '.status + " " + (.verified|tostring)' show.json)"
"$B" status show good.der --trust demo/ca.pem --json >show.json; rc=$?
check "answer: another CA's anchor does not verify it" "1 false" "$rc $(jq -r .verified show.json)"
check "answer JSON view" good "$(curl -s "${URL}api/v1/status/$ESID?format=json" | jq -r .status)"
check "unknown seal: signed unknown" unknown "$(curl -s "${URL}api/v1/status/33019999999999?format=json" | jq -r .status)"
check "bad seal code: 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' "${URL}api/v1/status/abc-1")"
check "at in the future: 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' "${URL}api/v1/status/$ESID?at=$((NOW + 86400))")"
check "bad at: 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' "${URL}api/v1/status/$ESID?at=yesterday")"
ETAG=$(curl -s -D - -o /dev/null "${URL}api/v1/status/$ESID" | sed -n 's/^ETag: //Ip' | tr -d '\r')
check "answer: 304 on If-None-Match" 304 "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "${URL}api/v1/status/$ESID")"

"$B" verify before.ofd "${TRUST[@]}" --status "$URL" --json >v.json; rc=$?
check "verify --status, valid seal: exit 0" 0 "$rc"
check "seal_status check passed" passed "$(jq -r '.signatures[0].checks[] | select(.check=="seal_status") | .status' v.json)"

# --- the seal is reported lost after before.ofd was signed ------------------------
sleep 1
LOST=$(date +%s)
sql "UPDATE seals SET status = 'lost', updated_at = $LOST WHERE esid = '$ESID';
     INSERT INTO seal_events (seal_id, from_state, to_state, actor, reason, at)
       VALUES ((SELECT id FROM seals WHERE esid = '$ESID'), 'valid', 'lost', 'test', 'left on the train', $LOST);"
sleep 1
"${SIGN[@]}" demo/sample.ofd -o after.ofd --at 1:100:150 >/dev/null 2>&1 || bad "sign after.ofd"
curl -s "${URL}api/v1/status/$ESID?format=json" >now.json
check "answer now: lost with time and reason" "lost $LOST left on the train" \
	"$(jq -r '.status + " " + (.revocation_time|tostring) + " " + .reason' now.json)"
check "status at T before the loss: good" good \
	"$(curl -s "${URL}api/v1/status/$ESID?format=json&at=$((LOST - 1))" | jq -r .status)"
RFC=$(date -u -d "@$LOST" +%Y-%m-%dT%H:%M:%SZ)
check "status at T (RFC 3339) at the loss: lost" lost \
	"$(curl -s "${URL}api/v1/status/$ESID?format=json&at=$RFC" | jq -r .status)"

"$B" verify before.ofd "${TRUST[@]}" --status "$URL" --json >v.json; rc=$?
check "signed before the loss: still passes" 0 "$rc"
"$B" verify after.ofd "${TRUST[@]}" --status "$URL" --json >v.json; rc=$?
check "signed after the loss: exit 1" 1 "$rc"
check "signed after the loss: TOTAL-FAILED REVOKED" "TOTAL-FAILED REVOKED" \
	"$(jq -r '.signatures[0] | .indication + " " + .subindication' v.json)"
jq -r '.signatures[0].checks[] | select(.check=="seal_status") | .detail' v.json | grep -q "left on the train" \
	&& ok "report gives the reason" || bad "report lacks the reason"
"$B" verify after.ofd "${TRUST[@]}" --status "$URL" >v.txt
grep -q "seal_status\|left on the train" v.txt && ok "human report shows the status check" || bad "human report lacks the status check"
"$B" verify after.ofd --trust demo/ca.pem --status "$URL" --json >v.json; rc=$?
check "status publisher not trusted: INDETERMINATE" "2 indeterminate" \
	"$rc $(jq -r '.signatures[0].checks[] | select(.check=="seal_status") | .status' v.json)"
"$B" verify after.ofd "${TRUST[@]}" --status "http://127.0.0.1:1/" --timeout 2 --json >v.json; rc=$?
check "status service unreachable: exit 2" 2 "$rc"

# --- revocation lists -------------------------------------------------------------
curl -s -D h1 -o full.der "${URL}api/v1/srl"
N1=$(sed -n 's/^X-Eseal-List-Number: //Ip' h1 | tr -d '\r')
E1=$(sed -n 's/^ETag: //Ip' h1 | tr -d '\r')
grep -qi '^Cache-Control: public, max-age=' h1 && ok "list: Cache-Control max-age" || bad "list: no Cache-Control"
check "list: 304 on If-None-Match" 304 "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $E1" "${URL}api/v1/srl")"
"$B" status show full.der --trust data/ca/ca.pem --json >show.json
check "full list: verified, the lost seal listed" "full true lost" \
	"$(jq -r --arg e "$ESID" '.type + " " + (.verified|tostring) + " " + ([.entries[] | select(.esid==$e) | .status] | join(","))' show.json)"
"$B" verify before.ofd "${TRUST[@]}" --status-list full.der >/dev/null; rc=$?
check "--status-list: signed before the loss passes" 0 "$rc"
"$B" verify before.ofd "${TRUST[@]}" --status-list full.der --json >v.json
jq -r '.signatures[0].checks[] | select(.check=="seal_status") | .detail' v.json | grep -q "later" \
	&& ok "report tells of the later loss" || bad "report does not tell of the later loss"
"$B" verify after.ofd "${TRUST[@]}" --status-list full.der >/dev/null; rc=$?
check "--status-list: signed after the loss fails" 1 "$rc"
"$B" verify after.ofd "${TRUST[@]}" --status-list demo/seal.esl >/dev/null 2>&1; rc=$?
check "--status-list: not a list: exit 4" 4 "$rc"

# the loss is lifted: a new list, and a delta that removes the entry
sleep 1
LIFT=$(date +%s)
sql "UPDATE seals SET status = 'valid', updated_at = $LIFT WHERE esid = '$ESID';
     INSERT INTO seal_events (seal_id, from_state, to_state, actor, reason, at)
       VALUES ((SELECT id FROM seals WHERE esid = '$ESID'), 'lost', 'valid', 'test', 'found again', $LIFT);"
sleep 1.2
curl -s -D h2 -o full2.der "${URL}api/v1/srl"
N2=$(sed -n 's/^X-Eseal-List-Number: //Ip' h2 | tr -d '\r')
[ "$N2" -gt "$N1" ] 2>/dev/null && ok "a new list number after the change ($N1 -> $N2)" || bad "list number did not grow ($N1 -> $N2)"
curl -s -o delta.der "${URL}api/v1/srl/delta?since=$N1"
"$B" status show delta.der --trust data/ca/ca.pem --json >show.json
check "delta: base, verified, lifted entry" "delta $N1 true lifted" \
	"$(jq -r --arg e "$ESID" '.type + " " + (.base_number|tostring) + " " + (.verified|tostring) + " " + ([.entries[] | select(.esid==$e) | .status] | join(","))' show.json)"
check "delta since the latest: 204" 204 "$(curl -s -o /dev/null -w '%{http_code}' "${URL}api/v1/srl/delta?since=$N2")"
check "delta since an unknown list: 404" 404 "$(curl -s -o /dev/null -w '%{http_code}' "${URL}api/v1/srl/delta?since=999999")"
# full N1 + delta: the lost period is still known from the answer service,
# the list now says the seal is not revoked
"$B" verify after.ofd "${TRUST[@]}" --status-list full.der --status-list delta.der >/dev/null; rc=$?
check "--status-list full + delta: lifted seal passes" 0 "$rc"
check "status at T inside the lost period: lost" lost \
	"$(curl -s "${URL}api/v1/status/$ESID?format=json&at=$((LOST + 1))" | jq -r .status)"
check "status now after the lift: good" good "$(curl -s "${URL}api/v1/status/$ESID?format=json" | jq -r .status)"

kill -TERM "$PID"; wait "$PID" 2>/dev/null; PID=
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
