/*
 * cmd_verify.c - `eseal verify`: verifies every signature of an OFD or PDF
 * document and prints the report. Exit 0 only when every signature is TOTAL-PASSED;
 * a document without signatures is never a pass. With --status URL or a
 * seal revocation list, each seal's status at signing time is checked too.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "eseal/ofdsign.h"
#include "eseal/pdfverify.h"
#include "eseal/status.h"
#include "seal_show.h"

static const cli_opt opts[] = {
	{ "trust", 1, N_("trust anchor certificate(s), PEM bundle or directory (repeatable)"), "FILE" },
	{ "crl", 1, N_("certificate revocation list (repeatable)"), "FILE" },
	{ "status-list", 1, N_("seal revocation list (full or delta, DER) or a CRL (repeatable)"), "FILE" },
	{ "status", 1, N_("status service URL (http://HOST:PORT/): the seals' status at signing time"), "URL" },
	{ "timeout", 1, N_("seconds to wait for the status service (default 10)"), "N" },
	{ "json", 0, N_("print the report as JSON"), NULL },
	{ 0 }
};

int cmd_verify(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(argc, argv, opts, "DOC [--trust CA.pem]... [--crl FILE]... [--status-list FILE]... [--status URL] [--json]",
			   N_("Verify every signature in an OFD or PDF document: package integrity or byte ranges, "
			      "digests, signature values, the seal, both certificate chains, (PDF) what later "
			      "revisions changed, and with --status or a seal revocation list the seal's status at "
			      "signing time.\n"
			      "Exit code: 0 all TOTAL-PASSED, 1 any TOTAL-FAILED, 2 otherwise "
			      "(no trust anchor, no signature), 3 and up usage or input errors."), &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.npos != 1)
		return cli_usage(_("give exactly one document"));
	const char *path = a.pos[0];
	unsigned char m[5] = { 0 };
	FILE *f = fopen(path, "rb");
	if (!f) {
		cli_err(_("%s: cannot open the document"), path);
		return EXIT_INPUT;
	}
	size_t n = fread(m, 1, sizeof m, f);
	fclose(f);
	int is_pdf = n >= 5 && !memcmp(m, "%PDF-", 5);
	const char **tf, **cf, **sf;
	int nt = cli_get_all(&a, opts, "trust", &tf);
	int nc = cli_get_all(&a, opts, "crl", &cf);
	int ns = cli_get_all(&a, opts, "status-list", &sf);
	const char *status_url = cli_get(&a, opts, "status");
	long timeout = 10;
	if ((rc = cli_get_int(&a, opts, "timeout", 10, 1, 600, &timeout)))
		return rc;
	eseal_trust *trust = NULL;
	eseal_report *r = NULL;
	eseal_status_source *src = NULL;
	if ((rc = load_trust(&trust, tf, nt, cf, nc)))
		goto done;
	if ((ns || status_url) && eseal_status_source_new(&src, trust)) {
		rc = cli_fail(NULL);
		goto done;
	}
	int nlists = 0;
	for (int i = 0; i < ns; i++) {
		eseal_buf b = ESEAL_BUF_INIT;
		int is_srl = !eseal_file_read(&b, sf[i], ESEAL_STATUS_MAX_DER) && eseal_status_sniff(b.data, b.len) == 1;
		int bad = is_srl ? eseal_status_source_add_list(src, b.data, b.len) : eseal_trust_add_crl_file(trust, sf[i]);
		eseal_buf_free(&b);
		if (bad) {
			cli_err(_("%s: neither a seal revocation list nor a CRL: %s"), sf[i], eseal_error_last());
			rc = EXIT_INPUT;
			goto done;
		}
		nlists += is_srl;
	}
	if (status_url && eseal_status_source_set_url(src, status_url, (int)timeout * 1000)) {
		rc = cli_usage("%s", eseal_error_last());
		goto done;
	}
	if (is_pdf ? eseal_pdf_verify(path, trust, &r) : eseal_ofd_verify(path, trust, &r)) {
		rc = cli_fail(path);
		goto done;
	}
	if (!is_pdf && memcmp(m, "PK\x03\x04", 4) && eseal_report_count(r) == 1 &&
	    !strcmp(eseal_item_id(eseal_report_get(r, 0)), "package")) {
		cli_err(_("%s: not an OFD or PDF document"), path);
		rc = EXIT_INPUT;
		goto done;
	}
	if ((nlists || status_url) && eseal_status_check_report(src, r)) {
		rc = cli_fail(NULL);
		goto done;
	}
	if ((rc = print_report(r, cli_has(&a, opts, "json"))))
		goto done;
	if (eseal_report_count(r) == 0) {
		if (!cli_has(&a, opts, "json"))
			printf(_("no signatures found in %s\n"), path);
		rc = EXIT_INDETERMINATE;
	} else {
		rc = exit_for_indication(eseal_report_overall(r));
	}
done:
	eseal_status_source_free(src);
	eseal_report_free(r);
	eseal_trust_free(trust);
	return rc;
}
