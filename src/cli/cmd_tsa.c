/*
 * cmd_tsa.c - `eseal tsa`: RFC 3161 time-stamp requests (query), a
 * one-shot time-stamp authority (reply), token verification (verify) and a
 * description of requests, responses and tokens (show). Never writes a
 * response without a fresh serial number, and never reports a token as
 * valid unless every check passed.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "eseal/tsa.h"
#include "seal_show.h"

#define MAX_INPUT (64u * 1024u * 1024u)

/* "-o FILE" is accepted as "--out FILE", like openssl and most tools. */
static char **alias_out(int argc, char **argv)
{
	char **v = calloc((size_t)argc + 1, sizeof *v);
	if (!v)
		return NULL;
	for (int i = 0; i < argc; i++)
		v[i] = strcmp(argv[i], "-o") ? argv[i] : (char *)"--out";
	return v;
}

static int unhex(const char *s, uint8_t *out, size_t max, size_t *n)
{
	size_t l = strlen(s);
	if (l % 2 || l / 2 > max)
		return -1;
	for (size_t i = 0; i < l / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", s[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]))
			return -1;
		out[i] = (uint8_t)v;
	}
	*n = l / 2;
	return 0;
}

static void tohex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * n] = 0;
}

static int tsa_query(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "data", 1, N_("the file to time-stamp"), "FILE" },
		{ "digest", 1, N_("or its digest in hex"), "HEX" },
		{ "hash", 1, N_("sm3 (default) or sha256"), "ALG" },
		{ "policy", 1, N_("ask for this policy OID"), "OID" },
		{ "no-nonce", 0, N_("leave out the nonce"), NULL },
		{ "no-cert", 0, N_("do not ask for the TSA certificate"), NULL },
		{ "out", 1, N_("write the request (.tsq) to FILE (- = stdout)"), "FILE" },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--data FILE|--digest HEX [--hash sm3|sha256] -o REQ.tsq",
			   N_("Make an RFC 3161 time-stamp request."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *data = cli_get(&a, opts, "data"), *dg = cli_get(&a, opts, "digest");
	const char *hash = cli_get(&a, opts, "hash"), *out = cli_get(&a, opts, "out");
	const char *policy = cli_get(&a, opts, "policy");
	if (!!data == !!dg)
		return cli_usage(_("give --data or --digest"));
	if (!out)
		return cli_usage(_("--out is required"));
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	if (!hash)
		hash = "sm3";
	if (strcmp(hash, "sm3") && strcmp(hash, "sha256"))
		return cli_usage(_("--hash must be sm3 or sha256"));
	eseal_tsa_req q;
	int nonce = !cli_has(&a, opts, "no-nonce"), rc;
	if (data) {
		eseal_buf b = ESEAL_BUF_INIT;
		if (eseal_file_read(&b, data, MAX_INPUT))
			return cli_fail(data);
		rc = eseal_tsa_req_make(&q, hash, b.data ? b.data : (const uint8_t *)"", b.len, nonce);
		eseal_buf_free(&b);
	} else {
		uint8_t d[ESEAL_TSA_MAX_HASH];
		size_t n;
		if (unhex(dg, d, sizeof d, &n))
			return cli_usage(_("--digest: not a hex digest"));
		rc = eseal_tsa_req_make_hash(&q, hash, d, n, nonce);
	}
	if (rc)
		return cli_fail(NULL);
	if (cli_has(&a, opts, "no-cert"))
		q.cert_req = 0;
	if (policy) {
		if (strlen(policy) >= sizeof q.policy)
			return cli_usage(_("--policy: OID too long"));
		strcpy(q.policy, policy);
	}
	eseal_buf der = ESEAL_BUF_INIT;
	if (eseal_tsa_req_encode(&q, &der))
		return cli_fail(NULL);
	ex = cli_write_output(out, der.data, der.len, 0644);
	eseal_buf_free(&der);
	return ex;
}

static int load_key(const char *path, const char *pass_file, eseal_key **key)
{
	if (!pass_file && !eseal_key_load(key, path, NULL, 0))
		return 0;
	char *pass = NULL;
	int ex = cli_passphrase(pass_file, _("Key passphrase: "), 0, &pass);
	if (ex)
		return ex;
	int rc = eseal_key_load(key, path, pass, strlen(pass));
	cli_pass_free(pass);
	return rc ? cli_fail(path) : 0;
}

