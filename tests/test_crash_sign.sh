#!/usr/bin/env bash
# Crash safety of centralized signing: 8 clients send signing requests
# (1-page PDFs, automatic approval) while the service is killed with
# SIGKILL in the middle of the load and started again on the same data.
# Afterwards every request that got a success answer has its signed
# document (same SM3 as answered, verifying) and its audit entry, the audit
# log verifies, and the seal's use count equals the number of documents
# signed: no use counted twice, none lost. Requests cut off by the kill may
# or may not have been signed, but never half: signed means counted,
# stored and audited.
# ESEAL_TEST_DB=pg runs the service on PostgreSQL (tests/test_service_pg.sh).
# ESEAL_CRASH_CLIENTS / ESEAL_CRASH_REQUESTS size the load: 8 clients x 50
# requests in the suite (8 x 12 in the much slower sanitizer build);
# ESEAL_CRASH_REQUESTS=200 runs the full 8 x 200.
set -u
E=${ESEAL_BIN:?ESEAL_BIN}
. "${ESEAL_SRC:-$(dirname "$0")/..}/tests/service_lib.sh"
svc_test test_crash_sign curl jq openssl python3

CLIENTS=${ESEAL_CRASH_CLIENTS:-8}
N=50
[ -n "${ESEAL_BUILD:-}" ] && grep -q '^ESEAL_SANITIZE:BOOL=ON' "$ESEAL_BUILD/CMakeCache.txt" 2> /dev/null && N=12
N=${ESEAL_CRASH_REQUESTS:-$N}
TOTAL=$((CLIENTS * N))

svc_start --threads 4 || { echo "0 passed, 1 failed"; exit 1; }
svc_bootstrap c || { echo "0 passed, 1 failed"; exit 1; }
svc_make_seal c || { echo "0 passed, 1 failed"; exit 1; }
login c-seal_keeper "$PW"
api POST "/api/v1/seals/$ESID/sign-policy" "$(body '{"auto_approve":true}')" > /dev/null
login c-applicant "$PW"
APPLICANT=$TOKEN
one_page_pdf "$T/one.pdf"
printf '{"esid":"%s","document":"%s","placement":{"at":{"page":1,"x":150,"y":200}}}' \
  "$ESID" "$(base64 -w0 "$T/one.pdf")" > "$T/sign.json"

# client I: N requests one after the other; "J CODE" per request in log,
# the answer of each success kept. A request without answer (server down)
# is recorded and the client waits for the service before the next one.
client() {
  local i=$1 j code d=$T/c$1
  mkdir -p "$d"
  for j in $(seq 1 "$N"); do
    code=$(curl -s --max-time 60 -o "$d/$j.json" -w '%{http_code}' -H "Authorization: Bearer $APPLICANT" \
      -H 'Content-Type: application/json' --data-binary "@$T/sign.json" "$URL/api/v1/sign-requests")
    echo "$j $code" >> "$d/log"
    if [ "$code" = 000 ]; then # wait for the service to come back, as a client retrying would
      for _ in $(seq 1 300); do curl -sf "$URL/healthz" > /dev/null 2>&1 && break; sleep 0.1; done
    fi
  done
}
successes() { cat "$T"/c*/log 2> /dev/null | awk '$2 == 201' | wc -l; }

start=$(date +%s)
for i in $(seq 1 "$CLIENTS"); do client "$i" & done
# kill the service once about a third of the requests have been signed
while [ "$(successes)" -lt $((TOTAL / 3)) ]; do sleep 0.05; done
kill -KILL "$PID"
wait "$PID" 2> /dev/null
before=$(successes)
echo "service killed with SIGKILL after $before successful requests"
sleep 0.5
svc_start --threads 4 || { echo "0 passed, 1 failed"; exit 1; }
for j in $(jobs -rp); do [ "$j" = "$PID" ] || wait "$j"; done
elapsed=$(($(date +%s) - start))
ok_n=$(successes)
cut=$(cat "$T"/c*/log | awk '$2 == 000' | wc -l)
other=$(cat "$T"/c*/log | awk '$2 != 201 && $2 != 000' | wc -l)
echo "$TOTAL requests in ${elapsed} s: $ok_n signed (201), $cut without answer (server down), $other other answers"
check "every request was answered or cut off by the kill" test "$other" -eq 0
check "requests succeeded before and after the restart" test "$before" -gt 0 -a "$ok_n" -gt "$before"

