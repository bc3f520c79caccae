/*
 * test_tsa.c - RFC 3161 time-stamping: request encode/parse and its strict
 * refusals, SM2 (GM/T 0010) and ECDSA P-256 TSAs answering, tokens
 * verified against data, nonce echo, serial counters, and the failures
 * that matter: other data, a tampered token, a signer without the
 * timeStamping EKU, an untrusted TSA, rejections for bad requests; CMS
 * signatures carrying a signature time-stamp; the HTTP client against the
 * service's POST /api/v1/tsa.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/asn1.h"
#include "eseal/server.h"
#include "eseal/tsa.h"
#include "harness.h"
#include "tsa/tsa_internal.h"

typedef struct {
	eseal_ca *ca;
	eseal_key *key, *seal_key;
	eseal_cert *cert, *seal_cert;
	eseal_cert *chain[1];
	eseal_trust *trust;
} tsa_env;

static struct {
	int ready;
	char dir[256];
	tsa_env sm2, p256;
} E;

static const char data[] = "the bytes of a signed document\n";

static void make_env(tsa_env *s, const char *sub, eseal_key_type kt)
{
	char cadir[300];
	snprintf(cadir, sizeof cadir, "%s/%s", E.dir, sub);
	CHECK_OK(eseal_ca_init(cadir, "eseal tsa test CA", kt, "pw", 2, 3650));
	CHECK_OK(eseal_ca_open(&s->ca, cadir, "pw", 2));
	eseal_cert_request rq = { 0 };
	rq.role = ESEAL_ROLE_TSA;
	rq.org = "eseal test";
	rq.name = "test TSA";
	rq.days = 365;
	rq.not_before = time(NULL) - 7200;
	CHECK_OK(eseal_key_generate(&s->key, kt));
	CHECK_OK(eseal_ca_issue(s->ca, &rq, s->key, &s->cert));
	rq.role = ESEAL_ROLE_SEAL;
	rq.name = "not a TSA";
	CHECK_OK(eseal_key_generate(&s->seal_key, kt));
	CHECK_OK(eseal_ca_issue(s->ca, &rq, s->seal_key, &s->seal_cert));
	s->chain[0] = (eseal_cert *)eseal_ca_issuing(s->ca);
	CHECK_OK(eseal_trust_new(&s->trust));
	CHECK_OK(eseal_trust_add_cert(s->trust, eseal_ca_root(s->ca)));
}

static void env(void)
{
	if (E.ready)
		return;
	snprintf(E.dir, sizeof E.dir, "%s", h_tmpdir());
	make_env(&E.sm2, "sm2", ESEAL_KEY_SM2);
	make_env(&E.p256, "p256", ESEAL_KEY_EC_P256);
	REQUIRE(E.sm2.cert && E.p256.cert && E.sm2.seal_cert);
	E.ready = 1;
}

static int counter(void *ctx, uint64_t *out)
{
	*out = ++*(uint64_t *)ctx;
	return 0;
}

static uint64_t serial_ctr = 1000;

static eseal_tsa *new_tsa(tsa_env *s)
{
	eseal_tsa *t = NULL;
	eseal_tsa_config c = { 0 };
	c.key = s->key;
	c.cert = s->cert;
	c.chain = s->chain;
	c.nchain = 1;
	c.serial_fn = counter;
	c.serial_ctx = &serial_ctr;
	c.accuracy_ms = 1500;
	CHECK_OK(eseal_tsa_new(&t, &c));
	return t;
}

/* Request for data, answered, parsed; returns the token (status checked). */
static eseal_tst *stamp(eseal_tsa *t, const char *hash, eseal_tsa_req *q)
{
	eseal_buf req = ESEAL_BUF_INIT, resp = ESEAL_BUF_INIT;
	eseal_tst *tok = NULL;
	int status;
	uint32_t fail;
	char text[100];
	CHECK_OK(eseal_tsa_req_make(q, hash, data, sizeof data - 1, 1));
	CHECK_OK(eseal_tsa_req_encode(q, &req));
	CHECK_OK(eseal_tsa_respond(t, req.data, req.len, &resp));
	CHECK_OK(eseal_tsa_resp_parse(resp.data, resp.len, &status, &fail, text, sizeof text, &tok));
	CHECK_EQ_INT(status, 0);
	CHECK_EQ_INT(fail, 0);
	eseal_buf_free(&req);
	eseal_buf_free(&resp);
	return tok;
}

