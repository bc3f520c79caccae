/*
 * test_store.c - the storage layer on SQLite and PostgreSQL: migrations,
 * statements, error mapping, transactions, settings, the key-encryption key
 * and backup/restore across backends.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "eseal/audit.h"
#include "eseal/store.h"
#include "store_backends.h"

static int64_t new_org(eseal_store *s, const char *name, const char *code)
{
	int64_t id = -1;
	CHECK_OK(eseal_store_query_int(s, &id, "INSERT INTO organisations (name, credit_code, region_code, "
				       "created_at) VALUES (?1, ?2, '110000', ?3) RETURNING id",
				       "tti", name, code, (int64_t)1700000000));
	return id;
}

static void migrations(int pg)
{
	char url[1024];
	eseal_store *s = NULL;
	int v = -1;
	tdb_new_url(pg, url, sizeof url);
	/* Not migrated yet: version 0. */
	CHECK_OK(eseal_store_open_ex(&s, url, ESEAL_STORE_NO_MIGRATE));
	CHECK_OK(eseal_store_schema_version(s, &v));
	CHECK_EQ_INT(v, 0);
	CHECK_OK(eseal_store_migrate(s));
	CHECK_OK(eseal_store_schema_version(s, &v));
	CHECK_EQ_INT(v, eseal_store_schema_latest());
	CHECK(eseal_store_schema_latest() >= 1);
	eseal_store_close(s);
	/* Opening again migrates nothing and keeps the data. */
	CHECK_OK(eseal_store_open(&s, url));
	CHECK_OK(eseal_store_schema_version(s, &v));
	CHECK_EQ_INT(v, eseal_store_schema_latest());
	int64_t n = -1;
	CHECK_OK(eseal_store_query_int(s, &n, "SELECT COUNT(*) FROM schema_version", ""));
	CHECK_EQ_INT(n, eseal_store_schema_latest());
	CHECK_OK(eseal_store_query_int(s, &n, "SELECT size FROM audit_state WHERE id = 1", ""));
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(eseal_store_is_empty(s), 1);
	/* A schema from the future is refused. */
	CHECK(eseal_store_run(s, "INSERT INTO schema_version (version, applied_at) VALUES (?1, 0)", "i",
			      (int64_t)eseal_store_schema_latest() + 5) == 1);
	eseal_store_close(s);
	s = NULL;
	CHECK_EQ_INT(eseal_store_open(&s, url), ESEAL_EUNSUPPORTED);
	CHECK(s == NULL);
}
BOTH(migrations)

