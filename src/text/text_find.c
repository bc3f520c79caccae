/*
 * text_find.c - keyword search over the text model.
 *
 * Matches inside one line only, ignoring whitespace on both sides and
 * treating full-width ASCII forms (U+FF01..U+FF5E, U+3000) like their ASCII
 * counterparts, so "（盖章）" finds "(盖章)". Never matches across lines: the
 * reading order between lines is a guess and a hit there would put a seal in
 * the wrong place.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/text.h"

static int is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
	       c == 0xA0 || c == 0x3000 || c == 0xFEFF || (c >= 0x2000 && c <= 0x200B);
}

static uint32_t fold(uint32_t c)
{
	if (c >= 0xFF01 && c <= 0xFF5E)
		return c - 0xFF01 + 0x21;
	return c;
}

/* Decodes UTF-8 into code points; rejects malformed input. */
static int decode_utf8(const char *s, uint32_t **out, size_t *n)
{
	size_t len = strlen(s), k = 0;
	uint32_t *cps = malloc((len + 1) * sizeof *cps);
	if (!cps)
		return eseal_error_set(ESEAL_ENOMEM, "text: out of memory");
	const uint8_t *p = (const uint8_t *)s, *end = p + len;
	while (p < end) {
		uint32_t c = *p;
		size_t extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 :
			       (c & 0xF8) == 0xF0 ? 3 : 9;
		if (extra == 9 || (size_t)(end - p) <= extra)
			goto bad;
		if (extra)
			c &= 0x3F >> extra;
		for (size_t i = 1; i <= extra; i++) {
			if ((p[i] & 0xC0) != 0x80)
				goto bad;
			c = (c << 6) | (p[i] & 0x3F);
		}
		static const uint32_t minv[] = { 0, 0x80, 0x800, 0x10000 };
		if (c < minv[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			goto bad;
		p += extra + 1;
		if (!is_space(c))
			cps[k++] = fold(c);
	}
	*out = cps;
	*n = k;
	return 0;
bad:
	free(cps);
	return eseal_error_set(ESEAL_EINVAL, "text: keyword is not valid UTF-8");
}

static eseal_box box_union(eseal_box a, eseal_box b)
{
	double x0 = fmin(a.x, b.x), y0 = fmin(a.y, b.y);
	double x1 = fmax(a.x + a.w, b.x + b.w), y1 = fmax(a.y + a.h, b.y + b.h);
	return (eseal_box){ x0, y0, x1 - x0, y1 - y0 };
}

int eseal_text_find(const eseal_text_doc *d, const char *keyword,
		    eseal_text_hit **hits, size_t *nhits)
{
	uint32_t *key = NULL;
	size_t nkey = 0, n = 0, cap = 0;
	size_t *idx = NULL, idxcap = 0;
	eseal_text_hit *h = NULL;
	*hits = NULL;
	*nhits = 0;
	int rc = decode_utf8(keyword ? keyword : "", &key, &nkey);
	if (rc)
		return rc;
	if (nkey == 0) {
		free(key);
		return eseal_error_set(ESEAL_EINVAL, "text: empty keyword");
	}
	for (size_t pi = 0; pi < d->npages; pi++) {
		const eseal_text_page *p = &d->pages[pi];
		for (size_t li = 0; li < p->nlines; li++) {
			const eseal_text_line *l = &p->lines[li];
			if (l->nchars > idxcap) {
				size_t *t = realloc(idx, l->nchars * sizeof *idx);
				if (!t)
					goto nomem;
				idx = t;
				idxcap = l->nchars;
			}
			/* The line without whitespace, as indexes into chars. */
			size_t m = 0;
			for (size_t i = 0; i < l->nchars; i++)
				if (!is_space(l->chars[i].cp))
					idx[m++] = i;
			for (size_t s = 0; s + nkey <= m;) {
				size_t k = 0;
				while (k < nkey && fold(l->chars[idx[s + k]].cp) == key[k])
					k++;
				if (k < nkey) {
					s++;
					continue;
				}
				if (n == cap) {
					size_t nc = cap ? cap * 2 : 8;
					eseal_text_hit *t = realloc(h, nc * sizeof *h);
					if (!t)
						goto nomem;
					h = t;
					cap = nc;
				}
				eseal_box b = l->chars[idx[s]].box;
				for (k = 1; k < nkey; k++)
					b = box_union(b, l->chars[idx[s + k]].box);
				h[n].page = p->index;
				h[n].box = b;
				n++;
				s += nkey;
			}
		}
	}
	free(key);
	free(idx);
	*hits = h;
	*nhits = n;
	return 0;
nomem:
	free(key);
	free(idx);
	free(h);
	return eseal_error_set(ESEAL_ENOMEM, "text: out of memory");
}
