/*
 * cmd_report_use.c - `eseal report-use`: sends the holder's offline seal
 * uses (分散式用章) to the service, POST /api/v1/seals/{esid}/uses, from the
 * journal `eseal sign` keeps or from signed documents given on the command
 * line. Records the service counted (or already knew) become "reported",
 * those it refused "refused" with its reason; the journal is rewritten
 * atomically. A record is never marked reported unless the service said so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "eseal/crypto.h"
#include "eseal/net.h"
#include "use_journal.h"

static const cli_opt opts[] = {
	{ "server", 1, N_("the eseal service (http://HOST:PORT)"), "URL" },
	{ "user", 1, N_("log in as this user (password from --pass-file, $ESEAL_PASS or the terminal)"), "NAME" },
	{ "pass-file", 1, N_("read the password from FILE"), "FILE" },
	{ "api-key", 1, N_("sign requests with this API key id (ESEAL-HMAC-SM3)"), "ID" },
	{ "api-secret-file", 1, N_("the API key's secret (64 hex digits)"), "FILE" },
	{ "journal", 1, N_("journal of uses (default $ESEAL_USE_JOURNAL or ~/.local/share/eseal/uses.jsonl)"), "FILE" },
	{ "esid", 1, N_("documents: the seal of CMS signatures (which do not name it); only its signatures"), "ESID" },
	{ "timeout", 1, N_("seconds to wait for each answer (default 20)"), "N" },
	{ "json", 0, N_("print the outcome as JSON"), NULL },
	{ 0 }
};

typedef struct auth {
	char bearer[256];            /* session token */
	char key_id[64];
	uint8_t secret[32];
	int hmac;
} auth;

/* "ESEAL-HMAC-SM3 ..." or "Bearer ..." for one request (docs/api-auth.md). */
static int auth_header(const auth *a, const char *method, const char *url, const char *body, char *out,
		       size_t outlen)
{
	if (!a->hmac) {
		snprintf(out, outlen, "Bearer %s", a->bearer);
		return 0;
	}
	const char *path = strstr(url, "://");
	path = path ? strchr(path + 3, '/') : NULL;
	uint8_t bh[32], nonce[16], mac[32];
	char bhex[65], nhex[33], mhex[65];
	eseal_sm3(bh, body ? body : "", body ? strlen(body) : 0);
	eseal_hex_encode(bhex, bh, 32, 0);
	if (eseal_random(nonce, sizeof nonce))
		return -1;
	eseal_hex_encode(nhex, nonce, sizeof nonce, 0);
	long long ts = (long long)time(NULL);
	eseal_buf s = ESEAL_BUF_INIT;
	int rc = eseal_buf_printf(&s, "%s\n%s\n%s\n%lld\n%s", method, path ? path : "/", bhex, ts, nhex);
	if (!rc)
		rc = eseal_hmac_sm3(mac, a->secret, sizeof a->secret, s.data, s.len);
	eseal_buf_free(&s);
	if (rc)
		return rc;
	eseal_hex_encode(mhex, mac, 32, 0);
	snprintf(out, outlen, "ESEAL-HMAC-SM3 key=%s, ts=%lld, nonce=%s, sig=%s", a->key_id, ts, nhex, mhex);
	return 0;
}

/* The problem detail of an answer, or its status. */
static void answer_why(const eseal_http_answer *ans, char *out, size_t n)
{
	json_t *j = json_loadb((const char *)ans->body.data, ans->body.len, 0, NULL);
	const char *d = json_string_value(json_object_get(j, "detail"));
	snprintf(out, n, "%d %s", ans->status, d ? d : "");
	json_decref(j);
}

