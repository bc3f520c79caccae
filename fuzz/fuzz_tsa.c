/*
 * fuzz_tsa.c - libFuzzer target for RFC 3161 parsing: the first byte
 * picks the TimeStampReq parser (with an encode/parse round trip that must
 * give the same request back), the TimeStampResp parser, or the bare token
 * parser; parsed tokens go through every accessor and verification with a
 * dummy digest and no trust anchors.
 */
#include <stdlib.h>
#include <string.h>

#include "eseal/tsa.h"

static void token(const eseal_tst *t)
{
	size_t n;
	(void)eseal_tst_gen_time(t);
	(void)eseal_tst_gen_time_text(t);
	(void)eseal_tst_policy(t);
	(void)eseal_tst_hash(t);
	(void)eseal_tst_serial(t);
	(void)eseal_tst_accuracy_ms(t);
	(void)eseal_tst_profile(t);
	eseal_tst_imprint(t, &n);
	eseal_tst_nonce(t, &n);
	eseal_tst_der(t, &n);
	eseal_tst_signer_cert(t, &n);
	uint8_t d[32];
	memset(d, 0x5a, sizeof d);
	eseal_tst_verify_opts o = { 0 };
	o.hash = d;
	o.hash_len = sizeof d;
	o.nonce = d;
	o.nonce_len = 8;
	eseal_report *r = NULL;
	if (eseal_report_new(&r, "timestamp", "fuzz") == 0) {
		eseal_report_item *it = eseal_report_add(r, "timestamp");
		eseal_tst_verify(t, &o, it);
		eseal_buf b = ESEAL_BUF_INIT;
		eseal_report_json(r, &b);
		eseal_buf_free(&b);
		eseal_report_free(r);
	}
	eseal_tst_verify(t, &o, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0] % 3;
	data++;
	size--;
	if (mode == 0) {
		eseal_tsa_req q, q2;
		if (eseal_tsa_req_parse(&q, data, size) == 0) {
			eseal_buf b = ESEAL_BUF_INIT;
			/* what parses must encode, and parse back to the same request */
			if (eseal_tsa_req_encode(&q, &b) != 0 || eseal_tsa_req_parse(&q2, b.data, b.len) != 0 ||
			    strcmp(q.hash, q2.hash) || q.imprint_len != q2.imprint_len ||
			    memcmp(q.imprint, q2.imprint, q.imprint_len) || q.nonce_len != q2.nonce_len ||
			    memcmp(q.nonce, q2.nonce, q.nonce_len) || strcmp(q.policy, q2.policy) ||
			    q.cert_req != q2.cert_req)
				abort();
			eseal_buf_free(&b);
		}
	} else if (mode == 1) {
		int status;
		uint32_t fail;
		char text[64];
		eseal_tst *t = NULL;
		if (eseal_tsa_resp_parse(data, size, &status, &fail, text, sizeof text, &t) == 0 && t)
			token(t);
		eseal_tst_free(t);
	} else {
		eseal_tst *t = NULL;
		if (eseal_tst_parse(&t, data, size) == 0)
			token(t);
		eseal_tst_free(t);
	}
	return 0;
}