static int verify(const eseal_tst *tok, const eseal_trust *trust, const void *d, size_t n,
		  const eseal_tsa_req *q, eseal_report **rep, eseal_report_item **it)
{
	eseal_tst_verify_opts o = { 0 };
	o.trust = trust;
	o.data = d;
	o.data_len = n;
	if (q && q->nonce_len) {
		o.nonce = q->nonce;
		o.nonce_len = q->nonce_len;
	}
	eseal_report_free(*rep);
	CHECK_OK(eseal_report_new(rep, "timestamp", "test"));
	*it = eseal_report_add(*rep, "timestamp");
	return eseal_tst_verify(tok, &o, *it);
}

#define ST(it, name, st) CHECK_EQ_INT(eseal_item_check_status(it, name), st)

static void test_request_roundtrip(void)
{
	eseal_tsa_req q, p;
	eseal_buf b = ESEAL_BUF_INIT;
	uint8_t h[32];
	CHECK_OK(eseal_tsa_req_make(&q, "sm3", data, sizeof data - 1, 1));
	eseal_sm3(h, data, sizeof data - 1);
	CHECK(q.imprint_len == 32 && !memcmp(q.imprint, h, 32));
	CHECK_EQ_INT(q.nonce_len, 8);
	strcpy(q.policy, "1.2.3.4.1");
	CHECK_OK(eseal_tsa_req_encode(&q, &b));
	CHECK_OK(eseal_tsa_req_parse(&p, b.data, b.len));
	CHECK_EQ_STR(p.hash, "sm3");
	CHECK(p.imprint_len == 32 && !memcmp(p.imprint, h, 32));
	CHECK(p.nonce_len == 8 && !memcmp(p.nonce, q.nonce, 8));
	CHECK_EQ_STR(p.policy, "1.2.3.4.1");
	CHECK_EQ_INT(p.cert_req, 1);

	CHECK_OK(eseal_tsa_req_make(&q, "sha256", data, sizeof data - 1, 0));
	eseal_sha256(h, data, sizeof data - 1);
	CHECK_OK(eseal_tsa_req_encode(&q, &b));
	CHECK_OK(eseal_tsa_req_parse(&p, b.data, b.len));
	CHECK_EQ_STR(p.hash, "sha256");
	CHECK(!memcmp(p.imprint, h, 32));
	CHECK_EQ_INT(p.nonce_len, 0);
	CHECK(eseal_tsa_req_make(&q, "md5", data, 3, 0) == ESEAL_EINVAL);
	CHECK(eseal_tsa_req_make_hash(&q, "sm3", h, 20, 0) == ESEAL_EINVAL);
	eseal_buf_free(&b);
}

/* A request whose encoding is given in hex. */
static int parse_hex(const char *hex)
{
	uint8_t b[600];
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		b[i] = (uint8_t)v;
	}
	eseal_tsa_req q;
	return eseal_tsa_req_parse(&q, b, n);
}

#define IMP32 "0420" "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define SHA256_ALG "300d0609608648016503040201" "0500"