static void crud(int pg)
{
	eseal_store *s = tdb_open(pg);
	CHECK_EQ_INT(eseal_store_kind(s), pg ? ESEAL_DB_POSTGRES : ESEAL_DB_SQLITE);
	int64_t org = new_org(s, "北京测试有限公司", "91110000MA01ABCD1X");
	int64_t org2 = new_org(s, "Second \"Org\", Ltd.", NULL);
	CHECK(org > 0 && org2 > org);
	int64_t uid = -1;
	CHECK_OK(eseal_store_query_int(s, &uid, "INSERT INTO users (org_id, username, password_hash, roles, "
				       "created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id", "itttt",
				       org, "alice", "$scrypt$x", "sysadmin,auditor", "0"));
	CHECK(uid > 0);

	/* Binary blobs with NULs, an empty blob, a NULL blob, big integers. */
	uint8_t blob[300];
	for (size_t i = 0; i < sizeof blob; i++)
		blob[i] = (uint8_t)(i * 7);
	int64_t big = INT64_C(4611686018427387904) + 12345;
	int64_t sid = -1;
	CHECK_OK(eseal_store_query_int(s, &sid, "INSERT INTO seals (org_id, esid, name, type, seal_der, cert_der, "
				       "key_blob, valid_start, valid_end, created_at, updated_at) VALUES "
				       "(?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?7, 0, 0) RETURNING id", "ittbbni",
				       org, "11010000000001", "合同专用章", (const void *)blob, sizeof blob,
				       (const void *)"", (size_t)0, big));
	eseal_stmt *st = NULL;
	CHECK_OK(eseal_store_prepare(s, &st, "SELECT id, esid, name, status, seal_der, cert_der, key_blob, "
				     "valid_start, uses_limit, uses_count FROM seals WHERE esid = ?1"));
	CHECK_OK(eseal_stmt_bind_text(st, 1, "11010000000001"));
	REQUIRE(eseal_stmt_step(st) == 1);
	CHECK_EQ_INT(eseal_stmt_column_count(st), 10);
	CHECK_EQ_STR(eseal_stmt_column_name(st, 2), "name");
	CHECK_EQ_INT(eseal_stmt_int64(st, 0), sid);
	CHECK_EQ_STR(eseal_stmt_text(st, 1), "11010000000001");
	CHECK_EQ_STR(eseal_stmt_text(st, 2), "合同专用章");
	CHECK_EQ_STR(eseal_stmt_text(st, 3), "valid");
	size_t n = 0;
	const uint8_t *p = eseal_stmt_blob(st, 4, &n);
	CHECK(p && n == sizeof blob && !memcmp(p, blob, n));
	CHECK_EQ_INT(eseal_stmt_column_type(st, 4), ESEAL_COL_BLOB);
	p = eseal_stmt_blob(st, 5, &n);
	CHECK(p != NULL && n == 0);
	CHECK_EQ_INT(eseal_stmt_column_type(st, 6), ESEAL_COL_NULL);
	CHECK(eseal_stmt_is_null(st, 6));
	CHECK(eseal_stmt_blob(st, 6, &n) == NULL);
	CHECK_EQ_INT(eseal_stmt_int64(st, 7), big);
	CHECK_EQ_INT(eseal_stmt_column_type(st, 7), ESEAL_COL_INT);
	CHECK(eseal_stmt_is_null(st, 8));
	CHECK_EQ_INT(eseal_stmt_int64(st, 9), 0);
	CHECK_EQ_INT(eseal_stmt_step(st), 0);
	/* Reset and run again with another binding. */
	CHECK_OK(eseal_stmt_reset(st));
	CHECK_OK(eseal_stmt_bind_text(st, 1, "nope"));
	CHECK_EQ_INT(eseal_stmt_step(st), 0);
	CHECK_EQ_INT(eseal_stmt_bind_text(st, 2, "x"), ESEAL_EINVAL);
	eseal_stmt_free(st);

	/* Update and delete report the rows changed. */
	CHECK_EQ_INT(eseal_store_run(s, "UPDATE seals SET uses_count = uses_count + 1, status = ?1 WHERE id = ?2",
				     "ti", "lost", sid), 1);
	CHECK_EQ_INT(eseal_store_run(s, "UPDATE seals SET uses_count = 0 WHERE id = ?1", "i", sid + 100), 0);
	int64_t cnt = -1;
	CHECK_OK(eseal_store_query_int(s, &cnt, "SELECT uses_count FROM seals WHERE status = 'lost'", ""));
	CHECK_EQ_INT(cnt, 1);
	CHECK_EQ_INT(eseal_store_run(s, "DELETE FROM seals WHERE id = ?1", "i", sid), 1);
	CHECK_EQ_INT(eseal_store_query_int(s, &cnt, "SELECT id FROM seals", ""), ESEAL_ENOTFOUND);
	/* Quotes inside literals and parameters stay data. */
	CHECK_EQ_INT(eseal_store_run(s, "UPDATE organisations SET region_code = '?1 ''x''' WHERE id = ?1",
				     "i", org2), 1);
	CHECK_OK(eseal_store_prepare(s, &st, "SELECT name, region_code, credit_code FROM organisations WHERE id = ?1"));
	CHECK_OK(eseal_stmt_bind_int64(st, 1, org2));
	REQUIRE(eseal_stmt_step(st) == 1);
	CHECK_EQ_STR(eseal_stmt_text(st, 0), "Second \"Org\", Ltd.");
	CHECK_EQ_STR(eseal_stmt_text(st, 1), "?1 'x'");
	CHECK(eseal_stmt_text(st, 2) == NULL);
	eseal_stmt_free(st);
	/* Bad SQL is an error with a message, not a crash. */
	CHECK(eseal_store_run(s, "SELEKT 1", "") < 0);
	CHECK(strlen(eseal_error_last()) > 0);
	eseal_store_close(s);
}
BOTH(crud)