static int tsa_reply(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "key", 1, N_("the TSA's private key"), "FILE" },
		{ "cert", 1, N_("the TSA certificate (critical EKU timeStamping)"), "FILE" },
		{ "chain", 1, N_("CA certificates to add to tokens"), "FILE" },
		{ "serial-file", 1, N_("serial number counter (default: KEY.serial)"), "FILE" },
		{ "policy", 1, N_("policy OID (default 1.2.3.4.1)"), "OID" },
		{ "accuracy-ms", 1, N_("accuracy in milliseconds (default 1000)"), "N" },
		{ "pass-file", 1, N_("read the key passphrase from FILE"), "FILE" },
		{ "out", 1, N_("write the response (.tsr) to FILE (- = stdout)"), "FILE" },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--key K --cert C [--chain CA.pem] REQ.tsq -o RESP.tsr",
			   N_("Answer a time-stamp request as a time-stamp authority."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *keyf = cli_get(&a, opts, "key"), *certf = cli_get(&a, opts, "cert");
	const char *chainf = cli_get(&a, opts, "chain"), *out = cli_get(&a, opts, "out");
	const char *serialf = cli_get(&a, opts, "serial-file");
	if (!keyf || !certf)
		return cli_usage(_("--key and --cert are required"));
	if (!out)
		return cli_usage(_("--out is required"));
	if (a.npos != 1)
		return cli_usage(_("give one request file"));
	long acc;
	if ((ex = cli_get_int(&a, opts, "accuracy-ms", 1000, 1, 3600000, &acc)))
		return ex;
	char sf[4200];
	if (!serialf) {
		snprintf(sf, sizeof sf, "%s.serial", keyf);
		serialf = sf;
	}
	eseal_buf req = ESEAL_BUF_INIT, resp = ESEAL_BUF_INIT;
	eseal_key *key = NULL;
	eseal_cert *cert = NULL, **chain = NULL;
	size_t nchain = 0;
	eseal_tsa *tsa = NULL;
	if (eseal_file_read(&req, a.pos[0], ESEAL_TSA_MAX_REQ + 1)) {
		ex = cli_fail(a.pos[0]);
		goto out;
	}
	if (eseal_cert_load(&cert, certf)) {
		ex = cli_fail(certf);
		goto out;
	}
	if (chainf && eseal_cert_load_all(&chain, &nchain, chainf)) {
		ex = cli_fail(chainf);
		goto out;
	}
	if ((ex = load_key(keyf, cli_get(&a, opts, "pass-file"), &key)))
		goto out;
	eseal_tsa_config cfg = { 0 };
	cfg.key = key;
	cfg.cert = cert;
	cfg.chain = chain;
	cfg.nchain = nchain;
	cfg.policy = cli_get(&a, opts, "policy");
	cfg.serial_file = serialf;
	cfg.accuracy_ms = (int)acc;
	if (eseal_tsa_new(&tsa, &cfg)) {
		ex = cli_fail(certf);
		goto out;
	}
	if (eseal_tsa_respond(tsa, req.data ? req.data : (const uint8_t *)"", req.len, &resp)) {
		ex = cli_fail(a.pos[0]);
		goto out;
	}
	/* a rejection is still a response, but the caller should know */
	int status;
	uint32_t fail;
	char text[200];
	eseal_tst *tok = NULL;
	if (eseal_tsa_resp_parse(resp.data, resp.len, &status, &fail, text, sizeof text, &tok)) {
		ex = cli_fail(NULL);
		goto out;
	}
	eseal_tst_free(tok);
	ex = cli_write_output(out, resp.data, resp.len, 0644);
	if (!ex && status > 1) {
		cli_err(_("request rejected: %s"), text);
		ex = EXIT_INPUT;
	}
out:
	eseal_tsa_free(tsa);
	eseal_key_free(key);
	eseal_cert_free(cert);
	eseal_cert_list_free(chain, nchain);
	eseal_buf_free(&req);
	eseal_buf_free(&resp);
	return ex;
}

/* A response or a bare token from a file. */
static int load_token(const char *path, eseal_tst **tok, int *status, char *text, size_t textlen)
{
	eseal_buf b = ESEAL_BUF_INIT;
	uint32_t fail;
	*tok = NULL;
	if (eseal_file_read(&b, path, MAX_INPUT))
		return cli_fail(path);
	int rc = eseal_tsa_resp_parse(b.data ? b.data : (const uint8_t *)"", b.len, status, &fail, text,
				      textlen, tok);
	if (rc) {
		char why[300];
		snprintf(why, sizeof why, "%s", eseal_error_last());
		*status = 0;
		text[0] = 0;
		if (eseal_tst_parse(tok, b.data ? b.data : (const uint8_t *)"", b.len)) {
			eseal_error_set(rc, "%s", why);
			rc = cli_fail(path);
		} else {
			rc = 0;
		}
	}
	eseal_buf_free(&b);
	return rc;
}

