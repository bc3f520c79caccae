/*
 * ca_internal.h - the open CA directory shared by ca.c, ca_index.c and
 * crl.c. Never installed.
 */
#ifndef ESEAL_CA_INTERNAL_H
#define ESEAL_CA_INTERNAL_H

#include <jansson.h>

#include "pki/pki_internal.h"

struct eseal_ca {
	char *dir;
	eseal_cert *root;
	eseal_cert *issuing;
	eseal_key *issuing_key;  /* private */
	json_t *index;           /* index.json */
};

/* dir/name into out. */
int ca_path(char *out, size_t outlen, const char *dir, const char *name);

/* index.json: { "version", "name", "key_type", "crl_number", "issued",
 *   "certs": [ { "serial", "subject", "role", "not_before", "not_after",
 *                "revoked", "reason", "revoked_at" } ] } */
json_t *ca_index_new(const char *name, const char *key_type);
int ca_index_load(json_t **out, const char *dir);
int ca_index_save(const json_t *index, const char *dir);
int ca_index_add(json_t *index, const eseal_cert *c, const char *role);
/* The entry for serial (hex, any case, leading zeros ignored) or NULL. */
json_t *ca_index_find(json_t *index, const char *serial_hex);
/* ISO 8601 "2024-03-01T12:00:00Z" and back ((time_t)-1 when malformed). */
void ca_time_iso(char out[32], time_t t);
time_t ca_time_parse_iso(const char *s);

#endif