static void errors(int pg)
{
	eseal_store *s = tdb_open(pg);
	int64_t org = new_org(s, "Org", "CODE1");
	CHECK(org > 0);
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO organisations (name, credit_code, created_at) "
				     "VALUES ('Other', 'CODE1', 0)", ""), ESEAL_EEXISTS);
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO users (org_id, username, password_hash, created_at) "
				     "VALUES (?1, 'bob', 'h', 0)", "i", org), 1);
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO users (org_id, username, password_hash, created_at) "
				     "VALUES (?1, 'bob', 'h2', 0)", "i", org), ESEAL_EEXISTS);
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO settings (key, value) VALUES ('a', '1'), ('a', '2')", ""),
		     ESEAL_EEXISTS);
	/* Foreign keys and CHECK constraints hold on both backends. */
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO users (org_id, username, password_hash, created_at) "
				     "VALUES (?1, 'carol', 'h', 0)", "i", org + 999), ESEAL_EDENIED);
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO seals (org_id, esid, name, type, status, created_at, "
				     "updated_at) VALUES (?1, 'E1', 'n', 1, 'bogus', 0, 0)", "i", org), ESEAL_EDENIED);
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO nonces (value, expires_at) VALUES ('n1', NULL)", ""),
		     ESEAL_EDENIED);
	eseal_store_close(s);
}
BOTH(errors)

static void transactions(int pg)
{
	char url[1024];
	eseal_store *s = tdb_open_url(pg, url, sizeof url), *other = NULL;
	CHECK_OK(eseal_store_open(&other, url));
	int64_t n = -1;
	CHECK_OK(eseal_store_begin(s));
	CHECK(eseal_store_in_tx(s));
	CHECK_EQ_INT(eseal_store_begin(s), ESEAL_EINVAL);
	CHECK_OK(eseal_store_setting_set(s, "k1", "v1"));
	/* Not visible to another connection before commit. */
	CHECK_OK(eseal_store_query_int(other, &n, "SELECT COUNT(*) FROM settings WHERE key = 'k1'", ""));
	CHECK_EQ_INT(n, 0);
	CHECK_OK(eseal_store_rollback(s));
	CHECK(!eseal_store_in_tx(s));
	char *v = NULL;
	CHECK_EQ_INT(eseal_store_setting_get(s, "k1", &v), ESEAL_ENOTFOUND);

	CHECK_OK(eseal_store_begin(s));
	CHECK_OK(eseal_store_setting_set(s, "k1", "v1"));
	CHECK_OK(eseal_store_setting_set(s, "k1", "v2"));
	CHECK_OK(eseal_store_commit(s));
	CHECK_OK(eseal_store_setting_get(other, "k1", &v));
	CHECK_EQ_STR(v, "v2");
	free(v);

	/* An error dooms the transaction on both backends. */
	int64_t org = new_org(s, "Org", "C1");
	CHECK_OK(eseal_store_begin(s));
	CHECK_OK(eseal_store_setting_set(s, "k2", "x"));
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO organisations (name, credit_code, created_at) "
				     "VALUES ('Dup', 'C1', 0)", ""), ESEAL_EEXISTS);
	CHECK(eseal_store_run(s, "SELECT 1", "") < 0);
	CHECK(eseal_store_commit(s) < 0);
	CHECK(!eseal_store_in_tx(s));
	CHECK_EQ_INT(eseal_store_setting_get(s, "k2", &v), ESEAL_ENOTFOUND);
	CHECK_OK(eseal_store_query_int(s, &n, "SELECT COUNT(*) FROM organisations WHERE id = ?1", "i", org));
	CHECK_EQ_INT(n, 1);
	/* Closing with a transaction open rolls it back. */
	CHECK_OK(eseal_store_begin(s));
	CHECK_OK(eseal_store_setting_set(s, "k3", "x"));
	eseal_store_close(s);
	CHECK_EQ_INT(eseal_store_setting_get(other, "k3", &v), ESEAL_ENOTFOUND);
	CHECK_EQ_INT(eseal_store_commit(other), ESEAL_EINVAL);
	eseal_store_close(other);
}
BOTH(transactions)

