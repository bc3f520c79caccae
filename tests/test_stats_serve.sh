#!/usr/bin/env bash
# The console's data routes over HTTP against a real `eseal serve`: a
# scanned seal lifted into a picture (POST
# /api/v1/seal-applications/picture-import), an application with two
# materials whose SM3 digests and downloads match the files, the picture
# applied for and the made seal's picture, organisation scoping (another
# organisation gets 404 and counts nothing), and GET /api/v1/stats before
# and after a signing and a loss report, for the organisation and for the
# system administrator (who may see statistics: tests/test_server.c's
# matrix). ESEAL_TEST_DB=pg runs the service on PostgreSQL
# (tests/test_service_pg.sh).
set -u
E=${ESEAL_BIN:?ESEAL_BIN}
. "${ESEAL_SRC:-$(dirname "$0")/..}/tests/service_lib.sh"
svc_test test_stats_serve curl jq openssl python3
sm3() { openssl dgst -sm3 -r "$1" | cut -d' ' -f1; }

# scan.png: tinted paper, grey print and a red ring with a star; blank.png: paper only
python3 - "$T" << 'PY'
import math, struct, sys, zlib
def png(path, w, h, px):
    rows = []
    for y in range(h):
        row = bytearray(b"\0")
        for x in range(w):
            row += bytes(px(x, y))
        rows.append(bytes(row))
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                           chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
def scan(x, y):
    d = math.hypot(x - 160, y - 160)
    a = math.atan2(y - 160, x - 160)
    star = d < 40 * (0.5 + 0.5 * abs(math.cos(2.5 * (a + math.pi / 2))))
    if 112 <= d <= 124 or star:
        return (212, 30, 38)
    if y % 24 < 6 and 20 < x < 300 and (y // 24) % 2 == 0:
        return (40, 40, 40)
    return (244, 240, 230)
png(sys.argv[1] + "/scan.png", 320, 320, scan)
png(sys.argv[1] + "/blank.png", 64, 64, lambda x, y: (244, 240, 230))
PY

one_page_pdf "$T/licence.pdf"
svc_start --threads 2 || { echo "0 passed, 1 failed"; exit 1; }
svc_bootstrap t || { echo "0 passed, 1 failed"; exit 1; }
login admin
OTHER=91110108MA01AB2C3D
api POST /api/v1/orgs "$(body "{\"name\":\"其他单位\",\"credit_code\":\"$OTHER\",\"region_code\":\"110108\"}")" > /dev/null
api POST /api/v1/users "$(body "{\"name\":\"o-business_admin\",\"password\":\"$PW\",\"role\":\"business_admin\",\"org\":\"$OTHER\"}")" > /dev/null

# upload FILE TYPE [QUERY]: the scan as the raw body
upload() {
  curl -s -o "$T/out" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: $2" \
    --data-binary "@$1" "$URL/api/v1/seal-applications/picture-import${3:-}"
}
stats() { # USER [QUERY]: the stats answer into $T/out
  login "$1" "$PW"
  call GET "/api/v1/stats${2:-}" > "$T/code"
}

# ---- the picture from a scan ----
login t-applicant "$PW"
code=$(upload "$T/scan.png" image/png '?size_mm=40')
check "scan imported (200)" test "$code" = 200
jq -r .png "$T/out" | base64 -d > "$T/picture.png"
"$E" picture info "$T/picture.png" > "$T/info.txt" 2>&1
check "imported picture is a PNG about 40 mm wide" grep -Eq '(39|40|41)\.[0-9]+ *(x|×) *[0-9.]+ *mm|width.*(39|40|41)\.[0-9]* *mm' "$T/info.txt"
check "ink found and the grey print dropped" test "$(jq -r .ink_pixels "$T/out")" -gt 1000
code=$(upload "$T/blank.png" image/png)
check "scan without red ink refused (422)" test "$code" = 422 -a "$(jq -r .type "$T/out")" = urn:eseal:problem:no-impression
code=$(upload "$T/licence.pdf" image/png)
check "not an image refused (400)" test "$code" = 400
code=$(upload "$T/scan.png" application/pdf)
check "wrong media type refused (415)" test "$code" = 415
code=$(upload "$T/scan.png" image/png '?size_mm=500')
check "absurd size refused (400)" test "$code" = 400
login t-business_admin "$PW"
code=$(upload "$T/scan.png" image/png)
check "business admin may not import (403)" test "$code" = 403

# ---- an application with materials and the imported picture ----
login t-applicant "$PW"
printf '{"kind":"new","name":"合同专用章","type":"contract","picture_png":"%s","materials":[{"name":"营业执照.pdf","data":"%s"},{"name":"授权书.png","data":"%s"}]}' \
  "$(base64 -w0 "$T/picture.png")" "$(base64 -w0 "$T/licence.pdf")" "$(base64 -w0 "$T/scan.png")" > "$T/app.json"
code=$(call POST /api/v1/seal-applications "$T/app.json")
APP=$(jq -r .id "$T/out")
check "application with two materials (201)" test "$code" = 201 -a "$(jq '.materials | length' "$T/out")" = 2
check "material SM3 digests match the files" test "$(jq -r '.materials[0].sm3' "$T/out")" = "$(sm3 "$T/licence.pdf")" \
  -a "$(jq -r '.materials[1].sm3' "$T/out")" = "$(sm3 "$T/scan.png")"
M1=$(jq -r '.materials[0].id' "$T/out")
M2=$(jq -r '.materials[1].id' "$T/out")
login t-reviewer "$PW"
curl -s -D "$T/hdr" -o "$T/m1" -H "Authorization: Bearer $TOKEN" "$URL/api/v1/seal-applications/$APP/materials/$M1"
check "reviewer downloads material 1: same bytes" cmp -s "$T/m1" "$T/licence.pdf"
check "material sent as a PDF" grep -qi "^content-type: application/pdf" "$T/hdr"
check "material named in Content-Disposition (UTF-8)" grep -qi "^content-disposition: attachment;.*filename\*=UTF-8''%E8%90%A5" "$T/hdr"
check "material's SM3 in X-Eseal-SM3" grep -qi "^x-eseal-sm3: $(sm3 "$T/licence.pdf")" "$T/hdr"
curl -s -o "$T/m2" -H "Authorization: Bearer $TOKEN" "$URL/api/v1/seal-applications/$APP/materials/$M2"
check "material 2: same bytes" cmp -s "$T/m2" "$T/scan.png"
code=$(call GET "/api/v1/seal-applications/$((APP + 1))/materials/$M1")
check "material under another application: 404" test "$code" = 404
curl -s -o "$T/apppic.png" -H "Authorization: Bearer $TOKEN" "$URL/api/v1/seal-applications/$APP/picture"
check "the picture applied for is the imported one" cmp -s "$T/apppic.png" "$T/picture.png"
login o-business_admin "$PW"
code=$(call GET "/api/v1/seal-applications/$APP/materials/$M1")
check "another organisation: material 404" test "$code" = 404
code=$(call GET "/api/v1/seal-applications/$APP/picture")
check "another organisation: application picture 404" test "$code" = 404

# ---- make the seal: its picture ----
stats t-business_admin
check "stats before making: one submitted application, no seals" \
  test "$(jq -c '[.applications_by_state.submitted, .seals_by_status.valid]' "$T/out")" = '[1,0]'
login t-reviewer "$PW"
api POST "/api/v1/seal-applications/$APP/approve" "$(body '{"reason":"材料齐全"}')" > /dev/null
login t-business_admin "$PW"
ESID=$(api POST "/api/v1/seal-applications/$APP/make" "$(body '{"key_mode":"server"}')" | jq -r .esid)
curl -s -D "$T/hdr" -o "$T/sealpic" -H "Authorization: Bearer $TOKEN" "$URL/api/v1/seals/$ESID/picture"
check "seal picture served as PNG" grep -qi '^content-type: image/png' "$T/hdr"
check "seal picture is the picture applied for" cmp -s "$T/sealpic" "$T/picture.png"
login o-business_admin "$PW"
code=$(call GET "/api/v1/seals/$ESID/picture")
check "another organisation: seal picture 404" test "$code" = 404
code=$(call GET "/api/v1/seals/99999999999999/picture")
check "unknown seal: picture 404" test "$code" = 404

# ---- statistics ----
stats t-business_admin
check "stats: one valid seal, one made application" \
  test "$(jq -c '[.seals_by_status.valid, .seals_by_status.lost, .applications_by_state.made]' "$T/out")" = '[1,0,1]'
check "stats: 30 days ending today, no signings" \
  test "$(jq -c '[(.signings_per_day | length), ([.signings_per_day[].count] | add), (.signings_per_org | length)]' "$T/out")" = '[30,0,0]'
check "stats: days in order, the last is today" \
  test "$(jq -r '.signings_per_day[-1].day' "$T/out")" = "$(date +%F)"
login t-seal_keeper "$PW"
api POST "/api/v1/seals/$ESID/sign-policy" "$(body '{"auto_approve":true}')" > /dev/null
login t-applicant "$PW"
for d in 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0 1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b; do
  api POST /api/v1/sign-hash "$(body "{\"esid\":\"$ESID\",\"sm3\":\"$d\"}")" > /dev/null || bad "sign-hash"
done
stats t-reviewer
check "stats: two signings today" test "$(jq '.signings_per_day[-1].count' "$T/out")" = 2
check "stats: two signings of the organisation" \
  test "$(jq -c '.signings_per_org' "$T/out")" = "[{\"org\":\"$ORG\",\"name\":\"$ORG_NAME\",\"count\":2}]"
login t-seal_keeper "$PW"
api POST "/api/v1/seals/$ESID/report-loss" "$(body '{"reason":"遗失"}')" > /dev/null
stats t-applicant
check "stats after the loss report: lost 1, valid 0" \
  test "$(jq -c '[.seals_by_status.valid, .seals_by_status.lost]' "$T/out")" = '[0,1]'
stats o-business_admin
check "another organisation counts nothing of this one" \
  test "$(jq -c '[.org, .seals_by_status.lost, ([.signings_per_day[].count] | add), (.signings_per_org | length), (.applications_by_state | length)]' "$T/out")" = "[\"$OTHER\",0,0,0,0]"
stats admin
check "system admin: every organisation" \
  test "$(jq -c '[.org, .seals_by_status.lost, .signings_per_org[0].org]' "$T/out")" = "[null,1,\"$ORG\"]"
stats admin "?org=$OTHER"
check "system admin: one organisation with ?org=" test "$(jq -c '[.org, .seals_by_status.lost]' "$T/out")" = "[\"$OTHER\",0]"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
