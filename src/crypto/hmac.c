/*
 * hmac.c - HMAC-SM3. Must never leave the key in a temporary buffer.
 */
#include <limits.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/key_internal.h"

int eseal_hmac_sm3(uint8_t out[ESEAL_SM3_LEN], const void *key, size_t keylen,
		   const void *data, size_t len)
{
	static const uint8_t empty[1];
	unsigned int n = 0;

	if (keylen > INT_MAX)
		return eseal_error_set(ESEAL_EINVAL, "HMAC key too long");
	if (!key || keylen == 0)
		key = empty;
	if (!data)
		data = empty;
	if (!HMAC(EVP_sm3(), key, (int)keylen, data, len, out, &n) || n != ESEAL_SM3_LEN)
		return eseal_crypto_error(ESEAL_ECRYPTO, "HMAC-SM3");
	return 0;
}
