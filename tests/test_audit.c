/*
 * test_audit.c - the audit log: the Merkle tree against a naive reference
 * written from RFC 9162 in this file, the log on SQLite and PostgreSQL,
 * tamper detection, concurrent writers, queries and exports, and speed.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "eseal/audit.h"
#include "eseal/store.h"
#include "store_backends.h"

/* --- the reference: RFC 9162 section 2.1 taken literally --- */

static void ref_leaf(uint8_t out[32], const void *d, size_t n)
{
	uint8_t b[256];
	b[0] = 0;
	memcpy(b + 1, d, n);
	eseal_sm3(out, b, n + 1);
}

static void ref_node(uint8_t out[32], const uint8_t l[32], const uint8_t r[32])
{
	uint8_t b[65];
	b[0] = 1;
	memcpy(b + 1, l, 32);
	memcpy(b + 33, r, 32);
	eseal_sm3(out, b, 65);
}

static size_t ref_k(size_t n)
{
	size_t k = 1;
	while (k * 2 < n)
		k *= 2;
	return k;
}

static void ref_mth(const uint8_t (*d)[32], size_t n, uint8_t out[32])
{
	if (n == 0) {
		eseal_sm3(out, "", 0);
		return;
	}
	if (n == 1) {
		memcpy(out, d[0], 32);
		return;
	}
	size_t k = ref_k(n);
	uint8_t l[32], r[32];
	ref_mth(d, k, l);
	ref_mth(d + k, n - k, r);
	ref_node(out, l, r);
}

static void ref_path(size_t m, const uint8_t (*d)[32], size_t n, eseal_buf *out)
{
	if (n <= 1)
		return;
	size_t k = ref_k(n);
	uint8_t h[32];
	if (m < k) {
		ref_path(m, d, k, out);
		ref_mth(d + k, n - k, h);
	} else {
		ref_path(m - k, d + k, n - k, out);
		ref_mth(d, k, h);
	}
	eseal_buf_put(out, h, 32);
}

static void ref_subproof(size_t m, const uint8_t (*d)[32], size_t n, int b, eseal_buf *out)
{
	uint8_t h[32];
	if (m == n) {
		if (!b) {
			ref_mth(d, n, h);
			eseal_buf_put(out, h, 32);
		}
		return;
	}
	size_t k = ref_k(n);
	if (m <= k) {
		ref_subproof(m, d, k, b, out);
		ref_mth(d + k, n - k, h);
	} else {
		ref_subproof(m - k, d + k, n - k, 0, out);
		ref_mth(d, k, h);
	}
	eseal_buf_put(out, h, 32);
}

