/*
 * merkle.c - the RFC 9162 (section 2.1) Merkle tree with SM3: leaf and node
 * hashes, a one-pass frontier for roots, an in-memory tree with cached
 * perfect subtrees for proofs, and the proof verifiers. Pure computation:
 * never touches the database, and never accepts a proof whose length does
 * not match the tree shape exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "eseal/audit.h"

#define H ESEAL_MERKLE_HASH_LEN

void eseal_merkle_leaf_hash(uint8_t out[32], const void *entry, size_t len)
{
	uint8_t small[1024];
	if (len < sizeof small) {
		small[0] = 0x00;
		memcpy(small + 1, entry, len);
		eseal_sm3(out, small, len + 1);
		return;
	}
	eseal_sm3_ctx *c = NULL;
	if (eseal_sm3_new(&c)) {
		/* No memory for a context: hash a heap copy instead. */
		uint8_t *p = malloc(len + 1);
		if (!p) {
			memset(out, 0, 32);
			return;
		}
		p[0] = 0x00;
		memcpy(p + 1, entry, len);
		eseal_sm3(out, p, len + 1);
		free(p);
		return;
	}
	static const uint8_t zero = 0x00;
	eseal_sm3_update(c, &zero, 1);
	eseal_sm3_update(c, entry, len);
	eseal_sm3_final(c, out);
	eseal_sm3_free(c);
}

void eseal_merkle_node_hash(uint8_t out[32], const uint8_t left[32], const uint8_t right[32])
{
	uint8_t b[1 + 2 * H];
	b[0] = 0x01;
	memcpy(b + 1, left, H);
	memcpy(b + 1 + H, right, H);
	eseal_sm3(out, b, sizeof b);
}

/* Largest power of two strictly below n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;
	while (k << 1 < n)
		k <<= 1;
	return k;
}

void eseal_merkle_frontier_init(eseal_merkle_frontier *f)
{
	memset(f, 0, sizeof *f);
}

void eseal_merkle_frontier_add(eseal_merkle_frontier *f, const uint8_t leaf_hash[32])
{
	memcpy(f->stack[f->depth++], leaf_hash, H);
	/* Each trailing one bit of the old size completes a perfect subtree. */
	for (uint64_t s = f->size; s & 1; s >>= 1) {
		f->depth--;
		eseal_merkle_node_hash(f->stack[f->depth - 1], f->stack[f->depth - 1], f->stack[f->depth]);
	}
	f->size++;
}

void eseal_merkle_frontier_root(const eseal_merkle_frontier *f, uint8_t root[32])
{
	if (!f->depth) {
		eseal_sm3(root, "", 0);
		return;
	}
	uint8_t acc[H];
	memcpy(acc, f->stack[f->depth - 1], H);
	for (int i = f->depth - 2; i >= 0; i--)
		eseal_merkle_node_hash(acc, f->stack[i], acc);
	memcpy(root, acc, H);
}

struct eseal_merkle {
	eseal_buf level[64];   /* level[k]: hashes of aligned perfect subtrees of 2^k leaves */
	uint64_t size;
};

int eseal_merkle_new(eseal_merkle **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : eseal_error_set(ESEAL_ENOMEM, "out of memory");
}

int eseal_merkle_add(eseal_merkle *m, const uint8_t leaf_hash[32])
{
	int rc = eseal_buf_put(&m->level[0], leaf_hash, H);
	if (rc)
		return rc;
	uint64_t i = m->size;
	for (int k = 0; (i & 1) && k < 63; k++, i >>= 1) {
		uint8_t p[H];
		const uint8_t *l = m->level[k].data + (i - 1) * H;
		eseal_merkle_node_hash(p, l, l + H);
		if ((rc = eseal_buf_put(&m->level[k + 1], p, H)))
			return rc;
	}
	m->size++;
	return 0;
}

uint64_t eseal_merkle_size(const eseal_merkle *m) { return m->size; }

void eseal_merkle_free(eseal_merkle *m)
{
	if (!m)
		return;
	for (int k = 0; k < 64; k++)
		free(m->level[k].data);
	free(m);
}

/* MTH(D[a:b]) for a range the RFC recursion produces (a aligned to every
 * split below it): perfect pieces come from the cache. */
static void range_hash(const eseal_merkle *m, uint64_t a, uint64_t b, uint8_t out[32])
{
	uint64_t n = b - a;
	if ((n & (n - 1)) == 0 && a % n == 0) {
		int k = 0;
		while ((1ull << k) < n)
			k++;
		memcpy(out, m->level[k].data + (a >> k) * H, H);
		return;
	}
	uint64_t k = split_point(n);
	uint8_t l[H], r[H];
	range_hash(m, a, a + k, l);
	range_hash(m, a + k, b, r);
	eseal_merkle_node_hash(out, l, r);
}

int eseal_merkle_root(const eseal_merkle *m, uint64_t n, uint8_t root[32])
{
	if (n > m->size)
		return eseal_error_set(ESEAL_EINVAL, "merkle: tree size %llu beyond %llu leaves",
				       (unsigned long long)n, (unsigned long long)m->size);
	if (!n)
		eseal_sm3(root, "", 0);
	else
		range_hash(m, 0, n, root);
	return 0;
}

