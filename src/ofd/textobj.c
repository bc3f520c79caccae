/*
 * textobj.c - positions of the characters of a TextObject, and ruling lines
 * from PathObjects, in page millimetres.
 *
 * A TextObject has a Boundary (its origin on the page), an optional CTM
 * applied in the object's own space, a font Size, and TextCodes whose X/Y
 * give the first glyph's baseline origin and whose DeltaX/DeltaY lists (with
 * the "g count value" shorthand) give the steps to the next glyphs. A DeltaX
 * list shorter than the text repeats its last step, missing DeltaY steps are
 * 0, and without DeltaX the step is the estimated advance below (the
 * standard would stack the glyphs; producers that omit it rely on font
 * advances). Font files are never read: boxes are em boxes (an ascent of
 * 0.86 em, a descent of 0.14 em), wide for CJK and half wide for the rest
 * unless DeltaX says narrower. Rotated text, text in an empty Boundary and
 * glyphs off the page are left out.
 * This file must never allocate from a count written in the file without
 * capping it by the number of characters.
 */
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "ofd/ofd_internal.h"

#define ASCENT 0.86

typedef struct {
	double a, b, c, d, e, f;
} ctm;

static void apply(const ctm *m, double x, double y, double *ox, double *oy)
{
	*ox = m->a * x + m->c * y + m->e;
	*oy = m->b * x + m->d * y + m->f;
}

static int wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
	       (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	       (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

/* Decodes UTF-8 (libxml2 hands out valid UTF-8) into at most max code
 * points. */
size_t ofd_utf8_decode(const char *s, uint32_t *out, size_t max)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = 0;
	while (*p && n < max) {
		uint32_t c = *p;
		int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
		if (extra)
			c &= 0x3F >> extra;
		p++;
		for (int i = 0; i < extra && (*p & 0xC0) == 0x80; i++, p++)
			c = c << 6 | (*p & 0x3F);
		out[n++] = c;
	}
	return n;
}

/* Parses a DeltaX/DeltaY list into out[0..max), returns the count. Stops at
 * the first malformed token. "g N V" stands for N copies of V. */
static size_t deltas(const char *s, double *out, size_t max)
{
	size_t n = 0;
	while (s && n < max) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (!*s)
			break;
		if (*s == 'g' || *s == 'G') {
			double cnt, v;
			s++;
			if (ofd_num(&s, &cnt) || ofd_num(&s, &v) || cnt < 0)
				break;
			for (double k = 0; k < cnt && n < max; k++)
				out[n++] = v;
		} else {
			double v;
			if (ofd_num(&s, &v))
				break;
			out[n++] = v;
		}
	}
	return n;
}

