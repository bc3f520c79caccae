/*
 * test_cms.c - CMS SignedData: GM and CAdES sign/parse/verify round trips
 * with certificates from the built-in CA, tampering, OpenSSL's own CMS
 * verifier on our CAdES output, a third-party RSA PKCS#7 from a PDF, the
 * Tongzhiweiye OFD Type=Sign CMS, size bounds and malformed input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <zip.h>

#include "eseal/asn1.h"
#include "eseal/cms.h"
#include "harness.h"

typedef struct {
	eseal_ca *ca;
	eseal_key *key;
	eseal_cert *cert;
	eseal_cert *chain[1];
	eseal_trust *trust;
	char capem[300];
} signer_env;

static struct {
	int ready;
	char dir[256];
	signer_env sm2, p256, rsa;
} E;

static void make_ca_signer(signer_env *s, const char *sub, eseal_key_type kt, eseal_key_type ca_kt)
{
	char cadir[300];
	snprintf(cadir, sizeof cadir, "%s/%s", E.dir, sub);
	CHECK_OK(eseal_ca_init(cadir, "eseal cms test CA", ca_kt, "pw", 2, 3650));
	CHECK_OK(eseal_ca_open(&s->ca, cadir, "pw", 2));
	eseal_cert_request rq = { 0 };
	rq.role = ESEAL_ROLE_SEAL;
	rq.org = "示例科技有限公司";
	rq.name = "CMS test signer";
	rq.days = 365;
	rq.not_before = time(NULL) - 7200;
	CHECK_OK(eseal_key_generate(&s->key, kt));
	CHECK_OK(eseal_ca_issue(s->ca, &rq, s->key, &s->cert));
	s->chain[0] = (eseal_cert *)eseal_ca_issuing(s->ca);
	CHECK_OK(eseal_trust_new(&s->trust));
	CHECK_OK(eseal_trust_add_cert(s->trust, eseal_ca_root(s->ca)));
	snprintf(s->capem, sizeof s->capem, "%s/ca.pem", cadir);
}

static void env(void)
{
	if (E.ready)
		return;
	snprintf(E.dir, sizeof E.dir, "%s", h_tmpdir());
	make_ca_signer(&E.sm2, "sm2", ESEAL_KEY_SM2, ESEAL_KEY_SM2);
	make_ca_signer(&E.p256, "p256", ESEAL_KEY_EC_P256, ESEAL_KEY_EC_P256);
	make_ca_signer(&E.rsa, "rsa", ESEAL_KEY_RSA, ESEAL_KEY_EC_P256);
	REQUIRE(E.sm2.cert && E.p256.cert && E.rsa.cert);
	E.ready = 1;
}

static eseal_cms_sign_opts opts(signer_env *s, eseal_cms_profile p)
{
	eseal_cms_sign_opts o = { 0 };
	o.profile = p;
	o.signer = s->cert;
	o.key = s->key;
	o.chain = s->chain;
	o.nchain = 1;
	o.signing_time = time(NULL) - 60;
	return o;
}

/* Verifies der against digest into a fresh report; returns the item. */
static eseal_report *R;
static time_t V_at; /* verification time (0 = the signing time or now) */
static eseal_report_item *verify(const uint8_t *der, size_t len, const uint8_t *dg, size_t dl,
				 const eseal_trust *trust)
{
	eseal_cms *c = NULL;
	eseal_report_free(R);
	R = NULL;
	if (eseal_cms_parse(&c, der, len))
		return NULL;
	CHECK_OK(eseal_report_new(&R, "pdf", "test"));
	eseal_report_item *it = eseal_report_add(R, "signature 1");
	CHECK_OK(eseal_cms_verify(c, dg, dl, trust, V_at, it));
	eseal_item_conclude(it);
	eseal_cms_free(c);
	return it;
}

#define ST(it, name, st) CHECK_EQ_INT(eseal_item_check_status(it, name), st)

static const char content[] = "%PDF-1.7 the signed bytes of a document\n";

