/*
 * test_timestamp_ses.c - SES_Signature.timeStamp: a token from an
 * in-process TSA over SM3 of the signature value is attached after signing,
 * verifies, and its genTime becomes the signing time; a token with a
 * flipped imprint byte, a token taken from another signature and a token
 * from an untrusted TSA do not pass; the bare BIT STRING variant is read;
 * bytes that are no token at all are only a warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/asn1.h"
#include "eseal/ses.h"
#include "eseal/tsa.h"
#include "harness.h"

/* a 2x2 grey PNG */
static const uint8_t png[] = {
	0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a,0x00,0x00,0x00,0x0d,0x49,0x48,0x44,0x52,0x00,0x00,0x00,0x02,
	0x00,0x00,0x00,0x02,0x08,0x00,0x00,0x00,0x00,0x57,0xdd,0x52,0xf8,0x00,0x00,0x00,0x0e,0x49,0x44,0x41,
	0x54,0x78,0x9c,0x63,0x68,0x68,0x60,0x68,0x68,0x00,0x00,0x06,0x06,0x02,0x01,0x2c,0xc1,0x50,0xd7,0x00,
	0x00,0x00,0x00,0x49,0x45,0x4e,0x44,0xae,0x42,0x60,0x82,
};

static struct {
	int ready;
	eseal_ca *ca, *ca2;
	eseal_key *maker_key, *signer_key, *tsa_key, *tsa2_key;
	eseal_cert *maker, *signer, *tsa_cert, *tsa2_cert;
	eseal_trust *trust;
	eseal_tsa *tsa, *tsa2;
	uint64_t serial;
} E;

static int counter(void *ctx, uint64_t *out)
{
	*out = ++*(uint64_t *)ctx;
	return 0;
}

