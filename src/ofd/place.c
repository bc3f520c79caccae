/*
 * place.c - turns placements (page + centre, keyword, cross-page) into the
 * StampAnnots of one signature, in page coordinates (mm, top-left origin).
 * A cross-page seal is cut into equal vertical slices, one per page, each
 * StampAnnot keeping the full-size Boundary and a Clip selecting its slice
 * (formats.md §4.6). This file must never guess a page: a page or keyword
 * that does not exist is an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofd/sign_internal.h"

void ofd_fmt_mm(char out[32], double v)
{
	if (v > -0.0005 && v < 0.0005)
		v = 0;
	snprintf(out, 32, "%.3f", v);
	for (char *p = out; *p; p++)
		if (*p == ',')
			*p = '.';
	char *e = out + strlen(out) - 1;
	while (e > out && *e == '0')
		*e-- = 0;
	if (*e == '.')
		*e = 0;
}

int eseal_page_range_parse(const char *s, int npages, int **pages, size_t *n)
{
	*pages = NULL;
	*n = 0;
	if (npages <= 0)
		return eseal_error_set(ESEAL_EINVAL, "the document has no pages");
	char *mark = calloc((size_t)npages + 1, 1);
	if (!mark)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (!s || !*s || !strcmp(s, "all")) {
		memset(mark + 1, 1, (size_t)npages);
	} else {
		const char *p = s;
		while (*p) {
			char *end;
			long a = strtol(p, &end, 10), b;
			if (end == p)
				goto bad;
			p = end;
			if (*p == '-') {
				p++;
				if (*p == ',' || !*p) {
					b = npages;
				} else {
					b = strtol(p, &end, 10);
					if (end == p)
						goto bad;
					p = end;
				}
			} else {
				b = a;
			}
			if (a < 1 || b < a || b > npages) {
				free(mark);
				return eseal_error_set(ESEAL_EINVAL, "page range '%s': pages run 1 to %d", s, npages);
			}
			for (long i = a; i <= b; i++)
				mark[i] = 1;
			if (*p == ',')
				p++;
			else if (*p)
				goto bad;
		}
	}
	int *out = malloc(sizeof *out * (size_t)npages);
	if (!out) {
		free(mark);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	for (int i = 1; i <= npages; i++)
		if (mark[i])
			out[(*n)++] = i;
	free(mark);
	*pages = out;
	return 0;
bad:
	free(mark);
	return eseal_error_set(ESEAL_EINVAL, "page range '%s' is not like \"1-3,5\"", s);
}

typedef struct {
	eseal_ofd_placed *v;
	size_t n, cap;
} placed_list;

static int push(placed_list *l, const eseal_ofd_page *pg, eseal_box b, const eseal_box *clip)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		eseal_ofd_placed *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		l->v = v;
		l->cap = cap;
	}
	eseal_ofd_placed *p = &l->v[l->n++];
	memset(p, 0, sizeof *p);
	p->page = pg->index;
	snprintf(p->page_id, sizeof p->page_id, "%s", pg->id ? pg->id : "");
	p->boundary = b;
	if (clip) {
		p->has_clip = 1;
		p->clip = *clip;
	}
	return 0;
}

static int place_at(eseal_ofd *d, const eseal_placement *p, double w, double h, placed_list *l)
{
	size_t np = eseal_ofd_page_count(d);
	if (p->page < 1 || (size_t)p->page > np)
		return eseal_error_set(ESEAL_ENOTFOUND, "page %d does not exist (the document has %zu)",
				       p->page, np);
	const eseal_ofd_page *pg = eseal_ofd_page_at(d, (size_t)p->page - 1);
	eseal_box b = { p->x - w / 2, p->y - h / 2, w, h };
	return push(l, pg, b, NULL);
}

static int place_keyword(eseal_ofd *d, const eseal_placement *p, double w, double h,
			 eseal_text_doc **text, placed_list *l)
{
	if (!p->keyword || !*p->keyword)
		return eseal_error_set(ESEAL_EINVAL, "empty keyword");
	if (!*text) {
		int rc = eseal_ofd_text(text, d);
		if (rc)
			return rc;
	}
	eseal_text_hit *hits = NULL;
	size_t nh = 0;
	int rc = eseal_text_find(*text, p->keyword, &hits, &nh);
	if (rc)
		return rc;
	if (nh == 0 || (p->occurrence > 0 && (size_t)p->occurrence > nh)) {
		free(hits);
		if (nh == 0)
			return eseal_error_set(ESEAL_ENOTFOUND, "keyword '%s' not found in the document",
					       p->keyword);
		return eseal_error_set(ESEAL_ENOTFOUND, "keyword '%s' occurs %zu times, not %d",
				       p->keyword, nh, p->occurrence);
	}
	for (size_t i = 0; rc == 0 && i < nh; i++) {
		if (p->occurrence > 0 && i + 1 != (size_t)p->occurrence)
			continue;
		const eseal_ofd_page *pg = NULL;
		if (hits[i].page >= 1 && (size_t)hits[i].page <= eseal_ofd_page_count(d))
			pg = eseal_ofd_page_at(d, (size_t)hits[i].page - 1);
		if (!pg) {
			rc = eseal_error_set(ESEAL_EFORMAT, "keyword hit on unknown page %d", hits[i].page);
			break;
		}
		double cx = hits[i].box.x + hits[i].box.w / 2, cy = hits[i].box.y + hits[i].box.h / 2;
		eseal_box b = { cx - w / 2, cy - h / 2, w, h };
		rc = push(l, pg, b, NULL);
	}
	free(hits);
	return rc;
}

static int place_perforation(eseal_ofd *d, const eseal_placement *p, double w, double h,
			     placed_list *l)
{
	int *pages = NULL;
	size_t n = 0;
	int rc = eseal_page_range_parse(p->pages, (int)eseal_ofd_page_count(d), &pages, &n);
	if (rc)
		return rc;
	if (n < 2) {
		free(pages);
		return eseal_error_set(ESEAL_EINVAL, "a cross-page seal needs at least 2 pages");
	}
	double s = w / (double)n;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const eseal_ofd_page *pg = eseal_ofd_page_at(d, (size_t)pages[i] - 1);
		double pw = pg->physical.w, ph = pg->physical.h;
		double y = p->y > 0 ? p->y - h / 2 : ph / 2 - h / 2;
		eseal_box b, c;
		if (p->side == ESEAL_SIDE_LEFT) {
			/* mirrored: the first page shows the rightmost slice at x 0..s */
			size_t k = n - 1 - i;
			b = (eseal_box){ -s * (double)k, y, w, h };
			c = (eseal_box){ s * (double)k, 0, s, h };
		} else {
			b = (eseal_box){ pw - s * (double)(i + 1), y, w, h };
			c = (eseal_box){ s * (double)i, 0, s, h };
		}
		rc = push(l, pg, b, &c);
	}
	free(pages);
	return rc;
}

int ofd_place(eseal_ofd *d, const eseal_placement *p, size_t n, double w, double h,
	      eseal_ofd_placed **out, size_t *nout)
{
	placed_list l = { 0 };
	eseal_text_doc *text = NULL;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		switch (p[i].kind) {
		case ESEAL_PLACE_AT: rc = place_at(d, &p[i], w, h, &l); break;
		case ESEAL_PLACE_KEYWORD: rc = place_keyword(d, &p[i], w, h, &text, &l); break;
		case ESEAL_PLACE_PERFORATION: rc = place_perforation(d, &p[i], w, h, &l); break;
		default: rc = eseal_error_set(ESEAL_EINVAL, "unknown placement kind %d", (int)p[i].kind);
		}
	}
	eseal_text_doc_free(text);
	if (rc) {
		free(l.v);
		return rc;
	}
	*out = l.v;
	*nout = l.n;
	return 0;
}