static void test_request_strict(void)
{
	/* the well-formed baseline: version 1, SHA-256 imprint */
	CHECK_OK(parse_hex("3036" "020101" "3031" SHA256_ALG IMP32));
	/* parameters absent are fine too */
	CHECK_OK(parse_hex("3034" "020101" "302f" "300b0609608648016503040201" IMP32));
	CHECK(parse_hex("3036" "020102" "3031" SHA256_ALG IMP32) == ESEAL_EUNSUPPORTED);  /* v2 */
	CHECK(parse_hex("3038" "020101" "3031" SHA256_ALG IMP32 "0500") != 0);  /* junk inside */
	CHECK(parse_hex("3036" "020101" "3031" SHA256_ALG IMP32 "00") != 0);  /* trailing byte */
	CHECK(parse_hex("3035" "020101" "3030" SHA256_ALG "041f"
			"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e") != 0); /* 31 bytes */
	CHECK(parse_hex("3036" "020101" "3031" "300d06092a864886f70d010101" "0500" IMP32) ==
	      ESEAL_EUNSUPPORTED);  /* not a hash */
	CHECK(parse_hex("3037" "020101" "3032" "300e0609608648016503040201" "020100" IMP32) != 0); /* params */
	CHECK(parse_hex("303a" "020101" "3031" SHA256_ALG IMP32 "a002" "3000") == ESEAL_EUNSUPPORTED);
	CHECK(parse_hex("303a" "020101" "3031" SHA256_ALG IMP32 "02020001") != 0);  /* non-minimal nonce */
	CHECK(parse_hex("303c" "020101" "3031" SHA256_ALG IMP32 "0101ff" "020101") != 0); /* order */
	CHECK(parse_hex("") != 0);
	CHECK(parse_hex("3080") != 0);
	CHECK(parse_hex("04020101") != 0);
	/* a 33-byte nonce is over the limit */
	char big[400];
	int bl = snprintf(big, sizeof big, "3059" "020101" "3031" SHA256_ALG IMP32 "0221" "01");
	for (int i = 0; i < 32; i++)
		bl += snprintf(big + bl, sizeof big - (size_t)bl, "00");
	CHECK(parse_hex(big) == ESEAL_ELIMIT);
	uint8_t *huge = calloc(1, ESEAL_TSA_MAX_REQ + 1);
	eseal_tsa_req q;
	CHECK(eseal_tsa_req_parse(&q, huge, ESEAL_TSA_MAX_REQ + 1) == ESEAL_ELIMIT);
	free(huge);
}

static void test_sm2_roundtrip(void)
{
	env();
	eseal_tsa *t = new_tsa(&E.sm2);
	eseal_tsa_req q;
	eseal_report *r = NULL;
	eseal_report_item *it;
	time_t before = time(NULL);
	eseal_tst *tok = stamp(t, "sm3", &q);
	REQUIRE(tok);
	CHECK(eseal_tst_gen_time(tok) >= before && eseal_tst_gen_time(tok) <= time(NULL));
	CHECK_EQ_STR(eseal_tst_hash(tok), "sm3");
	CHECK_EQ_STR(eseal_tst_policy(tok), ESEAL_TSA_DEFAULT_POLICY);
	CHECK_EQ_STR(eseal_tst_profile(tok), "GM/T 0010");
	CHECK_EQ_INT(eseal_tst_accuracy_ms(tok), 1500);
	size_t n;
	const uint8_t *nonce = eseal_tst_nonce(tok, &n);
	CHECK(nonce && n == q.nonce_len && !memcmp(nonce, q.nonce, n));
	CHECK(eseal_tst_signer_cert(tok, &n) != NULL);
	CHECK_OK(verify(tok, E.sm2.trust, data, sizeof data - 1, &q, &r, &it));
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	ST(it, "cms_signature", ESEAL_CHECK_PASSED);
	ST(it, "signing_certificate", ESEAL_CHECK_PASSED);
	ST(it, "tsa_certificate", ESEAL_CHECK_PASSED);
	ST(it, "message_imprint", ESEAL_CHECK_PASSED);
	ST(it, "nonce", ESEAL_CHECK_PASSED);
	ST(it, "signer_chain", ESEAL_CHECK_PASSED);

	/* the verification needs no report item */
	eseal_tst_verify_opts o = { .trust = E.sm2.trust, .data = data, .data_len = sizeof data - 1 };
	CHECK_OK(eseal_tst_verify(tok, &o, NULL));
	/* the digest instead of the data */
	o.data = NULL;
	o.hash = q.imprint;
	o.hash_len = q.imprint_len;
	CHECK_OK(eseal_tst_verify(tok, &o, NULL));

	/* a SHA-256 request to the SM2 TSA: SM2 token, SHA-256 imprint */
	eseal_tst *tok2 = stamp(t, "sha256", &q);
	REQUIRE(tok2);
	CHECK_EQ_STR(eseal_tst_hash(tok2), "sha256");
	CHECK_OK(verify(tok2, E.sm2.trust, data, sizeof data - 1, &q, &r, &it));
	/* serial numbers increase */
	CHECK(strcmp(eseal_tst_serial(tok), eseal_tst_serial(tok2)) < 0 ||
	      strlen(eseal_tst_serial(tok)) < strlen(eseal_tst_serial(tok2)));
	/* the token alone parses the same */
	const uint8_t *der = eseal_tst_der(tok, &n);
	eseal_tst *again = NULL;
	CHECK_OK(eseal_tst_parse(&again, der, n));
	CHECK_EQ_STR(eseal_tst_serial(again), eseal_tst_serial(tok));
	eseal_tst_free(again);
	eseal_tst_free(tok2);
	eseal_tst_free(tok);
	eseal_report_free(r);
	eseal_tsa_free(t);
}

