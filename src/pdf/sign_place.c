/*
 * sign_place.c - turns placements (at, keyword, cross-page) into widget
 * areas on PDF pages, and visible-page millimetres into default user space
 * (CropBox and /Rotate). It only computes; it never writes.
 */
#include <stdlib.h>
#include <string.h>

#include "eseal/ofdsign.h"
#include "pdfsign_internal.h"
#include "text/spots.h"

#define PT_PER_MM (72.0 / 25.4)

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

static int page_size(void *ctx, int page, double *w, double *h)
{
	eseal_pdf_page_info pg;
	int rc = eseal_pdf_page(ctx, (size_t)page - 1, &pg);
	if (rc)
		return rc;
	*w = pg.width_mm;
	*h = pg.height_mm;
	return 0;
}

static int text(void *ctx, eseal_text_doc **out)
{
	return eseal_pdf_text(out, ctx);
}

/* Each spot becomes a widget over the visible part only; clip_x says which
 * part of the full-width picture it shows. */
int pdf_place(eseal_pdf *pdf, const eseal_placement *p, size_t n, double w, double h,
	      pdf_spot **out, size_t *nout)
{
	eseal_spot_doc doc = { 0, page_size, text, pdf };
	int rc = eseal_pdf_page_count(pdf, &doc.npages);
	if (rc)
		return rc;
	eseal_spot *s;
	size_t ns;
	if ((rc = eseal_spots_resolve(&doc, p, n, w, h, &s, &ns)))
		return rc;
	pdf_spot *v = calloc(ns ? ns : 1, sizeof *v);
	if (!v) {
		free(s);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ns; i++) {
		eseal_box b = s[i].box;
		b.x += s[i].slice_x;
		b.w = s[i].slice_w;
		v[i] = (pdf_spot){ s[i].page, b, s[i].slice_x, w };
	}
	free(s);
	*out = v;
	*nout = ns;
	return 0;
}
