/*
 * ses.h - electronic seals (SESeal) and electronic signatures
 * (SES_Signature) of GM/T 0031-2014 (V1), GB/T 38540-2020 (V4) and the
 * GM/T 0031-2025 draft (V5).
 *
 * Parsing keeps a private copy of the input and checks every signature over
 * the original bytes: producers encode things (an explicit critical FALSE,
 * raw r||s) that a re-encoder would change.
 */
#ifndef ESEAL_SES_H
#define ESEAL_SES_H

#include "common.h"
#include "crypto.h"
#include "pki.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESEAL_OID_SM2_SM3 "1.2.156.10197.1.501"
#define ESEAL_OID_SM3 "1.2.156.10197.1.401"
#define ESEAL_OID_SM2 "1.2.156.10197.1.301.1"

typedef struct eseal_seal eseal_seal;

int eseal_seal_parse(eseal_seal **out, const uint8_t *der, size_t len);
int eseal_seal_load(eseal_seal **out, const char *path);
void eseal_seal_free(eseal_seal *s);

int eseal_seal_version(const eseal_seal *s);         /* 1, 4 or 5 */
const char *eseal_seal_vid(const eseal_seal *s);
const char *eseal_seal_esid(const eseal_seal *s);
const char *eseal_seal_name(const eseal_seal *s);
long eseal_seal_type(const eseal_seal *s);
time_t eseal_seal_create_date(const eseal_seal *s);
time_t eseal_seal_valid_start(const eseal_seal *s);
time_t eseal_seal_valid_end(const eseal_seal *s);
/* 1 certificates, 2 digests (V1 seals report 1). */
int eseal_seal_cert_list_type(const eseal_seal *s);
size_t eseal_seal_cert_count(const eseal_seal *s);
/* Entry i: a DER certificate (type 1) or a digest (type 2, *alg set). */
const uint8_t *eseal_seal_cert_entry(const eseal_seal *s, size_t i, size_t *len, const char **alg);
const char *eseal_seal_picture_type(const eseal_seal *s);
const uint8_t *eseal_seal_picture(const eseal_seal *s, size_t *len);
long eseal_seal_picture_width(const eseal_seal *s);
long eseal_seal_picture_height(const eseal_seal *s);
/* DER of the maker (制章者) certificate. */
const uint8_t *eseal_seal_maker_cert(const eseal_seal *s, size_t *len);
const char *eseal_seal_sig_alg(const eseal_seal *s);
/* The seal's signature value bytes (DER or raw r||s, as stored). */
const uint8_t *eseal_seal_signature(const eseal_seal *s, size_t *len);
/* The whole seal as parsed (first TLV only). */
const uint8_t *eseal_seal_der(const eseal_seal *s, size_t *len);
/* Extensions: count, and entry i. */
size_t eseal_seal_ext_count(const eseal_seal *s);
int eseal_seal_ext(const eseal_seal *s, size_t i, const char **oid, int *critical,
		   const uint8_t **val, size_t *len);

/* 0 when the maker signature verifies over the original bytes. */
int eseal_seal_verify_signature(const eseal_seal *s);
/* 1 when signer_der is allowed by the certList (byte-equal, or digest). */
int eseal_seal_allows_signer(const eseal_seal *s, const uint8_t *signer_der, size_t len);

/*
 * Full seal verification into a report item: maker signature, seal validity
 * at time `at`, maker certificate validity at the seal's creation, maker
 * chain against trust (NULL or empty: INDETERMINATE/NO_TRUST_ANCHOR).
 */
int eseal_seal_verify(const eseal_seal *s, const eseal_trust *trust, time_t at,
		      eseal_report_item *it);

/* Parameters for making a V4 seal. */
typedef struct eseal_seal_params {
	const char *vid;            /* vendor id, default "ESEAL" */
	const char *esid;           /* seal code */
	long type;                  /* seal type */
	const char *name;           /* seal name (UTF-8) */
	int cert_list_type;         /* 1 certificates (default), 2 SM3 digests */
	eseal_cert *const *signers; /* allowed signer certificates */
	size_t nsigners;
	time_t create_date;         /* 0 = now */
	time_t valid_start, valid_end;
	const char *picture_type;   /* "png", "jpg", "svg", "ofd" */
	const uint8_t *picture;
	size_t picture_len;
	long width_mm, height_mm;
} eseal_seal_params;

