/*
 * fuzz_pdf_text.c - libFuzzer target for PDF text extraction: content
 * streams, fonts, CMaps, encodings, Form XObjects, then line grouping,
 * keyword search and JSON of the shared text model.
 */
#include <stdlib.h>

#include "eseal/pdf.h"
#include "eseal/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eseal_pdf *pdf;
	if (eseal_pdf_open(&pdf, data, size) != 0)
		return 0;
	eseal_pdf_set_max_stream(pdf, (size_t)4 << 20);
	eseal_text_doc *t;
	if (eseal_pdf_text(&t, pdf) == 0) {
		eseal_text_hit *h;
		size_t n;
		if (eseal_text_find(t, "盖章", &h, &n) == 0)
			free(h);
		eseal_buf j = ESEAL_BUF_INIT;
		eseal_text_doc_json(t, 1, &j);
		eseal_buf_free(&j);
		eseal_text_doc_free(t);
	}
	eseal_pdf_free(pdf);
	return 0;
}
