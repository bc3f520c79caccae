/*
 * fuzz_ses.c - libFuzzer target for the DER walker and the SESeal and
 * SES_Signature parsers (V1, V4, V5), including the checks that run on
 * parsed data.
 */
#include "eseal/eseal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t used;
	eseal_der_validate(data, size, &used);
	eseal_seal *s = NULL;
	if (eseal_seal_parse(&s, data, size) == 0) {
		size_t n;
		eseal_seal_picture(s, &n);
		eseal_seal_verify_signature(s);
		eseal_seal_allows_signer(s, data, size);
		eseal_seal_free(s);
	}
	eseal_sessig *g = NULL;
	if (eseal_sessig_parse(&g, data, size) == 0) {
		eseal_sessig_verify_signature(g);
		eseal_report *r = NULL;
		if (eseal_report_new(&r, "seal", "fuzz") == 0) {
			eseal_report_item *it = eseal_report_add(r, "1");
			if (it)
				eseal_sessig_verify(g, data, size < 32 ? size : 32, NULL, it);
			eseal_buf b = ESEAL_BUF_INIT;
			eseal_report_json(r, &b);
			eseal_buf_free(&b);
			eseal_report_free(r);
		}
		eseal_sessig_free(g);
	}
	return 0;
}
