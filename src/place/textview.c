/*
 * textview.c - the normalised text view the placement conventions read:
 * blanks dropped, ASCII brackets and colons folded to full width, each
 * code point mapped back to its glyph box.
 *
 * Read-only over the text model; never changes the document.
 */
#include <stdlib.h>
#include <string.h>

#include "place_internal.h"

static int is_blank(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0x3000 || c == 0xa0 || c == '\r' || c == '\n';
}

static uint32_t fold(uint32_t c)
{
	switch (c) {
	case '(': return 0xff08;
	case ')': return 0xff09;
	case ':': return 0xff1a;
	case 0x3014: return 0x3014;
	default: return c;
	}
}

size_t pl_utf32(const char *s, uint32_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p && n < max) {
		uint32_t c;
		if (*p < 0x80) {
			c = *p++;
		} else if ((*p & 0xe0) == 0xc0 && p[1]) {
			c = ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
			p += 2;
		} else if ((*p & 0xf0) == 0xe0 && p[1] && p[2]) {
			c = ((uint32_t)(p[0] & 0x0f) << 12) | ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
			p += 3;
		} else if ((*p & 0xf8) == 0xf0 && p[1] && p[2] && p[3]) {
			c = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3f) << 12) |
			    ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
			p += 4;
		} else {
			p++;
			continue;
		}
		if (is_blank(c))
			continue;
		out[n++] = fold(c);
	}
	return n;
}

int pl_doc_build(const eseal_text_doc *doc, pl_doc *out)
{
	memset(out, 0, sizeof *out);
	out->doc = doc;
	size_t total = 0;
	for (size_t p = 0; p < doc->npages; p++)
		total += doc->pages[p].nlines;
	if (!total)
		return 0;
	out->lines = calloc(total, sizeof *out->lines);
	if (!out->lines)
		return ESEAL_ENOMEM;
	for (size_t p = 0; p < doc->npages; p++) {
		const eseal_text_page *pg = &doc->pages[p];
		for (size_t i = 0; i < pg->nlines; i++) {
			const eseal_text_line *src = &pg->lines[i];
			pl_line *l = &out->lines[out->n++];
			l->src = src;
			l->page = (int)p + 1;
			l->cp = malloc((src->nchars + 1) * sizeof *l->cp);
			l->ci = malloc((src->nchars + 1) * sizeof *l->ci);
			if (!l->cp || !l->ci) {
				pl_doc_free(out);
				return ESEAL_ENOMEM;
			}
			for (size_t k = 0; k < src->nchars; k++) {
				uint32_t c = src->chars[k].cp;
				if (is_blank(c))
					continue;
				l->cp[l->n] = fold(c);
				l->ci[l->n++] = k;
			}
		}
	}
	return 0;
}

void pl_doc_free(pl_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->lines[i].cp);
		free(d->lines[i].ci);
	}
	free(d->lines);
	memset(d, 0, sizeof *d);
}

long pl_find32(const pl_line *l, const uint32_t *nd, size_t nn, size_t from)
{
	if (!nn || l->n < nn)
		return -1;
	for (size_t i = from; i + nn <= l->n; i++) {
		if (l->cp[i] != nd[0])
			continue;
		size_t k = 1;
		while (k < nn && l->cp[i + k] == nd[k])
			k++;
		if (k == nn)
			return (long)i;
	}
	return -1;
}

long pl_find(const pl_line *l, const char *needle, size_t from)
{
	uint32_t nd[128];
	size_t nn = pl_utf32(needle, nd, 128);
	return pl_find32(l, nd, nn, from);
}

eseal_box pl_span_box(const pl_line *l, size_t a, size_t b)
{
	eseal_box r = { 0, 0, 0, 0 };
	if (a >= b || b > l->n)
		return l->src->box;
	double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
	for (size_t i = a; i < b; i++) {
		const eseal_box *g = &l->src->chars[l->ci[i]].box;
		if (g->x < x0) x0 = g->x;
		if (g->y < y0) y0 = g->y;
		if (g->x + g->w > x1) x1 = g->x + g->w;
		if (g->y + g->h > y1) y1 = g->y + g->h;
	}
	r.x = x0;
	r.y = y0;
	r.w = x1 - x0;
	r.h = y1 - y0;
	return r;
}

double pl_span_cy(const pl_line *l, size_t a, size_t b)
{
	eseal_box r = pl_span_box(l, a, b);
	return r.y + r.h / 2;
}

const eseal_text_page *pl_page(const pl_doc *d, int page)
{
	if (page < 1 || (size_t)page > d->doc->npages)
		return NULL;
	return &d->doc->pages[page - 1];
}

static int is_num(uint32_t c)
{
	/* 〇零○一二三四五六七八九十 */
	static const uint32_t cn[] = { 0x3007, 0x96f6, 0x25cb, 0x4e00, 0x4e8c, 0x4e09, 0x56db,
				       0x4e94, 0x516d, 0x4e03, 0x516b, 0x4e5d, 0x5341 };
	if (c >= '0' && c <= '9')
		return 1;
	if (c >= 0xff10 && c <= 0xff19)
		return 1;
	for (size_t i = 0; i < sizeof cn / sizeof *cn; i++)
		if (cn[i] == c)
			return 1;
	return c == 'O';
}

