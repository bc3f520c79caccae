#!/usr/bin/env bash
# bench_pdf_sign.sh - PDF signing speed and peak memory, next to
# `openssl dgst -sm3` over the same file in the same run.
#   bench/bench_pdf_sign.sh ESEAL_BIN [WORKDIR] [BIG_MB]
# Builds (1) a 1000-page text PDF and (2) a PDF of about BIG_MB MB (default
# 200) of incompressible image streams, signs each (SM2 CMS, a seal on
# page 1 and a cross-page seal) and prints wall time and peak RSS (GNU
# time: apt-get install time). Goal: within 1.5x of the hash time, memory
# independent of the file size.
set -eu
E=${1:?usage: bench_pdf_sign.sh ESEAL_BIN [WORKDIR] [BIG_MB]}
W=${2:-$(mktemp -d)}
BIG=${3:-200}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)"; exit 1; }
command -v python3 >/dev/null || { echo "needs python3 to generate the PDFs"; exit 1; }
mkdir -p "$W"
rm -rf "$W/demo"
"$E" demo --out "$W/demo" > /dev/null
D=$W/demo

# gen_pdf OUT NPAGES IMAGE_MB: NPAGES pages of text; IMAGE_MB of random
# (incompressible) image data spread over the pages as image XObjects.
gen_pdf() {
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
out, npages, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
f = open(out, "wb")
off = {}
def obj(n, body, stream=None):
    off[n] = f.tell()
    f.write(b"%d 0 obj\n" % n + body)
    if stream is not None:
        f.write(b"\nstream\n"); f.write(stream); f.write(b"\nendstream")
    f.write(b"\nendobj\n")
f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
per_img = (mb << 20) // npages if mb else 0
side = int((per_img // 3) ** 0.5) if per_img else 0
nobj = 3 + npages * (3 if side else 2)
obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
step = 3 if side else 2
kids = b" ".join(b"%d 0 R" % (4 + i * step) for i in range(npages))
obj(2, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (npages, kids))
obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
for i in range(npages):
    p = 4 + i * step
    text = b"BT /F1 14 Tf 72 760 Td (Bench page %d of %d) Tj ET\n" % (i + 1, npages)
    res = b"/Font << /F1 3 0 R >>"
    if side:
        res += b" /XObject << /Im0 %d 0 R >>" % (p + 2)
        text += b"q 400 0 0 400 100 200 cm /Im0 Do Q\n"
    obj(p, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << %s >> /Contents %d 0 R >>" % (res, p + 1))
    obj(p + 1, b"<< /Length %d >>" % len(text), text)
    if side:
        data = os.urandom(side * side * 3)
        obj(p + 2, b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %d >>" % (side, side, len(data)), data)
x = f.tell()
f.write(b"xref\n0 %d\n0000000000 65535 f\r\n" % (nobj + 1))
for n in range(1, nobj + 1):
    f.write(b"%010d 00000 n\r\n" % off[n])
f.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (nobj + 1, x))
PY
}

# measure NAME CMD...: wall seconds and peak RSS (MB) of CMD
# (PEER=1: a peer tool whose exit code is not trusted; its output is checked)
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/time" "$@" > /dev/null 2> "$W/err" || [ "${PEER:-0}" = 1 ] || { cat "$W/err"; exit 1; }
  read -r secs kb < <(tail -1 "$W/time")
  printf "  %-28s %7.2f s  %7.1f MB peak\n" "$name" "$secs" "$(echo "$kb / 1024" | bc -l)"
  LAST=$secs
}

# The peer: poppler's pdfsig signing with the demo's ECDSA P-256 signer from
# an NSS database (the same key eseal uses for --format pades).
NSS=""
if command -v pdfsig >/dev/null && command -v pk12util >/dev/null; then
  NSS=$W/nss
  rm -rf "$NSS"; mkdir -p "$NSS"
  openssl pkey -in "$D/signer-ecdsa.key" -passin "file:$D/passphrase" -out "$W/ec.pem"
  openssl pkcs12 -export -inkey "$W/ec.pem" -in "$D/signer-ecdsa.pem" -certfile "$D/ca-ecdsa.pem" \
    -name bench -passout pass: -out "$W/ec.p12"
  certutil -N -d "sql:$NSS" --empty-password
  pk12util -i "$W/ec.p12" -d "sql:$NSS" -W "" > /dev/null
  rm -f "$W/ec.pem"
fi
EC="--seal $D/seal-ecdsa.esl --key $D/signer-ecdsa.key --cert $D/signer-ecdsa.pem --pass-file $D/passphrase --format pades"

P="--seal $D/seal.esl --key $D/signer.key --cert $D/signer.pem --pass-file $D/passphrase"
for spec in "1000-pages 1000 0" "big-${BIG}MB 20 $BIG"; do
  set -- $spec
  name=$1 pages=$2 mb=$3
  f=$W/$name.pdf
  gen_pdf "$f" "$pages" "$mb"
  sz=$(stat -c %s "$f")
  echo "$name.pdf: $pages pages, $((sz / 1048576)) MB ($sz bytes)"
  cat "$f" > /dev/null # same page-cache state for both
  measure "openssl dgst -sm3" openssl dgst -sm3 "$f"
  h=$LAST
  measure "eseal sign (--at)" "$E" sign "$f" $P -o "$W/$name-signed.pdf" --at 1:100:100
  s=$LAST
  printf "  ratio sign/hash: %.2f\n" "$(echo "$s / ($h + 0.001)" | bc -l)"
  measure "eseal verify" "$E" verify "$W/$name-signed.pdf" --trust "$D/ca.pem"
  printf "  ratio verify/hash: %.2f\n" "$(echo "$LAST / ($h + 0.001)" | bc -l)"
  measure "eseal sign (--perforation)" "$E" sign "$f" $P -o "$W/$name-perf.pdf" --perforation
  rm -f "$W/$name-perf.pdf"
  measure "eseal sign --format pades" "$E" sign "$f" $EC -o "$W/$name-pades.pdf" --at 1:100:100
  if [ -n "$NSS" ]; then
    PEER=1 measure "pdfsig -add-signature (peer)" pdfsig -add-signature -nssdir "sql:$NSS" -nick bench "$f" "$W/$name-peer.pdf"
    pdfsig -nssdir "sql:$NSS" "$W/$name-peer.pdf" 2>/dev/null | grep -q "Total document signed" \
      && echo "  pdfsig output: signed" || echo "  pdfsig output: NOT signed"
  fi
  rm -f "$W/$name-pades.pdf" "$W/$name-peer.pdf"
  qpdf --check "$W/$name-signed.pdf" > /dev/null 2>&1 && echo "  qpdf --check: ok" || echo "  qpdf --check: FAILED"
  rm -f "$W/$name-signed.pdf"
done
