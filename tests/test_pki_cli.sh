#!/bin/bash
# test_pki_cli.sh - `eseal ca`, `eseal cert`, `eseal trust` and `eseal key`
# end to end, with the openssl command as an independent cross-check of
# what we write (SM2 signatures with the default ID, SM4/scrypt key files,
# v2 CRLs).
set -u
B=${ESEAL_BIN:?ESEAL_BIN not set}
T=$(mktemp -d /tmp/eseal-pki-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; }
check() { local name=$1; shift; if "$@" >>log 2>&1; then ok "$name"; else bad "$name"; fi; }
check_not() { local name=$1; shift; if "$@" >>log 2>&1; then bad "$name"; else ok "$name"; fi; }
# Exit code of a command (output kept in out/err).
code() { "$@" >out 2>err; echo $?; }
have_openssl=0
openssl version >/dev/null 2>&1 && have_openssl=1
ID=1234567812345678

printf 'ca secret\n' > ca.pw
printf 'key secret\n' > key.pw
printf 'nope\n' > wrong.pw
unset ESEAL_PASS

# --- ca init ---
check "ca init" $B ca init --dir ca --name "测试电子认证中心" --pass-file ca.pw
for f in root.pem root.key issuing.pem issuing.key ca.pem index.json crl.pem; do
	[ -s ca/$f ] || bad "ca/$f exists"
done
[ "$(stat -c %a ca/issuing.key)" = 600 ] && ok "issuing.key mode 0600" || bad "issuing.key mode 0600"
grep -q "BEGIN ENCRYPTED PRIVATE KEY" ca/root.key && ok "root key encrypted" || bad "root key encrypted"
[ "$(code $B ca init --dir ca --pass-file ca.pw)" = 6 ] && ok "ca init refuses an existing CA" || bad "ca init refuses an existing CA"
[ "$(code $B ca init --dir x --key-type dsa --pass-file ca.pw)" = 3 ] && ok "bad key type is a usage error" || bad "bad key type is a usage error"
[ ! -e x ] && ok "no directory after usage error" || bad "no directory after usage error"

# --- cert issue, every role ---
for role in maker seal status system tsa; do
	check "cert issue $role" $B cert issue --ca ca --role $role --org "某某市人民政府" --name "$role 一号" \
		--out-cert $role.pem --out-key $role.key --pass-file ca.pw --key-pass-file key.pw
done
check "cert issue seal with serialNumber" $B cert issue --ca ca --role seal --org "某某市人民政府" \
	--name "合同专用章" --serial-number 37030000001721 --days 30 \
	--out-cert seal2.pem --out-key seal2.key --pass-file ca.pw --key-pass-file key.pw
$B cert show seal2.pem --json > show.json
grep -q '"subject": "serialNumber=37030000001721, CN=合同专用章, O=某某市人民政府, C=CN"' show.json \
	&& ok "cert show: UTF-8 subject" || bad "cert show: UTF-8 subject"