# every success: its signed document is stored with the answered SM3
login c-business_admin "$PW"
: > "$T/ids"
missing=0 wrong=0
for f in "$T"/c*/log; do
  d=$(dirname "$f")
  while read -r j code; do
    [ "$code" = 201 ] || continue
    id=$(jq -r .id "$d/$j.json")
    st=$(jq -r .status "$d/$j.json")
    sm3=$(jq -r '.documents[0].signed_sm3' "$d/$j.json")
    echo "$id $sm3" >> "$T/ids"
    [ "$st" = signed ] || wrong=$((wrong + 1))
  done < "$f"
done
check "every success answer says signed" test "$wrong" -eq 0
# download a sample of the answered documents (all of them when few)
step=$(( $(wc -l < "$T/ids") / 40 + 1 ))
k=0 verified=0
while read -r id sm3; do
  k=$((k + 1))
  [ $((k % step)) -eq 0 ] || [ "$k" -eq 1 ] || continue
  code=$(curl -s -o "$T/dl.pdf" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "$URL/api/v1/sign-requests/$id/documents/1")
  if [ "$code" != 200 ] || [ "$(openssl dgst -sm3 -r "$T/dl.pdf" | cut -d' ' -f1)" != "$sm3" ]; then
    missing=$((missing + 1))
    continue
  fi
  if [ $verified -lt 3 ]; then
    "$E" verify "$T/dl.pdf" --trust "$T/data/ca/ca.pem" > "$T/v" 2>&1 && grep -q TOTAL-PASSED "$T/v" ||
      missing=$((missing + 1))
    verified=$((verified + 1))
  fi
done < "$T/ids"
check "answered documents are stored with the answered SM3 and verify" test "$missing" -eq 0

# the store: signed requests, audit entries and the use count agree
code=$(call GET "/api/v1/seals/$ESID")
uses=$(jq -r .uses_count "$T/out")
svc_stop
AUDB=$DBURL
check "audit log verifies after the crash" "$E" audit verify --db "$AUDB"
"$E" audit export --db "$AUDB" --action sign.document --format json --out "$T/audit.json" 2> "$T/audit.err"
entries=$(jq -s 'if type == "array" and length == 1 and (.[0] | type) == "array" then .[0] else . end |
  map(.details.request // .detail.request // empty) | length' "$T/audit.json" 2> /dev/null)
distinct=$(jq -s 'if type == "array" and length == 1 and (.[0] | type) == "array" then .[0] else . end |
  map(.details.request // .detail.request // empty) | unique | length' "$T/audit.json" 2> /dev/null)
echo "uses counted: $uses; sign.document audit entries: $entries ($distinct distinct requests)"
check "one audit entry per signed request, none twice" test -n "$entries" -a "$entries" = "$distinct"
check "every success answer has its audit entry" \
  sh -c "jq -s 'if length == 1 and (.[0] | type) == \"array\" then .[0] else . end |
    map(.details.request // .detail.request // empty) | .[]' '$T/audit.json' | sort -n > '$T/audited';
    cut -d' ' -f1 '$T/ids' | sort -n | comm -23 - '$T/audited' | wc -l | grep -qx 0"
check "use count equals signed documents (no use counted twice or lost)" test "$uses" = "$entries"
check "no more uses than requests sent" test "$uses" -le "$TOTAL" -a "$uses" -ge "$ok_n"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
