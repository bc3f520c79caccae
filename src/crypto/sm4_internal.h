/*
 * sm4_internal.h - raw SM4 block encryption shared by the CBC and GCM code.
 * Never installed.
 */
#ifndef ESEAL_SM4_INTERNAL_H
#define ESEAL_SM4_INTERNAL_H

#include <openssl/evp.h>

#include "eseal/common.h"

/* An SM4-ECB encryption context without padding. */
int eseal_sm4_ecb_new(EVP_CIPHER_CTX **out, const uint8_t key[16]);
/* Encrypts nblocks 16-byte blocks (out may equal in). */
int eseal_sm4_ecb_blocks(EVP_CIPHER_CTX *c, uint8_t *out, const uint8_t *in, size_t nblocks);

#endif
