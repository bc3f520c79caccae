/*
 * fuzz_ofd_cms.c - libFuzzer target for the Type="Sign" CMS checks of OFD
 * verification (GM/T 0010 SignedData: both variants, certificate lookup).
 */
#include "eseal/eseal.h"
#include "ofd/sign_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eseal_report *r = NULL;
	if (eseal_report_new(&r, "ofd", "fuzz") != 0)
		return 0;
	eseal_report_item *it = eseal_report_add(r, "signature 1");
	if (it) {
		ofd_verify_cms(data, size, (const uint8_t *)"<x/>", 4, NULL, it);
		eseal_item_conclude(it);
	}
	eseal_buf b = ESEAL_BUF_INIT;
	eseal_report_json(r, &b);
	eseal_buf_free(&b);
	eseal_report_free(r);
	return 0;
}
