/*
 * sign_place.c - turns placements (at, keyword, cross-page) into widget
 * areas on PDF pages, and visible-page millimetres into default user space
 * (CropBox and /Rotate). It only computes; it never writes.
 */
#include <stdlib.h>
#include <string.h>

#include "eseal/ofdsign.h"
#include "pdfsign_internal.h"

#define PT_PER_MM (72.0 / 25.4)

typedef struct {
	pdf_spot *v;
	size_t n, cap;
} spot_list;

static int push(spot_list *l, int page, eseal_box b, double clip_x, double full_w)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		pdf_spot *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (pdf_spot){ page, b, clip_x, full_w };
	return 0;
}

/* Visible-page point (mm) to default user space. */
static void to_user(const eseal_pdf_page_info *pg, double x, double y, double *ux, double *uy)
{
	double u = x * PT_PER_MM, v = y * PT_PER_MM;
	const double *c = pg->crop;
	switch (pg->rotate) {
	case 90: *ux = c[0] + v; *uy = c[1] + u; break;
	case 180: *ux = c[2] - u; *uy = c[1] + v; break;
	case 270: *ux = c[2] - v; *uy = c[3] - u; break;
	default: *ux = c[0] + u; *uy = c[3] - v; break;
	}
}

void pdf_box_to_rect(const eseal_pdf_page_info *pg, eseal_box b, double r[4])
{
	double xs[2] = { b.x, b.x + b.w }, ys[2] = { b.y, b.y + b.h };
	for (int i = 0; i < 4; i++) {
		double ux, uy;
		to_user(pg, xs[i & 1], ys[i >> 1], &ux, &uy);
		if (i == 0 || ux < r[0]) r[0] = ux;
		if (i == 0 || ux > r[2]) r[2] = ux;
		if (i == 0 || uy < r[1]) r[1] = uy;
		if (i == 0 || uy > r[3]) r[3] = uy;
	}
}

void pdf_rotate_matrix(int rotate, double m[6])
{
	/* form space is upright on screen; map its axes onto user space */
	static const double t[4][4] = { { 1, 0, 0, 1 }, { 0, 1, -1, 0 }, { -1, 0, 0, -1 }, { 0, -1, 1, 0 } };
	int k = rotate == 90 ? 1 : rotate == 180 ? 2 : rotate == 270 ? 3 : 0;
	memcpy(m, t[k], sizeof t[k]);
	m[4] = m[5] = 0;
}

static int page_count(eseal_pdf *pdf, size_t *np)
{
	int rc = eseal_pdf_page_count(pdf, np);
	if (rc)
		return rc;
	if (*np == 0)
		return eseal_error_set(ESEAL_EFORMAT, "the document has no pages");
	return 0;
}

static int place_keyword(eseal_pdf *pdf, const eseal_placement *p, double w, double h,
			 eseal_text_doc **text, spot_list *l)
{
	if (!p->keyword || !*p->keyword)
		return eseal_error_set(ESEAL_EINVAL, "empty keyword");
	if (!*text) {
		int rc = eseal_pdf_text(text, pdf);
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
		double cx = hits[i].box.x + hits[i].box.w / 2, cy = hits[i].box.y + hits[i].box.h / 2;
		rc = push(l, hits[i].page, (eseal_box){ cx - w / 2, cy - h / 2, w, h }, 0, w);
	}
	free(hits);
	return rc;
}

static int place_perforation(eseal_pdf *pdf, const eseal_placement *p, double w, double h,
			     spot_list *l)
{
	size_t np;
	int rc = page_count(pdf, &np);
	if (rc)
		return rc;
	int *pages = NULL;
	size_t n = 0;
	if ((rc = eseal_page_range_parse(p->pages, (int)np, &pages, &n)))
		return rc;
	if (n < 2) {
		free(pages);
		return eseal_error_set(ESEAL_EINVAL, "a cross-page seal needs at least 2 pages");
	}
	double s = w / (double)n;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		eseal_pdf_page_info pg;
		if ((rc = eseal_pdf_page(pdf, (size_t)pages[i] - 1, &pg)))
			break;
		double y = p->y > 0 ? p->y - h / 2 : pg.height_mm / 2 - h / 2;
		if (p->side == ESEAL_SIDE_LEFT) {
			/* mirrored: the first page shows the rightmost slice */
			size_t k = n - 1 - i;
			rc = push(l, pages[i], (eseal_box){ 0, y, s, h }, s * (double)k, w);
		} else {
			rc = push(l, pages[i], (eseal_box){ pg.width_mm - s, y, s, h }, s * (double)i, w);
		}
	}
	free(pages);
	return rc;
}

int pdf_place(eseal_pdf *pdf, const eseal_placement *p, size_t n, double w, double h,
	      pdf_spot **out, size_t *nout)
{
	spot_list l = { 0 };
	eseal_text_doc *text = NULL;
	int rc = 0;
	size_t np = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		switch (p[i].kind) {
		case ESEAL_PLACE_AT:
			if ((rc = page_count(pdf, &np)))
				break;
			if (p[i].page < 1 || (size_t)p[i].page > np) {
				rc = eseal_error_set(ESEAL_ENOTFOUND, "page %d does not exist (the document has %zu)",
						     p[i].page, np);
				break;
			}
			rc = push(&l, p[i].page, (eseal_box){ p[i].x - w / 2, p[i].y - h / 2, w, h }, 0, w);
			break;
		case ESEAL_PLACE_KEYWORD: rc = place_keyword(pdf, &p[i], w, h, &text, &l); break;
		case ESEAL_PLACE_PERFORATION: rc = place_perforation(pdf, &p[i], w, h, &l); break;
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