static void roundtrip(signer_env *s, eseal_cms_profile p, eseal_buf *sig, uint8_t dg[32])
{
	eseal_cms_sign_opts o = opts(s, p);
	if (p == ESEAL_CMS_GM)
		eseal_sm3(dg, content, sizeof content - 1);
	else
		eseal_sha256(dg, content, sizeof content - 1);
	CHECK_OK(eseal_cms_sign_detached(sig, &o, dg, 32));
	CHECK(sig->len > 0 && sig->len <= eseal_cms_max_size(&o));

	eseal_cms *c = NULL;
	CHECK_OK(eseal_cms_parse(&c, sig->data, sig->len));
	REQUIRE(c);
	CHECK_EQ_INT(eseal_cms_get_profile(c), p);
	CHECK_EQ_STR(eseal_cms_digest_name(c), p == ESEAL_CMS_GM ? "sm3" : "sha256");
	uint8_t d2[64];
	size_t dl = 0;
	CHECK_OK(eseal_cms_digest(c, content, sizeof content - 1, d2, &dl));
	CHECK(dl == 32 && !memcmp(d2, dg, 32));
	size_t l1, l2;
	const uint8_t *sc = eseal_cms_signer_cert(c, &l1), *mine = eseal_cert_der(s->cert, &l2);
	CHECK(sc && l1 == l2 && !memcmp(sc, mine, l1));
	CHECK_EQ_INT(eseal_cms_cert_count(c), 2);
	if (p == ESEAL_CMS_GM)
		CHECK_EQ_INT(eseal_cms_signing_time(c), o.signing_time);
	else
		CHECK_EQ_INT(eseal_cms_signing_time(c), 0);
	CHECK(eseal_cms_econtent(c, NULL) == NULL);
	CHECK(eseal_cms_timestamp_token(c, NULL) == NULL);
	CHECK(eseal_cms_has_signed_attrs(c));
	size_t svl = 0;
	const uint8_t *sv = eseal_cms_signature_value(c, &svl);
	CHECK(sv && svl >= 64 && svl < sig->len && !memcmp(sv, sig->data + sig->len - svl, svl));
	eseal_cms_free(c);

	eseal_report_item *it = verify(sig->data, sig->len, dg, 32, s->trust);
	REQUIRE(it);
	ST(it, "cms_signature", ESEAL_CHECK_PASSED);
	ST(it, "data_hash", ESEAL_CHECK_PASSED);
	ST(it, "signer_cert_validity", ESEAL_CHECK_PASSED);
	ST(it, "signer_chain", ESEAL_CHECK_PASSED);
	ST(it, "signing_certificate", p == ESEAL_CMS_GM ? -1 : ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	CHECK(eseal_item_fact_get(it, "signer") && strstr(eseal_item_fact_get(it, "signer"), "CMS test signer"));

	it = verify(sig->data, sig->len, dg, 32, NULL);
	REQUIRE(it);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_INDETERMINATE);
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_NO_TRUST_ANCHOR);
}

/* OpenSSL's own CMS verifier on our CAdES output. */
static void openssl_verify(const eseal_buf *sig, const char *cafile, const char *tag)
{
	char sp[400], dp[400], cmd[1500];
	snprintf(sp, sizeof sp, "%s/%s.der", E.dir, tag);
	snprintf(dp, sizeof dp, "%s/%s.bin", E.dir, tag);
	CHECK_OK(eseal_file_write_atomic(sp, sig->data, sig->len, 0600));
	CHECK_OK(eseal_file_write_atomic(dp, content, sizeof content - 1, 0600));
	snprintf(cmd, sizeof cmd,
		 "openssl cms -verify -binary -inform DER -in %s -content %s -CAfile %s -purpose any"
		 " -out /dev/null 2>/dev/null", sp, dp, cafile);
	CHECK_EQ_INT(system(cmd), 0);
	/* and it must refuse other content */
	snprintf(cmd, sizeof cmd,
		 "printf x >> %s && openssl cms -verify -binary -inform DER -in %s -content %s"
		 " -CAfile %s -purpose any -out /dev/null 2>/dev/null", dp, sp, dp, cafile);
	CHECK(system(cmd) != 0);
}