static int tsa_verify(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "data", 1, N_("the time-stamped file"), "FILE" },
		{ "digest", 1, N_("or its digest in hex (the token's hash algorithm)"), "HEX" },
		{ "trust", 1, N_("trust anchors for the TSA certificate (repeatable)"), "FILE" },
		{ "crl", 1, N_("revocation list (repeatable)"), "FILE" },
		{ "request", 1, N_("the request: its imprint and nonce must be echoed"), "FILE" },
		{ "tsa-cert", 1, N_("the TSA certificate, for tokens that do not carry it"), "FILE" },
		{ "json", 0, N_("print JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "RESP.tsr --data FILE --trust CA.pem [--request REQ.tsq] [--json]",
			   N_("Verify a time-stamp response or token; prints the proven time."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *data = cli_get(&a, opts, "data"), *dg = cli_get(&a, opts, "digest");
	const char *reqf = cli_get(&a, opts, "request");
	if (a.npos != 1)
		return cli_usage(_("give one response or token file"));
	if (data && dg)
		return cli_usage(_("give --data or --digest, not both"));
	if (!data && !dg && !reqf)
		return cli_usage(_("give --data, --digest or --request"));
	const char **tf = NULL, **cf = NULL;
	int nt = cli_get_all(&a, opts, "trust", &tf), nc = cli_get_all(&a, opts, "crl", &cf);
	eseal_tst_verify_opts vo = { 0 };
	eseal_buf db = ESEAL_BUF_INIT;
	uint8_t d[ESEAL_TSA_MAX_HASH];
	eseal_tsa_req q;
	eseal_tst *tok = NULL;
	eseal_trust *trust = NULL;
	eseal_report *r = NULL;
	eseal_cert *tcert = NULL;
	const char *tcf = cli_get(&a, opts, "tsa-cert");
	int status;
	char text[200];
	if ((ex = load_token(a.pos[0], &tok, &status, text, sizeof text)))
		return ex;
	if (!tok) {
		cli_err(_("%s: the TSA refused (status %d): %s"), a.pos[0], status, text[0] ? text : "-");
		return EXIT_FAILED;
	}
	if (reqf) {
		eseal_buf rb = ESEAL_BUF_INIT;
		int rc = eseal_file_read(&rb, reqf, ESEAL_TSA_MAX_REQ + 1);
		if (!rc)
			rc = eseal_tsa_req_parse(&q, rb.data ? rb.data : (const uint8_t *)"", rb.len);
		eseal_buf_free(&rb);
		if (rc) {
			ex = cli_fail(reqf);
			goto out;
		}
		if (q.nonce_len) {
			vo.nonce = q.nonce;
			vo.nonce_len = q.nonce_len;
		}
		if (!data && !dg) {
			vo.hash = q.imprint;
			vo.hash_len = q.imprint_len;
		}
	}
	if (data) {
		if (eseal_file_read(&db, data, MAX_INPUT)) {
			ex = cli_fail(data);
			goto out;
		}
		vo.data = db.data ? db.data : (const uint8_t *)"";
		vo.data_len = db.len;
	} else if (dg) {
		if (unhex(dg, d, sizeof d, &vo.hash_len)) {
			ex = cli_usage(_("--digest: not a hex digest"));
			goto out;
		}
		vo.hash = d;
	}
	if ((ex = load_trust(&trust, tf, nt, cf, nc)))
		goto out;
	vo.trust = trust;
	if (tcf && eseal_cert_load(&tcert, tcf)) {
		ex = cli_fail(tcf);
		goto out;
	}
	vo.tsa_cert = tcert;
	eseal_report_item *it;
	if (eseal_report_new(&r, "timestamp", a.pos[0]) || !(it = eseal_report_add(r, "timestamp"))) {
		ex = cli_fail(NULL);
		goto out;
	}
	int rc = eseal_tst_verify(tok, &vo, it);
	if (rc && rc != ESEAL_EVERIFY) {
		ex = cli_fail(a.pos[0]);
		goto out;
	}
	if ((ex = print_report(r, cli_has(&a, opts, "json"))))
		goto out;
	ex = exit_for_indication(eseal_item_indication(it));
	/* a passed report with a failed check must not exit 0 */
	if (rc && !ex)
		ex = EXIT_FAILED;
out:
	eseal_report_free(r);
	eseal_cert_free(tcert);
	eseal_trust_free(trust);
	eseal_tst_free(tok);
	eseal_buf_free(&db);
	return ex;
}

static json_t *token_json(const eseal_tst *t)
{
	size_t n, cl;
	const uint8_t *p = eseal_tst_imprint(t, &n);
	char h[2 * ESEAL_TSA_MAX_HASH + 1], nonce[2 * ESEAL_TSA_MAX_NONCE + 1] = "";
	tohex(h, p, n);
	p = eseal_tst_nonce(t, &n);
	if (p)
		tohex(nonce, p, n);
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "gen_time", eseal_tst_gen_time_text(t),
			      "gen_time_unix", (json_int_t)eseal_tst_gen_time(t), "serial", eseal_tst_serial(t),
			      "policy", eseal_tst_policy(t), "hash", eseal_tst_hash(t), "imprint", h, "profile",
			      eseal_tst_profile(t));
	if (p)
		json_object_set_new(o, "nonce", json_string(nonce));
	if (eseal_tst_accuracy_ms(t) >= 0)
		json_object_set_new(o, "accuracy_ms", json_integer(eseal_tst_accuracy_ms(t)));
	const uint8_t *c = eseal_tst_signer_cert(t, &cl);
	if (c)
		json_object_set_new(o, "tsa_certificate", show_cert_json(c, cl));
	return o;
}

static int tsa_show(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "json", 0, N_("print JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "FILE.tsq|FILE.tsr|TOKEN [--json]",
			   N_("Describe a time-stamp request, response or token."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	if (a.npos != 1)
		return cli_usage(_("give one file"));
	eseal_buf b = ESEAL_BUF_INIT;
	if (eseal_file_read(&b, a.pos[0], MAX_INPUT))
		return cli_fail(a.pos[0]);
	json_t *o = NULL;
	eseal_tsa_req q;
	eseal_tst *tok = NULL;
	const uint8_t *p = b.data ? b.data : (const uint8_t *)"";
	if (b.len <= ESEAL_TSA_MAX_REQ && !eseal_tsa_req_parse(&q, p, b.len)) {
		char h[2 * ESEAL_TSA_MAX_HASH + 1], nonce[2 * ESEAL_TSA_MAX_NONCE + 1];
		tohex(h, q.imprint, q.imprint_len);
		tohex(nonce, q.nonce, q.nonce_len);
		o = json_pack("{s:s, s:s, s:s, s:b}", "type", "request", "hash", q.hash, "imprint", h, "cert_req",
			      q.cert_req);
		if (q.nonce_len)
			json_object_set_new(o, "nonce", json_string(nonce));
		if (q.policy[0])
			json_object_set_new(o, "policy", json_string(q.policy));
	} else {
		int status;
		char text[200];
		eseal_buf_free(&b);
		if ((ex = load_token(a.pos[0], &tok, &status, text, sizeof text)))
			return ex;
		o = json_pack("{s:s, s:i}", "type", "response", "status", status);
		if (text[0])
			json_object_set_new(o, "status_text", json_string(text));
		if (tok)
			json_object_set_new(o, "token", token_json(tok));
		eseal_tst_free(tok);
	}
	eseal_buf_free(&b);
	if (!o) {
		cli_err(_("out of memory"));
		return EXIT_INTERNAL;
	}
	if (cli_has(&a, opts, "json")) {
		ex = print_json(o);
	} else {
		const char *k;
		json_t *v, *tk = json_object_get(o, "token");
		json_object_foreach(o, k, v) {
			if (json_is_string(v))
				printf("%-14s %s\n", k, json_string_value(v));
			else if (json_is_integer(v))
				printf("%-14s %lld\n", k, (long long)json_integer_value(v));
			else if (json_is_boolean(v))
				printf("%-14s %s\n", k, json_is_true(v) ? "yes" : "no");
		}
		json_object_foreach(tk, k, v) {
			if (json_is_string(v))
				printf("%-14s %s\n", k, json_string_value(v));
			else if (json_is_integer(v))
				printf("%-14s %lld\n", k, (long long)json_integer_value(v));
			else if (json_is_object(v) && json_object_get(v, "subject"))
				printf("%-14s %s\n", k, json_string_value(json_object_get(v, "subject")));
		}
	}
	json_decref(o);
	return ex;
}

int cmd_tsa(int argc, char **argv)
{
	static const char *usage =
		"tsa query|reply|verify|show ...\n"
		"  eseal tsa query --data FILE [--hash sm3|sha256] [--no-nonce] -o REQ.tsq\n"
		"  eseal tsa reply --key K --cert C [--chain CA.pem] [--serial-file F] REQ.tsq -o RESP.tsr\n"
		"  eseal tsa verify RESP.tsr --data FILE --trust CA.pem [--request REQ.tsq] [--json]\n"
		"  eseal tsa show FILE [--json]";
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf(_("usage: %s %s\n"), "eseal", usage);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	cli_enter(argv[1]);
	char **v = alias_out(argc - 1, argv + 1);
	if (!v) {
		cli_err(_("out of memory"));
		return EXIT_INTERNAL;
	}
	int ex;
	if (!strcmp(argv[1], "query"))
		ex = tsa_query(argc - 1, v);
	else if (!strcmp(argv[1], "reply"))
		ex = tsa_reply(argc - 1, v);
	else if (!strcmp(argv[1], "verify"))
		ex = tsa_verify(argc - 1, v);
	else if (!strcmp(argv[1], "show"))
		ex = tsa_show(argc - 1, v);
	else
		ex = cli_usage(_("unknown subcommand '%s'"), argv[1]);
	free(v);
	return ex;
}
