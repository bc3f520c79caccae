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
#include <sys/stat.h>

#include "cli.h"
#include "eseal/server.h"
#include "eseal/store.h"
#include "server/auth_backend.h"
#include "server/server_internal.h"

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

int cmd_serve(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "data", 1, N_("data directory (created and initialised on first start)"), "DIR" },
		{ "listen", 1, N_("address and port (default 127.0.0.1:8080; port 0 picks a free one)"), "ADDR:PORT" },
		{ "db", 1, N_("database: sqlite:PATH (default DIR/eseal.db) or postgres://..."), "URL" },
		{ "threads", 1, N_("worker threads (default: number of cores)"), "N" },
		{ "static", 1, N_("serve the web console's files from DIR"), "DIR" },
		{ "pass-file", 1, N_("CA passphrase file (default DIR/ca.pass, made on first start)"), "FILE" },
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
	long threads;
	if ((ex = cli_get_int(&a, opts, "threads", 0, 0, 256, &threads)))
		return ex;
	if (!listen)
		listen = "127.0.0.1:8080";
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
	cli_pass_free(pass);
	if (rc || srv_auth_store_new(&auth, db, kek)) {
		ex = cli_fail(db_url);
		eseal_store_close(db);
		eseal_kek_free(kek);
		return ex;
	}
	if (srv_status_store_new(&status, db_url)) {
		ex = cli_fail(NULL);
		goto out;
	}
	eseal_server_config cfg = { 0 };
	cfg.listen = listen;
	cfg.threads = (int)threads;
	cfg.static_dir = static_dir;
	cfg.auth = auth;
	cfg.status_fn = srv_status_store_lookup;
	cfg.status_ctx = status;
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
	srv_status_store_free(status);
	srv_auth_backend_free(auth);
	eseal_kek_free(kek);
	return ex;
}