static void test_gm_roundtrip(void)
{
	env();
	eseal_buf sig = ESEAL_BUF_INIT;
	uint8_t dg[32];
	roundtrip(&E.sm2, ESEAL_CMS_GM, &sig, dg);
	/* the GM OIDs are the ones written */
	static const uint8_t gm_sd[] = { 0x06, 0x0a, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x06, 0x01, 0x04, 0x02, 0x02 };
	static const uint8_t sm2_1[] = { 0x06, 0x09, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d, 0x01 };
	CHECK(sig.len > 20 && !memcmp(sig.data + 4, gm_sd, sizeof gm_sd));
	CHECK(memmem(sig.data, sig.len, sm2_1, sizeof sm2_1) != NULL);
	eseal_buf_free(&sig);
}

static void test_cades_p256_roundtrip(void)
{
	env();
	eseal_buf sig = ESEAL_BUF_INIT;
	uint8_t dg[32];
	roundtrip(&E.p256, ESEAL_CMS_CADES, &sig, dg);
	openssl_verify(&sig, E.p256.capem, "p256");
	eseal_buf_free(&sig);
}

static void test_cades_rsa_roundtrip(void)
{
	env();
	eseal_buf sig = ESEAL_BUF_INIT;
	uint8_t dg[32];
	roundtrip(&E.rsa, ESEAL_CMS_CADES, &sig, dg);
	openssl_verify(&sig, E.rsa.capem, "rsa");
	eseal_buf_free(&sig);
}

static void test_cades_signing_time(void)
{
	env();
	eseal_cms_sign_opts o = opts(&E.p256, ESEAL_CMS_CADES);
	o.cades_signing_time = 1;
	o.signing_time = 2000000000; /* 2033 */
	uint8_t dg[32];
	eseal_sha256(dg, content, sizeof content - 1);
	eseal_buf sig = ESEAL_BUF_INIT;
	CHECK_OK(eseal_cms_sign_detached(&sig, &o, dg, 32));
	eseal_cms *c = NULL;
	CHECK_OK(eseal_cms_parse(&c, sig.data, sig.len));
	CHECK_EQ_INT(eseal_cms_signing_time(c), 2000000000);
	eseal_cms_free(c);
	openssl_verify(&sig, E.p256.capem, "p256t");
	/* the certificate is expired in 2033: signer_cert_validity says so */
	eseal_report_item *it = verify(sig.data, sig.len, dg, 32, E.p256.trust);
	REQUIRE(it);
	ST(it, "cms_signature", ESEAL_CHECK_PASSED);
	ST(it, "signer_cert_validity", ESEAL_CHECK_INDETERMINATE);
	eseal_buf_free(&sig);
}

static void test_tampering(void)
{
	env();
	signer_env *ss[] = { &E.sm2, &E.p256, &E.rsa };
	for (size_t i = 0; i < 3; i++) {
		eseal_cms_profile p = i == 0 ? ESEAL_CMS_GM : ESEAL_CMS_CADES;
		eseal_cms_sign_opts o = opts(ss[i], p);
		uint8_t dg[32];
		eseal_sha256(dg, content, sizeof content - 1);
		eseal_buf sig = ESEAL_BUF_INIT;
		CHECK_OK(eseal_cms_sign_detached(&sig, &o, dg, 32));

		/* other content */
		uint8_t other[32];
		memcpy(other, dg, 32);
		other[5] ^= 1;
		eseal_report_item *it = verify(sig.data, sig.len, other, 32, ss[i]->trust);
		REQUIRE(it);
		ST(it, "cms_signature", ESEAL_CHECK_PASSED);
		ST(it, "data_hash", ESEAL_CHECK_FAILED);
		CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
		CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_HASH_FAILURE);

		/* a signed attribute changed (the messageDigest value) */
		uint8_t *md = memmem(sig.data, sig.len, dg, 32);
		REQUIRE(md);
		md[0] ^= 0x80;
		uint8_t changed[32];
		memcpy(changed, md, 32);
		it = verify(sig.data, sig.len, changed, 32, ss[i]->trust);
		REQUIRE(it);
		ST(it, "cms_signature", ESEAL_CHECK_FAILED);
		ST(it, "data_hash", ESEAL_CHECK_PASSED);
		CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_SIG_CRYPTO_FAILURE);
		md[0] ^= 0x80;

		/* the signature value itself */
		sig.data[sig.len - 3] ^= 0x01;
		it = verify(sig.data, sig.len, dg, 32, ss[i]->trust);
		if (it)  /* a DER signature may no longer parse inside */
			CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_SIG_CRYPTO_FAILURE);
		eseal_buf_free(&sig);
	}
}

