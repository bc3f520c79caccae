/*
 * render.c - draws one OFD page with cairo: white paper, the templates
 * under the content, TextObjects, PathObjects, ImageObjects and
 * CompositeObjects (each moved to its Boundary, through its CTM and
 * clipped to the Boundary and its Clips), the appearance of annotations
 * and the seal pictures of StampAnnots, then writes a PNG.
 *
 * Drawing happens in millimetres with the page's top-left corner at 0,0;
 * one scale maps millimetres to pixels. It must never allocate a bitmap
 * larger than ESEAL_RENDER_MAX_PIXELS nor draw without bound: objects per
 * page, PageBlock nesting and nested seal pictures are all capped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eseal/render.h"
#include "ofd/render_internal.h"

#define MAX_DEPTH 64          /* PageBlock nesting */
#define MAX_OBJECTS 200000    /* drawn objects per page, templates included */
#define MAX_TEXT 100000       /* characters per TextCode */
#define MAX_ANNOT_FILES 64    /* annotation files read per page */

static int draw_layer_objects(rctx *c, xmlNodePtr parent, int depth);

/* ---- attributes ---- */

static int attr_num(xmlNodePtr n, const char *name, double *v)
{
	char *s = ofd_xml_attr(n, name);
	const char *p = s;
	int rc = s && ofd_num(&p, v) == 0 ? 0 : -1;
	free(s);
	return rc;
}

static int attr_is(xmlNodePtr n, const char *name, const char *value)
{
	char *s = ofd_xml_attr(n, name);
	int r = s && strcasecmp(s, value) == 0;
	free(s);
	return r;
}

static int attr_box(xmlNodePtr n, const char *name, eseal_box *b)
{
	char *s = ofd_xml_attr(n, name);
	int rc = ofd_box(s, b);
	free(s);
	return rc;
}


/* CTM "a b c d e f": identity when absent or malformed; -1 when it cannot
 * be drawn through (singular or absurd), and the object is left out. */
static int attr_ctm(xmlNodePtr n, cairo_matrix_t *m)
{
	char *s = ofd_xml_attr(n, "CTM");
	const char *p = s;
	double v[6];
	int i = 0;
	cairo_matrix_init_identity(m);
	if (!s)
		return 0;
	while (i < 6 && ofd_num(&p, &v[i]) == 0)
		i++;
	free(s);
	if (i < 6)
		return 0;
	for (i = 0; i < 6; i++)
		if (!(fabs(v[i]) <= MAX_COORD))
			return -1;
	cairo_matrix_init(m, v[0], v[1], v[2], v[3], v[4], v[5]);
	cairo_matrix_t inv = *m;
	double det = v[0] * v[3] - v[1] * v[2];
	if (!(fabs(det) > 1e-12) || cairo_matrix_invert(&inv) != CAIRO_STATUS_SUCCESS)
		return -1;
	return 0;
}

int rbox_sane(const eseal_box *b)
{
	return fabs(b->x) <= MAX_COORD && fabs(b->y) <= MAX_COORD && fabs(b->w) <= MAX_COORD &&
	       fabs(b->h) <= MAX_COORD;
}

/* A colour element (FillColor, StrokeColor): Value components (1 gray,
 * 3 RGB, 4 CMYK; "#FF" hex allowed) and Alpha, 0..255. Returns 1 when it
 * gave a usable colour. */
static int parse_color(xmlNodePtr el, double rgba[4])
{
	if (!el)
		return 0;
	char *s = ofd_xml_attr(el, "Value");
	double v[4];
	int n = 0;
	for (const char *p = s; p && *p && n < 4;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (*p == '#') {
			int a = eseal_hex_digit(p[1]), b = a >= 0 ? eseal_hex_digit(p[2]) : -1;
			if (b < 0)
				break;
			v[n++] = a * 16 + b;
			p += 3;
		} else if (ofd_num(&p, &v[n]) == 0) {
			n++;
		} else {
			break;
		}
	}
	free(s);
	for (int i = 0; i < n; i++)
		v[i] = fmin(fmax(v[i], 0), 255) / 255;
	if (n == 1 || n == 2) {
		rgba[0] = rgba[1] = rgba[2] = v[0];
	} else if (n == 3) {
		rgba[0] = v[0];
		rgba[1] = v[1];
		rgba[2] = v[2];
	} else if (n == 4) {
		rgba[0] = (1 - v[0]) * (1 - v[3]);
		rgba[1] = (1 - v[1]) * (1 - v[3]);
		rgba[2] = (1 - v[2]) * (1 - v[3]);
	} else {
		return 0;
	}
	double a;
	rgba[3] = attr_num(el, "Alpha", &a) == 0 ? fmin(fmax(a, 0), 255) / 255 : 1;
	return 1;
}

