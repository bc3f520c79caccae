/*
 * draw_oval.c - the oval finance and invoice seal (e.g. 40 x 30 mm): ring,
 * the name along the upper arc, the tax number straight across the middle,
 * the title (发票专用章, 财务专用章) straight below.
 *
 * Must never let text overflow: long text is compressed until its glyph
 * boxes keep apart, or refused.
 */
#include <math.h>

#include "picture_internal.h"

#define DEG (M_PI / 180)

/* Length of the arc t in [-span/2, span/2] of the ellipse (a, b). */
static double arc_len(double a, double b, double span)
{
	double L = 0;
	for (int k = 0; k < 360; k++) {
		double t0 = -span / 2 + span * k / 360, t1 = -span / 2 + span * (k + 1) / 360;
		L += hypot(a * (sin(t1) - sin(t0)), b * (cos(t1) - cos(t0)));
	}
	return L;
}

int pic_draw_oval(pic_ctx *c, const eseal_picture_spec *s)
{
	const double W = c->w_mm, H = c->h_mm, a = W / 2, b = H / 2, cx = a, cy = b;
	const double m = fmin(W, H);
	const double ring_w = m * 0.034;
	const double gap = 0.04 * m;
	uint32_t cps[ESEAL_PICTURE_MAX_GLYPHS];
	pic_line org, title, code;
	int n, rc;

	if (W < H)
		return eseal_error_set(ESEAL_EINVAL, "an oval seal is wider than it is high");
	if ((n = pic_utf8_decode(cps, 40, s->org, "organisation name")) < 0)
		return n;
	if ((rc = pic_line_measure(&org, c->font, cps, (size_t)n)))
		return rc;
	title.n = code.n = 0;
	if (s->title && *s->title) {
		if ((n = pic_utf8_decode(cps, 12, s->title, "title")) < 0)
			return n;
		if ((rc = pic_line_measure(&title, c->font, cps, (size_t)n)))
			return rc;
	}
	if (s->code && *s->code) {
		if ((n = pic_utf8_decode(cps, 30, s->code, "tax number")) < 0)
			return n;
		if ((rc = pic_line_measure(&code, c->font, cps, (size_t)n)))
			return rc;
	}

	const double h_org = 0.155 * m;
	const double ao = a - ring_w - gap - h_org / 2, bo = b - ring_w - gap - h_org / 2;
	if (ao <= 0 || bo <= 0)
		return eseal_error_set(ESEAL_EINVAL, "the seal is too small for its text");
	/* Spread the name by arc length between 150° and 230° of the ellipse. */
	double want = org.n * 0.86 * h_org * 1.2;
	double lo = 150 * DEG, hi = 230 * DEG, span;
	if (arc_len(ao, bo, lo) >= want) {
		span = lo;
	} else if (arc_len(ao, bo, hi) <= want) {
		span = hi;
	} else {
		for (int i = 0; i < 40; i++) {
			double mid = (lo + hi) / 2;
			if (arc_len(ao, bo, mid) < want) lo = mid; else hi = mid;
		}
		span = (lo + hi) / 2;
	}
	double xs_org = 0.82;

	const double h_code = 0.115 * m;
	const double y_code = cy + 0.01 * m;
	double pitch_code = h_code * 0.68, xs_code = 0.9;
	const double max_code = 2 * (ao - h_org / 2) - 0.06 * W;
	if (code.n * pitch_code > max_code) {
		pitch_code = max_code / code.n;
		xs_code = fmin(xs_code, 0.9 * pitch_code / (code.max_w * h_code / (code.band_y1 - code.band_y0)));
	}

	const double h_title = 0.13 * m;
	const double y_title = cy + 0.28 * m;
	double pitch_title = h_title, xs_title = 0.85;
	if (title.n * pitch_title > 0.55 * W) {
		pitch_title = 0.55 * W / title.n;
		xs_title = fmin(xs_title, 0.9 * pitch_title / (title.max_w * h_title / (title.band_y1 - title.band_y0)));
	}

	const double sep = 0.01 * m;
	for (int iter = 0;; iter++) {
		c->nplaces = 0;
		if ((rc = pic_text_arc(c, ESEAL_GLYPH_ORG, &org, cx, cy, ao, bo, span, 0, h_org, xs_org)))
			return rc;
		size_t k0 = c->nplaces;
		if (code.n && (rc = pic_text_line(c, ESEAL_GLYPH_CODE, &code, cx, y_code, h_code, pitch_code, xs_code)))
			return rc;
		size_t t0 = c->nplaces;
		if (title.n && (rc = pic_text_line(c, ESEAL_GLYPH_TITLE, &title, cx, y_title, h_title, pitch_title, xs_title)))
			return rc;
		size_t end = c->nplaces;
		int bad = 0;
		if (pic_places_overlap(c, 0, k0, sep)) { xs_org *= 0.95; bad = 1; }
		if (pic_places_overlap(c, k0, t0, sep * 0.5)) { xs_code *= 0.95; bad = 1; }
		if (pic_places_overlap(c, t0, end, sep)) { xs_title *= 0.95; bad = 1; }
		if (!bad && pic_places_overlap_ex(c, 0, end, sep, 1)) {
			if (code.n) { pitch_code *= 0.96; xs_code *= 0.96; }
			if (title.n) { pitch_title *= 0.96; xs_title *= 0.96; }
			bad = 1;
		}
		if (!bad)
			break;
		if (xs_org < 0.22 || xs_title < 0.2 || xs_code < 0.2 || iter > 200)
			return eseal_error_set(ESEAL_EINVAL,
				"the text is too long for a %.0f x %.0f mm oval seal", W, H);
	}

	if (c->layout) {
		c->layout->ring_outer = a * c->px_per_mm;
		c->layout->ring_inner = (a - ring_w) * c->px_per_mm;
	}
	if (c->cr) {
		cairo_t *cr = c->cr;
		cairo_set_source_rgb(cr, c->r, c->g, c->b);
		cairo_new_path(cr);
		/* Build the ellipse under a scale, stroke it without: an even line. */
		cairo_save(cr);
		cairo_translate(cr, cx, cy);
		cairo_scale(cr, a - ring_w / 2, b - ring_w / 2);
		cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
		cairo_restore(cr);
		cairo_set_line_width(cr, ring_w);
		cairo_stroke(cr);
	}
	return pic_draw_places(c);
}
