/*
 * cms.h - Cryptographic Message Syntax SignedData for document signatures:
 * GM/T 0010 (GB/T 35275) with SM2/SM3 and the Chinese OIDs, and RFC 5652 /
 * CAdES (ETSI EN 319 122) with ECDSA P-256 or RSA and SHA-256 for PAdES.
 *
 * Signatures are always detached: the caller hashes the content (PDF
 * ByteRange, OFD Signature.xml) with the digest the signature uses and hands
 * over the digest. Verification works on the original bytes of the signed
 * attributes, never on a re-encoding.
 */
#ifndef ESEAL_CMS_H
#define ESEAL_CMS_H

#include "common.h"
#include "crypto.h"
#include "pki.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	ESEAL_CMS_GM = 1,     /* GM/T 0010: SignedData 1.2.156.10197.6.1.4.2.2, SM3, SM2 */
	ESEAL_CMS_CADES = 2,  /* RFC 5652 + CAdES-BES: ECDSA/RSA with SHA-256 */
} eseal_cms_profile;

typedef struct eseal_cms_sign_opts {
	eseal_cms_profile profile;
	const eseal_cert *signer;
	const eseal_key *key;          /* SM2 for GM; P-256 or RSA for CAdES */
	eseal_cert *const *chain;      /* extra certificates to embed (may be NULL) */
	size_t nchain;
	time_t signing_time;           /* 0 = now; GM profile: signingTime attribute */
	/* CAdES: signing-certificate-v2 is always added; signingTime only when
	 * this is set (PAdES baseline puts the time in the PDF's /M instead). */
	int cades_signing_time;
	/* RFC 3161 signature time-stamp (optional): called with the finished
	 * signature value and the hash the imprint must use ("sm3" for GM,
	 * "sha256" for CAdES); puts a DER TimeStampToken in token, which goes
	 * into the unsigned attribute id-aa-signatureTimeStampToken. A
	 * negative return fails the signature. tsa.h has a ready callback. */
	int (*timestamp)(void *ctx, const char *hash, const uint8_t *sig, size_t siglen, eseal_buf *token);
	void *timestamp_ctx;
	size_t timestamp_max;          /* room for the token in eseal_cms_max_size; 0 = 8192 */
} eseal_cms_sign_opts;

/*
 * Signs a content digest (32 bytes: SM3 for GM, SHA-256 for CAdES) into a
 * DER ContentInfo with signed attributes contentType, signingTime (see
 * above), messageDigest and, for CAdES, signing-certificate-v2. out is
 * replaced.
 */
int eseal_cms_sign_detached(eseal_buf *out, const eseal_cms_sign_opts *o,
			    const uint8_t *digest, size_t dlen);
/* The size a signature will have at most (to preallocate PDF /Contents);
 * 0 when the options cannot sign. */
size_t eseal_cms_max_size(const eseal_cms_sign_opts *o);

typedef struct eseal_cms eseal_cms;

/* Parses the first DER element of der (trailing zero padding is the
 * caller's business: PDF verification checks it separately). */
int eseal_cms_parse(eseal_cms **out, const uint8_t *der, size_t len);
void eseal_cms_free(eseal_cms *c);

eseal_cms_profile eseal_cms_get_profile(const eseal_cms *c);
/* "sm3", "sha256", "sha384", "sha512" or "sha1": what the content digest
 * must be computed with. */
const char *eseal_cms_digest_name(const eseal_cms *c);
/* Computes the content digest with the signature's algorithm. */
int eseal_cms_digest(const eseal_cms *c, const void *data, size_t len, uint8_t *out, size_t *outlen);
/* The same over n pieces taken in order (a PDF ByteRange's two ranges),
 * without joining them in memory. */
int eseal_cms_digest_parts(const eseal_cms *c, const void *const *parts, const size_t *lens, size_t n,
			   uint8_t *out, size_t *outlen);
/* The signer's certificate (DER) as found by the SignerIdentifier. */
const uint8_t *eseal_cms_signer_cert(const eseal_cms *c, size_t *len);
/* Other embedded certificates. */
size_t eseal_cms_cert_count(const eseal_cms *c);
const uint8_t *eseal_cms_cert(const eseal_cms *c, size_t i, size_t *len);
/* signingTime attribute (0 when absent). */
time_t eseal_cms_signing_time(const eseal_cms *c);
/* An RFC 3161 signature-time-stamp token in the unsigned attributes (NULL
 * when absent). */
const uint8_t *eseal_cms_timestamp_token(const eseal_cms *c, size_t *len);
/* Encapsulated content when not detached (OFD Type=Sign variant (a)). */
const uint8_t *eseal_cms_econtent(const eseal_cms *c, size_t *len);
/* 1 when the SignerInfo has signed attributes (the signature covers them),
 * 0 when the signature is directly over the eContent or the content. */
int eseal_cms_has_signed_attrs(const eseal_cms *c);
/* The SignerInfo's signature value (what an RFC 3161 signature time-stamp
 * covers). */
/* The messageDigest signed attribute: the digest of the content this
 * signature covers (NULL without signed attributes). */
const uint8_t *eseal_cms_message_digest(const eseal_cms *c, size_t *len);
const uint8_t *eseal_cms_signature_value(const eseal_cms *c, size_t *len);

/*
 * Checks into a report item: cms_signature (the signature over the original
 * signed-attributes bytes, or over the eContent when there are none),
 * message digest binding to `digest` (data_hash check), signing-certificate
 * binding (CAdES), the signer's certificate validity at the signing time
 * and its chain against trust (NO_TRUST_ANCHOR when trust is NULL/empty).
 * digest may be NULL to skip the binding.
 */
int eseal_cms_verify(const eseal_cms *c, const uint8_t *digest, size_t dlen,
		     const eseal_trust *trust, time_t at, eseal_report_item *it);

#ifdef __cplusplus
}
#endif
#endif
