#!/usr/bin/env bash
# The service half of the demo: starts `eseal serve` on the embedded SQLite
# store in demo/service, registers a demo organisation and its people, runs
# one seal through 申领 → 审核 → 制章 over the JSON API, then stamps the
# sample OFD and PDF with that seal and verifies them against the service's
# CA and its live status answers. The service keeps running; its URL, PID and
# the admin's password are printed at the end.
#   scripts/demo_service.sh ESEAL_BIN DEMO_DIR [PORT]
set -euo pipefail
E=$(realpath "$1")
D=$(realpath "$2")
PORT=${3:-8080}
S=$D/service
mkdir -p "$S"

while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
URL=http://127.0.0.1:$PORT
nohup "$E" serve --data "$S/data" --listen "127.0.0.1:$PORT" > "$S/serve.log" 2>&1 &
echo $! > "$S/serve.pid"
for _ in $(seq 1 100); do
  curl -sf "$URL/healthz" > /dev/null 2>&1 && break
  kill -0 "$(cat "$S/serve.pid")" 2>/dev/null || { cat "$S/serve.log"; exit 1; }
  sleep 0.1
done

# api METHOD PATH [BODY]: one JSON call as $TOKEN; fails on any non-2xx
api() {
  local out code
  out=$(mktemp)
  code=$(curl -s -o "$out" -w '%{http_code}' -X "$1" ${TOKEN:+-H "Authorization: Bearer $TOKEN"} \
         -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$URL$2")
  if [ "${code:0:1}" != 2 ]; then
    echo "demo: $1 $2 answered $code: $(cat "$out")" >&2
    rm -f "$out"; return 1
  fi
  cat "$out"; rm -f "$out"
}
login() { TOKEN=; TOKEN=$(api POST /api/v1/login "{\"name\":\"$1\",\"password\":\"$2\"}" | jq -r .token); }

for _ in $(seq 1 50); do grep -q 'one-time password' "$S/serve.log" && break; sleep 0.1; done
OTP=$(sed -n 's/^user admin created; one-time password.*: \([A-Za-z0-9]*\)$/\1/p' "$S/serve.log")
ADMIN_PW=Demo-$(openssl rand -hex 8)
login admin "$OTP"
TOKEN=$(api POST /api/v1/me/password "{\"old_password\":\"$OTP\",\"new_password\":\"$ADMIN_PW\"}" | jq -r .token)
( umask 077; echo "$ADMIN_PW" > "$S/admin-password" )

ORG=91330106MA2B3C4D5E
api POST /api/v1/orgs "{\"name\":\"示例科技有限公司\",\"credit_code\":\"$ORG\",\"region_code\":\"330106\"}" > /dev/null
PW=Demo-user-$(openssl rand -hex 6)
for u in applicant reviewer business_admin seal_keeper; do
  api POST /api/v1/users "{\"name\":\"demo-$u\",\"password\":\"$PW\",\"role\":\"$u\",\"org\":\"$ORG\"}" > /dev/null
done
( umask 077; echo "$PW" > "$S/users-password" )

# 申领: a contract seal whose picture the service draws
login demo-applicant "$PW"
APP=$(api POST /api/v1/seal-applications '{"kind":"new","name":"示例科技有限公司合同专用章","type":"contract",
  "validity_days":365,"picture":{"shape":"round","org":"示例科技有限公司","title":"合同专用章"},
  "note":"demo"}' | jq -r .id)
# 审核 by another person, 制章 by the business admin: the key comes back once,
# encrypted, in a seal package
login demo-reviewer "$PW"
api POST "/api/v1/seal-applications/$APP/approve" '{"reason":"materials complete"}' > /dev/null
login demo-business_admin "$PW"
KEYPASS=$(cat "$D/passphrase")
api POST "/api/v1/seal-applications/$APP/make" "{\"key_mode\":\"package\",\"passphrase\":\"$KEYPASS\"}" > "$S/made.json"
ESID=$(jq -r .esid "$S/made.json")
jq -r .package "$S/made.json" > "$S/seal-package.pem"
chmod 600 "$S/seal-package.pem"
rm -f "$S/made.json"
curl -sf -H "Authorization: Bearer $TOKEN" -o "$S/seal.esl" "$URL/api/v1/seals/$ESID/seal.esl"
echo "service: seal $ESID made through 申领 → 审核 → 制章 ($S/seal.esl, key in $S/seal-package.pem)"

# 签章 on the holder's side with the seal package (分散式用章: each use goes
# into a journal), 验章 with the service's CA and live status answers
CA=$S/data/ca/ca.pem
rm -f "$S/uses.jsonl"
for f in ofd pdf; do
  "$E" sign "$D/sample.$f" --package "$S/seal-package.pem" --pass-file "$D/passphrase" \
    --journal "$S/uses.jsonl" --keyword 示例科技有限公司 --occurrence 1 -o "$S/signed.$f" > /dev/null
  "$E" verify "$S/signed.$f" --trust "$CA" --status "$URL" > "$S/verify-$f.txt"
  echo "service: $S/signed.$f verified: $(grep -o 'TOTAL-PASSED' "$S/verify-$f.txt" | head -1)"
done
# the holder reports the uses; the service checks each signature and counts it
"$E" report-use --server "$URL" --user demo-applicant --pass-file "$S/users-password" --journal "$S/uses.jsonl" \
  | sed 's/^/service: /'

echo
echo "eseal serve is running at $URL (PID $(cat "$S/serve.pid"); stop it with: kill \$(cat $S/serve.pid))"
echo "  web console: $URL/   admin password: $S/admin-password"
echo "  demo users demo-applicant, demo-reviewer, demo-business_admin, demo-seal_keeper: $S/users-password"
