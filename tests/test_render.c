/*
 * test_render.c - OFD page rendering: picture sizes for the dpi and page,
 * dark pixels where the text layer says characters are, white margins,
 * seal pictures inside their StampAnnot boxes (PNG seals, OFD seals,
 * cross-page slices), paths, arcs, DrawParams, Clips, composite objects,
 * PNG and BMP images, hostile values, and clear errors for bad requests.
 */
#include <math.h>
#include <pthread.h>
#include <zip.h>

#include "eseal/eseal.h"
#include "eseal/ofd.h"
#include "eseal/picture.h"
#include "eseal/render.h"
#include "eseal/text.h"
#include "harness.h"


typedef struct {
	uint8_t *px;
	int w, h;
	double dpmm; /* pixels per mm */
} img;

static void render(eseal_ofd *d, int page, double dpi, img *out)
{
	eseal_buf png = ESEAL_BUF_INIT;
	double wmm = 0, hmm = 0;
	CHECK_OK(eseal_ofd_render_page(d, page, dpi, &png, &wmm, &hmm));
	const eseal_ofd_page *p = eseal_ofd_page_at(d, (size_t)page - 1);
	CHECK(fabs(wmm - p->physical.w) < 1e-9 && fabs(hmm - p->physical.h) < 1e-9);
	CHECK_OK(eseal_png_decode(&out->px, &out->w, &out->h, NULL, png.data, png.len));
	/* the documented size: mm * dpi / 25.4, rounded */
	CHECK_EQ_INT(out->w, (int)floor(p->physical.w * dpi / 25.4 + 0.5));
	CHECK_EQ_INT(out->h, (int)floor(p->physical.h * dpi / 25.4 + 0.5));
	out->dpmm = dpi / 25.4;
	eseal_buf_free(&png);
}

static const uint8_t *at(const img *m, int x, int y)
{
	if (x < 0) x = 0;
	if (y < 0) y = 0;
	if (x >= m->w) x = m->w - 1;
	if (y >= m->h) y = m->h - 1;
	return m->px + ((size_t)y * m->w + x) * 4;
}

static int is_red(const uint8_t *p) { return p[0] > 170 && p[1] < 110 && p[2] < 110; }
static int is_dark(const uint8_t *p) { return p[0] + p[1] + p[2] < 3 * 110; }
static int is_brown(const uint8_t *p) { return p[0] > 110 && p[0] < 220 && p[1] < 170 && p[2] < 130 && p[0] > p[2] + 40; }
static int is_black(const uint8_t *p) { return p[0] < 110 && p[1] < 110 && p[2] < 110; }
static int is_green(const uint8_t *p) { return p[1] > 120 && p[0] < 90 && p[2] < 90; }
static int is_white(const uint8_t *p) { return p[0] > 250 && p[1] > 250 && p[2] > 250; }

/* Pixels in a box given in mm that pass pred. */
static size_t count(const img *m, eseal_box b, int (*pred)(const uint8_t *))
{
	size_t n = 0;
	int x0 = (int)floor(b.x * m->dpmm), x1 = (int)ceil((b.x + b.w) * m->dpmm);
	int y0 = (int)floor(b.y * m->dpmm), y1 = (int)ceil((b.y + b.h) * m->dpmm);
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			if (x >= 0 && y >= 0 && x < m->w && y < m->h)
				n += pred(at(m, x, y)) ? 1 : 0;
	return n;
}

static int any(const uint8_t *p) { return 1; }

/* Pixels of a box in mm, counted as count() does. */
static size_t area(const img *m, eseal_box b)
{
	return count(m, b, any);
}

static eseal_ofd *open_fixture(const char *name)
{
	char rel[256];
	snprintf(rel, sizeof rel, "fixtures/ofd/%s", name);
	const char *p = h_shared(rel);
	eseal_ofd *d = NULL;
	if (!p)
		return NULL;
	if (eseal_ofd_open(&d, p))
		return NULL;
	return d;
}

