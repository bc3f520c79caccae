/*
 * test_picture.c - seal pictures, checked on their pixels: size and pHYs,
 * transparency outside the ring, ink colour, glyph boxes on the arc (no
 * overlap, even spacing, upright), the star in the centre; and import of a
 * synthetic scan (tinted, blurred, unevenly lit paper with black print).
 */
#include <cairo.h>
#include <math.h>

#include "eseal/eseal.h"
#include "eseal/picture.h"
#include "harness.h"

typedef struct {
	uint8_t *px;
	int w, h;
	double dpi;
} img;

static void img_free(img *i)
{
	free(i->px);
	i->px = NULL;
}

static const uint8_t *at(const img *i, int x, int y)
{
	return i->px + ((size_t)y * i->w + x) * 4;
}

static eseal_picture_layout lay;

static void draw(img *out, const eseal_picture_spec *s)
{
	eseal_buf png = ESEAL_BUF_INIT;
	CHECK_OK(eseal_picture_draw(&png, s, NULL, &lay));
	CHECK_OK(eseal_png_decode(&out->px, &out->w, &out->h, &out->dpi, png.data, png.len));
	eseal_buf_free(&png);
}

/* Separating axis test, written independently of the library's. */
static int quads_overlap(const double a[4][2], const double b[4][2])
{
	const double (*q[2])[2] = { a, b };
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < 4; i++) {
			double nx = q[s][(i + 1) % 4][1] - q[s][i][1], ny = q[s][i][0] - q[s][(i + 1) % 4][0];
			double amin = 1e9, amax = -1e9, bmin = 1e9, bmax = -1e9;
			for (int k = 0; k < 4; k++) {
				double pa = a[k][0] * nx + a[k][1] * ny, pb = b[k][0] * nx + b[k][1] * ny;
				amin = fmin(amin, pa); amax = fmax(amax, pa);
				bmin = fmin(bmin, pb); bmax = fmax(bmax, pb);
			}
			if (amax <= bmin || bmax <= amin)
				return 0;
		}
	return 1;
}

static int point_in_quad(const double q[4][2], double x, double y)
{
	int pos = 0, neg = 0;
	for (int i = 0; i < 4; i++) {
		double c = (q[(i + 1) % 4][0] - q[i][0]) * (y - q[i][1]) - (q[(i + 1) % 4][1] - q[i][1]) * (x - q[i][0]);
		if (c > 0) pos++;
		if (c < 0) neg++;
	}
	return !(pos && neg);
}

static double quad_area(const double q[4][2])
{
	double a = 0;
	for (int i = 0; i < 4; i++)
		a += q[i][0] * q[(i + 1) % 4][1] - q[(i + 1) % 4][0] * q[i][1];
	return fabs(a) / 2;
}

/* Share of the quad's pixels that are ink. */
static double ink_in_quad(const img *im, const double q[4][2])
{
	double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
	for (int i = 0; i < 4; i++) {
		x0 = fmin(x0, q[i][0]); x1 = fmax(x1, q[i][0]);
		y0 = fmin(y0, q[i][1]); y1 = fmax(y1, q[i][1]);
	}
	size_t ink = 0;
	for (int y = (int)floor(y0); y <= (int)ceil(y1); y++)
		for (int x = (int)floor(x0); x <= (int)ceil(x1); x++)
			if (x >= 0 && y >= 0 && x < im->w && y < im->h && point_in_quad(q, x + 0.5, y + 0.5) &&
			    at(im, x, y)[3] > 128)
				ink++;
	return ink / quad_area(q);
}

static void check_no_overlap(void)
{
	for (size_t i = 0; i < lay.nglyphs; i++)
		for (size_t j = i + 1; j < lay.nglyphs; j++)
			if (quads_overlap(lay.glyphs[i].quad, lay.glyphs[j].quad)) {
				fprintf(stderr, "  glyphs %zu and %zu overlap\n", i, j);
				CHECK(0);
			}
}

