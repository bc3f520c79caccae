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
PORT=18480
while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
URL=http://127.0.0.1:$PORT

${ESEAL_BENCH_WRAP:-} "$E" serve --data "$T/data" --listen "127.0.0.1:$PORT" > "$T/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -sf "$URL/healthz" > /dev/null 2>&1 && break; sleep 0.1; done
for _ in $(seq 1 50); do grep -q 'one-time password' "$T/serve.log" && break; sleep 0.1; done

api() { # METHOD PATH [BODY]
  curl -sf -X "$1" ${TOKEN:+-H "Authorization: Bearer $TOKEN"} -H 'Content-Type: application/json' \
    ${3:+--data-binary "$3"} "$URL$2"
}
login() { TOKEN=; TOKEN=$(api POST /api/v1/login "{\"name\":\"$1\",\"password\":\"$2\"}" | jq -r .token); }
OTP=$(sed -n 's/^user admin created; one-time password.*: \([A-Za-z0-9]*\)$/\1/p' "$T/serve.log")
login admin "$OTP"
TOKEN=$(api POST /api/v1/me/password "{\"old_password\":\"$OTP\",\"new_password\":\"Bench-Admin-Pass-1\"}" | jq -r .token)
ORG=91330106MA2B3C4D5E
api POST /api/v1/orgs "{\"name\":\"示例科技有限公司\",\"credit_code\":\"$ORG\",\"region_code\":\"330106\"}" > /dev/null
PW=Bench-User-Pass-1
for u in applicant reviewer business_admin seal_keeper; do
  api POST /api/v1/users "{\"name\":\"b-$u\",\"password\":\"$PW\",\"role\":\"$u\",\"org\":\"$ORG\"}" > /dev/null
done
login b-applicant "$PW"
APP=$(api POST /api/v1/seal-applications '{"kind":"new","name":"示例科技有限公司合同专用章","type":"contract",
  "picture":{"shape":"round","org":"示例科技有限公司","title":"合同专用章"}}' | jq -r .id)
login b-reviewer "$PW"
api POST "/api/v1/seal-applications/$APP/approve" '{"reason":"bench"}' > /dev/null
login b-business_admin "$PW"
ESID=$(api POST "/api/v1/seal-applications/$APP/make" '{"key_mode":"server"}' | jq -r .esid)
login b-seal_keeper "$PW"
api POST "/api/v1/seals/$ESID/sign-policy" '{"auto_approve":true}' > /dev/null
login b-applicant "$PW"
APPLICANT=$TOKEN

# a 1-page PDF with one line of text
python3 - "$T/one.pdf" <<'PY'
import sys
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
text = b"BT /F1 14 Tf 72 760 Td (Contract page 1) Tj ET\n"
objs.append(b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream")
out = bytearray(b"%PDF-1.7\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out)); out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(objs) + 1)
for o in offs: out += b"%010d 00000 n\r\n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(sys.argv[1], "wb").write(out)
PY
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
echo "uses counted by the service: $(login b-business_admin "$PW"; api GET "/api/v1/seals/$ESID" | jq -r .uses_count)"
echo "raw SM2 on this machine (one core):"
"$E" speed sm2 --seconds 2 | grep -E "^sm2 (sign|verify)/s"
