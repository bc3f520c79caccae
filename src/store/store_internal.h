/*
 * store_internal.h - what the two database backends implement and what the
 * generic store code (store.c, schema.c, backup.c) shares. Never include it
 * outside src/store and src/audit.
 */
#ifndef ESEAL_STORE_INTERNAL_H
#define ESEAL_STORE_INTERNAL_H

#include "eseal/store.h"

/* Every backend statement starts with this header. */
struct eseal_stmt {
	eseal_store *store;
	int64_t changes;
	int nparams;
};

typedef struct store_ops {
	const char *name;
	int (*prepare)(eseal_store *s, eseal_stmt **out, const char *sql);
	int (*exec)(eseal_store *s, const char *sql);
	int (*bind_text)(eseal_stmt *st, int idx, const char *v);
	int (*bind_int64)(eseal_stmt *st, int idx, int64_t v);
	int (*bind_blob)(eseal_stmt *st, int idx, const void *p, size_t n);
	int (*bind_null)(eseal_stmt *st, int idx);
	int (*step)(eseal_stmt *st);
	int (*reset)(eseal_stmt *st);
	int (*column_count)(const eseal_stmt *st);
	const char *(*column_name)(const eseal_stmt *st, int col);
	eseal_col_type (*column_type)(eseal_stmt *st, int col);
	int64_t (*column_int64)(eseal_stmt *st, int col);
	const char *(*column_text)(eseal_stmt *st, int col);
	const uint8_t *(*column_blob)(eseal_stmt *st, int col, size_t *len);
	void (*finalize)(eseal_stmt *st);
	void (*close)(eseal_store *s);
	/* Statements that open each kind of transaction. */
	const char *begin_sql;
	const char *snapshot_sql;
} store_ops;

struct eseal_store {
	eseal_db_kind kind;
	const store_ops *ops;
	void *conn;          /* sqlite3 * or PGconn * */
	char *url;
	int in_tx;
	int tx_failed;       /* an error happened inside the open transaction */
};

extern const store_ops store_sqlite_ops;
extern const store_ops store_pg_ops;

int store_sqlite_open(eseal_store *s, const char *path, int create);
int store_pg_open(eseal_store *s, const char *conninfo);
/* The sqlite3 * behind a SQLite store (online backup). */
void *store_sqlite_handle(eseal_store *s);

/* Marks the open transaction doomed after a failed statement. */
void store_note_error(eseal_store *s);
/* Refuses statements in a doomed transaction. */
int store_check_tx(eseal_store *s);

/* Schema (schema.c). */
typedef struct store_table {
	const char *name;
	int has_id;          /* an identity "id" column (PostgreSQL sequence) */
	const char *order_by;
} store_table;
/* Data tables in creation order (parents before children). */
extern const store_table store_tables[];
extern const size_t store_ntables;
/* Rewrites the dialect words of a migration script for the backend. */
int store_dialect(eseal_db_kind kind, const char *sql, eseal_buf *out);

#endif
