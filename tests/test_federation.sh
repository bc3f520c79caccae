#!/bin/bash
# test_federation.sh - the city → province → ministry hierarchy with three
# `eseal serve` instances on loopback ports: the province registers with
# the ministry and waits for its administrator's approval, the city with the
# province (approved at once); certificates come from the parents' CAs; a
# registration can be refused. A seal made in the city through the lifecycle API is
# reported lost and the ministry's signed status answer says "lost" within
# 5 s; with the province stopped the lifted loss waits in the city's outbox
# and reaches the ministry after the province restarts; a replay of the
# city's whole history applies nothing twice; the city asks upward for a
# seal it does not know; a batch from an uncertified sender is refused.
# ESEAL_TEST_DB=pg runs the three instances on PostgreSQL, each in its own
# schema (tests/test_service_pg.sh).
set -u
B=${ESEAL_BIN:?ESEAL_BIN not set}
. "${ESEAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib_pg.sh"
for t in curl jq "$(svc_sql_tool)"; do
	command -v $t >/dev/null 2>&1 || { echo "$t not installed; skipping"; exit 77; }
done
T=$(mktemp -d /tmp/eseal-federation-XXXXXX)
declare -A PIDS=() DBS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	svc_cleanup
	[ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1 [${SECONDS}s]"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; exit $?; }
unset ESEAL_PASS
export ESEAL_FEDERATION_MAX_BACKOFF_MS=500

free_port() {
	local p=$((20000 + RANDOM % 20000))
	while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
	echo $p
}
# launch NAME PORT ARGS...: one instance in the background
launch() {
	local n=$1 port=$2
	shift 2
	# one database per instance, kept across its restarts
	[ -n "${DBS[$n]:-}" ] || svc_db "DBS[$n]" "$T/$n" || finish
	svc_db_args DBA "${DBS[$n]}"
	"$B" serve --data "$n" --listen "127.0.0.1:$port" --no-console "${DBA[@]}" "$@" >>"$n.out" 2>>"$n.err" &
	PIDS[$n]=$!
}
# up NAME PORT: waits until it answers
up() {
	local n=$1 port=$2
	for _ in $(seq 1 150); do
		# "listening on" comes after the admin's one-time password
		grep -q "listening on http://127.0.0.1:$port/" "$n.out" 2>/dev/null &&
			curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
		kill -0 "${PIDS[$n]}" 2>/dev/null || break
		sleep 0.1
	done
	bad "$n started"; cat "$n.err"; finish
}
stop() { kill -TERM "${PIDS[$1]}"; wait "${PIDS[$1]}" 2>/dev/null; unset "PIDS[$1]"; }

PM=$(free_port); PP=$(free_port); PC=$(free_port)
while [ "$PP" = "$PM" ]; do PP=$(free_port); done
while [ "$PC" = "$PM" ] || [ "$PC" = "$PP" ]; do PC=$(free_port); done
M=http://127.0.0.1:$PM P=http://127.0.0.1:$PP C=http://127.0.0.1:$PC
# all at once: children retry until their parents answer
launch ministry "$PM"
launch province "$PP" --accept-children --parent "$M" --instance-name province --region 110000
launch city "$PC" --parent "$P" --instance-name city --region 110100
up ministry "$PM"; up province "$PP"; up city "$PC"
ok "three instances started"

# wait_for SECONDS CMD...: polls until CMD succeeds
wait_for() {
	local end=$(($(date +%s%N) / 1000000 + $1 * 1000))
	shift
	while [ $(($(date +%s%N) / 1000000)) -lt $end ]; do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
# api URL METHOD PATH [BODY]: one JSON call as $TOKEN
api() {
	curl -s -X "$2" ${TOKEN:+-H "Authorization: Bearer $TOKEN"} -H 'Content-Type: application/json' \
		${4:+--data-binary "$4"} "$1$3"
}
login() { TOKEN=; TOKEN=$(api "$1" POST /api/v1/login "{\"name\":\"$2\",\"password\":\"$3\"}" | jq -r .token); }
admin() {
	local otp
	otp=$(sed -n 's/^user admin created; one-time password.*: \([A-Za-z0-9]*\)$/\1/p' "$2.out")
	login "$1" admin "$otp"
	TOKEN=$(api "$1" POST /api/v1/me/password "{\"old_password\":\"$otp\",\"new_password\":\"Fed-admin-$3-12345\"}" |
		jq -r .token)
}

# the ministry's administrator approves the province; the province
# approves the city by itself (--accept-children)
admin "$M" ministry ministry
MTOKEN=$TOKEN
pending() { [ "$(api "$M" GET /api/v1/federation/children | jq -r '.children[0].status')" = pending ]; }
wait_for 10 pending && ok "the province waits for approval" || bad "province registration pending"
check "province registration: name and region" "province 110000" \
	"$(api "$M" GET /api/v1/federation/children | jq -r '.children[0] | "\(.name) \(.region)"')"
check "approved by the ministry's admin" approved \
	"$(api "$M" POST /api/v1/federation/children/1/approve '{"reason":"provincial system"}' | jq -r .status)"
check "approving twice: 409" 409 \
	"$(api "$M" POST /api/v1/federation/children/1/approve '{"reason":"again"}' | jq -r .status)"
registered() { [ "$(curl -s "$1/api/v1/federation/register/1" | jq -r .status)" = approved ] && [ -s "$2/system.pem" ]; }
wait_for 10 registered "$M" province && ok "province registered with the ministry" || bad "province registration"
wait_for 10 registered "$P" city && ok "city registered with the province" || bad "city registration"
check "city's system certificate" "CN=city, OU=110100, O=eseal, C=CN" \
	"$("$B" cert show city/system.pem --json | jq -r .subject)"
SERIAL=$("$B" cert show city/system.pem --json | jq -r .serial)
check "issued by the province's CA, not the ministry's" "1 0" \
	"$(grep -ci "$SERIAL" province/ca/index.json) $(grep -ci "$SERIAL" ministry/ca/index.json)"

# a refused re-registration under a taken name
KEY=$(openssl ecparam -name SM2 -genkey 2>/dev/null | openssl pkey -pubout -outform DER 2>/dev/null | base64 -w0)
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary "{\"name\":\"city\",\"region\":\"110100\",\"public_key\":\"$KEY\"}" "$P/api/v1/federation/register")
check "the name city with another key: 409" 409 "$code"
check "a child outside the parent's region: 422" 422 "$(curl -s -o /dev/null -w '%{http_code}' \
	-H 'Content-Type: application/json' "$P/api/v1/federation/register" \
	--data-binary "{\"name\":\"elsewhere\",\"region\":\"120100\",\"public_key\":\"$KEY\"}")"
# the parent can refuse: a registration the ministry's admin turns down
RID=$(curl -s -H 'Content-Type: application/json' "$M/api/v1/federation/register" \
	--data-binary "{\"name\":\"rogue\",\"region\":\"120000\",\"public_key\":\"$KEY\"}" | jq -r .id)
check "refused by the ministry's admin" refused \
	"$(api "$M" POST "/api/v1/federation/children/$RID/refuse" '{"reason":"unknown system"}' | jq -r .status)"
check "the registration says refused, no certificate" "refused null" \
	"$(curl -s "$M/api/v1/federation/register/$RID" | jq -r '"\(.status) \(.certificate)"')"
check "an SM2 key is required" 422 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary '{"name":"x","region":"120000","public_key":"AAAA"}' "$M/api/v1/federation/register")"