/* PATH(index, D[a:b]) appended deepest first. */
static int path(const eseal_merkle *m, uint64_t index, uint64_t a, uint64_t b, eseal_buf *out)
{
	uint64_t n = b - a;
	if (n <= 1)
		return 0;
	uint64_t k = split_point(n);
	uint8_t h[H];
	int rc;
	if (index < k) {
		if ((rc = path(m, index, a, a + k, out)))
			return rc;
		range_hash(m, a + k, b, h);
	} else {
		if ((rc = path(m, index - k, a + k, b, out)))
			return rc;
		range_hash(m, a, a + k, h);
	}
	return eseal_buf_put(out, h, H);
}

int eseal_merkle_inclusion_proof(const eseal_merkle *m, uint64_t index, uint64_t n, eseal_buf *out)
{
	if (n > m->size || index >= n)
		return eseal_error_set(ESEAL_EINVAL, "merkle: no leaf %llu in a tree of %llu",
				       (unsigned long long)index, (unsigned long long)n);
	return path(m, index, 0, n, out);
}

/* SUBPROOF(m1, D[a:b], whole). */
static int subproof(const eseal_merkle *m, uint64_t m1, uint64_t a, uint64_t b, int whole, eseal_buf *out)
{
	uint64_t n = b - a;
	uint8_t h[H];
	int rc;
	if (m1 == n) {
		if (whole)
			return 0;
		range_hash(m, a, b, h);
		return eseal_buf_put(out, h, H);
	}
	uint64_t k = split_point(n);
	if (m1 <= k) {
		if ((rc = subproof(m, m1, a, a + k, whole, out)))
			return rc;
		range_hash(m, a + k, b, h);
	} else {
		if ((rc = subproof(m, m1 - k, a + k, b, 0, out)))
			return rc;
		range_hash(m, a, a + k, h);
	}
	return eseal_buf_put(out, h, H);
}

int eseal_merkle_consistency_proof(const eseal_merkle *m, uint64_t m1, uint64_t n, eseal_buf *out)
{
	if (n > m->size || m1 > n)
		return eseal_error_set(ESEAL_EINVAL, "merkle: no consistency proof from %llu to %llu",
				       (unsigned long long)m1, (unsigned long long)n);
	/* Every tree extends the empty one, and a tree is consistent with itself. */
	if (m1 == 0 || m1 == n)
		return 0;
	return subproof(m, m1, 0, n, 1, out);
}

int eseal_merkle_verify_inclusion(const uint8_t leaf_hash[32], uint64_t index, uint64_t n,
				  const uint8_t *proof, size_t prooflen, const uint8_t root[32])
{
	if (index >= n || prooflen % H)
		return eseal_error_set(ESEAL_EVERIFY, "merkle: malformed inclusion proof");
	uint64_t fn = index, sn = n - 1;
	uint8_t r[H];
	memcpy(r, leaf_hash, H);
	for (size_t i = 0; i < prooflen; i += H) {
		const uint8_t *p = proof + i;
		if (sn == 0)
			return eseal_error_set(ESEAL_EVERIFY, "merkle: inclusion proof too long");
		if ((fn & 1) || fn == sn) {
			eseal_merkle_node_hash(r, p, r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			eseal_merkle_node_hash(r, r, p);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || eseal_ct_memcmp(r, root, H))
		return eseal_error_set(ESEAL_EVERIFY, "merkle: inclusion proof does not lead to the root");
	return 0;
}

int eseal_merkle_verify_consistency(uint64_t m1, uint64_t n, const uint8_t root1[32],
				    const uint8_t root2[32], const uint8_t *proof, size_t prooflen)
{
	if (m1 > n || prooflen % H)
		return eseal_error_set(ESEAL_EVERIFY, "merkle: malformed consistency proof");
	if (m1 == 0)
		return prooflen ? eseal_error_set(ESEAL_EVERIFY, "merkle: consistency proof too long") : 0;
	if (m1 == n) {
		if (prooflen || eseal_ct_memcmp(root1, root2, H))
			return eseal_error_set(ESEAL_EVERIFY, "merkle: equal sizes with different roots");
		return 0;
	}
	if (!prooflen)
		return eseal_error_set(ESEAL_EVERIFY, "merkle: empty consistency proof");
	const uint8_t *first;
	size_t i;
	/* A power-of-two first tree is itself a node of the second. */
	if ((m1 & (m1 - 1)) == 0) {
		first = root1;
		i = 0;
	} else {
		first = proof;
		i = H;
	}
	uint64_t fn = m1 - 1, sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	uint8_t fr[H], sr[H];
	memcpy(fr, first, H);
	memcpy(sr, first, H);
	for (; i < prooflen; i += H) {
		const uint8_t *c = proof + i;
		if (sn == 0)
			return eseal_error_set(ESEAL_EVERIFY, "merkle: consistency proof too long");
		if ((fn & 1) || fn == sn) {
			eseal_merkle_node_hash(fr, c, fr);
			eseal_merkle_node_hash(sr, c, sr);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			eseal_merkle_node_hash(sr, sr, c);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || eseal_ct_memcmp(fr, root1, H) || eseal_ct_memcmp(sr, root2, H))
		return eseal_error_set(ESEAL_EVERIFY, "merkle: consistency proof does not match the roots");
	return 0;
}
