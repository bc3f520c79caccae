/*
 * cmd_audit.c - `eseal audit`: verify the tamper-evident audit log, list
 * and export its entries, sign a tree head, and record an operator note.
 * Reading commands never write to the database; verify exits 1 when the
 * log was changed, removed from or reordered.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cli_db.h"
#include "eseal/audit.h"
#include "eseal/store.h"

#define DB_OPT { "db", 1, N_("database URL (sqlite:PATH or postgresql://...; default $ESEAL_DB)"), "URL" }

/* Reading an audit log never creates a database by mistake; only a note
 * may start a new one. */
static int open_db_ex(const cli_args *a, const cli_opt *opts, eseal_store **s, int flags)
{
	const char *url = cli_db_url(cli_get(a, opts, "db"));
	if (!url)
		return cli_usage(_("--db is required (or set ESEAL_DB)"));
	if (eseal_store_open_ex(s, url, flags))
		return cli_fail(cli_db_display(url));
	return 0;
}

static int open_db(const cli_args *a, const cli_opt *opts, eseal_store **s)
{
	return open_db_ex(a, opts, s, ESEAL_STORE_MUST_EXIST);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	eseal_hex_encode(out, p, n, 0);
}

static void print_json(json_t *j)
{
	char *txt = j ? json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(2)) : NULL;
	printf("%s\n", txt ? txt : "{}");
	free(txt);
	json_decref(j);
}

