/*
 * text_arc.c - puts glyphs on arcs and lines, checks that their ink boxes
 * keep apart, and draws them as outlines.
 *
 * Must never draw text through the font's own layout (no shaping, no
 * hinting): every glyph is placed one by one so its box is known exactly.
 */
#include <math.h>
#include <string.h>

#include "picture_internal.h"


void pic_place_quad(const pic_place *p, double q[4][2])
{
	const double bx = (p->box.x0 + p->box.x1) / 2;
	const double u[4] = { p->box.x0, p->box.x1, p->box.x1, p->box.x0 };
	const double v[4] = { p->box.y0, p->box.y0, p->box.y1, p->box.y1 };
	const double cs = cos(p->angle), sn = sin(p->angle);
	for (int i = 0; i < 4; i++) {
		double X = (u[i] - bx) * p->xscale * p->em;
		double Y = (v[i] - p->band_cy) * p->em;
		q[i][0] = p->cx + X * cs - Y * sn;
		q[i][1] = p->cy + X * sn + Y * cs;
	}
}

/* Separating axis test on two convex quadrilaterals. */
static int separated_on(const double a[4][2], const double b[4][2], const double e0[2],
			const double e1[2], double gap)
{
	double nx = -(e1[1] - e0[1]), ny = e1[0] - e0[0];
	double len = hypot(nx, ny);
	if (len == 0)
		return 0;
	nx /= len;
	ny /= len;
	double amin = 1e300, amax = -1e300, bmin = 1e300, bmax = -1e300;
	for (int i = 0; i < 4; i++) {
		double pa = a[i][0] * nx + a[i][1] * ny, pb = b[i][0] * nx + b[i][1] * ny;
		if (pa < amin) amin = pa;
		if (pa > amax) amax = pa;
		if (pb < bmin) bmin = pb;
		if (pb > bmax) bmax = pb;
	}
	return amax + gap <= bmin || bmax + gap <= amin;
}

int pic_quads_overlap(const double a[4][2], const double b[4][2], double gap)
{
	for (int i = 0; i < 4; i++) {
		if (separated_on(a, b, a[i], a[(i + 1) % 4], gap))
			return 0;
		if (separated_on(a, b, b[i], b[(i + 1) % 4], gap))
			return 0;
	}
	return 1;
}

static int blank(const pic_place *p)
{
	return p->cp == ' ';
}

int pic_places_overlap(const pic_ctx *c, size_t from, size_t to, double gap)
{
	return pic_places_overlap_ex(c, from, to, gap, 0);
}

int pic_places_overlap_ex(const pic_ctx *c, size_t from, size_t to, double gap, int cross_only)
{
	for (size_t i = from; i < to; i++) {
		if (blank(&c->places[i]))
			continue;
		double qa[4][2];
		pic_place_quad(&c->places[i], qa);
		for (size_t j = i + 1; j < to; j++) {
			if (blank(&c->places[j]))
				continue;
			if (cross_only && c->places[i].role == c->places[j].role)
				continue;
			double qb[4][2];
			pic_place_quad(&c->places[j], qb);
			if (pic_quads_overlap(qa, qb, gap))
				return 1;
		}
	}
	return 0;
}

int pic_add_place(pic_ctx *c, const pic_place *p)
{
	if (c->nplaces >= ESEAL_PICTURE_MAX_GLYPHS)
		return eseal_error_set(ESEAL_EINVAL, "too many characters on one seal");
	c->places[c->nplaces++] = *p;
	return 0;
}

static void fill_place(pic_place *p, const pic_line *l, size_t i, int role, double height,
		       double xscale)
{
	memset(p, 0, sizeof *p);
	p->role = role;
	p->cp = l->cp[i];
	p->index = l->index[i];
	p->box = l->box[i];
	p->em = height / (l->band_y1 - l->band_y0);
	p->xscale = xscale;
	p->band_cy = (l->band_y0 + l->band_y1) / 2;
}