static void set_rgba(cairo_t *cr, const double c[4])
{
	cairo_set_source_rgba(cr, c[0], c[1], c[2], c[3]);
}

/* An object's DrawParam (its own, else its layer's), then the ones each
 * names as Relative; the chain is cut at 8 against loops. */
static xmlNodePtr dp_first(rctx *c, xmlNodePtr obj)
{
	char *id = ofd_xml_attr(obj, "DrawParam");
	xmlNodePtr n = rres_draw_param(&c->res, id ? id : c->dp);
	free(id);
	return n;
}

static xmlNodePtr dp_next(rctx *c, xmlNodePtr dp)
{
	char *rel = ofd_xml_attr(dp, "Relative");
	xmlNodePtr n = rel ? rres_draw_param(&c->res, rel) : NULL;
	free(rel);
	return n == dp ? NULL : n;
}

/* A colour element of the object, else of its DrawParams. */
static int eff_color(rctx *c, xmlNodePtr obj, const char *elem, double rgba[4])
{
	if (parse_color(ofd_xml_child(obj, elem), rgba))
		return 1;
	int k = 0;
	for (xmlNodePtr p = dp_first(c, obj); p && k < 8; p = dp_next(c, p), k++)
		if (parse_color(ofd_xml_child(p, elem), rgba))
			return 1;
	return 0;
}

/* An attribute of the object, else of its DrawParams (caller frees). */
static char *eff_attr(rctx *c, xmlNodePtr obj, const char *name)
{
	char *s = ofd_xml_attr(obj, name);
	int k = 0;
	for (xmlNodePtr p = s ? NULL : dp_first(c, obj); p && !s && k < 8; p = dp_next(c, p), k++)
		s = ofd_xml_attr(p, name);
	return s;
}

static int eff_num(rctx *c, xmlNodePtr obj, const char *name, double *v)
{
	char *s = eff_attr(c, obj, name);
	const char *p = s;
	int rc = s && ofd_num(&p, v) == 0 ? 0 : -1;
	free(s);
	return rc;
}

/* "x y" into two numbers; -1 when malformed. */
static int attr_point(xmlNodePtr n, const char *name, double *x, double *y)
{
	char *s = ofd_xml_attr(n, name);
	const char *p = s;
	int rc = s && ofd_num(&p, x) == 0 && ofd_num(&p, y) == 0 && fabs(*x) <= MAX_COORD &&
		 fabs(*y) <= MAX_COORD ? 0 : -1;
	free(s);
	return rc;
}

/* An axial or radial shading inside a colour element as a cairo pattern
 * in the current user space; NULL when there is none or it is malformed. */