static void bad_urls(void)
{
	NOT_IN_PG_RUN();
	eseal_store *s = NULL;
	CHECK_EQ_INT(eseal_store_open(&s, ""), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_store_open(&s, "mysql://x/y"), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_store_open(&s, "sqlite:"), ESEAL_EINVAL);
	CHECK(eseal_store_open(&s, "sqlite:/nonexistent-dir/x/y.db") < 0);
	char missing[512];
	snprintf(missing, sizeof missing, "sqlite:%s/missing.db", h_tmpdir());
	CHECK_EQ_INT(eseal_store_open_ex(&s, missing, ESEAL_STORE_MUST_EXIST), ESEAL_ENOTFOUND);
	CHECK(access(missing + 7, F_OK) != 0);
	CHECK(eseal_store_open(&s, "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2") == ESEAL_EIO);
	CHECK(s == NULL);
	/* A file that is not a database. */
	char path[512];
	snprintf(path, sizeof path, "%s/junk.db", h_tmpdir());
	FILE *f = fopen(path, "w");
	REQUIRE(f);
	fputs("this is not a database file, just some text that is long enough to matter\n", f);
	fclose(f);
	char url[600];
	snprintf(url, sizeof url, "sqlite:%s", path);
	CHECK(eseal_store_open(&s, url) < 0);
	CHECK(s == NULL);
}

