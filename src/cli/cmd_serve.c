/*
 * cmd_serve.c - `eseal serve`: runs the service until SIGINT or SIGTERM.
 * The first start initialises the data directory (a CA, the maker and the
 * status publisher certificates, the database) and creates the "admin"
 * user whose one-time password is printed once. Never print a password
 * again after the first start, never overwrite an existing data directory,
 * and never exit before requests in flight have been answered.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "serve_making.h"
#include "audit/head_timer.h"
#include "eseal/server.h"
#include "eseal/store.h"
#include "eseal/tsa.h"
#include "server/auth_backend.h"
#include "server/federation.h"
#include "server/server_internal.h"
#include "server/status_routes.h"

#define MARKER "initialised"

static int path_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;
	if (!d)
		return 0;
	while (empty && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

/* The CA passphrase: --pass-file, $ESEAL_PASS, else DIR/ca.pass (made at
 * initialisation, mode 0600, for unattended restarts). */
static int ca_passphrase(const char *dir, const char *pass_file, int create, char **out)
{
	char path[4096];
	if (pass_file || getenv("ESEAL_PASS"))
		return cli_passphrase(pass_file, NULL, 0, out);
	snprintf(path, sizeof path, "%s/ca.pass", dir);
	if (create) {
		uint8_t r[32];
		char hex[65];
		if (eseal_random(r, sizeof r))
			return cli_fail(NULL);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", r[i]);
		eseal_wipe(r, sizeof r);
		if (eseal_file_write_atomic(path, hex, 64, 0600))
			return cli_fail(path);
		*out = strdup(hex);
		eseal_wipe(hex, sizeof hex);
		return *out ? 0 : EXIT_INTERNAL;
	}
	return cli_passphrase(path, NULL, 0, out);
}

static int issue(eseal_ca *ca, const char *dir, const char *base, eseal_cert_role role, const char *name,
		 const char *pass)
{
	char path[4096];
	eseal_key *k = NULL;
	eseal_cert *c = NULL;
	eseal_cert_request req = { 0 };
	req.role = role;
	req.org = "eseal";
	req.name = name;
	int rc = eseal_key_generate(&k, ESEAL_KEY_SM2);
	if (!rc)
		rc = eseal_ca_issue(ca, &req, k, &c);
	snprintf(path, sizeof path, "%s/%s.key", dir, base);
	if (!rc)
		rc = eseal_key_save(k, path, pass, strlen(pass));
	snprintf(path, sizeof path, "%s/%s.pem", dir, base);
	if (!rc)
		rc = eseal_cert_save_pem(c, path);
	eseal_key_free(k);
	eseal_cert_free(c);
	return rc;
}

/* First start: CA, maker and status certificates, then the marker file. */
static int bootstrap(const char *dir, const char *pass_file)
{
	char path[4096], *pass = NULL;
	int ex;
	if (!path_exists(dir) && mkdir(dir, 0700)) {
		cli_err(_("%s: cannot create: %s"), dir, strerror(errno));
		return EXIT_INTERNAL;
	}
	if (!dir_is_empty(dir)) {
		cli_err(_("%s: not an eseal data directory (or an earlier start stopped half-way); use an empty or new directory"),
			dir);
		return EXIT_REFUSED;
	}
	if ((ex = ca_passphrase(dir, pass_file, 1, &pass)))
		return ex;
	snprintf(path, sizeof path, "%s/ca", dir);
	eseal_ca *ca = NULL;
	int rc = eseal_ca_init(path, "eseal", ESEAL_KEY_SM2, pass, strlen(pass), 3650);
	if (!rc)
		rc = eseal_ca_open(&ca, path, pass, strlen(pass));
	if (!rc)
		rc = issue(ca, dir, "maker", ESEAL_ROLE_MAKER, "eseal maker", pass);
	if (!rc)
		rc = issue(ca, dir, "status", ESEAL_ROLE_STATUS, "eseal status publisher", pass);
	if (!rc)
		rc = issue(ca, dir, "tsa", ESEAL_ROLE_TSA, "eseal time-stamp authority", pass);
	eseal_ca_free(ca);
	cli_pass_free(pass);
	if (rc)
		return cli_fail(dir);
	char when[32];
	eseal_time_format_human(when, time(NULL));
	snprintf(path, sizeof path, "%s/" MARKER, dir);
	if (eseal_file_write_atomic(path, when, strlen(when), 0600))
		return cli_fail(path);
	printf(_("initialised %s: CA (%s/ca/ca.pem), maker and status publisher certificates\n"), dir, dir);
	return 0;
}