/* Every non-blank character the text layer reports on page i has ink. */
static void check_text_dark(eseal_ofd *d, int page, const img *m)
{
	eseal_text_doc *t;
	CHECK_OK(eseal_ofd_text(&t, d));
	const eseal_text_page *tp = &t->pages[page - 1];
	size_t chars = 0, dark = 0;
	for (size_t l = 0; l < tp->nlines; l++)
		for (size_t k = 0; k < tp->lines[l].nchars; k++) {
			const eseal_text_char *c = &tp->lines[l].chars[k];
			if (c->cp == ' ' || c->cp == 0x3000)
				continue;
			chars++;
			/* narrow DeltaX steps make boxes tighter than the ink of
			 * full-width punctuation: allow a little around them */
			eseal_box b = { c->box.x - 0.3, c->box.y, c->box.w + 0.6, c->box.h };
			if (count(m, b, is_dark) > 0)
				dark++;
			else
				fprintf(stderr, "    no ink for U+%04X at %.1f,%.1f\n", (unsigned)c->cp, c->box.x, c->box.y);
		}
	CHECK(chars > 0);
	CHECK_EQ_INT(dark, chars);
	eseal_text_doc_free(t);
}

static void test_multipage_sizes(void)
{
	SKIP_IF_NO_SHARED();
	eseal_ofd *d = open_fixture("Page5.ofd");
	REQUIRE(d);
	REQUIRE(eseal_ofd_page_count(d) == 5);
	for (int p = 1; p <= 5; p++) {
		img m = { 0 };
		render(d, p, 25, &m);
		CHECK_EQ_INT(m.w, 207);
		CHECK_EQ_INT(m.h, 292);
		/* the top-left margin is paper */
		CHECK_EQ_INT(count(&m, (eseal_box){ 1, 1, 8, 4 }, is_white), area(&m, (eseal_box){ 1, 1, 8, 4 }));
		if (p == 1) {
			/* PathObject 3: a red box at 70,5.353 70x30 mm */
			eseal_box in = { 75, 10, 60, 20 };
			CHECK_EQ_INT(count(&m, in, is_red), area(&m, in));
			CHECK_EQ_INT(count(&m, (eseal_box){ 10, 10, 50, 20 }, is_red), 0);
		}
		free(m.px);
	}
	eseal_ofd_free(d);
}

static void test_text_pixels(void)
{
	SKIP_IF_NO_SHARED();
	eseal_ofd *d = open_fixture("keyword2-unsigned-2pages.ofd");
	REQUIRE(d);
	for (int p = 1; p <= 2; p++) {
		img m = { 0 };
		render(d, p, 150, &m);
		check_text_dark(d, p, &m);
		eseal_box margin = { 2, 2, 20, 15 };
		CHECK_EQ_INT(count(&m, margin, is_white), area(&m, margin));
		free(m.px);
	}
	eseal_ofd_free(d);
}

/* The first StampAnnot on page `page` (1-based), and its signature. */
static const eseal_ofd_stamp *stamp_on(eseal_ofd *d, int page)
{
	const eseal_ofd_page *p = eseal_ofd_page_at(d, (size_t)page - 1);
	for (size_t i = 0; i < eseal_ofd_sig_count(d); i++) {
		const eseal_ofd_sig *s = eseal_ofd_sig_at(d, i);
		for (size_t k = 0; k < s->nstamps; k++)
			if (eseal_ofd_page_by_id(d, s->stamps[k].page_ref) == p)
				return &s->stamps[k];
	}
	return NULL;
}

static void test_png_seal(void)
{
	SKIP_IF_NO_SHARED();
	eseal_ofd *d = open_fixture("SESV4SignDoc.ofd");
	REQUIRE(d);
	const eseal_ofd_stamp *st = stamp_on(d, 1);
	REQUIRE(st);
	img m = { 0 };
	render(d, 1, 100, &m);
	/* the red impression fills a good part of its 40 mm box, and nothing
	 * else on the page is red */
	size_t in = count(&m, st->boundary, is_red);
	CHECK(in > area(&m, st->boundary) / 20);
	size_t all = count(&m, (eseal_box){ 0, 0, 210, 297 }, is_red);
	CHECK_EQ_INT(all, in);
	check_text_dark(d, 1, &m);
	free(m.px);
	eseal_ofd_free(d);
}