static void merkle_reference(void)
{
	NOT_IN_PG_RUN();
	static uint8_t leaves[64][32];
	for (int i = 0; i < 64; i++) {
		char s[32];
		int n = snprintf(s, sizeof s, "leaf %d", i);
		ref_leaf(leaves[i], s, (size_t)n);
		uint8_t mine[32];
		eseal_merkle_leaf_hash(mine, s, (size_t)n);
		CHECK(!memcmp(mine, leaves[i], 32));
	}
	/* The empty tree is SM3 of nothing. */
	static const uint8_t sm3_empty[32] = {
		0x1a, 0xb2, 0x1d, 0x83, 0x55, 0xcf, 0xa1, 0x7f, 0x8e, 0x61, 0x19, 0x48, 0x31, 0xe8, 0x1a, 0x8f,
		0x22, 0xbe, 0xc8, 0xc7, 0x28, 0xfe, 0xfb, 0x74, 0x7e, 0xd0, 0x35, 0xeb, 0x50, 0x82, 0xaa, 0x2b };
	eseal_merkle_frontier f;
	eseal_merkle_frontier_init(&f);
	uint8_t root[32], ref[32], roots[65][32];
	eseal_merkle_frontier_root(&f, root);
	CHECK(!memcmp(root, sm3_empty, 32));
	eseal_merkle *m = NULL;
	CHECK_OK(eseal_merkle_new(&m));
	memcpy(roots[0], sm3_empty, 32);
	for (size_t n = 1; n <= 64; n++) {
		eseal_merkle_frontier_add(&f, leaves[n - 1]);
		CHECK_OK(eseal_merkle_add(m, leaves[n - 1]));
		ref_mth(leaves, n, ref);
		memcpy(roots[n], ref, 32);
		eseal_merkle_frontier_root(&f, root);
		CHECK(!memcmp(root, ref, 32));
		CHECK_OK(eseal_merkle_root(m, n, root));
		CHECK(!memcmp(root, ref, 32));
	}
	CHECK_EQ_INT(eseal_merkle_size(m), 64);
	CHECK_EQ_INT(eseal_merkle_root(m, 65, root), ESEAL_EINVAL);
	int bad = 0;
	for (size_t n = 1; n <= 64; n++) {
		for (size_t i = 0; i < n; i++) {
			eseal_buf p = ESEAL_BUF_INIT, r = ESEAL_BUF_INIT;
			CHECK_OK(eseal_merkle_inclusion_proof(m, i, n, &p));
			ref_path(i, leaves, n, &r);
			bad += p.len != r.len || (p.len && memcmp(p.data, r.data, p.len));
			bad += eseal_merkle_verify_inclusion(leaves[i], i, n, p.data, p.len, roots[n]) != 0;
			/* Wrong leaf, wrong index, wrong root, flipped bit, cut short. (A
			 * wrong tree size can share the proof's shape, so it is no test.) */
			bad += eseal_merkle_verify_inclusion(leaves[(i + 1) % 64], i, n, p.data, p.len, roots[n]) == 0;
			if (n > 1)
				bad += eseal_merkle_verify_inclusion(leaves[i], (i + 1) % n, n, p.data, p.len, roots[n]) == 0;
			bad += eseal_merkle_verify_inclusion(leaves[i], i, n, p.data, p.len, roots[n > 1 ? n - 1 : 2]) == 0;
			if (p.len) {
				p.data[p.len / 2] ^= 0x10;
				bad += eseal_merkle_verify_inclusion(leaves[i], i, n, p.data, p.len, roots[n]) == 0;
				p.data[p.len / 2] ^= 0x10;
				bad += eseal_merkle_verify_inclusion(leaves[i], i, n, p.data, p.len - 32, roots[n]) == 0;
			}
			eseal_buf_free(&p);
			eseal_buf_free(&r);
		}
		for (size_t k = 0; k <= n; k++) {
			eseal_buf p = ESEAL_BUF_INIT, r = ESEAL_BUF_INIT;
			CHECK_OK(eseal_merkle_consistency_proof(m, k, n, &p));
			if (k > 0 && k < n)
				ref_subproof(k, leaves, n, 1, &r);
			bad += p.len != r.len || (p.len && memcmp(p.data, r.data, p.len));
			bad += eseal_merkle_verify_consistency(k, n, roots[k], roots[n], p.data, p.len) != 0;
			if (k > 0 && k < n) {
				/* Roots swapped, another old root, a flipped bit, cut short. */
				bad += eseal_merkle_verify_consistency(k, n, roots[n], roots[k], p.data, p.len) == 0;
				bad += eseal_merkle_verify_consistency(k, n, roots[k - 1], roots[n], p.data, p.len) == 0;
				p.data[0] ^= 1;
				bad += eseal_merkle_verify_consistency(k, n, roots[k], roots[n], p.data, p.len) == 0;
				p.data[0] ^= 1;
				bad += eseal_merkle_verify_consistency(k, n, roots[k], roots[n], p.data, p.len - 32) == 0;
			}
			eseal_buf_free(&p);
			eseal_buf_free(&r);
		}
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(eseal_merkle_verify_consistency(3, 3, roots[3], roots[4], NULL, 0), ESEAL_EVERIFY);
	eseal_merkle_free(m);
}

/* --- the log in a store --- */

static eseal_key *the_key, *other_key;
static void free_keys(void)
{
	eseal_key_free(the_key);
	eseal_key_free(other_key);
}

static eseal_key *key(void)
{
	if (!the_key) {
		eseal_key_generate(&the_key, ESEAL_KEY_SM2);
		eseal_key_generate(&other_key, ESEAL_KEY_SM2);
		atexit(free_keys);
	}
	return the_key;
}

static void append(eseal_store *s, const char *actor, const char *action, const char *object,
		   const char *details, time_t t, int64_t *seq)
{
	eseal_audit_event ev = { actor, "keeper", action, object, details, "req-1", t };
	CHECK_OK(eseal_audit_append(s, &ev, seq));
}

static void log_basic(int pg)
{
	eseal_store *s = tdb_open(pg);
	int64_t seq = -1;
	append(s, "alice", "seal.create", "seal:E1", "{\"b\":\"x\",\"a\":1}", 1700000000, &seq);
	CHECK_EQ_INT(seq, 0);
	eseal_stmt *st = NULL;
	CHECK_OK(eseal_store_prepare(s, &st, "SELECT entry FROM audit_entries WHERE seq = 0"));
	REQUIRE(eseal_stmt_step(st) == 1);
	CHECK_EQ_STR(eseal_stmt_text(st, 0),
		     "{\"action\":\"seal.create\",\"actor\":\"alice\",\"details\":{\"a\":1,\"b\":\"x\"},"
		     "\"object\":\"seal:E1\",\"request_id\":\"req-1\",\"role\":\"keeper\",\"seq\":0,"
		     "\"time\":\"2023-11-14T22:13:20Z\"}");
	eseal_stmt_free(st);
	for (int i = 1; i < 20; i++) {
		append(s, i % 3 ? "alice" : "bob", "seal.use", "seal:E1", NULL, 1700000000 + i, &seq);
		CHECK_EQ_INT(seq, i);
		if (i == 6) {
			eseal_audit_head h7;
			CHECK_OK(eseal_audit_sign_head(s, key(), &h7));
			CHECK_EQ_INT(h7.tree_size, 7);
		}
	}
	eseal_audit_head h, again, h7;
	CHECK_OK(eseal_audit_sign_head(s, key(), &h));
	CHECK_EQ_INT(h.tree_size, 20);
	CHECK_OK(eseal_audit_head_verify(&h, key()));
	CHECK_EQ_INT(eseal_audit_head_verify(&h, other_key), ESEAL_EVERIFY);
	/* No new entries: the same head comes back. */
	CHECK_OK(eseal_audit_sign_head(s, key(), &again));
	CHECK(!memcmp(&h, &again, sizeof h));
	CHECK_OK(eseal_audit_head_latest(s, &again));
	CHECK(!memcmp(&h, &again, sizeof h));
	CHECK_OK(eseal_audit_head_get(s, 7, &h7));
	CHECK_EQ_INT(eseal_audit_head_get(s, 8, &again), ESEAL_ENOTFOUND);
	uint8_t root[32];
	CHECK_OK(eseal_audit_root(s, 7, root));
	CHECK(!memcmp(root, h7.root, 32));
	CHECK_EQ_INT(eseal_audit_root(s, 21, root), ESEAL_EVERIFY);

	/* Proofs from the store check out against the signed roots. */
	eseal_buf p = ESEAL_BUF_INIT;
	uint8_t leaf[32];
	CHECK_OK(eseal_store_prepare(s, &st, "SELECT entry FROM audit_entries WHERE seq = 5"));
	REQUIRE(eseal_stmt_step(st) == 1);
	const char *e5 = eseal_stmt_text(st, 0);
	eseal_merkle_leaf_hash(leaf, e5, strlen(e5));
	eseal_stmt_free(st);
	CHECK_OK(eseal_audit_inclusion_proof(s, 5, 20, &p));
	CHECK_OK(eseal_merkle_verify_inclusion(leaf, 5, 20, p.data, p.len, h.root));
	p.len = 0;
	CHECK_OK(eseal_audit_inclusion_proof(s, 5, 7, &p));
	CHECK_OK(eseal_merkle_verify_inclusion(leaf, 5, 7, p.data, p.len, h7.root));
	p.len = 0;
	CHECK_OK(eseal_audit_consistency_proof(s, 7, 20, &p));
	CHECK_OK(eseal_merkle_verify_consistency(7, 20, h7.root, h.root, p.data, p.len));
	CHECK_EQ_INT(eseal_audit_inclusion_proof(s, 20, 20, &p), ESEAL_EINVAL);
	eseal_buf_free(&p);

	eseal_audit_report r;
	CHECK_OK(eseal_audit_verify(s, key(), &r));
	CHECK_EQ_INT(r.entries, 20);
	CHECK_EQ_INT(r.heads, 2);
	CHECK_EQ_INT(r.heads_ok, 2);
	CHECK_EQ_INT(r.problems, 0);
	CHECK_EQ_INT(r.bad_seq, -1);
	CHECK_EQ_INT(r.uncovered, 0);
	CHECK(r.signatures_checked);
	append(s, "carol", "user.login", "", NULL, 0, NULL);
	CHECK_OK(eseal_audit_verify(s, NULL, &r));
	CHECK_EQ_INT(r.uncovered, 1);
	CHECK(!r.signatures_checked);
	int64_t n = 0;
	CHECK_OK(eseal_audit_size(s, &n));
	CHECK_EQ_INT(n, 21);

	/* Inside the caller's transaction: undone with it, kept with it. */
	CHECK_OK(eseal_store_begin(s));
	append(s, "x", "seal.create", "seal:E9", NULL, 0, &seq);
	CHECK_EQ_INT(seq, 21);
	CHECK_OK(eseal_store_rollback(s));
	CHECK_OK(eseal_audit_size(s, &n));
	CHECK_EQ_INT(n, 21);
	CHECK_OK(eseal_store_begin(s));
	CHECK_OK(eseal_store_setting_set(s, "with", "audit"));
	append(s, "x", "setting.set", "setting:with", NULL, 0, &seq);
	CHECK_OK(eseal_store_commit(s));
	CHECK_EQ_INT(seq, 21);
	CHECK_OK(eseal_audit_verify(s, key(), &r));
	CHECK_EQ_INT(r.entries, 22);

	/* Bad events are refused. */
	eseal_audit_event bad = { "a", "r", NULL, NULL, NULL, NULL, 0 };
	CHECK_EQ_INT(eseal_audit_append(s, &bad, NULL), ESEAL_EINVAL);
	bad.action = "x";
	bad.details = "[1,2]";
	CHECK_EQ_INT(eseal_audit_append(s, &bad, NULL), ESEAL_EINVAL);
	bad.details = "{not json";
	CHECK_EQ_INT(eseal_audit_append(s, &bad, NULL), ESEAL_EINVAL);
	CHECK_OK(eseal_audit_size(s, &n));
	CHECK_EQ_INT(n, 22);
	eseal_store_close(s);
}
BOTH(log_basic)

/* --- tampering: a fresh log of 12 entries with heads at 4, 8 and 12 --- */

static eseal_store *tamper_log(int pg)
{
	eseal_store *s = tdb_open(pg);
	for (int i = 0; i < 12; i++) {
		char d[32];
		snprintf(d, sizeof d, "{\"i\":%d}", i);
		append(s, i % 2 ? "alice" : "bob", "seal.use", "seal:E1", d, 1700000000 + i, NULL);
		if (i % 4 == 3) {
			eseal_audit_head h;
			CHECK_OK(eseal_audit_sign_head(s, key(), &h));
		}
	}
	eseal_audit_report r;
	CHECK_OK(eseal_audit_verify(s, key(), &r));
	CHECK_EQ_INT(r.heads_ok, 3);
	return s;
}

static void run(eseal_store *s, const char *sql)
{
	int64_t n = eseal_store_run(s, sql, "");
	if (n < 0)
		fprintf(stderr, "  %s: %s\n", sql, eseal_error_last());
	CHECK(n > 0);
}

/* Verification must fail; returns the report. */
static eseal_audit_report expect_tampered(eseal_store *s, const eseal_key *pub)
{
	eseal_audit_report r;
	int rc = eseal_audit_verify(s, pub, &r);
	CHECK_EQ_INT(rc, ESEAL_EVERIFY);
	CHECK(r.problems > 0);
	CHECK(r.first_problem[0] != 0);
	return r;
}

static void rewrite_entry(eseal_store *s, int64_t seq, const char *from, const char *to, int fix_hash)
{
	eseal_stmt *st = NULL;
	CHECK_OK(eseal_store_prepare(s, &st, "SELECT entry FROM audit_entries WHERE seq = ?1"));
	CHECK_OK(eseal_stmt_bind_int64(st, 1, seq));
	REQUIRE(eseal_stmt_step(st) == 1);
	char buf[512];
	const char *e = eseal_stmt_text(st, 0);
	const char *at = strstr(e, from);
	REQUIRE(at);
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - e), e, to, at + strlen(from));
	eseal_stmt_free(st);
	uint8_t leaf[32];
	eseal_merkle_leaf_hash(leaf, buf, strlen(buf));
	if (fix_hash)
		CHECK_EQ_INT(eseal_store_run(s, "UPDATE audit_entries SET entry = ?1, leaf_hash = ?2 WHERE seq = ?3",
					     "tbi", buf, (const void *)leaf, (size_t)32, seq), 1);
	else
		CHECK_EQ_INT(eseal_store_run(s, "UPDATE audit_entries SET entry = ?1 WHERE seq = ?2", "ti", buf, seq), 1);
}

