/*
 * store.c - opening a store from its URL, the backend-neutral statement
 * calls, transactions and settings. Holds no SQL dialect knowledge beyond
 * the transaction statements each backend names; never lets a statement run
 * inside a transaction that already failed.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static int starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

int eseal_store_open_ex(eseal_store **out, const char *url, int flags)
{
	*out = NULL;
	if (!url || !*url)
		return eseal_error_set(ESEAL_EINVAL, "store: empty database URL");
	eseal_store *s = calloc(1, sizeof *s);
	if (!s || !(s->url = strdup(url))) {
		free(s);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	int rc;
	if (starts(url, "postgres://") || starts(url, "postgresql://")) {
		s->kind = ESEAL_DB_POSTGRES;
		s->ops = &store_pg_ops;
		rc = store_pg_open(s, url);
	} else {
		const char *path = url;
		if (starts(url, "sqlite://"))
			path = url + 9;   /* sqlite:///abs/path -> /abs/path */
		else if (starts(url, "sqlite:"))
			path = url + 7;
		if (strstr(url, "://") && path == url) {
			free(s->url);
			free(s);
			return eseal_error_set(ESEAL_EINVAL, "store: unsupported database URL '%s' "
					       "(use sqlite:PATH or postgresql://...)", url);
		}
		if (!*path) {
			free(s->url);
			free(s);
			return eseal_error_set(ESEAL_EINVAL, "store: no SQLite file in '%s'", url);
		}
		s->kind = ESEAL_DB_SQLITE;
		s->ops = &store_sqlite_ops;
		rc = store_sqlite_open(s, path, !(flags & ESEAL_STORE_MUST_EXIST));
	}
	if (rc) {
		free(s->url);
		free(s);
		return rc;
	}
	if (!(flags & ESEAL_STORE_NO_MIGRATE) && (rc = eseal_store_migrate(s))) {
		eseal_store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int eseal_store_open(eseal_store **out, const char *url)
{
	return eseal_store_open_ex(out, url, 0);
}

void eseal_store_close(eseal_store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		eseal_store_rollback(s);
	s->ops->close(s);
	free(s->url);
	free(s);
}

eseal_db_kind eseal_store_kind(const eseal_store *s) { return s->kind; }
const char *eseal_store_url(const eseal_store *s) { return s->url; }
int eseal_store_in_tx(const eseal_store *s) { return s->in_tx; }

void store_note_error(eseal_store *s)
{
	if (s->in_tx)
		s->tx_failed = 1;
}

int store_check_tx(eseal_store *s)
{
	if (s->in_tx && s->tx_failed)
		return eseal_error_set(ESEAL_EINVAL, "store: the transaction failed earlier; roll it back");
	return 0;
}

int eseal_store_exec(eseal_store *s, const char *sql)
{
	int rc = store_check_tx(s);
	if (rc)
		return rc;
	rc = s->ops->exec(s, sql);
	if (rc)
		store_note_error(s);
	return rc;
}

int eseal_store_prepare(eseal_store *s, eseal_stmt **out, const char *sql)
{
	*out = NULL;
	int rc = store_check_tx(s);
	if (rc)
		return rc;
	rc = s->ops->prepare(s, out, sql);
	if (rc)
		store_note_error(s);
	return rc;
}

static int bad_index(const eseal_stmt *st, int idx)
{
	if (idx < 1 || idx > st->nparams)
		return eseal_error_set(ESEAL_EINVAL, "store: parameter ?%d out of range (1..%d)", idx, st->nparams);
	return 0;
}

int eseal_stmt_bind_text(eseal_stmt *st, int idx, const char *v)
{
	if (bad_index(st, idx))
		return ESEAL_EINVAL;
	return v ? st->store->ops->bind_text(st, idx, v) : st->store->ops->bind_null(st, idx);
}

int eseal_stmt_bind_int64(eseal_stmt *st, int idx, int64_t v)
{
	if (bad_index(st, idx))
		return ESEAL_EINVAL;
	return st->store->ops->bind_int64(st, idx, v);
}

int eseal_stmt_bind_blob(eseal_stmt *st, int idx, const void *p, size_t n)
{
	if (bad_index(st, idx))
		return ESEAL_EINVAL;
	return p ? st->store->ops->bind_blob(st, idx, p, n) : st->store->ops->bind_null(st, idx);
}

int eseal_stmt_bind_null(eseal_stmt *st, int idx)
{
	if (bad_index(st, idx))
		return ESEAL_EINVAL;
	return st->store->ops->bind_null(st, idx);
}

int eseal_stmt_step(eseal_stmt *st)
{
	int rc = store_check_tx(st->store);
	if (rc)
		return rc;
	rc = st->store->ops->step(st);
	if (rc < 0)
		store_note_error(st->store);
	return rc;
}

int eseal_stmt_reset(eseal_stmt *st) { return st->store->ops->reset(st); }
int64_t eseal_stmt_changes(const eseal_stmt *st) { return st->changes; }
int eseal_stmt_column_count(const eseal_stmt *st) { return st->store->ops->column_count(st); }

const char *eseal_stmt_column_name(const eseal_stmt *st, int col)
{
	return st->store->ops->column_name(st, col);
}

eseal_col_type eseal_stmt_column_type(eseal_stmt *st, int col)
{
	return st->store->ops->column_type(st, col);
}

int eseal_stmt_is_null(eseal_stmt *st, int col)
{
	return st->store->ops->column_type(st, col) == ESEAL_COL_NULL;
}

int64_t eseal_stmt_int64(eseal_stmt *st, int col) { return st->store->ops->column_int64(st, col); }
const char *eseal_stmt_text(eseal_stmt *st, int col) { return st->store->ops->column_text(st, col); }

const uint8_t *eseal_stmt_blob(eseal_stmt *st, int col, size_t *len)
{
	return st->store->ops->column_blob(st, col, len);
}

void eseal_stmt_free(eseal_stmt *st)
{
	if (st)
		st->store->ops->finalize(st);
}

static int bind_va(eseal_stmt *st, const char *types, va_list ap)
{
	int rc = 0;
	for (int i = 0; types && types[i] && !rc; i++) {
		switch (types[i]) {
		case 't':
			rc = eseal_stmt_bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		case 'i':
			rc = eseal_stmt_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = eseal_stmt_bind_blob(st, i + 1, p, n);
			break;
		}
		case 'n':
			rc = eseal_stmt_bind_null(st, i + 1);
			break;
		default:
			rc = eseal_error_set(ESEAL_EINVAL, "store: bad parameter type '%c'", types[i]);
		}
	}
	return rc;
}

