#!/usr/bin/env bash
# bench_ofd.sh - OFD signing and verification speed and peak memory, next to
# `openssl dgst -sm3` over the same bytes in the same run.
#   bench/bench_ofd.sh ESEAL_BIN [WORKDIR] [BIG_MB]
# Builds (1) a 100-page text OFD and (2) an OFD of about BIG_MB MB (default
# 200) of incompressible stored images, signs and verifies each, and prints
# wall time and peak RSS (GNU time: apt-get install time).
set -eu
E=${1:?usage: bench_ofd.sh ESEAL_BIN [WORKDIR] [BIG_MB]}
W=${2:-$(mktemp -d)}
BIG=${3:-200}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)"; exit 1; }
mkdir -p "$W"
rm -rf "$W/demo"
"$E" demo --out "$W/demo" > /dev/null
D=$W/demo

# make_ofd DIR NPAGES NIMAGES IMAGE_MB: a minimal valid OFD tree in DIR
make_ofd() {
  local dir=$1 np=$2 ni=$3 mb=$4
  rm -rf "$dir"; mkdir -p "$dir/Doc_0/Pages" "$dir/Doc_0/Res"
  cat > "$dir/OFD.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>bench</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>
EOF
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:MaxUnitID>9</ofd:MaxUnitID></ofd:CommonData><ofd:Pages>'
    for i in $(seq 0 $((np - 1))); do
      echo "<ofd:Page ID=\"$((i + 1))\" BaseLoc=\"Pages/Page_$i/Content.xml\"/>"
    done
    echo '</ofd:Pages></ofd:Document>'
  } > "$dir/Doc_0/Document.xml"
  for i in $(seq 0 $((np - 1))); do
    mkdir -p "$dir/Doc_0/Pages/Page_$i"
    {
      echo '<?xml version="1.0" encoding="UTF-8"?>'
      echo '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2">'
      for l in $(seq 1 40); do
        echo "<ofd:TextObject ID=\"$((l + 2))\" Boundary=\"20 $((l * 6)) 170 6\" Font=\"1\" Size=\"4\"><ofd:TextCode X=\"0\" Y=\"4\">Page $i line $l of the benchmark document</ofd:TextCode></ofd:TextObject>"
      done
      echo '</ofd:Layer></ofd:Content></ofd:Page>'
    } > "$dir/Doc_0/Pages/Page_$i/Content.xml"
  done
  for i in $(seq 1 "$ni"); do
    head -c $((mb * 1024 * 1024)) /dev/urandom > "$dir/Doc_0/Res/image_$i.png"
  done
}

pack() { # pack DIR OUT: XML deflated, images stored (as producers do)
  (cd "$1" && rm -f "$2" && zip -q -r -X "$2" . -x 'Doc_0/Res/*' && { [ -z "$(ls Doc_0/Res)" ] || zip -q -0 -r -X "$2" Doc_0/Res; })
}

measure() { # measure LABEL CMD...: prints wall seconds and peak RSS
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/time" "$@" > /dev/null 2>&1 || true
  read -r secs kb < "$W/time"
  printf "  %-34s %7.2f s  %8d KB peak\n" "$label" "$secs" "$kb"
}

bench() { # bench NAME DIR
  local name=$1 dir=$2 ofd=$W/$1.ofd
  pack "$dir" "$ofd"
  local bytes; bytes=$(find "$dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
  echo "$name: $(stat -c %s "$ofd") bytes packed, $bytes bytes of content, $(find "$dir" -type f | wc -l) files"
  measure "openssl dgst -sm3 (every file)" find "$dir" -type f -exec openssl dgst -sm3 {} +
  measure "eseal sign --at 1:100:100" "$E" sign "$ofd" --seal "$D/seal.esl" --key "$D/signer.key" \
    --cert "$D/signer.pem" --pass-file "$D/passphrase" -o "$W/$name-signed.ofd" --at 1:100:100
  measure "eseal verify --trust" "$E" verify "$W/$name-signed.ofd" --trust "$D/ca.pem"
  "$E" verify "$W/$name-signed.ofd" --trust "$D/ca.pem" > /dev/null 2>&1 && echo "  verified: TOTAL-PASSED" \
    || echo "  verification did not pass"
}

make_ofd "$W/p100" 100 0 0
bench pages100 "$W/p100"
make_ofd "$W/big" 2 $((BIG / 10)) 10
bench big "$W/big"
measure "key load alone (scrypt), for scale" "$E" key show "$D/signer.key" --pass-file "$D/passphrase"
