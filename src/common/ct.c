/*
 * ct.c - constant-time comparison and wiping for secrets.
 */
#include <openssl/crypto.h>

#include "eseal/common.h"

int eseal_ct_memcmp(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) != 0;
}

void eseal_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}