static void test_ofd_seal_picture(void)
{
	SKIP_IF_NO_SHARED();
	/* the GOMAIN invoice: the seal picture is itself an OFD package */
	eseal_ofd *d = open_fixture("v4signed.ofd");
	REQUIRE(d);
	const eseal_ofd_stamp *st = stamp_on(d, 1);
	REQUIRE(st);
	img m = { 0 };
	render(d, 1, 120, &m);
	CHECK(count(&m, st->boundary, is_red) > area(&m, st->boundary) / 50);
	/* the template (Tpl_0, brown rules under the title) is drawn too */
	eseal_box rule = { 100, 17.6, 30, 0.8 };
	CHECK(count(&m, rule, is_brown) > area(&m, rule) / 4);
	free(m.px);
	eseal_ofd_free(d);
}

static void test_cross_page_clip(void)
{
	SKIP_IF_NO_SHARED();
	eseal_ofd *d = open_fixture("V4RideRight.ofd");
	REQUIRE(d);
	for (int p = 2; p <= 5; p++) {
		const eseal_ofd_stamp *st = stamp_on(d, p);
		REQUIRE(st && st->has_clip);
		img m = { 0 };
		render(d, p, 100, &m);
		/* only the Clip slice shows, at the page's right edge */
		eseal_box shown = { st->boundary.x + st->clip.x, st->boundary.y, st->clip.w, st->boundary.h };
		eseal_box hidden = { st->boundary.x, st->boundary.y, st->clip.x - 0.5, st->boundary.h };
		CHECK(count(&m, shown, is_red) > 0);
		CHECK_EQ_INT(count(&m, hidden, is_red), 0);
		free(m.px);
	}
	eseal_ofd_free(d);
}

static void test_our_signed_ofd(void)
{
	const char *bin = getenv("ESEAL_BIN");
	if (!bin)
		SKIP("ESEAL_BIN not set");
	const char *dir = h_tmpdir();
	char cmd[1024], path[512];
	snprintf(cmd, sizeof cmd, "'%s' demo --out '%s/demo' >/dev/null 2>&1", bin, dir);
	REQUIRE(system(cmd) == 0);
	snprintf(path, sizeof path, "%s/demo/signed.ofd", dir);
	eseal_ofd *d;
	CHECK_OK(eseal_ofd_open(&d, path));
	const eseal_ofd_stamp *st = stamp_on(d, 1);
	REQUIRE(st);
	img m = { 0 };
	render(d, 1, 96, &m);
	CHECK(count(&m, st->boundary, is_red) > area(&m, st->boundary) / 20);
	eseal_box margin = { 1, 1, 15, 15 };
	CHECK_EQ_INT(count(&m, margin, is_white), area(&m, margin));
	free(m.px);
	/* text is checked on a page without a seal over it */
	for (int p = 1; p <= (int)eseal_ofd_page_count(d); p++) {
		if (stamp_on(d, p))
			continue;
		render(d, p, 150, &m);
		check_text_dark(d, p, &m);
		free(m.px);
		break;
	}
	eseal_ofd_free(d);
}

/* Writes a one-page OFD with the given PhysicalBox, Layer attributes and
 * content, and optionally a PageRes file (res) and one more entry. */
