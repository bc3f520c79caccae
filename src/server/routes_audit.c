/*
 * routes_audit.c - the audit log over HTTP for audit administrators: the
 * filtered, paged list (JSON, or a CSV / JSON-lines export), the latest
 * signed tree head with the current root, and inclusion and consistency
 * proofs a reader checks without trusting the server. Audit admins see the
 * whole instance. Reading is not audited; an export is, and no export
 * leaves the server unless its 'audit.export' entry was written. Never
 * writes anything else to the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/audit.h"
#include "lifecycle.h"
#include "routes_audit.h"

#define LIST_DEFAULT 100
#define LIST_MAX 1000

/* Unix seconds or RFC 3339 ("2026-01-02T03:04:05Z", "+08:00" offsets too). */
static int parse_time(const char *v, time_t *out)
{
	char *end;
	if (*v >= '0' && *v <= '9' && !strchr(v, '-') && !strchr(v, ':')) {
		long long n = strtoll(v, &end, 10);
		if (*end || n < 0 || n > 253402300799LL)
			return ESEAL_EINVAL;
		*out = (time_t)n;
		return 0;
	}
	size_t n = strlen(v);
	if (n < 20 || (v[10] != 'T' && v[10] != 't' && v[10] != ' '))
		return ESEAL_EINVAL;
	const char *z = v + 19;
	if (*z == '.') /* fractions of a second do not matter here */
		for (z++; *z >= '0' && *z <= '9'; z++)
			;
	long off = 0;
	if ((*z == 'Z' || *z == 'z') && !z[1])
		off = 0;
	else if ((*z == '+' || *z == '-') && strlen(z) == 6 && z[3] == ':') {
		int hh = (z[1] - '0') * 10 + (z[2] - '0'), mm = (z[4] - '0') * 10 + (z[5] - '0');
		if (hh > 23 || mm > 59)
			return ESEAL_EINVAL;
		off = (hh * 3600L + mm * 60L) * (*z == '+' ? 1 : -1);
	} else
		return ESEAL_EINVAL;
	char b[32];
	snprintf(b, sizeof b, "%.10s %.8s", v, v + 11);
	time_t t;
	if (eseal_time_parse(&t, b))
		return ESEAL_EINVAL;
	*out = t - off;
	return 0;
}

/* Reads an integer query parameter in [lo, hi]; def when absent. */
static int query_int(srv_req *r, const char *name, long long def, long long lo, long long hi, long long *out)
{
	char v[32], *end;
	int rc = srv_query_get(r, name, v, sizeof v);
	if (rc == ESEAL_ENOTFOUND) {
		*out = def;
		return 0;
	}
	long long n = rc ? 0 : strtoll(v, &end, 10);
	if (rc || !*v || *end || n < lo || n > hi) {
		srv_problem(r, 400, "bad-query", "Bad Request", "%s must be an integer from %lld to %lld", name, lo, hi);
		return -1;
	}
	*out = n;
	return 0;
}

/* Text filters, kept in bufs so the filter can point at them. */
typedef struct {
	char actor[128], action[128], object[256];
} filter_bufs;

static int text_param(srv_req *r, const char *name, char *buf, size_t len, const char **out)
{
	int rc = srv_query_get(r, name, buf, len);
	if (rc == ESEAL_ENOTFOUND || (!rc && !*buf))
		return 0;
	if (rc) {
		srv_problem(r, 400, "bad-query", "Bad Request", "bad %s parameter", name);
		return -1;
	}
	*out = buf;
	return 0;
}

/* Fills f from the query; answers 400 and returns -1 on bad input. */
static int get_filter(srv_req *r, eseal_audit_filter *f, filter_bufs *b, long long def_limit)
{
	char t[64];
	long long v;
	if (text_param(r, "actor", b->actor, sizeof b->actor, &f->actor) ||
	    text_param(r, "action", b->action, sizeof b->action, &f->action) ||
	    text_param(r, "object", b->object, sizeof b->object, &f->object))
		return -1;
	static const char *tnames[2] = { "from", "to" };
	for (int i = 0; i < 2; i++) {
		int rc = srv_query_get(r, tnames[i], t, sizeof t);
		if (rc == ESEAL_ENOTFOUND || (!rc && !*t))
			continue;
		time_t tv;
		if (rc || parse_time(t, &tv)) {
			srv_problem(r, 400, "bad-query", "Bad Request",
				    "%s must be seconds since the epoch or an RFC 3339 time", tnames[i]);
			return -1;
		}
		if (i == 0)
			f->since = tv;
		else
			f->until = tv;
	}
	if (query_int(r, "after", -1, -1, 0x7fffffffffffffffLL, &v))
		return -1;
	f->after_seq = v;
	if (query_int(r, "limit", def_limit, 1, def_limit ? LIST_MAX : 0x7fffffffffffffffLL, &v))
		return -1;
	f->limit = v;
	return 0;
}