grep -q '"key_algorithm": "sm2"' show.json && ok "cert show: sm2" || bad "cert show: sm2"
grep -q '"ca": false' show.json && ok "cert show: not a CA" || bad "cert show: not a CA"
fp=$(sed -n 's/.*"sm3_fingerprint": "\([0-9A-F]*\)".*/\1/p' show.json)
[ ${#fp} = 64 ] && ok "cert show: SM3 fingerprint" || bad "cert show: SM3 fingerprint"

# wrong CA passphrase: exit 5, one line, no output files
rc=$(code $B cert issue --ca ca --role seal --org O --name N --out-cert w.pem --out-key w.key --pass-file wrong.pw --key-pass-file key.pw)
[ "$rc" = 5 ] && ok "wrong passphrase exits 5" || bad "wrong passphrase exits 5 (got $rc)"
[ "$(wc -l < err)" = 1 ] && grep -q "wrong passphrase" err && ok "wrong passphrase: one clear line" || bad "wrong passphrase: one clear line"
[ ! -e w.pem ] && [ ! -e w.key ] && ok "no partial output" || bad "no partial output"

# a public key from elsewhere
check "key gen with --pubout" $B key gen --out ext.key --pubout ext.pub --pass-file key.pw
check "cert issue --pubkey" $B cert issue --ca ca --role system --org O --name ext --pubkey ext.pub --out-cert ext.pem --pass-file ca.pw

# --- openssl cross-checks ---
if [ $have_openssl = 1 ]; then
	check "openssl: root signs issuing (distid)" openssl verify -vfyopt distid:$ID -CAfile ca/root.pem ca/issuing.pem
	for role in maker seal status system tsa; do
		check "openssl: issuing signs $role (distid)" openssl verify -partial_chain -vfyopt distid:$ID -CAfile ca/issuing.pem $role.pem
	done
	# openssl verify applies -vfyopt distid to the target certificate only,
	# so with the whole bundle the chain must stop at the issuing CA.
	check "openssl verify -partial_chain -CAfile ca.pem (distid)" \
		openssl verify -partial_chain -vfyopt distid:$ID -CAfile ca/ca.pem maker.pem
	check_not "openssl: empty SM2 ID does not verify" openssl verify -partial_chain -CAfile ca/issuing.pem seal.pem
	check_not "openssl: another ID does not verify" openssl verify -partial_chain -vfyopt distid:1234567812345679 -CAfile ca/issuing.pem seal.pem
	check "openssl pkey reads the SM4/scrypt key" openssl pkey -in seal.key -passin file:key.pw -noout
	check_not "openssl pkey: wrong passphrase" openssl pkey -in seal.key -passin pass:nope -noout
	openssl asn1parse -in seal.key > asn1.txt 2>&1
	grep -q -i scrypt asn1.txt && grep -q -i sm4 asn1.txt && ok "key file is PBES2/scrypt/SM4" || bad "key file is PBES2/scrypt/SM4"
	openssl x509 -in tsa.pem -noout -ext extendedKeyUsage,keyUsage > ext.txt 2>&1
	grep -q "Time Stamping" ext.txt && ok "tsa: timeStamping EKU" || bad "tsa: timeStamping EKU"
	openssl x509 -in status.pem -noout -ext extendedKeyUsage > ext.txt 2>&1
	grep -q "OCSP Signing" ext.txt && ok "status: OCSPSigning EKU" || bad "status: OCSPSigning EKU"
	openssl x509 -in ca/issuing.pem -noout -ext basicConstraints > ext.txt 2>&1
	grep -q "pathlen:0" ext.txt && ok "issuing CA: pathlen 0" || bad "issuing CA: pathlen 0"
fi

# --- revocation and CRL ---
serial=$($B cert show seal.pem --json | sed -n 's/.*"serial": "\([0-9A-F]*\)".*/\1/p')
check "ca revoke --cert" $B ca revoke --dir ca --cert seal.pem --reason keyCompromise --pass-file ca.pw
[ "$(code $B ca revoke --dir ca --serial $serial --pass-file ca.pw)" = 6 ] && ok "revoking twice is refused" || bad "revoking twice is refused"
[ "$(code $B ca revoke --dir ca --serial ABCDEF --pass-file ca.pw)" = 4 ] && ok "unknown serial" || bad "unknown serial"
[ "$(code $B ca revoke --dir ca --serial $serial --reason nonsense --pass-file ca.pw)" = 3 ] && ok "unknown reason" || bad "unknown reason"
check "ca crl --out" $B ca crl --dir ca --days 7 --out crl.pem --pass-file ca.pw
$B ca list --dir ca --json > list.json
grep -q '"revoked": true' list.json && grep -q '"reason": "keyCompromise"' list.json && ok "ca list shows the revocation" || bad "ca list shows the revocation"
[ "$($B ca list --dir ca | grep -c REVOKED)" = 1 ] && ok "ca list (text)" || bad "ca list (text)"
if [ $have_openssl = 1 ]; then
	openssl crl -in crl.pem -noout -text > crl.txt 2>&1
	grep -q "Version 2" crl.txt && ok "openssl crl: v2" || bad "openssl crl: v2"
	grep -q "Serial Number: $serial" crl.txt && ok "openssl crl: revoked serial" || bad "openssl crl: revoked serial"
	grep -q "Key Compromise" crl.txt && ok "openssl crl: reason" || bad "openssl crl: reason"
	grep -q "X509v3 CRL Number" crl.txt && ok "openssl crl: CRL number" || bad "openssl crl: CRL number"
	grep -q "SM2-with-SM3" crl.txt && ok "openssl crl: SM2 signature" || bad "openssl crl: SM2 signature"
	# The CRL signature, checked by openssl over the raw TBS with the default ID.
	openssl crl -in crl.pem -outform DER -out crl.der
	read -r off hl len < <(openssl asn1parse -inform DER -in crl.der | awk -F'[:= ]+' 'NR==2 {print $2, $6, $8}')
	dd if=crl.der of=tbs.der bs=1 skip=$off count=$((hl + len)) status=none
	sigoff=$(openssl asn1parse -inform DER -in crl.der | awk -F: '/d=1 .*BIT STRING/ {print $1}' | tail -1 | tr -d ' ')
	openssl asn1parse -inform DER -in crl.der -strparse "$sigoff" -out sig.der -noout >/dev/null 2>&1
	openssl x509 -in ca/issuing.pem -pubkey -noout > issuing.pub
	check "openssl: CRL signature verifies (distid)" openssl pkeyutl -verify -pubin -inkey issuing.pub -rawin \
		-digest sm3 -pkeyopt distid:$ID -in tbs.der -sigfile sig.der
fi

# --- trust store ---
check "trust add" $B trust add ca/ca.pem --store store
[ "$(ls store | wc -l)" = 2 ] && ok "trust store holds 2 files" || bad "trust store holds 2 files"
$B trust list --store store --json > tl.json
[ "$(grep -c sm3_fingerprint tl.json)" = 2 ] && ok "trust list --json" || bad "trust list --json"
rootfp=$($B cert show ca/root.pem --json | sed -n 's/.*"sm3_fingerprint": "\([0-9A-F]*\)".*/\1/p')
[ -f store/$rootfp.pem ] && ok "files named by SM3 fingerprint" || bad "files named by SM3 fingerprint"
check "trust remove (prefix)" $B trust remove ${rootfp:0:12} --store store
[ "$(ls store | wc -l)" = 1 ] && ok "trust remove removed one" || bad "trust remove removed one"
[ "$(code $B trust remove ${rootfp:0:12} --store store)" = 4 ] && ok "trust remove unknown" || bad "trust remove unknown"
[ "$(code $B trust add missing.pem --store store)" != 0 ] && ok "trust add missing file fails" || bad "trust add missing file fails"

# --- key commands ---
check "key gen sm2" $B key gen --out k1.pem --pass-file key.pw
$B key show k1.pem --pass-file key.pw --json > ks.json
grep -q '"type": "sm2"' ks.json && grep -q '"encrypted": true' ks.json && ok "key show" || bad "key show"
[ "$(code $B key show k1.pem --pass-file wrong.pw)" = 5 ] && ok "key show: wrong passphrase exits 5" || bad "key show: wrong passphrase exits 5"
check "key gen rsa plain" $B key gen --type rsa --out r.pem --insecure-plain
grep -q "BEGIN PRIVATE KEY" r.pem && ok "plain PKCS#8 only on request" || bad "plain PKCS#8 only on request"
check "key gen p256" $B key gen --type ecdsa-p256 --out p.pem --pass-file key.pw
$B key show p.pem --pass-file key.pw | grep -q ecdsa-p256 && ok "key show p256" || bad "key show p256"

if [ -n "${ESEAL_SHARED:-}" ] && [ -f "$ESEAL_SHARED/fixtures/keys/USER.p12" ]; then
	printf '777777\n' > p12.pw
	check "key import-p12" $B key import-p12 "$ESEAL_SHARED/fixtures/keys/USER.p12" --p12-pass-file p12.pw \
		--out-key user.key --out-cert user.pem --pass-file key.pw
	$B cert show user.pem | grep -q "01719D2DAB60" && ok "imported certificate serial" || bad "imported certificate serial"
	grep -q "BEGIN ENCRYPTED PRIVATE KEY" user.key && ok "imported key re-encrypted" || bad "imported key re-encrypted"
	rc=$(code $B key import-p12 "$ESEAL_SHARED/fixtures/keys/USER.p12" --p12-pass-file wrong.pw --out-key u2.key --out-cert u2.pem --pass-file key.pw)
	[ "$rc" = 5 ] && [ ! -e u2.key ] && ok "import-p12 wrong password" || bad "import-p12 wrong password ($rc)"
else
	echo "skip import-p12 (no shared fixtures)"
fi

# --- ECDSA P-256 CA ---
check "ca init ecdsa-p256" $B ca init --dir pca --key-type ecdsa-p256 --insecure-plain
grep -q "BEGIN PRIVATE KEY" pca/issuing.key && ok "--insecure-plain writes plain keys" || bad "--insecure-plain writes plain keys"
check "p256 cert issue (plain CA: no passphrase)" $B cert issue --ca pca --role seal --org O --name P --out-cert p256.pem --out-key p256.key --insecure-plain
$B cert show p256.pem | grep -q ecdsa-p256 && ok "p256 certificate" || bad "p256 certificate"
if [ $have_openssl = 1 ]; then
	check "openssl verify p256 chain" openssl verify -CAfile pca/ca.pem p256.pem
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