static int login(const char *base, const char *user, const char *pass_file, int timeout_ms, auth *a)
{
	char *pw = NULL, url[1200];
	int rc = cli_passphrase(pass_file, _("Password: "), 0, &pw);
	if (rc)
		return rc;
	json_t *b = json_pack("{s:s, s:s}", "name", user, "password", pw);
	char *body = b ? json_dumps(b, JSON_COMPACT) : NULL;
	json_decref(b);
	cli_pass_free(pw);
	if (!body)
		return EXIT_INTERNAL;
	snprintf(url, sizeof url, "%s/api/v1/login", base);
	eseal_http_answer ans;
	rc = eseal_http_call(url, NULL, "application/json", body, strlen(body), timeout_ms, 1 << 20, &ans);
	eseal_wipe(body, strlen(body));
	free(body);
	if (rc) {
		cli_err(_("%s: the service cannot be reached: %s"), base, eseal_error_last());
		return EXIT_INTERNAL;
	}
	json_t *j = json_loadb((const char *)ans.body.data, ans.body.len, 0, NULL);
	const char *tok = json_string_value(json_object_get(j, "token"));
	if (ans.status != 200 || !tok || strlen(tok) >= sizeof a->bearer) {
		char why[300];
		answer_why(&ans, why, sizeof why);
		cli_err(_("%s: login as %s refused: %s"), base, user, why);
		rc = EXIT_REFUSED;
	} else {
		snprintf(a->bearer, sizeof a->bearer, "%s", tok);
	}
	json_decref(j);
	eseal_http_answer_free(&ans);
	return rc;
}

static int api_key(const char *id, const char *secret_file, auth *a)
{
	eseal_buf b = ESEAL_BUF_INIT;
	if (strlen(id) >= sizeof a->key_id)
		return cli_usage(_("--api-key: too long"));
	if (eseal_file_read(&b, secret_file, 4096))
		return cli_fail(secret_file);
	char hex[65];
	size_t n = b.len;
	while (n && (b.data[n - 1] == '\n' || b.data[n - 1] == '\r' || b.data[n - 1] == ' '))
		n--;
	int ok = n == 64;
	if (ok) {
		memcpy(hex, b.data, 64);
		hex[64] = 0;
		ok = eseal_hex_decode(a->secret, sizeof a->secret, hex) == 0;
		eseal_wipe(hex, sizeof hex);
	}
	eseal_wipe(b.data, b.len);
	eseal_buf_free(&b);
	if (!ok) {
		cli_err(_("%s: expected the 64 hex digits of an API secret"), secret_file);
		return EXIT_INPUT;
	}
	snprintf(a->key_id, sizeof a->key_id, "%s", id);
	a->hmac = 1;
	return 0;
}

static int esid_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 32)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
			return 0;
	return 1;
}

enum { R_COUNTED, R_KNOWN, R_REFUSED, R_FAILED, R_UNREACHABLE };

/* Sends one record; returns one of R_*, with the service's reason in why. */
static int send_one(const char *base, const auth *a, int timeout_ms, json_t *rec, char *why, size_t wl)
{
	const char *esid = json_string_value(json_object_get(rec, "esid"));
	if (!esid || !esid_ok(esid)) {
		snprintf(why, wl, "%s", _("the record names no valid seal code"));
		return R_REFUSED;
	}
	char url[1200], hdr[400];
	snprintf(url, sizeof url, "%s/api/v1/seals/%s/uses", base, esid);
	json_t *b = json_pack("{s:O, s:O, s:O, s:O}", "signature", json_object_get(rec, "signature"), "form",
			      json_object_get(rec, "form"), "document_sm3", json_object_get(rec, "document_sm3"),
			      "document_name", json_object_get(rec, "document_name"));
	char *body = b ? json_dumps(b, JSON_COMPACT) : NULL;
	json_decref(b);
	if (!body || auth_header(a, "POST", url, body, hdr, sizeof hdr)) {
		free(body);
		snprintf(why, wl, "%s", _("the record is incomplete"));
		return R_REFUSED;
	}
	eseal_http_answer ans;
	int rc = eseal_http_call(url, hdr, "application/json", body, strlen(body), timeout_ms, 1 << 20, &ans);
	free(body);
	if (rc) {
		snprintf(why, wl, "%s", eseal_error_last());
		return R_UNREACHABLE;
	}
	if (ans.status == 200 || ans.status == 201)
		snprintf(why, wl, "%s", ans.status == 201 ? "counted" : "already reported");
	else
		answer_why(&ans, why, wl);
	int out = ans.status == 201 ? R_COUNTED : ans.status == 200 ? R_KNOWN
		: ans.status == 422 ? R_REFUSED : R_FAILED;
	eseal_http_answer_free(&ans);
	return out;
}