static void test_bad_options(void)
{
	env();
	uint8_t dg[32] = { 1 };
	eseal_buf sig = ESEAL_BUF_INIT;
	eseal_cms_sign_opts o = opts(&E.p256, ESEAL_CMS_GM);
	CHECK_EQ_INT(eseal_cms_sign_detached(&sig, &o, dg, 32), ESEAL_EINVAL);
	o = opts(&E.sm2, ESEAL_CMS_CADES);
	CHECK_EQ_INT(eseal_cms_sign_detached(&sig, &o, dg, 32), ESEAL_EINVAL);
	o = opts(&E.sm2, ESEAL_CMS_GM);
	CHECK_EQ_INT(eseal_cms_sign_detached(&sig, &o, dg, 20), ESEAL_EINVAL);
	o.signer = E.p256.cert;
	o.key = E.rsa.key;
	o.profile = ESEAL_CMS_CADES;
	CHECK_EQ_INT(eseal_cms_sign_detached(&sig, &o, dg, 32), ESEAL_EINVAL);
	CHECK(strstr(eseal_error_last(), "does not match"));
	CHECK(sig.len == 0);
	eseal_buf_free(&sig);
}

static void test_malformed(void)
{
	env();
	eseal_cms_sign_opts o = opts(&E.sm2, ESEAL_CMS_GM);
	uint8_t dg[32];
	eseal_sm3(dg, content, sizeof content - 1);
	eseal_buf sig = ESEAL_BUF_INIT;
	CHECK_OK(eseal_cms_sign_detached(&sig, &o, dg, 32));
	eseal_cms *c = NULL;
	/* every truncation fails cleanly */
	for (size_t n = 0; n < sig.len; n += (n < 64 ? 1 : 37)) {
		CHECK(eseal_cms_parse(&c, sig.data, n) < 0);
		CHECK(c == NULL && *eseal_error_last());
	}
	/* trailing zero padding is allowed */
	eseal_buf pad = ESEAL_BUF_INIT;
	CHECK_OK(eseal_buf_put(&pad, sig.data, sig.len));
	CHECK_OK(eseal_buf_put(&pad, "\0\0\0\0\0\0\0\0", 8));
	CHECK_OK(eseal_cms_parse(&c, pad.data, pad.len));
	eseal_cms_free(c);
	eseal_buf_free(&pad);
	/* wrong content type OID */
	sig.data[4 + 11] ^= 0x07;
	CHECK_EQ_INT(eseal_cms_parse(&c, sig.data, sig.len), ESEAL_EFORMAT);
	CHECK(strstr(eseal_error_last(), "SignedData"));
	sig.data[4 + 11] ^= 0x07;
	/* wrong digest algorithm (SM3 OID last byte) */
	static const uint8_t sm3[] = { 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11 };
	uint8_t *p = sig.data, *last = NULL;
	while ((p = memmem(p, sig.len - (size_t)(p - sig.data), sm3, sizeof sm3)) != NULL)
		last = p++;
	REQUIRE(last);
	last[9] = 0x12;
	CHECK(eseal_cms_parse(&c, sig.data, sig.len) < 0);
	last[9] = 0x11;
	/* signer certificate missing: change the sid's serial (its last copy) */
	char serial[80];
	CHECK_OK(eseal_cert_serial(E.sm2.cert, serial, sizeof serial));
	/* the serial's first 4 bytes as they appear in DER */
	uint8_t sb[4];
	for (int i = 0; i < 4; i++)
		sscanf(serial + 2 * i, "%2hhx", &sb[i]);
	last = NULL;
	p = sig.data;
	while ((p = memmem(p, sig.len - (size_t)(p - sig.data), sb, 4)) != NULL)
		last = p++;
	REQUIRE(last);
	last[0] ^= 0x01;
	CHECK_OK(eseal_cms_parse(&c, sig.data, sig.len));
	CHECK(eseal_cms_signer_cert(c, NULL) == NULL);
	eseal_report *r = NULL;
	CHECK_OK(eseal_report_new(&r, "pdf", "x"));
	eseal_report_item *it = eseal_report_add(r, "s");
	CHECK_OK(eseal_cms_verify(c, dg, 32, NULL, 0, it));
	eseal_item_conclude(it);
	CHECK(eseal_item_indication(it) != ESEAL_TOTAL_PASSED);
	ST(it, "cms_signature", ESEAL_CHECK_INDETERMINATE);
	eseal_report_free(r);
	eseal_cms_free(c);
	/* not DER at all */
	CHECK(eseal_cms_parse(&c, (const uint8_t *)"hello", 5) < 0);
	eseal_buf_free(&sig);
}

