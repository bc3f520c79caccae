/*
 * audit_internal.h - pieces shared by the audit log's files: the canonical
 * entry encoder, key ids and leaf streaming. Never include it outside
 * src/audit.
 */
#ifndef ESEAL_AUDIT_INTERNAL_H
#define ESEAL_AUDIT_INTERNAL_H

#include <jansson.h>

#include "eseal/audit.h"

/* Canonical JSON: sorted keys, no whitespace. */
#define AUDIT_JSON_FLAGS (JSON_SORT_KEYS | JSON_COMPACT)

/* "2026-01-31T12:00:00Z" */
int audit_iso_time(char out[32], int64_t t);
/* The canonical entry (malloc'd) or NULL. details may be NULL. */
char *audit_entry_json(int64_t seq, int64_t t, const char *actor, const char *role,
		       const char *action, const char *object, json_t *details, const char *request_id);
/* Hex SM3 of the key's SubjectPublicKeyInfo. */
int audit_key_id(const eseal_key *k, char out[65]);
/* Every stored head in tree_size order (free() the array). */
int audit_heads_all(eseal_store *s, eseal_audit_head **out, size_t *n);
/* Streams the stored leaf hashes of entries [0, n); ESEAL_EVERIFY on a gap. */
int audit_each_leaf(eseal_store *s, int64_t n, void (*fn)(const uint8_t leaf[32], void *arg), void *arg);

#endif