typedef struct {
	json_t *arr;
	int64_t last;
} list_ctx;

static int add_entry(const eseal_audit_entry *e, void *arg)
{
	list_ctx *c = arg;
	char leaf[65];
	eseal_hex_encode(leaf, e->leaf_hash, 32, 0);
	json_t *d = json_loads(e->details, JSON_DECODE_ANY, NULL);
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s?, s:s?, s:o, s:s, s:s}", "seq", (json_int_t)e->seq,
			      "time", (json_int_t)e->time, "actor", e->actor ? e->actor : "", "role",
			      e->role ? e->role : "", "action", e->action ? e->action : "", "object", e->object,
			      "request_id", e->request_id, "details", d ? d : json_null(), "leaf_hash", leaf,
			      "entry", e->json ? e->json : "");
	if (!o || json_array_append_new(c->arr, o))
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	c->last = e->seq;
	return 0;
}

/* An export: the file, then its audit entry; both or neither reach the caller. */
static void export_log(srv_req *r, eseal_store *db, const eseal_audit_filter *f, eseal_audit_format fmt)
{
	eseal_buf out = ESEAL_BUF_INIT;
	int rc = eseal_audit_export(db, f, fmt, &out);
	if (rc) {
		eseal_buf_free(&out);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot export the audit log");
		return;
	}
	json_t *d = json_pack("{s:s, s:s?, s:s?, s:s?, s:I, s:I, s:I, s:I, s:I}", "format",
			      fmt == ESEAL_AUDIT_CSV ? "csv" : "jsonl", "actor", f->actor, "action", f->action,
			      "object", f->object, "from", (json_int_t)f->since, "to", (json_int_t)f->until,
			      "after", (json_int_t)f->after_seq, "limit", (json_int_t)f->limit, "bytes",
			      (json_int_t)out.len);
	rc = d ? lc_audit(db, r, "audit.export", "audit", d) : ESEAL_ENOMEM;
	json_decref(d);
	if (rc) {
		eseal_buf_free(&out);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot record the export");
		return;
	}
	eseal_buf_clear(&r->out);
	if (eseal_buf_put(&r->out, out.data, out.len)) {
		eseal_buf_free(&out);
		srv_problem(r, 500, "internal", "Internal Server Error", "out of memory");
		return;
	}
	eseal_buf_free(&out);
	r->status = 200;
	if (fmt == ESEAL_AUDIT_CSV) {
		r->content_type = "text/csv; charset=utf-8; header=present";
		srv_add_header(r, "Content-Disposition", "attachment; filename=\"audit.csv\"");
	} else {
		r->content_type = "application/x-ndjson";
		srv_add_header(r, "Content-Disposition", "attachment; filename=\"audit.jsonl\"");
	}
}

void srv_h_audit_list(srv_req *r)
{
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	char fmt[16] = "json";
	int frc = srv_query_get(r, "format", fmt, sizeof fmt);
	int is_export = !frc && (!strcmp(fmt, "csv") || !strcmp(fmt, "jsonl"));
	if (frc == ESEAL_EINVAL || (!frc && !is_export && strcmp(fmt, "json"))) {
		srv_problem(r, 400, "bad-query", "Bad Request", "format must be json, csv or jsonl");
		lc_db_put(r, db);
		return;
	}
	eseal_audit_filter f = ESEAL_AUDIT_FILTER_INIT;
	filter_bufs b;
	if (get_filter(r, &f, &b, is_export ? 0 : LIST_DEFAULT)) {
		lc_db_put(r, db);
		return;
	}
	if (is_export) {
		export_log(r, db, &f, !strcmp(fmt, "csv") ? ESEAL_AUDIT_CSV : ESEAL_AUDIT_JSONL);
		lc_db_put(r, db);
		return;
	}
	list_ctx c = { json_array(), -1 };
	int64_t size = 0;
	int rc = eseal_audit_query(db, &f, add_entry, &c);
	if (!rc)
		rc = eseal_audit_size(db, &size);
	lc_db_put(r, db);
	if (rc) {
		json_decref(c.arr);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the audit log");
		return;
	}
	json_t *j = json_pack("{s:o, s:I}", "entries", c.arr, "tree_size", (json_int_t)size);
	/* a full page may have a next one */
	if ((int64_t)json_array_size(c.arr) == f.limit)
		json_object_set_new(j, "next_after", json_integer(c.last));
	srv_reply_json(r, 200, j);
}