static eseal_ofd *make_ofd_full(const char *box, const char *layer_attrs, const char *layer, const char *res,
				const char *extra_name, const void *extra, size_t extra_len,
				const char *extra2_name, const void *extra2, size_t extra2_len)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/t.ofd", h_tmpdir());
	int err;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z)
		return NULL;
	static char docx[1024], page[8192];
	const char *ofdx = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\" "
			   "Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>t</ofd:DocID></ofd:DocInfo>"
			   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>";
	snprintf(docx, sizeof docx,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:Document xmlns:ofd=\"http://www.ofdspec.org/2016\">"
		 "<ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>%s</ofd:PhysicalBox>"
		 "</ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID=\"1\" BaseLoc=\"Pages/Page_0/Content.xml\"/>"
		 "</ofd:Pages></ofd:Document>", box);
	snprintf(page, sizeof page,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\">%s"
		 "<ofd:Content><ofd:Layer ID=\"2\" %s>%s</ofd:Layer></ofd:Content></ofd:Page>",
		 res ? "<ofd:PageRes>PageRes.xml</ofd:PageRes>" : "", layer_attrs, layer);
	const char *names[6] = { "OFD.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml",
				 "Doc_0/Pages/Page_0/PageRes.xml", extra_name, extra2_name };
	const void *data[6] = { ofdx, docx, page, res, extra, extra2 };
	size_t lens[6] = { strlen(ofdx), strlen(docx), strlen(page), res ? strlen(res) : 0, extra_len, extra2_len };
	for (int i = 0; i < 6; i++) {
		if (!data[i] || !names[i])
			continue;
		zip_source_t *s = zip_source_buffer(z, data[i], lens[i], 0);
		if (!s || zip_file_add(z, names[i], s, ZIP_FL_ENC_UTF_8) < 0) {
			zip_discard(z);
			return NULL;
		}
	}
	if (zip_close(z) != 0)
		return NULL;
	eseal_ofd *d = NULL;
	return eseal_ofd_open(&d, path) == 0 ? d : NULL;
}

static eseal_ofd *make_ofd(const char *box, const char *layer)
{
	return make_ofd_full(box, "", layer, NULL, NULL, NULL, 0, NULL, NULL, 0);
}

static void test_paths_and_ctm(void)
{
	/* a filled circle made of two arcs; a box moved by a CTM; an
	 * upright CJK character drawn at 20 mm */
	eseal_ofd *d = make_ofd("0 0 100 60",
		"<ofd:PathObject ID=\"3\" Boundary=\"10 10 30 30\" Fill=\"true\" Stroke=\"false\">"
		"<ofd:FillColor Value=\"255 0 0\"/><ofd:AbbreviatedData>M 0 15 A 15 15 0 1 1 30 15 "
		"A 15 15 0 1 1 0 15 C</ofd:AbbreviatedData></ofd:PathObject>"
		"<ofd:PathObject ID=\"4\" Boundary=\"50 10 40 20\" CTM=\"2 0 0 2 0 0\" Fill=\"true\" Stroke=\"false\">"
		"<ofd:FillColor Value=\"#00 #00 #FF\"/><ofd:AbbreviatedData>M 0 0 L 10 0 L 10 5 L 0 5 C"
		"</ofd:AbbreviatedData></ofd:PathObject>"
		"<ofd:TextObject ID=\"5\" Boundary=\"50 35 25 25\" Size=\"20\"><ofd:FillColor Value=\"0 0 0\"/>"
		"<ofd:TextCode X=\"0\" Y=\"18\">中</ofd:TextCode></ofd:TextObject>"
		"<ofd:TextObject ID=\"6\" Boundary=\"5 40 30 20\" Size=\"15\"><ofd:FillColor><ofd:AxialShd "
		"StartPoint=\"0 0\" EndPoint=\"0 15\" Extend=\"3\"><ofd:Segment><ofd:Color Value=\"0 200 0\"/>"
		"</ofd:Segment></ofd:AxialShd></ofd:FillColor><ofd:TextCode X=\"0\" Y=\"14\">田</ofd:TextCode>"
		"</ofd:TextObject>");
	REQUIRE(d);
	img m = { 0 };
	render(d, 1, 100, &m);
	CHECK(is_red(at(&m, (int)(25 * m.dpmm), (int)(25 * m.dpmm))));   /* centre */
	CHECK(is_red(at(&m, (int)(25 * m.dpmm), (int)(12 * m.dpmm))));   /* near the top */
	CHECK(is_white(at(&m, (int)(11 * m.dpmm), (int)(11 * m.dpmm)))); /* corner of the box */
	/* 10x5 scaled by 2: 50..70 x 10..20 blue, 72.. white */
	const uint8_t *b = at(&m, (int)(68 * m.dpmm), (int)(18 * m.dpmm));
	CHECK(b[2] > 200 && b[0] < 50);
	CHECK(is_white(at(&m, (int)(73 * m.dpmm), (int)(15 * m.dpmm))));
	/* 中 has its horizontal box in the upper half of the em and its
	 * stroke through the middle: ink in the glyph box, not above it */
	eseal_box glyph = { 50, 35 + 18 - 0.86 * 20, 20, 20 };
	CHECK(count(&m, glyph, is_dark) > area(&m, glyph) / 20);
	CHECK_EQ_INT(count(&m, (eseal_box){ 50, 31, 20, 3 }, is_dark), 0);
	/* text filled with a shading (one green stop): green ink, no black */
	eseal_box tian = { 5, 40, 16, 16 };
	CHECK(count(&m, tian, is_green) > area(&m, tian) / 20);
	CHECK_EQ_INT(count(&m, tian, is_black), 0);
	free(m.px);
	eseal_ofd_free(d);
}