static void tamper_changed(int pg)
{
	/* The entry text changed, its hash left alone. */
	eseal_store *s = tamper_log(pg);
	rewrite_entry(s, 5, "\"i\":5", "\"i\":6", 0);
	eseal_audit_report r = expect_tampered(s, key());
	CHECK_EQ_INT(r.bad_seq, 5);
	eseal_store_close(s);
	/* Text and stored hash both rewritten: the signed heads catch it. */
	s = tamper_log(pg);
	rewrite_entry(s, 5, "\"i\":5", "\"i\":6", 1);
	r = expect_tampered(s, key());
	CHECK(strstr(r.first_problem, "size 8") != NULL);
	CHECK_EQ_INT(r.heads_ok, 1);
	eseal_store_close(s);
	/* Only the indexed column changed. */
	s = tamper_log(pg);
	run(s, "UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2");
	r = expect_tampered(s, key());
	CHECK_EQ_INT(r.bad_seq, 2);
	eseal_store_close(s);
	/* The newest entries, not yet under a head, are still checked
	 * against their own hashes. */
	s = tamper_log(pg);
	append(s, "alice", "seal.use", "seal:E1", NULL, 1800000000, NULL);
	rewrite_entry(s, 12, "alice", "alicf", 0);
	r = expect_tampered(s, key());
	CHECK_EQ_INT(r.bad_seq, 12);
	eseal_store_close(s);
}
BOTH(tamper_changed)

