/*
 * rand.c - cryptographically secure random bytes from OpenSSL's DRBG.
 * Must never fall back to a weaker source when the DRBG fails.
 */
#include <limits.h>

#include <openssl/rand.h>

#include "crypto/key_internal.h"

int eseal_random(void *out, size_t len)
{
	uint8_t *p = out;

	while (len > 0) {
		int n = len > INT_MAX ? INT_MAX : (int)len;
		if (RAND_bytes(p, n) != 1)
			return eseal_crypto_error(ESEAL_ECRYPTO, "random generator");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
