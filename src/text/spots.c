/*
 * spots.c - resolves placements into seal positions on pages (spots.h).
 * A cross-page seal (骑缝章) is cut into equal vertical slices, one per page,
 * at the right edge (the first page shows the leftmost slice) or mirrored
 * at the left edge. Pure geometry: it reads no document bytes itself.
 */
#include <stdlib.h>
#include <string.h>

#include "text/spots.h"

typedef struct {
	eseal_spot *v;
	size_t n, cap;
} spot_list;

static int push(spot_list *l, eseal_spot s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		eseal_spot *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	return 0;
}

static int whole(spot_list *l, int page, double cx, double cy, double w, double h)
{
	return push(l, (eseal_spot){ page, { cx - w / 2, cy - h / 2, w, h }, 0, w, 0 });
}

static int at(const eseal_spot_doc *d, const eseal_placement *p, double w, double h, spot_list *l)
{
	if (p->page < 1 || (size_t)p->page > d->npages)
		return eseal_error_set(ESEAL_ENOTFOUND, "page %d does not exist (the document has %zu)",
				       p->page, d->npages);
	return whole(l, p->page, p->x, p->y, w, h);
}

static int keyword(const eseal_spot_doc *d, const eseal_placement *p, double w, double h,
		   eseal_text_doc **text, spot_list *l)
{
	if (!p->keyword || !*p->keyword)
		return eseal_error_set(ESEAL_EINVAL, "empty keyword");
	int rc;
	if (!*text && (rc = d->text(d->ctx, text)))
		return rc;
	eseal_text_hit *hits = NULL;
	size_t nh = 0;
	if ((rc = eseal_text_find(*text, p->keyword, &hits, &nh)))
		return rc;
	if (nh == 0)
		rc = eseal_error_set(ESEAL_ENOTFOUND, "keyword '%s' not found in the document", p->keyword);
	else if (p->occurrence > 0 && (size_t)p->occurrence > nh)
		rc = eseal_error_set(ESEAL_ENOTFOUND, "keyword '%s' occurs %zu times, not %d", p->keyword, nh,
				     p->occurrence);
	for (size_t i = 0; rc == 0 && i < nh; i++) {
		if (p->occurrence > 0 && i + 1 != (size_t)p->occurrence)
			continue;
		if (hits[i].page < 1 || (size_t)hits[i].page > d->npages) {
			rc = eseal_error_set(ESEAL_EFORMAT, "keyword hit on unknown page %d", hits[i].page);
			break;
		}
		rc = whole(l, hits[i].page, hits[i].box.x + hits[i].box.w / 2, hits[i].box.y + hits[i].box.h / 2,
			   w, h);
	}
	free(hits);
	return rc;
}

static int perforation(const eseal_spot_doc *d, const eseal_placement *p, double w, double h,
		       spot_list *l)
{
	int *pages = NULL;
	size_t n = 0;
	int rc = eseal_page_range_parse(p->pages, (int)d->npages, &pages, &n);
	if (rc)
		return rc;
	if (n < 2) {
		free(pages);
		return eseal_error_set(ESEAL_EINVAL, "a cross-page seal needs at least 2 pages");
	}
	double s = w / (double)n;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		double pw, ph;
		if ((rc = d->page_size(d->ctx, pages[i], &pw, &ph)))
			break;
		double y = p->y > 0 ? p->y - h / 2 : ph / 2 - h / 2;
		eseal_spot sp = { pages[i], { 0, y, w, h }, 0, s, 1 };
		if (p->side == ESEAL_SIDE_LEFT) {
			/* mirrored: the first page shows the rightmost slice at x 0..s */
			sp.slice_x = s * (double)(n - 1 - i);
			sp.box.x = -sp.slice_x;
		} else {
			sp.slice_x = s * (double)i;
			sp.box.x = pw - s * (double)(i + 1);
		}
		rc = push(l, sp);
	}
	free(pages);
	return rc;
}

int eseal_spots_resolve(const eseal_spot_doc *d, const eseal_placement *p, size_t n, double w,
			double h, eseal_spot **out, size_t *nout)
{
	spot_list l = { 0 };
	eseal_text_doc *text = NULL;
	int rc = 0;
	*out = NULL;
	*nout = 0;
	if (d->npages == 0)
		return eseal_error_set(ESEAL_EFORMAT, "the document has no pages");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		switch (p[i].kind) {
		case ESEAL_PLACE_AT: rc = at(d, &p[i], w, h, &l); break;
		case ESEAL_PLACE_KEYWORD: rc = keyword(d, &p[i], w, h, &text, &l); break;
		case ESEAL_PLACE_PERFORATION: rc = perforation(d, &p[i], w, h, &l); break;
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
