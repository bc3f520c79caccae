/*
 * sqlite.c - the SQLite backend of the store: WAL journal, synchronous=FULL,
 * foreign keys on, a busy timeout plus a retry loop for writers that meet a
 * lock. Never opens a transaction that could need a lock upgrade later
 * (writers use BEGIN IMMEDIATE), so busy waits cannot deadlock.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store_internal.h"

#define BUSY_TIMEOUT_MS 10000
#define BUSY_RETRIES 100

typedef struct {
	eseal_stmt base;
	sqlite3_stmt *st;
} sq_stmt;

static sqlite3 *db_of(eseal_store *s) { return (sqlite3 *)s->conn; }

static void nap(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

static int map_err(sqlite3 *db, int rc, const char *what)
{
	int ext = sqlite3_extended_errcode(db);
	const char *msg = sqlite3_errmsg(db);
	switch (ext) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return eseal_error_set(ESEAL_EEXISTS, "sqlite: %s", msg);
	case SQLITE_CONSTRAINT_FOREIGNKEY:
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		return eseal_error_set(ESEAL_EDENIED, "sqlite: %s", msg);
	default:
		break;
	}
	if ((rc & 0xff) == SQLITE_NOMEM)
		return eseal_error_set(ESEAL_ENOMEM, "sqlite: out of memory");
	if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
		return eseal_error_set(ESEAL_EFORMAT, "sqlite: %s: %s", what, msg);
	return eseal_error_set(ESEAL_EIO, "sqlite: %s: %s", what, msg);
}

int store_sqlite_open(eseal_store *s, const char *path, int create)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
				 SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = eseal_error_set(!create && (rc & 0xff) == SQLITE_CANTOPEN ? ESEAL_ENOTFOUND : ESEAL_EIO,
				     "sqlite: cannot open %s: %s", path,
				     db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db, 1);
	s->conn = db;
	/* journal_mode=WAL answers with a row; the other pragmas are silent.
	 * A file that is not a database fails here, on its first read. */
	static const char *const pragmas =
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
	char *err = NULL;
	for (int i = 0; i < BUSY_RETRIES; i++) {
		rc = sqlite3_exec(db, pragmas, NULL, NULL, &err);
		if ((rc & 0xff) != SQLITE_BUSY)
			break;
		sqlite3_free(err);
		err = NULL;
		nap();
	}
	if (rc != SQLITE_OK) {
		rc = eseal_error_set((rc & 0xff) == SQLITE_NOTADB ? ESEAL_EFORMAT : ESEAL_EIO,
				     "sqlite: %s: %s", path, err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		sqlite3_close(db);
		s->conn = NULL;
		return rc;
	}
	return 0;
}

void *store_sqlite_handle(eseal_store *s)
{
	return s->kind == ESEAL_DB_SQLITE ? s->conn : NULL;
}

static int sq_prepare(eseal_store *s, eseal_stmt **out, const char *sql)
{
	sq_stmt *st = calloc(1, sizeof *st);
	if (!st)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	const char *tail = NULL;
	int rc = sqlite3_prepare_v2(db_of(s), sql, -1, &st->st, &tail);
	for (int i = 0; (rc & 0xff) == SQLITE_BUSY && i < BUSY_RETRIES; i++) {
		nap();
		rc = sqlite3_prepare_v2(db_of(s), sql, -1, &st->st, &tail);
	}
	if (rc != SQLITE_OK || !st->st) {
		rc = rc != SQLITE_OK ? map_err(db_of(s), rc, "prepare")
				     : eseal_error_set(ESEAL_EINVAL, "sqlite: empty statement");
		sqlite3_finalize(st->st);
		free(st);
		return rc;
	}
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		sqlite3_finalize(st->st);
		free(st);
		return eseal_error_set(ESEAL_EINVAL, "sqlite: one statement at a time, not '%.40s'", tail);
	}
	st->base.store = s;
	st->base.nparams = sqlite3_bind_parameter_count(st->st);
	*out = &st->base;
	return 0;
}

static int sq_exec(eseal_store *s, const char *sql)
{
	char *err = NULL;
	int rc = SQLITE_OK;
	for (int i = 0; i < BUSY_RETRIES; i++) {
		rc = sqlite3_exec(db_of(s), sql, NULL, NULL, &err);
		if ((rc & 0xff) != SQLITE_BUSY || s->in_tx)
			break;
		sqlite3_free(err);
		err = NULL;
		nap();
	}
	if (rc != SQLITE_OK) {
		sqlite3_free(err);
		return map_err(db_of(s), rc, "exec");
	}
	return 0;
}

