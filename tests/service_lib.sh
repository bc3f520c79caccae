# service_lib.sh - shared pieces of the shell tests and benchmarks that drive
# a real `eseal serve` over HTTP: start and stop it, call the API with a
# session, bootstrap the admin, an organisation and its people, make a seal
# with a server-held key. Sourced, never run; the caller sets E (the eseal
# binary) and T (its scratch directory) first, and calls svc_cleanup on
# exit. ESEAL_TEST_DB=pg runs the service on PostgreSQL (tests/lib_pg.sh).

ORG=${ORG:-91330106MA2B3C4D5E}
ORG_NAME=${ORG_NAME:-示例科技有限公司}

# svc_test NAME TOOL...: the frame of a service test: skips (77) when a
# tool is missing, makes the scratch directory T, stops the service and
# drops its database on exit, and counts checks (ok, bad, check; the last
# answer is shown with a failure).
svc_test() {
  local name=$1 t
  shift
  for t in "$@"; do
    command -v "$t" > /dev/null || { echo "$name: $t missing; skipping"; echo "0 passed, 0 failed"; exit 77; }
  done
  T=$(mktemp -d "${TMPDIR:-/tmp}/eseal-$name.XXXXXX")
  PID=""
  trap 'svc_stop; svc_cleanup; rm -rf "$T"' EXIT
  pass=0 fail=0
}
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -s "$T/out" ] && echo "  last answer: $(head -c 300 "$T/out")"; return 0; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# svc_port: a free loopback port in PORT and URL
svc_port() {
  PORT=$((20000 + RANDOM % 20000))
  while (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; do PORT=$((PORT + 1)); done
  URL=http://127.0.0.1:$PORT
}

. "$(dirname "${BASH_SOURCE[0]}")/lib_pg.sh"

# svc_start [EXTRA ARGS]: starts the service on $PORT with data in $T/data
# and its database in DBURL (the same ones on a restart: SQLite, or a fresh
# PostgreSQL schema with ESEAL_TEST_DB=pg) and waits until it answers; PID
# is set.
svc_start() {
  local db=()
  [ -n "${DBURL:-}" ] || svc_db DBURL "$T/data" || return 1
  svc_db_args db "$DBURL"
  [ -n "${PORT:-}" ] || svc_port
  ${ESEAL_WRAP:-} "$E" serve --data "$T/data" --listen "127.0.0.1:$PORT" --no-console "${db[@]}" "$@" \
    >> "$T/serve.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 200); do
    curl -sf "$URL/healthz" > /dev/null 2>&1 && return 0
    kill -0 "$PID" 2> /dev/null || break
    sleep 0.1
  done
  echo "eseal serve did not come up:" >&2
  tail -20 "$T/serve.log" >&2
  return 1
}

svc_stop() {
  [ -n "${PID:-}" ] && kill "$PID" 2> /dev/null && wait "$PID" 2> /dev/null
  PID=
}

# call METHOD PATH [BODY-FILE]: body in $T/out, status code on stdout
call() {
  curl -s -o "$T/out" -w '%{http_code}' -X "$1" ${TOKEN:+-H "Authorization: Bearer $TOKEN"} \
    -H 'Content-Type: application/json' ${3:+--data-binary "@$3"} "$URL$2"
}
api() { # as call, but the answer must be 2xx; prints the body
  local code
  code=$(call "$@")
  [ "${code:0:1}" = 2 ] || { echo "  $1 $2 answered $code: $(head -c 400 "$T/out")" >&2; return 1; }
  cat "$T/out"
}
body() { printf '%s' "$1" > "$T/body"; echo "$T/body"; }
declare -A TOKENS # one session per user: logins are slow on purpose (scrypt)
login() {
  if [ -z "${TOKENS[$1]:-}" ]; then
    TOKEN=
    TOKENS[$1]=$(api POST /api/v1/login "$(body "{\"name\":\"$1\",\"password\":\"$2\"}")" | jq -r .token)
  fi
  TOKEN=${TOKENS[$1]}
}

# svc_bootstrap PREFIX: the admin takes over with the one-time password,
# creates $ORG and one user PREFIX-ROLE per role with password $PW
svc_bootstrap() {
  local otp apw u
  for _ in $(seq 1 50); do grep -q 'one-time password' "$T/serve.log" && break; sleep 0.1; done
  otp=$(sed -n 's/^user admin created; one-time password.*: \([A-Za-z0-9]*\)$/\1/p' "$T/serve.log")
  apw=Test-$(openssl rand -hex 8)
  login admin "$otp" || return 1
  TOKEN=$(api POST /api/v1/me/password "$(body "{\"old_password\":\"$otp\",\"new_password\":\"$apw\"}")" | jq -r .token)
  TOKENS[admin]=$TOKEN
  api POST /api/v1/orgs "$(body "{\"name\":\"$ORG_NAME\",\"credit_code\":\"$ORG\",\"region_code\":\"330106\"}")" \
    > /dev/null || return 1
  PW=Test-user-$(openssl rand -hex 6)
  for u in applicant reviewer business_admin seal_keeper; do
    api POST /api/v1/users "$(body "{\"name\":\"$1-$u\",\"password\":\"$PW\",\"role\":\"$u\",\"org\":\"$ORG\"}")" \
      > /dev/null || return 1
  done
}

# svc_make_seal PREFIX [APPLICATION-EXTRA-JSON]: 申领 → 审核 → 制章 with a
# server-held key; ESID is set
svc_make_seal() {
  local app
  login "$1-applicant" "$PW"
  app=$(api POST /api/v1/seal-applications "$(body "{\"kind\":\"new\",\"name\":\"${ORG_NAME}合同专用章\",
    \"type\":\"contract\"${2:+,$2},\"picture\":{\"shape\":\"round\",\"org\":\"$ORG_NAME\",\"title\":\"合同专用章\"}}")" |
    jq -r .id) || return 1
  login "$1-reviewer" "$PW"
  api POST "/api/v1/seal-applications/$app/approve" "$(body '{"reason":"ok"}')" > /dev/null || return 1
  login "$1-business_admin" "$PW"
  ESID=$(api POST "/api/v1/seal-applications/$app/make" "$(body '{"key_mode":"server"}')" | jq -r .esid)
  [ -n "$ESID" ] && [ "$ESID" != null ]
}

# one_page_pdf FILE: a 1-page PDF with one line of text
one_page_pdf() {
  python3 - "$1" << 'PY'
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
}