static void test_round_size_and_ink(void)
{
	eseal_picture_spec s = { 0 };
	s.org = "某某市某某科技有限公司";
	s.title = "合同专用章";
	s.code = "3301060012345";
	img im = { 0 };
	draw(&im, &s);
	REQUIRE(im.px);
	/* 42 mm at 400 dpi, and the PNG says 400 dpi. */
	CHECK_EQ_INT(im.w, 661);
	CHECK_EQ_INT(im.h, 661);
	CHECK(fabs(im.dpi - 400) < 0.5);
	CHECK(fabs(im.w * 25.4 / im.dpi - 42) < 0.01);

	const double cx = im.w / 2.0, cy = im.h / 2.0, R = lay.ring_outer;
	CHECK(fabs(R - cx) < 1);
	size_t outside_ink = 0, bad_hue = 0, ink = 0;
	for (int y = 0; y < im.h; y++)
		for (int x = 0; x < im.w; x++) {
			const uint8_t *p = at(&im, x, y);
			double r = hypot(x + 0.5 - cx, y + 0.5 - cy);
			if (r > R + 1 && p[3] != 0)
				outside_ink++;
			if (p[3] > 128) {
				ink++;
				/* #E60012 */
				if (abs(p[0] - 0xE6) > 3 || p[1] > 3 || abs(p[2] - 0x12) > 3)
					bad_hue++;
			}
		}
	CHECK_EQ_INT(outside_ink, 0);
	CHECK_EQ_INT(bad_hue, 0);
	CHECK(ink > (size_t)(im.w * im.h) / 10);
	/* Corners are fully transparent. */
	CHECK_EQ_INT(at(&im, 0, 0)[3], 0);
	CHECK_EQ_INT(at(&im, im.w - 1, im.h - 1)[3], 0);
	/* The ring is solid all round. */
	double rm = (lay.ring_outer + lay.ring_inner) / 2;
	for (int k = 0; k < 360; k++) {
		int x = (int)(cx + rm * cos(k * M_PI / 180)), y = (int)(cy + rm * sin(k * M_PI / 180));
		CHECK(at(&im, x, y)[3] == 255);
	}
	/* Just inside the ring: paper, except where text is. Check a gap spot
	 * between the name's ends and the code: around 7 o'clock on the ring's
	 * inner edge, a few pixels in. */
	CHECK(lay.ring_inner < lay.ring_outer && lay.ring_outer - lay.ring_inner > 10);

	/* Star: ink within its circle is centred and its top point is up. */
	double sx = 0, sy = 0, n = 0;
	int top = im.h;
	for (int y = 0; y < im.h; y++)
		for (int x = 0; x < im.w; x++)
			if (hypot(x + 0.5 - cx, y + 0.5 - cy) < lay.star_r * 1.05 && at(&im, x, y)[3] > 0) {
				double a = at(&im, x, y)[3] / 255.0;
				sx += a * (x + 0.5);
				sy += a * (y + 0.5);
				n += a;
				if (y < top) top = y;
			}
	REQUIRE(n > 0);
	CHECK(fabs(sx / n - cx) < 0.5);
	CHECK(fabs(sy / n - cy) < 0.5);
	CHECK(fabs(top - (cy - lay.star_r)) < 2);
	CHECK(at(&im, (int)cx, (int)(cy - lay.star_r + 3))[3] > 0);
	/* The centre of a pentagram is ink. */
	CHECK_EQ_INT(at(&im, (int)cx, (int)cy)[3], 255);
	img_free(&im);
}

