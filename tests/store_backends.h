/*
 * store_backends.h - runs store tests against SQLite and PostgreSQL.
 *
 * A test body is `static void name(int pg)`; BOTH(name) makes the two
 * harness functions name_sqlite and name_pg. Every call of tdb_open gives a
 * fresh, empty database: a new SQLite file, or a new schema test_<random>
 * in the PostgreSQL database named by $ESEAL_TEST_PG_URL (the connection's
 * search_path points there). Schemas are dropped when the program exits.
 * Without $ESEAL_TEST_PG_URL the _pg variants are skipped.
 * Tests written for one backend at a time ask tdb_env_pg(): 1 when
 * ESEAL_TEST_DB=pg (tests/test_service_pg.sh sets it).
 */
#ifndef ESEAL_TEST_STORE_BACKENDS_H
#define ESEAL_TEST_STORE_BACKENDS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/store.h"
#include "eseal/crypto.h"
#include "harness.h"

static char tdb_schemas[64][40];
static int tdb_nschemas;

static inline void tdb_drop_all(void)
{
	const char *base = getenv("ESEAL_TEST_PG_URL");
	eseal_store *s = NULL;
	if (!base || !tdb_nschemas || eseal_store_open_ex(&s, base, ESEAL_STORE_NO_MIGRATE))
		return;
	/* A test that failed half-way may still hold locks: do not hang. */
	eseal_store_exec(s, "SET lock_timeout = '5s'");
	for (int i = 0; i < tdb_nschemas; i++) {
		char sql[96];
		snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", tdb_schemas[i]);
		if (eseal_store_exec(s, sql))
			fprintf(stderr, "  note: %s\n", eseal_error_last());
	}
	eseal_store_close(s);
}

static inline int tdb_env_pg(void)
{
	const char *v = getenv("ESEAL_TEST_DB");
	return v && !strcmp(v, "pg");
}

/* The URL of a fresh empty database (not yet opened) in url. */
static inline void tdb_new_url(int pg, char *url, size_t n)
{
	uint8_t r[6];
	char name[40];
	eseal_random(r, sizeof r);
	if (!pg) {
		snprintf(url, n, "sqlite:%s/store.db", h_tmpdir());
		return;
	}
	const char *base = getenv("ESEAL_TEST_PG_URL");
	if (!base || !*base)
		SKIP("ESEAL_TEST_PG_URL not set (tests/test_store_pg.sh runs this with PostgreSQL)");
	snprintf(name, sizeof name, "test_%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5]);
	eseal_store *s = NULL;
	if (eseal_store_open_ex(&s, base, ESEAL_STORE_NO_MIGRATE)) {
		fprintf(stderr, "  cannot reach %s: %s\n", base, eseal_error_last());
		REQUIRE(!"PostgreSQL reachable");
	}
	char sql[96];
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", name);
	int rc = eseal_store_exec(s, sql);
	eseal_store_close(s);
	REQUIRE(rc == 0);
	if (tdb_nschemas == 0)
		atexit(tdb_drop_all);
	if (tdb_nschemas < 64)
		snprintf(tdb_schemas[tdb_nschemas++], sizeof tdb_schemas[0], "%s", name);
	snprintf(url, n, "%s%soptions=-csearch_path%%3D%s", base, strchr(base, '?') ? "&" : "?", name);
}

/* Opens (and migrates) a fresh database; its URL is left in url. */
static inline eseal_store *tdb_open_url(int pg, char *url, size_t n)
{
	eseal_store *s = NULL;
	tdb_new_url(pg, url, n);
	int rc = eseal_store_open(&s, url);
	if (rc)
		fprintf(stderr, "  open %s: %s\n", url, eseal_error_last());
	REQUIRE(rc == 0 && s);
	return s;
}

static inline eseal_store *tdb_open(int pg)
{
	static char url[1024];
	return tdb_open_url(pg, url, sizeof url);
}

/* tests/test_store_pg.sh sets ESEAL_TEST_PG_ONLY: the SQLite variants
 * already ran in the plain test run. */
#define NOT_IN_PG_RUN() do { if (getenv("ESEAL_TEST_PG_ONLY")) \
	SKIP("PostgreSQL-only run"); } while (0)

#define BOTH(name) \
	static void name##_sqlite(void) { NOT_IN_PG_RUN(); name(0); } \
	static void name##_pg(void) { name(1); }
#define TB(name) T(name##_sqlite), T(name##_pg)

#endif
