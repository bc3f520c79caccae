/*
 * query.c - reading the audit log for audit admins: filtered, paged walks
 * and exports as CSV (RFC 4180) or JSON lines. Read-only; values reach the
 * SQL only as parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"

/* Adds "col = ?N" or, for a value ending in '*', a prefix match. The
 * prefix copy goes to *owned (freed by the caller). */
static int match(eseal_buf *sql, const char **params, int *np, const char *col, const char *v,
		 char lenbuf[24], char **owned)
{
	size_t n = strlen(v);
	if (n && v[n - 1] == '*') {
		if (!(*owned = strndup(v, n - 1)))
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		/* substr() instead of LIKE: LIKE folds case on SQLite only. */
		snprintf(lenbuf, 24, "%zu", n - 1);
		params[(*np)++] = lenbuf;
		params[(*np)++] = *owned;
		return eseal_buf_printf(sql, " AND substr(%s, 1, CAST(?%d AS INTEGER)) = ?%d",
					col, *np - 1, *np);
	}
	params[(*np)++] = v;
	return eseal_buf_printf(sql, " AND %s = ?%d", col, *np);
}

int eseal_audit_query(eseal_store *s, const eseal_audit_filter *f,
		      int (*fn)(const eseal_audit_entry *e, void *arg), void *arg)
{
	static const eseal_audit_filter none = ESEAL_AUDIT_FILTER_INIT;
	eseal_buf sql = ESEAL_BUF_INIT;
	const char *params[16];
	char nums[6][24];
	char *owned[3] = { NULL, NULL, NULL };
	int np = 0;
	if (!f)
		f = &none;
	eseal_buf_puts(&sql, "SELECT seq, at, actor, role, action, object, request_id, entry, leaf_hash "
		       "FROM audit_entries WHERE 1 = 1");
	if (f->actor)
		match(&sql, params, &np, "actor", f->actor, nums[0], &owned[0]);
	if (f->action)
		match(&sql, params, &np, "action", f->action, nums[1], &owned[1]);
	if (f->object)
		match(&sql, params, &np, "object", f->object, nums[2], &owned[2]);
	/* Integers travel as text parameters: both backends cast them. */
	if (f->since) {
		snprintf(nums[3], 24, "%lld", (long long)f->since);
		params[np++] = nums[3];
		eseal_buf_printf(&sql, " AND at >= CAST(?%d AS BIGINT)", np);
	}
	if (f->until) {
		snprintf(nums[4], 24, "%lld", (long long)f->until);
		params[np++] = nums[4];
		eseal_buf_printf(&sql, " AND at < CAST(?%d AS BIGINT)", np);
	}
	if (f->after_seq >= 0) {
		snprintf(nums[5], 24, "%lld", (long long)f->after_seq);
		params[np++] = nums[5];
		eseal_buf_printf(&sql, f->descending ? " AND seq < CAST(?%d AS BIGINT)"
						     : " AND seq > CAST(?%d AS BIGINT)", np);
	}
	eseal_buf_puts(&sql, f->descending ? " ORDER BY seq DESC" : " ORDER BY seq");
	if (f->limit > 0)
		eseal_buf_printf(&sql, " LIMIT %lld", (long long)f->limit);
	int rc = eseal_buf_cstr(&sql);
	eseal_stmt *st = NULL;
	if (!rc)
		rc = eseal_store_prepare(s, &st, (const char *)sql.data);
	for (int i = 0; !rc && i < np; i++)
		rc = eseal_stmt_bind_text(st, i + 1, params[i]);
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		eseal_audit_entry e;
		memset(&e, 0, sizeof e);
		e.seq = eseal_stmt_int64(st, 0);
		e.time = eseal_stmt_int64(st, 1);
		e.actor = eseal_stmt_text(st, 2);
		e.role = eseal_stmt_text(st, 3);
		e.action = eseal_stmt_text(st, 4);
		e.object = eseal_stmt_text(st, 5);
		e.request_id = eseal_stmt_text(st, 6);
		e.json = eseal_stmt_text(st, 7);
		size_t hl;
		const uint8_t *h = eseal_stmt_blob(st, 8, &hl);
		if (h && hl == 32)
			memcpy(e.leaf_hash, h, 32);
		/* details is the entry's own sub-object, in canonical form. */
		json_error_t jerr;
		json_t *o = e.json ? json_loads(e.json, 0, &jerr) : NULL;
		char *details = o ? json_dumps(json_object_get(o, "details"),
					       AUDIT_JSON_FLAGS | JSON_ENCODE_ANY) : NULL;
		e.details = details ? details : "null";
		rc = fn(&e, arg);
		free(details);
		json_decref(o);
	}
	eseal_stmt_free(st);
	eseal_buf_free(&sql);
	for (int i = 0; i < 3; i++)
		free(owned[i]);
	return rc < 0 || rc > 0 ? rc : 0;
}

static void csv_field(eseal_buf *b, const char *v, int last)
{
	if (!v)
		v = "";
	if (strpbrk(v, ",\"\r\n")) {
		eseal_buf_putc(b, '"');
		for (const char *p = v; *p; p++) {
			if (*p == '"')
				eseal_buf_putc(b, '"');
			eseal_buf_putc(b, (uint8_t)*p);
		}
		eseal_buf_putc(b, '"');
	} else {
		eseal_buf_puts(b, v);
	}
	eseal_buf_puts(b, last ? "\r\n" : ",");
}

typedef struct {
	eseal_buf *out;
	eseal_audit_format fmt;
} export_ctx;

static int export_one(const eseal_audit_entry *e, void *arg)
{
	export_ctx *c = arg;
	if (c->fmt == ESEAL_AUDIT_JSONL) {
		eseal_buf_puts(c->out, e->json ? e->json : "{}");
		return eseal_buf_putc(c->out, '\n');
	}
	char seq[24], iso[32];
	snprintf(seq, sizeof seq, "%lld", (long long)e->seq);
	if (audit_iso_time(iso, e->time))
		iso[0] = 0;
	csv_field(c->out, seq, 0);
	csv_field(c->out, iso, 0);
	csv_field(c->out, e->actor, 0);
	csv_field(c->out, e->role, 0);
	csv_field(c->out, e->action, 0);
	csv_field(c->out, e->object, 0);
	csv_field(c->out, e->request_id, 0);
	csv_field(c->out, e->details, 1);
	return 0;
}

int eseal_audit_export(eseal_store *s, const eseal_audit_filter *f, eseal_audit_format fmt, eseal_buf *out)
{
	if (fmt != ESEAL_AUDIT_CSV && fmt != ESEAL_AUDIT_JSONL)
		return eseal_error_set(ESEAL_EINVAL, "audit: unknown export format");
	export_ctx c = { out, fmt };
	if (fmt == ESEAL_AUDIT_CSV)
		eseal_buf_puts(out, "seq,time,actor,role,action,object,request_id,details\r\n");
	int rc = eseal_audit_query(s, f, export_one, &c);
	if (!rc)
		rc = eseal_buf_cstr(out);
	return rc;
}
