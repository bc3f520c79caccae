/*
 * test_ses.c - SESeal and SES_Signature: the third-party fixtures parse and
 * give the facts their README states; seals and signatures we make verify,
 * verify with the OpenSSL command line alone, and fail when tampered with;
 * malformed input is refused with a reason.
 */
#include <strings.h>
#include <zip.h>

#include "eseal/eseal.h"
#include "harness.h"

static const uint8_t tiny_png[] = {
	0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a,0x00,0x00,0x00,0x0d,0x49,0x48,0x44,0x52,0x00,0x00,0x00,0x01,
	0x00,0x00,0x00,0x01,0x08,0x06,0x00,0x00,0x00,0x1f,0x15,0xc4,0x89,0x00,0x00,0x00,0x0d,0x49,0x44,0x41,
	0x54,0x78,0x9c,0x63,0x78,0xc6,0x20,0xf4,0x1f,0x00,0x04,0xc0,0x01,0xf8,0x03,0xd7,0xe7,0xb3,0x00,0x00,
	0x00,0x00,0x49,0x45,0x4e,0x44,0xae,0x42,0x60,0x82,
};

static int read_zip_entry(const char *zpath, const char *name, eseal_buf *out)
{
	int err = 0;
	zip_t *z = zip_open(zpath, ZIP_RDONLY, &err);
	if (!z)
		return -1;
	zip_stat_t st;
	zip_file_t *f;
	int rc = -1;
	if (zip_stat(z, name, 0, &st) == 0 && (f = zip_fopen(z, name, 0))) {
		out->len = 0;
		eseal_buf_reserve(out, st.size);
		if (zip_fread(f, out->data, st.size) == (zip_int64_t)st.size) {
			out->len = st.size;
			rc = 0;
		}
		zip_fclose(f);
	}
	zip_discard(z);
	return rc;
}

static eseal_seal *load_fixture_seal(const char *name)
{
	char rel[256];
	snprintf(rel, sizeof rel, "fixtures/seals/%s", name);
	const char *p = h_shared(rel);
	REQUIRE(p != NULL);
	eseal_seal *s = NULL;
	CHECK_OK(eseal_seal_load(&s, p));
	return s;
}

static void check_user_cert(const eseal_seal *s)
{
	size_t n;
	CHECK_EQ_INT(eseal_seal_cert_count(s), 1);
	const uint8_t *der = eseal_seal_cert_entry(s, 0, &n, NULL);
	REQUIRE(der != NULL);
	eseal_cert *c = NULL;
	CHECK_OK(eseal_cert_parse(&c, der, n));
	char serial[64];
	CHECK_OK(eseal_cert_serial(c, serial, sizeof serial));
	CHECK_EQ_STR(serial, "01719D2DAB60");
	eseal_cert_free(c);
}

static void test_fixture_seal_v1(void)
{
	SKIP_IF_NO_SHARED();
	eseal_seal *s = load_fixture_seal("UserV1.esl");
	CHECK_EQ_INT(eseal_seal_version(s), 1);
	CHECK_EQ_STR(eseal_seal_vid(s), "OFDR&WTest");
	CHECK_EQ_INT(eseal_seal_type(s), 1);
	check_user_cert(s);
	size_t n;
	eseal_seal_signature(s, &n);
	CHECK_EQ_INT(n, 72);
	CHECK_OK(eseal_seal_verify_signature(s));
	char a[32];
	eseal_time_format_human(a, eseal_seal_valid_start(s));
	CHECK(!strncmp(a, "2020-04-22", 10));
	eseal_time_format_human(a, eseal_seal_valid_end(s));
	CHECK(!strncmp(a, "2022-04-22", 10));
	eseal_seal_free(s);
}

