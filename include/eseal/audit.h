/*
 * audit.h - the append-only, tamper-evident audit log of the service.
 *
 * Every privileged action appends one entry: a canonical JSON object
 *   {"action","actor","details","object","request_id","role","seq","time"}
 * (keys sorted, compact). The entries are the leaves of a Merkle tree as in
 * RFC 9162 section 2.1 with SM3 as the hash:
 *   leaf hash = SM3(0x00 || entry),  node hash = SM3(0x01 || left || right)
 * seq is the leaf index (0-based, gap-free). Signed tree heads commit to the
 * root of the first tree_size entries; inclusion and consistency proofs
 * follow RFC 9162 sections 2.1.3 and 2.1.4.
 *
 * A signed tree head signs these 64 bytes with SM2 (eseal_key_sign):
 *   "ESEAL-AUDIT-STH1" (16) | tree_size (8, big-endian) |
 *   timestamp (8, big-endian seconds since the epoch, UTC) | root hash (32)
 *
 * What the database alone cannot prove: someone with write access who drops
 * the newest entries together with every head that covers them leaves a
 * shorter log that still verifies. Sign heads often and keep copies outside
 * the database (`eseal audit sign-head --json`), then compare.
 */
#ifndef ESEAL_AUDIT_H
#define ESEAL_AUDIT_H

#include "common.h"
#include "crypto.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESEAL_MERKLE_HASH_LEN 32

/* --- The Merkle tree itself (no database) --- */

void eseal_merkle_leaf_hash(uint8_t out[32], const void *entry, size_t len);
void eseal_merkle_node_hash(uint8_t out[32], const uint8_t left[32], const uint8_t right[32]);

/* The right edge of a growing tree: O(log n) memory, roots of every
 * prefix size in one pass. */
typedef struct eseal_merkle_frontier {
	uint64_t size;
	uint8_t stack[64][32];  /* roots of the perfect subtrees, left to right */
	int depth;
} eseal_merkle_frontier;
void eseal_merkle_frontier_init(eseal_merkle_frontier *f);
void eseal_merkle_frontier_add(eseal_merkle_frontier *f, const uint8_t leaf_hash[32]);
/* Root of the leaves added so far (SM3 of the empty string for none). */
void eseal_merkle_frontier_root(const eseal_merkle_frontier *f, uint8_t root[32]);

/* A whole tree in memory (every perfect subtree hash cached, 2n hashes):
 * proofs in O(log^2 n). */
typedef struct eseal_merkle eseal_merkle;
int eseal_merkle_new(eseal_merkle **out);
int eseal_merkle_add(eseal_merkle *m, const uint8_t leaf_hash[32]);
uint64_t eseal_merkle_size(const eseal_merkle *m);
/* Root of the first n leaves (n <= size). */
int eseal_merkle_root(const eseal_merkle *m, uint64_t n, uint8_t root[32]);
/* Proofs are appended to out as consecutive 32-byte hashes. */
int eseal_merkle_inclusion_proof(const eseal_merkle *m, uint64_t index, uint64_t n, eseal_buf *out);
int eseal_merkle_consistency_proof(const eseal_merkle *m, uint64_t m1, uint64_t n, eseal_buf *out);
void eseal_merkle_free(eseal_merkle *m);

/* Verification (RFC 9162 2.1.3.2 and 2.1.4.2): 0 or ESEAL_EVERIFY. */
int eseal_merkle_verify_inclusion(const uint8_t leaf_hash[32], uint64_t index, uint64_t n,
				  const uint8_t *proof, size_t prooflen, const uint8_t root[32]);
int eseal_merkle_verify_consistency(uint64_t m1, uint64_t n, const uint8_t root1[32],
				    const uint8_t root2[32], const uint8_t *proof, size_t prooflen);

/* --- The log in a store --- */

typedef struct eseal_audit_event {
	const char *actor;       /* user name, "api:<key id>" or "system" */
	const char *role;        /* the role the actor acted in */
	const char *action;      /* e.g. "seal.create" (required) */
	const char *object;      /* what it acted on, e.g. "seal:<esid>" */
	const char *details;     /* a JSON object as text, or NULL */
	const char *request_id;
	time_t time;             /* 0 = now */
} eseal_audit_event;

/* Appends one entry; inside the caller's transaction when one is open
 * (and then it is undone with it), else in its own. *seq_out may be NULL. */
