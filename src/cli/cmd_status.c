/*
 * cmd_status.c - `eseal status show FILE`: prints a seal status answer or
 * seal revocation list (DER) and, with --trust, whether its signature and
 * publisher certificate check out. Never calls an unverified file trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "eseal/status.h"
#include "seal_show.h"

static const cli_opt opts[] = {
	{ "trust", 1, N_("trust anchor certificate(s) for the status publisher (repeatable)"), "FILE" },
	{ "json", 0, N_("print as JSON"), NULL },
	{ 0 }
};

static json_t *time_json(time_t t)
{
	char s[32];
	eseal_time_format_human(s, t);
	return json_string(s);
}

static json_t *answer_json(const eseal_status_answer *a)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:o, s:o}", "type", "answer", "esid", a->esid, "status",
			      eseal_seal_state_name(a->state), "this_update", time_json(a->this_update),
			      "next_update", time_json(a->next_update));
	if (a->revocation_time)
		json_object_set_new(j, "revocation_time", time_json(a->revocation_time));
	if (a->reason[0])
		json_object_set_new(j, "reason", json_string(a->reason));
	if (a->at)
		json_object_set_new(j, "at", time_json(a->at));
	return j;
}

static json_t *list_json(const eseal_srl *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const eseal_srl_entry *e = &l->entries[i];
		json_t *x = json_pack("{s:s, s:s, s:o}", "esid", e->esid, "status", eseal_seal_state_name(e->state),
				      "revocation_time", time_json(e->revocation_time));
		if (e->reason)
			json_object_set_new(x, "reason", json_string(e->reason));
		json_array_append_new(arr, x);
	}
	json_t *j = json_pack("{s:s, s:I, s:o, s:o, s:o}", "type", l->delta ? "delta" : "full", "number",
			      (json_int_t)l->number, "this_update", time_json(l->this_update), "next_update",
			      time_json(l->next_update), "entries", arr);
	if (l->delta)
		json_object_set_new(j, "base_number", json_integer((json_int_t)l->base_number));
	return j;
}

static int show(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(argc, argv, opts, "FILE [--trust CA.pem]... [--json]",
			   N_("Print a seal status answer or seal revocation list; with --trust, verify its "
			      "signature and publisher certificate (exit 1 when that fails)."),
			   &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.npos != 1)
		return cli_usage(_("give exactly one file"));
	const char **tf;
	int nt = cli_get_all(&a, opts, "trust", &tf);
	eseal_buf b = ESEAL_BUF_INIT;
	if (eseal_file_read(&b, a.pos[0], ESEAL_STATUS_MAX_DER))
		return cli_fail(a.pos[0]);
	int kind = eseal_status_sniff(b.data, b.len);
	eseal_status_signed *sig = NULL;
	eseal_status_answer ans;
	eseal_srl l;
	eseal_srl_init(&l);
	json_t *j = NULL;
	if (kind == 2 && !eseal_status_answer_parse(b.data, b.len, &ans, &sig))
		j = answer_json(&ans);
	else if (kind == 1 && !eseal_srl_parse(b.data, b.len, &l, &sig))
		j = list_json(&l);
	eseal_buf_free(&b);
	if (!j) {
		cli_err(_("%s: not a seal status answer or revocation list: %s"), a.pos[0],
			kind ? eseal_error_last() : _("unrecognised"));
		eseal_srl_clear(&l);
		return EXIT_INPUT;
	}
	char subj[300] = "";
	if (eseal_status_signed_cert(sig))
		eseal_cert_subject(eseal_status_signed_cert(sig), subj, sizeof subj);
	json_object_set_new(j, "signer", json_string(subj));
	int ex = 0;
	if (nt) {
		eseal_trust *trust = NULL;
		char why[300] = "";
		if ((ex = load_trust(&trust, tf, nt, NULL, 0))) {
			eseal_trust_free(trust);
			json_decref(j);
			eseal_status_signed_free(sig);
			eseal_srl_clear(&l);
			return ex;
		}
		time_t at = kind == 2 ? ans.this_update : l.this_update;
		int bad = eseal_status_signed_verify(sig, trust, at, why, sizeof why);
		json_object_set_new(j, "verified", json_boolean(!bad));
		if (bad)
			json_object_set_new(j, "problem", json_string(why));
		ex = bad ? EXIT_FAILED : 0;
		eseal_trust_free(trust);
	}
	if (cli_has(&a, opts, "json")) {
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			printf("%s\n", s);
		free(s);
	} else {
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v) {
			if (json_is_array(v)) {
				printf("%-16s %zu\n", k, json_array_size(v));
				size_t i;
				json_t *e;
				json_array_foreach(v, i, e) {
					const char *rs = json_string_value(json_object_get(e, "reason"));
					printf("  %-20s %-10s %s%s%s\n", json_string_value(json_object_get(e, "esid")),
					       json_string_value(json_object_get(e, "status")),
					       json_string_value(json_object_get(e, "revocation_time")), rs ? "  " : "",
					       rs ? rs : "");
				}
			} else if (json_is_string(v)) {
				printf("%-16s %s\n", k, json_string_value(v));
			} else if (json_is_boolean(v)) {
				printf("%-16s %s\n", k, json_is_true(v) ? "yes" : "no");
			} else if (json_is_integer(v)) {
				printf("%-16s %lld\n", k, (long long)json_integer_value(v));
			}
		}
	}
	json_decref(j);
	eseal_status_signed_free(sig);
	eseal_srl_clear(&l);
	return ex;
}

int cmd_status(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "show"))
		return show(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf(_("usage: eseal status show FILE [--trust CA.pem]... [--json]\n\n"
			 "Seal status answers and seal revocation lists (see docs/status.md).\n"));
		return 0;
	}
	return cli_usage(_("usage: eseal status show FILE [--trust CA.pem]... [--json]"));
}