static void test_round_glyph_layout(void)
{
	eseal_picture_spec s = { 0 };
	s.org = "某某市某某科技有限公司";
	s.title = "合同专用章";
	s.code = "3301060012345";
	img im = { 0 };
	draw(&im, &s);
	REQUIRE(im.px);
	CHECK_EQ_INT(lay.nglyphs, 11 + 5 + 13);
	check_no_overlap();
	const double cx = lay.cx, cy = lay.cy;
	/* Name: clockwise over the top, evenly spaced, upright facing out,
	 * symmetric about the vertical axis, inside the ring. */
	double prev = -10, step = 0, rad = 0;
	int norg = 0;
	for (size_t i = 0; i < lay.nglyphs; i++) {
		const eseal_picture_glyph *g = &lay.glyphs[i];
		for (int k = 0; k < 4; k++)
			CHECK(hypot(g->quad[k][0] - cx, g->quad[k][1] - cy) < lay.ring_inner);
		CHECK(ink_in_quad(&im, g->quad) > 0.15);
		if (g->role != ESEAL_GLYPH_ORG)
			continue;
		double theta = atan2(g->cx - cx, cy - g->cy); /* from 12 o'clock, clockwise */
		double r = hypot(g->cx - cx, g->cy - cy);
		CHECK(fabs(g->angle - theta) < 1e-6);
		if (norg == 0) {
			rad = r;
			CHECK(g->cx < cx); /* starts on the left */
		} else {
			CHECK(theta > prev);
			CHECK(fabs(r - rad) < 1e-6);
			if (norg == 1)
				step = theta - prev;
			else
				CHECK(fabs(theta - prev - step) < 0.1 * M_PI / 180);
		}
		if (norg == 0)
			CHECK(fabs(theta + 0) > 0);
		prev = theta;
		norg++;
	}
	CHECK_EQ_INT(norg, 11);
	double first = atan2(lay.glyphs[0].cx - cx, cy - lay.glyphs[0].cy);
	CHECK(fabs(first + prev) < 1e-6);
	CHECK(prev - first > 150 * M_PI / 180 && prev - first <= 240 * M_PI / 180);

	/* Title: one horizontal line under the star, centred, upright. */
	double ty = -1, tx = 0;
	int nt = 0;
	for (size_t i = 0; i < lay.nglyphs; i++) {
		const eseal_picture_glyph *g = &lay.glyphs[i];
		if (g->role != ESEAL_GLYPH_TITLE)
			continue;
		if (ty < 0) ty = g->cy;
		CHECK(fabs(g->cy - ty) < 1e-9);
		CHECK(g->angle == 0);
		for (int k = 0; k < 4; k++)
			CHECK(g->quad[k][1] > cy + lay.star_r * cos(M_PI / 5));
		tx += g->cx;
		nt++;
	}
	CHECK_EQ_INT(nt, 5);
	CHECK(fabs(tx / nt - cx) < 1e-6);

	/* Code: lower arc, read left to right, tops towards the centre. */
	double px = -1;
	for (size_t i = 0; i < lay.nglyphs; i++) {
		const eseal_picture_glyph *g = &lay.glyphs[i];
		if (g->role != ESEAL_GLYPH_CODE)
			continue;
		CHECK(g->cy > cy + lay.ring_outer * 0.6);
		CHECK(g->cx > px);
		px = g->cx;
		/* Glyph "up" (sin a, -cos a) points roughly at the centre. */
		double ux = sin(g->angle), uy = -cos(g->angle);
		double vx = cx - g->cx, vy = cy - g->cy, vl = hypot(vx, vy);
		CHECK((ux * vx + uy * vy) / vl > 0.999);
	}
	img_free(&im);
}

