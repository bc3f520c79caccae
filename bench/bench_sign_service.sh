#!/usr/bin/env bash
# bench_sign_service.sh - centralized signing through the HTTP API: signed
# 1-page PDFs per second (POST /api/v1/sign-requests on a seal whose policy
# approves automatically: decode, sign with SM2 CMS, store original and
# signed file, count the use and write the audit entry in one transaction)
# and verification requests per second (POST /api/v1/verify), next to the
# raw SM2 signing rate of the same machine in the same run.
#   bench/bench_sign_service.sh ESEAL_BIN [SECONDS] [CONNECTIONS]
# Needs wrk, curl, jq, python3 (scripts/deps.sh installs them).
set -euo pipefail
E=$(realpath "${1:?usage: bench_sign_service.sh ESEAL_BIN [SECONDS] [CONNECTIONS]}")
SECS=${2:-10}
CONN=${3:-4}
T=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT
. "$(dirname "$0")/../tests/service_lib.sh"
ESEAL_WRAP=${ESEAL_BENCH_WRAP:-} svc_start
svc_bootstrap b
svc_make_seal b
login b-seal_keeper "$PW"
api POST "/api/v1/seals/$ESID/sign-policy" "$(body '{"auto_approve":true}')" > /dev/null
login b-applicant "$PW"
APPLICANT=$TOKEN
one_page_pdf "$T/one.pdf"
printf '{"esid":"%s","document":"%s","placement":{"at":{"page":1,"x":150,"y":200}}}' \
  "$ESID" "$(base64 -w0 "$T/one.pdf")" > "$T/sign.json"
curl -sf -H "Authorization: Bearer $APPLICANT" -H 'Content-Type: application/json' --data-binary "@$T/sign.json" \
  "$URL/api/v1/sign-requests" > "$T/first.json"
[ "$(jq -r .status "$T/first.json")" = signed ] || { echo "the first request was not signed:"; cat "$T/first.json"; exit 1; }
RID=$(jq -r .id "$T/first.json")
curl -sf -H "Authorization: Bearer $APPLICANT" -o "$T/signed.pdf" "$URL/api/v1/sign-requests/$RID/documents/1"
printf '{"document":"%s"}' "$(base64 -w0 "$T/signed.pdf")" > "$T/verify.json"

# wrk_post PATH BODY-FILE: requests per second and the share of 2xx answers
wrk_post() {
  cat > "$T/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $APPLICANT"
local f = io.open("$2", "rb"); wrk.body = f:read("*a"); f:close()
local bad = 0
response = function(status) if status >= 300 then bad = bad + 1 end end
done = function(summary, latency, requests)
  io.write(string.format("  requests: %d, non-2xx: %d, median latency %.1f ms\n",
    summary.requests, summary["errors"].status, latency:percentile(50) / 1000))
end
LUA
  wrk -t2 -c"$CONN" -d"${SECS}s" -s "$T/post.lua" "$URL$1" | grep -E "Requests/sec|requests:"
}

echo "signing through the API ($CONN connections, ${SECS} s, 1-page PDF, SM2 CMS, auto-approved):"
wrk_post /api/v1/sign-requests "$T/sign.json"
echo "verification through the API (POST /api/v1/verify of the signed PDF):"
wrk_post /api/v1/verify "$T/verify.json"
login b-business_admin "$PW"
echo "uses counted by the service: $(api GET "/api/v1/seals/$ESID" | jq -r .uses_count)"
echo "raw SM2 on this machine (one core):"
"$E" speed sm2 --seconds 2 | grep -E "^sm2 (sign|verify)/s"