/* Third-party adbe.pkcs7.detached RSA/SHA-256 from a PDF. */
static void test_pdf_rsa_fixture(void)
{
	SKIP_IF_NO_SHARED();
	const char *path = h_shared("fixtures/pdf/digitally-signed.pdf");
	if (!path)
		SKIP("digitally-signed.pdf missing");
	eseal_buf f = ESEAL_BUF_INIT;
	CHECK_OK(eseal_file_read(&f, path, 0));
	CHECK_OK(eseal_buf_cstr(&f));
	const char *s = (const char *)f.data;
	const char *br = memmem(s, f.len, "/ByteRange", 10);
	REQUIRE(br);
	long a, b, cc, d;
	br = memchr(br, '[', f.len - (size_t)(br - s));
	REQUIRE(br);
	REQUIRE(sscanf(br + 1, "%ld %ld %ld %ld", &a, &b, &cc, &d) == 4);
	REQUIRE(cc + d <= (long)f.len);
	/* /Contents hex sits between the two ranges */
	const char *hex = s + a + b;
	REQUIRE(*hex == '<');
	hex++;
	eseal_buf der = ESEAL_BUF_INIT;
	for (; hex[0] != '>' && hex[1]; hex += 2) {
		unsigned v;
		REQUIRE(sscanf(hex, "%2x", &v) == 1);
		CHECK_OK(eseal_buf_putc(&der, (uint8_t)v));
	}
	while (der.len && der.data[der.len - 1] == 0)
		der.len--;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	uint8_t dg[32];
	unsigned dl;
	REQUIRE(m && EVP_DigestInit_ex(m, EVP_sha256(), NULL) == 1);
	EVP_DigestUpdate(m, f.data + a, (size_t)b);
	EVP_DigestUpdate(m, f.data + cc, (size_t)d);
	EVP_DigestFinal_ex(m, dg, &dl);
	EVP_MD_CTX_free(m);

	eseal_cms *c = NULL;
	CHECK_OK(eseal_cms_parse(&c, der.data, der.len));
	REQUIRE(c);
	CHECK_EQ_INT(eseal_cms_get_profile(c), ESEAL_CMS_CADES);
	CHECK_EQ_STR(eseal_cms_digest_name(c), "sha256");
	size_t scl;
	const uint8_t *scd = eseal_cms_signer_cert(c, &scl);
	REQUIRE(scd);
	eseal_cert *sc = NULL;
	CHECK_OK(eseal_cert_parse(&sc, scd, scl));
	REQUIRE(sc);
	time_t nb = eseal_cert_not_before(sc), na = eseal_cert_not_after(sc);
	eseal_cert_free(sc);
	eseal_cms_free(c);
	/* today the certificate has expired */
	eseal_report_item *it = verify(der.data, der.len, dg, 32, NULL);
	REQUIRE(it);
	ST(it, "cms_signature", ESEAL_CHECK_PASSED);
	if (time(NULL) > na)
		CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_EXPIRED);
	/* within its validity only the trust anchor is missing */
	V_at = nb + 86400;
	it = verify(der.data, der.len, dg, 32, NULL);
	REQUIRE(it);
	ST(it, "cms_signature", ESEAL_CHECK_PASSED);
	ST(it, "data_hash", ESEAL_CHECK_PASSED);
	ST(it, "signer_chain", ESEAL_CHECK_INDETERMINATE);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_INDETERMINATE);
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_NO_TRUST_ANCHOR);
	CHECK(strstr(eseal_item_fact_get(it, "signature_algorithm"), "RSA"));
	dg[0] ^= 1;
	it = verify(der.data, der.len, dg, 32, NULL);
	REQUIRE(it);
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_HASH_FAILURE);
	V_at = 0;
	eseal_buf_free(&der);
	eseal_buf_free(&f);
}