static eseal_tsa *new_tsa(eseal_ca *ca, eseal_key **k, eseal_cert **c)
{
	eseal_cert_request rq = { 0 };
	rq.role = ESEAL_ROLE_TSA;
	rq.org = "eseal test";
	rq.name = "test TSA";
	rq.days = 365;
	rq.not_before = time(NULL) - 3600;
	CHECK_OK(eseal_key_generate(k, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(ca, &rq, *k, c));
	eseal_tsa_config cfg = { 0 };
	cfg.key = *k;
	cfg.cert = *c;
	/* the token carries the issuing CA so it chains to the root */
	static eseal_cert *chains[2][1];
	static int nt;
	eseal_cert **chain = chains[nt++ % 2];
	chain[0] = (eseal_cert *)eseal_ca_issuing(ca);
	cfg.chain = chain;
	cfg.nchain = 1;
	cfg.serial_fn = counter;
	cfg.serial_ctx = &E.serial;
	eseal_tsa *t = NULL;
	CHECK_OK(eseal_tsa_new(&t, &cfg));
	return t;
}

static void env(void)
{
	if (E.ready)
		return;
	char dir[300];
	snprintf(dir, sizeof dir, "%s/ca", h_tmpdir());
	CHECK_OK(eseal_ca_init(dir, "eseal ts test CA", ESEAL_KEY_SM2, "pw", 2, 3650));
	CHECK_OK(eseal_ca_open(&E.ca, dir, "pw", 2));
	snprintf(dir, sizeof dir, "%s/ca2", h_tmpdir());
	CHECK_OK(eseal_ca_init(dir, "another CA", ESEAL_KEY_SM2, "pw", 2, 3650));
	CHECK_OK(eseal_ca_open(&E.ca2, dir, "pw", 2));
	eseal_cert_request rq = { 0 };
	rq.role = ESEAL_ROLE_MAKER;
	rq.org = "eseal test";
	rq.name = "maker";
	rq.days = 365;
	rq.not_before = time(NULL) - 3600;
	CHECK_OK(eseal_key_generate(&E.maker_key, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(E.ca, &rq, E.maker_key, &E.maker));
	rq.role = ESEAL_ROLE_SEAL;
	rq.name = "signer";
	CHECK_OK(eseal_key_generate(&E.signer_key, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(E.ca, &rq, E.signer_key, &E.signer));
	E.tsa = new_tsa(E.ca, &E.tsa_key, &E.tsa_cert);
	E.tsa2 = new_tsa(E.ca2, &E.tsa2_key, &E.tsa2_cert);
	CHECK_OK(eseal_trust_new(&E.trust));
	CHECK_OK(eseal_trust_add_cert(E.trust, eseal_ca_root(E.ca)));
	CHECK_OK(eseal_trust_add_cert(E.trust, eseal_ca_issuing(E.ca)));
	REQUIRE(E.tsa && E.tsa2 && E.signer);
	E.ready = 1;
}

/* A seal valid from start to end (relative to now) and a signature made
 * at `when` over the digest of text. */
static void make_sig(long start, long end, time_t when, const char *text, eseal_buf *sig, uint8_t h[32])
{
	eseal_seal_params p = { 0 };
	eseal_cert *signers[1] = { E.signer };
	p.esid = "33010600000042";
	p.type = 2;
	p.name = "test seal";
	p.signers = signers;
	p.nsigners = 1;
	p.create_date = time(NULL) - 60;
	p.valid_start = time(NULL) + start;
	p.valid_end = time(NULL) + end;
	p.picture_type = "png";
	p.picture = png;
	p.picture_len = sizeof png;
	p.width_mm = 40;
	p.height_mm = 40;
	eseal_buf seal = ESEAL_BUF_INIT;
	CHECK_OK(eseal_seal_make(&seal, &p, E.maker, E.maker_key));
	eseal_sm3(h, text, strlen(text));
	CHECK_OK(eseal_sessig_make(sig, seal.data, seal.len, E.signer, E.signer_key, when, h, "x"));
	eseal_buf_free(&seal);
}

/* Verifies sig against h into a fresh report; returns the item. */
static eseal_report_item *verify(const eseal_buf *sig, const uint8_t h[32], const eseal_trust *t,
				 eseal_report **r)
{
	eseal_sessig *g = NULL;
	CHECK_OK(eseal_sessig_parse(&g, sig->data, sig->len));
	REQUIRE(g);
	eseal_report_free(*r);
	CHECK_OK(eseal_report_new(r, "ses", "test"));
	eseal_report_item *it = eseal_report_add(*r, "signature 1");
	CHECK_OK(eseal_sessig_verify(g, h, 32, t, it));
	eseal_sessig_free(g);
	return it;
}

static void test_stamp_and_verify(void)
{
	env();
	eseal_buf sig = ESEAL_BUF_INIT;
	uint8_t h[32];
	make_sig(-60, 86400, time(NULL), "document one", &sig, h);
	size_t before = sig.len;
	eseal_tsa_source src = { .local = E.tsa };
	CHECK_OK(eseal_sessig_timestamp_add(&sig, eseal_tsa_cms_callback, &src));
	CHECK(sig.len > before + 200);
	eseal_sessig *g = NULL;
	CHECK_OK(eseal_sessig_parse(&g, sig.data, sig.len));
	size_t tl, sl;
	const uint8_t *tok = eseal_sessig_timestamp(g, &tl);
	const uint8_t *sv = eseal_sessig_signature(g, &sl);
	REQUIRE(tok && tl > 100);
	/* the imprint is SM3 of the signature value bytes */
	eseal_tst *t = NULL;
	CHECK_OK(eseal_tst_parse(&t, tok, tl));
	uint8_t d[32];
	eseal_sm3(d, sv, sl);
	size_t il;
	const uint8_t *imp = eseal_tst_imprint(t, &il);
	CHECK_EQ_STR(eseal_tst_hash(t), "sm3");
	CHECK(il == 32 && !memcmp(imp, d, 32));
	/* TBS_Sign is untouched: the signature still verifies */
	CHECK_OK(eseal_sessig_verify_signature(g));
	/* a second time-stamp is refused */
	CHECK_EQ_INT(eseal_sessig_timestamp_add(&sig, eseal_tsa_cms_callback, &src), ESEAL_EINVAL);
	eseal_sessig_free(g);

	eseal_report *r = NULL;
	eseal_report_item *it = verify(&sig, h, E.trust, &r);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "timestamp"), ESEAL_CHECK_PASSED);
	CHECK_EQ_STR(eseal_item_fact_get(it, "timestamp"), eseal_tst_gen_time_text(t));
	CHECK(eseal_item_fact_get(it, "claimed_time") != NULL);
	eseal_tst_free(t);
	eseal_report_free(r);
	eseal_buf_free(&sig);
}

/* The seal becomes valid in 10 days; the signer claims day 15. Without a
 * time-stamp the claim is believed; with one, genTime (now) is the signing
 * time and the seal was not yet valid then. */
static void test_gen_time_is_signing_time(void)
{
	env();
	eseal_buf sig = ESEAL_BUF_INIT;
	uint8_t h[32];
	make_sig(10 * 86400, 30 * 86400, time(NULL) + 15 * 86400, "document two", &sig, h);
	eseal_report *r = NULL;
	eseal_report_item *it = verify(&sig, h, E.trust, &r);
	CHECK_EQ_INT(eseal_item_check_status(it, "seal_validity"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "timestamp"), -1);
	eseal_tsa_source src = { .local = E.tsa };
	CHECK_OK(eseal_sessig_timestamp_add(&sig, eseal_tsa_cms_callback, &src));
	it = verify(&sig, h, E.trust, &r);
	CHECK_EQ_INT(eseal_item_check_status(it, "timestamp"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "seal_validity"), ESEAL_CHECK_INDETERMINATE);
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_NOT_YET_VALID);
	eseal_report_free(r);
	eseal_buf_free(&sig);
}

