/*
 * sm2_internal.h - SM2 curve helpers shared by the key, signing and Z_A code.
 * Never installed.
 */
#ifndef ESEAL_SM2_INTERNAL_H
#define ESEAL_SM2_INTERNAL_H

#include <openssl/evp.h>

#include "eseal/crypto.h"

/* Orders of the SM2 and P-256 groups, big-endian. */
extern const uint8_t eseal_sm2_order[32];
extern const uint8_t eseal_p256_order[32];

/* An "SM2" EVP_PKEY from an uncompressed point 04||x||y (checked on the curve). */
int eseal_sm2_pkey_from_point(EVP_PKEY **out, const uint8_t *pt, size_t len);
/* An "SM2" EVP_PKEY key pair from the scalar d, 1 <= d <= n-2. */
int eseal_sm2_pkey_from_private(EVP_PKEY **out, const uint8_t d[32]);

/*
 * Parses an ECDSA/SM2 signature given as DER SEQUENCE{r,s} (leniently:
 * INTEGERs may lack the 0x00 pad or be short, and are read as unsigned) or,
 * when allow_raw, as 64-byte r||s. Fails with ESEAL_EFORMAT when malformed
 * and ESEAL_EVERIFY when r or s is 0 or >= order.
 */
int eseal_ec_sig_parse(uint8_t r[32], uint8_t s[32], const uint8_t *sig, size_t len,
		       const uint8_t order[32], int allow_raw);
/* Appends the canonical DER SEQUENCE{r,s} of 32-byte big-endian r and s. */
int eseal_ec_sig_der(eseal_buf *out, const uint8_t r[32], const uint8_t s[32]);

#endif