int ofd_textcode_read(xmlNodePtr tc, size_t max, double *x, double *y, ofd_textcode *out)
{
	memset(out, 0, sizeof *out);
	char *text = ofd_xml_text(tc);
	if (!text)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	size_t cap = strlen(text) + 1;
	if (cap > max)
		cap = max;
	out->cps = malloc(cap * sizeof *out->cps);
	out->dx = malloc(cap * sizeof *out->dx);
	out->dy = malloc(cap * sizeof *out->dy);
	if (!out->cps || !out->dx || !out->dy) {
		free(text);
		ofd_textcode_free(out);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	out->n = ofd_utf8_decode(text, out->cps, cap);
	free(text);
	/* A missing X or Y repeats the previous TextCode's value
	 * (GB/T 33190 §11.3), not the place where it ended. */
	char *a = ofd_xml_attr(tc, "X");
	const char *p = a;
	if (a)
		ofd_num(&p, x);
	free(a);
	p = a = ofd_xml_attr(tc, "Y");
	if (a)
		ofd_num(&p, y);
	free(a);
	a = ofd_xml_attr(tc, "DeltaX");
	out->ndx = deltas(a, out->dx, out->n);
	free(a);
	a = ofd_xml_attr(tc, "DeltaY");
	out->ndy = deltas(a, out->dy, out->n);
	free(a);
	return 0;
}

void ofd_textcode_free(ofd_textcode *t)
{
	free(t->cps);
	free(t->dx);
	free(t->dy);
	memset(t, 0, sizeof *t);
}

static int parse_ctm(const char *s, ctm *m)
{
	double v[6];
	if (!s)
		return -1;
	for (int i = 0; i < 6; i++)
		if (ofd_num(&s, &v[i]))
			return -1;
	*m = (ctm){ v[0], v[1], v[2], v[3], v[4], v[5] };
	return 0;
}

int ofd_textobj(xmlNodePtr obj, eseal_text_page *tp, double ox, double oy)
{
	char *s = ofd_xml_attr(obj, "Boundary");
	eseal_box bnd;
	int ok = ofd_box(s, &bnd) == 0;
	free(s);
	/* No place, or an empty box (used to hide metadata as text): nothing
	 * a reader sees. */
	if (!ok || bnd.w == 0 || bnd.h == 0)
		return 0;
	ctm m = { 1, 0, 0, 1, 0, 0 };
	s = ofd_xml_attr(obj, "CTM");
	if (s && parse_ctm(s, &m) != 0)
		m = (ctm){ 1, 0, 0, 1, 0, 0 };
	free(s);
	double size = 3.5278; /* 10 pt when Size is missing */
	s = ofd_xml_attr(obj, "Size");
	if (s) {
		const char *p = s;
		double v;
		if (ofd_num(&p, &v) == 0 && v > 0 && v < 10000)
			size = v;
		free(s);
	}
	/* Rotated or skewed text (diagonal watermarks, vertical stamps) has
	 * no place in a model of horizontal lines: it is left out. */
	if (fabs(m.b) > 0.02 * fabs(m.a) || fabs(m.c) > 0.02 * fabs(m.d))
		return 0;
	double scale = sqrt(fabs(m.a * m.d - m.b * m.c));
	double lx = 0, ly = 0;
	int rc = 0;
	for (xmlNodePtr tc = ofd_xml_child(obj, "TextCode"); tc && rc == 0; tc = ofd_xml_next(tc, "TextCode")) {
		ofd_textcode t;
		if ((rc = ofd_textcode_read(tc, SIZE_MAX, &lx, &ly, &t)))
			return rc;
		const uint32_t *cps = t.cps;
		const double *dx = t.dx, *dy = t.dy;
		size_t n = t.n, ndx = t.ndx, ndy = t.ndy;
		double x = lx, y = ly;
		for (size_t i = 0; i < n && rc == 0; i++) {
			uint32_t c = cps[i];
			double adv = wide(c) ? size : size / 2;
			double step = i < ndx ? dx[i] : ndx ? dx[ndx - 1] : adv;
			double w = step > 0 && step < adv ? step : adv;
			if (c >= 0x20 && c != 0x7F) {
				/* Corners of the em box, through the CTM, onto the page. */
				double xs[4], ys[4];
				apply(&m, x, y - ASCENT * size, &xs[0], &ys[0]);
				apply(&m, x + w, y - ASCENT * size, &xs[1], &ys[1]);
				apply(&m, x, y + (1 - ASCENT) * size, &xs[2], &ys[2]);
				apply(&m, x + w, y + (1 - ASCENT) * size, &xs[3], &ys[3]);
				double x0 = xs[0], x1 = xs[0], y0 = ys[0], y1 = ys[0];
				for (int k = 1; k < 4; k++) {
					x0 = fmin(x0, xs[k]);
					x1 = fmax(x1, xs[k]);
					y0 = fmin(y0, ys[k]);
					y1 = fmax(y1, ys[k]);
				}
				eseal_box b = { bnd.x + x0 - ox, bnd.y + y0 - oy, x1 - x0, y1 - y0 };
				/* Glyphs wholly off the page are never seen. */
				if (b.x < tp->width && b.x + b.w > 0 && b.y < tp->height && b.y + b.h > 0)
					rc = eseal_text_page_add_char(tp, c, b, size * scale);
			}
			x += step;
			if (i < ndy)
				y += dy[i];
		}
		ofd_textcode_free(&t);
	}
	return rc;
}

/* Adds an axis-parallel segment as a thin rule. */
static int segment(eseal_text_page *tp, double x0, double y0, double x1, double y1)
{
	const double eps = 0.05;
	if (fabs(x0 - x1) > eps && fabs(y0 - y1) > eps)
		return 0;
	if (fabs(x0 - x1) <= eps && fabs(y0 - y1) <= eps)
		return 0;
	eseal_box b = { fmin(x0, x1), fmin(y0, y1), fabs(x1 - x0), fabs(y1 - y0) };
	return eseal_text_page_add_rule(tp, b);
}

int ofd_pathobj(xmlNodePtr obj, eseal_text_page *tp, double ox, double oy)
{
	char *s = ofd_xml_attr(obj, "Boundary");
	eseal_box bnd;
	int ok = ofd_box(s, &bnd) == 0;
	free(s);
	if (!ok || tp->nrules >= 100000)
		return 0;
	ctm m = { 1, 0, 0, 1, 0, 0 };
	s = ofd_xml_attr(obj, "CTM");
	if (s && parse_ctm(s, &m) != 0)
		m = (ctm){ 1, 0, 0, 1, 0, 0 };
	free(s);
	s = ofd_xml_attr(obj, "Stroke");
	int stroke = !s || strcmp(s, "false") != 0;
	free(s);
	s = ofd_xml_attr(obj, "Fill");
	int fill = s && strcmp(s, "true") == 0;
	free(s);
	/* A thin filled shape is a rule as a whole. */
	if (fill && (bnd.w <= 1.0 || bnd.h <= 1.0))
		return eseal_text_page_add_rule(tp, (eseal_box){ bnd.x - ox, bnd.y - oy, bnd.w, bnd.h });
	if (!stroke)
		return 0;
	char *data = ofd_xml_child_text(obj, "AbbreviatedData");
	if (!data)
		return 0;
	/* Straight stroked segments (M, L, C/Z) that run along an axis. */
	const char *p = data;
	double cx = 0, cy = 0, sx = 0, sy = 0;
	int rc = 0, have = 0;
	while (*p && rc == 0) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		char op = *p;
		if (!op)
			break;
		p++;
		double x, y, px, py;
		if (op == 'M' || op == 'L') {
			if (ofd_num(&p, &x) || ofd_num(&p, &y))
				break;
			apply(&m, x, y, &px, &py);
			px += bnd.x - ox;
			py += bnd.y - oy;
			if (op == 'L' && have)
				rc = segment(tp, cx, cy, px, py);
			if (op == 'M') {
				sx = px;
				sy = py;
			}
			cx = px;
			cy = py;
			have = 1;
		} else if (op == 'C' || op == 'Z') {
			if (have)
				rc = segment(tp, cx, cy, sx, sy);
			cx = sx;
			cy = sy;
		} else {
			break; /* curves and arcs are not rules */
		}
		if (tp->nrules >= 100000)
			break;
	}
	free(data);
	return rc;
}