static void test_draw_params_and_images(void)
{
	/* a 4x2 pixel PNG: left half red, right half green */
	uint8_t rgba[4 * 2 * 4];
	for (int i = 0; i < 8; i++) {
		int left = (i % 4) < 2;
		uint8_t px[4] = { left ? 255 : 0, left ? 0 : 200, 0, 255 };
		memcpy(rgba + i * 4, px, 4);
	}
	eseal_buf png = ESEAL_BUF_INIT;
	CHECK_OK(eseal_png_encode(&png, rgba, 4, 2, 72));
	/* a 2x2 24-bit BMP, rows stored bottom-up: blue row, then red row */
	static const uint8_t bmp[70] = {
		'B', 'M', 70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 24, 0,
		[54] = 255, 0, 0, 255, 0, 0, 0, 0, /* bottom: blue, blue (BGR) + padding */
		[62] = 0, 0, 255, 0, 0, 255, 0, 0, /* top: red, red */
	};
	const char *res =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:Res xmlns:ofd=\"http://www.ofdspec.org/2016\" "
		"BaseLoc=\"Res\"><ofd:DrawParams><ofd:DrawParam ID=\"7\" LineWidth=\"3\"><ofd:FillColor "
		"Value=\"0 0 255\"/></ofd:DrawParam><ofd:DrawParam ID=\"8\" Relative=\"7\"><ofd:StrokeColor "
		"Value=\"0 160 0\"/></ofd:DrawParam></ofd:DrawParams><ofd:MultiMedias><ofd:MultiMedia ID=\"9\" "
		"Type=\"Image\" Format=\"PNG\"><ofd:MediaFile>img.png</ofd:MediaFile></ofd:MultiMedia>"
		"<ofd:MultiMedia ID=\"10\" Type=\"Image\" Format=\"BMP\"><ofd:MediaFile>img.bmp</ofd:MediaFile>"
		"</ofd:MultiMedia>"
		"</ofd:MultiMedias><ofd:CompositeGraphicUnits><ofd:CompositeGraphicUnit ID=\"11\" Width=\"10\" "
		"Height=\"10\"><ofd:Content><ofd:PathObject ID=\"12\" Boundary=\"0 0 10 10\" Fill=\"true\" "
		"Stroke=\"false\"><ofd:FillColor Value=\"0 160 0\"/><ofd:AbbreviatedData>M 0 0 L 10 0 L 10 10 "
		"L 0 10 C</ofd:AbbreviatedData></ofd:PathObject></ofd:Content></ofd:CompositeGraphicUnit>"
		"</ofd:CompositeGraphicUnits></ofd:Res>";
	/* the layer's DrawParam 7 colours a box without FillColor blue; the
	 * path's own DrawParam 8 strokes green, 3 mm wide (through Relative);
	 * the page-level image is stretched by its CTM over 40x20 mm */
	eseal_ofd *d = make_ofd_full("0 0 100 60", "DrawParam=\"7\"",
		"<ofd:PathObject ID=\"3\" Boundary=\"5 5 20 10\" Fill=\"true\" Stroke=\"false\">"
		"<ofd:AbbreviatedData>M 0 0 L 20 0 L 20 10 L 0 10 C</ofd:AbbreviatedData></ofd:PathObject>"
		"<ofd:PathObject ID=\"4\" Boundary=\"5 20 30 10\" DrawParam=\"8\">"
		"<ofd:AbbreviatedData>M 0 5 L 30 5</ofd:AbbreviatedData></ofd:PathObject>"
		"<ofd:ImageObject ID=\"5\" Boundary=\"50 30 40 20\" CTM=\"40 0 0 20 0 0\" ResourceID=\"9\"/>"
		"<ofd:ImageObject ID=\"6\" Boundary=\"5 35 20 20\" CTM=\"20 0 0 20 0 0\" ResourceID=\"10\"/>"
		"<ofd:CompositeObject ID=\"13\" Boundary=\"60 5 10 10\" ResourceID=\"11\"/>"
		"<ofd:ImageObject ID=\"16\" Boundary=\"75 5 20 10\" ResourceID=\"9\"/>"
		"<ofd:ImageObject ID=\"17\" Boundary=\"75 5 0 10\" ResourceID=\"9\"/>"
		"<ofd:PathObject ID=\"14\" Boundary=\"30 5 10 10\" Fill=\"true\" Stroke=\"false\">"
		"<ofd:Clips><ofd:Clip><ofd:Area><ofd:Path Boundary=\"0 0 5 10\"><ofd:AbbreviatedData>M 0 0 L 5 0 "
		"L 5 10 L 0 10 C</ofd:AbbreviatedData></ofd:Path></ofd:Area></ofd:Clip></ofd:Clips>"
		"<ofd:FillColor Value=\"255 0 0\"/><ofd:AbbreviatedData>M 0 0 L 10 0 L 10 10 L 0 10 C"
		"</ofd:AbbreviatedData></ofd:PathObject>"
		"<ofd:PathObject ID=\"15\" Boundary=\"60 52 30 8\" Fill=\"true\" Stroke=\"false\"><ofd:FillColor>"
		"<ofd:AxialShd StartPoint=\"0 0\" EndPoint=\"30 0\" Extend=\"3\"><ofd:Segment Position=\"0\">"
		"<ofd:Color Value=\"255 0 0\"/></ofd:Segment><ofd:Segment Position=\"1\"><ofd:Color Value=\"0 0 255\"/>"
		"</ofd:Segment></ofd:AxialShd></ofd:FillColor><ofd:AbbreviatedData>M 0 0 L 30 0 L 30 10 L 0 10 C"
		"</ofd:AbbreviatedData></ofd:PathObject>",
		res, "Doc_0/Pages/Page_0/Res/img.png", png.data, png.len,
		"Doc_0/Pages/Page_0/Res/img.bmp", bmp, sizeof bmp);
	REQUIRE(d);
	img m = { 0 };
	render(d, 1, 100, &m);
	const uint8_t *p = at(&m, (int)(15 * m.dpmm), (int)(10 * m.dpmm));
	CHECK(p[2] > 200 && p[0] < 50 && p[1] < 50);
	p = at(&m, (int)(20 * m.dpmm), (int)(25.9 * m.dpmm));
	CHECK(p[1] > 120 && p[0] < 50 && p[2] < 50);
	CHECK(is_white(at(&m, (int)(20 * m.dpmm), (int)(27.2 * m.dpmm)))); /* 1.5 mm half width */
	CHECK(is_red(at(&m, (int)(55 * m.dpmm), (int)(40 * m.dpmm))));
	p = at(&m, (int)(85 * m.dpmm), (int)(40 * m.dpmm));
	CHECK(p[1] > 150 && p[0] < 60);
	CHECK(is_white(at(&m, (int)(95 * m.dpmm), (int)(40 * m.dpmm))));
	CHECK(is_red(at(&m, (int)(15 * m.dpmm), (int)(38 * m.dpmm))));
	/* an image without a CTM fills its Boundary; an empty box shows nothing */
	CHECK(is_red(at(&m, (int)(77 * m.dpmm), (int)(10 * m.dpmm))));
	p = at(&m, (int)(93 * m.dpmm), (int)(10 * m.dpmm));
	CHECK(p[1] > 150 && p[0] < 60);
	p = at(&m, (int)(65 * m.dpmm), (int)(10 * m.dpmm)); /* the composite unit */
	CHECK(p[1] > 120 && p[0] < 50 && p[2] < 50);
	CHECK(is_red(at(&m, (int)(32 * m.dpmm), (int)(10 * m.dpmm)))); /* inside the Clip */
	CHECK(is_white(at(&m, (int)(38 * m.dpmm), (int)(10 * m.dpmm))));
	p = at(&m, (int)(61 * m.dpmm), (int)(56 * m.dpmm)); /* the shading: red, then blue */
	CHECK(p[0] > 200 && p[2] < 60);
	p = at(&m, (int)(89 * m.dpmm), (int)(56 * m.dpmm));
	CHECK(p[2] > 200 && p[0] < 60);
	p = at(&m, (int)(15 * m.dpmm), (int)(52 * m.dpmm));
	CHECK(p[2] > 200 && p[0] < 50);
	free(m.px);
	eseal_buf_free(&png);
	eseal_ofd_free(d);
}

