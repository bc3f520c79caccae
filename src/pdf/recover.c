/*
 * recover.c - rebuilding the object table of a damaged file by scanning it
 * for "n g obj" headers and trailers.
 *
 * Runs at most once per document, in one linear pass; the result is marked
 * as recovered with a warning so callers never mistake it for an intact
 * file (signing a recovered file must be a conscious decision).
 */
#include <stdlib.h>
#include <string.h>

#include "pdf_internal.h"

/* Records the offset of every "n g obj" (the last one of a number wins). */
int pdf_recover_scan(eseal_pdf *pdf)
{
	if (pdf->scanned)
		return pdf->scan_off ? 0 : ESEAL_ENOTFOUND;
	pdf->scanned = 1;
	const uint8_t *p = pdf->data;
	size_t len = pdf->len, cap = 0;
	uint32_t maxnum = 0;
	struct hit { uint32_t num; uint16_t gen; uint64_t off; } *hits = NULL;
	/* object numbers far beyond what the file could hold are ignored */
	uint64_t lim = (uint64_t)len * 8 > (1u << 16) ? (uint64_t)len * 8 : (1u << 16);
	if (lim > PDF_MAX_OBJECTS)
		lim = PDF_MAX_OBJECTS;
	size_t nhits = 0;
	for (const uint8_t *q = p; len >= 3 && (q = memmem(q, (size_t)(p + len - q), "obj", 3)); q += 3) {
		size_t i = (size_t)(q - p);
		if (i + 3 < len && !pdf_is_space(p[i + 3]) && !pdf_is_delim(p[i + 3]))
			continue;
		size_t j = i;
		if (!j || !pdf_is_space(p[j - 1]))
			continue;
		while (j && pdf_is_space(p[j - 1]))
			j--;
		size_t ge = j;
		while (j && p[j - 1] >= '0' && p[j - 1] <= '9')
			j--;
		if (j == ge || ge - j > 5 || !j || !pdf_is_space(p[j - 1]))
			continue;
		size_t gs = j;
		while (j && pdf_is_space(p[j - 1]))
			j--;
		size_t ne = j;
		while (j && p[j - 1] >= '0' && p[j - 1] <= '9')
			j--;
		if (j == ne || ne - j > 8 || (j && !pdf_is_space(p[j - 1]) && !pdf_is_delim(p[j - 1])))
			continue;
		uint64_t num = 0, gen = 0;
		for (size_t k = j; k < ne; k++)
			num = num * 10 + (p[k] - '0');
		for (size_t k = gs; k < ge; k++)
			gen = gen * 10 + (p[k] - '0');
		if (num >= lim || gen > 65535)
			continue;
		if (nhits == cap) {
			cap = cap ? cap * 2 : 256;
			struct hit *h = realloc(hits, cap * sizeof *h);
			if (!h) {
				free(hits);
				return eseal_error_set(ESEAL_ENOMEM, "out of memory");
			}
			hits = h;
		}
		hits[nhits].num = (uint32_t)num;
		hits[nhits].gen = (uint16_t)gen;
		hits[nhits].off = j;
		nhits++;
		if (num > maxnum)
			maxnum = (uint32_t)num;
	}
	if (!nhits) {
		free(hits);
		return eseal_error_set(ESEAL_EFORMAT, "no objects found in the file");
	}
	pdf->scan_size = maxnum + 1;
	pdf->scan_off = malloc(pdf->scan_size * sizeof *pdf->scan_off);
	if (!pdf->scan_off) {
		free(hits);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	for (uint32_t i = 0; i < pdf->scan_size; i++)
		pdf->scan_off[i] = UINT64_MAX;
	for (size_t i = 0; i < nhits; i++)
		pdf->scan_off[hits[i].num] = hits[i].off;
	free(hits);
	return 0;
}

/* The last "trailer" dictionary with a /Root, or an xref stream's dict. */
static const eseal_pdf_val *find_trailer(eseal_pdf *pdf)
{
	const uint8_t *p = pdf->data, *hit = NULL;
	const eseal_pdf_val *best = NULL;
	for (const uint8_t *q = p; (q = memmem(q, (size_t)(p + pdf->len - q), "trailer", 7)); q += 7)
		hit = q;
	while (hit) {
		pdf_lex lx = { p, pdf->len, (size_t)(hit - p) + 7 };
		eseal_pdf_val *t;
		if (pdf_parse_value(&lx, &pdf->arena, 1, 0, &t) == 0 && t->type == ESEAL_PDF_DICT &&
		    pdf_dict_get(t, "Root"))
			return t;
		/* try an earlier one */
		const uint8_t *prev = NULL;
		for (const uint8_t *q = p; (q = memmem(q, (size_t)(hit - q), "trailer", 7)); q += 7)
			prev = q;
		hit = prev;
	}
	/* xref streams: the newest with a /Root */
	for (uint32_t n = 0; n < pdf->size; n++) {
		if (pdf->table[n].type != XREF_OFFSET)
			continue;
		size_t off = (size_t)pdf->table[n].off;
		size_t w = pdf->len - off < 1024 ? pdf->len - off : 1024;
		if (!memmem(p + off, w, "/XRef", 5))
			continue;
		const eseal_pdf_val *v;
		if (eseal_pdf_object(pdf, n, &v) == 0 && v->type == ESEAL_PDF_STREAM &&
		    pdf_is_name(pdf_dict_get(v, "Type"), "XRef") && pdf_dict_get(v, "Root"))
			if (!best || v->u.st.off > best->u.st.off)
				best = v;
	}
	eseal_error_clear();
	return best ? best->u.st.dict : NULL;
}

int pdf_recover_rebuild(eseal_pdf *pdf)
{
	int rc = pdf_recover_scan(pdf);
	if (rc)
		return eseal_error_wrap("cannot rebuild the cross-reference table");
	pdf->recovered = 1;
	pdf_warn(pdf, "file is damaged: cross-reference table rebuilt by scanning the file");
	pdf->size = pdf->scan_size;
	pdf->table = malloc(pdf->size * sizeof *pdf->table);
	pdf->cache = calloc(pdf->size, sizeof *pdf->cache);
	pdf->loading = calloc(pdf->size, 1);
	if (!pdf->table || !pdf->cache || !pdf->loading)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < pdf->size; i++) {
		pdf_xent *e = &pdf->table[i];
		e->num = i;
		e->type = pdf->scan_off[i] == UINT64_MAX ? XREF_NONE : XREF_OFFSET;
		e->off = pdf->scan_off[i] == UINT64_MAX ? 0 : pdf->scan_off[i];
		e->gen = 0;
		if (e->type == XREF_OFFSET) {
			pdf_lex lx = { pdf->data, pdf->len, (size_t)e->off };
			pdf_tok a = pdf_lex_next(&lx), b = pdf_lex_next(&lx);
			(void)a;
			if (b.type == TK_INT && b.i >= 0 && b.i <= 65535)
				e->gen = (uint16_t)b.i;
		}
	}
	/* objects inside object streams, unless a plain object has the number */
	uint32_t n0 = pdf->size;
	for (uint32_t n = 0; n < n0; n++) {
		if (pdf->table[n].type != XREF_OFFSET)
			continue;
		size_t off = (size_t)pdf->table[n].off;
		size_t w = pdf->len - off < 512 ? pdf->len - off : 512;
		const uint8_t *s = memmem(pdf->data + off, w, "stream", 6);
		if (!memmem(pdf->data + off, s ? (size_t)(s - pdf->data - off) : w, "/ObjStm", 7))
			continue;
		const eseal_pdf_val *v;
		if (eseal_pdf_object(pdf, n, &v) || v->type != ESEAL_PDF_STREAM)
			continue;
		eseal_pdf_val *dummy;
		if (pdf_objstm_get(pdf, n, 0, UINT32_MAX, &dummy) == 0)
			continue;
		for (pdf_objstm *o = pdf->objstms; o; o = o->next) {
			if (o->num != n)
				continue;
			for (uint32_t i = 0; i < o->n; i++)
				if (o->nums[i] < pdf->size && pdf->table[o->nums[i]].type == XREF_NONE) {
					pdf->table[o->nums[i]].type = XREF_COMPRESSED;
					pdf->table[o->nums[i]].off = n;
					pdf->table[o->nums[i]].gen = (uint16_t)(i > 65535 ? 65535 : i);
				}
		}
	}
	eseal_error_clear();
	const eseal_pdf_val *t = find_trailer(pdf);
	if (!t) {
		/* no trailer: make one pointing at the catalog */
		for (uint32_t n = 0; n < pdf->size && !t; n++) {
			const eseal_pdf_val *v;
			if (pdf->table[n].type == XREF_NONE || eseal_pdf_object(pdf, n, &v))
				continue;
			if (v->type == ESEAL_PDF_DICT && pdf_is_name(pdf_dict_get(v, "Type"), "Catalog")) {
				eseal_pdf_val *d = pdf_val_new(&pdf->arena, ESEAL_PDF_DICT);
				eseal_pdf_val *r = pdf_val_new(&pdf->arena, ESEAL_PDF_REF);
				if (!d || !r || pdf_dict_put(&pdf->arena, d, "Root", r))
					return ESEAL_ENOMEM;
				r->u.ref.num = n;
				r->u.ref.gen = pdf->table[n].gen;
				t = d;
			}
		}
		eseal_error_clear();
	}
	if (!t)
		return eseal_error_set(ESEAL_EFORMAT, "damaged file: no trailer and no document catalog found");
	pdf->trailer = t;
	pdf->revs = calloc(1, sizeof *pdf->revs);
	if (!pdf->revs)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	pdf->revs[0].end = pdf->len;
	pdf->nrevs = 1;
	return 0;
}