static void tamper_deleted(int pg)
{
	eseal_store *s = tamper_log(pg);
	run(s, "DELETE FROM audit_entries WHERE seq = 3");
	eseal_audit_report r = expect_tampered(s, key());
	CHECK_EQ_INT(r.bad_seq, 3);
	eseal_store_close(s);
	/* Deleted and renumbered, counter fixed: the heads still know. */
	s = tamper_log(pg);
	run(s, "DELETE FROM audit_entries WHERE seq = 3");
	run(s, "UPDATE audit_entries SET seq = seq - 1 WHERE seq > 3");
	run(s, "UPDATE audit_state SET size = 11");
	r = expect_tampered(s, key());
	CHECK(r.heads_ok < 3);
	eseal_store_close(s);
}
BOTH(tamper_deleted)

static void tamper_swapped(int pg)
{
	eseal_store *s = tamper_log(pg);
	/* Swap everything but seq between entries 2 and 6. */
	run(s, "UPDATE audit_entries SET seq = -1 WHERE seq = 2");
	run(s, "UPDATE audit_entries SET seq = 2 WHERE seq = 6");
	run(s, "UPDATE audit_entries SET seq = 6 WHERE seq = -1");
	eseal_audit_report r = expect_tampered(s, key());
	CHECK_EQ_INT(r.bad_seq, 2);
	eseal_store_close(s);
}
BOTH(tamper_swapped)