static void test_ecdsa_roundtrip(void)
{
	env();
	eseal_tsa *t = new_tsa(&E.p256);
	eseal_tsa_req q;
	eseal_report *r = NULL;
	eseal_report_item *it;
	eseal_tst *tok = stamp(t, "sha256", &q);
	REQUIRE(tok);
	CHECK_EQ_STR(eseal_tst_profile(tok), "RFC 5652");
	CHECK_OK(verify(tok, E.p256.trust, data, sizeof data - 1, &q, &r, &it));
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	/* anchored in the other CA: not trusted */
	CHECK(verify(tok, E.sm2.trust, data, sizeof data - 1, &q, &r, &it) == ESEAL_EVERIFY);
	CHECK(eseal_item_check_status(it, "signer_chain") != ESEAL_CHECK_PASSED);
	/* no anchors at all */
	CHECK(verify(tok, NULL, data, sizeof data - 1, &q, &r, &it) == ESEAL_EVERIFY);
	eseal_tst_free(tok);
	eseal_report_free(r);
	eseal_tsa_free(t);
}

static void test_wrong_data_and_nonce(void)
{
	env();
	eseal_tsa *t = new_tsa(&E.sm2);
	eseal_tsa_req q;
	eseal_report *r = NULL;
	eseal_report_item *it;
	eseal_tst *tok = stamp(t, "sm3", &q);
	REQUIRE(tok);
	CHECK(verify(tok, E.sm2.trust, "other data", 10, &q, &r, &it) == ESEAL_EVERIFY);
	ST(it, "message_imprint", ESEAL_CHECK_FAILED);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
	/* another request's nonce */
	eseal_tsa_req q2 = q;
	q2.nonce[3] ^= 1;
	CHECK(verify(tok, E.sm2.trust, data, sizeof data - 1, &q2, &r, &it) == ESEAL_EVERIFY);
	ST(it, "nonce", ESEAL_CHECK_FAILED);
	ST(it, "message_imprint", ESEAL_CHECK_PASSED);
	eseal_tst_free(tok);
	eseal_report_free(r);
	eseal_tsa_free(t);
}

/* Finds needle in hay; offset or -1. */
static long find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return (long)i;
	return -1;
}