static cairo_pattern_t *shading(xmlNodePtr color, double alpha)
{
	xmlNodePtr ax = ofd_xml_child(color, "AxialShd"), rad = ofd_xml_child(color, "RadialShd");
	xmlNodePtr sh = ax ? ax : rad;
	double x0, y0, x1, y1, r0 = 0, r1 = 0;
	if (!sh || attr_point(sh, "StartPoint", &x0, &y0) || attr_point(sh, "EndPoint", &x1, &y1))
		return NULL;
	if (!ax && (attr_num(sh, "EndRadius", &r1) || !(r1 >= 0 && r1 <= MAX_COORD) ||
		    (attr_num(sh, "StartRadius", &r0) == 0 && !(r0 >= 0 && r0 <= MAX_COORD))))
		return NULL;
	cairo_pattern_t *pat = ax ? cairo_pattern_create_linear(x0, y0, x1, y1) :
				    cairo_pattern_create_radial(x0, y0, r0, x1, y1, r1);
	int n = 0;
	for (xmlNodePtr seg = ofd_xml_child(sh, "Segment"); seg && n < 256; seg = ofd_xml_next(seg, "Segment")) {
		double pos, c[4];
		if (!parse_color(ofd_xml_child(seg, "Color"), c))
			continue;
		/* Without Position the segments are spread evenly. */
		if (attr_num(seg, "Position", &pos) != 0)
			pos = n;
		cairo_pattern_add_color_stop_rgba(pat, fmin(fmax(pos, 0), 1), c[0], c[1], c[2], c[3] * alpha);
		n++;
	}
	double ext = 0;
	attr_num(sh, "Extend", &ext);
	cairo_pattern_set_extend(pat, ext != 0 ? CAIRO_EXTEND_PAD : CAIRO_EXTEND_NONE);
	if (n == 0 || cairo_pattern_status(pat) != CAIRO_STATUS_SUCCESS) {
		cairo_pattern_destroy(pat);
		return NULL;
	}
	return pat;
}

/* Object-level Alpha (0..255) multiplies the colours. */
static double obj_alpha(xmlNodePtr obj)
{
	double a;
	return attr_num(obj, "Alpha", &a) == 0 ? fmin(fmax(a, 0), 255) / 255 : 1;
}

/* Moves to an object's Boundary and clips to it, grown by `grow` mm so
 * strokes on the edge and glyphs that overhang a tight box stay whole.
 * Returns -1 for an object without a usable Boundary. */
static int enter_boundary(rctx *c, xmlNodePtr obj, double grow, eseal_box *b)
{
	if (attr_box(obj, "Boundary", b) != 0 || !rbox_sane(b))
		return -1;
	cairo_translate(c->cr, b->x, b->y);
	/* A box with a negative size (rotated watermarks) says nothing
	 * reliable about where the ink is: no clip then. */
	if (b->w < 0 || b->h < 0)
		return 0;
	cairo_rectangle(c->cr, -grow, -grow, b->w + 2 * grow, b->h + 2 * grow);
	cairo_clip(c->cr);
	return 0;
}

/* ---- paths ---- */

static void stroke_style(rctx *c, xmlNodePtr obj)
{
	cairo_t *cr = c->cr;
	double lw = 0.353;
	if (eff_num(c, obj, "LineWidth", &lw) != 0 || lw < 0 || lw > 1000)
		lw = 0.353;
	/* A zero width is the thinnest line the device can show. */
	if (lw == 0) {
		double ux = 1, uy = 0;
		cairo_device_to_user_distance(cr, &ux, &uy);
		lw = hypot(ux, uy);
	}
	cairo_set_line_width(cr, lw);
	char *s = eff_attr(c, obj, "Join");
	cairo_set_line_join(cr, s && !strcasecmp(s, "Round") ? CAIRO_LINE_JOIN_ROUND :
				s && !strcasecmp(s, "Bevel") ? CAIRO_LINE_JOIN_BEVEL : CAIRO_LINE_JOIN_MITER);
	free(s);
	s = eff_attr(c, obj, "Cap");
	cairo_set_line_cap(cr, s && !strcasecmp(s, "Round") ? CAIRO_LINE_CAP_ROUND :
			       s && !strcasecmp(s, "Square") ? CAIRO_LINE_CAP_SQUARE : CAIRO_LINE_CAP_BUTT);
	free(s);
	double ml;
	if (eff_num(c, obj, "MiterLimit", &ml) == 0 && ml >= 1 && ml < 1000)
		cairo_set_miter_limit(cr, ml);
	s = eff_attr(c, obj, "DashPattern");
	if (s) {
		double dash[16], off = 0, total = 0;
		int n = 0;
		const char *p = s;
		while (n < 16 && ofd_num(&p, &dash[n]) == 0 && dash[n] >= 0)
			total += dash[n++];
		eff_num(c, obj, "DashOffset", &off);
		/* Dashes finer than 0.05 mm would cut a line into millions of
		 * pieces: drawn solid. */
		if (n > 0 && total >= 0.05 && fabs(off) <= MAX_COORD)
			cairo_set_dash(cr, dash, n, off);
		free(s);
	}
}

