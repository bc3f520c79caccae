#!/usr/bin/env bash
# test_render_cli.sh - `eseal render` end to end: PNG size for the page and
# dpi (checked with the file's own header), --json facts, our own signed
# OFD, bad input (one clear line, non-zero exit, no output file); then
# POST /api/v1/render on a real `eseal serve` (PNG and the X-Page-* headers,
# 400/422 problems). Every server started here is killed on exit.
set -u
E=${ESEAL_BIN:?}
S=${ESEAL_SHARED:-}
[ -n "$S" ] && [ -d "$S/fixtures/ofd" ] || { echo "no ../shared/fixtures; skipping"; exit 77; }
for t in jq xxd base64; do
  command -v $t >/dev/null || { echo "$t not installed; skipping"; exit 77; }
done
T=$(mktemp -d /tmp/eseal-render-cli-XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
F=$S/fixtures/ofd
pass=0 fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
ko() { fail=$((fail+1)); echo "FAIL $1"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected '$2', got '$3'"; fi; }
run() {
  local want=$1 name=$2; shift 2
  "$@" > "$T/out" 2> "$T/err"; local rc=$?
  if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else ko "$name: exit $rc, expected $want; stderr: $(head -3 "$T/err")"; fi
}
one_line() {
  local n; n=$(wc -l < "$T/err")
  if [ "$n" = 1 ] && grep -q '^eseal ' "$T/err"; then ok "$1: one clear line"; else ko "$1: stderr was: $(cat "$T/err")"; fi
}
# width and height from a PNG's IHDR
png_size() { xxd -s 16 -l 8 -p "$1" | { read -r h; echo "$((16#${h:0:8}))x$((16#${h:8:8}))"; }; }

# --- pictures of the fixtures ---------------------------------------------------
run 0 "render Page5.ofd page 3" "$E" render "$F/Page5.ofd" --page 3 --dpi 50 -o "$T/p3.png"
check "PNG signature" "89504e470d0a1a0a" "$(xxd -l 8 -p "$T/p3.png")"
check "A4 at 50 dpi" "413x585" "$(png_size "$T/p3.png")"
run 0 "render v4signed.ofd --json" "$E" render "$F/v4signed.ofd" --dpi 200 -o "$T/inv.png" --json
check "json facts" "1 210 140 1654 1102" "$(jq -r '"\(.pages) \(.width_mm) \(.height_mm) \(.width_px) \(.height_px)"' "$T/out")"
check "invoice PNG size" "1654x1102" "$(png_size "$T/inv.png")"
run 0 "--json without -o only reports" "$E" render "$F/V4RideRight.ofd" --page 5 --json
check "page count" "5 5" "$(jq -r '"\(.pages) \(.page)"' "$T/out")"
run 0 "-o - writes to standard output" "$E" render "$F/helloworld.ofd" --dpi 30 -o -
check "stdout is a PNG" "248x351" "$(png_size "$T/out")"

# --- our own signed document ------------------------------------------------------
"$E" demo --out "$T/demo" >/dev/null 2>&1 || ko "eseal demo"
run 0 "render our signed OFD" "$E" render "$T/demo/signed.ofd" --dpi 72 -o "$T/demo.png"
check "demo page size" "595x842" "$(png_size "$T/demo.png")"

# --- bad input: one line, non-zero exit, no file ------------------------------------
run 4 "page past the end" "$E" render "$F/helloworld.ofd" --page 2 -o "$T/bad.png"
one_line "page past the end"
grep -q "page 2 does not exist" "$T/err" && ok "says which page" || ko "message: $(cat "$T/err")"
run 4 "dpi too high" "$E" render "$F/helloworld.ofd" --dpi 601 -o "$T/bad.png"
one_line "dpi too high"
run 3 "dpi not a number" "$E" render "$F/helloworld.ofd" --dpi many -o "$T/bad.png"
run 3 "page 0" "$E" render "$F/helloworld.ofd" --page 0 -o "$T/bad.png"
printf 'hello, not a zip\n' > "$T/not.ofd"
run 4 "not an OFD" "$E" render "$T/not.ofd" -o "$T/bad.png"
one_line "not an OFD"
run 4 "a PDF" "$E" render "$T/demo/sample.pdf" -o "$T/bad.png"
one_line "a PDF"
grep -q "PDF" "$T/err" && ok "says it is a PDF" || ko "message: $(cat "$T/err")"
run 3 "no output named" "$E" render "$F/helloworld.ofd"
[ ! -e "$T/bad.png" ] && ok "no partial output" || ko "a file was written on error"

# --- the service route ----------------------------------------------------------------
if command -v curl >/dev/null && openssl mac -help >/dev/null 2>&1; then
  cd "$T" || exit 1
  unset ESEAL_PASS
  "$E" serve --data data --listen 127.0.0.1:0 >srv.out 2>srv.err &
  PID=$!
  URL=
  for _ in $(seq 1 100); do
    URL=$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' srv.out)
    [ -n "$URL" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  PW=$(sed -n 's/^user admin created; one-time password.*: \([A-Za-z0-9]*\)$/\1/p' srv.out)
  curl -s -o login.json -H 'Content-Type: application/json' -d "{\"name\":\"admin\",\"password\":\"$PW\"}" "${URL}api/v1/login"
  TOKEN=$(jq -r .token login.json)
  curl -s -o pw.json -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"old_password\":\"$PW\",\"new_password\":\"Brand-New-Pass-42\"}" "${URL}api/v1/me/password"
  TOKEN=$(jq -r .token pw.json)
  curl -s -o key.json -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"console","org":"91330000"}' "${URL}api/v1/api-keys"
  KEY=$(jq -r .id key.json) SECRET=$(jq -r .secret key.json)
  signed() { # METHOD PATH BODYFILE
    local ts nonce bh sig
    ts=$(date +%s) nonce=$(openssl rand -hex 16)
    bh=$(openssl dgst -sm3 -r < "$3" | cut -d' ' -f1)
    sig=$(printf '%s\n%s\n%s\n%s\n%s' "$1" "$2" "$bh" "$ts" "$nonce" |
          openssl mac -digest SM3 -macopt hexkey:"$SECRET" HMAC | tr A-F a-f)
    echo "Authorization: ESEAL-HMAC-SM3 key=$KEY, ts=$ts, nonce=$nonce, sig=$sig"
  }
  post() { # BODYFILE OUT -> prints the status
    curl -s -D hdr.txt -o "$2" -w '%{http_code}' -H "$(signed POST /api/v1/render "$1")" \
      -H 'Content-Type: application/json' --data-binary @"$1" "${URL}api/v1/render"
  }
  printf '{"document":"%s","page":2,"dpi":40}' "$(base64 -w0 "$F/keyword2-unsigned-2pages.ofd")" > req.json
  check "render route answers 200" 200 "$(post req.json page.png)"
  check "route PNG size" "331x468" "$(png_size page.png)"
  check "content type" "image/png" "$(sed -n 's/^Content-Type: \([^\r]*\).*/\1/Ip' hdr.txt)"
  check "X-Page-Count" "2" "$(sed -n 's/^X-Page-Count: \([^\r]*\).*/\1/Ip' hdr.txt)"
  check "X-Page-Width-Mm" "210.00" "$(sed -n 's/^X-Page-Width-Mm: \([^\r]*\).*/\1/Ip' hdr.txt)"
  check "X-Page-Height-Mm" "297.00" "$(sed -n 's/^X-Page-Height-Mm: \([^\r]*\).*/\1/Ip' hdr.txt)"
  printf '{"document":"%s","page":3}' "$(base64 -w0 "$F/keyword2-unsigned-2pages.ofd")" > req.json
  check "missing page is 422" 422 "$(post req.json p.json)"
  check "problem names the page" "true" "$(jq '.detail | test("page 3")' p.json)"
  printf '{"document":"%s","dpi":2000}' "$(base64 -w0 "$F/helloworld.ofd")" > req.json
  check "dpi over 600 is 400" 400 "$(post req.json p.json)"
  printf '{"document":"%s"}' "$(printf 'not an ofd' | base64 -w0)" > req.json
  check "not an OFD is 400" 400 "$(post req.json p.json)"
  check "problem+json" "true" "$(jq 'has("type") and has("detail")' p.json)"
  printf '{"document":"%s"}' "$(printf 'PK\003\004 broken zip' | base64 -w0)" > req.json
  check "broken package is 422" 422 "$(post req.json p.json)"
  kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=
else
  echo "curl or openssl mac missing: service part skipped"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