/* The instance's time-stamp authority: DIR/tsa.key and tsa.pem (issued
 * now for a data directory made before there was one), the CA chain, and
 * the serial counter DIR/tsa.serial. */
typedef struct {
	eseal_key *key;
	eseal_cert *cert, **chain;
	size_t nchain;
	eseal_tsa *tsa;
} serve_tsa;

static void tsa_unload(serve_tsa *t)
{
	eseal_tsa_free(t->tsa);
	eseal_key_free(t->key);
	eseal_cert_free(t->cert);
	eseal_cert_list_free(t->chain, t->nchain);
	memset(t, 0, sizeof *t);
}

static int tsa_load(serve_tsa *t, const char *dir, const char *pass)
{
	char path[4096], serial[4096];
	int rc = 0;
	snprintf(path, sizeof path, "%s/tsa.pem", dir);
	if (!path_exists(path)) {
		eseal_ca *ca = NULL;
		snprintf(path, sizeof path, "%s/ca", dir);
		rc = eseal_ca_open(&ca, path, pass, strlen(pass));
		if (!rc)
			rc = issue(ca, dir, "tsa", ESEAL_ROLE_TSA, "eseal time-stamp authority", pass);
		eseal_ca_free(ca);
		snprintf(path, sizeof path, "%s/tsa.pem", dir);
	}
	if (!rc)
		rc = eseal_cert_load(&t->cert, path);
	snprintf(path, sizeof path, "%s/tsa.key", dir);
	if (!rc)
		rc = eseal_key_load(&t->key, path, pass, strlen(pass));
	snprintf(path, sizeof path, "%s/ca/ca.pem", dir);
	if (!rc)
		rc = eseal_cert_load_all(&t->chain, &t->nchain, path);
	snprintf(serial, sizeof serial, "%s/tsa.serial", dir);
	eseal_tsa_config c = { 0 };
	c.key = t->key;
	c.cert = t->cert;
	c.chain = t->chain;
	c.nchain = t->nchain;
	c.serial_file = serial;
	if (!rc)
		rc = eseal_tsa_new(&t->tsa, &c);
	if (rc) {
		tsa_unload(t);
		return cli_fail(dir);
	}
	return 0;
}

/* 1 when snprintf's result n filled a buffer of len without truncation. */
static int fits(int n, size_t len)
{
	return n > 0 && (size_t)n < len;
}

/* 1 when dir holds the console (its index.html). */
static int is_console(const char *dir)
{
	char p[4200];
	struct stat st;
	int n = snprintf(p, sizeof p, "%s/index.html", dir);
	return n > 0 && (size_t)n < sizeof p && !stat(p, &st) && S_ISREG(st.st_mode);
}

/*
 * The web console's directory when --static is not given: $ESEAL_WEB_DIR,
 * else PREFIX/share/eseal/web next to an installed binary, else web/ of the
 * source tree a build-tree binary was configured from (its CMakeCache.txt
 * names it), else web/ beside the build directory. NULL: no console.
 */
static const char *console_dir(char *buf, size_t len)
{
	const char *env = getenv("ESEAL_WEB_DIR");
	if (env && *env)
		return env;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash = n > 0 ? (exe[n] = 0, strrchr(exe, '/')) : NULL;
	if (slash) {
		*slash = 0;
		if (fits(snprintf(buf, len, "%s/../share/eseal/web", exe), len) && is_console(buf))
			return buf;
		char cache[4200], line[4300];
		FILE *f = fits(snprintf(cache, sizeof cache, "%s/CMakeCache.txt", exe), sizeof cache) ? fopen(cache, "r") : NULL;
		int found = 0;
		static const char key[] = "CMAKE_HOME_DIRECTORY:INTERNAL=";
		while (f && fgets(line, sizeof line, f))
			if (!strncmp(line, key, sizeof key - 1)) {
				line[strcspn(line, "\r\n")] = 0;
				found = fits(snprintf(buf, len, "%s/web", line + sizeof key - 1), len);
				break;
			}
		if (f)
			fclose(f);
		if (found && is_console(buf))
			return buf;
		if (fits(snprintf(buf, len, "%s/../web", exe), len) && is_console(buf))
			return buf;
	}
	if (fits(snprintf(buf, len, "%s/../eseal/web", ESEAL_LOCALEDIR), len) && is_console(buf))
		return buf;
	return NULL;
}