/* An object's Clips: each Clip is the union of its Areas (paths placed
 * by their own Boundary and CTM), and the Clips intersect. TransFlag
 * "true" puts them in the object's CTM space, else in its Boundary space;
 * call once before and once after applying the CTM. Text areas are not
 * supported and clip nothing away. */
static void apply_clips(rctx *c, xmlNodePtr obj, int after_ctm)
{
	xmlNodePtr clips = ofd_xml_child(obj, "Clips");
	if (!clips || attr_is(clips, "TransFlag", "true") != after_ctm)
		return;
	cairo_t *cr = c->cr;
	int n = 0;
	for (xmlNodePtr cl = ofd_xml_child(clips, "Clip"); cl && n < 16; cl = ofd_xml_next(cl, "Clip"), n++) {
		int paths = 0;
		cairo_new_path(cr);
		for (xmlNodePtr a = ofd_xml_child(cl, "Area"); a; a = ofd_xml_next(a, "Area")) {
			xmlNodePtr pth = ofd_xml_child(a, "Path");
			cairo_matrix_t save, m, pm;
			eseal_box b;
			if (!pth || attr_ctm(a, &m) != 0 || attr_box(pth, "Boundary", &b) != 0 || !rbox_sane(&b) ||
			    attr_ctm(pth, &pm) != 0)
				continue;
			char *data = ofd_xml_child_text(pth, "AbbreviatedData");
			if (!data)
				continue;
			cairo_get_matrix(cr, &save);
			cairo_transform(cr, &m);
			cairo_translate(cr, b.x, b.y);
			cairo_transform(cr, &pm);
			rpath_build(cr, data);
			cairo_set_matrix(cr, &save);
			free(data);
			paths++;
		}
		if (paths)
			cairo_clip(cr);
		cairo_new_path(cr);
	}
}

static void draw_path(rctx *c, xmlNodePtr obj)
{
	cairo_t *cr = c->cr;
	eseal_box b;
	double lw = 0.353;
	eff_num(c, obj, "LineWidth", &lw);
	if (enter_boundary(c, obj, fmax(fmin(fabs(lw), 10), 0.5), &b) != 0)
		return;
	cairo_matrix_t m;
	if (attr_ctm(obj, &m) != 0)
		return;
	apply_clips(c, obj, 0);
	cairo_transform(cr, &m);
	apply_clips(c, obj, 1);
	char *data = ofd_xml_child_text(obj, "AbbreviatedData");
	if (!data)
		return;
	cairo_new_path(cr);
	rpath_build(cr, data);
	free(data);
	int stroke = !attr_is(obj, "Stroke", "false");
	int fill = attr_is(obj, "Fill", "true");
	double alpha = obj_alpha(obj);
	cairo_set_fill_rule(cr, attr_is(obj, "Rule", "Even-Odd") || attr_is(obj, "Rule", "EvenOdd") ?
				CAIRO_FILL_RULE_EVEN_ODD : CAIRO_FILL_RULE_WINDING);
	if (fill) {
		double col[4] = { 0, 0, 0, 1 };
		cairo_pattern_t *pat = shading(ofd_xml_child(obj, "FillColor"), alpha);
		/* A path's fill is transparent unless a colour or a shading
		 * is given. */
		if (pat) {
			cairo_set_source(cr, pat);
			cairo_fill_preserve(cr);
			cairo_pattern_destroy(pat);
		} else if (eff_color(c, obj, "FillColor", col)) {
			col[3] *= alpha;
			set_rgba(cr, col);
			cairo_fill_preserve(cr);
		}
	}
	if (stroke) {
		double col[4] = { 0, 0, 0, 1 };
		eff_color(c, obj, "StrokeColor", col);
		col[3] *= alpha;
		set_rgba(cr, col);
		stroke_style(c, obj);
		cairo_stroke_preserve(cr);
	}
	cairo_new_path(cr);
}

