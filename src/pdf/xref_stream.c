/*
 * xref_stream.c - cross-reference streams (PDF 1.5): /W field widths,
 * /Index subsections, binary entries of type 0, 1 and 2.
 *
 * Never trusts /Size or /Index counts beyond what the decoded bytes hold,
 * and never decrypts the stream (xref streams are not encrypted).
 */
#include <stdlib.h>
#include <string.h>

#include "pdf_internal.h"

static uint64_t field(const uint8_t *p, int w)
{
	uint64_t v = 0;
	for (int i = 0; i < w; i++)
		v = v << 8 | p[i];
	return v;
}

int pdf_xref_stream_parse(eseal_pdf *pdf, size_t off, pdf_section *sec)
{
	eseal_pdf_val *st;
	int rc = pdf_parse_indirect_at(pdf, off, 0, 0, 0, &st);
	if (rc)
		return eseal_error_wrap("cross-reference stream at offset %zu", off);
	if (st->type != ESEAL_PDF_STREAM || !pdf_is_name(pdf_dict_get(st, "Type"), "XRef"))
		return eseal_error_set(ESEAL_EFORMAT, "offset %zu: neither an xref table nor an xref stream", off);
	sec->trailer = st->u.st.dict;
	const eseal_pdf_val *w = pdf_dict_get(st, "W");
	int ws[3];
	if (!w || w->type != ESEAL_PDF_ARRAY || w->u.a.n < 3)
		return eseal_error_set(ESEAL_EFORMAT, "xref stream at %zu: bad /W", off);
	int row = 0;
	for (int i = 0; i < 3; i++) {
		const eseal_pdf_val *x = w->u.a.v[i];
		if (x->type != ESEAL_PDF_INT || x->u.i < 0 || x->u.i > 8)
			return eseal_error_set(ESEAL_EFORMAT, "xref stream at %zu: bad /W", off);
		ws[i] = (int)x->u.i;
		row += ws[i];
	}
	if (row == 0)
		return eseal_error_set(ESEAL_EFORMAT, "xref stream at %zu: empty /W", off);
	const eseal_pdf_val *size = pdf_dict_get(st, "Size");
	if (!size || size->type != ESEAL_PDF_INT || size->u.i < 0 || (uint64_t)size->u.i > PDF_MAX_OBJECTS)
		return eseal_error_set(ESEAL_EFORMAT, "xref stream at %zu: bad /Size", off);

	eseal_buf data = ESEAL_BUF_INIT;
	size_t lim = pdf->max_stream ? pdf->max_stream : PDF_MAX_STREAM_DEFAULT;
	if ((rc = pdf_decode_stream(pdf, st, lim, &data))) {
		eseal_buf_free(&data);
		return eseal_error_wrap("xref stream at offset %zu", off);
	}
	size_t nrows = data.len / (size_t)row, r = 0, cap = 0;
	const eseal_pdf_val *idx = pdf_dict_get(st, "Index");
	size_t nidx = idx && idx->type == ESEAL_PDF_ARRAY ? idx->u.a.n / 2 : 1;
	for (size_t k = 0; k < nidx && r < nrows; k++) {
		int64_t start = 0, count = size->u.i;
		if (idx && idx->type == ESEAL_PDF_ARRAY) {
			const eseal_pdf_val *a = idx->u.a.v[2 * k], *b = idx->u.a.v[2 * k + 1];
			if (a->type != ESEAL_PDF_INT || b->type != ESEAL_PDF_INT || a->u.i < 0 || b->u.i < 0)
				break;
			start = a->u.i;
			count = b->u.i;
		}
		if ((uint64_t)start >= PDF_MAX_OBJECTS)
			break;
		if ((uint64_t)count > nrows - r)
			count = (int64_t)(nrows - r);
		if ((uint64_t)count > PDF_MAX_OBJECTS - (uint64_t)start)
			count = (int64_t)(PDF_MAX_OBJECTS - (uint64_t)start);
		if (sec->nents + (size_t)count > cap) {
			size_t nc = sec->nents + (size_t)count + 16;
			pdf_xent *e = realloc(sec->ents, nc * sizeof *e);
			if (!e) {
				eseal_buf_free(&data);
				return eseal_error_set(ESEAL_ENOMEM, "out of memory");
			}
			sec->ents = e;
			cap = nc;
		}
		for (int64_t i = 0; i < count; i++, r++) {
			const uint8_t *p = data.data + r * (size_t)row;
			uint64_t t = ws[0] ? field(p, ws[0]) : 1;
			uint64_t f2 = field(p + ws[0], ws[1]);
			uint64_t f3 = field(p + ws[0] + ws[1], ws[2]);
			pdf_xent *e = &sec->ents[sec->nents++];
			e->num = (uint32_t)(start + i);
			if (t == 1) {
				e->type = XREF_OFFSET;
				e->off = f2;
				e->gen = f3 > 65535 ? 65535 : (uint16_t)f3;
			} else if (t == 2) {
				e->type = XREF_COMPRESSED;
				e->off = f2;
				e->gen = f3 > 65535 ? 65535 : (uint16_t)f3;
				if (f2 >= PDF_MAX_OBJECTS)
					e->type = XREF_FREE;
			} else {
				e->type = XREF_FREE; /* 0 and unknown types count as free */
				e->off = 0;
				e->gen = 0;
			}
		}
	}
	eseal_buf_free(&data);
	if (sec->nents > 1)
		qsort(sec->ents, sec->nents, sizeof *sec->ents, pdf_xent_cmp);
	size_t k = 0;
	for (size_t i = 0; i < sec->nents; i++)
		if (!k || sec->ents[k - 1].num != sec->ents[i].num)
			sec->ents[k++] = sec->ents[i];
	sec->nents = k;
	return 0;
}
