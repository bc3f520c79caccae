/*
 * render_path.c - OFD AbbreviatedData as a cairo path: moves, lines,
 * quadratic and cubic Bezier curves, elliptical arcs and closes.
 *
 * Never trusts the numbers: a bad token ends the path, and arcs too large
 * to matter at page scale become lines instead of millions of curves.
 */
#include <math.h>

#include "ofd/render_internal.h"

/* SVG-style elliptical arc from the current point to (x, y). */
static void arc_to(cairo_t *cr, double rx, double ry, double deg, int large, int sweep, double x, double y)
{
	double x0, y0;
	if (!cairo_has_current_point(cr)) {
		cairo_move_to(cr, x, y);
		return;
	}
	cairo_get_current_point(cr, &x0, &y0);
	rx = fabs(rx);
	ry = fabs(ry);
	/* Arcs larger than a million pixels would be cut into millions of
	 * curves; seen from the page they are straight anyway. */
	double dx = rx, dy = 0, ex = 0, ey = ry;
	cairo_user_to_device_distance(cr, &dx, &dy);
	cairo_user_to_device_distance(cr, &ex, &ey);
	if (rx < 1e-9 || ry < 1e-9 || (fabs(x - x0) < 1e-12 && fabs(y - y0) < 1e-12) ||
	    !(hypot(dx, dy) < 1e6 && hypot(ex, ey) < 1e6)) {
		cairo_line_to(cr, x, y);
		return;
	}
	double phi = deg * M_PI / 180, cs = cos(phi), sn = sin(phi);
	double dx2 = (x0 - x) / 2, dy2 = (y0 - y) / 2;
	double x1p = cs * dx2 + sn * dy2, y1p = -sn * dx2 + cs * dy2;
	double lam = x1p * x1p / (rx * rx) + y1p * y1p / (ry * ry);
	if (lam > 1) {
		rx *= sqrt(lam);
		ry *= sqrt(lam);
	}
	double num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p;
	double den = rx * rx * y1p * y1p + ry * ry * x1p * x1p;
	double coef = den > 0 && num > 0 ? sqrt(num / den) : 0;
	if (large == sweep)
		coef = -coef;
	double cxp = coef * rx * y1p / ry, cyp = -coef * ry * x1p / rx;
	double cx = cs * cxp - sn * cyp + (x0 + x) / 2, cy = sn * cxp + cs * cyp + (y0 + y) / 2;
	double t1 = atan2((y1p - cyp) / ry, (x1p - cxp) / rx);
	double t2 = atan2((-y1p - cyp) / ry, (-x1p - cxp) / rx);
	double dt = t2 - t1;
	if (sweep && dt < 0)
		dt += 2 * M_PI;
	else if (!sweep && dt > 0)
		dt -= 2 * M_PI;
	cairo_matrix_t save;
	cairo_get_matrix(cr, &save);
	cairo_translate(cr, cx, cy);
	cairo_rotate(cr, phi);
	cairo_scale(cr, rx, ry);
	if (dt > 0)
		cairo_arc(cr, 0, 0, 1, t1, t1 + dt);
	else
		cairo_arc_negative(cr, 0, 0, 1, t1, t1 + dt);
	cairo_set_matrix(cr, &save);
}

/* Adds AbbreviatedData to the current path: S/M move, L line, Q
 * quadratic, B cubic, A arc, C/Z close. Stops at the first bad token. */
void rpath_build(cairo_t *cr, const char *p)
{
	double v[7];
	static const int argc_of[128] = { ['S'] = 2, ['M'] = 2, ['L'] = 2, ['Q'] = 4, ['B'] = 6, ['A'] = 7 };
	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',')
			p++;
		unsigned char op = (unsigned char)*p;
		if (!op)
			break;
		p++;
		if (op == 'C' || op == 'Z' || op == 'c' || op == 'z') {
			cairo_close_path(cr);
			continue;
		}
		int n = op < 128 ? argc_of[op] : 0;
		if (!n)
			break;
		int i = 0;
		while (i < n && ofd_num(&p, &v[i]) == 0)
			i++;
		if (i < n)
			break;
		double x0 = 0, y0 = 0;
		switch (op) {
		case 'S':
		case 'M':
			cairo_move_to(cr, v[0], v[1]);
			break;
		case 'L':
			cairo_line_to(cr, v[0], v[1]);
			break;
		case 'Q':
			if (cairo_has_current_point(cr))
				cairo_get_current_point(cr, &x0, &y0);
			else
				x0 = v[0], y0 = v[1];
			cairo_curve_to(cr, x0 + 2.0 / 3 * (v[0] - x0), y0 + 2.0 / 3 * (v[1] - y0),
				       v[2] + 2.0 / 3 * (v[0] - v[2]), v[3] + 2.0 / 3 * (v[1] - v[3]), v[2], v[3]);
			break;
		case 'B':
			if (!cairo_has_current_point(cr))
				cairo_move_to(cr, v[0], v[1]);
			cairo_curve_to(cr, v[0], v[1], v[2], v[3], v[4], v[5]);
			break;
		case 'A':
			arc_to(cr, v[0], v[1], v[2], v[3] != 0, v[4] != 0, v[5], v[6]);
			break;
		}
	}
}