static void test_fixture_seal_v4(void)
{
	SKIP_IF_NO_SHARED();
	eseal_seal *s = load_fixture_seal("UserV4.esl");
	CHECK_EQ_INT(eseal_seal_version(s), 4);
	CHECK_EQ_STR(eseal_seal_vid(s), "OFDR&WTest");
	CHECK_EQ_STR(eseal_seal_esid(s), "51f044b76510434e9bc67a1185c2fba5");
	CHECK_EQ_INT(eseal_seal_cert_list_type(s), 1);
	check_user_cert(s);
	size_t n;
	eseal_seal_signature(s, &n);
	CHECK_EQ_INT(n, 71);
	CHECK_OK(eseal_seal_verify_signature(s));
	/* Verified at a time inside its validity with no anchors: INDETERMINATE. */
	eseal_report *r = NULL;
	CHECK_OK(eseal_report_new(&r, "seal", "UserV4.esl"));
	eseal_report_item *it = eseal_report_add(r, "seal");
	time_t at;
	CHECK_OK(eseal_time_parse(&at, "2021-01-01"));
	CHECK_OK(eseal_seal_verify(s, NULL, at, it));
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_INDETERMINATE);
	CHECK_EQ_STR(eseal_item_subindication(it), "NO_TRUST_ANCHOR");
	CHECK_EQ_INT(eseal_item_check_status(it, "seal_signature"), ESEAL_CHECK_PASSED);
	eseal_report_free(r);
	/* Verified now: expired. */
	CHECK_OK(eseal_report_new(&r, "seal", "UserV4.esl"));
	it = eseal_report_add(r, "seal");
	CHECK_OK(eseal_seal_verify(s, NULL, time(NULL), it));
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
	CHECK_EQ_STR(eseal_item_subindication(it), "EXPIRED");
	eseal_report_free(r);
	eseal_seal_free(s);
}

static void test_fixture_seal_v5(void)
{
	SKIP_IF_NO_SHARED();
	eseal_seal *s = load_fixture_seal("UserV5.esl");
	CHECK_EQ_INT(eseal_seal_version(s), 5);
	CHECK_EQ_STR(eseal_seal_vid(s), "OFDR&WTestV5");
	check_user_cert(s);
	CHECK_OK(eseal_seal_verify_signature(s));
	eseal_report *r = NULL;
	CHECK_OK(eseal_report_new(&r, "seal", "UserV5.esl"));
	eseal_report_item *it = eseal_report_add(r, "seal");
	time_t at;
	CHECK_OK(eseal_time_parse(&at, "2027-01-01"));
	CHECK_OK(eseal_seal_verify(s, NULL, at, it));
	/* The maker certificate had expired (2022) when the seal was made (2026). */
	CHECK_EQ_INT(eseal_item_check_status(it, "maker_cert_validity"), ESEAL_CHECK_INDETERMINATE);
	CHECK_EQ_INT(eseal_item_check_status(it, "seal_signature"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "seal_validity"), ESEAL_CHECK_PASSED);
	eseal_report_free(r);
	eseal_seal_free(s);
}

typedef struct {
	const char *ofd, *dir;
	int version;
	const char *vid, *esid, *encoding, *pic_type;
	long pic_w;
	int has_seal_file, has_ext;
	int seal_valid_at_signing;
} sig_fixture;

static const sig_fixture sig_fixtures[] = {
	{ "v4signed.ofd", "Doc_0/Signs/Sign_0", 4, "GOMAIN", "50011200000399", "der", "ofd", 30, 0, 0, 1 },
	{ "SESV4SignDoc.ofd", "Doc_0/Signs/Sign_0", 4, "OFDR&WTest", "51f044b76510434e9bc67a1185c2fba5", "der", "png", 40, 1, 0, 0 },
	{ "keyword.ofd", "Doc_0/Signs/Sign_1", 4, "SHANDONG.TONGZHIWEIYE", "37030000001721", "raw", "png", 42, 1, 1, 1 },
	{ "allprotected.ofd", "Doc_0/Signs/Sign_0", 4, "OFDR&WTest", "51f044b76510434e9bc67a1185c2fba5", "der", "png", 40, 1, 0, 1 },
	{ "V4RideRight.ofd", "Doc_0/Signs/Sign_0", 4, "OFDR&WTest", "51f044b76510434e9bc67a1185c2fba5", "der", "png", 40, 1, 0, 1 },
};