/* ---- text ---- */

static int draw_text(rctx *c, xmlNodePtr obj)
{
	cairo_t *cr = c->cr;
	eseal_box b;
	double size = 3.5278, hscale = 1, w;
	/* Sizes near zero would make the font matrix singular, which stops
	 * cairo drawing anything more on the page. */
	if (attr_num(obj, "Size", &size) != 0 || !(size >= 0.001 && size < 10000))
		size = 3.5278;
	if (attr_num(obj, "HScale", &hscale) != 0 || !(hscale >= 0.01 && hscale < 100))
		hscale = 1;
	/* An empty Boundary hides text (used for metadata): nothing to draw.
	 * The clip is grown by one em: producers size boxes tightly. */
	if (attr_box(obj, "Boundary", &b) != 0 || b.w == 0 || b.h == 0)
		return 0;
	if (enter_boundary(c, obj, size, &b) != 0)
		return 0;
	cairo_matrix_t m;
	if (attr_ctm(obj, &m) != 0)
		return 0;
	apply_clips(c, obj, 0);
	cairo_transform(cr, &m);
	apply_clips(c, obj, 1);
	int bold = attr_num(obj, "Weight", &w) == 0 && w >= 600;
	int italic = attr_is(obj, "Italic", "true");
	char *font_id = ofd_xml_attr(obj, "Font");
	rfont *f = rfonts_get(&c->fonts, c->d, font_id, bold, italic);
	free(font_id);
	if (!f)
		return 0;
	double alpha = obj_alpha(obj);
	double fillc[4] = { 0, 0, 0, 1 }, strokec[4] = { 0, 0, 0, 1 };
	eff_color(c, obj, "FillColor", fillc);
	eff_color(c, obj, "StrokeColor", strokec);
	fillc[3] *= alpha;
	strokec[3] *= alpha;
	int fill = !attr_is(obj, "Fill", "false");
	int stroke = attr_is(obj, "Stroke", "true");
	cairo_pattern_t *shade = fill ? shading(ofd_xml_child(obj, "FillColor"), alpha) : NULL;
	if (stroke)
		stroke_style(c, obj);
	cairo_matrix_t fm;
	cairo_matrix_init_scale(&fm, size * hscale, size);
	/* Big glyphs are filled as outlines: a glyph bitmap of a 1 m tall
	 * character would be gigabytes. */
	double ux = size * hscale, uy = 0, vx = 0, vy = size;
	cairo_user_to_device_distance(cr, &ux, &uy);
	cairo_user_to_device_distance(cr, &vx, &vy);
	int as_path = fmax(hypot(ux, uy), hypot(vx, vy)) > 256;
	double lx = 0, ly = 0;
	for (xmlNodePtr tc = ofd_xml_child(obj, "TextCode"); tc; tc = ofd_xml_next(tc, "TextCode")) {
		ofd_textcode t;
		if (ofd_textcode_read(tc, MAX_TEXT, &lx, &ly, &t)) {
			cairo_pattern_destroy(shade);
			return ESEAL_ENOMEM;
		}
		const uint32_t *cps = t.cps;
		const double *dx = t.dx, *dy = t.dy;
		size_t n = t.n, ndx = t.ndx, ndy = t.ndy;
		double x = lx, y = ly;
		for (size_t i = 0; i < n; i++) {
			int k;
			unsigned long gi;
			double adv = 0.5;
			int ok = rfont_glyph(f, cps[i], &k, &gi, &adv) == 0;
			if (ok && cps[i] > 0x20 && cps[i] != 0x3000) {
				cairo_glyph_t g = { gi, x, y };
				cairo_set_font_face(cr, f->face[k]);
				cairo_set_font_matrix(cr, &fm);
				if (shade)
					cairo_set_source(cr, shade);
				else
					set_rgba(cr, fillc);
				if (fill && as_path) {
					cairo_new_path(cr);
					cairo_glyph_path(cr, &g, 1);
					cairo_fill(cr);
				} else if (fill) {
					cairo_show_glyphs(cr, &g, 1);
				}
				if (stroke) {
					cairo_new_path(cr);
					cairo_glyph_path(cr, &g, 1);
					set_rgba(cr, strokec);
					cairo_stroke(cr);
				}
			}
			/* Without DeltaX the font's advance places the next glyph. */
			x += i < ndx ? dx[i] : ndx ? dx[ndx - 1] : adv * size * hscale;
			if (i < ndy)
				y += dy[i];
		}
		ofd_textcode_free(&t);
	}
	cairo_pattern_destroy(shade);
	return 0;
}