static void test_hostile_objects(void)
{
	/* a singular CTM, an absurd Boundary, a 1e-9 dash, a huge arc and a
	 * 10 m character are left out or drawn plainly; the box after them
	 * still shows */
	eseal_ofd *d = make_ofd("0 0 50 50",
		"<ofd:PathObject ID=\"3\" Boundary=\"0 0 50 50\" CTM=\"0 0 0 0 0 0\">"
		"<ofd:AbbreviatedData>M 0 0 L 50 50</ofd:AbbreviatedData></ofd:PathObject>"
		"<ofd:PathObject ID=\"4\" Boundary=\"1e300 1e300 1e300 1e300\">"
		"<ofd:AbbreviatedData>M 0 0 L 50 50</ofd:AbbreviatedData></ofd:PathObject>"
		"<ofd:PathObject ID=\"5\" Boundary=\"0 0 50 50\" DashPattern=\"1e-9 1e-9\" CTM=\"1e6 0 0 1e6 0 0\">"
		"<ofd:AbbreviatedData>M 0 0 L 1 1 A 1e6 1e6 0 1 1 0 0 A 1e5 1e5 0 1 1 0 1e-3 Q 5 5 B 1 2 3 4 5 6 Z X 1"
		"</ofd:AbbreviatedData>"
		"</ofd:PathObject>"
		"<ofd:TextObject ID=\"6\" Boundary=\"0 0 50 50\" Size=\"1e300\" CTM=\"1 2 2 4 0 0\">"
		"<ofd:TextCode X=\"0\" Y=\"1\" DeltaX=\"g 1e18 1\">abc</ofd:TextCode></ofd:TextObject>"
		"<ofd:TextObject ID=\"9\" Boundary=\"0 0 25 25\" Size=\"1e-300\" HScale=\"1e-300\">"
		"<ofd:TextCode X=\"1\" Y=\"5\">中</ofd:TextCode></ofd:TextObject>"
		"<ofd:ImageObject ID=\"10\" Boundary=\"0 0 25 25\" CTM=\"1e-300 0 0 1e-300 0 0\" ResourceID=\"1\"/>"
		"<ofd:TextObject ID=\"8\" Boundary=\"0 0 25 25\" Size=\"9999\">"
		"<ofd:TextCode X=\"-2000\" Y=\"5000\">中</ofd:TextCode></ofd:TextObject>"
		"<ofd:PathObject ID=\"7\" Boundary=\"30 30 10 10\" Fill=\"true\"><ofd:FillColor Value=\"255 0 0\"/>"
		"<ofd:AbbreviatedData>M 0 0 L 10 0 L 10 10 L 0 10 C</ofd:AbbreviatedData></ofd:PathObject>");
	REQUIRE(d);
	img m = { 0 };
	render(d, 1, 100, &m);
	CHECK(is_red(at(&m, (int)(35 * m.dpmm), (int)(35 * m.dpmm))));
	free(m.px);
	eseal_ofd_free(d);
}

