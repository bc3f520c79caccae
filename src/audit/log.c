/*
 * log.c - appending to the audit log, signed tree heads and proofs read
 * from the store. Entries are only ever inserted: nothing here updates or
 * deletes an entry or a head, and the sequence number is taken under the
 * audit_state row lock so it stays gap-free with concurrent writers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit_internal.h"

int audit_iso_time(char out[32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return eseal_error_set(ESEAL_EINVAL, "audit: time out of range");
	return 0;
}

char *audit_entry_json(int64_t seq, int64_t t, const char *actor, const char *role,
		       const char *action, const char *object, json_t *details, const char *request_id)
{
	char iso[32];
	if (audit_iso_time(iso, t))
		return NULL;
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "seq", json_integer(seq));
	json_object_set_new(o, "time", json_string(iso));
	json_object_set_new(o, "actor", json_string(actor));
	json_object_set_new(o, "role", json_string(role));
	json_object_set_new(o, "action", json_string(action));
	json_object_set_new(o, "object", json_string(object));
	json_object_set(o, "details", details ? details : json_null());
	json_object_set_new(o, "request_id", json_string(request_id));
	char *s = json_dumps(o, AUDIT_JSON_FLAGS);
	json_decref(o);
	return s;
}

int eseal_audit_append(eseal_store *s, const eseal_audit_event *ev, int64_t *seq_out)
{
	if (!ev || !ev->action || !*ev->action)
		return eseal_error_set(ESEAL_EINVAL, "audit: an entry needs an action");
	json_t *details = NULL;
	if (ev->details && *ev->details) {
		json_error_t jerr;
		details = json_loads(ev->details, JSON_REJECT_DUPLICATES, &jerr);
		if (!details || !json_is_object(details)) {
			json_decref(details);
			return eseal_error_set(ESEAL_EINVAL, "audit: details must be a JSON object");
		}
	}
	const char *actor = ev->actor ? ev->actor : "";
	const char *role = ev->role ? ev->role : "";
	const char *object = ev->object ? ev->object : "";
	const char *reqid = ev->request_id ? ev->request_id : "";
	int64_t t = ev->time ? (int64_t)ev->time : (int64_t)time(NULL);
	int own = !eseal_store_in_tx(s), rc = 0;
	char *entry = NULL;
	if (own && (rc = eseal_store_begin(s))) {
		json_decref(details);
		return rc;
	}
	/* The row lock on audit_state orders concurrent writers: the next
	 * one waits until this transaction ends, so seq has no gaps. */
	int64_t size = 0;
	rc = eseal_store_query_int(s, &size, "UPDATE audit_state SET size = size + 1 WHERE id = 1 "
				   "RETURNING size", "");
	if (rc == ESEAL_ENOTFOUND)
		rc = eseal_error_set(ESEAL_EFORMAT, "audit: the audit_state row is missing");
	int64_t seq = size - 1;
	if (!rc && !(entry = audit_entry_json(seq, t, actor, role, ev->action, object, details, reqid)))
		rc = eseal_error_code() ? eseal_error_code() : eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (!rc) {
		uint8_t leaf[32];
		eseal_merkle_leaf_hash(leaf, entry, strlen(entry));
		int64_t n = eseal_store_run(s, "INSERT INTO audit_entries (seq, at, actor, role, action, "
					    "object, request_id, entry, leaf_hash) VALUES "
					    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", "iittttttb",
					    seq, t, actor, role, ev->action, object, reqid, entry,
					    (const void *)leaf, (size_t)32);
		rc = n < 0 ? (int)n : 0;
	}
	free(entry);
	json_decref(details);
	if (own) {
		if (rc)
			eseal_store_rollback(s);
		else
			rc = eseal_store_commit(s);
	}
	if (!rc && seq_out)
		*seq_out = seq;
	return rc;
}