static long find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return (long)i;
	return -1;
}

static void test_flipped_imprint(void)
{
	env();
	eseal_buf sig = ESEAL_BUF_INIT;
	uint8_t h[32];
	make_sig(-60, 86400, time(NULL), "document three", &sig, h);
	eseal_tsa_source src = { .local = E.tsa };
	CHECK_OK(eseal_sessig_timestamp_add(&sig, eseal_tsa_cms_callback, &src));
	eseal_sessig *g = NULL;
	CHECK_OK(eseal_sessig_parse(&g, sig.data, sig.len));
	size_t sl;
	uint8_t d[32];
	const uint8_t *sv = eseal_sessig_signature(g, &sl);
	eseal_sm3(d, sv, sl);
	eseal_sessig_free(g);
	long at = find(sig.data, sig.len, d, 32);
	REQUIRE(at > 0);
	sig.data[at + 5] ^= 0x01;
	eseal_report *r = NULL;
	eseal_report_item *it = verify(&sig, h, E.trust, &r);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
	CHECK_EQ_INT(eseal_item_check_status(it, "timestamp"), ESEAL_CHECK_FAILED);
	CHECK_EQ_INT(eseal_item_check_status(it, "signature_value"), ESEAL_CHECK_PASSED);
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_HASH_FAILURE);
	eseal_report_free(r);
	eseal_buf_free(&sig);
}

/* hands out a fixed token */
static int fixed_token(void *ctx, const char *hash, const uint8_t *sig, size_t siglen, eseal_buf *token)
{
	const eseal_buf *b = ctx;
	return eseal_buf_put(token, b->data, b->len);
}

static void test_token_of_another_signature(void)
{
	env();
	eseal_buf a = ESEAL_BUF_INIT, b = ESEAL_BUF_INIT, tok = ESEAL_BUF_INIT;
	uint8_t ha[32], hb[32];
	make_sig(-60, 86400, time(NULL), "document A", &a, ha);
	make_sig(-60, 86400, time(NULL), "document B", &b, hb);
	eseal_tsa_source src = { .local = E.tsa };
	CHECK_OK(eseal_sessig_timestamp_add(&b, eseal_tsa_cms_callback, &src));
	eseal_sessig *g = NULL;
	CHECK_OK(eseal_sessig_parse(&g, b.data, b.len));
	size_t tl;
	const uint8_t *t = eseal_sessig_timestamp(g, &tl);
	CHECK_OK(eseal_buf_put(&tok, t, tl));
	eseal_sessig_free(g);
	/* a valid token, but over B's signature value */
	CHECK_OK(eseal_sessig_timestamp_add(&a, fixed_token, &tok));
	eseal_report *r = NULL;
	eseal_report_item *it = verify(&a, ha, E.trust, &r);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
	CHECK_EQ_INT(eseal_item_check_status(it, "timestamp"), ESEAL_CHECK_FAILED);
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_HASH_FAILURE);
	/* junk is not a token: refused when attaching */
	eseal_buf junk = ESEAL_BUF_INIT, c = ESEAL_BUF_INIT;
	uint8_t hc[32];
	CHECK_OK(eseal_buf_put(&junk, "\x30\x03\x02\x01\x01", 5));
	make_sig(-60, 86400, time(NULL), "document C", &c, hc);
	size_t clen = c.len;
	CHECK(eseal_sessig_timestamp_add(&c, fixed_token, &junk) != 0);
	CHECK_EQ_INT(c.len, clen);
	eseal_report_free(r);
	eseal_buf_free(&a);
	eseal_buf_free(&b);
	eseal_buf_free(&c);
	eseal_buf_free(&tok);
	eseal_buf_free(&junk);
}

