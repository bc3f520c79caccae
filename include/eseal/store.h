/*
 * store.h - the service's database: one small SQL interface with SQLite and
 * PostgreSQL behind it, schema migrations, backup/restore and the key-
 * encryption key that protects server-held private keys.
 *
 * A store is opened from a URL:
 *   "sqlite:PATH" (or a plain path, or "sqlite:///abs/path")  WAL, synchronous=FULL
 *   "postgres://..." / "postgresql://..."                    libpq connection URI
 * Opening migrates the schema to the newest version unless told not to.
 *
 * SQL is written once for both backends: parameters are ?1 ?2 ... (numbered,
 * 1-based), new ids come back through RETURNING, upserts use ON CONFLICT.
 * Booleans are BIGINT 0/1, times BIGINT seconds since the epoch (UTC).
 *
 * Threads: an eseal_store is ONE connection and must be used by one thread
 * at a time. A multi-threaded server opens one store per worker thread (the
 * databases serialise writers themselves: SQLite with BEGIN IMMEDIATE and a
 * busy timeout, PostgreSQL with row locks).
 *
 * Results: SQLite steps through rows as it finds them; PostgreSQL reads a
 * statement's whole result at the first step, so page big queries (LIMIT).
 *
 * Transactions: an error inside a transaction dooms it on both backends
 * (PostgreSQL forces this; SQLite is made to behave the same): every later
 * statement fails until eseal_store_rollback().
 */
#ifndef ESEAL_STORE_H
#define ESEAL_STORE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct eseal_store eseal_store;
typedef struct eseal_stmt eseal_stmt;

typedef enum {
	ESEAL_DB_SQLITE = 1,
	ESEAL_DB_POSTGRES = 2,
} eseal_db_kind;

/* Column types as seen by the getters. */
typedef enum {
	ESEAL_COL_NULL = 0,
	ESEAL_COL_INT = 1,
	ESEAL_COL_TEXT = 2,
	ESEAL_COL_BLOB = 3,
} eseal_col_type;

/* Flags for eseal_store_open_ex. */
#define ESEAL_STORE_NO_MIGRATE 1   /* open as is (tools, tests) */
#define ESEAL_STORE_MUST_EXIST 2   /* SQLite: never create a new file */

int eseal_store_open(eseal_store **out, const char *url);
int eseal_store_open_ex(eseal_store **out, const char *url, int flags);
/* Rolls back an open transaction, then closes. NULL is fine. */
void eseal_store_close(eseal_store *s);
eseal_db_kind eseal_store_kind(const eseal_store *s);
/* The URL the store was opened with. */
const char *eseal_store_url(const eseal_store *s);

/* Schema: the newest version this library knows, and the store's. */
int eseal_store_schema_latest(void);
int eseal_store_schema_version(eseal_store *s, int *out);
/* Brings the schema to the newest version (done by eseal_store_open). */
int eseal_store_migrate(eseal_store *s);

/* Runs SQL without parameters or results (several statements allowed). */
int eseal_store_exec(eseal_store *s, const char *sql);
/*
 * Runs one statement with parameters described by types, one letter each:
 *   't' const char *   (NULL binds NULL)
 *   'i' int64_t
 *   'b' const void *, size_t   (NULL binds NULL)
 *   'n' nothing (binds NULL)
 * Returns the number of rows changed (>= 0) or a negative error code.
 */
int64_t eseal_store_run(eseal_store *s, const char *sql, const char *types, ...);
/* Like eseal_store_run for a query whose first row's first column is an
 * integer (COUNT(*), RETURNING id ...). ESEAL_ENOTFOUND when no row. */
int eseal_store_query_int(eseal_store *s, int64_t *out, const char *sql, const char *types, ...);

/* Prepared statements. */
int eseal_store_prepare(eseal_store *s, eseal_stmt **out, const char *sql);
int eseal_stmt_bind_text(eseal_stmt *st, int idx, const char *v);
int eseal_stmt_bind_int64(eseal_stmt *st, int idx, int64_t v);
int eseal_stmt_bind_blob(eseal_stmt *st, int idx, const void *p, size_t n);
int eseal_stmt_bind_null(eseal_stmt *st, int idx);
/* 1 when a row is ready, 0 when done, negative on error (unique or
 * primary-key violation: ESEAL_EEXISTS; foreign key/check: ESEAL_EDENIED). */