static void test_tampered(void)
{
	env();
	eseal_tsa *t = new_tsa(&E.sm2);
	eseal_tsa_req q;
	eseal_report *r = NULL;
	eseal_report_item *it;
	eseal_tst *tok = stamp(t, "sm3", &q);
	REQUIRE(tok);
	size_t n;
	const uint8_t *der = eseal_tst_der(tok, &n);
	uint8_t *bad = malloc(n);
	REQUIRE(bad);

	/* the imprint inside TSTInfo changed to another document's digest:
	 * the messageDigest attribute no longer matches */
	uint8_t other[32];
	eseal_sm3(other, "forged", 6);
	memcpy(bad, der, n);
	long at = find(bad, n, q.imprint, q.imprint_len);
	REQUIRE(at > 0);
	memcpy(bad + at, other, 32);
	eseal_tst *forged = NULL;
	CHECK_OK(eseal_tst_parse(&forged, bad, n));
	if (forged) {
		CHECK(verify(forged, E.sm2.trust, "forged", 6, NULL, &r, &it) == ESEAL_EVERIFY);
		ST(it, "message_imprint", ESEAL_CHECK_PASSED);
		ST(it, "data_hash", ESEAL_CHECK_FAILED);
		eseal_tst_free(forged);
	}

	/* the last byte of the signature value */
	memcpy(bad, der, n);
	size_t sl;
	const uint8_t *sig = eseal_cms_signature_value(tok->cms, &sl);
	at = find(bad, n, sig, sl);
	REQUIRE(at > 0);
	bad[at + (long)sl - 1] ^= 0x01;
	forged = NULL;
	if (eseal_tst_parse(&forged, bad, n) == 0) {
		CHECK(verify(forged, E.sm2.trust, data, sizeof data - 1, NULL, &r, &it) == ESEAL_EVERIFY);
		CHECK(eseal_item_check_status(it, "cms_signature") != ESEAL_CHECK_PASSED);
		eseal_tst_free(forged);
	}
	/* every single-byte change is refused by the parser or the verifier */
	int accepted = 0;
	for (size_t i = 0; i < n; i += 3) {
		memcpy(bad, der, n);
		bad[i] ^= 0x5a;
		forged = NULL;
		if (eseal_tst_parse(&forged, bad, n) == 0) {
			eseal_tst_verify_opts o = { .trust = E.sm2.trust, .data = data, .data_len = sizeof data - 1 };
			if (eseal_tst_verify(forged, &o, NULL) == 0) {
				fprintf(stderr, "  accepted a change at offset %zu\n", i);
				eseal_file_write_atomic("/tmp/tsa-accepted.der", der, n, 0644);
				accepted++;
			}
			eseal_tst_free(forged);
		}
	}
	CHECK_EQ_INT(accepted, 0);
	free(bad);
	eseal_tst_free(tok);
	eseal_report_free(r);
	eseal_tsa_free(t);
}

