/*
 * write_incr.c - appends one incremental update to a PDF: new and replaced
 * objects, a cross-reference section of the same kind as the previous one
 * (table or stream) and a trailer chained by /Prev. It builds the update in
 * memory and must never touch the bytes of earlier revisions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/crypto.h"
#include "pdfsign_internal.h"

void pdf_incr_init(pdf_incr *w, eseal_pdf *pdf, uint64_t base)
{
	memset(w, 0, sizeof *w);
	w->pdf = pdf;
	w->base = base;
	w->next = eseal_pdf_object_count(pdf);
	if (w->next == 0)
		w->next = 1;
}

void pdf_incr_free(pdf_incr *w)
{
	eseal_buf_free(&w->out);
	free(w->ents);
	w->ents = NULL;
}

uint32_t pdf_incr_alloc(pdf_incr *w)
{
	return w->next++;
}

int pdf_incr_begin(pdf_incr *w, uint32_t num, uint16_t gen)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		pdf_incr_ent *e = realloc(w->ents, cap * sizeof *e);
		if (!e)
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		w->ents = e;
		w->cap = cap;
	}
	w->ents[w->n++] = (pdf_incr_ent){ num, gen, w->base + w->out.len };
	return eseal_buf_printf(&w->out, "%u %u obj\n", num, gen);
}

int pdf_incr_end(pdf_incr *w)
{
	return eseal_buf_puts(&w->out, "\nendobj\n");
}

static int put_hex(eseal_buf *out, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	if (eseal_buf_reserve(out, n * 2 + 2))
		return ESEAL_ENOMEM;
	eseal_buf_putc(out, '<');
	for (size_t i = 0; i < n; i++) {
		eseal_buf_putc(out, (uint8_t)hx[p[i] >> 4]);
		eseal_buf_putc(out, (uint8_t)hx[p[i] & 15]);
	}
	return eseal_buf_putc(out, '>');
}

int pdf_incr_string(pdf_incr *w, eseal_buf *out, uint32_t num, uint16_t gen, const void *s, size_t n)
{
	if (!w->pdf->crypt.present)
		return put_hex(out, s, n);
	eseal_buf e = ESEAL_BUF_INIT;
	int rc = pdf_crypt_encrypt(&w->pdf->crypt, 1, num, gen, s, n, &e);
	if (rc == 0)
		rc = put_hex(out, e.data, e.len);
	eseal_buf_free(&e);
	return rc;
}

int pdf_incr_stream(pdf_incr *w, uint32_t num, const char *dict_body, const uint8_t *data, size_t n)
{
	eseal_buf e = ESEAL_BUF_INIT;
	int rc = 0;
	if (w->pdf->crypt.present) {
		if ((rc = pdf_crypt_encrypt(&w->pdf->crypt, 0, num, 0, data, n, &e)))
			return rc;
		data = e.data;
		n = e.len;
	}
	if (!rc)
		rc = pdf_incr_begin(w, num, 0);
	if (!rc)
		rc = eseal_buf_printf(&w->out, "<<%s /Length %zu>>\nstream\n", dict_body, n);
	if (!rc)
		rc = eseal_buf_put(&w->out, data, n);
	if (!rc)
		rc = eseal_buf_puts(&w->out, "\nendstream");
	if (!rc)
		rc = pdf_incr_end(w);
	eseal_buf_free(&e);
	return rc;
}

static int put_name(eseal_buf *out, const char *s)
{
	eseal_buf_putc(out, '/');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x21 || *p > 0x7e || strchr("#()<>[]{}/%", *p))
			eseal_buf_printf(out, "#%02X", *p);
		else
			eseal_buf_putc(out, *p);
	}
	return 0;
}

int pdf_incr_value(pdf_incr *w, eseal_buf *out, const eseal_pdf_val *v, uint32_t num, uint16_t gen,
		   int depth)
{
	if (depth > 64)
		return eseal_error_set(ESEAL_ELIMIT, "PDF value nested too deeply");
	int rc = 0;
	switch (eseal_pdf_val_type(v)) {
	case ESEAL_PDF_NULL: return eseal_buf_puts(out, "null");
	case ESEAL_PDF_BOOL: return eseal_buf_puts(out, eseal_pdf_val_bool(v) ? "true" : "false");
	case ESEAL_PDF_INT: return eseal_buf_printf(out, "%lld", (long long)eseal_pdf_val_int(v));
	case ESEAL_PDF_REAL: {
		char b[64];
		snprintf(b, sizeof b, "%.6f", eseal_pdf_val_real(v));
		/* a locale must never turn the point into a comma */
		for (char *c = b; *c; c++)
			if (*c == ',')
				*c = '.';
		return eseal_buf_puts(out, b);
	}
	case ESEAL_PDF_NAME: return put_name(out, eseal_pdf_val_name(v));
	case ESEAL_PDF_STRING: {
		size_t n;
		const uint8_t *s = eseal_pdf_val_string(v, &n);
		return pdf_incr_string(w, out, num, gen, s, n);
	}
	case ESEAL_PDF_REF: {
		uint32_t rn;
		uint16_t rg;
		eseal_pdf_val_ref(v, &rn, &rg);
		return eseal_buf_printf(out, "%u %u R", rn, rg);
	}
	case ESEAL_PDF_ARRAY:
		eseal_buf_putc(out, '[');
		for (size_t i = 0; rc == 0 && i < eseal_pdf_val_len(v); i++) {
			if (i)
				eseal_buf_putc(out, ' ');
			rc = pdf_incr_value(w, out, eseal_pdf_val_at(v, i), num, gen, depth + 1);
		}
		eseal_buf_putc(out, ']');
		return rc;
	case ESEAL_PDF_DICT:
		eseal_buf_puts(out, "<<");
		rc = pdf_incr_dict_entries(w, out, v, num, gen, NULL);
		eseal_buf_puts(out, ">>");
		return rc;
	case ESEAL_PDF_STREAM:
		return eseal_error_set(ESEAL_EFORMAT, "a stream cannot be a direct value");
	}
	return eseal_error_set(ESEAL_EFORMAT, "unknown PDF value type");
}

