/*
 * fuzz_ofd.c - libFuzzer target for the OFD reader: the bytes are a zip
 * package opened from memory, then every part is exercised: entry reads,
 * the document model, text extraction, keyword search, JSON, and the
 * signature files with their SignedValue.dat, and page 1 rendered at a
 * low resolution (paths, text, images and seal pictures from hostile
 * files must stay within the renderer's limits).
 */
#include <stdlib.h>

#include "eseal/ofd.h"
#include "eseal/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eseal_ofd *d;
	if (eseal_ofd_open_mem(&d, data, size) != 0)
		return 0;
	for (size_t i = 0; i < eseal_ofd_entry_count(d); i++) {
		const eseal_ofd_entry *e = eseal_ofd_entry_at(d, i);
		eseal_buf b = ESEAL_BUF_INIT;
		if (!e->is_dir)
			eseal_ofd_read(d, e->path, (size_t)1 << 20, &b);
		eseal_buf_free(&b);
	}
	for (size_t i = 0; i < eseal_ofd_sig_count(d); i++) {
		eseal_buf b = ESEAL_BUF_INIT;
		eseal_ofd_sig_value(d, i, &b);
		eseal_buf_free(&b);
	}
	eseal_text_doc *t;
	if (eseal_ofd_text(&t, d) == 0) {
		eseal_text_hit *h;
		size_t n;
		if (eseal_text_find(t, "盖章", &h, &n) == 0)
			free(h);
		eseal_buf j = ESEAL_BUF_INIT;
		eseal_text_doc_json(t, 1, &j);
		eseal_buf_free(&j);
		eseal_text_doc_free(t);
	}
	/* A tiny page keeps each run fast; a huge PhysicalBox is refused
	 * by the pixel limit before any drawing. */
	eseal_buf png = ESEAL_BUF_INIT;
	if (eseal_ofd_page_count(d) > 0)
		eseal_ofd_render_page(d, 1, 4, &png, NULL, NULL);
	eseal_buf_free(&png);
	eseal_ofd_free(d);
	return 0;
}
