/*
 * serve_making.c - opens the making system for `eseal serve`: the CA that
 * issues seal certificates, the maker certificate and key that sign SESeal
 * data, and a connection pool on the service's database. Never print or
 * keep the passphrase; never leave half-opened pieces behind on failure.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "serve_making.h"

void serve_making_close(serve_making *m)
{
	eseal_making_free(m->making);
	eseal_cert_free(m->maker);
	eseal_key_free(m->maker_key);
	eseal_ca_free(m->ca);
	memset(m, 0, sizeof *m);
}

int serve_making_open(serve_making *m, const char *dir, const char *pass, const char *db_url,
		      const eseal_kek *kek)
{
	char path[4200];
	const char *what = dir;
	size_t plen = strlen(pass);
	memset(m, 0, sizeof *m);
	snprintf(path, sizeof path, "%s/ca", dir);
	int rc = eseal_ca_open(&m->ca, path, pass, plen);
	if (!rc) {
		snprintf(path, sizeof path, "%s/maker.pem", dir);
		rc = eseal_cert_load(&m->maker, path);
	}
	if (!rc) {
		snprintf(path, sizeof path, "%s/maker.key", dir);
		rc = eseal_key_load(&m->maker_key, path, pass, plen);
	}
	if (rc) {
		what = path;
	} else {
		eseal_making_config mc = { 0 };
		mc.db_url = db_url;
		mc.ca = m->ca;
		mc.maker = m->maker;
		mc.maker_key = m->maker_key;
		mc.kek = kek;
		rc = eseal_making_new(&m->making, &mc);
		what = db_url;
	}
	if (rc) {
		int ex = cli_fail(what);
		serve_making_close(m);
		return ex;
	}
	return 0;
}