static void tamper_truncated(int pg)
{
	eseal_store *s = tamper_log(pg);
	run(s, "DELETE FROM audit_entries WHERE seq >= 10");
	run(s, "UPDATE audit_state SET size = 10");
	eseal_audit_report r = expect_tampered(s, key());
	CHECK(strstr(r.first_problem, "removed") != NULL);
	CHECK_EQ_INT(r.bad_seq, 10);
	eseal_store_close(s);
	/* Entries gone but the counter left: noticed too. */
	s = tamper_log(pg);
	run(s, "DELETE FROM audit_heads WHERE tree_size = 12");
	run(s, "DELETE FROM audit_entries WHERE seq = 11");
	expect_tampered(s, key());
	eseal_store_close(s);
}
BOTH(tamper_truncated)

static void tamper_heads(int pg)
{
	/* A head's root changed. */
	eseal_store *s = tamper_log(pg);
	run(s, "UPDATE audit_heads SET root_hash = (SELECT root_hash FROM audit_heads WHERE tree_size = 4) "
	       "WHERE tree_size = 8");
	eseal_audit_report r = expect_tampered(s, key());
	CHECK_EQ_INT(r.heads_ok, 2);
	eseal_store_close(s);
	/* A head's timestamp changed: its signature no longer holds. */
	s = tamper_log(pg);
	run(s, "UPDATE audit_heads SET at = at + 3600 WHERE tree_size = 12");
	r = expect_tampered(s, key());
	CHECK(strstr(r.first_problem, "signature") != NULL);
	eseal_store_close(s);
	/* The whole log rewritten and re-signed with another key: only the
	 * real public key exposes it. */
	s = tamper_log(pg);
	rewrite_entry(s, 1, "alice", "mallory", 1);
	run(s, "UPDATE audit_entries SET actor = 'mallory' WHERE seq = 1");
	run(s, "DELETE FROM audit_heads");
	eseal_audit_head h;
	CHECK_OK(eseal_audit_sign_head(s, other_key, &h));
	CHECK_OK(eseal_audit_verify(s, NULL, &r));
	r = expect_tampered(s, key());
	CHECK(strstr(r.first_problem, "another key") != NULL);
	eseal_store_close(s);
	/* A forged head with a made-up signature and size. */
	s = tamper_log(pg);
	uint8_t junk[70] = { 0x30, 0x44 };
	uint8_t fake_root[32] = { 1, 2, 3 };
	char kid[65];
	memcpy(kid, h.key_id, 65);
	CHECK_OK(eseal_audit_head_get(s, 12, &h));
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO audit_heads (tree_size, root_hash, at, key_id, signature) "
				     "VALUES (20, ?1, 1, ?2, ?3)", "btb", (const void *)fake_root, (size_t)32,
				     h.key_id, (const void *)junk, sizeof junk), 1);
	expect_tampered(s, key());
	eseal_store_close(s);
	/* A head of impossible size is a finding, not an error. */
	s = tamper_log(pg);
	CHECK_OK(eseal_audit_head_get(s, 12, &h));
	CHECK_EQ_INT(eseal_store_run(s, "INSERT INTO audit_heads (tree_size, root_hash, at, key_id, signature) "
				     "VALUES (-5, ?1, 1, ?2, ?3)", "btb", (const void *)h.root, (size_t)32,
				     h.key_id, (const void *)h.sig, h.siglen), 1);
	r = expect_tampered(s, key());
	CHECK(strstr(r.first_problem, "impossible") != NULL);
	eseal_store_close(s);
}
BOTH(tamper_heads)

