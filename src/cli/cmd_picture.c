/*
 * cmd_picture.c - `eseal picture make|import|info`: draw standard seal
 * pictures, lift impressions from scans, and show a picture's size.
 *
 * Must never leave a half-written picture: everything is made in memory
 * first, then written atomically.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eseal/picture.h"

/* -o is the one short option these commands take; cli_parse knows long
 * names only, so spell it out. */
static char **expand_o(int argc, char **argv)
{
	char **v = calloc((size_t)argc + 1, sizeof *v);
	if (!v)
		return NULL;
	for (int i = 0; i < argc; i++)
		v[i] = !strcmp(argv[i], "-o") ? "--out" : argv[i];
	return v;
}

static int get_mm(const char *v, const char *name, double *out)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(x) || x <= 0)
		return cli_usage(_("--%s: '%s' is not a positive number of millimetres"), name, v);
	*out = x;
	return 0;
}

static int get_color(const char *v, uint32_t *out)
{
	const char *p = v[0] == '#' ? v + 1 : v;
	char *end;
	if (strlen(p) != 6)
		return cli_usage(_("--color: '%s' is not a colour like #E60012"), v);
	unsigned long x = strtoul(p, &end, 16);
	if (*end)
		return cli_usage(_("--color: '%s' is not a colour like #E60012"), v);
	/* 0 means "default" to the library; pure black is written as 0x010101. */
	*out = x ? (uint32_t)x : 0x010101;
	return 0;
}

static const cli_opt make_opts[] = {
	{ "shape", 1, N_("round (default), oval or square"), "SHAPE" },
	{ "org", 1, N_("organisation name (square: the person's name)"), "TEXT" },
	{ "title", 1, N_("title, e.g. 合同专用章 (round: under the star; oval: bottom line)"), "TEXT" },
	{ "code", 1, N_("round: seal code on the lower arc; oval: tax number line"), "TEXT" },
	{ "size", 1, N_("diameter, side or oval width in mm (default 42 round, 18 square)"), "MM" },
	{ "width", 1, N_("width in mm (oval default 40)"), "MM" },
	{ "height", 1, N_("height in mm (oval default 30)"), "MM" },
	{ "color", 1, N_("ink colour (default #E60012)"), "HEX" },
	{ "dpi", 1, N_("resolution of the PNG (default 400)"), "N" },
	{ "no-border", 0, N_("square: no frame"), NULL },
	{ "font", 1, N_("font file (default: $ESEAL_FONT, then Noto CJK)"), "FILE" },
	{ "out", 1, N_("output PNG (-o)"), "FILE" },
	{ "svg", 1, N_("also write the picture as SVG"), "FILE" },
	{ "json", 0, N_("print the layout as JSON"), NULL },
	{ 0 }
};