/* ---- images ---- */

static void draw_image(rctx *c, xmlNodePtr obj)
{
	eseal_box b;
	char *id = ofd_xml_attr(obj, "ResourceID");
	const eseal_ofd_res *r = id ? eseal_ofd_res_by_id(c->d, id) : NULL;
	/* not in the document's resources: the page's own (PageRes) */
	char *path = r && r->kind == ESEAL_OFD_RES_MEDIA && r->path ? strdup(r->path) :
		     id ? rres_media_path(&c->res, id) : NULL;
	free(id);
	/* an image is read only when there is a box to show it in */
	if (!path || enter_boundary(c, obj, 0, &b) != 0) {
		free(path);
		return;
	}
	eseal_buf bytes = ESEAL_BUF_INIT;
	if (eseal_ofd_read(c->d, path, 0, &bytes) == 0) {
		cairo_surface_t *sf = rimage_surface(bytes.data, bytes.len);
		if (sf) {
			/* The CTM maps the image's unit square into the Boundary. */
			cairo_matrix_t m;
			char *has = ofd_xml_attr(obj, "CTM");
			int rc = attr_ctm(obj, &m);
			/* without a CTM the unit square would be 1 mm wide: the
			 * producers that leave it out mean "fill the Boundary" */
			if (!has)
				cairo_matrix_init_scale(&m, fabs(b.w), fabs(b.h));
			if (!has && (b.w == 0 || b.h == 0))
				rc = -1;
			free(has);
			if (rc == 0) {
				apply_clips(c, obj, 0);
				cairo_transform(c->cr, &m);
				apply_clips(c, obj, 1);
				rimage_paint_unit(c->cr, sf, obj_alpha(obj));
			}
			cairo_surface_destroy(sf);
		}
	}
	eseal_error_clear();
	eseal_buf_free(&bytes);
	free(path);
}

/* ---- pages ---- */

/* A CompositeObject draws the Content of a CompositeGraphicUnit resource
 * in its Boundary, through its CTM. Nesting counts towards MAX_DEPTH and
 * every object drawn towards MAX_OBJECTS, so units using units stay
 * bounded. */
static int draw_composite(rctx *c, xmlNodePtr obj, int depth)
{
	eseal_box b;
	cairo_matrix_t m;
	char *id = ofd_xml_attr(obj, "ResourceID");
	xmlNodePtr unit = id ? rres_composite(&c->res, id) : NULL;
	free(id);
	if (!unit || enter_boundary(c, obj, 0, &b) != 0 || attr_ctm(obj, &m) != 0)
		return 0;
	apply_clips(c, obj, 0);
	cairo_transform(c->cr, &m);
	apply_clips(c, obj, 1);
	return draw_layer_objects(c, ofd_xml_child(unit, "Content"), depth + 1);
}

static int draw_layer_objects(rctx *c, xmlNodePtr parent, int depth)
{
	int rc = 0;
	if (depth > MAX_DEPTH)
		return 0;
	for (xmlNodePtr o = parent ? parent->children : NULL; o && rc == 0; o = o->next) {
		if (o->type != XML_ELEMENT_NODE || attr_is(o, "Visible", "false"))
			continue;
		if (++c->nobjs > MAX_OBJECTS)
			return eseal_error_set(ESEAL_ELIMIT, "the page has more than %d objects", MAX_OBJECTS);
		cairo_save(c->cr);
		if (ofd_xml_is(o, "TextObject"))
			rc = draw_text(c, o);
		else if (ofd_xml_is(o, "PathObject"))
			draw_path(c, o);
		else if (ofd_xml_is(o, "ImageObject"))
			draw_image(c, o);
		else if (ofd_xml_is(o, "PageBlock"))
			rc = draw_layer_objects(c, o, depth + 1);
		else if (ofd_xml_is(o, "CompositeObject"))
			rc = draw_composite(c, o, depth);
		cairo_restore(c->cr);
	}
	return rc;
}

