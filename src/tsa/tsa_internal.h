/*
 * tsa_internal.h - what the files of src/tsa share: object identifiers,
 * hash names and the parsed token. Every span of a token points into the
 * token's own copy of its DER; nothing is re-encoded for verification.
 */
#ifndef ESEAL_TSA_INTERNAL_H
#define ESEAL_TSA_INTERNAL_H

#include "eseal/asn1.h"
#include "eseal/cms.h"
#include "eseal/tsa.h"

#define TSA_OID_TSTINFO "1.2.840.113549.1.9.16.1.4"  /* id-ct-TSTInfo */
#define TSA_OID_EKU_TIMESTAMPING "1.3.6.1.5.5.7.3.8"

/* Hash name for a digest OID and back; lengths. NULL / 0 when unknown. */
const char *tsa_hash_from_oid(const char *oid);
const char *tsa_hash_oid(const char *name);
size_t tsa_hash_len(const char *name);
/* One-shot digest by name; returns the length or <0. */
int tsa_hash(const char *name, const void *data, size_t len, uint8_t out[ESEAL_TSA_MAX_HASH]);
/* MessageImprint SEQUENCE { AlgorithmIdentifier, OCTET STRING }. */
int tsa_put_imprint(eseal_buf *b, const char *hash, const uint8_t *h, size_t n);
int tsa_get_imprint(const eseal_der *mi, const char **hash, const uint8_t **h, size_t *n);

/* RFC 3161 §2.3 TSA certificate: one critical extendedKeyUsage with only
 * timeStamping; 0, or ESEAL_EVERIFY / ESEAL_EFORMAT with the reason in why. */
int tsa_cert_check(const uint8_t *der, size_t len, char *why, size_t whylen);
/* eseal_tsa_new without the TSA-certificate check: only for tests that
 * need a token from a wrongly certified signer to exercise verifiers. */
int tsa_new_unchecked(eseal_tsa **out, const eseal_tsa_config *cfg);

struct eseal_tst {
	eseal_buf raw;              /* the token ContentInfo, privately owned */
	eseal_cms *cms;
	const uint8_t *tstinfo;     /* eContent (TSTInfo DER) */
	size_t tstinfo_len;
	char policy[64];
	const char *hash;
	const uint8_t *imprint;
	size_t imprint_len;
	char serial[2 * 20 + 1];
	time_t gen_time;
	char gen_time_text[32];
	long accuracy_ms;
	const uint8_t *nonce;
	size_t nonce_len;
};

#endif
