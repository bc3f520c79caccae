/*
 * cmap.c - CMap programs: codespace ranges, bfchar/bfrange (ToUnicode) and
 * cidchar/cidrange (embedded CID encodings).
 *
 * A CMap is data here, never a PostScript program: only the sections we
 * know are read, everything else is skipped. Range sizes are capped so a
 * hostile "<0000> <FFFFFFFF>" costs one entry, not four billion.
 */
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

void pdf_cmap_free(pdf_cmap *cm)
{
	if (!cm)
		return;
	free(cm->r);
	free(cm->pool);
	memset(cm, 0, sizeof *cm);
}

static uint32_t be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n && i < 4; i++)
		v = v << 8 | p[i];
	return v;
}

/* UTF-16BE bytes to code points (into the pool). */
static int pool_utf16(pdf_cmap *cm, const uint8_t *p, size_t n, uint32_t *idx, uint8_t *len)
{
	uint32_t cps[8];
	int k = 0;
	for (size_t i = 0; i + 1 < n && k < 8; i += 2) {
		uint32_t u = (uint32_t)p[i] << 8 | p[i + 1];
		if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
			uint32_t lo = (uint32_t)p[i + 2] << 8 | p[i + 3];
			if (lo >= 0xDC00 && lo < 0xE000) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			}
		}
		cps[k++] = u;
	}
	if (n == 1 && k == 0)
		cps[k++] = p[0]; /* a one-byte destination: take it as is */
	if (cm->npool + (size_t)k > cm->cappool) {
		size_t nc = cm->cappool ? cm->cappool * 2 : 256;
		while (nc < cm->npool + (size_t)k)
			nc *= 2;
		uint32_t *np = realloc(cm->pool, nc * sizeof *np);
		if (!np)
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		cm->pool = np;
		cm->cappool = nc;
	}
	*idx = (uint32_t)cm->npool;
	memcpy(cm->pool + cm->npool, cps, (size_t)k * sizeof *cps);
	cm->npool += (size_t)k;
	*len = (uint8_t)k;
	return 0;
}