/* Content layers: Background layers first, then Body, then Foreground. */
static int draw_content(rctx *c, xmlNodePtr page_root)
{
	static const char *const order[] = { "Background", "Body", "Foreground" };
	xmlNodePtr content = ofd_xml_child(page_root, "Content");
	int rc = 0;
	for (int pass = 0; pass < 3 && rc == 0; pass++) {
		for (xmlNodePtr l = ofd_xml_child(content, "Layer"); l && rc == 0; l = ofd_xml_next(l, "Layer")) {
			char *t = ofd_xml_attr(l, "Type");
			int which = 1;
			for (int k = 0; t && k < 3; k++)
				if (!strcasecmp(t, order[k]))
					which = k;
			free(t);
			if (which != pass)
				continue;
			const char *outer = c->dp;
			char *dp = ofd_xml_attr(l, "DrawParam");
			c->dp = dp;
			rc = draw_layer_objects(c, l, 0);
			c->dp = outer;
			free(dp);
		}
	}
	return rc;
}

/* Draws a template's content; a missing or broken template is skipped. */
static int draw_template(rctx *c, xmlNodePtr tref)
{
	char *id = ofd_xml_attr(tref, "TemplateID");
	const char *path = id ? ofd_tpl_path(c->d, id, strlen(id)) : NULL;
	free(id);
	xmlDocPtr x;
	if (!path || ofd_xml_read(&x, c->d, path) != 0) {
		eseal_error_clear();
		return 0;
	}
	int rc = draw_content(c, xmlDocGetRootElement(x));
	xmlFreeDoc(x);
	return rc;
}

/* The appearance of the page's annotations (Annot/Appearance objects are
 * placed relative to the Appearance Boundary). */
static int draw_annots(rctx *c, const eseal_ofd_page *p)
{
	int rc = 0, files = 0;
	const char *last = NULL;
	for (size_t i = 0; i < c->d->nannots && rc == 0; i++) {
		const eseal_ofd_annot *a = &c->d->annots[i];
		/* one file's Annots are listed together: read each file once,
		 * and only so many files per page */
		if (strcmp(a->page_id, p->id) != 0 || (last && !strcmp(last, a->path)))
			continue;
		last = a->path;
		if (++files > MAX_ANNOT_FILES)
			break;
		xmlDocPtr x;
		if (ofd_xml_read(&x, c->d, a->path) != 0) {
			eseal_error_clear();
			continue;
		}
		xmlNodePtr root = xmlDocGetRootElement(x);
		for (xmlNodePtr n = ofd_xml_child(root, "Annot"); n && rc == 0; n = ofd_xml_next(n, "Annot")) {
			xmlNodePtr ap = ofd_xml_child(n, "Appearance");
			eseal_box b;
			if (!ap || attr_is(n, "Visible", "false"))
				continue;
			cairo_save(c->cr);
			if (enter_boundary(c, ap, 0, &b) == 0)
				rc = draw_layer_objects(c, ap, 0);
			cairo_restore(c->cr);
		}
		xmlFreeDoc(x);
	}
	return rc;
}

