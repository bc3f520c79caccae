#!/bin/bash
# test_audit_serve.sh - the audit log over HTTP with `eseal serve` as a real
# process: privileged actions land in the log, an audit admin lists and
# filters it (actor, action, time, paging), exports CSV (and that export is
# itself audited while plain reading is not), reads the current tree head,
# and checks an inclusion proof and a consistency proof by recomputing the
# RFC 9162 hashes with `openssl dgst -sm3` (not with eseal). Other roles get
# 403, anonymous callers 401. With --audit-head-interval the service signs
# heads on its own once the log grows. The server is killed on exit.
# ESEAL_TEST_DB=pg runs it on PostgreSQL (tests/test_service_pg.sh).
set -u
B=${ESEAL_BIN:?ESEAL_BIN not set}
for c in curl jq xxd openssl; do
	command -v $c >/dev/null 2>&1 || { echo "$c not installed; skipping"; exit 77; }
done
printf 'x' | openssl dgst -sm3 >/dev/null 2>&1 || { echo "openssl without SM3; skipping"; exit 77; }
T=$(mktemp -d /tmp/eseal-audit-serve-XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	svc_cleanup
	rm -rf "$T"
}
trap cleanup EXIT
. "${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib_pg.sh"
cd "$T" || exit 1
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
expect() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
unset ESEAL_PASS

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