static void test_fixture_signatures(void)
{
	SKIP_IF_NO_SHARED();
	for (size_t i = 0; i < sizeof sig_fixtures / sizeof sig_fixtures[0]; i++) {
		const sig_fixture *f = &sig_fixtures[i];
		char rel[256], name[256];
		snprintf(rel, sizeof rel, "fixtures/ofd/%s", f->ofd);
		char zpath[4096];
		snprintf(zpath, sizeof zpath, "%s", h_shared(rel));
		eseal_buf sv = ESEAL_BUF_INIT, sx = ESEAL_BUF_INIT, esl = ESEAL_BUF_INIT;
		snprintf(name, sizeof name, "%s/SignedValue.dat", f->dir);
		REQUIRE(read_zip_entry(zpath, name, &sv) == 0);
		snprintf(name, sizeof name, "%s/Signature.xml", f->dir);
		REQUIRE(read_zip_entry(zpath, name, &sx) == 0);
		eseal_sessig *g = NULL;
		CHECK_OK(eseal_sessig_parse(&g, sv.data, sv.len));
		fprintf(stderr, "  %s: V%d %s %s\n", f->ofd, eseal_sessig_version(g),
			eseal_seal_vid(eseal_sessig_seal(g)), eseal_sessig_signature_encoding(g));
		CHECK_EQ_INT(eseal_sessig_version(g), f->version);
		const eseal_seal *s = eseal_sessig_seal(g);
		CHECK_EQ_STR(eseal_seal_vid(s), f->vid);
		CHECK_EQ_STR(eseal_seal_esid(s), f->esid);
		CHECK_EQ_STR(eseal_sessig_signature_encoding(g), f->encoding);
		CHECK(!strcasecmp(eseal_seal_picture_type(s), f->pic_type));
		CHECK_EQ_INT(eseal_seal_picture_width(s), f->pic_w);
		CHECK_EQ_INT(eseal_sessig_has_ext(g), f->has_ext);
		/* dataHash = SM3(Signature.xml bytes as stored). */
		uint8_t h[32];
		eseal_sm3(h, sx.data, sx.len);
		eseal_report *r = NULL;
		CHECK_OK(eseal_report_new(&r, "ofd", f->ofd));
		eseal_report_item *it = eseal_report_add(r, "1");
		CHECK_OK(eseal_sessig_verify(g, h, 32, NULL, it));
		CHECK_EQ_INT(eseal_item_check_status(it, "data_hash"), ESEAL_CHECK_PASSED);
		CHECK_EQ_INT(eseal_item_check_status(it, "signature_value"), ESEAL_CHECK_PASSED);
		CHECK_EQ_INT(eseal_item_check_status(it, "seal_signature"), ESEAL_CHECK_PASSED);
		CHECK_EQ_INT(eseal_item_check_status(it, "signer_in_seal"), ESEAL_CHECK_PASSED);
		CHECK_EQ_INT(eseal_item_check_status(it, "seal_validity"),
			     f->seal_valid_at_signing ? ESEAL_CHECK_PASSED : ESEAL_CHECK_INDETERMINATE);
		CHECK_EQ_INT(eseal_item_indication(it), ESEAL_INDETERMINATE);
		CHECK_EQ_STR(eseal_item_subindication(it), "NO_TRUST_ANCHOR");
		eseal_report_free(r);
		if (f->has_seal_file) {
			snprintf(name, sizeof name, "%s/Seal.esl", f->dir);
			REQUIRE(read_zip_entry(zpath, name, &esl) == 0);
			size_t n;
			const uint8_t *emb = eseal_sessig_seal_der(g, &n);
			CHECK(esl.len >= n && !memcmp(esl.data, emb, n));
		}
		eseal_sessig_free(g);
		eseal_buf_free(&sv);
		eseal_buf_free(&sx);
		eseal_buf_free(&esl);
	}
}

