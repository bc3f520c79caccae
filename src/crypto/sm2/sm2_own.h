/*
 * sm2_own.h - eseal's own SM2 (GB/T 32918.2, GM/T 0003): key generation,
 * signing and verification on the recommended curve, constant time for the
 * private key and the nonce. Internal: the library's SM2 keys use it through
 * eseal_key (src/crypto/key.c, sign.c) unless built with ESEAL_OPENSSL_SM2;
 * OpenSSL stays the reference in the tests. Byte strings are big-endian; a
 * public key is the 64 bytes x || y, a signature the 64 bytes r || s. The
 * digest e = SM3(Z_A || M) is 32 bytes. Functions return 0 or a negative
 * ESEAL_E* code.
 */
#ifndef ESEAL_SM2_OWN_H
#define ESEAL_SM2_OWN_H

#include <stddef.h>
#include <stdint.h>

#define ESEAL_SM2OWN_DEFAULT_ID "1234567812345678"

/* A new key pair: d uniform in [1, n-2]. */
int eseal_sm2own_keygen(uint8_t d[32], uint8_t pub[64]);
/* pub = d*G; ESEAL_EINVAL unless 1 <= d <= n-2. */
int eseal_sm2own_pubkey(const uint8_t d[32], uint8_t pub[64]);
/* 0 when pub is a valid point (coordinates < p, on the curve), else ESEAL_EINVAL. */
int eseal_sm2own_pubkey_check(const uint8_t pub[64]);
/* Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA); id NULL = default ID. */
int eseal_sm2own_za(uint8_t za[32], const uint8_t pub[64], const void *id, size_t idlen);
/* e = SM3(Z_A || msg). */
int eseal_sm2own_digest(uint8_t e[32], const uint8_t za[32], const void *msg, size_t len);

/* Signs the digest e with a fresh random nonce. */
int eseal_sm2own_sign(const uint8_t d[32], const uint8_t e[32], uint8_t rs[64]);
/* Signs with a given nonce k (known-answer tests only); ESEAL_EINVAL when k
 * is out of range or gives r = 0, r + k = n or s = 0. */
int eseal_sm2own_sign_with_k(const uint8_t d[32], const uint8_t e[32], const uint8_t k[32],
			     uint8_t rs[64]);
/* 0 when valid, ESEAL_EVERIFY when the signature does not verify,
 * ESEAL_EINVAL for an invalid public key. */
int eseal_sm2own_verify(const uint8_t pub[64], const uint8_t e[32], const uint8_t rs[64]);

/*
 * A key with its caches: (1+d)^-1 for signing, Z_A for the ID, and (after
 * eseal_sm2own_key_precompute) a 148 KiB table of multiples of the public
 * key that makes repeated verification about three times as fast (building
 * it costs about as much as 15 verifications).
 */
typedef struct eseal_sm2own_key eseal_sm2own_key;

/* d or pub may be NULL (not both); with both, pub must equal d*G.
 * id NULL = the default ID "1234567812345678". */
int eseal_sm2own_key_new(eseal_sm2own_key **out, const uint8_t d[32], const uint8_t pub[64],
			 const void *id, size_t idlen);
int eseal_sm2own_key_precompute(eseal_sm2own_key *k);
void eseal_sm2own_key_free(eseal_sm2own_key *k);
void eseal_sm2own_key_public(const eseal_sm2own_key *k, uint8_t pub[64]);
const uint8_t *eseal_sm2own_key_za(const eseal_sm2own_key *k);
int eseal_sm2own_key_sign(const eseal_sm2own_key *k, const uint8_t e[32], uint8_t rs[64]);
int eseal_sm2own_key_verify(const eseal_sm2own_key *k, const uint8_t e[32], const uint8_t rs[64]);
/* Hash with the cached Z_A, then sign or verify. */
int eseal_sm2own_key_sign_msg(const eseal_sm2own_key *k, const void *msg, size_t len,
			      uint8_t rs[64]);
int eseal_sm2own_key_verify_msg(const eseal_sm2own_key *k, const void *msg, size_t len,
				const uint8_t rs[64]);

#endif