int rdraw_page(rctx *c, eseal_ofd *d, size_t i)
{
	const eseal_ofd_page *p = &d->pages[i];
	xmlDocPtr x;
	if (!eseal_ofd_entry_find(d, p->path))
		return eseal_error_set(ESEAL_EFORMAT, "page %d: %s is missing", p->index, p->path);
	int rc = ofd_xml_read(&x, d, p->path);
	if (rc)
		return rc;
	cairo_save(c->cr);
	cairo_translate(c->cr, -p->physical.x, -p->physical.y);
	xmlNodePtr root = xmlDocGetRootElement(x);
	rres_load(&c->res, d, root, p->path);
	/* Background templates under the content, Foreground ones over it. */
	for (xmlNodePtr t = ofd_xml_child(root, "Template"); t && rc == 0; t = ofd_xml_next(t, "Template"))
		if (!attr_is(t, "ZOrder", "Foreground"))
			rc = draw_template(c, t);
	if (rc == 0)
		rc = draw_content(c, root);
	for (xmlNodePtr t = ofd_xml_child(root, "Template"); t && rc == 0; t = ofd_xml_next(t, "Template"))
		if (attr_is(t, "ZOrder", "Foreground"))
			rc = draw_template(c, t);
	if (rc == 0)
		rc = draw_annots(c, p);
	if (rc == 0)
		rdraw_stamps(c, p);
	rres_free(&c->res);
	cairo_restore(c->cr);
	xmlFreeDoc(x);
	return rc;
}

int eseal_ofd_render_size(const eseal_ofd *d, int page, double dpi, int *w_px, int *h_px,
			  double *w_mm, double *h_mm)
{
	if (!d)
		return eseal_error_set(ESEAL_EINVAL, "no document");
	if (page < 1 || (size_t)page > d->npages)
		return eseal_error_set(ESEAL_EINVAL, "page %d does not exist (the document has %zu page%s)", page,
				       d->npages, d->npages == 1 ? "" : "s");
	if (!(dpi >= ESEAL_RENDER_MIN_DPI && dpi <= ESEAL_RENDER_MAX_DPI))
		return eseal_error_set(ESEAL_EINVAL, "resolution %g dpi is out of range (%g to %g)", dpi,
				       ESEAL_RENDER_MIN_DPI, ESEAL_RENDER_MAX_DPI);
	const eseal_box *b = &d->pages[page - 1].physical;
	double w = floor(b->w * dpi / 25.4 + 0.5), h = floor(b->h * dpi / 25.4 + 0.5);
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	if (!(w * h <= ESEAL_RENDER_MAX_PIXELS) || w > 32000 || h > 32000)
		return eseal_error_set(ESEAL_ELIMIT, "page %d at %g dpi would be %.0fx%.0f pixels (limit %.0f "
				       "Mpixel); use a lower dpi", page, dpi, w, h, ESEAL_RENDER_MAX_PIXELS / 1e6);
	if (w_px)
		*w_px = (int)w;
	if (h_px)
		*h_px = (int)h;
	if (w_mm)
		*w_mm = b->w;
	if (h_mm)
		*h_mm = b->h;
	return 0;
}

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
	return eseal_buf_put(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int eseal_ofd_render_page(eseal_ofd *d, int page, double dpi, eseal_buf *png_out, double *w_mm, double *h_mm)
{
	int w, h;
	if (!png_out)
		return eseal_error_set(ESEAL_EINVAL, "no output buffer");
	int rc = eseal_ofd_render_size(d, page, dpi, &w, &h, w_mm, h_mm);
	if (rc)
		return rc;
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(sf);
		return eseal_error_set(ESEAL_ENOMEM, "cannot allocate a %dx%d bitmap", w, h);
	}
	cairo_t *cr = cairo_create(sf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	const eseal_box *pb = &d->pages[page - 1].physical;
	/* Millimetres to pixels, exactly filling the rounded bitmap. */
	cairo_scale(cr, w / pb->w, h / pb->h);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);
	rctx c = { d, cr, { NULL, 0 }, 0, 0, { NULL, NULL, 0 }, NULL };
	rc = rdraw_page(&c, d, (size_t)page - 1);
	rfonts_free(&c.fonts);
	if (rc == 0 && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		rc = eseal_error_set(ESEAL_ENOMEM, "drawing page %d failed: %s", page,
				     cairo_status_to_string(cairo_status(cr)));
	cairo_destroy(cr);
	if (rc == 0) {
		size_t before = png_out->len;
		cairo_surface_flush(sf);
		if (cairo_surface_write_to_png_stream(sf, png_write, png_out) != CAIRO_STATUS_SUCCESS) {
			png_out->len = before;
			rc = eseal_error_set(ESEAL_ENOMEM, "cannot write the PNG");
		}
	}
	cairo_surface_destroy(sf);
	return rc;
}