static void logout(const char *base, const auth *a, int timeout_ms)
{
	if (a->hmac || !a->bearer[0])
		return;
	char url[1200], hdr[400];
	snprintf(url, sizeof url, "%s/api/v1/logout", base);
	snprintf(hdr, sizeof hdr, "Bearer %s", a->bearer);
	eseal_http_answer ans;
	if (!eseal_http_call(url, hdr, "application/json", "", 0, timeout_ms, 1 << 16, &ans))
		eseal_http_answer_free(&ans);
}

/* Rewrites the journal with the outcome of sent (records no longer
 * pending), keeping whatever was appended meanwhile. */
static int save_outcome(const char *path, const json_t *sent)
{
	int fd = -1;
	json_t *now = NULL;
	int rc = uj_lock(path, &fd);
	if (!rc)
		rc = uj_load(path, &now);
	for (size_t i = 0; !rc && i < json_array_size(now); i++) {
		json_t *r = json_array_get(now, i);
		const char *ss = json_string_value(json_object_get(r, "signature_sm3"));
		const char *st = json_string_value(json_object_get(r, "state"));
		for (size_t k = 0; ss && st && !strcmp(st, "pending") && k < json_array_size(sent); k++) {
			const json_t *o = json_array_get(sent, k);
			const char *os = json_string_value(json_object_get(o, "signature_sm3"));
			const char *ost = json_string_value(json_object_get(o, "state"));
			if (os && ost && strcmp(ost, "pending") && !strcmp(os, ss)) {
				json_object_update(r, (json_t *)o);
				break;
			}
		}
	}
	if (!rc)
		rc = uj_save(path, now);
	json_decref(now);
	uj_unlock(fd);
	return rc;
}