/* --- concurrent writers --- */

typedef struct {
	const char *url;
	int id, fails;
	int64_t seqs[25];
} writer;

static void *write_some(void *arg)
{
	writer *w = arg;
	eseal_store *s = NULL;
	if (eseal_store_open(&s, w->url)) {
		w->fails = 100;
		return NULL;
	}
	for (int i = 0; i < 25; i++) {
		char actor[16];
		snprintf(actor, sizeof actor, "w%d", w->id);
		eseal_audit_event ev = { actor, "r", "load.test", "", NULL, NULL, 0 };
		w->seqs[i] = -1;
		if (eseal_audit_append(s, &ev, &w->seqs[i])) {
			fprintf(stderr, "  writer %d: %s\n", w->id, eseal_error_last());
			w->fails++;
		}
	}
	eseal_store_close(s);
	return NULL;
}

static void concurrent(int pg)
{
	char url[1024];
	eseal_store *s = tdb_open_url(pg, url, sizeof url);
	writer w[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].url = url;
		w[i].id = i;
		REQUIRE(pthread_create(&th[i], NULL, write_some, &w[i]) == 0);
	}
	int seen[100] = { 0 }, fails = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		fails += w[i].fails;
		for (int j = 0; j < 25; j++)
			if (w[i].seqs[j] >= 0 && w[i].seqs[j] < 100)
				seen[w[i].seqs[j]]++;
	}
	CHECK_EQ_INT(fails, 0);
	int once = 0;
	for (int i = 0; i < 100; i++)
		once += seen[i] == 1;
	CHECK_EQ_INT(once, 100);
	int64_t n = 0;
	CHECK_OK(eseal_audit_size(s, &n));
	CHECK_EQ_INT(n, 100);
	CHECK_OK(eseal_store_query_int(s, &n, "SELECT COUNT(DISTINCT seq) FROM audit_entries WHERE seq < 100", ""));
	CHECK_EQ_INT(n, 100);
	eseal_audit_head h;
	CHECK_OK(eseal_audit_sign_head(s, key(), &h));
	eseal_audit_report r;
	CHECK_OK(eseal_audit_verify(s, key(), &r));
	CHECK_EQ_INT(r.entries, 100);
	eseal_store_close(s);
}
BOTH(concurrent)