static void kek(int pg)
{
	eseal_store *s = tdb_open(pg);
	eseal_kek *k = NULL, *k2 = NULL;
	/* The default scrypt cost costs most of a second a call: the SQLite run
	 * tests it, the PostgreSQL run the same logic at a lower cost. */
	if (pg)
		CHECK_OK(eseal_store_setting_set(s, "kek.scrypt", "N=1024,r=8,p=1"));
	CHECK_OK(eseal_kek_from_passphrase(&k, s, "correct horse", 13));
	eseal_buf w = ESEAL_BUF_INIT, p = ESEAL_BUF_INIT;
	static const char secret[] = "-----BEGIN PRIVATE KEY-----\nMIGH...\n";
	CHECK_OK(eseal_kek_wrap(k, "seal-key:E1", secret, sizeof secret, &w));
	CHECK(w.len == 3 + 8 + 12 + sizeof secret + 16);
	CHECK(memcmp(w.data, "EK\x01", 3) == 0);
	CHECK(memmem(w.data, w.len, "BEGIN", 5) == NULL);
	CHECK_OK(eseal_kek_unwrap(k, "seal-key:E1", w.data, w.len, &p));
	CHECK(p.len == sizeof secret && !memcmp(p.data, secret, p.len));
	/* Another record's context, a flipped bit, a truncated blob. */
	p.len = 0;
	CHECK_EQ_INT(eseal_kek_unwrap(k, "seal-key:E2", w.data, w.len, &p), ESEAL_EVERIFY);
	CHECK_EQ_INT(p.len, 0);
	w.data[30] ^= 1;
	CHECK_EQ_INT(eseal_kek_unwrap(k, "seal-key:E1", w.data, w.len, &p), ESEAL_EVERIFY);
	w.data[30] ^= 1;
	CHECK_EQ_INT(eseal_kek_unwrap(k, "seal-key:E1", w.data, 20, &p), ESEAL_EFORMAT);
	char *cost = NULL;
	CHECK_OK(eseal_store_setting_get(s, "kek.scrypt", &cost));
	CHECK_EQ_STR(cost, pg ? "N=1024,r=8,p=1" : "N=32768,r=8,p=1");
	free(cost);
	/* Same passphrase again: same KEK (the salt is in the store). */
	CHECK_OK(eseal_kek_from_passphrase(&k2, s, "correct horse", 13));
	CHECK_OK(eseal_kek_unwrap(k2, "seal-key:E1", w.data, w.len, &p));
	eseal_kek_free(k2);
	k2 = NULL;
	/* Wrong passphrase is refused up front. */
	CHECK_EQ_INT(eseal_kek_from_passphrase(&k2, s, "wrong horse", 11), ESEAL_EPASS);
	CHECK(k2 == NULL);
	/* A malformed cost setting is an error, not a weak key. */
	eseal_store *s2 = tdb_open(pg);
	CHECK_OK(eseal_store_setting_set(s2, "kek.scrypt", "N=1000,r=8,p=1"));
	CHECK_EQ_INT(eseal_kek_from_passphrase(&k2, s2, "pw", 2), ESEAL_EFORMAT);
	eseal_store_close(s2);
	CHECK_EQ_INT(eseal_kek_from_passphrase(&k2, s, "", 0), ESEAL_EPASS);
	/* Two wraps of the same data differ (random IV). */
	eseal_buf w2 = ESEAL_BUF_INIT;
	CHECK_OK(eseal_kek_wrap(k, "seal-key:E1", secret, sizeof secret, &w2));
	CHECK(w2.len == w.len && memcmp(w2.data, w.data, w.len));

	/* Key files: raw 32 bytes and 64 hex digits name the same KEK. */
	const char *dir = h_tmpdir();
	char raw[300], hexf[300], bad[300];
	uint8_t key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(0xa0 + i);
	snprintf(raw, sizeof raw, "%s/kek.bin", dir);
	snprintf(hexf, sizeof hexf, "%s/kek.hex", dir);
	snprintf(bad, sizeof bad, "%s/kek.bad", dir);
	CHECK_OK(eseal_file_write_atomic(raw, key, 32, 0600));
	char hx[66];
	for (int i = 0; i < 32; i++)
		snprintf(hx + 2 * i, 3, "%02X", key[i]);
	hx[64] = '\n';
	CHECK_OK(eseal_file_write_atomic(hexf, hx, 65, 0600));
	CHECK_OK(eseal_file_write_atomic(bad, "short", 5, 0600));
	eseal_kek *fk = NULL, *hk = NULL;
	CHECK_OK(eseal_kek_from_file(&fk, raw));
	CHECK_OK(eseal_kek_from_file(&hk, hexf));
	CHECK_EQ_INT(eseal_kek_from_file(&k2, bad), ESEAL_EFORMAT);
	eseal_buf fw = ESEAL_BUF_INIT;
	p.len = 0;
	CHECK_OK(eseal_kek_wrap(fk, "api-secret:7", "s3cret", 6, &fw));
	CHECK_OK(eseal_kek_unwrap(hk, "api-secret:7", fw.data, fw.len, &p));
	CHECK(p.len == 6 && !memcmp(p.data, "s3cret", 6));
	/* A blob of another KEK is named as such, and a store bound to one
	 * KEK refuses another. */
	CHECK_EQ_INT(eseal_kek_unwrap(fk, "seal-key:E1", w.data, w.len, &p), ESEAL_EPASS);
	CHECK_EQ_INT(eseal_kek_bind(fk, s), ESEAL_EPASS);
	eseal_kek_free(fk);
	eseal_kek_free(hk);
	eseal_kek_free(k);
	eseal_buf_free(&w);
	eseal_buf_free(&w2);
	eseal_buf_free(&fw);
	eseal_buf_free(&p);
	eseal_store_close(s);
}
BOTH(kek)

