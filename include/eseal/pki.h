/*
 * pki.h - certificates, trust anchors and chain validation, the built-in CA,
 * revocation lists, and key files encrypted at rest.
 *
 * SM2 certificates are signed and verified with the default ID
 * "1234567812345678" (OpenSSL 3.0 needs it set on every certificate).
 */
#ifndef ESEAL_PKI_H
#define ESEAL_PKI_H

#include "common.h"
#include "crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct eseal_cert eseal_cert;

/* One DER certificate (a private copy is kept). */
int eseal_cert_parse(eseal_cert **out, const uint8_t *der, size_t len);
/* First certificate of a PEM or DER file. */
int eseal_cert_load(eseal_cert **out, const char *path);
/* Every certificate of a PEM bundle (or the one DER certificate). *out is an
 * array of n certificates; free with eseal_cert_list_free. */
int eseal_cert_load_all(eseal_cert ***out, size_t *n, const char *path);
void eseal_cert_list_free(eseal_cert **list, size_t n);
/* Writes PEM (atomically). */
int eseal_cert_save_pem(const eseal_cert *c, const char *path);
int eseal_cert_pem(const eseal_cert *c, eseal_buf *out);

const uint8_t *eseal_cert_der(const eseal_cert *c, size_t *len);
/* One-line subject / issuer ("CN=..., O=..., C=CN"), UTF-8. */
int eseal_cert_subject(const eseal_cert *c, char *out, size_t outlen);
int eseal_cert_issuer(const eseal_cert *c, char *out, size_t outlen);
/* A single attribute of the subject ("CN", "O", "OU", "serialNumber"...). */
int eseal_cert_subject_attr(const eseal_cert *c, const char *attr, char *out, size_t outlen);
/* Serial number as upper-case hex. */
int eseal_cert_serial(const eseal_cert *c, char *out, size_t outlen);
time_t eseal_cert_not_before(const eseal_cert *c);
time_t eseal_cert_not_after(const eseal_cert *c);
int eseal_cert_is_ca(const eseal_cert *c);
/* Public key (new object). */
int eseal_cert_key(const eseal_cert *c, eseal_key **out);
/* SM3 of the DER, upper-case hex fingerprint helper. */
void eseal_cert_sm3(const eseal_cert *c, uint8_t out[32]);
/* "sm2", "ecdsa-p256", "rsa-2048" ... */
const char *eseal_cert_key_algorithm(const eseal_cert *c);
/* 1 when the certificate's signature verifies with issuer's key. */
int eseal_cert_signed_by(const eseal_cert *c, const eseal_cert *issuer);
void eseal_cert_free(eseal_cert *c);

/* Trust anchors, intermediates and revocation lists used to validate chains. */
typedef struct eseal_trust eseal_trust;
int eseal_trust_new(eseal_trust **out);
/* A PEM/DER certificate file, a PEM bundle, or a directory of them. Every
 * certificate given here is a trust anchor. */
int eseal_trust_add_file(eseal_trust *t, const char *path);
int eseal_trust_add_cert(eseal_trust *t, const eseal_cert *c);
/* A CRL (PEM or DER); its signature is checked during validation. */
int eseal_trust_add_crl_file(eseal_trust *t, const char *path);
size_t eseal_trust_count(const eseal_trust *t);
void eseal_trust_free(eseal_trust *t);

typedef enum {
	ESEAL_CHAIN_OK = 0,
	ESEAL_CHAIN_NO_ANCHOR = 1,   /* no trust anchor configured or none matches */
	ESEAL_CHAIN_INVALID = 2,     /* bad signature, not a CA, wrong usage ... */
	ESEAL_CHAIN_EXPIRED = 3,     /* a certificate was outside its validity at `at` */
	ESEAL_CHAIN_REVOKED = 4,     /* revoked before `at` */
} eseal_chain_status;

/*
 * Validates leaf up to an anchor at time `at`, with optional extra
 * (untrusted) intermediates. Returns 0 and sets *status (and a reason in
 * why) whatever the outcome; a negative code only for errors.
 * Revocation: when a CRL of a certificate's issuer was added (and its
 * signature verifies), the certificate is REVOKED only if its revocation
 * date is not after `at` (GM/T 0031 §6.2.3). Without such a CRL revocation
 * is not checked.
 */