static int picture_make(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(argc, argv, make_opts,
		"--shape round|oval|square --org TEXT [--title TEXT] [--code TEXT] "
		"[--size MM | --width MM --height MM] [--color HEX] -o OUT.png [--svg OUT.svg]",
		N_("Draw a standard seal picture; the PNG prints at the seal's size."), &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	eseal_picture_spec s = { 0 };
	const char *shape = cli_get(&a, make_opts, "shape"), *v;
	if (!shape || !strcmp(shape, "round"))
		s.shape = ESEAL_PICTURE_ROUND;
	else if (!strcmp(shape, "oval"))
		s.shape = ESEAL_PICTURE_OVAL;
	else if (!strcmp(shape, "square"))
		s.shape = ESEAL_PICTURE_SQUARE;
	else
		return cli_usage(_("--shape: '%s' is not round, oval or square"), shape);
	if (!cli_has(&a, make_opts, "org"))
		return cli_usage(_("--org is required"));
	if (!cli_has(&a, make_opts, "out"))
		return cli_usage(_("-o OUT.png is required"));
	s.org = cli_get(&a, make_opts, "org");
	s.title = cli_get(&a, make_opts, "title");
	s.code = cli_get(&a, make_opts, "code");
	s.font = cli_get(&a, make_opts, "font");
	s.no_border = cli_has(&a, make_opts, "no-border");
	if (s.no_border && s.shape != ESEAL_PICTURE_SQUARE)
		return cli_usage(_("--no-border is for square seals"));
	if ((v = cli_get(&a, make_opts, "size"))) {
		if (cli_has(&a, make_opts, "width") || cli_has(&a, make_opts, "height"))
			return cli_usage(_("give --size or --width/--height, not both"));
		if ((rc = get_mm(v, "size", &s.width_mm)))
			return rc;
		s.height_mm = s.shape == ESEAL_PICTURE_OVAL ? s.width_mm * 0.75 : s.width_mm;
	}
	if ((v = cli_get(&a, make_opts, "width")) && (rc = get_mm(v, "width", &s.width_mm)))
		return rc;
	if ((v = cli_get(&a, make_opts, "height")) && (rc = get_mm(v, "height", &s.height_mm)))
		return rc;
	if ((v = cli_get(&a, make_opts, "color")) && (rc = get_color(v, &s.color)))
		return rc;
	long dpi;
	if ((rc = cli_get_int(&a, make_opts, "dpi", 0, 72, 1200, &dpi)))
		return rc;
	s.dpi = (double)dpi;

	eseal_buf png = ESEAL_BUF_INIT, svg = ESEAL_BUF_INIT;
	eseal_picture_layout *lay = calloc(1, sizeof *lay);
	const char *svgpath = cli_get(&a, make_opts, "svg");
	if (!lay)
		return EXIT_INTERNAL;
	if (eseal_picture_draw(&png, &s, svgpath ? &svg : NULL, lay)) {
		rc = cli_fail(NULL);
		goto done;
	}
	if (svgpath && (rc = cli_write_output(svgpath, svg.data, svg.len, 0644)))
		goto done;
	if ((rc = cli_write_output(cli_get(&a, make_opts, "out"), png.data, png.len, 0644)))
		goto done;
	double wmm = lay->width_px * 25.4 / lay->dpi, hmm = lay->height_px * 25.4 / lay->dpi;
	if (cli_has(&a, make_opts, "json")) {
		printf("{\"width_px\":%d,\"height_px\":%d,\"dpi\":%g,\"width_mm\":%.2f,\"height_mm\":%.2f,\"glyphs\":[",
		       lay->width_px, lay->height_px, lay->dpi, wmm, hmm);
		for (size_t i = 0; i < lay->nglyphs; i++) {
			const eseal_picture_glyph *g = &lay->glyphs[i];
			const char *role = g->role == ESEAL_GLYPH_ORG ? "org" : g->role == ESEAL_GLYPH_TITLE ? "title" : "code";
			printf("%s{\"role\":\"%s\",\"codepoint\":%u,\"x\":%.1f,\"y\":%.1f,\"angle\":%.2f}",
			       i ? "," : "", role, (unsigned)g->codepoint, g->cx, g->cy, g->angle * 180 / M_PI);
		}
		printf("]}\n");
	} else if (strcmp(cli_get(&a, make_opts, "out"), "-")) {
		printf(_("%s: %d x %d pixels at %g dpi = %.1f x %.1f mm\n"), cli_get(&a, make_opts, "out"),
		       lay->width_px, lay->height_px, lay->dpi, wmm, hmm);
	}
done:
	free(lay);
	eseal_buf_free(&png);
	eseal_buf_free(&svg);
	return rc;
}

static const cli_opt import_opts[] = {
	{ "size", 1, N_("width of the seal in mm (sets the PNG's resolution)"), "MM" },
	{ "color", 1, N_("ink colour of the result (default #E60012)"), "HEX" },
	{ "out", 1, N_("output PNG (-o)"), "FILE" },
	{ "json", 0, N_("print the crop and size as JSON"), NULL },
	{ 0 }
};

static int picture_import(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(argc, argv, import_opts, "SCAN.(png|jpg) [--size MM] -o OUT.png",
		N_("Lift a red seal impression from a scan or photo into a clean transparent PNG."), &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.npos != 1)
		return cli_usage(_("give exactly one scan"));
	if (!cli_has(&a, import_opts, "out"))
		return cli_usage(_("-o OUT.png is required"));
	eseal_picture_import_opts o = { 0 };
	const char *v;
	if ((v = cli_get(&a, import_opts, "size")) && (rc = get_mm(v, "size", &o.size_mm)))
		return rc;
	if ((v = cli_get(&a, import_opts, "color")) && (rc = get_color(v, &o.color)))
		return rc;
	const char *in = a.pos[0];
	eseal_buf scan = ESEAL_BUF_INIT, png = ESEAL_BUF_INIT;
	eseal_picture_import_info info;
	if (eseal_file_read(&scan, in, 256u << 20)) {
		rc = cli_fail(in);
		goto done;
	}
	if (eseal_picture_import(&png, scan.data, scan.len, &o, &info)) {
		rc = cli_fail(in);
		goto done;
	}
	if ((rc = cli_write_output(cli_get(&a, import_opts, "out"), png.data, png.len, 0644)))
		goto done;
	double wmm = info.width * 25.4 / info.dpi, hmm = info.height * 25.4 / info.dpi;
	if (cli_has(&a, import_opts, "json"))
		printf("{\"x\":%d,\"y\":%d,\"width_px\":%d,\"height_px\":%d,\"dpi\":%.2f,\"width_mm\":%.2f,"
		       "\"height_mm\":%.2f,\"ink_pixels\":%zu}\n", info.x, info.y, info.width, info.height,
		       info.dpi, wmm, hmm, info.ink_pixels);
	else if (strcmp(cli_get(&a, import_opts, "out"), "-"))
		printf(_("%s: seal at (%d, %d), %d x %d pixels at %.0f dpi = %.1f x %.1f mm\n"),
		       cli_get(&a, import_opts, "out"), info.x, info.y, info.width, info.height, info.dpi, wmm, hmm);
done:
	eseal_buf_free(&scan);
	eseal_buf_free(&png);
	return rc;
}

static const cli_opt info_opts[] = {
	{ "json", 0, N_("print as JSON"), NULL },
	{ 0 }
};

static int picture_info(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(argc, argv, info_opts, "PICTURE.(png|jpg) [--json]",
		N_("Show a picture's size in pixels and in millimetres."), &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.npos != 1)
		return cli_usage(_("give exactly one picture"));
	eseal_buf b = ESEAL_BUF_INIT;
	eseal_picture_info pi;
	if (eseal_file_read(&b, a.pos[0], 256u << 20) || eseal_picture_info_get(&pi, b.data, b.len)) {
		eseal_buf_free(&b);
		return cli_fail(a.pos[0]);
	}
	eseal_buf_free(&b);
	if (cli_has(&a, info_opts, "json")) {
		printf("{\"type\":\"%s\",\"width_px\":%d,\"height_px\":%d,\"dpi_x\":%.2f,\"dpi_y\":%.2f,"
		       "\"width_mm\":%.2f,\"height_mm\":%.2f}\n", pi.type, pi.width_px, pi.height_px,
		       pi.dpi_x, pi.dpi_y, pi.width_mm, pi.height_mm);
	} else if (pi.dpi_x > 0) {
		printf(_("%s: %s, %d x %d pixels at %.0f dpi = %.1f x %.1f mm\n"), a.pos[0], pi.type,
		       pi.width_px, pi.height_px, pi.dpi_x, pi.width_mm, pi.height_mm);
	} else {
		printf(_("%s: %s, %d x %d pixels, no resolution recorded\n"), a.pos[0], pi.type,
		       pi.width_px, pi.height_px);
	}
	return 0;
}

int cmd_picture(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf(_("usage: eseal picture <make|import|info> [options]\n\n"
			 "  make    draw a standard seal picture (round, oval or square)\n"
			 "  import  lift a red impression from a scan into a transparent PNG\n"
			 "  info    show a picture's size in pixels and millimetres\n"));
		return argc < 2 ? EXIT_USAGE : 0;
	}
	static char prog[64];
	snprintf(prog, sizeof prog, "eseal picture %s", argv[1]);
	char **v = expand_o(argc - 1, argv + 1);
	if (!v)
		return EXIT_INTERNAL;
	int rc;
	if (!strcmp(argv[1], "make")) {
		cli_prog = prog;
		rc = picture_make(argc - 1, v);
	} else if (!strcmp(argv[1], "import")) {
		cli_prog = prog;
		rc = picture_import(argc - 1, v);
	} else if (!strcmp(argv[1], "info")) {
		cli_prog = prog;
		rc = picture_info(argc - 1, v);
	} else {
		rc = cli_usage(_("unknown subcommand '%s'"), argv[1]);
	}
	free(v);
	return rc;
}
