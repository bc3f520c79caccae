/*
 * signing.h - the centralized signing core shared by routes_sign.c: the
 * seal's server-held key unwrapped from the store, one document signed in
 * memory (PDF or OFD), placements read from JSON, and documents verified
 * against the instance's CA and status lists. Never keep an unwrapped key
 * longer than one signing call.
 */
#ifndef ESEAL_SERVER_SIGNING_H
#define ESEAL_SERVER_SIGNING_H

#include "eseal/ofdsign.h"
#include "eseal/pdfsign.h"
#include "eseal/report.h"
#include "eseal/status.h"
#include "lifecycle.h"

/* A seal ready to sign: its SESeal, certificate and unwrapped key. */
typedef struct sg_signer {
	eseal_buf seal;
	eseal_cert *cert;
	eseal_key *key;
	char org_name[256];          /* for automatic placement */
	long type;
} sg_signer;

/* Unwraps the key blob made by lc_make_seal (context "seal-key:<esid>"). */
int sg_signer_load(sg_signer *s, eseal_making *m, const char *esid, const uint8_t *seal_der, size_t seal_len,
		   const uint8_t *cert_der, size_t cert_len, const uint8_t *key_blob, size_t key_len);
void sg_signer_free(sg_signer *s);

/* "pdf", "ofd" or NULL by the document's first bytes. */
const char *sg_doc_format(const uint8_t *p, size_t n);

/* Checks a placement object ({at:{page,x,y}} | {keyword, occurrence} |
 * {perforation: right|left} | {auto: true}); NULL = no placement given.
 * 0, or EINVAL with a message. */
int sg_placement_check(const json_t *pl);

/* Signs doc into out. pl: a checked placement object or NULL (the
 * document's centre of page 1 is not guessed: NULL signs invisibly).
 * pdf_format: "cms-sm2" (default) or "ses". */
int sg_sign_doc(const sg_signer *s, const uint8_t *doc, size_t n, const json_t *pl, const char *pdf_format,
		time_t when, eseal_buf *out);

/* Hash-only signing of an SM3 digest: form "ses" makes a SES_Signature V4
 * (DER), "cms" a detached GM/T 0010 SignedData over the digest. */
int sg_sign_hash(const sg_signer *s, const uint8_t digest[32], const char *form, time_t when, eseal_buf *out);

/* Verifies doc (PDF or OFD) against the instance's CA certificates (root
 * and issuing, as DATA/ca/ca.pem holds) and, when srl_der is given, the
 * seals' status at signing time. */
int sg_verify_doc(const uint8_t *doc, size_t n, const eseal_cert *const *anchors, size_t nanchors,
		  const uint8_t *srl_der, size_t srl_len, eseal_report **out);

#endif