typedef struct {
	eseal_store_pool *pool;
	int fails;
} pool_arg;

static void *pool_worker(void *arg)
{
	pool_arg *a = arg;
	for (int i = 0; i < 20; i++) {
		eseal_store *s = NULL;
		if (eseal_store_pool_get(a->pool, &s)) {
			a->fails++;
			continue;
		}
		int64_t v = -1;
		/* A transaction left open is rolled back by put. */
		if (eseal_store_begin(s) ||
		    eseal_store_run(s, "UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
				    "WHERE key = 'counter'", "") != 1 ||
		    eseal_store_commit(s) || eseal_store_query_int(s, &v, "SELECT 1", "") || v != 1)
			a->fails++;
		if (i % 5 == 0)
			eseal_store_begin(s);
		eseal_store_pool_put(a->pool, s);
	}
	return NULL;
}

static void pool(int pg)
{
	char url[1024];
	eseal_store *s = tdb_open_url(pg, url, sizeof url);
	CHECK_OK(eseal_store_setting_set(s, "counter", "0"));
	eseal_store_pool *p = NULL;
	CHECK_EQ_INT(eseal_store_pool_new(&p, url, 0), ESEAL_EINVAL);
	CHECK_OK(eseal_store_pool_new(&p, url, 2));
	pthread_t th[4];
	pool_arg a[4];
	for (int i = 0; i < 4; i++) {
		a[i].pool = p;
		a[i].fails = 0;
		REQUIRE(pthread_create(&th[i], NULL, pool_worker, &a[i]) == 0);
	}
	int fails = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		fails += a[i].fails;
	}
	CHECK_EQ_INT(fails, 0);
	eseal_store_pool_free(p);
	char *v = NULL;
	CHECK_OK(eseal_store_setting_get(s, "counter", &v));
	CHECK_EQ_STR(v, "80");
	free(v);
	CHECK(eseal_store_pool_new(&p, "mysql://nope", 2) < 0);
	eseal_store_close(s);
}
BOTH(pool)

static void nonces(int pg)
{
	eseal_store *s = tdb_open(pg);
	CHECK_OK(eseal_store_nonce_claim(s, "abc", 100, 10));
	CHECK_EQ_INT(eseal_store_nonce_claim(s, "abc", 100, 50), ESEAL_EEXISTS);
	CHECK_OK(eseal_store_nonce_claim(s, "def", 100, 50));
	/* Expired values are forgotten. */
	CHECK_OK(eseal_store_nonce_claim(s, "abc", 300, 100));
	CHECK_EQ_INT(eseal_store_nonce_claim(s, "", 300, 100), ESEAL_EINVAL);
	int64_t n = -1;
	CHECK_OK(eseal_store_query_int(s, &n, "SELECT COUNT(*) FROM nonces", ""));
	CHECK_EQ_INT(n, 1);
	eseal_store_close(s);
}
BOTH(nonces)

/* --- backup and restore --- */

static eseal_key *audit_key;

static void free_akey(void) { eseal_key_free(audit_key); }

static eseal_key *akey(void)
{
	if (!audit_key) {
		eseal_key_generate(&audit_key, ESEAL_KEY_SM2);
		atexit(free_akey);
	}
	return audit_key;
}