int cmd_report_use(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(argc, argv, opts,
			   "--server URL (--user NAME [--pass-file F] | --api-key ID --api-secret-file F) "
			   "[--journal FILE] [--esid ESID] [DOC ...] [--json]",
			   N_("Report seal uses made offline (signatures made with a seal package) to the service: the "
			      "pending records of the journal `eseal sign` keeps, or the signatures in the given signed "
			      "documents. The service checks each signature is really by its seal and counts it once."),
			   &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	const char *server = cli_get(&a, opts, "server"), *user = cli_get(&a, opts, "user"),
		   *key = cli_get(&a, opts, "api-key"), *secret = cli_get(&a, opts, "api-secret-file"),
		   *esid = cli_get(&a, opts, "esid");
	if (!server || strncmp(server, "http://", 7))
		return cli_usage(_("--server http://HOST:PORT is required"));
	if (!user == !key)
		return cli_usage(_("give --user NAME or --api-key ID"));
	if (key && !secret)
		return cli_usage(_("--api-key needs --api-secret-file"));
	if (esid && !esid_ok(esid))
		return cli_usage(_("--esid: not a seal code"));
	if (a.npos && cli_get(&a, opts, "journal"))
		return cli_usage(_("give documents or --journal, not both"));
	long timeout;
	if ((rc = cli_get_int(&a, opts, "timeout", 20, 1, 600, &timeout)))
		return rc;
	char base[1024];
	snprintf(base, sizeof base, "%s", server);
	for (size_t n = strlen(base); n > 7 && base[n - 1] == '/'; n--)
		base[n - 1] = 0;

	char path[4096] = "";
	int fd = -1;
	json_t *recs = NULL;
	if (a.npos) {
		recs = json_array();
		for (int i = 0; i < a.npos; i++)
			if (uj_records_of_doc(a.pos[i], esid, recs)) {
				json_decref(recs);
				return cli_fail(NULL);
			}
	} else {
		/* read under the lock, then let `eseal sign` append while we
		 * talk to the service; the outcome is merged in afterwards */
		int bad = uj_path(cli_get(&a, opts, "journal"), path, sizeof path) || uj_lock(path, &fd) ||
			  uj_load(path, &recs);
		uj_unlock(fd);
		fd = -1;
		if (bad)
			return cli_fail(path);
	}
	auth au;
	memset(&au, 0, sizeof au);
	rc = user ? login(base, user, cli_get(&a, opts, "pass-file"), (int)timeout * 1000, &au)
		  : api_key(key, secret, &au);
	size_t n[5] = { 0 }, pending = 0, total = 0;
	json_t *out = json_array();
	int unreachable = 0;
	for (size_t i = 0; !rc && i < json_array_size(recs); i++) {
		json_t *r = json_array_get(recs, i);
		const char *st = json_string_value(json_object_get(r, "state"));
		const char *re = json_string_value(json_object_get(r, "esid"));
		if ((st && strcmp(st, "pending")) || (esid && re && strcmp(re, esid)))
			continue;
		total++;
		if (unreachable) {
			pending++;
			continue;
		}
		char why[400];
		int k = send_one(base, &au, (int)timeout * 1000, r, why, sizeof why);
		n[k]++;
		const char *name = json_string_value(json_object_get(r, "document_name"));
		const char *ss = json_string_value(json_object_get(r, "signature_sm3"));
		static const char *const words[] = { "counted", "known", "refused", "failed", "unreachable" };
		json_array_append_new(out, json_pack("{s:s?, s:s?, s:s?, s:s, s:s}", "esid", re, "document_name", name,
						     "signature_sm3", ss, "result", words[k], "detail", why));
		if (k == R_COUNTED || k == R_KNOWN) {
			json_object_set_new(r, "state", json_string("reported"));
			json_object_set_new(r, "reported_at", json_integer((json_int_t)time(NULL)));
		} else if (k == R_REFUSED) {
			json_object_set_new(r, "state", json_string("refused"));
			json_object_set_new(r, "note", json_string(why));
			cli_err(_("%s: refused by the service: %s"), name ? name : "?", why);
		} else {
			pending++;
			if (k == R_UNREACHABLE) {
				unreachable = 1;
				cli_err(_("%s: the service cannot be reached (%s); the uses stay pending"), base, why);
			} else {
				cli_err(_("%s: not reported: %s"), name ? name : "?", why);
			}
		}
	}
	if (!rc)
		logout(base, &au, (int)timeout * 1000);
	eseal_wipe(&au, sizeof au);
	if (!a.npos && !rc && total && save_outcome(path, recs))
		rc = cli_fail(path);
	if (!rc) {
		if (cli_has(&a, opts, "json")) {
			json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:o}", "counted", (json_int_t)n[R_COUNTED], "known",
					      (json_int_t)n[R_KNOWN], "refused", (json_int_t)n[R_REFUSED], "pending",
					      (json_int_t)pending, "uses", out);
			out = NULL;
			char *s = json_dumps(o, JSON_INDENT(2));
			if (s)
				printf("%s\n", s);
			free(s);
			json_decref(o);
		} else {
			printf(_("%zu use(s) to report: %zu counted, %zu already known, %zu refused, %zu still pending\n"),
			       total, n[R_COUNTED], n[R_KNOWN], n[R_REFUSED], pending);
		}
		rc = unreachable || n[R_FAILED] ? EXIT_INTERNAL : n[R_REFUSED] ? EXIT_REFUSED : 0;
	}
	json_decref(out);
	json_decref(recs);
	return rc;
}
