#!/bin/bash
# test_tsa_cli.sh - `eseal tsa` end to end: query, reply, verify and show
# with an SM2 and an ECDSA P-256 TSA; interoperability with `openssl ts`
# (its requests answered by us and verified by it; its ECDSA tokens
# verified by us); refusals (other data, tampered token, non-TSA
# certificate); the service's POST /api/v1/tsa over HTTP; and a PDF
# signature time-stamped through it (eseal sign --tsa, eseal verify).
set -u
B=${ESEAL_BIN:?ESEAL_BIN not set}
T=$(mktemp -d /tmp/eseal-tsa-cli-XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
expect() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
fails() { local name=$1; shift; if "$@" >/dev/null 2>&1; then bad "$name"; else ok "$name"; fi; }
unset ESEAL_PASS

printf 'a contract to be time-stamped\n' > data.txt
printf 'another contract\n' > other.txt

# --- SM2 TSA ---
"$B" ca init --dir ca --insecure-plain >/dev/null
"$B" cert issue --ca ca --role tsa --org T --name "SM2 TSA" --out-cert tsa.pem --out-key tsa.key --insecure-plain >/dev/null
"$B" cert issue --ca ca --role seal --org T --name "not a TSA" --out-cert seal.pem --out-key seal.key --insecure-plain >/dev/null
expect "query (sm3)" "$B" tsa query --data data.txt -o req.tsq
expect "show request" sh -c "'$B' tsa show req.tsq --json | grep -q '\"hash\": \"sm3\"'"
expect "reply (SM2)" "$B" tsa reply --key tsa.key --cert tsa.pem --chain ca/ca.pem req.tsq -o resp.tsr
expect "serial counter file" [ "$(cat tsa.key.serial)" = 1 ]
expect "verify (SM2)" sh -c "'$B' tsa verify resp.tsr --data data.txt --trust ca/ca.pem --request req.tsq >/dev/null"
"$B" tsa verify resp.tsr --data data.txt --trust ca/ca.pem --json > v.json
expect "verify --json" grep -q '"gen_time"' v.json
"$B" tsa verify resp.tsr --data other.txt --trust ca/ca.pem >/dev/null 2>&1
expect "other data: exit 1" [ $? = 1 ]
"$B" tsa verify resp.tsr --data data.txt >/dev/null 2>&1
expect "no trust anchor: not 0" [ $? != 0 ]
# flip one byte near the end (the signature value)
cp resp.tsr bad.tsr
n=$(stat -c %s bad.tsr)
printf '\x00' | dd of=bad.tsr bs=1 seek=$((n - 3)) conv=notrunc 2>/dev/null
fails "tampered token refused" "$B" tsa verify bad.tsr --data data.txt --trust ca/ca.pem
expect "show response" sh -c "'$B' tsa show resp.tsr | grep -q 'GM/T 0010'"
expect "sha256 request to the SM2 TSA" sh -c "'$B' tsa query --data data.txt --hash sha256 -o r2.tsq &&
	'$B' tsa reply --key tsa.key --cert tsa.pem r2.tsq -o r2.tsr &&
	'$B' tsa verify r2.tsr --data data.txt --trust ca/ca.pem >/dev/null"
"$B" tsa query --data data.txt --no-cert -o nc.tsq && "$B" tsa reply --key tsa.key --cert tsa.pem nc.tsq -o nc.tsr
fails "token without certificate: refused alone" "$B" tsa verify nc.tsr --data data.txt --trust ca/ca.pem
expect "token without certificate: --tsa-cert" sh -c "'$B' tsa verify nc.tsr --data data.txt --trust ca/ca.pem --tsa-cert tsa.pem >/dev/null"
fails "token without certificate: wrong --tsa-cert" "$B" tsa verify nc.tsr --data data.txt --trust ca/ca.pem --tsa-cert seal.pem
fails "a seal certificate cannot be a TSA" "$B" tsa reply --key seal.key --cert seal.pem req.tsq -o x.tsr
expect "no output after refusal" [ ! -e x.tsr ]
printf 'junk' > junk.tsq
"$B" tsa reply --key tsa.key --cert tsa.pem junk.tsq -o junk.tsr 2>/dev/null
expect "junk request: rejection written, exit 4" [ $? = 4 -a -s junk.tsr ]
expect "rejection shows status 2" sh -c "'$B' tsa show junk.tsr --json | grep -q '\"status\": 2'"
fails "junk is no token" "$B" tsa verify junk.tsq --data data.txt --trust ca/ca.pem

# --- ECDSA P-256 TSA and openssl ts ---
"$B" ca init --dir eca --key-type ecdsa-p256 --insecure-plain >/dev/null
"$B" cert issue --ca eca --role tsa --org T --name "EC TSA" --out-cert etsa.pem --out-key etsa.key --insecure-plain >/dev/null
expect "reply (ECDSA)" sh -c "'$B' tsa query --data data.txt --hash sha256 -o e.tsq &&
	'$B' tsa reply --key etsa.key --cert etsa.pem --chain eca/ca.pem e.tsq -o e.tsr &&
	'$B' tsa verify e.tsr --data data.txt --trust eca/ca.pem --request e.tsq >/dev/null"
if command -v openssl >/dev/null 2>&1 && openssl ts -help >/dev/null 2>&1; then
	openssl ts -query -data data.txt -sha256 -cert -out o.tsq 2>/dev/null
	expect "openssl request answered" "$B" tsa reply --key etsa.key --cert etsa.pem o.tsq -o o.tsr
	expect "openssl ts -verify accepts our ECDSA token (data)" \
		sh -c "openssl ts -verify -in o.tsr -data data.txt -CAfile eca/ca.pem 2>/dev/null | grep -q 'Verification: OK'"
	expect "openssl ts -verify accepts our ECDSA token (request)" \
		sh -c "openssl ts -verify -in o.tsr -queryfile o.tsq -CAfile eca/ca.pem 2>/dev/null | grep -q 'Verification: OK'"
	fails "openssl ts -verify refuses other data" \
		sh -c "openssl ts -verify -in o.tsr -data other.txt -CAfile eca/ca.pem 2>/dev/null | grep -q 'Verification: OK'"
	cat > ts.cnf <<'CNF'
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = ./ossl.serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sm3
accuracy = secs:1, millisecs:500
clock_precision_digits = 3
ordering = yes
tsa_name = yes
ess_cert_id_alg = sha256
CNF
	echo 01 > ossl.serial
	"$B" tsa query --data data.txt --hash sha256 -o q3.tsq
	openssl ts -reply -config ts.cnf -queryfile q3.tsq -inkey etsa.key -signer etsa.pem -out o3.tsr 2>/dev/null
	expect "openssl ts -reply token verified by eseal" \
		sh -c "'$B' tsa verify o3.tsr --data data.txt --trust eca/ca.pem --request q3.tsq >/dev/null"
	expect "openssl token: fractional genTime kept" sh -c "'$B' tsa show o3.tsr | grep -q 'gen_time .*\.'"
	fails "openssl token, other data" "$B" tsa verify o3.tsr --data other.txt --trust eca/ca.pem
	# sm3 imprints from openssl are answered by the SM2 TSA
	openssl ts -query -data data.txt -sm3 -cert -out o4.tsq 2>/dev/null
	expect "openssl sm3 request, SM2 token" sh -c "'$B' tsa reply --key tsa.key --cert tsa.pem o4.tsq -o o4.tsr &&
		'$B' tsa verify o4.tsr --request o4.tsq --data data.txt --trust ca/ca.pem >/dev/null"
else
	echo "skip openssl ts interoperability: openssl not available"
fi

# --- the service: POST /api/v1/tsa ---
if command -v curl >/dev/null 2>&1; then
	"$B" serve --data srv --listen 127.0.0.1:0 --no-console >out 2>out.err &
	PID=$!
	URL=
	for _ in $(seq 1 100); do
		URL=$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' out)
		[ -n "$URL" ] && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	expect "service started" [ -n "$URL" ]
	expect "service has a TSA certificate" [ -s srv/tsa.pem -a -s srv/tsa.key ]
	code=$(curl -s -o h.tsr -w '%{http_code} %{content_type}' -H 'Content-Type: application/timestamp-query' \
		--data-binary @req.tsq "${URL}api/v1/tsa")
	expect "POST /api/v1/tsa: 200 timestamp-reply" [ "$code" = "200 application/timestamp-reply" ]
	expect "HTTP token verifies" sh -c "'$B' tsa verify h.tsr --data data.txt --trust srv/ca/ca.pem --request req.tsq >/dev/null"
	curl -s -o h2.tsr -H 'Content-Type: application/timestamp-query' --data-binary @req.tsq "${URL}api/v1/tsa"
	s1=$("$B" tsa show h.tsr --json | sed -n 's/.*"serial": "\(.*\)".*/\1/p' | head -1)
	s2=$("$B" tsa show h2.tsr --json | sed -n 's/.*"serial": "\(.*\)".*/\1/p' | head -1)
	expect "serial numbers differ ($s1, $s2)" [ -n "$s1" -a "$s1" != "$s2" ]
	code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @req.tsq \
		"${URL}api/v1/tsa")
	expect "wrong media type: 415" [ "$code" = 415 ]
	curl -s -o hj.tsr -H 'Content-Type: application/timestamp-query' --data-binary 'junk' "${URL}api/v1/tsa"
	expect "junk over HTTP: rejection" sh -c "'$B' tsa show hj.tsr --json | grep -q '\"status\": 2'"
	# a PDF CMS signature time-stamped by the service (eseal sign --tsa)
	if "$B" demo --out demo >/dev/null 2>&1; then
		P="--seal demo/seal.esl --key demo/signer.key --cert demo/signer.pem --pass-file demo/passphrase"
		expect "sign --tsa" sh -c "'$B' sign demo/sample.pdf $P -o ts.pdf --at 1:100:150 --tsa '${URL}api/v1/tsa' >/dev/null"
		"$B" verify ts.pdf --trust demo/ca.pem --trust srv/ca/ca.pem --json > pv.json
		expect "PDF verify: passed" [ $? = 0 ]
		expect "PDF verify: time-stamp proven" sh -c "grep -A2 '\"signature_timestamp\"' pv.json | grep -q '\"passed\"'"
		expect "PDF verify: time-stamp time reported" grep -q '"timestamp"' pv.json
		"$B" verify ts.pdf --trust demo/ca.pem --json > pv2.json
		expect "PDF verify, TSA not trusted: still passed" [ $? = 0 ]
		expect "PDF verify, TSA not trusted: warning" sh -c "grep -A2 '\"signature_timestamp\"' pv2.json | grep -q '\"warning\"'"
		PE="--seal demo/seal-ecdsa.esl --key demo/signer-ecdsa.key --cert demo/signer-ecdsa.pem --pass-file demo/passphrase"
		expect "sign --format pades --tsa" sh -c "'$B' sign demo/sample.pdf $PE -o tp.pdf --at 1:100:150 --format pades \
			--tsa '${URL}api/v1/tsa' >/dev/null"
		"$B" verify tp.pdf --trust demo/ca.pem --trust demo/ca-ecdsa.pem --trust srv/ca/ca.pem --json > pp.json
		expect "PAdES verify: passed" [ $? = 0 ]
		expect "PAdES verify: time-stamp proven" sh -c "grep -A2 '\"signature_timestamp\"' pp.json | grep -q '\"passed\"'"
		fails "sign --tsa refuses a non-TSA URL" "$B" sign demo/sample.pdf $P -o ts2.pdf --at 1:100:150 \
			--tsa "${URL}api/v1/healthz"
		expect "no output after a failed time-stamp" [ ! -e ts2.pdf ]
		expect "sign --tsa with ses: SES_Signature.timeStamp" sh -c "'$B' sign demo/sample.pdf $P -o ts3.pdf \
			--at 1:100:150 --format ses --tsa '${URL}api/v1/tsa' >/dev/null &&
			'$B' verify ts3.pdf --trust demo/ca.pem --trust srv/ca/ca.pem --json | grep -q '\"timestamp\"'"
	else
		bad "eseal demo"
	fi
	kill -TERM "$PID"
	wait "$PID" 2>/dev/null
	PID=
else
	echo "skip HTTP: curl not installed"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
