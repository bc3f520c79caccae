/*
 * key_internal.h - what an eseal_key is, for the modules below the public
 * API (pki needs the EVP_PKEY to sign certificates). Never installed.
 */
#ifndef ESEAL_KEY_INTERNAL_H
#define ESEAL_KEY_INTERNAL_H

#include <openssl/evp.h>

#include "crypto/sm2/sm2_own.h"
#include "eseal/crypto.h"

struct eseal_key {
	EVP_PKEY *pkey;     /* owned; SPKI/PKCS#8 encoding, X.509 signing */
	eseal_key_type type;
	int has_private;
	/* SM2 keys (own SM2 build): scalar with (1+d)^-1, public point and
	 * Z_A for the default ID, built once; wiped on free. NULL otherwise. */
	eseal_sm2own_key *sm2;
};

/* 1 when SM2 signing and verification use eseal's own implementation. */
#ifdef ESEAL_OPENSSL_SM2
#define ESEAL_OWN_SM2 0
#else
#define ESEAL_OWN_SM2 1
#endif

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