/* --- reading --- */

static int collect(const eseal_audit_entry *e, void *arg)
{
	eseal_buf *b = arg;
	eseal_buf_printf(b, "%lld,", (long long)e->seq);
	return 0;
}

static const char *seqs(eseal_store *s, const eseal_audit_filter *f)
{
	static eseal_buf b;
	b.len = 0;
	if (eseal_audit_query(s, f, collect, &b))
		return "error";
	eseal_buf_cstr(&b);
	return (const char *)b.data;
}

static int stop_at_two(const eseal_audit_entry *e, void *arg)
{
	return e->seq == 2 ? 42 : 0;
}

static void query_export(int pg)
{
	eseal_store *s = tdb_open(pg);
	append(s, "alice", "seal.create", "seal:E1", "{\"note\":\"a, \\\"quoted\\\"\\nline\"}", 1000, NULL); /* 0 */
	append(s, "bob", "seal.use", "seal:E1", NULL, 2000, NULL);       /* 1 */
	append(s, "alice", "user.login", "user:alice", NULL, 3000, NULL); /* 2 */
	append(s, "Alice", "seal.use", "seal:E2", NULL, 4000, NULL);      /* 3 */
	append(s, "alice", "seal.cancel", "seal:E2", NULL, 5000, NULL);   /* 4 */
	append(s, "carol", "sealing", "seal:E10", NULL, 6000, NULL);      /* 5 */
	eseal_audit_filter f = ESEAL_AUDIT_FILTER_INIT;
	CHECK_EQ_STR(seqs(s, &f), "0,1,2,3,4,5,");
	CHECK_EQ_STR(seqs(s, NULL), "0,1,2,3,4,5,");
	f.actor = "alice";
	CHECK_EQ_STR(seqs(s, &f), "0,2,4,");
	f.actor = NULL;
	f.action = "seal.*";
	CHECK_EQ_STR(seqs(s, &f), "0,1,3,4,");
	f.action = "seal.use";
	CHECK_EQ_STR(seqs(s, &f), "1,3,");
	f.action = NULL;
	f.object = "seal:E1";
	CHECK_EQ_STR(seqs(s, &f), "0,1,");
	f.object = "seal:E1*";
	CHECK_EQ_STR(seqs(s, &f), "0,1,5,");
	f.object = NULL;
	f.since = 2000;
	f.until = 5000;
	CHECK_EQ_STR(seqs(s, &f), "1,2,3,");
	f.since = f.until = 0;
	f.after_seq = 1;
	f.limit = 2;
	CHECK_EQ_STR(seqs(s, &f), "2,3,");
	f.after_seq = 3;
	CHECK_EQ_STR(seqs(s, &f), "4,5,");
	f.after_seq = 5;
	CHECK_EQ_STR(seqs(s, &f), "");
	f.after_seq = -1;
	f.descending = 1;
	CHECK_EQ_STR(seqs(s, &f), "5,4,");
	f.after_seq = 4;
	CHECK_EQ_STR(seqs(s, &f), "3,2,");
	/* Values are data, never SQL. */
	eseal_audit_filter inj = ESEAL_AUDIT_FILTER_INIT;
	inj.actor = "alice' OR '1'='1";
	CHECK_EQ_STR(seqs(s, &inj), "");
	CHECK_EQ_INT(eseal_audit_query(s, NULL, stop_at_two, NULL), 42);

	eseal_buf out = ESEAL_BUF_INIT;
	eseal_audit_filter two = ESEAL_AUDIT_FILTER_INIT;
	two.limit = 2;
	CHECK_OK(eseal_audit_export(s, &two, ESEAL_AUDIT_CSV, &out));
	CHECK_EQ_STR((const char *)out.data,
		     "seq,time,actor,role,action,object,request_id,details\r\n"
		     "0,1970-01-01T00:16:40Z,alice,keeper,seal.create,seal:E1,req-1,"
		     "\"{\"\"note\"\":\"\"a, \\\"\"quoted\\\"\"\\nline\"\"}\"\r\n"
		     "1,1970-01-01T00:33:20Z,bob,keeper,seal.use,seal:E1,req-1,null\r\n");
	out.len = 0;
	CHECK_OK(eseal_audit_export(s, &two, ESEAL_AUDIT_JSONL, &out));
	CHECK(strstr((const char *)out.data, "{\"action\":\"seal.create\",\"actor\":\"alice\",\"details\":"
		     "{\"note\":\"a, \\\"quoted\\\"\\nline\"},\"object\":\"seal:E1\"") == (const char *)out.data);
	int lines = 0;
	for (size_t i = 0; i < out.len; i++)
		lines += out.data[i] == '\n';
	CHECK_EQ_INT(lines, 2);
	CHECK_EQ_INT(eseal_audit_export(s, NULL, (eseal_audit_format)9, &out), ESEAL_EINVAL);
	eseal_buf_free(&out);
	eseal_store_close(s);
}
BOTH(query_export)

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* CPU time: a busy machine must not fail the test */
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* 100k entries: roots and verification stay fast. The rows are written
 * straight into the table in the canonical form append uses (verify checks
 * that form), which also keeps this test quick on a busy machine. */
