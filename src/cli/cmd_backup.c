/*
 * cmd_backup.c - `eseal backup` and `eseal restore`: a consistent copy of
 * a live service database into one portable file, and back into an empty
 * database of either kind. Never overwrites a database that holds data
 * without --force, and never leaves a half-written backup file.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cli_db.h"
#include "eseal/audit.h"
#include "eseal/store.h"

/* --db, else $ESEAL_DB. */
const char *cli_db_url(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *env = getenv("ESEAL_DB");
	return env && *env ? env : NULL;
}

/* Hides the password of a PostgreSQL URL in messages. */
const char *cli_db_display(const char *url)
{
	static char buf[512];
	const char *scheme = strstr(url, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (!at || !colon || colon > at) {
		snprintf(buf, sizeof buf, "%s", url);
		return buf;
	}
	snprintf(buf, sizeof buf, "%.*s:***%s", (int)(colon - url), url, at);
	return buf;
}

int cmd_backup(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "db", 1, N_("database URL (sqlite:PATH or postgresql://...; default $ESEAL_DB)"), "URL" },
		{ "out", 1, N_("write the backup to FILE"), "FILE" },
		{ "json", 0, N_("print the result as JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--db URL --out FILE",
			   N_("Write a consistent backup of a live service database (a portable SQLite file "
			      "that restores into SQLite or PostgreSQL)."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *url = cli_db_url(cli_get(&a, opts, "db"));
	const char *out = cli_get(&a, opts, "out");
	if (!url)
		return cli_usage(_("--db is required (or set ESEAL_DB)"));
	if (!out || !*out)
		return cli_usage(_("--out is required"));
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	eseal_store *s = NULL;
	int64_t n = 0;
	if (eseal_store_open_ex(&s, url, ESEAL_STORE_MUST_EXIST))
		return cli_fail(cli_db_display(url));
	if (eseal_store_backup(s, out) || eseal_audit_size(s, &n)) {
		ex = cli_fail(out);
		eseal_store_close(s);
		return ex;
	}
	eseal_store_close(s);
	if (cli_has(&a, opts, "json")) {
		json_t *j = json_pack("{s:s, s:I}", "backup", out, "audit_entries", (json_int_t)n);
		char *txt = j ? json_dumps(j, JSON_SORT_KEYS) : NULL;
		printf("%s\n", txt ? txt : "{}");
		free(txt);
		json_decref(j);
	} else
		printf(_("backup of %s written to %s (%lld audit entries)\n"), cli_db_display(url), out,
		       (long long)n);
	return 0;
}

int cmd_restore(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "db", 1, N_("database URL to restore into (default $ESEAL_DB)"), "URL" },
		{ "in", 1, N_("the backup file"), "FILE" },
		{ "force", 0, N_("replace the data of a database that is not empty"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--db URL --in FILE [--force]",
			   N_("Restore a backup made by 'eseal backup' into an empty database."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *url = cli_db_url(cli_get(&a, opts, "db"));
	const char *in = cli_get(&a, opts, "in");
	if (!url)
		return cli_usage(_("--db is required (or set ESEAL_DB)"));
	if (!in || !*in)
		return cli_usage(_("--in is required"));
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	eseal_store *s = NULL;
	int64_t n = 0;
	if (eseal_store_open(&s, url))
		return cli_fail(cli_db_display(url));
	if (eseal_store_restore(s, in, cli_has(&a, opts, "force")) || eseal_audit_size(s, &n)) {
		ex = cli_fail(in);
		eseal_store_close(s);
		return ex;
	}
	eseal_store_close(s);
	printf(_("%s restored into %s (%lld audit entries); run 'eseal audit verify' to check the log\n"),
	       in, cli_db_display(url), (long long)n);
	return 0;
}