static int zip_get(zip_t *z, const char *name, eseal_buf *out)
{
	zip_stat_t st;
	if (zip_stat(z, name, 0, &st) || !(st.valid & ZIP_STAT_SIZE))
		return -1;
	zip_file_t *zf = zip_fopen(z, name, 0);
	if (!zf || eseal_buf_reserve(out, st.size + 1))
		return -1;
	zip_int64_t n = zip_fread(zf, out->data, st.size);
	zip_fclose(zf);
	if (n != (zip_int64_t)st.size)
		return -1;
	out->len = (size_t)n;
	return 0;
}

/* Tongzhiweiye OFD Type=Sign: raw r||s over the eContent, no attributes. */
static void test_ofd_keyword_fixture(void)
{
	SKIP_IF_NO_SHARED();
	const char *path = h_shared("fixtures/ofd/keyword.ofd");
	if (!path)
		SKIP("keyword.ofd missing");
	int err;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	REQUIRE(z);
	eseal_buf xml = ESEAL_BUF_INIT, dat = ESEAL_BUF_INIT;
	CHECK_OK(zip_get(z, "Doc_0/Signs/Sign_3/Signature.xml", &xml));
	CHECK_OK(zip_get(z, "Doc_0/Signs/Sign_3/SignedValue.dat", &dat));
	zip_close(z);
	uint8_t dg[32];
	eseal_sm3(dg, xml.data, xml.len);
	eseal_cms *c = NULL;
	CHECK_OK(eseal_cms_parse(&c, dat.data, dat.len));
	REQUIRE(c);
	CHECK_EQ_INT(eseal_cms_get_profile(c), ESEAL_CMS_GM);
	size_t el;
	const uint8_t *ec = eseal_cms_econtent(c, &el);
	CHECK(ec && el == 32 && !memcmp(ec, dg, 32));
	eseal_cms_free(c);
	eseal_report_item *it = verify(dat.data, dat.len, dg, 32, NULL);
	REQUIRE(it);
	ST(it, "cms_signature", ESEAL_CHECK_PASSED);
	ST(it, "data_hash", ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_INDETERMINATE);
	dg[31] ^= 1;
	it = verify(dat.data, dat.len, dg, 32, NULL);
	REQUIRE(it);
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_HASH_FAILURE);
	eseal_buf_free(&xml);
	eseal_buf_free(&dat);
}

/* The signed attributes of a CMS we wrote: the [0] element's children. */
static int signed_attrs(const eseal_buf *sig, eseal_der *attrs)
{
	eseal_der e, x;
	eseal_der_iter it;
	if (eseal_der_read(&e, sig->data, sig->len, 0))
		return -1;
	eseal_der_iter_init(&it, &e);
	eseal_der_next(&it, &x);
	eseal_der_next(&it, &x);           /* [0] */
	eseal_der_iter_init(&it, &x);
	eseal_der_next(&it, &e);           /* SignedData */
	eseal_der_iter_init(&it, &e);
	while (eseal_der_next(&it, &x) == 1 && !(x.tag == ESEAL_DER_SET && x.val_len > 200))
		;
	eseal_der_iter_init(&it, &x);
	eseal_der_next(&it, &e);           /* SignerInfo */
	eseal_der_iter_init(&it, &e);
	while (eseal_der_next(&it, attrs) == 1)
		if (attrs->tag == ESEAL_DER_CTX(0))
			return 0;
	return -1;
}

