/*
 * sm3.c - SM3 (one-shot and streaming) and SHA-256 through OpenSSL EVP.
 * Must never return a partial digest: on an internal failure the output is
 * zeroed and the error message set.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/key_internal.h"

struct eseal_sm3_ctx {
	EVP_MD_CTX *md;
	int failed;
};

static void digest(const EVP_MD *md, uint8_t *out, size_t outlen, const void *data, size_t len)
{
	unsigned int n = 0;
	if (EVP_Digest(data, len, out, &n, md, NULL) != 1 || n != outlen) {
		memset(out, 0, outlen);
		eseal_crypto_error(ESEAL_ECRYPTO, "digest");
	}
}

void eseal_sm3(uint8_t out[ESEAL_SM3_LEN], const void *data, size_t len)
{
	digest(EVP_sm3(), out, ESEAL_SM3_LEN, data, len);
}

void eseal_sha256(uint8_t out[32], const void *data, size_t len)
{
	digest(EVP_sha256(), out, 32, data, len);
}

int eseal_sm3_new(eseal_sm3_ctx **out)
{
	eseal_sm3_ctx *c = calloc(1, sizeof *c);
	*out = NULL;
	if (!c)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	c->md = EVP_MD_CTX_new();
	if (!c->md || EVP_DigestInit_ex(c->md, EVP_sm3(), NULL) != 1) {
		EVP_MD_CTX_free(c->md);
		free(c);
		return eseal_crypto_error(ESEAL_ECRYPTO, "SM3 init");
	}
	*out = c;
	return 0;
}

void eseal_sm3_update(eseal_sm3_ctx *c, const void *data, size_t len)
{
	if (!c->failed && len && EVP_DigestUpdate(c->md, data, len) != 1) {
		c->failed = 1;
		eseal_crypto_error(ESEAL_ECRYPTO, "SM3 update");
	}
}

void eseal_sm3_final(eseal_sm3_ctx *c, uint8_t out[ESEAL_SM3_LEN])
{
	unsigned int n = 0;
	if (c->failed || EVP_DigestFinal_ex(c->md, out, &n) != 1 || n != ESEAL_SM3_LEN) {
		memset(out, 0, ESEAL_SM3_LEN);
		if (!c->failed)
			eseal_crypto_error(ESEAL_ECRYPTO, "SM3 final");
	}
	/* Ready for another message. */
	c->failed = EVP_DigestInit_ex(c->md, EVP_sm3(), NULL) != 1;
}

void eseal_sm3_free(eseal_sm3_ctx *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->md);
	free(c);
}
