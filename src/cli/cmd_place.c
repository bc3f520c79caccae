/*
 * cmd_place.c - `eseal place DOC --org NAME --seals official,contract
 * [--history FILE] [--json]`: propose where and which seal to stamp.
 *
 * Read-only: never writes the document or the history. Bad input gives one
 * error line and a non-zero exit, with nothing on stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "eseal/ofd.h"
#include "eseal/pdf.h"
#include "eseal/place.h"
#include "eseal/text.h"
#include "place_cli.h"

static int load_text(const char *path, eseal_text_doc **out)
{
	uint8_t head[1024];
	FILE *f = fopen(path, "rb");
	if (!f) {
		eseal_error_set(ESEAL_ENOTFOUND, _("cannot open (%s)"), strerror(errno));
		return ESEAL_ENOTFOUND;
	}
	size_t n = fread(head, 1, sizeof head, f);
	fclose(f);
	if (n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
		return eseal_ofd_text_file(out, path);
	for (size_t i = 0; i + 4 < n; i++)
		if (memcmp(head + i, "%PDF", 4) == 0) {
			eseal_pdf *pdf;
			int rc = eseal_pdf_load(&pdf, path);
			if (rc)
				return rc;
			rc = eseal_pdf_text(out, pdf);
			eseal_pdf_free(pdf);
			return rc;
		}
	eseal_error_set(ESEAL_EFORMAT, _("neither a PDF nor an OFD file"));
	return ESEAL_EFORMAT;
}

typedef struct hist {
	eseal_place_history *h;
	eseal_text_doc **docs;
	eseal_place_item **pl;
	size_t n;
} hist;

static void hist_free(hist *h)
{
	for (size_t i = 0; i < h->n; i++) {
		eseal_text_doc_free(h->docs[i]);
		free(h->pl[i]);
	}
	free(h->h);
	free(h->docs);
	free(h->pl);
}

/* [{"document": PATH, "placements": [{"page","x","y","seal_type"}]}] */
static int load_history(const char *path, hist *out)
{
	memset(out, 0, sizeof *out);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	if (!root || !json_is_array(root)) {
		json_decref(root);
		eseal_error_set(ESEAL_EFORMAT, _("not a JSON list of {document, placements}"));
		return ESEAL_EFORMAT;
	}
	size_t n = json_array_size(root);
	out->h = calloc(n + 1, sizeof *out->h);
	out->docs = calloc(n + 1, sizeof *out->docs);
	out->pl = calloc(n + 1, sizeof *out->pl);
	int rc = 0;
	if (!out->h || !out->docs || !out->pl) {
		rc = ESEAL_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(root, i);
		const char *doc = json_string_value(json_object_get(e, "document"));
		json_t *pls = json_object_get(e, "placements");
		if (!doc || !json_is_array(pls)) {
			eseal_error_set(ESEAL_EFORMAT, _("history entry %zu: needs \"document\" and \"placements\""), i + 1);
			rc = ESEAL_EFORMAT;
			goto fail;
		}
		if ((rc = load_text(doc, &out->docs[i]))) {
			eseal_error_set(rc, _("history document %s: %s"), doc, eseal_error_last());
			goto fail;
		}
		out->n = i + 1;
		size_t np = json_array_size(pls);
		out->pl[i] = calloc(np + 1, sizeof **out->pl);
		if (!out->pl[i]) {
			rc = ESEAL_ENOMEM;
			goto fail;
		}
		for (size_t k = 0; k < np; k++) {
			json_t *p = json_array_get(pls, k);
			eseal_place_item *q = &out->pl[i][k];
			q->page = (int)json_integer_value(json_object_get(p, "page"));
			q->x = json_number_value(json_object_get(p, "x"));
			q->y = json_number_value(json_object_get(p, "y"));
			const char *t = json_string_value(json_object_get(p, "seal_type"));
			const char *kind = json_string_value(json_object_get(p, "kind"));
			if (q->page < 1 || (t && !eseal_seal_type_bit(t))) {
				eseal_error_set(ESEAL_EFORMAT, _("history entry %zu: bad placement %zu"), i + 1, k + 1);
				rc = ESEAL_EFORMAT;
				goto fail;
			}
			q->perforation = kind && !strcmp(kind, "perforation");
			snprintf(q->seal_type, sizeof q->seal_type, "%s", t ? t : "official");
		}
		/* cross-page seals are not part of a layout habit */
		size_t m = 0;
		for (size_t k = 0; k < np; k++)
			if (!out->pl[i][k].perforation)
				out->pl[i][m++] = out->pl[i][k];
		out->h[i].doc = out->docs[i];
		out->h[i].placements = out->pl[i];
		out->h[i].nplacements = m;
	}
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	hist_free(out);
	memset(out, 0, sizeof *out);
	return rc;
}

