/*
 * cmd_conformance.c - `eseal conformance URL`: checks that another
 * instance speaks the documented interface (liveness, the OpenAPI
 * document, status answers in JSON and DER, problem+json errors) and
 * prints one line per check. It only reads; never send anything but GET.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "eseal/net.h"

typedef struct {
	int pass, fail, json;
	json_t *results;
} report;

static void result(report *r, const char *name, int ok, const char *detail)
{
	ok ? r->pass++ : r->fail++;
	if (r->json)
		json_array_append_new(r->results, json_pack("{s:s, s:b, s:s}", "check", name, "ok", ok, "detail",
							   detail ? detail : ""));
	else
		printf("%-4s %s%s%s\n", ok ? "ok" : "FAIL", name, detail && *detail ? ": " : "", detail ? detail : "");
}

/* GETs base+path; the body parsed as JSON into *j when asked. */
static int fetch(const char *base, const char *path, eseal_http_answer *a, json_t **j)
{
	char url[2048];
	snprintf(url, sizeof url, "%s%s", base, path);
	int rc = eseal_http_get(url, NULL, 5000, 4 << 20, a);
	if (!rc && j)
		*j = json_loadb((const char *)a->body.data, a->body.len, 0, NULL);
	return rc;
}

int cmd_conformance(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "json", 0, N_("print the report as JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "URL [--json]",
			   N_("Check that an eseal instance at URL answers the documented API (read-only)."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	if (a.npos != 1)
		return cli_usage(_("one URL expected"));
	char base[1024];
	snprintf(base, sizeof base, "%s", a.pos[0]);
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		base[--n] = 0;
	if (strncmp(base, "http://", 7))
		return cli_usage(_("the URL must start with http://"));
	report r = { 0 };
	r.json = cli_has(&a, opts, "json");
	r.results = json_array();
	eseal_http_answer ans;
	json_t *j = NULL;
	char d[256];

	if (fetch(base, "/healthz", &ans, &j)) {
		cli_err(_("%s: %s"), base, eseal_error_last());
		json_decref(r.results);
		return EXIT_FAILED;
	}
	const char *hs = json_string_value(json_object_get(j, "status"));
	result(&r, "GET /healthz answers {\"status\":\"ok\"}", ans.status == 200 && hs && !strcmp(hs, "ok"), NULL);
	json_decref(j);
	eseal_http_answer_free(&ans);

	j = NULL;
	int ok = !fetch(base, "/api/v1/openapi.json", &ans, &j) && ans.status == 200;
	const char *ver = json_string_value(json_object_get(j, "openapi"));
	json_t *paths = json_object_get(j, "paths");
	snprintf(d, sizeof d, "openapi %s, %zu paths", ver ? ver : "?", json_object_size(paths));
	result(&r, "OpenAPI document", ok && ver && !strncmp(ver, "3.", 2) && json_object_size(paths) > 0, d);
	static const char *const need[] = { "/api/v1/status/{esid}", "/api/v1/srl", "/api/v1/federation/register",
					    "/api/v1/federation/events" };
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
		snprintf(d, sizeof d, "documents %s", need[i]);
		result(&r, d, json_object_get(paths, need[i]) != NULL, NULL);
	}
	json_decref(j);
	eseal_http_answer_free(&ans);

	/* a seal code nobody issues: a signed "unknown", not an error */
	j = NULL;
	ok = !fetch(base, "/api/v1/status/99999999999999?format=json", &ans, &j) && ans.status == 200;
	const char *st = json_string_value(json_object_get(j, "status"));
	snprintf(d, sizeof d, "HTTP %d, status %s", ans.status, st ? st : "?");
	result(&r, "status answer (JSON) for an unknown seal", ok && st && !strcmp(st, "unknown") &&
		       json_is_true(json_object_get(j, "signed")) && json_is_integer(json_object_get(j, "next_update")),
	       d);
	json_decref(j);
	eseal_http_answer_free(&ans);

	ok = !fetch(base, "/api/v1/status/99999999999999", &ans, NULL) && ans.status == 200;
	snprintf(d, sizeof d, "HTTP %d, %s, %zu bytes", ans.status, ans.content_type, ans.body.len);
	result(&r, "status answer (DER)", ok && !strcmp(ans.content_type, "application/eseal-status") &&
		       ans.body.len > 2 && ans.body.data[0] == 0x30, d);
	eseal_http_answer_free(&ans);

	j = NULL;
	ok = !fetch(base, "/api/v1/status/not-a-code!", &ans, &j);
	snprintf(d, sizeof d, "HTTP %d, %s", ans.status, ans.content_type);
	result(&r, "errors are problem+json", ok && ans.status == 400 &&
		       !strncmp(ans.content_type, "application/problem+json", 24) &&
		       json_string_value(json_object_get(j, "type")), d);
	json_decref(j);
	eseal_http_answer_free(&ans);

	if (r.json) {
		json_t *out = json_pack("{s:s, s:i, s:i, s:o}", "url", base, "passed", r.pass, "failed", r.fail,
					"checks", r.results);
		char *s = json_dumps(out, JSON_INDENT(2));
		printf("%s\n", s ? s : "{}");
		free(s);
		json_decref(out);
	} else {
		printf(_("%d passed, %d failed\n"), r.pass, r.fail);
		json_decref(r.results);
	}
	return r.fail ? EXIT_FAILED : 0;
}
