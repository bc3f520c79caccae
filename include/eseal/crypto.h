/*
 * crypto.h - SM2, SM3, SM4, ECDSA/RSA keys and randomness.
 *
 * SM2 signatures always use the user ID "1234567812345678" (GM/T 0009):
 * OpenSSL 3.0's default ID is empty and would make our signatures
 * incompatible with every other producer.
 * Signature values are produced as DER SEQUENCE{r,s}; verification accepts
 * DER or the raw 64-byte r||s some vendors write.
 */
#ifndef ESEAL_CRYPTO_H
#define ESEAL_CRYPTO_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESEAL_SM2_DEFAULT_ID "1234567812345678"
#define ESEAL_SM3_LEN 32

typedef enum {
	ESEAL_KEY_SM2 = 1,
	ESEAL_KEY_EC_P256 = 2,
	ESEAL_KEY_RSA = 3,
} eseal_key_type;

/* A public or private key. */
typedef struct eseal_key eseal_key;

/* One-shot SM3. */
void eseal_sm3(uint8_t out[ESEAL_SM3_LEN], const void *data, size_t len);

/* Streaming SM3 for large inputs. */
typedef struct eseal_sm3_ctx eseal_sm3_ctx;
int eseal_sm3_new(eseal_sm3_ctx **out);
void eseal_sm3_update(eseal_sm3_ctx *c, const void *data, size_t len);
void eseal_sm3_final(eseal_sm3_ctx *c, uint8_t out[ESEAL_SM3_LEN]);
void eseal_sm3_free(eseal_sm3_ctx *c);

/* HMAC-SM3. */
int eseal_hmac_sm3(uint8_t out[ESEAL_SM3_LEN], const void *key, size_t keylen,
		   const void *data, size_t len);

/* SHA-256 (PAdES, certificate digests). */
void eseal_sha256(uint8_t out[32], const void *data, size_t len);

/* Cryptographically secure random bytes. */
int eseal_random(void *out, size_t len);

/* SM4-CBC with PKCS#7 padding; iv is 16 bytes. */
int eseal_sm4_cbc_encrypt(eseal_buf *out, const uint8_t key[16], const uint8_t iv[16],
			  const void *in, size_t len);
int eseal_sm4_cbc_decrypt(eseal_buf *out, const uint8_t key[16], const uint8_t iv[16],
			  const void *in, size_t len);
/* SM4-GCM; iv is 12 bytes, tag 16 bytes appended to out on encrypt and
 * expected at the end of in on decrypt (ESEAL_EVERIFY on mismatch). */
int eseal_sm4_gcm_encrypt(eseal_buf *out, const uint8_t key[16], const uint8_t iv[12],
			  const void *aad, size_t aadlen, const void *in, size_t len);
int eseal_sm4_gcm_decrypt(eseal_buf *out, const uint8_t key[16], const uint8_t iv[12],
			  const void *aad, size_t aadlen, const void *in, size_t len);
/* Raw single-block SM4 encryption (for known-answer tests). */
int eseal_sm4_encrypt_block(uint8_t out[16], const uint8_t key[16], const uint8_t in[16]);

/* Keys. */
int eseal_key_generate(eseal_key **out, eseal_key_type type);
/* SM2 private key from a 32-byte big-endian scalar (tests, imports). */
int eseal_key_from_sm2_private(eseal_key **out, const uint8_t d[32]);
/* Public key from DER SubjectPublicKeyInfo. */
int eseal_key_from_spki(eseal_key **out, const uint8_t *der, size_t len);
/* Public key of a DER X.509 certificate. */
int eseal_key_from_cert_der(eseal_key **out, const uint8_t *der, size_t len);
eseal_key_type eseal_key_get_type(const eseal_key *k);
int eseal_key_has_private(const eseal_key *k);
/* DER SubjectPublicKeyInfo. */
int eseal_key_spki(const eseal_key *k, eseal_buf *out);
/* Uncompressed public point 04||x||y for EC keys (65 bytes). */
int eseal_key_public_point(const eseal_key *k, uint8_t out[65]);
void eseal_key_free(eseal_key *k);

/*
 * Sign msg: SM2 keys sign SM3(Z_A || msg) with the default ID; P-256 keys
 * ECDSA-SHA256; RSA keys PKCS#1 v1.5 SHA-256. out receives DER (EC) or the
 * raw signature (RSA).
 */
int eseal_key_sign(const eseal_key *k, const void *msg, size_t len, eseal_buf *out);
/* Sign a precomputed digest (SM2: e = SM3(Z_A||M) is computed by the caller
 * through eseal_sm2_digest; EC/RSA: the SHA-256 digest). */
int eseal_key_sign_digest(const eseal_key *k, const uint8_t *dgst, size_t dlen, eseal_buf *out);
/* 0 when the signature verifies, ESEAL_EVERIFY when not, other codes on error.
 * SM2 signatures may be DER or raw 64-byte r||s; r and s must be in [1, n-1]. */
int eseal_key_verify(const eseal_key *k, const void *msg, size_t len,
		     const uint8_t *sig, size_t siglen);

/* e = SM3(Z_A || msg) for SM2 key k with the default ID. */
int eseal_sm2_digest(const eseal_key *k, const void *msg, size_t len, uint8_t e[32]);
/* Z_A with the default ID. */
int eseal_sm2_za(const eseal_key *k, uint8_t za[32]);

/* Convert a raw 64-byte r||s into DER SEQUENCE{r,s}, and back (out 64 bytes). */
int eseal_sm2_sig_raw_to_der(eseal_buf *out, const uint8_t raw[64]);
int eseal_sm2_sig_der_to_raw(uint8_t raw[64], const uint8_t *der, size_t len);

#ifdef __cplusplus
}
#endif
#endif