int64_t eseal_store_run(eseal_store *s, const char *sql, const char *types, ...)
{
	eseal_stmt *st;
	int rc = eseal_store_prepare(s, &st, sql);
	if (rc)
		return rc;
	va_list ap;
	va_start(ap, types);
	rc = bind_va(st, types, ap);
	va_end(ap);
	while (!rc && (rc = eseal_stmt_step(st)) == 1)
		rc = 0;
	int64_t changes = st->changes;
	eseal_stmt_free(st);
	return rc < 0 ? rc : changes;
}

int eseal_store_query_int(eseal_store *s, int64_t *out, const char *sql, const char *types, ...)
{
	eseal_stmt *st;
	int rc = eseal_store_prepare(s, &st, sql);
	if (rc)
		return rc;
	va_list ap;
	va_start(ap, types);
	rc = bind_va(st, types, ap);
	va_end(ap);
	if (!rc) {
		rc = eseal_stmt_step(st);
		if (rc == 1) {
			*out = eseal_stmt_int64(st, 0);
			/* Drain so RETURNING statements complete everywhere. */
			while ((rc = eseal_stmt_step(st)) == 1)
				;
		} else if (rc == 0) {
			rc = eseal_error_set(ESEAL_ENOTFOUND, "store: no row");
		}
	}
	eseal_stmt_free(st);
	return rc;
}

static int tx_begin(eseal_store *s, const char *sql)
{
	if (s->in_tx)
		return eseal_error_set(ESEAL_EINVAL, "store: a transaction is already open");
	int rc = s->ops->exec(s, sql);
	if (rc)
		return rc;
	s->in_tx = 1;
	s->tx_failed = 0;
	return 0;
}

int eseal_store_begin(eseal_store *s) { return tx_begin(s, s->ops->begin_sql); }
int eseal_store_begin_snapshot(eseal_store *s) { return tx_begin(s, s->ops->snapshot_sql); }

int eseal_store_commit(eseal_store *s)
{
	if (!s->in_tx)
		return eseal_error_set(ESEAL_EINVAL, "store: no transaction to commit");
	if (s->tx_failed) {
		s->ops->exec(s, "ROLLBACK");
		s->in_tx = s->tx_failed = 0;
		return eseal_error_set(ESEAL_EINVAL, "store: the transaction failed earlier and was rolled back");
	}
	int rc = s->ops->exec(s, "COMMIT");
	if (rc) {
		/* A failed COMMIT leaves nothing applied on either backend. */
		s->ops->exec(s, "ROLLBACK");
	}
	s->in_tx = s->tx_failed = 0;
	return rc;
}

int eseal_store_rollback(eseal_store *s)
{
	if (!s->in_tx)
		return 0;
	int rc = s->ops->exec(s, "ROLLBACK");
	s->in_tx = s->tx_failed = 0;
	return rc;
}

int eseal_store_setting_get(eseal_store *s, const char *key, char **out)
{
	*out = NULL;
	eseal_stmt *st;
	int rc = eseal_store_prepare(s, &st, "SELECT value FROM settings WHERE key = ?1");
	if (rc)
		return rc;
	if (!(rc = eseal_stmt_bind_text(st, 1, key))) {
		rc = eseal_stmt_step(st);
		if (rc == 1) {
			const char *v = eseal_stmt_text(st, 0);
			*out = strdup(v ? v : "");
			rc = *out ? 0 : eseal_error_set(ESEAL_ENOMEM, "out of memory");
		} else if (rc == 0) {
			rc = eseal_error_set(ESEAL_ENOTFOUND, "setting '%s' is not set", key);
		}
	}
	eseal_stmt_free(st);
	return rc;
}

int eseal_store_setting_set(eseal_store *s, const char *key, const char *value)
{
	int64_t rc = eseal_store_run(s, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
				     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
				     "tt", key, value);
	return rc < 0 ? (int)rc : 0;
}