/* The service renders on several threads at once: same bytes as alone. */
typedef struct {
	eseal_ofd *d;
	eseal_buf png;
	int rc;
} job;

static void *render_job(void *p)
{
	job *j = p;
	for (int k = 0; k < 3 && j->rc == 0; k++) {
		eseal_buf_clear(&j->png);
		j->rc = eseal_ofd_render_page(j->d, 1, 40, &j->png, NULL, NULL);
	}
	return NULL;
}

static void test_threads(void)
{
	SKIP_IF_NO_SHARED();
	/* keyword.ofd has an embedded font, images and a seal */
	const char *path = h_shared("fixtures/ofd/keyword.ofd");
	REQUIRE(path);
	eseal_buf alone = ESEAL_BUF_INIT;
	eseal_ofd *d;
	CHECK_OK(eseal_ofd_open(&d, path));
	CHECK_OK(eseal_ofd_render_page(d, 1, 40, &alone, NULL, NULL));
	eseal_ofd_free(d);
	job jobs[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		memset(&jobs[i], 0, sizeof jobs[i]);
		CHECK_OK(eseal_ofd_open(&jobs[i].d, path));
	}
	for (int i = 0; i < 4; i++)
		REQUIRE(pthread_create(&th[i], NULL, render_job, &jobs[i]) == 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ_INT(jobs[i].rc, 0);
		CHECK(jobs[i].png.len == alone.len && !memcmp(jobs[i].png.data, alone.data, alone.len));
		eseal_buf_free(&jobs[i].png);
		eseal_ofd_free(jobs[i].d);
	}
	eseal_buf_free(&alone);
}