int eseal_trust_verify(const eseal_trust *t, const eseal_cert *leaf,
		       eseal_cert *const *extra, size_t nextra, time_t at,
		       eseal_chain_status *status, char *why, size_t whylen);

/* Key files: PKCS#8 PEM, encrypted with SM4-CBC under PBES2/scrypt.
 * pass NULL => plaintext PKCS#8 (callers allow it only on --insecure-plain). */
int eseal_key_save(const eseal_key *k, const char *path, const char *pass, size_t passlen);
int eseal_key_to_pem(const eseal_key *k, const char *pass, size_t passlen, eseal_buf *out);
/* ESEAL_EPASS when encrypted and the passphrase is wrong or missing. */
int eseal_key_load(eseal_key **out, const char *path, const char *pass, size_t passlen);
int eseal_key_from_pem(eseal_key **out, const uint8_t *pem, size_t len,
		       const char *pass, size_t passlen);
/* Key and certificate from a PKCS#12 file (legacy algorithms allowed). */
int eseal_pkcs12_load(const char *path, const char *pass, eseal_key **key, eseal_cert **cert);
/* Public key PEM (SubjectPublicKeyInfo). */
int eseal_pubkey_load(eseal_key **out, const char *path);

/* The built-in CA: an SM2 root and an issuing CA kept in a directory:
 *   root.pem root.key issuing.pem issuing.key ca.pem (= root + issuing)
 *   index.json (issued and revoked certificates, issue count, next CRL
 *   number), crl.pem. Serial numbers are random (16 bytes, positive). */
typedef struct eseal_ca eseal_ca;

typedef enum {
	ESEAL_ROLE_MAKER = 1,   /* 制章者: signs SESeal */
	ESEAL_ROLE_SEAL = 2,    /* 签章者: one per seal, signs documents */
	ESEAL_ROLE_STATUS = 3,  /* status publisher: signs status answers and lists */
	ESEAL_ROLE_SYSTEM = 4,  /* a registered subordinate system */
	ESEAL_ROLE_TSA = 5,     /* time-stamp authority */
} eseal_cert_role;

/* Role from its name ("maker", "seal", ...); 0 when unknown. */
eseal_cert_role eseal_cert_role_from_name(const char *name);
const char *eseal_cert_role_name(eseal_cert_role r);

typedef struct eseal_cert_request {
	eseal_cert_role role;
	const char *org;        /* O: the organisation */
	const char *name;       /* CN: the seal's or the system's name */
	const char *org_unit;   /* OU, optional */
	const char *country;    /* C, default "CN" */
	const char *serial_number; /* subject serialNumber (e.g. the seal's esID), optional */
	time_t not_before;      /* 0 = now */
	int days;               /* validity, default 730 (CA 3650) */
} eseal_cert_request;

/* Creates dir with a root and an issuing CA, keys encrypted with pass.
 * key_type: ESEAL_KEY_SM2 (default) or ESEAL_KEY_EC_P256 (for PAdES). */
int eseal_ca_init(const char *dir, const char *name, eseal_key_type key_type,
		  const char *pass, size_t passlen, int days);
/* Opens an existing CA directory (decrypts the issuing key). */
int eseal_ca_open(eseal_ca **out, const char *dir, const char *pass, size_t passlen);
int eseal_ca_issue(eseal_ca *ca, const eseal_cert_request *req,
		   const eseal_key *subject_public, eseal_cert **out);
/* reason: RFC 5280 CRLReason code (0 unspecified, 1 keyCompromise ...). */
int eseal_ca_revoke(eseal_ca *ca, const char *serial_hex, int reason, time_t when);
/* Signs a fresh CRL (DER) valid for days and stores it as dir/crl.pem. */
int eseal_ca_crl(eseal_ca *ca, int days, eseal_buf *der_out);
const eseal_cert *eseal_ca_root(const eseal_ca *ca);
const eseal_cert *eseal_ca_issuing(const eseal_ca *ca);
void eseal_ca_free(eseal_ca *ca);

#ifdef __cplusplus
}
#endif
#endif