/* Fills a store with a bit of everything; returns a fingerprint. */
static void fill(eseal_store *s)
{
	int64_t org = new_org(s, "备份测试", "BK1");
	int64_t uid = -1, app = -1, sid = -1;
	CHECK_OK(eseal_store_query_int(s, &uid, "INSERT INTO users (org_id, username, password_hash, roles, "
				       "created_at) VALUES (?1, 'keeper', 'h', 'keeper', 1) RETURNING id", "i", org));
	CHECK_OK(eseal_store_query_int(s, &app, "INSERT INTO seal_applications (org_id, applicant_id, kind, "
				       "status, name, created_at, updated_at) VALUES (?1, ?2, 'new', 'approved', "
				       "'公章', 1, 2) RETURNING id", "ii", org, uid));
	uint8_t der[200], pic[64];
	for (int i = 0; i < 200; i++)
		der[i] = (uint8_t)(255 - i);
	memset(pic, 0, sizeof pic);
	CHECK_OK(eseal_store_query_int(s, &sid, "INSERT INTO seals (org_id, application_id, esid, name, type, "
				       "seal_der, picture, valid_start, valid_end, uses_limit, created_at, "
				       "updated_at) VALUES (?1, ?2, 'E100', '公章', 1, ?3, ?4, 10, 20, 5, 1, 1) "
				       "RETURNING id", "iibb", org, app, (const void *)der, sizeof der,
				       (const void *)pic, sizeof pic));
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO seal_events (seal_id, from_state, to_state, actor, reason, at) "
				     "VALUES (?1, NULL, 'valid', 'keeper', 'made', 1)", "i", sid), 1);
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO materials (application_id, name, sm3, data, created_at) "
				     "VALUES (?1, 'licence.pdf', 'ab', ?2, 1)", "ib", app, (const void *)der,
				     (size_t)100), 1);
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO status_lists (number, kind, der, this_update) "
				     "VALUES (1, 'full', ?1, 5)", "b", (const void *)der, (size_t)50), 1);
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO nonces (value, expires_at) VALUES ('n', 99)", ""), 1);
	eseal_kek *k = NULL;
	/* A cheaper scrypt keeps the test fast; the default is tested in kek. */
	CHECK_OK(eseal_store_setting_set(s, "kek.scrypt", "N=1024,r=8,p=1"));
	CHECK_OK(eseal_kek_from_passphrase(&k, s, "pw", 2));
	eseal_buf w = ESEAL_BUF_INIT;
	CHECK_OK(eseal_kek_wrap(k, "seal-key:E100", "private", 7, &w));
	CHECK_EQ_INT(eseal_store_run(s, "UPDATE seals SET key_blob = ?1 WHERE id = ?2", "bi",
				     (const void *)w.data, w.len, sid), 1);
	eseal_buf_free(&w);
	eseal_kek_free(k);
	for (int i = 0; i < 30; i++) {
		eseal_audit_event ev = { "keeper", "keeper", i % 2 ? "seal.use" : "seal.show", "seal:E100",
					 "{\"n\":1}", "req", 1700000000 + i };
		CHECK_OK(eseal_audit_append(s, &ev, NULL));
		if (i == 9 || i == 29) {
			eseal_audit_head h;
			CHECK_OK(eseal_audit_sign_head(s, akey(), &h));
		}
	}
}