static void test_long_name_compresses(void)
{
	eseal_picture_spec s = { 0 };
	s.org = "某";
	s.title = "合同专用章";
	img im = { 0 };
	s.org = "某某市某某科技有限公司";
	draw(&im, &s);
	double w_short = hypot(lay.glyphs[0].quad[1][0] - lay.glyphs[0].quad[0][0],
			       lay.glyphs[0].quad[1][1] - lay.glyphs[0].quad[0][1]);
	img_free(&im);
	s.org = "中华人民共和国某某省某某市某某区某某街道某某科技发展有限责任公司";
	draw(&im, &s);
	REQUIRE(im.px);
	check_no_overlap();
	double w_long = hypot(lay.glyphs[0].quad[1][0] - lay.glyphs[0].quad[0][0],
			      lay.glyphs[0].quad[1][1] - lay.glyphs[0].quad[0][1]);
	CHECK(w_long < 0.7 * w_short);
	/* Still inside the ring. */
	for (size_t i = 0; i < lay.nglyphs; i++)
		for (int k = 0; k < 4; k++)
			CHECK(hypot(lay.glyphs[i].quad[k][0] - lay.cx, lay.glyphs[i].quad[k][1] - lay.cy) < lay.ring_inner);
	img_free(&im);
	/* Other sizes: 40 and 38 mm, and a custom 50 mm. */
	const double sizes[] = { 40, 38, 50 };
	for (int i = 0; i < 3; i++) {
		s.org = "某某市某某科技有限公司";
		s.width_mm = sizes[i];
		draw(&im, &s);
		CHECK_EQ_INT(im.w, lround(sizes[i] * 400 / 25.4));
		check_no_overlap();
		img_free(&im);
	}
}

static void test_oval(void)
{
	eseal_picture_spec s = { 0 };
	s.shape = ESEAL_PICTURE_OVAL;
	s.org = "某某市某某科技有限公司";
	s.title = "发票专用章";
	s.code = "91330106MA2B3C4D5E";
	img im = { 0 };
	draw(&im, &s);
	REQUIRE(im.px);
	CHECK_EQ_INT(im.w, 630);
	CHECK_EQ_INT(im.h, 472);
	CHECK(fabs(im.h * 25.4 / im.dpi - 30) < 0.1);
	check_no_overlap();
	double a = im.w / 2.0, b = im.h / 2.0;
	size_t outside = 0;
	for (int y = 0; y < im.h; y++)
		for (int x = 0; x < im.w; x++) {
			double u = (x + 0.5 - a) / (a + 1), v = (y + 0.5 - b) / (b + 1);
			if (u * u + v * v > 1 && at(&im, x, y)[3])
				outside++;
		}
	CHECK_EQ_INT(outside, 0);
	/* Tax number on one straight line across the middle, title below it. */
	double cy = -1, ty = -1;
	int nc = 0;
	for (size_t i = 0; i < lay.nglyphs; i++) {
		const eseal_picture_glyph *g = &lay.glyphs[i];
		if (g->role == ESEAL_GLYPH_CODE) {
			if (cy < 0) cy = g->cy;
			CHECK(g->cy == cy && g->angle == 0);
			CHECK(ink_in_quad(&im, g->quad) > 0.1);
			nc++;
		}
		if (g->role == ESEAL_GLYPH_TITLE)
			ty = g->cy;
	}
	CHECK_EQ_INT(nc, 18);
	CHECK(fabs(cy - b) < 0.05 * im.h);
	CHECK(ty > cy + 0.15 * im.h);
	img_free(&im);
}

static void test_square(void)
{
	eseal_picture_spec s = { 0 };
	s.shape = ESEAL_PICTURE_SQUARE;
	s.org = "张三之印";
	img im = { 0 };
	draw(&im, &s);
	REQUIRE(im.px);
	CHECK_EQ_INT(im.w, lround(18 * 400 / 25.4));
	CHECK_EQ_INT(lay.nglyphs, 4);
	check_no_overlap();
	/* Read in columns from the right: 张 top right, 三 bottom right,
	 * 之 top left, 印 bottom left. */
	const eseal_picture_glyph *g = lay.glyphs;
	double c = im.w / 2.0;
	CHECK(g[0].cx > c && g[0].cy < c);
	CHECK(g[1].cx > c && g[1].cy > c);
	CHECK(g[2].cx < c && g[2].cy < c);
	CHECK(g[3].cx < c && g[3].cy > c);
	CHECK_EQ_INT(g[0].codepoint, 0x5F20);
	for (int i = 0; i < 4; i++)
		CHECK(ink_in_quad(&im, g[i].quad) > 0.08); /* 三 is mostly paper */
	/* Framed: the border is ink all round. */
	for (int k = 0; k < im.w; k++) {
		CHECK(at(&im, k, 3)[3] == 255);
		CHECK(at(&im, 3, k)[3] == 255);
	}
	img_free(&im);

	s.org = "王小明";
	s.no_border = 1;
	draw(&im, &s);
	REQUIRE(im.px);
	CHECK_EQ_INT(lay.nglyphs, 3);
	check_no_overlap();
	CHECK(lay.glyphs[0].cx > im.w / 2.0 && lay.glyphs[1].cx < im.w / 2.0);
	size_t edge = 0;
	for (int k = 0; k < im.w; k++)
		edge += at(&im, k, 0)[3] + at(&im, 0, k)[3];
	CHECK_EQ_INT(edge, 0);
	img_free(&im);

	s.org = "李四";
	s.no_border = 0;
	s.width_mm = 15;
	draw(&im, &s);
	CHECK_EQ_INT(lay.nglyphs, 2);
	CHECK_EQ_INT(im.w, lround(15 * 400 / 25.4));
	img_free(&im);
}

