/*
 * pg.c - the PostgreSQL backend of the store through libpq. Statements are
 * sent with PQexecParams (text results, blobs as binary parameters); the
 * ?N placeholders of the shared SQL become $N here. Never interpolates a
 * value into SQL text: every value travels as a parameter.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_internal.h"

#define BYTEAOID 17
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define OIDOID 26
#define BOOLOID 16

typedef struct {
	eseal_stmt base;
	char *sql;            /* translated to $N */
	char **values;        /* per parameter; NULL binds NULL */
	int *lengths;
	int *formats;
	unsigned int *types;
	PGresult *res;
	int row;              /* current row, -1 before the first */
	int ran;
	eseal_buf *blobs;     /* decoded bytea per column of the current row */
	int *blob_row;
} pg_stmt;

static PGconn *conn_of(eseal_store *s) { return (PGconn *)s->conn; }

/* One line of the server's message, without the trailing newline. */
static void first_line(char *out, size_t n, const char *msg)
{
	size_t i = 0;
	for (; msg && msg[i] && msg[i] != '\n' && i + 1 < n; i++)
		out[i] = msg[i];
	out[i] = 0;
}

static int map_result_err(PGconn *c, PGresult *r, const char *what)
{
	char line[512];
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	first_line(line, sizeof line, r ? PQresultErrorMessage(r) : PQerrorMessage(c));
	if (!line[0])
		first_line(line, sizeof line, PQerrorMessage(c));
	if (state && !strcmp(state, "23505"))
		return eseal_error_set(ESEAL_EEXISTS, "postgres: %s", line);
	if (state && (!strcmp(state, "23503") || !strcmp(state, "23514") || !strcmp(state, "23502")))
		return eseal_error_set(ESEAL_EDENIED, "postgres: %s", line);
	if (state && !strncmp(state, "42", 2))
		return eseal_error_set(ESEAL_EINVAL, "postgres: %s: %s", what, line);
	return eseal_error_set(ESEAL_EIO, "postgres: %s: %s", what, line);
}

static void quiet_notices(void *arg, const char *msg) { (void)arg; (void)msg; }

int store_pg_open(eseal_store *s, const char *conninfo)
{
	PGconn *c = PQconnectdb(conninfo);
	if (!c)
		return eseal_error_set(ESEAL_ENOMEM, "postgres: out of memory");
	if (PQstatus(c) != CONNECTION_OK) {
		char line[512];
		first_line(line, sizeof line, PQerrorMessage(c));
		PQfinish(c);
		return eseal_error_set(ESEAL_EIO, "postgres: cannot connect: %s", line);
	}
	PQsetNoticeProcessor(c, quiet_notices, NULL);
	s->conn = c;
	PGresult *r = PQexec(c, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : map_result_err(c, r, "setup");
	PQclear(r);
	if (rc) {
		PQfinish(c);
		s->conn = NULL;
	}
	return rc;
}

/* ?N -> $N outside quotes; also counts the parameters. */
static int translate(const char *sql, eseal_buf *out, int *nparams)
{
	int maxp = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			eseal_buf_putc(out, (uint8_t)*p);
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			eseal_buf_putc(out, (uint8_t)*p);
			continue;
		}
		if (*p == '?' && isdigit((unsigned char)p[1])) {
			int n = 0;
			p++;
			while (isdigit((unsigned char)*p) && n < 100000)
				n = n * 10 + (*p++ - '0');
			p--;
			if (n < 1 || n > 65535)
				return eseal_error_set(ESEAL_EINVAL, "postgres: bad parameter number ?%d", n);
			if (n > maxp)
				maxp = n;
			eseal_buf_printf(out, "$%d", n);
			continue;
		}
		if (*p == '?')
			return eseal_error_set(ESEAL_EINVAL, "store: write parameters as ?1, ?2 ...");
		eseal_buf_putc(out, (uint8_t)*p);
	}
	*nparams = maxp;
	return eseal_buf_cstr(out);
}

#define PS(st) ((pg_stmt *)(st))

static void clear_result(pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->ran = 0;
}

