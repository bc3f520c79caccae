/*
 * cmd_render.c - `eseal render DOC.ofd [--page N] [--dpi D] -o OUT.png`:
 * draws one page of an OFD document (with its seals) to a PNG; --json
 * prints the page count and the page's size.
 *
 * Read-only on the document. Never leaves a partial PNG: the picture is
 * made in memory and written atomically, or not at all.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "eseal/ofd.h"
#include "eseal/render.h"


int cmd_render(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "page", 1, N_("page to draw, 1-based (default 1)"), "N" },
		{ "dpi", 1, N_("resolution in dots per inch (default 96, at most 600)"), "D" },
		{ "output", 1, N_("write the PNG to FILE (-o; - for standard output)"), "FILE" },
		{ "json", 0, N_("print the page count and the page's size as JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	/* -o is the one short option; cli_parse knows long names only. */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-o"))
			argv[i] = "--output";
	int ex = cli_parse(argc, argv, opts, "DOC.ofd [--page N] [--dpi D] -o OUT.png [--json]",
			   N_("Draw one page of an OFD document, seals included, as a PNG picture."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	if (a.npos != 1)
		return cli_usage(_("expected exactly one OFD document"));
	long page;
	if ((ex = cli_get_int(&a, opts, "page", 1, 1, 1000000, &page)))
		return ex;
	double dpi = 96;
	const char *ds = cli_get(&a, opts, "dpi");
	if (ds) {
		char *end;
		dpi = strtod(ds, &end);
		if (end == ds || *end || !isfinite(dpi))
			return cli_usage(_("--dpi needs a number, not \"%s\""), ds);
	}
	const char *out = cli_get(&a, opts, "output");
	int json = cli_has(&a, opts, "json");
	if (!out && !json)
		return cli_usage(_("say where to write the picture with -o OUT.png"));
	if (out && json && !strcmp(out, "-"))
		return cli_usage(_("--json and -o - both use standard output"));

	eseal_ofd *d;
	const char *path = a.pos[0];
	char head[5] = "";
	FILE *f = fopen(path, "rb");
	if (f) {
		size_t n = fread(head, 1, sizeof head, f);
		fclose(f);
		if (n == sizeof head && !memcmp(head, "%PDF-", 5)) {
			eseal_error_set(ESEAL_EUNSUPPORTED, _("this is a PDF; render draws OFD documents"));
			return cli_fail(path);
		}
	}
	if (eseal_ofd_open(&d, path))
		return cli_fail(path);
	int w_px, h_px;
	double w_mm, h_mm;
	if (eseal_ofd_render_size(d, (int)page, dpi, &w_px, &h_px, &w_mm, &h_mm)) {
		eseal_ofd_free(d);
		return cli_fail(path);
	}
	if (out) {
		eseal_buf png = ESEAL_BUF_INIT;
		if (eseal_ofd_render_page(d, (int)page, dpi, &png, NULL, NULL)) {
			eseal_buf_free(&png);
			eseal_ofd_free(d);
			return cli_fail(path);
		}
		ex = cli_write_output(out, png.data, png.len, 0644);
		eseal_buf_free(&png);
		if (ex) {
			eseal_ofd_free(d);
			return ex;
		}
	}
	if (json) {
		json_t *j = json_pack("{s:s, s:I, s:I, s:f, s:f, s:f, s:i, s:i}", "file", path, "pages",
				      (json_int_t)eseal_ofd_page_count(d), "page", (json_int_t)page, "width_mm",
				      w_mm, "height_mm", h_mm, "dpi", dpi, "width_px", w_px, "height_px", h_px);
		if (j && out)
			json_object_set_new(j, "output", json_string(out));
		char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(j);
		if (!s) {
			eseal_ofd_free(d);
			cli_err("%s", _("out of memory"));
			return EXIT_INTERNAL;
		}
		printf("%s\n", s);
		free(s);
	}
	eseal_ofd_free(d);
	return 0;
}