static void test_attribute_order(void)
{
	env();
	for (int v = 0; v < 3; v++) {
		eseal_cms_sign_opts o = opts(v == 0 ? &E.sm2 : &E.p256, v == 0 ? ESEAL_CMS_GM : ESEAL_CMS_CADES);
		o.cades_signing_time = v == 2;
		uint8_t dg[32];
		memset(dg, 0xee, sizeof dg);
		eseal_buf sig = ESEAL_BUF_INIT;
		CHECK_OK(eseal_cms_sign_detached(&sig, &o, dg, 32));
		eseal_der attrs, a, prev = { 0 };
		REQUIRE(signed_attrs(&sig, &attrs) == 0);
		CHECK_EQ_INT(eseal_der_count(&attrs), v == 0 ? 3 : v == 1 ? 3 : 4);
		eseal_der_iter it;
		eseal_der_iter_init(&it, &attrs);
		while (eseal_der_next(&it, &a) == 1) {
			if (prev.tlv) {
				size_t n = prev.tlv_len < a.tlv_len ? prev.tlv_len : a.tlv_len;
				int c = memcmp(prev.tlv, a.tlv, n);
				CHECK(c < 0 || (c == 0 && prev.tlv_len <= a.tlv_len));
			}
			prev = a;
		}
		eseal_buf_free(&sig);
	}
}

/* OpenSSL's CMS signer (plain and -cades) verified by us. */
static void test_openssl_signed(void)
{
	env();
	char kp[400], cp[400], dp[400], sp[400], cmd[2000];
	snprintf(kp, sizeof kp, "%s/p256.key", E.dir);
	snprintf(cp, sizeof cp, "%s/p256.pem", E.dir);
	snprintf(dp, sizeof dp, "%s/ossl.bin", E.dir);
	eseal_buf pem = ESEAL_BUF_INIT;
	CHECK_OK(eseal_key_to_pem(E.p256.key, NULL, 0, &pem));
	CHECK_OK(eseal_file_write_atomic(kp, pem.data, pem.len, 0600));
	eseal_buf_free(&pem);
	CHECK_OK(eseal_cert_save_pem(E.p256.cert, cp));
	CHECK_OK(eseal_file_write_atomic(dp, content, sizeof content - 1, 0600));
	uint8_t dg[32];
	eseal_sha256(dg, content, sizeof content - 1);
	/* 0: plain, 1: CAdES, 2: signer named by subjectKeyIdentifier */
	for (int v = 0; v < 3; v++) {
		int cades = v == 1;
		snprintf(sp, sizeof sp, "%s/ossl%d.der", E.dir, v);
		snprintf(cmd, sizeof cmd,
			 "openssl cms -sign -binary -md sha256 %s -outform DER -in %s -signer %s"
			 " -inkey %s -certfile %s -out %s 2>/dev/null",
			 v == 1 ? "-cades" : v == 2 ? "-keyid" : "", dp, cp, kp, E.p256.capem, sp);
		REQUIRE(system(cmd) == 0);
		eseal_buf der = ESEAL_BUF_INIT;
		CHECK_OK(eseal_file_read(&der, sp, 0));
		eseal_report_item *it = verify(der.data, der.len, dg, 32, E.p256.trust);
		REQUIRE(it);
		ST(it, "cms_signature", ESEAL_CHECK_PASSED);
		ST(it, "data_hash", ESEAL_CHECK_PASSED);
		ST(it, "signer_chain", ESEAL_CHECK_PASSED);
		ST(it, "signing_certificate", cades ? ESEAL_CHECK_PASSED : ESEAL_CHECK_SKIPPED);
		CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
		CHECK(eseal_item_fact_get(it, "time") != NULL);
		eseal_buf_free(&der);
	}
}

static void test_cleanup(void)
{
	eseal_report_free(R);
	R = NULL;
	signer_env *ss[] = { &E.sm2, &E.p256, &E.rsa };
	for (size_t i = 0; E.ready && i < 3; i++) {
		eseal_cert_free(ss[i]->cert);
		eseal_key_free(ss[i]->key);
		eseal_trust_free(ss[i]->trust);
		eseal_ca_free(ss[i]->ca);
	}
	E.ready = 0;
}

TESTS(T(test_gm_roundtrip), T(test_cades_p256_roundtrip), T(test_cades_rsa_roundtrip),
      T(test_cades_signing_time), T(test_tampering), T(test_bad_options), T(test_malformed),
      T(test_attribute_order), T(test_openssl_signed), T(test_pdf_rsa_fixture),
      T(test_ofd_keyword_fixture), T(test_cleanup))