# a seal made in the city: 申领 → 审核 → 制章
admin "$C" city city
ORG=91110105MA0FED0001
api "$C" POST /api/v1/orgs "{\"name\":\"示例单位\",\"credit_code\":\"$ORG\",\"region_code\":\"110105\"}" >/dev/null
PW=Fed-user-$RANDOM-12345
for u in applicant reviewer business_admin seal_keeper; do
	api "$C" POST /api/v1/users "{\"name\":\"f-$u\",\"password\":\"$PW\",\"role\":\"$u\",\"org\":\"$ORG\"}" >/dev/null
done
login "$C" f-applicant "$PW"
APP=$(api "$C" POST /api/v1/seal-applications '{"kind":"new","name":"示例单位公章","type":"official",
  "validity_days":365,"picture":{"shape":"round","org":"示例单位","title":"公章"}}' | jq -r .id)
login "$C" f-reviewer "$PW"
api "$C" POST "/api/v1/seal-applications/$APP/approve" '{"reason":"ok"}' >/dev/null
login "$C" f-business_admin "$PW"
ESID=$(api "$C" POST "/api/v1/seal-applications/$APP/make" '{"key_mode":"package","passphrase":"fed-pass-123456"}' |
	jq -r .esid)
check "seal made in the city (region 110105)" 110105 "${ESID:0:6}"

status() { curl -s "$1/api/v1/status/$ESID?format=json" | jq -r .status; }
is_status() { [ "$(status "$1")" = "$2" ]; }
wait_for 5 is_status "$M" good && ok "the ministry knows the new seal" || bad "new seal at the ministry: $(status "$M")"

login "$C" f-seal_keeper "$PW"
api "$C" POST "/api/v1/seals/$ESID/report-loss" '{"reason":"lost on the way"}' >/dev/null
T0=$(date +%s%N)
if wait_for 5 is_status "$M" lost; then
	ok "the ministry answers lost within 5 s ($((($(date +%s%N) - T0) / 1000000)) ms)"