static void test_untrusted_tsa(void)
{
	env();
	eseal_buf sig = ESEAL_BUF_INIT;
	uint8_t h[32];
	make_sig(-60, 86400, time(NULL), "document four", &sig, h);
	eseal_tsa_source src = { .local = E.tsa2 };
	CHECK_OK(eseal_sessig_timestamp_add(&sig, eseal_tsa_cms_callback, &src));
	eseal_report *r = NULL;
	eseal_report_item *it = verify(&sig, h, E.trust, &r);
	CHECK_EQ_INT(eseal_item_check_status(it, "timestamp"), ESEAL_CHECK_INDETERMINATE);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_INDETERMINATE);
	CHECK(eseal_item_fact_get(it, "timestamp") != NULL);
	eseal_report_free(r);
	eseal_buf_free(&sig);
}

/* One template writes timeStamp as a bare BIT STRING: read it too. */
static void test_bare_bit_string(void)
{
	env();
	eseal_buf sig = ESEAL_BUF_INIT, bare = ESEAL_BUF_INIT;
	uint8_t h[32];
	make_sig(-60, 86400, time(NULL), "document five", &sig, h);
	eseal_tsa_source src = { .local = E.tsa };
	CHECK_OK(eseal_sessig_timestamp_add(&sig, eseal_tsa_cms_callback, &src));
	eseal_sessig *g = NULL;
	CHECK_OK(eseal_sessig_parse(&g, sig.data, sig.len));
	size_t tl, bl;
	const uint8_t *t = eseal_sessig_timestamp(g, &tl);
	const uint8_t *tbs = eseal_sessig_tbs(g, &bl);
	size_t cl, sl;
	const uint8_t *cert = eseal_sessig_signer_cert(g, &cl);
	const uint8_t *sv = eseal_sessig_signature(g, &sl);
	size_t mark;
	CHECK_OK(eseal_der_begin(&bare, ESEAL_DER_SEQUENCE, &mark));
	CHECK_OK(eseal_der_put_raw(&bare, tbs, bl));
	CHECK_OK(eseal_der_put(&bare, ESEAL_DER_OCTET_STRING, cert, cl));
	CHECK_OK(eseal_der_put_oid(&bare, ESEAL_OID_SM2_SM3));
	CHECK_OK(eseal_der_put_bits(&bare, sv, sl));
	CHECK_OK(eseal_der_put_bits(&bare, t, tl));
	CHECK_OK(eseal_der_end(&bare, mark));
	eseal_sessig_free(g);
	eseal_report *r = NULL;
	eseal_report_item *it = verify(&bare, h, E.trust, &r);
	CHECK_EQ_INT(eseal_item_check_status(it, "timestamp"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	eseal_report_free(r);
	eseal_buf_free(&sig);
	eseal_buf_free(&bare);
}

/* Another producer's bytes in timeStamp: a warning, the claimed time. */
static void test_opaque_content(void)
{
	env();
	eseal_buf sig = ESEAL_BUF_INIT, other = ESEAL_BUF_INIT;
	uint8_t h[32];
	make_sig(-60, 86400, time(NULL), "document six", &sig, h);
	eseal_sessig *g = NULL;
	CHECK_OK(eseal_sessig_parse(&g, sig.data, sig.len));
	size_t bl, cl, sl;
	const uint8_t *tbs = eseal_sessig_tbs(g, &bl);
	const uint8_t *cert = eseal_sessig_signer_cert(g, &cl);
	const uint8_t *sv = eseal_sessig_signature(g, &sl);
	size_t mark, inner;
	CHECK_OK(eseal_der_begin(&other, ESEAL_DER_SEQUENCE, &mark));
	CHECK_OK(eseal_der_put_raw(&other, tbs, bl));
	CHECK_OK(eseal_der_put(&other, ESEAL_DER_OCTET_STRING, cert, cl));
	CHECK_OK(eseal_der_put_oid(&other, ESEAL_OID_SM2_SM3));
	CHECK_OK(eseal_der_put_bits(&other, sv, sl));
	CHECK_OK(eseal_der_begin(&other, ESEAL_DER_CTX(0), &inner));
	CHECK_OK(eseal_der_put_bits(&other, "20261123120000Z", 15));
	CHECK_OK(eseal_der_end(&other, inner));
	CHECK_OK(eseal_der_end(&other, mark));
	eseal_sessig_free(g);
	eseal_report *r = NULL;
	eseal_report_item *it = verify(&other, h, E.trust, &r);
	CHECK_EQ_INT(eseal_item_check_status(it, "timestamp"), ESEAL_CHECK_WARNING);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	eseal_report_free(r);
	eseal_buf_free(&sig);
	eseal_buf_free(&other);
}

TESTS(T(test_stamp_and_verify), T(test_gen_time_is_signing_time), T(test_flipped_imprint),
      T(test_token_of_another_signature), T(test_untrusted_tsa), T(test_bare_bit_string),
      T(test_opaque_content))