# post PATH BODYFILE [TOKEN]: body in resp.json, prints the status
post() {
	local auth=()
	[ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
	curl -s -o resp.json -w '%{http_code}' "${auth[@]}" -H 'Content-Type: application/json' --data-binary @"$2" "${URL}${1#/}"
}
# get PATH [TOKEN] [OUT]: prints the status
get() {
	local auth=()
	[ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2")
	curl -s -o "${3:-resp.json}" -D headers -w '%{http_code}' "${auth[@]}" "${URL}${1#/}"
}
login() { echo "{\"name\":\"$1\",\"password\":\"$2\"}" > b.json; post api/v1/login b.json >/dev/null; jq -r .token resp.json; }

A=$(login admin "$PW")
echo "{\"old_password\":\"$PW\",\"new_password\":\"Brand-New-Pass-42\"}" > b.json
post api/v1/me/password b.json "$A" >/dev/null
A=$(jq -r .token resp.json)

# privileged actions: three organisations, an application
T0=$(date +%s)
for n in 1 2 3; do
	jq -n --arg code "91330100MA2AAA000$n" '{name:"Org \($code)", credit_code:$code, region_code:"330100"}' > b.json
	expect "org $n registered" [ "$(post api/v1/orgs b.json "$A")" = 201 ]
done
for u in "clerk:applicant:91330100MA2AAA0001" "auditor:audit_admin:system"; do
	IFS=: read -r name role org <<<"$u"
	jq -n --arg u "$name" --arg r "$role" --arg o "$org" \
		'{name:$u, password:"Audit-Pass-12345", role:$r, org:$o, must_change_password:false}' > b.json
	expect "$name created" [ "$(post api/v1/users b.json "$A")" = 201 ]
done
C=$(login clerk Audit-Pass-12345)
U=$(login auditor Audit-Pass-12345)
printf '{"name":"合同专用章","type":"contract"}' > b.json
expect "application filed" [ "$(post api/v1/seal-applications b.json "$C")" = 201 ]

# who may read
expect "anonymous: 401" [ "$(get api/v1/audit)" = 401 ]
expect "applicant: 403" [ "$(get api/v1/audit "$C")" = 403 ]
expect "system admin: 403" [ "$(get api/v1/audit "$A")" = 403 ]
expect "applicant head: 403" [ "$(get api/v1/audit/head "$C")" = 403 ]
expect "applicant proof: 403" [ "$(get api/v1/audit/proof/0 "$C")" = 403 ]

# listing and filters
expect "audit admin lists" [ "$(get api/v1/audit "$U" all.json)" = 200 ]
N=$(jq '.entries | length' all.json)
expect "four entries" [ "$N" = 4 ]
expect "tree size matches" [ "$(jq .tree_size all.json)" = 4 ]
expect "sequence 0..3 in order" [ "$(jq -c '[.entries[].seq]' all.json)" = "[0,1,2,3]" ]
expect "reading is not audited" [ "$(get api/v1/audit/head "$U")" = 200 -a "$(jq .tree_size resp.json)" = 4 ]
get "api/v1/audit?action=org.create" "$U" >/dev/null
expect "filter by action" [ "$(jq -c '[.entries[].action] | unique' resp.json)" = '["org.create"]' -a "$(jq '.entries|length' resp.json)" = 3 ]
get "api/v1/audit?actor=clerk" "$U" >/dev/null
expect "filter by actor" [ "$(jq -c '[.entries[].action]' resp.json)" = '["seal.apply"]' ]
get "api/v1/audit?action=seal.*" "$U" >/dev/null
expect "action prefix" [ "$(jq '.entries|length' resp.json)" = 1 ]
get "api/v1/audit?object=org:91330100MA2AAA0002" "$U" >/dev/null
expect "filter by object" [ "$(jq '.entries|length' resp.json)" = 1 ]
get "api/v1/audit?from=$((T0 + 3600))" "$U" >/dev/null
expect "from in the future: none" [ "$(jq '.entries|length' resp.json)" = 0 ]
F=$(date -u -d "@$((T0 - 5))" +%Y-%m-%dT%H:%M:%SZ)
get "api/v1/audit?from=$F&to=$((T0 + 3600))" "$U" >/dev/null
expect "RFC 3339 from, unix to" [ "$(jq '.entries|length' resp.json)" = 4 ]
expect "bad time: 400" [ "$(get "api/v1/audit?from=yesterday" "$U")" = 400 ]
expect "bad limit: 400" [ "$(get "api/v1/audit?limit=0" "$U")" = 400 ]
get "api/v1/audit?limit=3" "$U" >/dev/null
expect "page 1" [ "$(jq -c '[.entries[].seq]' resp.json)" = "[0,1,2]" -a "$(jq .next_after resp.json)" = 2 ]
get "api/v1/audit?limit=3&after=2" "$U" >/dev/null
expect "page 2" [ "$(jq -c '[.entries[].seq]' resp.json)" = "[3]" -a "$(jq .next_after resp.json)" = null ]

# CSV export, itself audited
expect "CSV export" [ "$(get "api/v1/audit?format=csv&action=org.create" "$U" audit.csv)" = 200 ]
expect "text/csv" grep -qi '^content-type: text/csv' headers
expect "CSV header row" sh -c "head -1 audit.csv | grep -q '^seq,'"
expect "CSV rows" [ "$(grep -c 'org.create' audit.csv)" = 3 -a "$(wc -l < audit.csv)" = 4 ]
get "api/v1/audit?action=audit.export" "$U" >/dev/null
expect "export recorded" [ "$(jq -r '.entries[0].actor + " " + .entries[0].role + " " + .entries[0].details.format' resp.json)" = "auditor audit_admin csv" ]
expect "applicant export: 403" [ "$(get "api/v1/audit?format=csv" "$C")" = 403 ]

# inclusion proof of entry 2 in the tree of 5, recomputed with openssl
sm3() { xxd -r -p | openssl dgst -sm3 -r | cut -d' ' -f1; }
expect "head" [ "$(get api/v1/audit/head "$U" head.json)" = 200 ]
ROOT=$(jq -r .root_hash head.json)
SIZE=$(jq -r .tree_size head.json)
expect "head size 5, no signed head yet" [ "$SIZE" = 5 -a "$(jq .signed_head head.json)" = null ]
expect "proof" [ "$(get api/v1/audit/proof/2 "$U" proof.json)" = 200 ]
leaf=$( { printf '00'; jq -j .entry proof.json | xxd -p | tr -d '\n'; } | sm3)
expect "leaf hash = SM3(0x00 || entry)" [ "$leaf" = "$(jq -r .leaf_hash proof.json)" ]
fn=2; sn=$((SIZE - 1)); r=$leaf; okp=1
for p in $(jq -r '.proof[]' proof.json); do
	[ $sn = 0 ] && okp=0
	if [ $((fn & 1)) = 1 ] || [ $fn = $sn ]; then
		r=$(printf '01%s%s' "$p" "$r" | sm3)
		while [ $((fn & 1)) = 0 ] && [ $fn != 0 ]; do fn=$((fn >> 1)); sn=$((sn >> 1)); done
	else
		r=$(printf '01%s%s' "$r" "$p" | sm3)
	fi
	fn=$((fn >> 1)); sn=$((sn >> 1))
done
expect "inclusion proof verifies against the head" [ $okp = 1 -a $sn = 0 -a "$r" = "$ROOT" ]
expect "proof root = head root" [ "$(jq -r .root_hash proof.json)" = "$ROOT" ]
expect "the entry is the one listed" [ "$(jq -r .entry proof.json)" = "$(jq -r '.entries[2].entry' all.json)" ]
expect "proof beyond the log: 404" [ "$(get api/v1/audit/proof/99 "$U")" = 404 ]
expect "bad seq: 400" [ "$(get api/v1/audit/proof/x "$U")" = 400 ]

# consistency 4 -> 5: the old root is the one the list reported as size 4
expect "consistency" [ "$(get "api/v1/audit/consistency?from=4" "$U" cons.json)" = 200 ]
# with from=4 (a power of two) the proof is [leaf 4]: new root = H(1 || root4 || leaf4)
R4=$(jq -r .from_root_hash cons.json)
l4=$(jq -r '.proof[0]' cons.json)
expect "consistency proof recomputes" [ "$(jq '.proof|length' cons.json)" = 1 -a "$(printf '01%s%s' "$R4" "$l4" | sm3)" = "$ROOT" ]
l4e=$(get "api/v1/audit?after=3" "$U" >/dev/null; jq -r '.entries[0].leaf_hash' resp.json)
expect "its leaf is entry 4" [ "$l4" = "$l4e" ]
expect "from missing: 400" [ "$(get api/v1/audit/consistency "$U")" = 400 ]
expect "from too large: 400" [ "$(get "api/v1/audit/consistency?from=9" "$U")" = 400 ]

# a head signed out of band shows up as the latest signed head
"$B" key gen --out audit.key --pubout audit.pub --insecure-plain >/dev/null 2>&1
expect "sign-head" sh -c "'$B' audit sign-head --db '$DB' --key audit.key --json > sth.json"
get api/v1/audit/head "$U" head2.json >/dev/null
expect "signed head served" [ "$(jq -r .signed_head.root_hash head2.json)" = "$ROOT" -a "$(jq .signed_head.tree_size head2.json)" = 5 \
	-a "$(jq -r .signed_head.signature head2.json)" = "$(jq -r .signature sth.json)" ]
# the library agrees the log is intact and the head's signature holds
expect "eseal audit verify --key" "$B" audit verify --db "$DB" --key audit.pub

kill -TERM "$PID"
for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
wait "$PID" 2>/dev/null; PID=

# scheduled heads: a fresh instance signs with its status publisher key
# once a second, only when the log has grown, and once more on shutdown
svc_db DB2 "$T/data2" || exit 1
svc_db_args DBA "$DB2"
"$B" serve --data data2 --listen 127.0.0.1:0 --no-console --audit-head-interval 1 "${DBA[@]}" >out2 2>out2.err &
PID=$!
for _ in $(seq 1 100); do grep -q '^listening on' out2 && break; kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
expect "serve --audit-head-interval 1" grep -q '^listening on' out2
# verify JSON: "heads heads_ok uncovered entries"
heads() { "$B" audit verify --db "$DB2" --key data2/status.pem --json | jq -r '"\(.heads) \(.heads_ok) \(.uncovered) \(.entries)"'; }
# wait_heads N: up to 5 s for N heads covering the whole log
wait_heads() {
	local h
	for _ in $(seq 1 50); do
		h=$(heads)
		set -- "$1" $h
		[ "$2" = "$1" ] && [ "$3" = "$1" ] && [ "$4" = 0 ] && return 0
		sleep 0.1
	done
	echo "  heads, verified, uncovered, entries: $h" >&2
	return 1
}
N0=$(heads | cut -d' ' -f4)
"$B" audit note --db "$DB2" --actor op --action test.one >/dev/null
expect "a head covers the new entry and verifies" wait_heads 1
expect "the head is the size of the log" [ "$(heads | cut -d' ' -f4)" = $((N0 + 1)) ]
sleep 1.5
expect "no growth, no new head" [ "$(heads)" = "1 1 0 $((N0 + 1))" ]
"$B" audit note --db "$DB2" --actor op --action test.two >/dev/null
expect "growth, a second head" wait_heads 2
"$B" audit note --db "$DB2" --actor op --action test.three >/dev/null
kill -TERM "$PID"
for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
wait "$PID" 2>/dev/null; RC=$?; PID=
expect "stops cleanly" [ "$RC" = 0 ]
expect "shutdown signs the last entries" [ "$(heads)" = "3 3 0 $((N0 + 3))" ]

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