static void test_errors(void)
{
	eseal_ofd *d = make_ofd("0 0 500 500", "");
	REQUIRE(d);
	eseal_buf png = ESEAL_BUF_INIT;
	CHECK_EQ_INT(eseal_ofd_render_page(d, 0, 96, &png, NULL, NULL), ESEAL_EINVAL);
	CHECK(strstr(eseal_error_last(), "page 0") != NULL);
	CHECK_EQ_INT(eseal_ofd_render_page(d, 2, 96, &png, NULL, NULL), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_ofd_render_page(d, 1, 0, &png, NULL, NULL), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_ofd_render_page(d, 1, 601, &png, NULL, NULL), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_ofd_render_page(d, 1, NAN, &png, NULL, NULL), ESEAL_EINVAL);
	/* 500 mm square at 600 dpi is 139 Mpixel */
	CHECK_EQ_INT(eseal_ofd_render_page(d, 1, 600, &png, NULL, NULL), ESEAL_ELIMIT);
	CHECK(strstr(eseal_error_last(), "pixels") != NULL);
	CHECK_EQ_INT(png.len, 0);
	int w, h;
	CHECK_OK(eseal_ofd_render_size(d, 1, 300, &w, &h, NULL, NULL));
	CHECK_EQ_INT(w, 5906);
	eseal_ofd_free(d);
	/* not an OFD */
	CHECK(eseal_ofd_open_mem(&d, "hello", 5) != 0);
}

TESTS(T(test_multipage_sizes), T(test_text_pixels), T(test_png_seal), T(test_ofd_seal_picture),
      T(test_cross_page_clip), T(test_our_signed_ofd), T(test_paths_and_ctm),
      T(test_draw_params_and_images), T(test_hostile_objects), T(test_threads),
      T(test_errors))