int pl_is_date(const pl_line *l)
{
	/* "日期：2026年3月2日", "签发日期：…": a short date label may lead */
	size_t from = 0;
	for (size_t i = 2; i < l->n && i <= 6; i++)
		if (l->cp[i] == 0xff1a) {
			if (l->cp[i - 2] == 0x65e5 && l->cp[i - 1] == 0x671f) /* 日期 */
				from = i + 1;
			break;
		}
	size_t n = l->n - from;
	if (n < 6 || n > 18)
		return 0;
	int y = 0, m = 0, d = 0, digits = 0;
	for (size_t i = from; i < l->n; i++) {
		uint32_t c = l->cp[i];
		if (is_num(c)) {
			digits++;
			continue;
		}
		if (c == 0x5e74) { y++; continue; } /* 年 */
		if (c == 0x6708) { m++; continue; } /* 月 */
		if (c == 0x65e5) { d++; continue; } /* 日 */
		if ((c == '-' || c == '.' || c == '/') && digits)
			continue;
		return 0;
	}
	if (y == 1 && m == 1 && d == 1 && l->cp[l->n - 1] == 0x65e5 && digits >= 4)
		return 1;
	return digits >= 6 && y + m + d == 0 && n <= 10;
}

/* A seal word at i: 盖章 公章 签章 印章 (and the bare 章 of "（章）"). */
int pl_is_seal_word_at(const pl_line *l, size_t i, size_t *len)
{
	static const char *words[] = { "盖章", "公章", "签章", "印章", "专用章", "财务章", "（章）" };
	/* every word has 章 (or its bracket) within its first three: skip the rest cheaply */
	if (i >= l->n)
		return 0;
	int maybe = 0;
	for (size_t k = i; k < l->n && k < i + 3 && !maybe; k++)
		maybe = l->cp[k] == 0x7ae0; /* 章 */
	if (!maybe)
		return 0;
	for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
		uint32_t t[8];
		size_t n = pl_utf32(words[w], t, 8);
		if (i + n <= l->n && memcmp(&l->cp[i], t, n * sizeof *t) == 0) {
			*len = n;
			return 1;
		}
	}
	return 0;
}

pl_cand *pl_cands_add(pl_cands *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		pl_cand *v = realloc(c->v, cap * sizeof *v);
		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	pl_cand *r = &c->v[c->n++];
	memset(r, 0, sizeof *r);
	return r;
}

void pl_cands_free(pl_cands *c)
{
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* The label around a seal word at [i, i+n): back to the previous colon, a
 * wide gap or the line start; forward over "）" and "：". */
void pl_label_span(const pl_line *l, size_t i, size_t n, size_t *s, size_t *e)
{
	size_t a = i;
	while (a > 0) {
		uint32_t c = l->cp[a - 1];
		if (c == 0xff1a || c == 0x3002 || c == 0xff0c || c == 0xff1b)
			break;
		const eseal_box *p = &l->src->chars[l->ci[a - 1]].box;
		const eseal_box *q = &l->src->chars[l->ci[a]].box;
		if (q->x - (p->x + p->w) > 1.5 * (q->h > 0 ? q->h : 4))
			break;
		a--;
	}
	size_t b = i + n;
	if (b < l->n && l->cp[b] == 0xff09)
		b++;
	if (b < l->n && l->cp[b] == 0xff1a)
		b++;
	*s = a;
	*e = b;
}

/* Seal-label occurrences: a seal word in brackets, or followed by a colon or
 * the end of the line, inside a short label (body sentences never qualify). */
int pl_seal_label(const pl_line *l, size_t from, size_t *s, size_t *e, size_t *w)
{
	for (size_t i = from; i < l->n; i++) {
		size_t n;
		if (!pl_is_seal_word_at(l, i, &n))
			continue;
		/* inside brackets: "（盖章）", "（签字或盖章）", "（签字、盖章）" */
		size_t open = i;
		int bracket = l->cp[i] == 0xff08;
		for (size_t j = i; !bracket && j > 0 && i - j < 5; j--) {
			if (l->cp[j - 1] == 0xff09)
				break;
			if (l->cp[j - 1] == 0xff08) {
				open = j - 1;
				bracket = 1;
			}
		}
		size_t after = i + n;
		if (bracket && l->cp[after - 1] != 0xff09) {
			while (after < l->n && after - (i + n) < 3 && l->cp[after] != 0xff09)
				after++;
			if (after >= l->n || l->cp[after] != 0xff09)
				continue;
			after++;
		}
		int ends = after >= l->n || l->cp[after] == 0xff1a;
		if (!bracket && !ends)
			continue;
		pl_label_span(l, open, 1, s, e);
		if (*e < after)
			*e = after;
		if (*e < l->n && l->cp[*e] == 0xff1a)
			(*e)++;
		/* "甲方：（盖章）": the party word before the colon belongs to the label */
		if (*s == open && open > 0 && l->cp[open - 1] == 0xff1a && open >= 2) {
			size_t a = open - 1;
			while (a > 0 && open - a < 12 && l->cp[a - 1] != 0xff1a && l->cp[a - 1] != 0x3002)
				a--;
			*s = a;
		}
		if (open - *s > 16)
			continue;
		/* a bare seal word ending a line must look like a label, not the
		 * tail of a wrapped sentence ("…应在变更后加盖公章") */
		if (!bracket && (after >= l->n || l->cp[after] != 0xff1a) &&
		    (open - *s > 6 || (open > 0 && l->cp[open - 1] == 0x52a0 /* 加 */)))
			continue;
		*w = open;
		return 1;
	}
	return 0;
}