int eseal_audit_size(eseal_store *s, int64_t *out)
{
	return eseal_store_query_int(s, out, "SELECT size FROM audit_state WHERE id = 1", "");
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

void eseal_audit_head_tbs(const eseal_audit_head *h, uint8_t out[64])
{
	memcpy(out, "ESEAL-AUDIT-STH1", 16);
	put64(out + 16, (uint64_t)h->tree_size);
	put64(out + 24, (uint64_t)h->timestamp);
	memcpy(out + 32, h->root, 32);
}

int audit_key_id(const eseal_key *k, char out[65])
{
	eseal_buf spki = ESEAL_BUF_INIT;
	uint8_t d[32];
	int rc = eseal_key_spki(k, &spki);
	if (!rc) {
		eseal_sm3(d, spki.data, spki.len);
		eseal_hex_encode(out, d, 32, 0);
	}
	eseal_buf_free(&spki);
	return rc;
}

/* Streams the stored leaf hashes of entries [0, n) into fn. */
int audit_each_leaf(eseal_store *s, int64_t n, void (*fn)(const uint8_t leaf[32], void *arg), void *arg)
{
	eseal_stmt *st;
	int rc = eseal_store_prepare(s, &st, "SELECT seq, leaf_hash FROM audit_entries WHERE seq < ?1 "
				     "ORDER BY seq");
	if (rc)
		return rc;
	int64_t expect = 0;
	if (!(rc = eseal_stmt_bind_int64(st, 1, n))) {
		while ((rc = eseal_stmt_step(st)) == 1) {
			size_t len;
			const uint8_t *h = eseal_stmt_blob(st, 1, &len);
			if (eseal_stmt_int64(st, 0) != expect || !h || len != 32) {
				rc = eseal_error_set(ESEAL_EVERIFY, "audit: the log is damaged at entry %lld "
						     "(run 'eseal audit verify')", (long long)expect);
				break;
			}
			fn(h, arg);
			expect++;
		}
	}
	eseal_stmt_free(st);
	if (rc < 0)
		return rc;
	if (expect != n)
		return eseal_error_set(ESEAL_EVERIFY, "audit: the log has %lld entries, not %lld",
				       (long long)expect, (long long)n);
	return 0;
}

static void add_frontier(const uint8_t leaf[32], void *arg)
{
	eseal_merkle_frontier_add(arg, leaf);
}

int eseal_audit_root(eseal_store *s, int64_t n, uint8_t root[32])
{
	eseal_merkle_frontier f;
	eseal_merkle_frontier_init(&f);
	if (n < 0)
		return eseal_error_set(ESEAL_EINVAL, "audit: negative tree size");
	int rc = audit_each_leaf(s, n, add_frontier, &f);
	if (!rc)
		eseal_merkle_frontier_root(&f, root);
	return rc;
}

static int read_head(eseal_stmt *st, eseal_audit_head *h)
{
	size_t rl, sl;
	memset(h, 0, sizeof *h);
	h->tree_size = eseal_stmt_int64(st, 0);
	const uint8_t *r = eseal_stmt_blob(st, 1, &rl);
	h->timestamp = eseal_stmt_int64(st, 2);
	const char *kid = eseal_stmt_text(st, 3);
	const uint8_t *sig = eseal_stmt_blob(st, 4, &sl);
	if (!r || rl != 32 || !sig || sl > sizeof h->sig || !kid || strlen(kid) > 64)
		return eseal_error_set(ESEAL_EFORMAT, "audit: malformed tree head for size %lld",
				       (long long)h->tree_size);
	memcpy(h->root, r, 32);
	memcpy(h->sig, sig, sl);
	h->siglen = sl;
	snprintf(h->key_id, sizeof h->key_id, "%s", kid);
	return 0;
}

static int head_query(eseal_store *s, const char *sql, int64_t size, eseal_audit_head *out)
{
	eseal_stmt *st;
	int rc = eseal_store_prepare(s, &st, sql);
	if (rc)
		return rc;
	if (size >= 0)
		rc = eseal_stmt_bind_int64(st, 1, size);
	if (!rc) {
		rc = eseal_stmt_step(st);
		if (rc == 1)
			rc = read_head(st, out);
		else if (rc == 0)
			rc = eseal_error_set(ESEAL_ENOTFOUND, "audit: no signed tree head");
	}
	eseal_stmt_free(st);
	return rc;
}

#define HEAD_COLS "SELECT tree_size, root_hash, at, key_id, signature FROM audit_heads "

int eseal_audit_head_latest(eseal_store *s, eseal_audit_head *out)
{
	return head_query(s, HEAD_COLS "ORDER BY tree_size DESC LIMIT 1", -1, out);
}

int eseal_audit_head_get(eseal_store *s, int64_t tree_size, eseal_audit_head *out)
{
	return head_query(s, HEAD_COLS "WHERE tree_size = ?1", tree_size, out);
}

int audit_heads_all(eseal_store *s, eseal_audit_head **out, size_t *n)
{
	eseal_stmt *st;
	eseal_buf b = ESEAL_BUF_INIT;
	*out = NULL;
	*n = 0;
	int rc = eseal_store_prepare(s, &st, HEAD_COLS "ORDER BY tree_size");
	if (rc)
		return rc;
	while ((rc = eseal_stmt_step(st)) == 1) {
		eseal_audit_head h;
		if ((rc = read_head(st, &h)) || (rc = eseal_buf_put(&b, &h, sizeof h)))
			break;
	}
	eseal_stmt_free(st);
	if (rc < 0) {
		free(b.data);
		return rc;
	}
	*out = (eseal_audit_head *)b.data;
	*n = b.len / sizeof(eseal_audit_head);
	return 0;
}

int eseal_audit_head_verify(const eseal_audit_head *h, const eseal_key *key)
{
	uint8_t tbs[64];
	char kid[65];
	int rc = audit_key_id(key, kid);
	if (rc)
		return rc;
	if (strcmp(kid, h->key_id))
		return eseal_error_set(ESEAL_EVERIFY, "audit: tree head %lld was signed by another key",
				       (long long)h->tree_size);
	eseal_audit_head_tbs(h, tbs);
	rc = eseal_key_verify(key, tbs, sizeof tbs, h->sig, h->siglen);
	if (rc == ESEAL_EVERIFY)
		eseal_error_set(ESEAL_EVERIFY, "audit: tree head %lld: bad signature", (long long)h->tree_size);
	return rc;
}

int eseal_audit_sign_head(eseal_store *s, const eseal_key *key, eseal_audit_head *out)
{
	eseal_audit_head h;
	int64_t size;
	memset(&h, 0, sizeof h);
	if (!eseal_key_has_private(key))
		return eseal_error_set(ESEAL_EINVAL, "audit: signing tree heads needs a private key");
	int rc = eseal_audit_size(s, &size);
	if (rc)
		return rc;
	rc = eseal_audit_head_get(s, size, out);
	if (rc != ESEAL_ENOTFOUND)
		return rc;
	h.tree_size = size;
	h.timestamp = (int64_t)time(NULL);
	if ((rc = eseal_audit_root(s, size, h.root)) || (rc = audit_key_id(key, h.key_id)))
		return rc;
	uint8_t tbs[64];
	eseal_buf sig = ESEAL_BUF_INIT;
	eseal_audit_head_tbs(&h, tbs);
	rc = eseal_key_sign(key, tbs, sizeof tbs, &sig);
	if (!rc && sig.len > sizeof h.sig)
		rc = eseal_error_set(ESEAL_ELIMIT, "audit: signature too long");
	if (!rc) {
		memcpy(h.sig, sig.data, sig.len);
		h.siglen = sig.len;
		/* Another writer may have signed this size first: keep theirs. */
		int64_t n = eseal_store_run(s, "INSERT INTO audit_heads (tree_size, root_hash, at, key_id, "
					    "signature) VALUES (?1, ?2, ?3, ?4, ?5) "
					    "ON CONFLICT (tree_size) DO NOTHING", "ibitb",
					    h.tree_size, (const void *)h.root, (size_t)32, h.timestamp,
					    h.key_id, (const void *)h.sig, h.siglen);
		rc = n < 0 ? (int)n : 0;
	}
	eseal_buf_free(&sig);
	if (!rc)
		rc = eseal_audit_head_get(s, size, out);
	return rc;
}

static void add_tree(const uint8_t leaf[32], void *arg)
{
	eseal_merkle **m = arg;
	if (*m && eseal_merkle_add(*m, leaf)) {
		eseal_merkle_free(*m);
		*m = NULL;
	}
}

static int load_tree(eseal_store *s, int64_t n, eseal_merkle **out)
{
	int rc = eseal_merkle_new(out);
	if (!rc)
		rc = audit_each_leaf(s, n, add_tree, out);
	if (!rc && !*out)
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (rc) {
		eseal_merkle_free(*out);
		*out = NULL;
	}
	return rc;
}

int eseal_audit_inclusion_proof(eseal_store *s, int64_t seq, int64_t tree_size, eseal_buf *out)
{
	eseal_merkle *m = NULL;
	if (seq < 0 || tree_size <= seq)
		return eseal_error_set(ESEAL_EINVAL, "audit: entry %lld is not in a tree of %lld",
				       (long long)seq, (long long)tree_size);
	int rc = load_tree(s, tree_size, &m);
	if (!rc)
		rc = eseal_merkle_inclusion_proof(m, (uint64_t)seq, (uint64_t)tree_size, out);
	eseal_merkle_free(m);
	return rc;
}

int eseal_audit_consistency_proof(eseal_store *s, int64_t m1, int64_t n, eseal_buf *out)
{
	eseal_merkle *m = NULL;
	if (m1 < 0 || n < m1)
		return eseal_error_set(ESEAL_EINVAL, "audit: no consistency proof from %lld to %lld",
				       (long long)m1, (long long)n);
	int rc = load_tree(s, n, &m);
	if (!rc)
		rc = eseal_merkle_consistency_proof(m, (uint64_t)m1, (uint64_t)n, out);
	eseal_merkle_free(m);
	return rc;
}
