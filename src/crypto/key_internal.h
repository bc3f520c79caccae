/*
 * key_internal.h - what an eseal_key is, for the modules below the public
 * API (pki needs the EVP_PKEY to sign certificates). Never installed.
 */
#ifndef ESEAL_KEY_INTERNAL_H
#define ESEAL_KEY_INTERNAL_H

#include <openssl/evp.h>

#include "eseal/crypto.h"

struct eseal_key {
	EVP_PKEY *pkey;     /* owned */
	eseal_key_type type;
	int has_private;
};

/* Wraps pkey (takes ownership). */
int eseal_key_wrap(eseal_key **out, EVP_PKEY *pkey);

/* Sets the default SM2 ID on an EVP_PKEY_CTX for SM2 keys (no-op otherwise). */
int eseal_pkey_ctx_set_sm2_id(EVP_PKEY_CTX *pctx, const EVP_PKEY *pkey);

/* An EVP_MD_CTX ready for DigestSign/DigestVerify with the right digest and,
 * for SM2, the default ID. verify = 1 for verification. */
int eseal_md_ctx_init(EVP_MD_CTX **out, const eseal_key *k, int verify);

/* Formats OpenSSL's error queue into the eseal error message. */
int eseal_crypto_error(int code, const char *what);

#endif