static void test_wrong_eku(void)
{
	env();
	eseal_tsa *t = NULL;
	eseal_tsa_config c = { 0 };
	c.key = E.sm2.seal_key;
	c.cert = E.sm2.seal_cert;
	c.serial_fn = counter;
	c.serial_ctx = &serial_ctr;
	/* the TSA refuses to work with a certificate that is not a TSA's */
	CHECK(eseal_tsa_new(&t, &c) == ESEAL_EINVAL);
	CHECK(t == NULL);
	/* a key that is not the certificate's */
	c.key = E.sm2.key;
	c.cert = E.sm2.seal_cert;
	CHECK(eseal_tsa_new(&t, &c) != 0);
	c.cert = E.sm2.cert;
	c.key = E.sm2.seal_key;
	CHECK(eseal_tsa_new(&t, &c) != 0);

	/* and a verifier refuses a token from such a signer */
	c.key = E.sm2.seal_key;
	c.cert = E.sm2.seal_cert;
	CHECK_OK(tsa_new_unchecked(&t, &c));
	REQUIRE(t);
	eseal_tsa_req q;
	eseal_report *r = NULL;
	eseal_report_item *it;
	eseal_tst *tok = stamp(t, "sm3", &q);
	REQUIRE(tok);
	CHECK(verify(tok, E.sm2.trust, data, sizeof data - 1, &q, &r, &it) == ESEAL_EVERIFY);
	ST(it, "tsa_certificate", ESEAL_CHECK_FAILED);
	ST(it, "cms_signature", ESEAL_CHECK_PASSED);
	ST(it, "message_imprint", ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
	eseal_tst_free(tok);
	eseal_report_free(r);
	eseal_tsa_free(t);
}

static void test_rejections(void)
{
	env();
	eseal_tsa *t = new_tsa(&E.sm2);
	eseal_buf req = ESEAL_BUF_INIT, resp = ESEAL_BUF_INIT;
	eseal_tst *tok = NULL;
	int status;
	uint32_t fail;
	char text[100];
	/* garbage */
	CHECK_OK(eseal_tsa_respond(t, (const uint8_t *)"\x30\x03\x02\x01", 4, &resp));
	CHECK_OK(eseal_tsa_resp_parse(resp.data, resp.len, &status, &fail, text, sizeof text, &tok));
	CHECK_EQ_INT(status, 2);
	CHECK_EQ_INT(fail, 1u << ESEAL_TSA_FAIL_BAD_DATA_FORMAT);
	CHECK(tok == NULL);
	CHECK(strlen(text) > 0);
	/* a policy this TSA does not have */
	eseal_tsa_req q;
	CHECK_OK(eseal_tsa_req_make(&q, "sm3", data, sizeof data - 1, 1));
	strcpy(q.policy, "1.2.3.4.99");
	CHECK_OK(eseal_tsa_req_encode(&q, &req));
	CHECK_OK(eseal_tsa_respond(t, req.data, req.len, &resp));
	CHECK_OK(eseal_tsa_resp_parse(resp.data, resp.len, &status, &fail, text, sizeof text, &tok));
	CHECK_EQ_INT(status, 2);
	CHECK_EQ_INT(fail, 1u << ESEAL_TSA_FAIL_UNACCEPTED_POLICY);
	/* an unsupported hash: SHA-1 */
	static const uint8_t sha1req[] = { 0x30, 0x21, 0x02, 0x01, 0x01, 0x30, 0x1c, 0x30, 0x07, 0x06, 0x05,
					   0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x04, 0x11, 1, 2, 3, 4, 5, 6, 7, 8,
					   9, 10, 11, 12, 13, 14, 15, 16, 17 };
	CHECK_OK(eseal_tsa_respond(t, sha1req, sizeof sha1req, &resp));
	CHECK_OK(eseal_tsa_resp_parse(resp.data, resp.len, &status, &fail, text, sizeof text, &tok));
	CHECK_EQ_INT(status, 2);
	CHECK_EQ_INT(fail, 1u << ESEAL_TSA_FAIL_BAD_ALG);
	/* no certificate requested: the token carries none */
	q.policy[0] = 0;
	q.cert_req = 0;
	CHECK_OK(eseal_tsa_req_encode(&q, &req));
	CHECK_OK(eseal_tsa_respond(t, req.data, req.len, &resp));
	CHECK_OK(eseal_tsa_resp_parse(resp.data, resp.len, &status, &fail, text, sizeof text, &tok));
	CHECK_EQ_INT(status, 0);
	REQUIRE(tok);
	CHECK(eseal_tst_signer_cert(tok, NULL) == NULL);
	eseal_tst_verify_opts o = { .trust = E.sm2.trust, .data = data, .data_len = sizeof data - 1 };
	CHECK(eseal_tst_verify(tok, &o, NULL) == ESEAL_EVERIFY);
	/* unless the verifier has the TSA certificate (and its issuer, which
	 * the token does not carry either), and only the right one */
	eseal_trust *both = NULL;
	CHECK_OK(eseal_trust_new(&both));
	CHECK_OK(eseal_trust_add_cert(both, eseal_ca_root(E.sm2.ca)));
	CHECK_OK(eseal_trust_add_cert(both, eseal_ca_issuing(E.sm2.ca)));
	o.trust = both;
	o.tsa_cert = E.sm2.cert;
	CHECK_OK(eseal_tst_verify(tok, &o, NULL));
	o.tsa_cert = E.sm2.seal_cert;
	CHECK(eseal_tst_verify(tok, &o, NULL) == ESEAL_EVERIFY);
	eseal_trust_free(both);
	eseal_tst_free(tok);
	/* responses: junk after the token, a token in a refusal */
	CHECK(eseal_tsa_resp_parse((const uint8_t *)"\x30\x00", 2, &status, &fail, NULL, 0, &tok) != 0);
	CHECK(eseal_tsa_resp_parse((const uint8_t *)"\x30\x05\x30\x03\x02\x01\x00", 7, &status, &fail, NULL, 0,
				   &tok) != 0);  /* granted without a token */
	CHECK(eseal_tsa_resp_parse((const uint8_t *)"\x30\x05\x30\x03\x02\x01\x09", 7, &status, &fail, NULL, 0,
				   &tok) != 0);  /* unknown status */
	eseal_buf_free(&req);
	eseal_buf_free(&resp);
	eseal_tsa_free(t);
}

static void test_serial_file(void)
{
	char path[400];
	uint64_t a = 0, b = 0;
	snprintf(path, sizeof path, "%s/tsa.serial", h_tmpdir());
	CHECK_OK(eseal_tsa_serial_file_next(path, &a));
	CHECK_EQ_INT(a, 1);
	CHECK_OK(eseal_tsa_serial_file_next(path, &b));
	CHECK_EQ_INT(b, 2);
	CHECK_OK(eseal_file_write_atomic(path, "garbage\n", 8, 0600));
	CHECK(eseal_tsa_serial_file_next(path, &a) == ESEAL_EFORMAT);
	CHECK_OK(eseal_file_write_atomic(path, "41\n", 3, 0600));
	CHECK_OK(eseal_tsa_serial_file_next(path, &a));
	CHECK_EQ_INT(a, 42);

	/* a TSA keeps its own copy of the counter's path */
	env();
	char buf[400];
	snprintf(buf, sizeof buf, "%s/tsa.serial", h_tmpdir());
	char keep[400];
	snprintf(keep, sizeof keep, "%s", buf);
	eseal_tsa *t = NULL;
	eseal_tsa_config c = { 0 };
	c.key = E.sm2.key;
	c.cert = E.sm2.cert;
	c.serial_file = buf;
	CHECK_OK(eseal_tsa_new(&t, &c));
	memset(buf, 'x', sizeof buf - 1);
	eseal_tsa_req q;
	eseal_tst *tok = stamp(t, "sm3", &q);
	CHECK(tok && !strcmp(eseal_tst_serial(tok), "01"));
	eseal_tst_free(tok);
	tok = stamp(t, "sm3", &q);
	CHECK(tok && !strcmp(eseal_tst_serial(tok), "02"));
	eseal_tst_free(tok);
	eseal_buf cb = ESEAL_BUF_INIT;
	CHECK_OK(eseal_file_read(&cb, keep, 100));
	CHECK(cb.len == 2 && !memcmp(cb.data, "2\n", 2));
	eseal_buf_free(&cb);
	eseal_tsa_free(t);
}

/* A CMS signature whose signature value is time-stamped (unsigned
 * attribute), GM and CAdES, with an in-process TSA. */
static void test_cms_timestamp(void)
{
	env();
	eseal_tsa *t = new_tsa(&E.sm2);
	eseal_tsa_source src = { .local = t };
	tsa_env *signers[2] = { &E.sm2, &E.p256 };
	for (int i = 0; i < 2; i++) {
		tsa_env *s = signers[i];
		uint8_t dg[32];
		eseal_cms_sign_opts o = { 0 };
		o.profile = i == 0 ? ESEAL_CMS_GM : ESEAL_CMS_CADES;
		o.signer = s->seal_cert;
		o.key = s->seal_key;
		o.timestamp = eseal_tsa_cms_callback;
		o.timestamp_ctx = &src;
		if (i == 0)
			eseal_sm3(dg, data, sizeof data - 1);
		else
			eseal_sha256(dg, data, sizeof data - 1);
		eseal_buf sig = ESEAL_BUF_INIT;
		time_t before = time(NULL);
		CHECK_OK(eseal_cms_sign_detached(&sig, &o, dg, 32));
		CHECK(sig.len <= eseal_cms_max_size(&o));
		eseal_cms *c = NULL;
		CHECK_OK(eseal_cms_parse(&c, sig.data, sig.len));
		REQUIRE(c);
		size_t tl;
		CHECK(eseal_cms_timestamp_token(c, &tl) != NULL && tl > 100);
		eseal_report *r = NULL;
		CHECK_OK(eseal_report_new(&r, "pdf", "test"));
		eseal_report_item *it = eseal_report_add(r, "signature 1");
		/* the signature itself is unchanged by the unsigned attribute */
		CHECK_OK(eseal_cms_verify(c, dg, 32, s->trust, 0, it));
		ST(it, "cms_signature", ESEAL_CHECK_PASSED);
		eseal_report_item *ti = eseal_report_add(r, "timestamp");
		time_t proven = 0;
		CHECK_OK(eseal_tst_verify_cms(c, E.sm2.trust, ti, &proven));
		CHECK(proven >= before && proven <= time(NULL));
		/* a TSA the caller does not trust proves nothing */
		CHECK(eseal_tst_verify_cms(c, E.p256.trust, NULL, &proven) == ESEAL_EVERIFY);
		CHECK_EQ_INT(proven, 0);
		eseal_cms_free(c);

		/* another signature value under the same token: refused */
		size_t sl;
		CHECK_OK(eseal_cms_parse(&c, sig.data, sig.len));
		const uint8_t *sv = eseal_cms_signature_value(c, &sl);
		long at = find(sig.data, sig.len, sv, sl);
		eseal_cms_free(c);
		REQUIRE(at > 0);
		sig.data[at + (long)sl - 2] ^= 0x10;
		c = NULL;
		if (eseal_cms_parse(&c, sig.data, sig.len) == 0) {
			CHECK(eseal_tst_verify_cms(c, E.sm2.trust, NULL, NULL) == ESEAL_EVERIFY);
			eseal_cms_free(c);
		}
		eseal_report_free(r);
		eseal_buf_free(&sig);
	}
	/* without a time-stamp */
	uint8_t dg[32] = { 1 };
	eseal_cms_sign_opts o = { .profile = ESEAL_CMS_GM, .signer = E.sm2.seal_cert, .key = E.sm2.seal_key };
	eseal_buf sig = ESEAL_BUF_INIT;
	eseal_cms *c = NULL;
	CHECK_OK(eseal_cms_sign_detached(&sig, &o, dg, 32));
	CHECK_OK(eseal_cms_parse(&c, sig.data, sig.len));
	CHECK(eseal_tst_verify_cms(c, E.sm2.trust, NULL, NULL) == ESEAL_ENOTFOUND);
	eseal_cms_free(c);
	eseal_buf_free(&sig);
	eseal_tsa_free(t);
}

/* The HTTP client against the service's POST /api/v1/tsa. */
static void test_http(void)
{
	env();
	eseal_tsa *t = new_tsa(&E.sm2);
	eseal_server_config cfg = { 0 };
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 2;
	cfg.password_cost = 10;
	cfg.tsa = t;
	eseal_server *sv = NULL;
	CHECK_OK(eseal_server_start(&sv, &cfg));
	REQUIRE(sv);
	char url[100];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/tsa", eseal_server_port(sv));
	eseal_tsa_source src = { .url = url, .timeout_s = 10 };
	uint8_t h[32];
	eseal_sm3(h, data, sizeof data - 1);
	eseal_buf tok = ESEAL_BUF_INIT;
	CHECK_OK(eseal_tsa_fetch(&src, "sm3", h, 32, &tok));
	eseal_tst *tst = NULL;
	CHECK_OK(eseal_tst_parse(&tst, tok.data, tok.len));
	if (tst) {
		eseal_tst_verify_opts o = { .trust = E.sm2.trust, .data = data, .data_len = sizeof data - 1 };
		CHECK_OK(eseal_tst_verify(tst, &o, NULL));
		eseal_tst_free(tst);
	}
	/* a path that is no TSA: an HTTP error, no token */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/nothing", eseal_server_port(sv));
	CHECK(eseal_tsa_fetch(&src, "sm3", h, 32, &tok) != 0);
	src.url = "https://example.invalid/tsa";
	CHECK(eseal_tsa_fetch(&src, "sm3", h, 32, &tok) == ESEAL_EUNSUPPORTED);
	eseal_server_stop(sv, 2);
	eseal_buf_free(&tok);
	eseal_tsa_free(t);
}

TESTS(T(test_request_roundtrip), T(test_request_strict), T(test_sm2_roundtrip), T(test_ecdsa_roundtrip),
      T(test_wrong_data_and_nonce), T(test_tampered), T(test_wrong_eku), T(test_rejections),
      T(test_serial_file), T(test_cms_timestamp), T(test_http))
