/*
 * verify.c - proves that nothing in the audit log was changed, removed or
 * reordered: every leaf is recomputed from the stored entry text (the stored
 * leaf hashes are never trusted), every signed tree head is checked against
 * the recomputed root for its size, its signature, and consistency with the
 * previous head. Reads only; never repairs anything.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"

static void problem(eseal_audit_report *r, int64_t seq, const char *fmt, ...)
{
	if (!r->problems++) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->first_problem, sizeof r->first_problem, fmt, ap);
		va_end(ap);
	}
	if (seq >= 0 && (r->bad_seq < 0 || seq < r->bad_seq))
		r->bad_seq = seq;
}

/* The indexed columns must say what the signed entry says, and the entry
 * must be in canonical form (what append wrote). */
static int entry_matches(eseal_stmt *st, const char *entry)
{
	json_error_t jerr;
	json_t *o = json_loads(entry, JSON_REJECT_DUPLICATES, &jerr);
	int ok = 0;
	if (!o || !json_is_object(o))
		goto out;
	char *again = json_dumps(o, AUDIT_JSON_FLAGS);
	ok = again && !strcmp(again, entry);
	free(again);
	if (!ok)
		goto out;
	char iso[32];
	static const char *const names[] = { "actor", "role", "action", "object", "request_id" };
	static const int cols[] = { 2, 3, 4, 5, 6 };
	json_t *seq = json_object_get(o, "seq"), *t = json_object_get(o, "time");
	ok = json_is_integer(seq) && json_integer_value(seq) == eseal_stmt_int64(st, 0) &&
	     json_is_string(t) && !audit_iso_time(iso, eseal_stmt_int64(st, 1)) &&
	     !strcmp(iso, json_string_value(t)) && json_object_size(o) == 8;
	for (int i = 0; ok && i < 5; i++) {
		json_t *v = json_object_get(o, names[i]);
		const char *c = eseal_stmt_text(st, cols[i]);
		ok = json_is_string(v) && c && !strcmp(c, json_string_value(v));
	}
out:
	json_decref(o);
	return ok;
}

typedef struct {
	eseal_audit_head *heads;
	size_t nheads, next;      /* next head to reach */
	int64_t prev_good;        /* index of the last head that checked out, -1 */
	const eseal_key *pub;
	eseal_merkle *tree;
	eseal_audit_report *r;
} walk;

/* The log has reached the size of heads[w->next]: check that head. */
static int check_head(walk *w)
{
	eseal_audit_head *h = &w->heads[w->next];
	uint8_t root[32];
	w->r->heads++;
	if (h->tree_size < 0) {
		problem(w->r, -1, "a tree head has the impossible size %lld", (long long)h->tree_size);
		w->next++;
		return 0;
	}
	int ok = 1, rc = eseal_merkle_root(w->tree, (uint64_t)h->tree_size, root);
	if (rc)
		return rc;
	if (eseal_ct_memcmp(root, h->root, 32)) {
		problem(w->r, -1, "signed tree head for size %lld does not match the entries "
			"(an entry before it was changed, removed or reordered)", (long long)h->tree_size);
		ok = 0;
	}
	if (w->pub && (rc = eseal_audit_head_verify(h, w->pub))) {
		if (rc != ESEAL_EVERIFY)
			return rc;
		problem(w->r, -1, "%s", eseal_error_last());
		ok = 0;
	}
	if (ok && w->prev_good >= 0) {
		const eseal_audit_head *p = &w->heads[w->prev_good];
		eseal_buf proof = ESEAL_BUF_INIT;
		rc = eseal_merkle_consistency_proof(w->tree, (uint64_t)p->tree_size, (uint64_t)h->tree_size, &proof);
		if (!rc && eseal_merkle_verify_consistency((uint64_t)p->tree_size, (uint64_t)h->tree_size,
							   p->root, h->root, proof.data, proof.len)) {
			problem(w->r, -1, "tree heads %lld and %lld are not consistent",
				(long long)p->tree_size, (long long)h->tree_size);
			ok = 0;
		}
		eseal_buf_free(&proof);
		if (rc)
			return rc;
	}
	if (ok) {
		w->r->heads_ok++;
		w->prev_good = (int64_t)w->next;
	}
	w->next++;
	return 0;
}