int pdf_incr_dict_entries(pdf_incr *w, eseal_buf *out, const eseal_pdf_val *d, uint32_t num,
			  uint16_t gen, const char *const *skip)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && d && i < eseal_pdf_val_len(d); i++) {
		const char *k = eseal_pdf_val_key(d, i);
		int skipped = 0;
		for (size_t j = 0; skip && skip[j]; j++)
			if (!strcmp(k, skip[j]))
				skipped = 1;
		if (skipped)
			continue;
		eseal_buf_putc(out, ' ');
		put_name(out, k);
		eseal_buf_putc(out, ' ');
		rc = pdf_incr_value(w, out, eseal_pdf_val_value(d, i), num, gen, 1);
	}
	return rc;
}

static int cmp_ent(const void *a, const void *b)
{
	const pdf_incr_ent *x = a, *y = b;
	return x->num < y->num ? -1 : x->num > y->num;
}

/* /Root, /Info, /Encrypt and /ID (first element kept, a new second one). */
static int trailer_common(pdf_incr *w, eseal_buf *o, uint64_t prev)
{
	const eseal_pdf_val *t = eseal_pdf_trailer(w->pdf);
	uint32_t size = eseal_pdf_object_count(w->pdf);
	if (w->next > size)
		size = w->next;
	eseal_buf_printf(o, " /Size %u /Prev %llu", size, (unsigned long long)prev);
	static const char *const keys[] = { "Root", "Info", "Encrypt" };
	for (size_t i = 0; i < 3; i++) {
		const eseal_pdf_val *v = eseal_pdf_val_get(t, keys[i]);
		if (v && eseal_pdf_val_type(v) == ESEAL_PDF_REF) {
			uint32_t rn;
			uint16_t rg;
			eseal_pdf_val_ref(v, &rn, &rg);
			eseal_buf_printf(o, " /%s %u %u R", keys[i], rn, rg);
		}
	}
	const eseal_pdf_val *id = eseal_pdf_resolve(w->pdf, eseal_pdf_val_get(t, "ID"));
	const eseal_pdf_val *id0 = id && eseal_pdf_val_type(id) == ESEAL_PDF_ARRAY && eseal_pdf_val_len(id) > 0
					   ? eseal_pdf_val_at(id, 0) : NULL;
	uint8_t fresh[16];
	if (eseal_random(fresh, sizeof fresh))
		return ESEAL_ECRYPTO;
	size_t n0 = 0;
	const uint8_t *s0 = id0 ? eseal_pdf_val_string(id0, &n0) : NULL;
	eseal_buf_puts(o, " /ID [");
	if (s0)
		put_hex(o, s0, n0);
	else
		put_hex(o, fresh, sizeof fresh);
	put_hex(o, fresh, sizeof fresh);
	return eseal_buf_puts(o, "]");
}