static void test_svg(void)
{
	eseal_picture_spec s = { 0 };
	s.org = "某某市某某科技有限公司";
	s.title = "合同专用章";
	eseal_buf png = ESEAL_BUF_INIT, svg = ESEAL_BUF_INIT;
	CHECK_OK(eseal_picture_draw(&png, &s, &svg, NULL));
	CHECK_OK(eseal_buf_cstr(&svg));
	const char *t = (const char *)svg.data;
	CHECK(strstr(t, "<svg") != NULL);
	CHECK(strstr(t, "width=\"119.05") != NULL); /* 42 mm in points */
	CHECK(strstr(t, "<path") != NULL);
	CHECK(strstr(t, "<text") == NULL);          /* text as outlines */
	eseal_picture_info pi;
	CHECK_OK(eseal_picture_info_get(&pi, png.data, png.len));
	CHECK_EQ_STR(pi.type, "png");
	CHECK(fabs(pi.width_mm - 42) < 0.01 && fabs(pi.height_mm - 42) < 0.01);
	eseal_buf_free(&png);
	eseal_buf_free(&svg);
}

static void test_bad_input(void)
{
	eseal_buf png = ESEAL_BUF_INIT;
	eseal_picture_spec s = { 0 };
	s.org = "";
	CHECK_EQ_INT(eseal_picture_draw(&png, &s, NULL, NULL), ESEAL_EINVAL);
	CHECK(strstr(eseal_error_last(), "empty") != NULL);
	s.org = "   ";
	CHECK_EQ_INT(eseal_picture_draw(&png, &s, NULL, NULL), ESEAL_EINVAL);
	s.org = "某某公司";
	const double bad_sizes[] = { -1, 1, 1000, NAN, INFINITY };
	for (int i = 0; i < 5; i++) {
		s.width_mm = bad_sizes[i];
		CHECK_EQ_INT(eseal_picture_draw(&png, &s, NULL, NULL), ESEAL_EINVAL);
	}
	CHECK(strstr(eseal_error_last(), "out of range") != NULL);
	s.width_mm = 0;
	s.dpi = 5;
	CHECK_EQ_INT(eseal_picture_draw(&png, &s, NULL, NULL), ESEAL_EINVAL);
	s.dpi = 0;
	s.org = "\xff\xfe";
	CHECK_EQ_INT(eseal_picture_draw(&png, &s, NULL, NULL), ESEAL_EINVAL);
	s.org = "某某公司";
	s.width_mm = 42;
	s.height_mm = 30;
	CHECK_EQ_INT(eseal_picture_draw(&png, &s, NULL, NULL), ESEAL_EINVAL);
	s.width_mm = s.height_mm = 0;
	s.font = "/nonexistent/font.ttc";
	CHECK_EQ_INT(eseal_picture_draw(&png, &s, NULL, NULL), ESEAL_ENOTFOUND);
	s.font = NULL;
	s.shape = ESEAL_PICTURE_SQUARE;
	s.org = "张三丰之印";
	CHECK_EQ_INT(eseal_picture_draw(&png, &s, NULL, NULL), ESEAL_EINVAL);
	s.org = "张";
	CHECK_EQ_INT(eseal_picture_draw(&png, &s, NULL, NULL), ESEAL_EINVAL);
	s.shape = (eseal_picture_shape)7;
	CHECK(eseal_picture_draw(&png, &s, NULL, NULL) < 0);
	/* Far too long for any seal: refused, not overflowed. */
	s.shape = ESEAL_PICTURE_ROUND;
	s.org = "中华人民共和国某某省某某市某某区某某街道某某科技发展有限责任公司中华人民共和国";
	CHECK_EQ_INT(eseal_picture_draw(&png, &s, NULL, NULL), ESEAL_EINVAL);
	CHECK_EQ_INT(png.len, 0);

	/* Import: not an image, a truncated PNG, a blank page. */
	eseal_picture_import_info info;
	CHECK_EQ_INT(eseal_picture_import(&png, (const uint8_t *)"hello world", 11, NULL, &info), ESEAL_EFORMAT);
	eseal_picture_spec ok = { 0 };
	ok.org = "某某公司";
	eseal_buf good = ESEAL_BUF_INIT;
	CHECK_OK(eseal_picture_draw(&good, &ok, NULL, NULL));
	CHECK_EQ_INT(eseal_picture_import(&png, good.data, good.len / 2, NULL, &info), ESEAL_EFORMAT);
	eseal_picture_info pi;
	CHECK_EQ_INT(eseal_picture_info_get(&pi, (const uint8_t *)"GIF89a", 6), ESEAL_EFORMAT);
	uint8_t *white = malloc(200 * 200 * 4);
	memset(white, 250, 200 * 200 * 4);
	eseal_buf wp = ESEAL_BUF_INIT;
	CHECK_OK(eseal_png_encode(&wp, white, 200, 200, 300));
	CHECK_EQ_INT(eseal_picture_import(&png, wp.data, wp.len, NULL, &info), ESEAL_ENOTFOUND);
	eseal_picture_import_opts o = { 0 };
	o.size_mm = 5000;
	CHECK_EQ_INT(eseal_picture_import(&png, good.data, good.len, &o, &info), ESEAL_EINVAL);
	CHECK_EQ_INT(png.len, 0);
	free(white);
	eseal_buf_free(&wp);
	eseal_buf_free(&good);
}