int place_propose_file(const char *path, const char *org, unsigned seals, const char *history,
		       eseal_place_result *out)
{
	hist h = { 0 };
	memset(out, 0, sizeof *out);
	char msg[512];
	if (history && load_history(history, &h)) {
		snprintf(msg, sizeof msg, "%s", eseal_error_last());
		eseal_error_set(ESEAL_EFORMAT, "%s: %s", history, msg);
		return ESEAL_EFORMAT;
	}
	eseal_text_doc *d = NULL;
	int rc = load_text(path, &d);
	if (rc) {
		hist_free(&h);
		snprintf(msg, sizeof msg, "%s", eseal_error_last());
		eseal_error_set(rc, "%s: %s", path, msg);
		return rc;
	}
	eseal_place_request req = { org, seals, h.h, h.n };
	rc = eseal_place_propose(d, &req, out);
	eseal_text_doc_free(d);
	hist_free(&h);
	return rc;
}

int cmd_place(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "org", 1, N_("the signing organisation, as written in the document"), "NAME" },
		{ "seals", 1, N_("seal types it owns: official,contract,finance,invoice,personal"), "LIST" },
		{ "history", 1, N_("JSON list of earlier documents and their placements"), "FILE" },
		{ "json", 0, N_("print JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "DOC --org NAME --seals LIST [--history FILE] [--json]",
			   N_("Propose where and which seal to stamp (intelligent placement)."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	if (a.npos != 1)
		return cli_usage(_("expected exactly one document"));
	const char *org = cli_get(&a, opts, "org");
	if (!org || !*org)
		return cli_usage(_("--org is required"));
	unsigned seals = ESEAL_SEAL_OFFICIAL;
	const char *sl = cli_get(&a, opts, "seals");
	if (sl && eseal_seal_types_parse(sl, &seals))
		return cli_usage("%s", eseal_error_last());
	const char *path = a.pos[0];
	eseal_place_result r;
	int rc = place_propose_file(path, org, seals, cli_get(&a, opts, "history"), &r);
	if (rc)
		return cli_fail(NULL);
	if (cli_has(&a, opts, "json")) {
		eseal_buf out = ESEAL_BUF_INIT;
		rc = eseal_place_result_json(&r, &out);
		if (!rc)
			rc = eseal_buf_putc(&out, '\n');
		if (rc) {
			eseal_buf_free(&out);
			eseal_place_result_free(&r);
			return cli_fail(path);
		}
		fwrite(out.data, 1, out.len, stdout);
		eseal_buf_free(&out);
	} else {
		int zh = cli_lang_zh();
		printf(_("class: %s, confidence %.2f\n"), r.doc_class, r.confidence);
		if (!r.n)
			printf("%s\n", zh ? r.reason_zh : r.reason);
		for (size_t i = 0; i < r.n; i++) {
			const eseal_place_item *p = &r.items[i];
			printf(_("page %d  x %.1f mm  y %.1f mm  %s seal%s  confidence %.2f\n  %s\n"), p->page, p->x, p->y,
			       p->seal_type, p->perforation ? _(" (cross-page)") : "", p->confidence,
			       zh ? p->reason_zh : p->reason);
		}
	}
	eseal_place_result_free(&r);
	if (fflush(stdout) != 0) {
		cli_err(_("cannot write the output"));
		return EXIT_INTERNAL;
	}
	return 0;
}