int pic_text_arc(pic_ctx *c, int role, const pic_line *l, double cx, double cy,
		 double a, double b, double span, int bottom, double height, double xscale)
{
	/* Cumulative arc length over the span, to space glyphs evenly along
	 * the curve rather than by angle (they differ on an ellipse). */
	enum { N = 720 };
	double cum[N + 1];
	cum[0] = 0;
	for (int k = 1; k <= N; k++) {
		double t0 = -span / 2 + span * (k - 1) / N, t1 = -span / 2 + span * k / N;
		double dx = a * (sin(t1) - sin(t0)), dy = b * (cos(t1) - cos(t0));
		cum[k] = cum[k - 1] + hypot(dx, dy);
	}
	double total = cum[N];
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++) {
		double s = total * ((double)i + 0.5) / (double)l->n;
		while (k < N && cum[k + 1] < s)
			k++;
		double frac = cum[k + 1] > cum[k] ? (s - cum[k]) / (cum[k + 1] - cum[k]) : 0;
		double t = -span / 2 + span * ((double)k + frac) / N;
		pic_place p;
		fill_place(&p, l, i, role, height, xscale);
		if (!bottom) {
			p.cx = cx + a * sin(t);
			p.cy = cy - b * cos(t);
			p.angle = atan2(sin(t) / a, cos(t) / b);
		} else {
			p.cx = cx + a * sin(t);
			p.cy = cy + b * cos(t);
			p.angle = atan2(-sin(t) / a, cos(t) / b);
		}
		int rc = pic_add_place(c, &p);
		if (rc)
			return rc;
	}
	return 0;
}

int pic_text_line(pic_ctx *c, int role, const pic_line *l, double cx, double cy,
		  double height, double pitch, double xscale)
{
	for (size_t i = 0; i < l->n; i++) {
		pic_place p;
		fill_place(&p, l, i, role, height, xscale);
		p.cx = cx + ((double)i - ((double)l->n - 1) / 2) * pitch;
		p.cy = cy;
		int rc = pic_add_place(c, &p);
		if (rc)
			return rc;
	}
	return 0;
}

int pic_draw_places(pic_ctx *c)
{
	for (size_t i = 0; i < c->nplaces; i++) {
		const pic_place *p = &c->places[i];
		if (c->cr && !blank(p)) {
			cairo_t *cr = c->cr;
			cairo_save(cr);
			cairo_translate(cr, p->cx, p->cy);
			cairo_rotate(cr, p->angle);
			cairo_scale(cr, p->xscale * p->em, p->em);
			cairo_translate(cr, -(p->box.x0 + p->box.x1) / 2, -p->band_cy);
			cairo_set_font_face(cr, pic_font_face(c->font));
			cairo_set_font_size(cr, 1.0);
			cairo_glyph_t g = { p->index, 0, 0 };
			cairo_new_path(cr);
			cairo_glyph_path(cr, &g, 1);
			cairo_restore(cr);
			cairo_fill(cr);
		}
		if (c->layout && c->layout->nglyphs < ESEAL_PICTURE_MAX_GLYPHS && !blank(p)) {
			eseal_picture_glyph *g = &c->layout->glyphs[c->layout->nglyphs++];
			double q[4][2];
			pic_place_quad(p, q);
			g->role = p->role;
			g->codepoint = p->cp;
			g->cx = p->cx * c->px_per_mm + c->off_x;
			g->cy = p->cy * c->px_per_mm + c->off_y;
			g->angle = p->angle;
			for (int j = 0; j < 4; j++) {
				g->quad[j][0] = q[j][0] * c->px_per_mm + c->off_x;
				g->quad[j][1] = q[j][1] * c->px_per_mm + c->off_y;
			}
		}
	}
	return 0;
}

void pic_star_path(cairo_t *cr, double cx, double cy, double r)
{
	/* Inner radius of a regular pentagram: r * sin 18° / sin 126°. */
	const double ri = r * sin(M_PI / 10) / sin(7 * M_PI / 10);
	cairo_new_sub_path(cr);
	for (int k = 0; k < 10; k++) {
		double ang = k * M_PI / 5;
		double rr = (k % 2) ? ri : r;
		double x = cx + rr * sin(ang), y = cy - rr * cos(ang);
		if (k == 0)
			cairo_move_to(cr, x, y);
		else
			cairo_line_to(cr, x, y);
	}
	cairo_close_path(cr);
}