static void large_log(void)
{
	NOT_IN_PG_RUN();
	eseal_store *s = tdb_open(0);
	double t0 = now_s();
	eseal_stmt *st = NULL;
	CHECK_OK(eseal_store_begin(s));
	CHECK_OK(eseal_store_prepare(s, &st, "INSERT INTO audit_entries (seq, at, actor, role, action, object, "
				     "request_id, entry, leaf_hash) VALUES (?1, ?2, 'bulk', 'system', "
				     "'status.publish', 'list:1', '', ?3, ?4)"));
	for (int i = 0; i < 100000; i++) {
		char e[256], iso[32];
		time_t t = 1700000000 + i;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
		int n = snprintf(e, sizeof e, "{\"action\":\"status.publish\",\"actor\":\"bulk\",\"details\":null,"
				 "\"object\":\"list:1\",\"request_id\":\"\",\"role\":\"system\",\"seq\":%d,"
				 "\"time\":\"%s\"}", i, iso);
		uint8_t leaf[32];
		ref_leaf(leaf, e, (size_t)n);
		eseal_stmt_reset(st);
		eseal_stmt_bind_int64(st, 1, i);
		eseal_stmt_bind_int64(st, 2, (int64_t)t);
		eseal_stmt_bind_text(st, 3, e);
		eseal_stmt_bind_blob(st, 4, leaf, 32);
		if (eseal_stmt_step(st) != 0) {
			CHECK(!"insert");
			break;
		}
	}
	eseal_stmt_free(st);
	CHECK_EQ_INT(eseal_store_run(s, "UPDATE audit_state SET size = 100000", ""), 1);
	CHECK_OK(eseal_store_commit(s));
	/* The API appends the next one after them. */
	int64_t seq = -1;
	append(s, "alice", "seal.use", "seal:E1", NULL, 0, &seq);
	CHECK_EQ_INT(seq, 100000);
	CHECK_EQ_INT(eseal_store_run(s, "DELETE FROM audit_entries WHERE seq = 100000", ""), 1);
	CHECK_EQ_INT(eseal_store_run(s, "UPDATE audit_state SET size = 100000", ""), 1);
	double t1 = now_s();
	eseal_audit_head h;
	CHECK_OK(eseal_audit_sign_head(s, key(), &h));
	double t2 = now_s();
	uint8_t root[32];
	CHECK_OK(eseal_audit_root(s, 100000, root));
	double t3 = now_s();
	CHECK(!memcmp(root, h.root, 32));
	eseal_buf p = ESEAL_BUF_INIT;
	CHECK_OK(eseal_audit_consistency_proof(s, 77777, 100000, &p));
	double t4 = now_s();
	eseal_audit_report r;
	CHECK_OK(eseal_audit_verify(s, key(), &r));
	double t5 = now_s();
	CHECK_EQ_INT(r.entries, 100000);
	fprintf(stderr, "  100k (CPU seconds): insert %.2fs, sign head %.3fs, root %.3fs, proof %.3fs, verify %.2fs\n",
		t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4);
	CHECK(t3 - t2 < 1.0);
	CHECK(t4 - t3 < 1.0);
	eseal_buf_free(&p);
	eseal_store_close(s);
}

TESTS(T(merkle_reference), TB(log_basic), TB(tamper_changed), TB(tamper_deleted), TB(tamper_swapped),
      TB(tamper_truncated), TB(tamper_heads), TB(concurrent), TB(query_export), T(large_log))