static int audit_verify(int argc, char **argv)
{
	static const cli_opt opts[] = {
		DB_OPT,
		{ "key", 1, N_("public key (PEM) that signs the tree heads"), "PUB.pem" },
		{ "json", 0, N_("print the report as JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--db URL [--key PUB.pem] [--json]",
			   N_("Recompute the audit log's Merkle tree and check every signed tree head: "
			      "exits 1 when any entry was changed, removed or reordered."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	eseal_key *pub = NULL;
	const char *keyf = cli_get(&a, opts, "key");
	if (keyf && eseal_pubkey_load(&pub, keyf))
		return cli_fail(keyf);
	eseal_store *s = NULL;
	if ((ex = open_db(&a, opts, &s))) {
		eseal_key_free(pub);
		return ex;
	}
	eseal_audit_report r;
	int rc = eseal_audit_verify(s, pub, &r);
	eseal_store_close(s);
	eseal_key_free(pub);
	if (rc && rc != ESEAL_EVERIFY)
		return cli_fail(NULL);
	int zh = cli_lang_zh();
	if (cli_has(&a, opts, "json")) {
		json_t *j = json_pack("{s:b, s:I, s:I, s:I, s:I, s:i, s:b}", "intact", !rc,
				      "entries", (json_int_t)r.entries, "heads", (json_int_t)r.heads,
				      "heads_ok", (json_int_t)r.heads_ok, "uncovered", (json_int_t)r.uncovered,
				      "problems", r.problems, "signatures_checked", r.signatures_checked);
		if (j && rc) {
			json_object_set_new(j, "first_problem", json_string(r.first_problem));
			json_object_set_new(j, "bad_seq", json_integer(r.bad_seq));
		}
		print_json(j);
	} else if (!rc) {
		printf(zh ? "审计日志完整：%lld 条记录，%lld 个签名树头均通过验证\n"
			  : _("audit log intact: %lld entries, %lld signed tree heads verified\n"),
		       (long long)r.entries, (long long)r.heads_ok);
		if (r.uncovered)
			printf(zh ? "注意：最新的 %lld 条记录尚无签名树头覆盖\n"
				  : _("note: the newest %lld entries are not yet covered by a signed tree head\n"),
			       (long long)r.uncovered);
		if (!r.signatures_checked)
			printf(zh ? "注意：未提供 --key，未检查树头签名\n"
				  : _("note: no --key given, tree head signatures were not checked\n"));
	} else {
		printf(zh ? "审计日志被篡改：发现 %d 个问题；第一个：%s\n"
			  : _("audit log TAMPERED: %d problem(s); first: %s\n"), r.problems, r.first_problem);
	}
	return rc ? EXIT_FAILED : 0;
}

static const cli_opt filter_opts[] = {
	DB_OPT,
	{ "actor", 1, N_("only entries by ACTOR (a trailing * matches a prefix)"), "ACTOR" },
	{ "action", 1, N_("only this action (a trailing * matches a prefix)"), "ACTION" },
	{ "object", 1, N_("only this object (a trailing * matches a prefix)"), "OBJECT" },
	{ "since", 1, N_("entries at or after TIME (YYYY-MM-DD[ hh:mm:ss], UTC)"), "TIME" },
	{ "until", 1, N_("entries before TIME"), "TIME" },
	{ "after", 1, N_("entries after sequence number SEQ (paging)"), "SEQ" },
	{ "limit", 1, N_("at most N entries"), "N" },
	{ "desc", 0, N_("newest first"), NULL },
	{ "json", 0, N_("list: print JSON lines"), NULL },
	{ "format", 1, N_("export: csv (default) or json (JSON lines)"), "FMT" },
	{ "out", 1, N_("export: write to FILE (default: standard output)"), "FILE" },
	{ 0 }
};

static int get_filter(const cli_args *a, eseal_audit_filter *f, long def_limit)
{
	const cli_opt *o = filter_opts;
	long v;
	int ex;
	f->actor = cli_get(a, o, "actor");
	f->action = cli_get(a, o, "action");
	f->object = cli_get(a, o, "object");
	const char *t;
	if ((t = cli_get(a, o, "since")) && eseal_time_parse(&f->since, t))
		return cli_usage(_("--since: '%s' is not a time"), t);
	if ((t = cli_get(a, o, "until")) && eseal_time_parse(&f->until, t))
		return cli_usage(_("--until: '%s' is not a time"), t);
	if ((ex = cli_get_int(a, o, "after", -1, -1, 0x7fffffffffffffffL, &v)))
		return ex;
	f->after_seq = v;
	if ((ex = cli_get_int(a, o, "limit", def_limit, 0, 0x7fffffffffffffffL, &v)))
		return ex;
	f->limit = v;
	f->descending = cli_has(a, o, "desc");
	return 0;
}

static int print_entry(const eseal_audit_entry *e, void *arg)
{
	if (*(int *)arg) {
		printf("%s\n", e->json);
		return 0;
	}
	char when[32];
	eseal_time_format_human(when, (time_t)e->time);
	printf("%6lld  %s  %-12s %-10s %-20s %s%s%s\n", (long long)e->seq, when, e->actor, e->role,
	       e->action, e->object, strcmp(e->details, "null") ? "  " : "",
	       strcmp(e->details, "null") ? e->details : "");
	return 0;
}

static int audit_list(int argc, char **argv)
{
	cli_args a;
	int ex = cli_parse(argc, argv, filter_opts, "--db URL [--actor A] [--action X] [--object O] "
			   "[--since T] [--until T] [--after SEQ] [--limit N] [--desc] [--json]",
			   N_("List audit log entries (100 by default; page with --after)."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	if (cli_has(&a, filter_opts, "format") || cli_has(&a, filter_opts, "out"))
		return cli_usage(_("--format and --out belong to 'eseal audit export'"));
	eseal_audit_filter f = ESEAL_AUDIT_FILTER_INIT;
	if ((ex = get_filter(&a, &f, 100)))
		return ex;
	eseal_store *s = NULL;
	if ((ex = open_db(&a, filter_opts, &s)))
		return ex;
	int json = cli_has(&a, filter_opts, "json");
	int rc = eseal_audit_query(s, &f, print_entry, &json);
	eseal_store_close(s);
	return rc ? cli_fail(NULL) : 0;
}

static int audit_export(int argc, char **argv)
{
	cli_args a;
	int ex = cli_parse(argc, argv, filter_opts, "--db URL [--format csv|json] [--out FILE] [filters]",
			   N_("Export audit log entries as CSV (RFC 4180) or JSON lines."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	const char *fmt = cli_get(&a, filter_opts, "format");
	eseal_audit_format ff;
	if (!fmt || !strcmp(fmt, "csv"))
		ff = ESEAL_AUDIT_CSV;
	else if (!strcmp(fmt, "json") || !strcmp(fmt, "jsonl"))
		ff = ESEAL_AUDIT_JSONL;
	else
		return cli_usage(_("--format must be csv or json"));
	eseal_audit_filter f = ESEAL_AUDIT_FILTER_INIT;
	if ((ex = get_filter(&a, &f, 0)))
		return ex;
	eseal_store *s = NULL;
	if ((ex = open_db(&a, filter_opts, &s)))
		return ex;
	eseal_buf out = ESEAL_BUF_INIT;
	int rc = eseal_audit_export(s, &f, ff, &out);
	eseal_store_close(s);
	const char *path = cli_get(&a, filter_opts, "out");
	ex = rc ? cli_fail(NULL) : cli_write_output(path ? path : "-", out.data, out.len, 0600);
	eseal_buf_free(&out);
	return ex;
}

static int audit_sign_head(int argc, char **argv)
{
	static const cli_opt opts[] = {
		DB_OPT,
		{ "key", 1, N_("the audit signing key (SM2 private key PEM)"), "KEY.pem" },
		{ "pass-file", 1, N_("read the key's passphrase from FILE"), "FILE" },
		{ "json", 0, N_("print the head as JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--db URL --key KEY.pem [--pass-file F] [--json]",
			   N_("Sign a tree head for the log's current size (publish it somewhere the "
			      "database's administrators cannot rewrite)."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *keyf = cli_get(&a, opts, "key");
	if (!keyf)
		return cli_usage(_("--key is required"));
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	eseal_key *k = NULL;
	int rc = eseal_key_load(&k, keyf, NULL, 0);
	if (rc == ESEAL_EPASS) {
		char *pass = NULL;
		if ((ex = cli_passphrase(cli_get(&a, opts, "pass-file"), _("Passphrase for the audit key: "), 0, &pass)))
			return ex;
		rc = eseal_key_load(&k, keyf, pass, strlen(pass));
		cli_pass_free(pass);
	}
	if (rc)
		return cli_fail(keyf);
	eseal_store *s = NULL;
	if ((ex = open_db(&a, opts, &s))) {
		eseal_key_free(k);
		return ex;
	}
	eseal_audit_head h;
	rc = eseal_audit_sign_head(s, k, &h);
	eseal_store_close(s);
	eseal_key_free(k);
	if (rc)
		return cli_fail(NULL);
	char root[65], sig[2 * sizeof h.sig + 1], when[32];
	hex(root, h.root, 32);
	hex(sig, h.sig, h.siglen);
	eseal_time_format_human(when, (time_t)h.timestamp);
	if (cli_has(&a, opts, "json"))
		print_json(json_pack("{s:I, s:s, s:I, s:s, s:s}", "tree_size", (json_int_t)h.tree_size,
				     "root_hash", root, "timestamp", (json_int_t)h.timestamp,
				     "key_id", h.key_id, "signature", sig));
	else
		printf(_("tree head: size %lld, root %s, signed %s\n"), (long long)h.tree_size, root, when);
	return 0;
}

static int audit_note(int argc, char **argv)
{
	static const cli_opt opts[] = {
		DB_OPT,
		{ "actor", 1, N_("who did it (required)"), "NAME" },
		{ "action", 1, N_("what was done, e.g. maintenance.restart (required)"), "ACTION" },
		{ "object", 1, N_("what it was done to"), "OBJECT" },
		{ "details", 1, N_("a JSON object with details"), "JSON" },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--db URL --actor NAME --action ACTION [--object O] [--details JSON]",
			   N_("Record an operator's action done outside the service (role \"operator\")."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	eseal_audit_event ev = { cli_get(&a, opts, "actor"), "operator", cli_get(&a, opts, "action"),
				 cli_get(&a, opts, "object"), cli_get(&a, opts, "details"), NULL, 0 };
	if (!ev.actor || !*ev.actor || !ev.action || !*ev.action)
		return cli_usage(_("--actor and --action are required"));
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	eseal_store *s = NULL;
	if ((ex = open_db_ex(&a, opts, &s, 0)))
		return ex;
	int64_t seq = -1;
	int rc = eseal_audit_append(s, &ev, &seq);
	eseal_store_close(s);
	if (rc)
		return cli_fail(NULL);
	printf(_("recorded as audit entry %lld\n"), (long long)seq);
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	static const char *usage =
		"audit verify|list|export|sign-head|note ...\n"
		"  eseal audit verify --db URL [--key PUB.pem] [--json]\n"
		"  eseal audit list --db URL [--actor A] [--action X] [--object O] [--since T] [--until T]\n"
		"                   [--after SEQ] [--limit N] [--desc] [--json]\n"
		"  eseal audit export --db URL [--format csv|json] [--out FILE] [filters as for list]\n"
		"  eseal audit sign-head --db URL --key KEY.pem\n"
		"  eseal audit note --db URL --actor NAME --action ACTION [--object O] [--details JSON]\n"
		"The database URL may also come from $ESEAL_DB.";
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf(_("usage: %s %s\n"), "eseal", usage);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	cli_enter(sub);
	if (!strcmp(sub, "verify"))
		return audit_verify(argc - 1, argv + 1);
	if (!strcmp(sub, "list"))
		return audit_list(argc - 1, argv + 1);
	if (!strcmp(sub, "export"))
		return audit_export(argc - 1, argv + 1);
	if (!strcmp(sub, "sign-head"))
		return audit_sign_head(argc - 1, argv + 1);
	if (!strcmp(sub, "note"))
		return audit_note(argc - 1, argv + 1);
	return cli_usage(_("unknown subcommand '%s'"), sub);
}
