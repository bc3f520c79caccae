/*
 * fuzz_pdf_parse.c - libFuzzer target for the PDF parser: cross-reference
 * tables and streams, object streams, recovery, encryption setup, every
 * object of every revision, stream decoding and the page tree.
 */
#include <stdlib.h>

#include "eseal/pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eseal_pdf *pdf;
	if (eseal_pdf_open(&pdf, data, size) != 0)
		return 0;
	/* small limits keep each run fast; the limit paths get exercised too */
	eseal_pdf_set_max_stream(pdf, (size_t)4 << 20);
	uint32_t n = eseal_pdf_object_count(pdf);
	if (n > 5000)
		n = 5000;
	for (uint32_t i = 0; i < n; i++) {
		const eseal_pdf_val *v;
		if (eseal_pdf_object(pdf, i, &v) == 0) {
			eseal_buf b = ESEAL_BUF_INIT;
			eseal_pdf_val_serialize(v, &b);
			eseal_buf_clear(&b);
			if (eseal_pdf_val_type(v) == ESEAL_PDF_STREAM)
				eseal_pdf_stream_decode(pdf, v, &b);
			eseal_buf_free(&b);
		}
		for (size_t r = 0; r + 1 < eseal_pdf_revision_count(pdf) && r < 4; r++)
			eseal_pdf_object_at(pdf, r, i, &v);
	}
	size_t pages;
	if (eseal_pdf_page_count(pdf, &pages) == 0)
		for (size_t i = 0; i < pages && i < 100; i++) {
			eseal_pdf_page_info pi;
			eseal_pdf_page(pdf, i, &pi);
		}
	eseal_pdf_crypt_info ci;
	eseal_pdf_crypt_info_get(pdf, &ci);
	eseal_pdf_free(pdf);
	return 0;
}
