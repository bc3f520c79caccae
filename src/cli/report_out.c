/*
 * report_out.c - trust loading, report printing and the verification exit
 * codes shared by `eseal seal verify` and `eseal verify`.
 */
#include <stdio.h>
#include <stdlib.h>

#include "seal_show.h"

int print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!s) {
		cli_err(_("out of memory"));
		return EXIT_INTERNAL;
	}
	puts(s);
	free(s);
	return 0;
}

int load_trust(eseal_trust **out, const char **files, int nfiles, const char **crls, int ncrls)
{
	if (eseal_trust_new(out))
		return cli_fail(NULL);
	for (int i = 0; i < nfiles; i++)
		if (eseal_trust_add_file(*out, files[i]))
			return cli_fail(files[i]);
	for (int i = 0; i < ncrls; i++)
		if (eseal_trust_add_crl_file(*out, crls[i]))
			return cli_fail(crls[i]);
	return 0;
}

int exit_for_indication(eseal_indication ind)
{
	switch (ind) {
	case ESEAL_TOTAL_PASSED: return EXIT_OK_;
	case ESEAL_TOTAL_FAILED: return EXIT_FAILED;
	default: return EXIT_INDETERMINATE;
	}
}

int print_report(const eseal_report *r, int json)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = json ? eseal_report_json(r, &b) : eseal_report_text(r, cli_lang_zh(), &b);
	if (rc) {
		eseal_buf_free(&b);
		return cli_fail(NULL);
	}
	fwrite(b.data, 1, b.len, stdout);
	eseal_buf_free(&b);
	return 0;
}