static int finish_table(pdf_incr *w, uint64_t prev)
{
	eseal_buf *o = &w->out;
	eseal_buf_puts(o, "xref\n");
	for (size_t i = 0; i < w->n;) {
		size_t j = i + 1;
		while (j < w->n && w->ents[j].num == w->ents[j - 1].num + 1)
			j++;
		eseal_buf_printf(o, "%u %zu\n", w->ents[i].num, j - i);
		for (; i < j; i++)
			eseal_buf_printf(o, "%010llu %05u n\r\n", (unsigned long long)w->ents[i].off,
					 w->ents[i].gen);
	}
	eseal_buf_puts(o, "trailer\n<<");
	int rc = trailer_common(w, o, prev);
	eseal_buf_puts(o, " >>\n");
	return rc;
}

static int finish_stream(pdf_incr *w, uint64_t prev)
{
	uint32_t xnum = pdf_incr_alloc(w);
	uint64_t xoff = w->base + w->out.len;
	int rc = pdf_incr_begin(w, xnum, 0);
	if (rc)
		return rc;
	w->ents[w->n - 1].off = xoff;
	if (w->n > 1)
		qsort(w->ents, w->n, sizeof *w->ents, cmp_ent);
	eseal_buf idx = ESEAL_BUF_INIT, data = ESEAL_BUF_INIT;
	for (size_t i = 0; i < w->n;) {
		size_t j = i + 1;
		while (j < w->n && w->ents[j].num == w->ents[j - 1].num + 1)
			j++;
		eseal_buf_printf(&idx, "%s%u %zu", i ? " " : "", w->ents[i].num, j - i);
		for (; i < j; i++) {
			uint8_t e[8] = { 1 };
			for (int k = 0; k < 5; k++)
				e[1 + k] = (uint8_t)(w->ents[i].off >> (8 * (4 - k)));
			e[6] = (uint8_t)(w->ents[i].gen >> 8);
			e[7] = (uint8_t)w->ents[i].gen;
			eseal_buf_put(&data, e, 8);
		}
	}
	eseal_buf_cstr(&idx);
	eseal_buf *o = &w->out;
	eseal_buf_printf(o, "<< /Type /XRef /W [1 5 2] /Index [%s] /Length %zu", (const char *)idx.data,
			 data.len);
	rc = trailer_common(w, o, prev);
	eseal_buf_puts(o, " >>\nstream\n");
	eseal_buf_put(o, data.data, data.len);
	eseal_buf_puts(o, "\nendstream\nendobj\n");
	eseal_buf_free(&idx);
	eseal_buf_free(&data);
	return rc;
}

int pdf_incr_finish(pdf_incr *w, uint64_t prev, int xref_stream)
{
	if (w->n > 1)
		qsort(w->ents, w->n, sizeof *w->ents, cmp_ent);
	uint64_t xref_at = w->base + w->out.len;
	int rc = xref_stream ? finish_stream(w, prev) : finish_table(w, prev);
	if (rc)
		return rc;
	return eseal_buf_printf(&w->out, "startxref\n%llu\n%%%%EOF\n", (unsigned long long)xref_at);
}