#define SQ(st) ((sq_stmt *)(st))

static int bind_rc(eseal_stmt *st, int rc)
{
	return rc == SQLITE_OK ? 0 : map_err(db_of(st->store), rc, "bind");
}

static int sq_bind_text(eseal_stmt *st, int idx, const char *v)
{
	return bind_rc(st, sqlite3_bind_text(SQ(st)->st, idx, v, -1, SQLITE_TRANSIENT));
}

static int sq_bind_int64(eseal_stmt *st, int idx, int64_t v)
{
	return bind_rc(st, sqlite3_bind_int64(SQ(st)->st, idx, v));
}

static int sq_bind_blob(eseal_stmt *st, int idx, const void *p, size_t n)
{
	/* A zero-length blob must stay a blob, not become NULL. */
	return bind_rc(st, n ? sqlite3_bind_blob64(SQ(st)->st, idx, p, n, SQLITE_TRANSIENT)
			     : sqlite3_bind_zeroblob(SQ(st)->st, idx, 0));
}

static int sq_bind_null(eseal_stmt *st, int idx)
{
	return bind_rc(st, sqlite3_bind_null(SQ(st)->st, idx));
}

static int sq_step(eseal_stmt *st)
{
	sqlite3_stmt *s = SQ(st)->st;
	int rc = sqlite3_step(s);
	/* Outside a transaction a busy writer just waits its turn again; inside
	 * one, the lock was taken by BEGIN IMMEDIATE and BUSY is a real error. */
	for (int i = 0; (rc & 0xff) == SQLITE_BUSY && !st->store->in_tx && i < BUSY_RETRIES; i++) {
		sqlite3_reset(s);
		nap();
		rc = sqlite3_step(s);
	}
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		st->changes = sqlite3_stmt_readonly(s) ? 0 : sqlite3_changes64(db_of(st->store));
		return 0;
	}
	rc = map_err(db_of(st->store), rc, "step");
	sqlite3_reset(s);
	return rc;
}

static int sq_reset(eseal_stmt *st)
{
	sqlite3_reset(SQ(st)->st);
	st->changes = 0;
	return 0;
}

static int sq_column_count(const eseal_stmt *st) { return sqlite3_column_count(SQ(st)->st); }

static const char *sq_column_name(const eseal_stmt *st, int col)
{
	return sqlite3_column_name(SQ(st)->st, col);
}

static eseal_col_type sq_column_type(eseal_stmt *st, int col)
{
	switch (sqlite3_column_type(SQ(st)->st, col)) {
	case SQLITE_INTEGER: return ESEAL_COL_INT;
	case SQLITE_FLOAT: return ESEAL_COL_TEXT;
	case SQLITE_TEXT: return ESEAL_COL_TEXT;
	case SQLITE_BLOB: return ESEAL_COL_BLOB;
	default: return ESEAL_COL_NULL;
	}
}

static int64_t sq_column_int64(eseal_stmt *st, int col)
{
	return sqlite3_column_int64(SQ(st)->st, col);
}

static const char *sq_column_text(eseal_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(SQ(st)->st, col);
}

static const uint8_t *sq_column_blob(eseal_stmt *st, int col, size_t *len)
{
	sqlite3_stmt *s = SQ(st)->st;
	if (sqlite3_column_type(s, col) == SQLITE_NULL) {
		*len = 0;
		return NULL;
	}
	const uint8_t *p = sqlite3_column_blob(s, col);
	*len = (size_t)sqlite3_column_bytes(s, col);
	/* An empty blob is not NULL: hand back a valid pointer. */
	return p ? p : (const uint8_t *)"";
}

static void sq_finalize(eseal_stmt *st)
{
	sqlite3_finalize(SQ(st)->st);
	free(st);
}

static void sq_close(eseal_store *s)
{
	sqlite3_close_v2(db_of(s));
	s->conn = NULL;
}

const store_ops store_sqlite_ops = {
	.name = "sqlite",
	.prepare = sq_prepare,
	.exec = sq_exec,
	.bind_text = sq_bind_text,
	.bind_int64 = sq_bind_int64,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.reset = sq_reset,
	.column_count = sq_column_count,
	.column_name = sq_column_name,
	.column_type = sq_column_type,
	.column_int64 = sq_column_int64,
	.column_text = sq_column_text,
	.column_blob = sq_column_blob,
	.finalize = sq_finalize,
	.close = sq_close,
	.begin_sql = "BEGIN IMMEDIATE",
	.snapshot_sql = "BEGIN DEFERRED",
};