/* Builds and signs SESeal V4 exactly as GB/T 38540 and formats.md say. */
int eseal_seal_make(eseal_buf *out, const eseal_seal_params *p,
		    const eseal_cert *maker, const eseal_key *maker_key);

/* Checks a seal code: 14 digits = 6-digit region code + 8-digit serial. */
int eseal_esid_check(const char *esid);

/* Checks that picture bytes really are of the given type ("png", "jpg",
 * "jpeg", "svg", "ofd", "gif", "bmp"); ESEAL_EFORMAT otherwise. */
int eseal_picture_check(const char *type, const uint8_t *data, size_t len);
/* Detects the picture type from its bytes (NULL when unknown). */
const char *eseal_picture_detect(const uint8_t *data, size_t len);

/* SES_Signature. */
typedef struct eseal_sessig eseal_sessig;

int eseal_sessig_parse(eseal_sessig **out, const uint8_t *der, size_t len);
void eseal_sessig_free(eseal_sessig *g);
int eseal_sessig_version(const eseal_sessig *g);
/* The embedded seal (owned by g). */
const eseal_seal *eseal_sessig_seal(const eseal_sessig *g);
/* The raw TLV of the embedded seal (to compare with a Seal.esl). */
const uint8_t *eseal_sessig_seal_der(const eseal_sessig *g, size_t *len);
/* Signing time; 0 when it cannot be read (V1 free text). */
time_t eseal_sessig_time(const eseal_sessig *g);
/* timeInfo as text (GeneralizedTime string or V1 free text). */
const char *eseal_sessig_time_text(const eseal_sessig *g);
const uint8_t *eseal_sessig_data_hash(const eseal_sessig *g, size_t *len);
const char *eseal_sessig_property(const eseal_sessig *g);
const uint8_t *eseal_sessig_signer_cert(const eseal_sessig *g, size_t *len);
const char *eseal_sessig_sig_alg(const eseal_sessig *g);
const uint8_t *eseal_sessig_signature(const eseal_sessig *g, size_t *len);
/* "der" or "raw" encoding of the signature value. */
const char *eseal_sessig_signature_encoding(const eseal_sessig *g);
const uint8_t *eseal_sessig_tbs(const eseal_sessig *g, size_t *len);
/* The time-stamp bytes (NULL when absent). */
const uint8_t *eseal_sessig_timestamp(const eseal_sessig *g, size_t *len);
/* 1 when TBS_Sign carries extDatas. */
int eseal_sessig_has_ext(const eseal_sessig *g);
/* 0 when the signature verifies over the original TBS_Sign bytes. */
int eseal_sessig_verify_signature(const eseal_sessig *g);

/*
 * The checks of a SES_Signature that do not depend on the container:
 * signature value, embedded seal, signer in certList, seal validity at the
 * signing time, signer certificate validity and chain. data_hash, when not
 * NULL, is what dataHash must equal. A timeStamp is checked too (check
 * "timestamp", facts "timestamp" and "claimed_time"): when it verifies, its
 * genTime is the signing time (fact "time") for the validity checks; a
 * token that is not over this signature value fails the signature.
 */
int eseal_sessig_verify(const eseal_sessig *g, const uint8_t *data_hash, size_t hash_len,
			const eseal_trust *trust, eseal_report_item *it);

/* Gets a time-stamp token over a signature value: hash is "sm3", sig the
 * value bytes; the DER TimeStampToken goes to token. eseal_tsa_cms_callback
 * (tsa.h) is one. */
typedef int (*eseal_sessig_tsa_fn)(void *ctx, const char *hash, const uint8_t *sig, size_t siglen,
				   eseal_buf *token);
/*
 * Adds SES_Signature.timeStamp [0] EXPLICIT BIT STRING to the V4/V5
 * signature in sig (rewritten in place): a token from fn over SM3 of the
 * signature value (the BIT STRING contents after the unused-bits octet).
 * TBS_Sign is untouched, so the signature stays valid. Verification
 * (eseal_sessig_verify) records a check "timestamp" and, when it passes,
 * judges validity at the token's genTime.
 */
int eseal_sessig_timestamp_add(eseal_buf *sig, eseal_sessig_tsa_fn fn, void *ctx);

/* Builds and signs SES_Signature V4 over data_hash (32 bytes). */
int eseal_sessig_make(eseal_buf *out, const uint8_t *seal_der, size_t seal_len,
		      const eseal_cert *signer, const eseal_key *signer_key, time_t when,
		      const uint8_t data_hash[32], const char *property_info);

#ifdef __cplusplus
}
#endif
#endif