int eseal_stmt_step(eseal_stmt *st);
/* Ready to run again; bindings are kept. */
int eseal_stmt_reset(eseal_stmt *st);
/* Rows changed by the last completed INSERT/UPDATE/DELETE. */
int64_t eseal_stmt_changes(const eseal_stmt *st);
int eseal_stmt_column_count(const eseal_stmt *st);
const char *eseal_stmt_column_name(const eseal_stmt *st, int col);
eseal_col_type eseal_stmt_column_type(eseal_stmt *st, int col);
int eseal_stmt_is_null(eseal_stmt *st, int col);
int64_t eseal_stmt_int64(eseal_stmt *st, int col);
/* NUL-terminated; valid until the next step/reset/free. NULL for NULL. */
const char *eseal_stmt_text(eseal_stmt *st, int col);
/* Valid until the next step/reset/free; *len 0 and NULL for NULL. */
const uint8_t *eseal_stmt_blob(eseal_stmt *st, int col, size_t *len);
void eseal_stmt_free(eseal_stmt *st);

/* Transactions: begin takes the write lock on SQLite (BEGIN IMMEDIATE);
 * PostgreSQL runs READ COMMITTED and callers lock rows they update. */
int eseal_store_begin(eseal_store *s);
/* A read-only consistent snapshot (PostgreSQL REPEATABLE READ READ ONLY). */
int eseal_store_begin_snapshot(eseal_store *s);
int eseal_store_commit(eseal_store *s);
int eseal_store_rollback(eseal_store *s);
int eseal_store_in_tx(const eseal_store *s);

/*
 * A pool of connections for a threaded server: get hands a thread a store
 * of its own (opening one when none is idle and fewer than max are open;
 * waiting otherwise), put gives it back (rolling back a transaction left
 * open). The pool itself is thread-safe; the stores it hands out are not.
 */
typedef struct eseal_store_pool eseal_store_pool;
/* Opens (and migrates) one connection at once, so a bad URL fails here. */
int eseal_store_pool_new(eseal_store_pool **out, const char *url, int max);
int eseal_store_pool_get(eseal_store_pool *p, eseal_store **out);
void eseal_store_pool_put(eseal_store_pool *p, eseal_store *s);
/* Every store must have been put back. */
void eseal_store_pool_free(eseal_store_pool *p);

/* Replay protection: records a one-time value until expires_at; ESEAL_EEXISTS
 * when it was already used and has not expired. Expired values are purged. */
int eseal_store_nonce_claim(eseal_store *s, const char *value, int64_t expires_at, int64_t now);

/* Settings: a small key/value table. get returns ESEAL_ENOTFOUND when unset
 * and a heap string otherwise (free()). */
int eseal_store_setting_get(eseal_store *s, const char *key, char **out);
int eseal_store_setting_set(eseal_store *s, const char *key, const char *value);

/*
 * Backup and restore. A backup is always a SQLite database file holding
 * every table, whatever the source backend, so it restores into either.
 * SQLite sources use the online backup API; PostgreSQL sources are read in
 * one REPEATABLE READ transaction. The file is written atomically.
 * Restore refuses a store that holds data unless force is set (then the
 * data are replaced). Restoring into PostgreSQL resets the id sequences.
 */
int eseal_store_backup(eseal_store *s, const char *path);
int eseal_store_restore(eseal_store *s, const char *path, int force);
/* 1 when every data table is empty, 0 when not, negative on error. */
int eseal_store_is_empty(eseal_store *s);
/* Deletes every row of every data table (tests, restore --force). */
int eseal_store_wipe(eseal_store *s);

/*
 * Key-encryption key for server-held private keys. Wrapped blobs are
 *   "EK" | version 1 | kek id (8) | iv (12) | SM4-GCM ciphertext | tag (16)
 * with the header and the caller's context string (e.g. "seal-key:<esid>")
 * as AAD, so a blob cannot be moved to another record.
 */
typedef struct eseal_kek eseal_kek;
/* scrypt over the passphrase with the instance's salt and cost (settings
 * "kek.salt" and "kek.scrypt", made on first use; the cost defaults to
 * "N=32768,r=8,p=1" and may be set before). ESEAL_EPASS when the store
 * already has a KEK check value and this passphrase does not match it. */
int eseal_kek_from_passphrase(eseal_kek **out, eseal_store *s, const char *pass, size_t len);
/* A key file holding 32 raw bytes or 64 hex digits. */
int eseal_kek_from_file(eseal_kek **out, const char *path);
int eseal_kek_from_bytes(eseal_kek **out, const uint8_t key[32]);
/* Records the KEK check value in the store (done by from_passphrase). */
int eseal_kek_bind(eseal_kek *k, eseal_store *s);
int eseal_kek_wrap(const eseal_kek *k, const char *context, const void *in, size_t len, eseal_buf *out);
/* ESEAL_EPASS for a blob made under another KEK, ESEAL_EVERIFY when the
 * blob or its context was changed. */
int eseal_kek_unwrap(const eseal_kek *k, const char *context, const uint8_t *in, size_t len, eseal_buf *out);
void eseal_kek_free(eseal_kek *k);

#ifdef __cplusplus
}
#endif
#endif