/* Deterministic noise. */
static uint32_t lcg = 12345;
static int noise(int amp)
{
	lcg = lcg * 1103515245u + 12345u;
	return (int)((lcg >> 16) % (2 * amp + 1)) - amp;
}

static void box_blur(float *ch, int W, int H)
{
	float *t = malloc(sizeof(float) * W * H);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			float s = 0;
			int n = 0;
			for (int d = -1; d <= 1; d++)
				if (x + d >= 0 && x + d < W) { s += ch[y * W + x + d]; n++; }
			t[y * W + x] = s / n;
		}
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			float s = 0;
			int n = 0;
			for (int d = -1; d <= 1; d++)
				if (y + d >= 0 && y + d < H) { s += t[(y + d) * W + x]; n++; }
			ch[y * W + x] = s / n;
		}
	free(t);
}

static void import_scan(double strength, double min_iou)
{
	/* The seal as stamped: a duller red than the drawn default. */
	eseal_picture_spec s = { 0 };
	s.org = "某某市某某科技有限公司";
	s.title = "合同专用章";
	s.code = "3301060012345";
	s.dpi = 300;
	s.color = 0xC8283C;
	img seal = { 0 };
	draw(&seal, &s);
	REQUIRE(seal.px);
	const int W = 900, H = 820, ox = 230, oy = 170;

	/* Black print: lines of text across the page, through the seal. */
	cairo_surface_t *ts = cairo_image_surface_create(CAIRO_FORMAT_A8, W, H);
	cairo_t *cr = cairo_create(ts);
	/* Made-up characters: a few random strokes per cell, as thin as
	 * printed text, with gaps for spaces. */
	cairo_set_line_width(cr, 2.2);
	for (int line = 0; line < 14; line++)
		for (int x = 40; x < 850; x += 17) {
			if (noise(50) > 40)
				continue;
			int y = 40 + line * 55;
			for (int k = 0; k < 4; k++) {
				cairo_move_to(cr, x + 8 + noise(7), y + 11 + noise(10));
				cairo_line_to(cr, x + 8 + noise(7), y + 11 + noise(10));
			}
			cairo_stroke(cr);
		}
	cairo_set_line_width(cr, 3);
	cairo_move_to(cr, 40, 790);
	cairo_line_to(cr, 860, 790);
	cairo_stroke(cr);
	cairo_destroy(cr);
	cairo_surface_flush(ts);
	const uint8_t *tm = cairo_image_surface_get_data(ts);
	int tstride = cairo_image_surface_get_stride(ts);

	float *ch[3];
	const float paper[3] = { 243, 235, 212 }; /* tinted paper */
	for (int k = 0; k < 3; k++)
		ch[k] = malloc(sizeof(float) * W * H);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			float a_text = tm[y * tstride + x] / 255.0f;
			float a_seal = 0;
			const uint8_t *sp = NULL;
			if (x >= ox && y >= oy && x < ox + seal.w && y < oy + seal.h) {
				sp = at(&seal, x - ox, y - oy);
				a_seal = sp[3] / 255.0f * (float)strength;
			}
			for (int k = 0; k < 3; k++) {
				float v = paper[k];
				v *= 1 - 0.9f * a_text;                       /* ink absorbs */
				if (sp)
					v *= 1 - a_seal + a_seal * sp[k] / 255.0f;
				ch[k][y * W + x] = v;
			}
		}
	for (int k = 0; k < 3; k++) {
		box_blur(ch[k], W, H);
		box_blur(ch[k], W, H);
	}
	uint8_t *scan = malloc((size_t)W * H * 4);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			/* Light falls off towards the bottom right corner. */
			float light = 1.0f - 0.35f * (float)(x + y) / (W + H);
			for (int k = 0; k < 3; k++) {
				int v = (int)lroundf(ch[k][y * W + x] * light) + noise(5);
				scan[((size_t)y * W + x) * 4 + k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
			}
			scan[((size_t)y * W + x) * 4 + 3] = 255;
		}
	eseal_buf sp = ESEAL_BUF_INIT, out = ESEAL_BUF_INIT;
	CHECK_OK(eseal_png_encode(&sp, scan, W, H, 0));
	eseal_picture_import_opts o = { 42, 0 };
	eseal_picture_import_info info;
	CHECK_OK(eseal_picture_import(&out, sp.data, sp.len, &o, &info));
	/* ESEAL_TEST_KEEP=DIR keeps the scan and the result for a look. */
	const char *keep = getenv("ESEAL_TEST_KEEP");
	if (keep) {
		char path[512];
		snprintf(path, sizeof path, "%s/synthetic-scan.png", keep);
		eseal_file_write_atomic(path, sp.data, sp.len, 0644);
		snprintf(path, sizeof path, "%s/synthetic-import.png", keep);
		eseal_file_write_atomic(path, out.data, out.len, 0644);
	}
	img got = { 0 };
	CHECK_OK(eseal_png_decode(&got.px, &got.w, &got.h, &got.dpi, out.data, out.len));
	CHECK_EQ_INT(got.w, info.width);
	CHECK(fabs(got.w * 25.4 / got.dpi - 42) < 0.1);
	/* Cropped to the seal. */
	CHECK(abs(info.x - ox) <= 3 && abs(info.y - oy) <= 3);
	CHECK(abs(info.width - seal.w) <= 6 && abs(info.height - seal.h) <= 6);

	size_t inter = 0, uni = 0, text_px = 0, text_kept = 0, bad_colour = 0;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			int truth = 0, mine = 0, near_seal = 0;
			if (x >= ox && y >= oy && x < ox + seal.w && y < oy + seal.h) {
				truth = at(&seal, x - ox, y - oy)[3] > 127;
				near_seal = at(&seal, x - ox, y - oy)[3] > 0;
				for (int d = -2; d <= 2 && !near_seal; d++)
					for (int e = -2; e <= 2 && !near_seal; e++) {
						int u = x - ox + d, v = y - oy + e;
						if (u >= 0 && v >= 0 && u < seal.w && v < seal.h && at(&seal, u, v)[3])
							near_seal = 1;
					}
			}
			int gx = x - info.x, gy = y - info.y;
			if (gx >= 0 && gy >= 0 && gx < got.w && gy < got.h) {
				const uint8_t *p = at(&got, gx, gy);
				mine = p[3] > 127;
				if (p[3] && (p[0] != 0xE6 || p[1] != 0x00 || p[2] != 0x12))
					bad_colour++;
			}
			inter += truth && mine;
			uni += truth || mine;
			if (tm[y * tstride + x] > 128 && !near_seal) {
				text_px++;
				text_kept += mine;
			}
		}
	double iou = (double)inter / uni;
	fprintf(stderr, "  import IoU %.3f, black text kept %zu of %zu\n", iou, text_kept, text_px);
	CHECK(iou > min_iou);
	CHECK(text_px > 10000);
	CHECK(text_kept * 1000 < text_px); /* under 0.1% */
	CHECK_EQ_INT(bad_colour, 0);

	img_free(&got);
	img_free(&seal);
	free(scan);
	for (int k = 0; k < 3; k++)
		free(ch[k]);
	cairo_surface_destroy(ts);
	eseal_buf_free(&sp);
	eseal_buf_free(&out);
}