else
	bad "ministry status after the loss: $(status "$M")"
fi
check "the province answers lost" lost "$(status "$P")"
check "the ministry's answer is signed" true "$(curl -s "$M/api/v1/status/$ESID?format=json" | jq -r .signed)"
check "reason travels" "lost on the way" "$(curl -s "$M/api/v1/status/$ESID?format=json" | jq -r .reason)"

# the province goes down; the change waits in the city's outbox
stop province
api "$C" POST "/api/v1/seals/$ESID/lift-loss" '{"reason":"found again"}' >/dev/null
sleep 1.5
check "province down: the ministry still says lost" lost "$(status "$M")"
launch province "$PP" --accept-children --parent "$M" --instance-name province --region 110000
if wait_for 10 is_status "$M" good; then ok "after the restart the lifted loss reaches the ministry"
else bad "ministry status after the restart: $(status "$M")"; fi

# replay: the city forgets what it pushed and sends its whole history again
stop city
svc_sql "${DBS[city]}" "DELETE FROM settings WHERE key LIKE 'federation.pushed%';" >/dev/null
launch city "$PC" --parent "$P" --instance-name city --region 110100
up city "$PC"
events() { TOKEN=$MTOKEN api "$1" GET "/api/v1/federation/seals/$ESID/events"; }
replayed() { svc_sql "${DBS[city]}" "SELECT value FROM settings WHERE key = 'federation.pushed_own'" | grep -q .; }
wait_for 10 replayed && ok "the city pushed its history again" || bad "replay"
sleep 1
N=$(events "$M" | jq '.events | length')
check "ministry: 3 events (made, lost, lifted), none twice" 3 "$N"
check "ministry: distinct (origin, seq)" 3 "$(events "$M" | jq '[.events[] | "\(.origin)/\(.seq)"] | unique | length')"
check "ministry: events in order" "valid lost valid" "$(events "$M" | jq -r '[.events[].status] | join(" ")')"
check "ministry: origin city, via province" "city province" "$(events "$M" | jq -r '.events[0] | "\(.origin) \(.via)"')"
check "province: 3 events" 3 "$(svc_sql "${DBS[province]}" "SELECT COUNT(*) FROM federation_events WHERE esid = '$ESID'")"
check "ministry status still good" good "$(status "$M")"
check "unknown seal at the ministry" unknown "$(curl -s "$M/api/v1/status/11010599999999?format=json" | jq -r .status)"

# lower levels ask upward for seals they do not know: a seal of another
# province, known only to the ministry
svc_sql "${DBS[ministry]}" "INSERT INTO federation_seals
	(esid, origin, status, reason, at, updated_at) VALUES ('11020100000007', 'other', 'lost', 'stolen',
	$(date +%s), $(date +%s));" >/dev/null
check "the city answers from the ministry" "lost stolen" \
	"$(curl -s "$C/api/v1/status/11020100000007?format=json" | jq -r '"\(.status) \(.reason)"')"
check "marked as answered higher up" 1 \
	"$(curl -s -D - -o /dev/null "$C/api/v1/status/11020100000007" | grep -ci '^X-Eseal-Answered-By: parent')"

audit() { svc_sql "${DBS[ministry]}" "SELECT COUNT(*) FROM audit_entries WHERE $1" | tail -1; }
check "ministry audit: province registered, approved, refused rogue, events" "1 1 1 yes" \
	"$(audit "action = 'federation.register' AND actor = 'federation:province'") \
$(audit "action = 'federation.approve' AND actor = 'admin' AND object = 'province'") \
$(audit "action = 'federation.refuse' AND actor = 'admin'") \
$([ "$(audit "action = 'federation.events' AND actor = 'federation:province'")" -ge 2 ] && echo yes)"

# a forged batch (signed by a key the ministry never certified) is refused
code=$(curl -s -o forged.json -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary "{\"payload\":\"{}\",\"signature\":\"AA==\",\"certificate\":\"$(openssl x509 -in city/system.pem -outform DER | base64 -w0)\"}" \
	"$M/api/v1/federation/events")
check "batch with a certificate from another CA: 403" 403 "$code"

"$B" conformance "$M" >conformance.txt 2>&1
check "eseal conformance against the ministry" "0:0 failed" "$?:$(tail -1 conformance.txt | sed 's/.*, //')"
"$B" conformance "$C" --json >conformance.json 2>&1
check "eseal conformance --json against the city" "0 9" "$(jq -r '"\(.failed) \(.passed)"' conformance.json)"

for n in city province ministry; do stop $n; done
finish