int cmd_serve(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "data", 1, N_("data directory (created and initialised on first start)"), "DIR" },
		{ "listen", 1, N_("address and port (default 127.0.0.1:8080; port 0 picks a free one)"), "ADDR:PORT" },
		{ "db", 1, N_("database: sqlite:PATH (default DIR/eseal.db) or postgres://..."), "URL" },
		{ "threads", 1, N_("worker threads (default: number of cores)"), "N" },
		{ "static", 1, N_("serve the web console's files from DIR"), "DIR" },
		{ "no-console", 0, N_("serve no web console, only the API"), NULL },
		{ "pass-file", 1, N_("CA passphrase file (default DIR/ca.pass, made on first start)"), "FILE" },
		{ "parent", 1, N_("register with the parent instance at URL and push seal events to it"), "URL" },
		{ "instance-name", 1, N_("this instance's name in the hierarchy (with --parent)"), "NAME" },
		{ "region", 1, N_("this instance's 6-digit region code (with --parent)"), "CODE" },
		{ "accept-children", 0, N_("approve registrations of subordinate instances at once"), NULL },
		{ "audit-head-interval", 1, N_("sign an audit tree head with the status publisher key every SECONDS "
					       "when the log has grown (default 300; 0 = off)"), "SECONDS" },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--data DIR [--listen ADDR:PORT] [--db URL] [--threads N] [--static DIR]",
			   N_("Run the eseal service: JSON API under /api/v1, /healthz, /metrics."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *dir = cli_get(&a, opts, "data"), *db_url = cli_get(&a, opts, "db");
	const char *listen = cli_get(&a, opts, "listen"), *static_dir = cli_get(&a, opts, "static");
	if (!dir)
		return cli_usage(_("--data is required"));
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	long threads, head_interval;
	if ((ex = cli_get_int(&a, opts, "threads", 0, 0, 256, &threads)))
		return ex;
	if ((ex = cli_get_int(&a, opts, "audit-head-interval", 300, 0, 86400 * 7, &head_interval)))
		return ex;
	if (!listen)
		listen = "127.0.0.1:8080";
	char web[4200];
	if (!static_dir && !cli_has(&a, opts, "no-console"))
		static_dir = console_dir(web, sizeof web);
	if (static_dir) {
		struct stat st;
		if (stat(static_dir, &st) || !S_ISDIR(st.st_mode))
			return cli_usage(_("--static: %s is not a directory"), static_dir);
	}

	umask(077); /* keys, passwords and the database are nobody else's business */
	char marker[4096], url[4200];
	snprintf(marker, sizeof marker, "%s/" MARKER, dir);
	if (!path_exists(marker) && (ex = bootstrap(dir, cli_get(&a, opts, "pass-file"))))
		return ex;
	if (!db_url) {
		snprintf(url, sizeof url, "sqlite:%s/eseal.db", dir);
		db_url = url;
	}

	/* Signals are taken by sigwait below; block them before any thread starts. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	eseal_store *db = NULL;
	eseal_kek *kek = NULL;
	eseal_auth_backend *auth = NULL;
	srv_status_store *status = NULL;
	eseal_server *sv = NULL;
	eseal_audit_timer *heads = NULL;
	eseal_key *head_key = NULL;
	char *pass = NULL;
	if (eseal_store_open(&db, db_url))
		return cli_fail(db_url);
	/* the key-encryption key for secrets in the database comes from the
	 * same passphrase as the CA keys */
	if ((ex = ca_passphrase(dir, cli_get(&a, opts, "pass-file"), 0, &pass))) {
		eseal_store_close(db);
		return ex;
	}
	int rc = eseal_kek_from_passphrase(&kek, db, pass, strlen(pass));
	/* the status publisher signs status answers and revocation lists */
	eseal_key *status_key = NULL;
	if (!rc && srv_status_signer_key_load(&status_key, dir, pass))
		fprintf(stderr, _("%s: warning: no status publisher key (%s); status answers are unsigned\n"),
			cli_prog, eseal_error_last());
	/* the same key signs audit tree heads: verify them with DIR/status.pem */
	if (!rc && head_interval > 0 && srv_status_signer_key_load(&head_key, dir, pass))
		fprintf(stderr, _("%s: warning: no status publisher key (%s); audit tree heads are not signed\n"),
			cli_prog, eseal_error_last());
	serve_tsa tsa = { 0 };
	if (!rc && (ex = tsa_load(&tsa, dir, pass))) {
		eseal_key_free(status_key);
		eseal_key_free(head_key);
		cli_pass_free(pass);
		eseal_store_close(db);
		eseal_kek_free(kek);
		return ex;
	}
	serve_making making = { 0 };
	if (!rc && (ex = serve_making_open(&making, dir, pass, db_url, kek))) {
		eseal_key_free(status_key);
		eseal_key_free(head_key);
		cli_pass_free(pass);
		tsa_unload(&tsa);
		eseal_store_close(db);
		eseal_kek_free(kek);
		return ex;
	}
	eseal_federation *fed = NULL;
	if (!rc) {
		char self[300];
		snprintf(self, sizeof self, "http://%s", listen);
		eseal_federation_config fc = { 0 };
		fc.dir = dir;
		fc.pass = pass;
		fc.db_url = db_url;
		fc.name = cli_get(&a, opts, "instance-name");
		fc.region = cli_get(&a, opts, "region");
		fc.self_url = self;
		fc.parent = cli_get(&a, opts, "parent");
		fc.accept_children = cli_has(&a, opts, "accept-children");
		const char *bo = getenv("ESEAL_FEDERATION_MAX_BACKOFF_MS");
		fc.max_backoff_ms = bo ? atoi(bo) : 0;
		if (eseal_federation_start(&fed, &fc)) {
			eseal_key_free(status_key);
			cli_pass_free(pass);
			serve_making_close(&making);
			tsa_unload(&tsa);
			eseal_store_close(db);
			eseal_kek_free(kek);
			return cli_fail("federation");
		}
	}
	cli_pass_free(pass);
	if (rc || srv_auth_store_new(&auth, db, kek)) {
		eseal_federation_stop(fed);
		eseal_key_free(status_key);
		eseal_key_free(head_key);
		serve_making_close(&making);
		tsa_unload(&tsa);
		ex = cli_fail(db_url);
		eseal_store_close(db);
		eseal_kek_free(kek);
		return ex;
	}
	if (srv_status_store_new(&status, db_url)) {
		eseal_key_free(status_key);
		ex = cli_fail(NULL);
		goto out;
	}
	if (srv_status_store_use_dir(status, status_key, dir)) {
		ex = cli_fail(dir);
		goto out;
	}
	eseal_server_config cfg = { 0 };
	cfg.listen = listen;
	cfg.threads = (int)threads;
	cfg.static_dir = static_dir;
	cfg.auth = auth;
	cfg.status_fn = srv_status_store_lookup;
	cfg.status_ctx = status;
	cfg.making = making.making;
	cfg.tsa = tsa.tsa;
	cfg.federation = fed;
	if (eseal_server_start(&sv, &cfg)) {
		ex = cli_fail(listen);
		goto out;
	}
	char pw[32];
	int made = eseal_server_bootstrap_admin(sv, pw, sizeof pw);
	if (made < 0) {
		ex = cli_fail(NULL);
		goto out;
	}
	if (made == 1) {
		printf(_("user admin created; one-time password (shown only now, change it at first login): %s\n"), pw);
		eseal_wipe(pw, sizeof pw);
	}
	if (head_key) {
		eseal_key *k = head_key;
		head_key = NULL; /* the timer owns it now, also when it fails */
		if (eseal_audit_timer_start(&heads, db_url, k, (int)head_interval)) {
			ex = cli_fail(_("audit tree heads"));
			goto out;
		}
	}
	char host[300];
	snprintf(host, sizeof host, "%.*s", (int)(strrchr(listen, ':') ? strrchr(listen, ':') - listen : 0), listen);
	printf(_("listening on http://%s:%d/\n"), host[0] ? host : "0.0.0.0", eseal_server_port(sv));
	fflush(stdout);

	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, _("%s: %s received, finishing requests in flight\n"), cli_prog,
		sig == SIGINT ? "SIGINT" : "SIGTERM");
out:
	eseal_server_stop(sv, 10);
	eseal_federation_stop(fed);
	eseal_audit_timer_stop(heads); /* last: the final entries get a head too */
	eseal_key_free(head_key);
	srv_status_store_free(status);
	serve_making_close(&making);
	tsa_unload(&tsa);
	srv_auth_backend_free(auth);
	eseal_kek_free(kek);
	return ex;
}