static int pg_prepare(eseal_store *s, eseal_stmt **out, const char *sql)
{
	pg_stmt *st = calloc(1, sizeof *st);
	eseal_buf b = ESEAL_BUF_INIT;
	if (!st)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int n = 0, rc = translate(sql, &b, &n);
	if (rc) {
		eseal_buf_free(&b);
		free(st);
		return rc;
	}
	st->sql = (char *)b.data;
	st->base.store = s;
	st->base.nparams = n;
	st->row = -1;
	if (n) {
		st->values = calloc((size_t)n, sizeof *st->values);
		st->lengths = calloc((size_t)n, sizeof *st->lengths);
		st->formats = calloc((size_t)n, sizeof *st->formats);
		st->types = calloc((size_t)n, sizeof *st->types);
		if (!st->values || !st->lengths || !st->formats || !st->types) {
			free(st->values);
			free(st->lengths);
			free(st->formats);
			free(st->types);
			free(st->sql);
			free(st);
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		}
	}
	*out = &st->base;
	return 0;
}

static int pg_exec(eseal_store *s, const char *sql)
{
	PGresult *r = PQexec(conn_of(s), sql);
	ExecStatusType t = PQresultStatus(r);
	int rc = (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK) ? 0 : map_result_err(conn_of(s), r, "exec");
	PQclear(r);
	return rc;
}

static int set_param(pg_stmt *st, int idx, char *v, int len, int format, unsigned int type)
{
	int i = idx - 1;
	free(st->values[i]);
	st->values[i] = v;
	st->lengths[i] = len;
	st->formats[i] = format;
	st->types[i] = type;
	return 0;
}

static int pg_bind_text(eseal_stmt *st, int idx, const char *v)
{
	char *c = strdup(v);
	if (!c)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	return set_param(PS(st), idx, c, 0, 0, 0);
}

static int pg_bind_int64(eseal_stmt *st, int idx, int64_t v)
{
	char *c = malloc(24);
	if (!c)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	snprintf(c, 24, "%lld", (long long)v);
	return set_param(PS(st), idx, c, 0, 0, 0);
}

static int pg_bind_blob(eseal_stmt *st, int idx, const void *p, size_t n)
{
	if (n > 0x3fffffff)
		return eseal_error_set(ESEAL_ELIMIT, "postgres: blob too large");
	char *c = malloc(n ? n : 1);
	if (!c)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (n)
		memcpy(c, p, n);
	return set_param(PS(st), idx, c, (int)n, 1, BYTEAOID);
}

static int pg_bind_null(eseal_stmt *st, int idx)
{
	return set_param(PS(st), idx, NULL, 0, 0, 0);
}

static void free_blobs(pg_stmt *st)
{
	if (!st->blobs)
		return;
	int n = st->res ? PQnfields(st->res) : 0;
	for (int i = 0; i < n; i++)
		eseal_buf_free(&st->blobs[i]);
	free(st->blobs);
	free(st->blob_row);
	st->blobs = NULL;
	st->blob_row = NULL;
}

static int pg_step(eseal_stmt *base)
{
	pg_stmt *st = PS(base);
	if (!st->ran) {
		PGconn *c = conn_of(base->store);
		free_blobs(st);
		PQclear(st->res);
		st->res = PQexecParams(c, st->sql, base->nparams, st->types,
				       (const char *const *)st->values, st->lengths, st->formats, 0);
		st->ran = 1;
		st->row = -1;
		ExecStatusType t = PQresultStatus(st->res);
		if (t == PGRES_COMMAND_OK) {
			const char *n = PQcmdTuples(st->res);
			base->changes = n && *n ? strtoll(n, NULL, 10) : 0;
			return 0;
		}
		if (t != PGRES_TUPLES_OK) {
			int rc = map_result_err(c, st->res, "step");
			PQclear(st->res);
			st->res = NULL;
			st->ran = 0;
			return rc;
		}
		/* INSERT ... RETURNING counts its rows as changed; a SELECT
		 * changes nothing (as on SQLite). */
		const char *n = PQcmdTuples(st->res);
		base->changes = n && *n && strncmp(PQcmdStatus(st->res), "SELECT", 6) ? strtoll(n, NULL, 10) : 0;
	}
	if (!st->res || PQresultStatus(st->res) != PGRES_TUPLES_OK)
		return 0;
	if (st->row + 1 >= PQntuples(st->res))
		return 0;
	st->row++;
	return 1;
}

static int pg_reset(eseal_stmt *base)
{
	free_blobs(PS(base));
	clear_result(PS(base));
	base->changes = 0;
	return 0;
}

