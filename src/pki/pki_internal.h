/*
 * pki_internal.h - what an eseal_cert is and the helpers shared by the pki
 * files (certificates, trust, CA, CRL). Never installed; never used above
 * src/pki except by tests.
 */
#ifndef ESEAL_PKI_INTERNAL_H
#define ESEAL_PKI_INTERNAL_H

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "eseal/pki.h"
#include "crypto/key_internal.h"

struct eseal_cert {
	X509 *x;        /* owned; carries the SM2 ID when signed with SM2 */
	uint8_t *der;   /* the exact bytes we were given (or produced) */
	size_t len;
};

/* Wraps x (takes ownership, also on failure) and records its DER. */
int pki_cert_wrap(eseal_cert **out, X509 *x);

/* Gives an SM2-signed certificate the default ID so OpenSSL 3.0 verifies
 * it the way every other producer signs it. No-op for other algorithms. */
int pki_x509_set_sm2_id(X509 *x);

/* ASN1_TIME to time_t (UTC); (time_t)-1 on a malformed time. */
time_t pki_asn1_time(const ASN1_TIME *t);

/* Upper-case hex of an ASN1_INTEGER's magnitude ("-" prefixed when negative). */
int pki_integer_hex(const ASN1_INTEGER *i, char *out, size_t outlen);

/* A fresh positive 16-byte serial number. */
int pki_random_serial(ASN1_INTEGER **out);

/* An EVP_MD_CTX to sign with k (SM2 gets the default ID). */
int pki_sign_ctx(EVP_MD_CTX **out, const eseal_key *k);
/* After X509_sign_ctx / X509_CRL_sign_ctx: the signature value made again
 * by eseal's own SM2 for SM2 signers (resign.c). */
int pki_resign_cert(X509 *x, const eseal_key *signer);
int pki_resign_crl(X509_CRL *c, const eseal_key *signer);

/* Applies the extensions of a role (or of a CA level) to x. issuer may be
 * x itself for a self-signed root. */
enum { PKI_PROFILE_ROOT = 100, PKI_PROFILE_ISSUING = 101 };
int pki_profile_apply(X509 *x, X509 *issuer, int profile);

/* 1 when the CRL's signature verifies with issuer's public key (SM2 with
 * the default ID), 0 when not. */
int pki_crl_signed_by(X509_CRL *crl, X509 *issuer);

/* RFC 5280 CRLReason names. */
const char *pki_reason_name(int reason);
int pki_reason_from_name(const char *name);

/* Reads a PEM or DER file into memory (bounded). */
int pki_read_file(eseal_buf *out, const char *path);

#endif
