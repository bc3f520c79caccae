/*
 * draw_square.c - the square personal seal: 2, 3 or 4 characters filling
 * the square, read in columns from right to left, with or without a frame.
 *
 * Must never draw characters outside their cell.
 */
#include <math.h>

#include "picture_internal.h"

typedef struct { double x, y, w, h; } cell;

int pic_draw_square(pic_ctx *c, const eseal_picture_spec *s)
{
	const double W = c->w_mm, H = c->h_mm, m = fmin(W, H);
	uint32_t cps[8];
	pic_line name;
	int n, rc;

	if (s->title && *s->title)
		return eseal_error_set(ESEAL_EINVAL, "a square seal holds only the name (no title)");
	if (s->code && *s->code)
		return eseal_error_set(ESEAL_EINVAL, "a square seal holds only the name (no code)");
	if ((n = pic_utf8_decode(cps, 8, s->org, "name")) < 0)
		return n;
	if (n < 2 || n > 4)
		return eseal_error_set(ESEAL_EINVAL, "a square seal holds 2 to 4 characters, not %d", n);
	for (int i = 0; i < n; i++)
		if (cps[i] == ' ')
			return eseal_error_set(ESEAL_EINVAL, "a square seal's name cannot contain spaces");
	if ((rc = pic_line_measure(&name, c->font, cps, (size_t)n)))
		return rc;

	const int border = !s->no_border;
	const double bw = border ? 0.07 * m : 0;
	const double margin = border ? bw + 0.05 * m : 0.03 * m;
	const double g = 0.05 * m; /* between cells */
	const double x0 = margin, y0 = margin, iw = W - 2 * margin, ih = H - 2 * margin;
	const double colw = (iw - g) / 2, rowh = (ih - g) / 2;
	const double xr = x0 + colw + g, xl = x0;
	cell cells[4];
	/* Columns right to left, each top to bottom. */
	if (n == 2) {
		cells[0] = (cell){ xr, y0, colw, ih };
		cells[1] = (cell){ xl, y0, colw, ih };
	} else if (n == 3) {
		cells[0] = (cell){ xr, y0, colw, ih };
		cells[1] = (cell){ xl, y0, colw, rowh };
		cells[2] = (cell){ xl, y0 + rowh + g, colw, rowh };
	} else {
		cells[0] = (cell){ xr, y0, colw, rowh };
		cells[1] = (cell){ xr, y0 + rowh + g, colw, rowh };
		cells[2] = (cell){ xl, y0, colw, rowh };
		cells[3] = (cell){ xl, y0 + rowh + g, colw, rowh };
	}
	c->nplaces = 0;
	for (int i = 0; i < n; i++) {
		const pic_box *bx = &name.box[i];
		double bwid = bx->x1 - bx->x0, bhei = bx->y1 - bx->y0;
		/* Stretch each character to its cell, but not a flat one (一) to a
		 * full cell: scale as if its ink were at least 0.8 em. */
		double em_y = fmin(cells[i].h / bhei, cells[i].h / 0.8);
		double em_x = fmin(cells[i].w / bwid, cells[i].w / 0.8);
		pic_place p = { 0 };
		p.role = ESEAL_GLYPH_ORG;
		p.cp = name.cp[i];
		p.index = name.index[i];
		p.box = *bx;
		p.em = em_y;
		p.xscale = em_x / em_y;
		p.band_cy = (bx->y0 + bx->y1) / 2;
		p.cx = cells[i].x + cells[i].w / 2;
		p.cy = cells[i].y + cells[i].h / 2;
		if ((rc = pic_add_place(c, &p)))
			return rc;
	}
	if (c->layout) {
		c->layout->ring_outer = W / 2 * c->px_per_mm;
		c->layout->ring_inner = (W / 2 - bw) * c->px_per_mm;
	}
	if (c->cr) {
		cairo_t *cr = c->cr;
		cairo_set_source_rgb(cr, c->r, c->g, c->b);
		if (border) {
			cairo_new_path(cr);
			cairo_rectangle(cr, bw / 2, bw / 2, W - bw, H - bw);
			cairo_set_line_width(cr, bw);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
			cairo_stroke(cr);
		}
	}
	return pic_draw_places(c);
}