static int pg_column_count(const eseal_stmt *base)
{
	const pg_stmt *st = (const pg_stmt *)base;
	return st->res ? PQnfields(st->res) : 0;
}

static const char *pg_column_name(const eseal_stmt *base, int col)
{
	const pg_stmt *st = (const pg_stmt *)base;
	return st->res ? PQfname(st->res, col) : NULL;
}

static int valid_cell(pg_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < PQntuples(st->res) && col >= 0 &&
	       col < PQnfields(st->res);
}

static eseal_col_type pg_column_type(eseal_stmt *base, int col)
{
	pg_stmt *st = PS(base);
	if (!valid_cell(st, col) || PQgetisnull(st->res, st->row, col))
		return ESEAL_COL_NULL;
	switch (PQftype(st->res, col)) {
	case INT8OID: case INT4OID: case INT2OID: case OIDOID: case BOOLOID:
		return ESEAL_COL_INT;
	case BYTEAOID:
		return ESEAL_COL_BLOB;
	default:
		return ESEAL_COL_TEXT;
	}
}

static int64_t pg_column_int64(eseal_stmt *base, int col)
{
	pg_stmt *st = PS(base);
	if (!valid_cell(st, col) || PQgetisnull(st->res, st->row, col))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) == BOOLOID)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static const char *pg_column_text(eseal_stmt *base, int col)
{
	pg_stmt *st = PS(base);
	if (!valid_cell(st, col) || PQgetisnull(st->res, st->row, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}


static const uint8_t *pg_column_blob(eseal_stmt *base, int col, size_t *len)
{
	pg_stmt *st = PS(base);
	*len = 0;
	if (!valid_cell(st, col) || PQgetisnull(st->res, st->row, col))
		return NULL;
	const char *v = PQgetvalue(st->res, st->row, col);
	size_t vl = (size_t)PQgetlength(st->res, st->row, col);
	if (PQftype(st->res, col) != BYTEAOID) {
		*len = vl;   /* text column read as bytes */
		return (const uint8_t *)v;
	}
	if (!st->blobs) {
		int n = PQnfields(st->res);
		st->blobs = calloc((size_t)n, sizeof *st->blobs);
		st->blob_row = malloc((size_t)n * sizeof *st->blob_row);
		if (!st->blobs || !st->blob_row) {
			free(st->blobs);
			free(st->blob_row);
			st->blobs = NULL;
			st->blob_row = NULL;
			eseal_error_set(ESEAL_ENOMEM, "out of memory");
			return NULL;
		}
		for (int i = 0; i < n; i++)
			st->blob_row[i] = -1;
	}
	eseal_buf *b = &st->blobs[col];
	if (st->blob_row[col] != st->row) {
		/* Text-format bytea is "\x" and hex digits (bytea_output=hex). */
		b->len = 0;
		if (vl < 2 || v[0] != '\\' || v[1] != 'x' || eseal_buf_reserve(b, vl / 2 + 1)) {
			eseal_error_set(ESEAL_EFORMAT, "postgres: unexpected bytea text");
			return NULL;
		}
		for (size_t i = 2; i + 1 < vl; i += 2) {
			int h = eseal_hex_digit(v[i]), l = eseal_hex_digit(v[i + 1]);
			if (h < 0 || l < 0) {
				eseal_error_set(ESEAL_EFORMAT, "postgres: unexpected bytea text");
				return NULL;
			}
			b->data[b->len++] = (uint8_t)(h << 4 | l);
		}
		st->blob_row[col] = st->row;
	}
	*len = b->len;
	return b->data ? b->data : (const uint8_t *)"";
}

static void pg_finalize(eseal_stmt *base)
{
	pg_stmt *st = PS(base);
	free_blobs(st);
	PQclear(st->res);
	for (int i = 0; i < base->nparams; i++)
		free(st->values[i]);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->types);
	free(st->sql);
	free(st);
}

static void pg_close(eseal_store *s)
{
	PQfinish(conn_of(s));
	s->conn = NULL;
}

const store_ops store_pg_ops = {
	.name = "postgres",
	.prepare = pg_prepare,
	.exec = pg_exec,
	.bind_text = pg_bind_text,
	.bind_int64 = pg_bind_int64,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_type = pg_column_type,
	.column_int64 = pg_column_int64,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.finalize = pg_finalize,
	.close = pg_close,
	.begin_sql = "BEGIN ISOLATION LEVEL READ COMMITTED",
	.snapshot_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
};
