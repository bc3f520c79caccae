/*
 * draw_round.c - the round company seal: red ring, five-pointed star in the
 * centre, the organisation's name clockwise along the upper arc, the title
 * straight under the star, the seal code along the lower arc.
 *
 * Proportions follow the common 42/40/38 mm seals and scale with the size.
 * Must never let text overflow: long text is compressed until its glyph
 * boxes keep apart, or refused.
 */
#include <math.h>

#include "picture_internal.h"

#define DEG (M_PI / 180)

int pic_draw_round(pic_ctx *c, const eseal_picture_spec *s)
{
	const double D = c->w_mm, R = D / 2, cx = R, cy = R;
	const double ring_w = D * 0.029;
	const double gap = 0.045 * R;
	uint32_t cps[ESEAL_PICTURE_MAX_GLYPHS];
	pic_line org, title, code;
	int n, rc;

	if (c->h_mm != c->w_mm)
		return eseal_error_set(ESEAL_EINVAL, "a round seal needs width = height (use --shape oval)");
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
		if ((n = pic_utf8_decode(cps, 30, s->code, "code")) < 0)
			return n;
		if ((rc = pic_line_measure(&code, c->font, cps, (size_t)n)))
			return rc;
	}

	/* Organisation name: radial band below the ring, spread over 150° to
	 * 240° depending on its length. */
	const double h_org = 0.29 * R;
	const double r_org = R - ring_w - gap - h_org / 2;
	const double per_org = 0.86 * h_org / r_org;
	double span_org = org.n * per_org * 1.25;
	double min_span = fmin(150 * DEG, org.n * per_org * 2);
	if (span_org < min_span) span_org = min_span;
	if (span_org > 240 * DEG) span_org = 240 * DEG;
	double xs_org = 0.82;

	/* Title: horizontal, under the star. */
	const double star_r = R / 3;
	const double h_title = 0.19 * R;
	const double ty = cy + 0.5 * R;
	double xs_title = 0.85, pitch_title = h_title * 0.98;
	if (title.n * pitch_title > 1.2 * R) {
		pitch_title = 1.2 * R / title.n;
		xs_title = fmin(xs_title, 0.9 * pitch_title / (title.max_w * h_title / (title.band_y1 - title.band_y0)));
	}

	/* Code: small, on the lower arc, read left to right. */
	const double h_code = 0.11 * R;
	const double r_code = R - ring_w - gap * 0.8 - h_code / 2;
	double span_code = code.n * 0.72 * h_code / r_code;
	if (span_code > 100 * DEG) span_code = 100 * DEG;
	double xs_code = 0.85;

	const double sep = 0.012 * R; /* least gap between glyph boxes */
	for (int iter = 0;; iter++) {
		c->nplaces = 0;
		if ((rc = pic_text_arc(c, ESEAL_GLYPH_ORG, &org, cx, cy, r_org, r_org, span_org, 0, h_org, xs_org)))
			return rc;
		size_t t0 = c->nplaces;
		if (title.n && (rc = pic_text_line(c, ESEAL_GLYPH_TITLE, &title, cx, ty, h_title, pitch_title, xs_title)))
			return rc;
		size_t k0 = c->nplaces;
		if (code.n && (rc = pic_text_arc(c, ESEAL_GLYPH_CODE, &code, cx, cy, r_code, r_code, span_code, 1, h_code, xs_code)))
			return rc;
		size_t end = c->nplaces;
		int bad = 0;
		if (pic_places_overlap(c, 0, t0, sep)) { xs_org *= 0.95; bad = 1; }
		if (pic_places_overlap(c, t0, k0, sep)) { xs_title *= 0.95; bad = 1; }
		if (pic_places_overlap(c, k0, end, sep * 0.5)) { xs_code *= 0.95; bad = 1; }
		if (!bad && pic_places_overlap_ex(c, 0, end, sep, 1)) {
			/* Text blocks touch each other: shrink the title, then the code. */
			if (title.n) { pitch_title *= 0.96; xs_title *= 0.96; }
			if (code.n) span_code *= 0.96;
			bad = 1;
		}
		if (!bad)
			break;
		if (xs_org < 0.22 || xs_title < 0.2 || xs_code < 0.2 || iter > 200)
			return eseal_error_set(ESEAL_EINVAL,
				"the text is too long for a %.0f mm round seal", D);
	}

	if (c->layout) {
		c->layout->star_r = star_r * c->px_per_mm;
		c->layout->ring_outer = R * c->px_per_mm;
		c->layout->ring_inner = (R - ring_w) * c->px_per_mm;
	}
	if (c->cr) {
		cairo_t *cr = c->cr;
		cairo_set_source_rgb(cr, c->r, c->g, c->b);
		cairo_new_path(cr);
		cairo_arc(cr, cx, cy, R - ring_w / 2, 0, 2 * M_PI);
		cairo_set_line_width(cr, ring_w);
		cairo_stroke(cr);
		pic_star_path(cr, cx, cy, star_r);
		cairo_fill(cr);
	}
	return pic_draw_places(c);
}