static void test_import_synthetic_scan(void)
{
	import_scan(0.9, 0.85);
}

/* A faint, pinkish stamp: found all the same. */
static void test_import_faint_stamp(void)
{
	import_scan(0.35, 0.8);
}

/* The committed example scan: size facts come from the JPEG markers;
 * lifting it needs a build with libjpeg. */
static void test_jpeg_scan(void)
{
	const char *src = getenv("ESEAL_SRC");
	char path[1024];
	if (!src)
		SKIP("ESEAL_SRC not set");
	snprintf(path, sizeof path, "%s/docs/pictures/scan-example.jpg", src);
	eseal_buf b = ESEAL_BUF_INIT, out = ESEAL_BUF_INIT;
	CHECK_OK(eseal_file_read(&b, path, 0));
	eseal_picture_info pi;
	CHECK_OK(eseal_picture_info_get(&pi, b.data, b.len));
	CHECK_EQ_STR(pi.type, "jpg");
	CHECK_EQ_INT(pi.width_px, 900);
	CHECK_EQ_INT(pi.height_px, 820);
	CHECK(fabs(pi.dpi_x - 300) < 0.01);
	/* Cut short: never half a seal. */
	eseal_picture_import_info info;
	int rc = eseal_picture_import(&out, b.data, b.len / 3, NULL, &info);
	CHECK(rc == ESEAL_EFORMAT || rc == ESEAL_EUNSUPPORTED);
	rc = eseal_picture_import(&out, b.data, b.len, NULL, &info);
	if (rc == ESEAL_EUNSUPPORTED) {
		eseal_buf_free(&b);
		SKIP("built without libjpeg");
	}
	CHECK_EQ_INT(rc, 0);
	/* The seal was stamped at (230, 170), 496 pixels across, 300 dpi. */
	CHECK(abs(info.x - 230) <= 5 && abs(info.y - 170) <= 5);
	CHECK(abs(info.width - 496) <= 10);
	CHECK(fabs(info.dpi - 300) < 0.01);
	eseal_buf_free(&b);
	eseal_buf_free(&out);
}

TESTS(T(test_round_size_and_ink), T(test_round_glyph_layout), T(test_long_name_compresses),
      T(test_oval), T(test_square), T(test_svg), T(test_bad_input), T(test_import_synthetic_scan),
      T(test_import_faint_stamp), T(test_jpeg_scan))