static void test_gomain_extension_kept(void)
{
	SKIP_IF_NO_SHARED();
	eseal_buf sv = ESEAL_BUF_INIT;
	REQUIRE(read_zip_entry(h_shared("fixtures/ofd/v4signed.ofd"), "Doc_0/Signs/Sign_0/SignedValue.dat", &sv) == 0);
	eseal_sessig *g = NULL;
	CHECK_OK(eseal_sessig_parse(&g, sv.data, sv.len));
	const eseal_seal *s = eseal_sessig_seal(g);
	REQUIRE(eseal_seal_ext_count(s) == 1);
	const char *oid;
	int crit = 1;
	const uint8_t *v;
	size_t n;
	CHECK_OK(eseal_seal_ext(s, 0, &oid, &crit, &v, &n));
	CHECK_EQ_STR(oid, "1.2.156.10197.6.7.2.2.1");
	CHECK_EQ_INT(crit, 0);
	CHECK(n == 3 && !memcmp(v, "2.1", 3));
	CHECK_EQ_INT(eseal_seal_type(s), 3);
	/* Trailing bytes after the outer element are ignored. */
	eseal_buf_put(&sv, "\0\0garbage", 9);
	eseal_sessig *g2 = NULL;
	CHECK_OK(eseal_sessig_parse(&g2, sv.data, sv.len));
	eseal_sessig_free(g2);
	eseal_sessig_free(g);
	eseal_buf_free(&sv);
}

/* A CA, a maker and a signer made with the library itself. */
typedef struct {
	char dir[256];
	eseal_ca *ca;
	eseal_cert *maker, *signer, *other;
	eseal_key *maker_key, *signer_key, *other_key;
} pki_env;

