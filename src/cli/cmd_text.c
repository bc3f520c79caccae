/*
 * cmd_text.c - `eseal text DOC`: a document's text with positions (mm,
 * origin at the top-left of the page), for PDF and OFD alike.
 *
 * Read-only: never writes the document. Prints nothing when the document
 * cannot be read (one error line, non-zero exit).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eseal/ofd.h"
#include "eseal/pdf.h"
#include "eseal/text.h"

/* "pdf", "ofd" or NULL, from the first bytes of the file. */
static const char *sniff(const char *path)
{
	uint8_t head[1024];
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t n = fread(head, 1, sizeof head, f);
	fclose(f);
	if (n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
		return "ofd";
	for (size_t i = 0; i + 4 < n; i++)
		if (memcmp(head + i, "%PDF", 4) == 0)
			return "pdf";
	return "";
}

static void print_box(const eseal_box *b)
{
	printf("[x %.2f y %.2f w %.2f h %.2f]", b->x, b->y, b->w, b->h);
}

static void print_page(const eseal_text_page *p, int chars)
{
	printf(_("page %d (id %s): %.2f x %.2f mm, %zu lines\n"), p->index, p->id ? p->id : "-", p->width, p->height,
	       p->nlines);
	for (size_t i = 0; i < p->nlines; i++) {
		const eseal_text_line *l = &p->lines[i];
		char *s = eseal_text_line_utf8(l);
		printf("  ");
		print_box(&l->box);
		printf(" %s\n", s ? s : "");
		free(s);
		if (!chars)
			continue;
		for (size_t k = 0; k < l->nchars; k++) {
			eseal_text_line one = { (eseal_text_char *)&l->chars[k], 1, l->chars[k].box };
			char *c = eseal_text_line_utf8(&one);
			printf("    %s ", c ? c : "?");
			print_box(&l->chars[k].box);
			printf(" %.2f mm\n", l->chars[k].size);
			free(c);
		}
	}
}

int cmd_text(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "json", 0, N_("print JSON"), NULL },
		{ "chars", 0, N_("include every character's box"), NULL },
		{ "page", 1, N_("only page N (1-based)"), "N" },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "DOC.pdf|DOC.ofd [--json] [--chars] [--page N]",
			   N_("Print a document's text with positions (mm, top-left origin)."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	if (a.npos != 1)
		return cli_usage(_("expected exactly one document"));
	long page;
	if ((ex = cli_get_int(&a, opts, "page", 0, 1, 1000000, &page)))
		return ex;
	const char *path = a.pos[0];
	const char *kind = sniff(path);
	if (!kind) {
		eseal_error_set(ESEAL_ENOTFOUND, _("cannot open (%s)"), strerror(errno));
		return cli_fail(path);
	}
	eseal_text_doc *d = NULL;
	if (!strcmp(kind, "pdf")) {
		eseal_pdf *pdf;
		if (eseal_pdf_load(&pdf, path))
			return cli_fail(path);
		int rc = eseal_pdf_text(&d, pdf);
		/* a damaged file still gives text: say what was wrong with it */
		for (size_t i = 0; rc == 0 && i < eseal_pdf_warning_count(pdf); i++)
			cli_err(_("%s: warning: %s"), path, eseal_pdf_warning(pdf, i));
		eseal_pdf_free(pdf);
		if (rc)
			return cli_fail(path);
	} else if (!strcmp(kind, "ofd")) {
		if (eseal_ofd_text_file(&d, path))
			return cli_fail(path);
	} else {
		eseal_error_set(ESEAL_EFORMAT, _("neither a PDF nor an OFD file"));
		return cli_fail(path);
	}
	eseal_text_doc view = *d;
	if (page) {
		if ((size_t)page > d->npages) {
			eseal_text_doc_free(d);
			eseal_error_set(ESEAL_EINVAL, _("no page %ld (the document has %zu)"), page, view.npages);
			return cli_fail(path);
		}
		view.pages = &d->pages[page - 1];
		view.npages = 1;
	}
	int chars = cli_has(&a, opts, "chars");
	if (cli_has(&a, opts, "json")) {
		eseal_buf out = ESEAL_BUF_INIT;
		int rc = eseal_text_doc_json(&view, chars, &out);
		if (rc == 0)
			rc = eseal_buf_putc(&out, '\n');
		if (rc) {
			eseal_buf_free(&out);
			eseal_text_doc_free(d);
			return cli_fail(path);
		}
		fwrite(out.data, 1, out.len, stdout);
		eseal_buf_free(&out);
	} else {
		for (size_t i = 0; i < view.npages; i++)
			print_page(&view.pages[i], chars);
	}
	eseal_text_doc_free(d);
	if (fflush(stdout) != 0) {
		cli_err(_("cannot write the output"));
		return EXIT_INTERNAL;
	}
	return 0;
}