int eseal_audit_append(eseal_store *s, const eseal_audit_event *ev, int64_t *seq_out);
/* Entries in the log. */
int eseal_audit_size(eseal_store *s, int64_t *out);

typedef struct eseal_audit_head {
	int64_t tree_size;
	uint8_t root[32];
	int64_t timestamp;
	char key_id[65];         /* hex SM3 of the signer's SubjectPublicKeyInfo */
	uint8_t sig[160];
	size_t siglen;
} eseal_audit_head;

/* The 64 bytes a tree head signs. */
void eseal_audit_head_tbs(const eseal_audit_head *h, uint8_t out[64]);
/* Signs and stores a head for the current size (returns the stored one
 * when that size already has a head). */
int eseal_audit_sign_head(eseal_store *s, const eseal_key *key, eseal_audit_head *out);
/* The newest head (ESEAL_ENOTFOUND when none), or the head for tree_size. */
int eseal_audit_head_latest(eseal_store *s, eseal_audit_head *out);
int eseal_audit_head_get(eseal_store *s, int64_t tree_size, eseal_audit_head *out);
/* 0 when the head's signature verifies with key. */
int eseal_audit_head_verify(const eseal_audit_head *h, const eseal_key *key);
/* Root of the first n entries as stored (leaf hashes read, not recomputed). */
int eseal_audit_root(eseal_store *s, int64_t n, uint8_t root[32]);
int eseal_audit_inclusion_proof(eseal_store *s, int64_t seq, int64_t tree_size, eseal_buf *out);
int eseal_audit_consistency_proof(eseal_store *s, int64_t m1, int64_t n, eseal_buf *out);

typedef struct eseal_audit_report {
	int64_t entries;          /* entries checked */
	int64_t heads;            /* signed tree heads checked */
	int64_t heads_ok;         /* ... whose root, signature and consistency hold */
	int64_t bad_seq;          /* first entry found wrong, -1 when none */
	int problems;             /* number of problems found */
	char first_problem[256];  /* the first one, in English */
	int signatures_checked;   /* 0 when no public key was available */
	int64_t uncovered;        /* entries after the newest head: intact as far as
				   * their hashes go, but no signature covers them yet */
} eseal_audit_report;

/*
 * Recomputes every leaf from the stored entry JSON, checks sequence numbers,
 * the indexed columns against the JSON, every signed tree head (root for its
 * size, signature with pub, consistency with the previous head) and that no
 * head is larger than the log. pub NULL: signatures are not checked.
 * Returns 0 when the log is intact, ESEAL_EVERIFY when anything was changed,
 * removed or reordered (details in the report), other codes on errors.
 */
int eseal_audit_verify(eseal_store *s, const eseal_key *pub, eseal_audit_report *report);

/* --- Reading --- */

typedef struct eseal_audit_filter {
	const char *actor;       /* exact, or a prefix when it ends with '*' */
	const char *action;      /* exact, or a prefix when it ends with '*' */
	const char *object;      /* exact, or a prefix when it ends with '*' */
	time_t since;            /* time >= since (0 = no bound) */
	time_t until;            /* time < until (0 = no bound) */
	int64_t after_seq;       /* seq > after_seq; -1 = from the start */
	int64_t limit;           /* 0 = no limit */
	int descending;          /* newest first */
} eseal_audit_filter;
#define ESEAL_AUDIT_FILTER_INIT { NULL, NULL, NULL, 0, 0, -1, 0, 0 }

typedef struct eseal_audit_entry {
	int64_t seq;
	int64_t time;
	const char *actor, *role, *action, *object, *request_id;
	const char *details;     /* JSON text ("null" when none) */
	const char *json;        /* the whole canonical entry */
	uint8_t leaf_hash[32];
} eseal_audit_entry;

/* Calls fn for each matching entry in seq order; a non-zero return from fn
 * stops the walk and is returned. */
int eseal_audit_query(eseal_store *s, const eseal_audit_filter *f,
		      int (*fn)(const eseal_audit_entry *e, void *arg), void *arg);

typedef enum {
	ESEAL_AUDIT_CSV = 1,     /* RFC 4180, header line, CRLF */
	ESEAL_AUDIT_JSONL = 2,   /* the canonical entries, one a line */
} eseal_audit_format;
int eseal_audit_export(eseal_store *s, const eseal_audit_filter *f, eseal_audit_format fmt,
		       eseal_buf *out);

#ifdef __cplusplus
}
#endif
#endif