int eseal_audit_verify(eseal_store *s, const eseal_key *pub, eseal_audit_report *r)
{
	walk w;
	memset(r, 0, sizeof *r);
	memset(&w, 0, sizeof w);
	r->bad_seq = -1;
	r->signatures_checked = pub != NULL;
	w.pub = pub;
	w.r = r;
	w.prev_good = -1;
	int64_t stated = 0;
	eseal_stmt *st = NULL;
	int rc = audit_heads_all(s, &w.heads, &w.nheads);
	if (!rc)
		rc = eseal_audit_size(s, &stated);
	if (!rc)
		rc = eseal_merkle_new(&w.tree);
	if (!rc)
		rc = eseal_store_prepare(s, &st, "SELECT seq, at, actor, role, action, object, request_id, "
					 "entry, leaf_hash FROM audit_entries ORDER BY seq");
	/* Heads for the empty tree come first. */
	while (!rc && w.next < w.nheads && w.heads[w.next].tree_size <= 0)
		rc = check_head(&w);
	int64_t expect = 0;
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		rc = 0;
		int64_t seq = eseal_stmt_int64(st, 0);
		const char *entry = eseal_stmt_text(st, 7);
		size_t hl;
		const uint8_t *stored = eseal_stmt_blob(st, 8, &hl);
		uint8_t leaf[32];
		if (seq != expect) {
			if (seq > expect)
				problem(r, expect, "entries %lld to %lld are missing", (long long)expect,
					(long long)seq - 1);
			else
				problem(r, seq, "entry %lld is out of order", (long long)seq);
		}
		expect = seq + 1;
		if (!entry) {
			problem(r, seq, "entry %lld has no text", (long long)seq);
			entry = "";
		}
		eseal_merkle_leaf_hash(leaf, entry, strlen(entry));
		if (!stored || hl != 32 || eseal_ct_memcmp(leaf, stored, 32))
			problem(r, seq, "entry %lld was changed (its hash does not match)", (long long)seq);
		else if (!entry_matches(st, entry))
			problem(r, seq, "entry %lld: the stored fields differ from the hashed entry", (long long)seq);
		if ((rc = eseal_merkle_add(w.tree, leaf)))
			break;
		r->entries++;
		while (!rc && w.next < w.nheads && w.heads[w.next].tree_size == r->entries)
			rc = check_head(&w);
		/* A head whose size was skipped over cannot be placed. */
		while (!rc && w.next < w.nheads && w.heads[w.next].tree_size < r->entries) {
			problem(r, -1, "tree head for size %lld is out of place", (long long)w.heads[w.next].tree_size);
			w.next++;
		}
	}
	eseal_stmt_free(st);
	if (rc < 0)
		goto out;
	rc = 0;
	for (; w.next < w.nheads; w.next++) {
		r->heads++;
		problem(r, r->entries, "a signed tree head covers %lld entries but the log holds %lld "
			"(entries were removed)", (long long)w.heads[w.next].tree_size, (long long)r->entries);
	}
	if (stated != r->entries)
		problem(r, stated < r->entries ? stated : r->entries,
			"the log records %lld entries but holds %lld", (long long)stated, (long long)r->entries);
	r->uncovered = r->entries - (w.prev_good >= 0 ? w.heads[w.prev_good].tree_size : 0);
	if (r->problems)
		rc = eseal_error_set(ESEAL_EVERIFY, "audit log: %s", r->first_problem);
out:
	free(w.heads);
	eseal_merkle_free(w.tree);
	return rc;
}
