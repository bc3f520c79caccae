/*
 * fuzz_cms.c - libFuzzer target for CMS SignedData parsing and
 * verification (GM and RFC 5652, every accessor, a dummy content digest).
 */
#include <string.h>

#include "eseal/cms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eseal_cms *c = NULL;
	if (eseal_cms_parse(&c, data, size) != 0)
		return 0;
	size_t n = 0;
	uint8_t d[64];
	eseal_cms_digest(c, data, size, d, &n);
	eseal_cms_signer_cert(c, &n);
	for (size_t i = 0; i < eseal_cms_cert_count(c); i++)
		eseal_cms_cert(c, i, &n);
	eseal_cms_timestamp_token(c, &n);
	eseal_cms_econtent(c, &n);
	(void)eseal_cms_signing_time(c);
	(void)eseal_cms_digest_name(c);
	(void)eseal_cms_has_signed_attrs(c);

	eseal_report *r = NULL;
	if (eseal_report_new(&r, "pdf", "fuzz") == 0) {
		eseal_report_item *it = eseal_report_add(r, "signature 1");
		if (it) {
			memset(d, 0x5a, sizeof d);
			eseal_cms_verify(c, d, 32, NULL, 0, it);
			eseal_item_conclude(it);
		}
		eseal_buf b = ESEAL_BUF_INIT;
		eseal_report_json(r, &b);
		eseal_buf_free(&b);
		eseal_report_free(r);
	}
	eseal_cms_free(c);
	return 0;
}