static int add_range(pdf_cmap *cm, uint32_t lo, uint32_t hi, uint32_t dst, uint8_t dstlen, uint8_t inc)
{
	if (cm->nr >= 1000000)
		return eseal_error_set(ESEAL_ELIMIT, "CMap has too many entries");
	if (cm->nr == cm->capr) {
		size_t nc = cm->capr ? cm->capr * 2 : 64;
		pdf_cmap_range *r = realloc(cm->r, nc * sizeof *r);
		if (!r)
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		cm->r = r;
		cm->capr = nc;
	}
	pdf_cmap_range *r = &cm->r[cm->nr++];
	r->lo = lo;
	r->hi = hi;
	r->dst = dst;
	r->dstlen = dstlen;
	r->inc = inc;
	cm->sorted = 0;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const pdf_cmap_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

int pdf_cmap_parse(pdf_cmap *cm, const uint8_t *p, size_t n)
{
	pdf_lex lx = { p, n, 0 };
	pdf_arena a = { 0 };
	int rc = 0;
	enum { NONE, SPACE, BFCHAR, BFRANGE, CIDCHAR, CIDRANGE } mode = NONE;
	for (size_t guard = 0; guard < 10000000; guard++) {
		pdf_tok t = pdf_lex_next(&lx);
		if (t.type == TK_EOF)
			break;
		if (t.type == TK_KEYWORD) {
			if (pdf_tok_is(&lx, &t, "begincodespacerange")) mode = SPACE;
			else if (pdf_tok_is(&lx, &t, "beginbfchar")) mode = BFCHAR;
			else if (pdf_tok_is(&lx, &t, "beginbfrange")) mode = BFRANGE;
			else if (pdf_tok_is(&lx, &t, "begincidchar")) mode = CIDCHAR;
			else if (pdf_tok_is(&lx, &t, "begincidrange")) mode = CIDRANGE;
			else mode = NONE;
			continue;
		}
		if (mode == NONE || t.type != TK_HEXSTRING) {
			if (t.type == TK_ERROR)
				break;
			continue;
		}
		/* one entry: source code(s) then destination */
		uint8_t *s1, *s2 = NULL;
		size_t n1, n2 = 0;
		if (pdf_lex_string(&lx, &t, &a, &s1, &n1))
			goto nomem;
		if (mode == SPACE || mode == BFRANGE || mode == CIDRANGE) {
			pdf_tok t2 = pdf_lex_next(&lx);
			if (t2.type != TK_HEXSTRING)
				continue;
			if (pdf_lex_string(&lx, &t2, &a, &s2, &n2))
				goto nomem;
		}
		if (n1 == 0 || n1 > 4)
			continue;
		uint32_t lo = be(s1, n1), hi = s2 ? be(s2, n2) : lo;
		if (hi < lo)
			continue;
		if (mode == SPACE) {
			if (cm->nspace < 16) {
				cm->space[cm->nspace].n = (uint8_t)n1;
				cm->space[cm->nspace].lo = lo;
				cm->space[cm->nspace].hi = hi;
				cm->nspace++;
			}
			continue;
		}
		eseal_pdf_val *dst;
		if ((rc = pdf_parse_value(&lx, &a, 0, 0, &dst))) {
			eseal_error_clear();
			rc = 0;
			continue;
		}
		if (hi - lo > 65535)
			hi = lo + 65535;
		if (mode == CIDCHAR || mode == CIDRANGE) {
			if (dst->type == ESEAL_PDF_INT && dst->u.i >= 0)
				rc = add_range(cm, lo, hi, (uint32_t)dst->u.i, 0, 1);
		} else if (dst->type == ESEAL_PDF_STRING) {
			uint32_t idx;
			uint8_t len;
			if ((rc = pool_utf16(cm, dst->u.s.p, dst->u.s.n, &idx, &len)) == 0 && len)
				rc = add_range(cm, lo, hi, idx, len, mode == BFRANGE);
		} else if (dst->type == ESEAL_PDF_ARRAY && mode == BFRANGE) {
			for (size_t i = 0; i < dst->u.a.n && lo + i <= hi && !rc; i++) {
				const eseal_pdf_val *d = dst->u.a.v[i];
				uint32_t idx;
				uint8_t len;
				if (d->type != ESEAL_PDF_STRING)
					continue;
				if ((rc = pool_utf16(cm, d->u.s.p, d->u.s.n, &idx, &len)) == 0 && len)
					rc = add_range(cm, lo + (uint32_t)i, lo + (uint32_t)i, idx, len, 0);
			}
		} else if (dst->type == ESEAL_PDF_NAME && mode == BFCHAR) {
			uint32_t u = pdf_glyph_unicode((const char *)dst->u.s.p);
			if (u) {
				uint8_t b[2] = { (uint8_t)(u >> 8), (uint8_t)u };
				uint32_t idx;
				uint8_t len;
				if ((rc = pool_utf16(cm, b, 2, &idx, &len)) == 0)
					rc = add_range(cm, lo, hi, idx, len, 0);
			}
		}
		if (rc)
			break;
	}
	pdf_arena_free(&a);
	if (rc)
		return rc;
	/* stable by insertion for equal lo: later definitions are found last */
	if (cm->nr)
		qsort(cm->r, cm->nr, sizeof *cm->r, cmp_range);
	cm->sorted = 1;
	return 0;
nomem:
	pdf_arena_free(&a);
	return ESEAL_ENOMEM;
}

int pdf_cmap_code_len(const pdf_cmap *cm, const uint8_t *s, size_t n)
{
	for (int len = 1; len <= 4 && (size_t)len <= n; len++) {
		uint32_t v = be(s, (size_t)len);
		for (int i = 0; i < cm->nspace; i++) {
			if (cm->space[i].n != len)
				continue;
			/* byte-wise range check, as the CMap spec defines it */
			int ok = 1;
			for (int b = 0; b < len && ok; b++) {
				int sh = 8 * (len - 1 - b);
				uint8_t x = (uint8_t)(v >> sh), l = (uint8_t)(cm->space[i].lo >> sh),
					h = (uint8_t)(cm->space[i].hi >> sh);
				ok = x >= l && x <= h;
			}
			if (ok)
				return len;
		}
	}
	/* no codespace matched: use the shortest declared length */
	int min = 4;
	for (int i = 0; i < cm->nspace; i++)
		if (cm->space[i].n < min)
			min = cm->space[i].n;
	if (!cm->nspace)
		min = 1;
	return (size_t)min <= n ? min : (int)n;
}

static const pdf_cmap_range *find(const pdf_cmap *cm, uint32_t code)
{
	size_t lo = 0, hi = cm->nr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cm->r[mid].lo <= code)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* lo = first with r.lo > code; look back a little for overlapping ranges */
	for (size_t i = lo, k = 0; i-- > 0 && k < 64; k++)
		if (cm->r[i].lo <= code && code <= cm->r[i].hi)
			return &cm->r[i];
	return NULL;
}

int pdf_cmap_unicode(const pdf_cmap *cm, uint32_t code, uint32_t *out, int max)
{
	const pdf_cmap_range *r = find(cm, code);
	if (!r || !r->dstlen)
		return 0;
	int n = r->dstlen < max ? r->dstlen : max;
	memcpy(out, cm->pool + r->dst, (size_t)n * sizeof *out);
	if (r->inc && n)
		out[n - 1] += code - r->lo;
	return n;
}

int64_t pdf_cmap_cid(const pdf_cmap *cm, uint32_t code)
{
	const pdf_cmap_range *r = find(cm, code);
	if (!r || r->dstlen)
		return -1;
	return (int64_t)r->dst + (code - r->lo);
}