/* Everything fill() wrote is there and works. */
static void check_filled(eseal_store *s)
{
	int64_t n = -1;
	CHECK_OK(eseal_store_query_int(s, &n, "SELECT COUNT(*) FROM audit_entries", ""));
	CHECK_EQ_INT(n, 30);
	eseal_audit_report r;
	CHECK_OK(eseal_audit_verify(s, akey(), &r));
	CHECK_EQ_INT(r.entries, 30);
	CHECK_EQ_INT(r.heads_ok, 2);
	eseal_stmt *st = NULL;
	CHECK_OK(eseal_store_prepare(s, &st, "SELECT seal_der, key_blob, name, uses_limit, picture FROM seals "
				     "WHERE esid = 'E100'"));
	REQUIRE(eseal_stmt_step(st) == 1);
	size_t len;
	const uint8_t *p = eseal_stmt_blob(st, 0, &len);
	CHECK(p && len == 200 && p[0] == 255 && p[199] == 56);
	CHECK_EQ_STR(eseal_stmt_text(st, 2), "公章");
	CHECK_EQ_INT(eseal_stmt_int64(st, 3), 5);
	p = eseal_stmt_blob(st, 4, &len);
	CHECK(p && len == 64 && p[10] == 0);
	/* The key blob unwraps with the passphrase: the salt came along. */
	p = eseal_stmt_blob(st, 1, &len);
	eseal_kek *k = NULL;
	eseal_buf out = ESEAL_BUF_INIT;
	CHECK_OK(eseal_kek_from_passphrase(&k, s, "pw", 2));
	CHECK_OK(eseal_kek_unwrap(k, "seal-key:E100", p, len, &out));
	CHECK(out.len == 7 && !memcmp(out.data, "private", 7));
	eseal_buf_free(&out);
	eseal_kek_free(k);
	eseal_stmt_free(st);
	CHECK_OK(eseal_store_query_int(s, &n, "SELECT COUNT(*) FROM seal_events e JOIN seals s ON s.id = e.seal_id "
				       "WHERE s.esid = 'E100'", ""));
	CHECK_EQ_INT(n, 1);
	CHECK_OK(eseal_store_query_int(s, &n, "SELECT COUNT(*) FROM materials", ""));
	CHECK_EQ_INT(n, 1);
	/* New rows get fresh ids after a restore (sequences moved on). */
	int64_t id = -1;
	CHECK_OK(eseal_store_query_int(s, &id, "INSERT INTO organisations (name, created_at) VALUES ('new', 2) "
				       "RETURNING id", ""));
	CHECK(id > 1);
	/* The log goes on where it stopped. */
	int64_t seq = -1;
	eseal_audit_event ev = { "admin", "auditor", "audit.after", "", NULL, NULL, 0 };
	CHECK_OK(eseal_audit_append(s, &ev, &seq));
	CHECK_EQ_INT(seq, 30);
	CHECK_OK(eseal_audit_verify(s, akey(), &r));
}

static void backup_restore(int from_pg, int to_pg)
{
	char url[1024], path[512];
	eseal_store *src = tdb_open_url(from_pg, url, sizeof url);
	fill(src);
	snprintf(path, sizeof path, "%s/backup.db", h_tmpdir());
	CHECK_OK(eseal_store_backup(src, path));
	/* The backup is a plain SQLite file with a valid log in it. */
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_file_read(&b, path, 0));
	CHECK(b.len > 16 && !memcmp(b.data, "SQLite format 3", 16));
	eseal_buf_free(&b);
	/* Wipe the source: everything is gone. */
	CHECK_OK(eseal_store_wipe(src));
	CHECK_EQ_INT(eseal_store_is_empty(src), 1);
	eseal_store *dst = src;
	if (from_pg != to_pg) {
		eseal_store_close(src);
		dst = tdb_open(to_pg);
	}
	CHECK_OK(eseal_store_restore(dst, path, 0));
	check_filled(dst);
	/* A store with data is not overwritten without force. */
	CHECK_EQ_INT(eseal_store_restore(dst, path, 0), ESEAL_EDENIED);
	CHECK_OK(eseal_store_restore(dst, path, 1));
	int64_t n = -1;
	CHECK_OK(eseal_audit_size(dst, &n));
	CHECK_EQ_INT(n, 30);
	/* Not a backup. */
	char junk[600];
	snprintf(junk, sizeof junk, "%s.junk", path);
	CHECK_OK(eseal_file_write_atomic(junk, "hello", 5, 0600));
	CHECK_EQ_INT(eseal_store_restore(dst, junk, 1), ESEAL_EFORMAT);
	CHECK_EQ_INT(eseal_store_restore(dst, "/nonexistent/backup.db", 1), ESEAL_EIO);
	CHECK_OK(eseal_audit_size(dst, &n));
	CHECK_EQ_INT(n, 30);
	eseal_store_close(dst);
}

static void backup_same(int pg) { backup_restore(pg, pg); }
BOTH(backup_same)
static void backup_sqlite_to_pg(void) { backup_restore(0, 1); }
static void backup_pg_to_sqlite(void) { backup_restore(1, 0); }

TESTS(TB(migrations), TB(crud), TB(errors), TB(transactions), T(bad_urls), TB(kek), TB(pool), TB(nonces),
      TB(backup_same), T(backup_sqlite_to_pg), T(backup_pg_to_sqlite))