static void make_env(pki_env *e)
{
	memset(e, 0, sizeof *e);
	snprintf(e->dir, sizeof e->dir, "%s/ca", h_tmpdir());
	CHECK_OK(eseal_ca_init(e->dir, "eseal test CA", ESEAL_KEY_SM2, "pw", 2, 3650));
	CHECK_OK(eseal_ca_open(&e->ca, e->dir, "pw", 2));
	eseal_cert_request rq = { 0 };
	rq.role = ESEAL_ROLE_MAKER;
	rq.org = "测试印章制作中心";
	rq.name = "制章者";
	rq.days = 365;
	CHECK_OK(eseal_key_generate(&e->maker_key, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(e->ca, &rq, e->maker_key, &e->maker));
	rq.role = ESEAL_ROLE_SEAL;
	rq.org = "示例科技有限公司";
	rq.name = "示例科技有限公司合同专用章";
	CHECK_OK(eseal_key_generate(&e->signer_key, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(e->ca, &rq, e->signer_key, &e->signer));
	rq.name = "another seal";
	CHECK_OK(eseal_key_generate(&e->other_key, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(e->ca, &rq, e->other_key, &e->other));
}

static void free_env(pki_env *e)
{
	eseal_ca_free(e->ca);
	eseal_cert_free(e->maker);
	eseal_cert_free(e->signer);
	eseal_cert_free(e->other);
	eseal_key_free(e->maker_key);
	eseal_key_free(e->signer_key);
	eseal_key_free(e->other_key);
}

static int make_seal(pki_env *e, int clt, eseal_buf *out)
{
	eseal_seal_params p = { 0 };
	eseal_cert *signers[1] = { e->signer };
	p.esid = "33010600000001";
	p.type = 2;
	p.name = "示例科技有限公司合同专用章";
	p.cert_list_type = clt;
	p.signers = signers;
	p.nsigners = 1;
	p.valid_start = time(NULL) - 60;
	p.valid_end = time(NULL) + 86400 * 30;
	p.picture_type = "png";
	p.picture = tiny_png;
	p.picture_len = sizeof tiny_png;
	p.width_mm = 42;
	p.height_mm = 42;
	return eseal_seal_make(out, &p, e->maker, e->maker_key);
}

static void test_make_seal_roundtrip(void)
{
	pki_env e;
	make_env(&e);
	for (int clt = 1; clt <= 2; clt++) {
		eseal_buf b = ESEAL_BUF_INIT;
		CHECK_OK(make_seal(&e, clt, &b));
		eseal_seal *s = NULL;
		CHECK_OK(eseal_seal_parse(&s, b.data, b.len));
		CHECK_EQ_INT(eseal_seal_version(s), 4);
		CHECK_EQ_STR(eseal_seal_esid(s), "33010600000001");
		CHECK_EQ_STR(eseal_seal_name(s), "示例科技有限公司合同专用章");
		CHECK_EQ_STR(eseal_seal_vid(s), "ESEAL");
		CHECK_EQ_INT(eseal_seal_cert_list_type(s), clt);
		CHECK_OK(eseal_seal_verify_signature(s));
		size_t n;
		const uint8_t *sd = eseal_cert_der(e.signer, &n);
		CHECK(eseal_seal_allows_signer(s, sd, n));
		sd = eseal_cert_der(e.other, &n);
		CHECK(!eseal_seal_allows_signer(s, sd, n));
		/* With our CA as anchor the seal is TOTAL-PASSED. */
		eseal_trust *t = NULL;
		char ca[512];
		snprintf(ca, sizeof ca, "%s/ca.pem", e.dir);
		CHECK_OK(eseal_trust_new(&t));
		CHECK_OK(eseal_trust_add_file(t, ca));
		eseal_report *r = NULL;
		CHECK_OK(eseal_report_new(&r, "seal", "made"));
		eseal_report_item *it = eseal_report_add(r, "seal");
		CHECK_OK(eseal_seal_verify(s, t, time(NULL), it));
		CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
		eseal_report_free(r);
		eseal_trust_free(t);
		/* One changed byte in the seal info breaks the maker signature. */
		const uint8_t *der = eseal_seal_der(s, &n);
		uint8_t *copy = malloc(n);
		memcpy(copy, der, n);
		uint8_t *hit = memmem(copy, n, "33010600000001", 14);
		REQUIRE(hit != NULL);
		hit[13] = '2';
		eseal_seal *bad = NULL;
		CHECK_OK(eseal_seal_parse(&bad, copy, n));
		CHECK_EQ_INT(eseal_seal_verify_signature(bad), ESEAL_EVERIFY);
		eseal_seal_free(bad);
		free(copy);
		eseal_seal_free(s);
		eseal_buf_free(&b);
	}
	free_env(&e);
}

static void test_openssl_cli_verifies_our_seal(void)
{
	pki_env e;
	make_env(&e);
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(make_seal(&e, 1, &b));
	/* Slice SES_SealInfo and the signature out of the DER ourselves. */
	eseal_der top, info, c;
	eseal_der_iter it;
	CHECK_OK(eseal_der_read(&top, b.data, b.len, 0));
	eseal_der_iter_init(&it, &top);
	CHECK_EQ_INT(eseal_der_next(&it, &info), 1);
	CHECK_EQ_INT(eseal_der_next(&it, &c), 1); /* cert */
	CHECK_EQ_INT(eseal_der_next(&it, &c), 1); /* alg */
	CHECK_EQ_INT(eseal_der_next(&it, &c), 1); /* signature */
	const char *d = h_tmpdir();
	char p1[512], p2[512], p3[512], cmd[2048];
	snprintf(p1, sizeof p1, "%s/info.der", d);
	snprintf(p2, sizeof p2, "%s/sig.der", d);
	snprintf(p3, sizeof p3, "%s/maker.pem", d);
	CHECK_OK(eseal_file_write_atomic(p1, info.tlv, info.tlv_len, 0644));
	CHECK_OK(eseal_file_write_atomic(p2, c.val + 1, c.val_len - 1, 0644));
	CHECK_OK(eseal_cert_save_pem(e.maker, p3));
	snprintf(cmd, sizeof cmd, "openssl x509 -in %s -pubkey -noout > %s/pub.pem && "
		 "openssl pkeyutl -verify -pubin -inkey %s/pub.pem -rawin -in %s -sigfile %s "
		 "-digest sm3 -pkeyopt distid:1234567812345678 >/dev/null", p3, d, d, p1, p2);
	CHECK_EQ_INT(system(cmd), 0);
	/* And OpenSSL rejects it over different bytes. */
	uint8_t *x = (uint8_t *)info.tlv;
	x[info.tlv_len - 1] ^= 1;
	CHECK_OK(eseal_file_write_atomic(p1, info.tlv, info.tlv_len, 0644));
	CHECK(system(cmd) != 0);
	eseal_buf_free(&b);
	free_env(&e);
}

static void test_make_and_verify_signature(void)
{
	pki_env e;
	make_env(&e);
	eseal_buf seal = ESEAL_BUF_INIT, sig = ESEAL_BUF_INIT;
	CHECK_OK(make_seal(&e, 1, &seal));
	uint8_t h[32];
	eseal_sm3(h, "document", 8);
	CHECK_OK(eseal_sessig_make(&sig, seal.data, seal.len, e.signer, e.signer_key, time(NULL), h,
				   "/Doc_0/Signs/Sign_0/Signature.xml"));
	eseal_sessig *g = NULL;
	CHECK_OK(eseal_sessig_parse(&g, sig.data, sig.len));
	CHECK_EQ_INT(eseal_sessig_version(g), 4);
	CHECK_EQ_STR(eseal_sessig_property(g), "/Doc_0/Signs/Sign_0/Signature.xml");
	CHECK_OK(eseal_sessig_verify_signature(g));
	size_t n;
	const uint8_t *emb = eseal_sessig_seal_der(g, &n);
	CHECK(n == seal.len && !memcmp(emb, seal.data, n));
	eseal_trust *t = NULL;
	char ca[512];
	snprintf(ca, sizeof ca, "%s/ca.pem", e.dir);
	CHECK_OK(eseal_trust_new(&t));
	CHECK_OK(eseal_trust_add_file(t, ca));
	eseal_report *r = NULL;
	CHECK_OK(eseal_report_new(&r, "ofd", "x"));
	eseal_report_item *it = eseal_report_add(r, "1");
	CHECK_OK(eseal_sessig_verify(g, h, 32, t, it));
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	/* Wrong data: HASH_FAILURE. */
	uint8_t h2[32];
	eseal_sm3(h2, "Document", 8);
	it = eseal_report_add(r, "2");
	CHECK_OK(eseal_sessig_verify(g, h2, 32, t, it));
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
	CHECK_EQ_STR(eseal_item_subindication(it), "HASH_FAILURE");
	eseal_report_free(r);
	eseal_sessig_free(g);
	/* A flipped byte inside TBS_Sign's time: SIG_CRYPTO_FAILURE. */
	uint8_t *tm = memmem(sig.data, sig.len, "Z\x03\x21\x00", 4);
	REQUIRE(tm != NULL);
	tm[-1] ^= 1;
	CHECK_OK(eseal_sessig_parse(&g, sig.data, sig.len));
	CHECK_EQ_INT(eseal_sessig_verify_signature(g), ESEAL_EVERIFY);
	CHECK_OK(eseal_report_new(&r, "ofd", "x"));
	it = eseal_report_add(r, "1");
	CHECK_OK(eseal_sessig_verify(g, h, 32, t, it));
	CHECK_EQ_STR(eseal_item_subindication(it), "SIG_CRYPTO_FAILURE");
	eseal_report_free(r);
	eseal_sessig_free(g);
	/* A signer not in the seal is refused when signing. */
	CHECK_EQ_INT(eseal_sessig_make(&sig, seal.data, seal.len, e.other, e.other_key, time(NULL), h, "x"),
		     ESEAL_EDENIED);
	/* A key that does not match the certificate is refused. */
	CHECK(eseal_sessig_make(&sig, seal.data, seal.len, e.signer, e.other_key, time(NULL), h, "x") != 0);
	/* Outside the seal's validity is refused. */
	CHECK_EQ_INT(eseal_sessig_make(&sig, seal.data, seal.len, e.signer, e.signer_key,
				       time(NULL) + 86400 * 60, h, "x"), ESEAL_EEXPIRED);
	eseal_trust_free(t);
	eseal_buf_free(&seal);
	eseal_buf_free(&sig);
	free_env(&e);
}

static void test_make_refuses_bad_input(void)
{
	pki_env e;
	make_env(&e);
	eseal_seal_params p = { 0 };
	eseal_cert *signers[1] = { e.signer };
	eseal_buf b = ESEAL_BUF_INIT;
	p.esid = "33010600000001";
	p.name = "x";
	p.signers = signers;
	p.nsigners = 1;
	p.valid_start = time(NULL);
	p.valid_end = time(NULL) + 1000;
	p.picture_type = "png";
	p.picture = (const uint8_t *)"GIF89a not a png at all";
	p.picture_len = 23;
	p.width_mm = p.height_mm = 40;
	CHECK_EQ_INT(eseal_seal_make(&b, &p, e.maker, e.maker_key), ESEAL_EFORMAT);
	p.picture = tiny_png;
	p.picture_len = sizeof tiny_png;
	p.nsigners = 0;
	CHECK_EQ_INT(eseal_seal_make(&b, &p, e.maker, e.maker_key), ESEAL_EINVAL);
	p.nsigners = 1;
	CHECK(eseal_seal_make(&b, &p, e.maker, e.signer_key) != 0);
	p.width_mm = 0;
	CHECK_EQ_INT(eseal_seal_make(&b, &p, e.maker, e.maker_key), ESEAL_EINVAL);
	eseal_buf_free(&b);
	free_env(&e);
}

static void test_esid(void)
{
	CHECK_OK(eseal_esid_check("50011200000399"));
	CHECK_OK(eseal_esid_check("37030000001721"));
	CHECK_EQ_INT(eseal_esid_check("5001120000039"), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_esid_check("5001120000039x"), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_esid_check("99011200000399"), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_esid_check("ZhelibanTaxSeal"), ESEAL_EINVAL);
}

static void test_pictures(void)
{
	CHECK_OK(eseal_picture_check("png", tiny_png, sizeof tiny_png));
	CHECK_EQ_STR(eseal_picture_detect(tiny_png, sizeof tiny_png), "png");
	CHECK_EQ_INT(eseal_picture_check("png", tiny_png, 30), ESEAL_EFORMAT);
	CHECK_EQ_INT(eseal_picture_check("jpg", tiny_png, sizeof tiny_png), ESEAL_EFORMAT);
	const char *svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
	CHECK_OK(eseal_picture_check("svg", (const uint8_t *)svg, strlen(svg)));
	const char *evil = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><svg>&x;</svg>";
	CHECK_EQ_INT(eseal_picture_check("svg", (const uint8_t *)evil, strlen(evil)), ESEAL_EFORMAT);
	const char *html = "<html><body/></html>";
	CHECK_EQ_INT(eseal_picture_check("svg", (const uint8_t *)html, strlen(html)), ESEAL_EFORMAT);
	CHECK_EQ_INT(eseal_picture_check("ofd", tiny_png, sizeof tiny_png), ESEAL_EFORMAT);
	CHECK_EQ_INT(eseal_picture_check("tiff", tiny_png, sizeof tiny_png), ESEAL_EUNSUPPORTED);
}

static void test_malformed_refused(void)
{
	SKIP_IF_NO_SHARED();
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_file_read(&b, h_shared("fixtures/seals/UserV4.esl"), 0));
	eseal_seal *s = NULL;
	/* Truncated at every tenth length: always a clean error. */
	for (size_t n = 0; n < b.len; n += b.len / 10 + 1)
		CHECK(eseal_seal_parse(&s, b.data, n) != 0 && s == NULL);
	/* An unknown signature algorithm OID is refused with its name. */
	uint8_t *oid = memmem(b.data, b.len, "\x06\x08\x2a\x81\x1c\xcf\x55\x01\x83\x75", 10);
	REQUIRE(oid != NULL);
	uint8_t *last = oid;
	while ((oid = memmem(last + 1, b.len - (size_t)(last + 1 - b.data),
			     "\x06\x08\x2a\x81\x1c\xcf\x55\x01\x83\x75", 10)))
		last = oid;
	last[9] = 0x76;
	CHECK_EQ_INT(eseal_seal_parse(&s, b.data, b.len), ESEAL_EUNSUPPORTED);
	CHECK(strstr(eseal_error_last(), "1.2.156.10197.1.502") != NULL);
	eseal_buf_free(&b);
	/* Not DER at all. */
	CHECK(eseal_seal_parse(&s, (const uint8_t *)"hello world", 11) != 0);
	eseal_sessig *g = NULL;
	CHECK(eseal_sessig_parse(&g, (const uint8_t *)"\x30\x03\x02\x01\x04", 5) != 0);
}

TESTS(T(test_fixture_seal_v1), T(test_fixture_seal_v4), T(test_fixture_seal_v5),
      T(test_fixture_signatures), T(test_gomain_extension_kept), T(test_make_seal_roundtrip),
      T(test_openssl_cli_verifies_our_seal), T(test_make_and_verify_signature),
      T(test_make_refuses_bad_input), T(test_esid), T(test_pictures), T(test_malformed_refused))