void srv_h_audit_head(srv_req *r)
{
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	int64_t size = 0;
	uint8_t root[32];
	eseal_audit_head h;
	int rc = eseal_audit_size(db, &size);
	if (!rc)
		rc = eseal_audit_root(db, size, root);
	int hrc = rc ? rc : eseal_audit_head_latest(db, &h);
	lc_db_put(r, db);
	if (rc || (hrc && hrc != ESEAL_ENOTFOUND)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the audit log");
		return;
	}
	char hex[2 * sizeof h.sig + 1];
	eseal_hex_encode(hex, root, 32, 0);
	json_t *j = json_pack("{s:I, s:s}", "tree_size", (json_int_t)size, "root_hash", hex);
	if (!hrc) {
		char sig[2 * sizeof h.sig + 1];
		eseal_hex_encode(hex, h.root, 32, 0);
		eseal_hex_encode(sig, h.sig, h.siglen, 0);
		json_object_set_new(j, "signed_head",
				    json_pack("{s:I, s:s, s:I, s:s, s:s}", "tree_size", (json_int_t)h.tree_size,
					      "root_hash", hex, "timestamp", (json_int_t)h.timestamp, "key_id",
					      h.key_id, "signature", sig));
	} else {
		json_object_set_new(j, "signed_head", json_null());
	}
	srv_reply_json(r, 200, j);
}

static json_t *hashes_json(const eseal_buf *p)
{
	json_t *a = json_array();
	char hex[65];
	for (size_t i = 0; i + 32 <= p->len; i += 32) {
		eseal_hex_encode(hex, p->data + i, 32, 0);
		json_array_append_new(a, json_string(hex));
	}
	return a;
}

/* ?tree_size=N, default the log's current size; -1 after answering. */
static int64_t tree_size_param(srv_req *r, eseal_store *db)
{
	int64_t size;
	long long n;
	if (eseal_audit_size(db, &size)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the audit log");
		return -1;
	}
	if (query_int(r, "tree_size", size, 0, size, &n))
		return -1;
	return n;
}

void srv_h_audit_proof(srv_req *r)
{
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	const char *s = srv_param(r, "seq");
	char *end;
	long long seq = s && *s ? strtoll(s, &end, 10) : -1;
	if (!s || !*s || *end || seq < 0) {
		lc_db_put(r, db);
		srv_problem(r, 400, "bad-path", "Bad Request", "seq must be a non-negative integer");
		return;
	}
	int64_t n = tree_size_param(r, db);
	if (n < 0) {
		lc_db_put(r, db);
		return;
	}
	if (seq >= n) {
		lc_db_put(r, db);
		srv_problem(r, 404, "not-found", "Not Found", "no audit entry %lld in a tree of %lld", seq,
			    (long long)n);
		return;
	}
	eseal_buf p = ESEAL_BUF_INIT;
	uint8_t root[32];
	json_t *entry = json_array();
	list_ctx c = { entry, -1 };
	eseal_audit_filter f = ESEAL_AUDIT_FILTER_INIT;
	f.after_seq = seq - 1;
	f.limit = 1;
	int rc = eseal_audit_inclusion_proof(db, seq, n, &p);
	if (!rc)
		rc = eseal_audit_root(db, n, root);
	if (!rc)
		rc = eseal_audit_query(db, &f, add_entry, &c);
	lc_db_put(r, db);
	if (rc || json_array_size(entry) != 1) {
		eseal_buf_free(&p);
		json_decref(entry);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot build the proof");
		return;
	}
	char hex[65];
	eseal_hex_encode(hex, root, 32, 0);
	json_t *e = json_incref(json_array_get(entry, 0));
	json_decref(entry);
	srv_reply_json(r, 200,
		       json_pack("{s:I, s:I, s:s, s:O, s:O, s:o}", "seq", (json_int_t)seq, "tree_size",
				 (json_int_t)n, "root_hash", hex, "leaf_hash", json_object_get(e, "leaf_hash"),
				 "entry", json_object_get(e, "entry"), "proof", hashes_json(&p)));
	json_decref(e);
	eseal_buf_free(&p);
}

void srv_h_audit_consistency(srv_req *r)
{
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	int64_t n = tree_size_param(r, db);
	long long m1;
	if (n < 0 || query_int(r, "from", -1, 1, n, &m1)) {
		lc_db_put(r, db);
		return;
	}
	if (m1 < 0) {
		lc_db_put(r, db);
		srv_problem(r, 400, "bad-query", "Bad Request", "from=N (1 to %lld) is required", (long long)n);
		return;
	}
	eseal_buf p = ESEAL_BUF_INIT;
	uint8_t r1[32], r2[32];
	int rc = eseal_audit_consistency_proof(db, m1, n, &p);
	if (!rc)
		rc = eseal_audit_root(db, m1, r1);
	if (!rc)
		rc = eseal_audit_root(db, n, r2);
	lc_db_put(r, db);
	if (rc) {
		eseal_buf_free(&p);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot build the proof");
		return;
	}
	char h1[65], h2[65];
	eseal_hex_encode(h1, r1, 32, 0);
	eseal_hex_encode(h2, r2, 32, 0);
	srv_reply_json(r, 200,
		       json_pack("{s:I, s:I, s:s, s:s, s:o}", "from", (json_int_t)m1, "tree_size", (json_int_t)n,
				 "from_root_hash", h1, "root_hash", h2, "proof", hashes_json(&p)));
	eseal_buf_free(&p);
}
