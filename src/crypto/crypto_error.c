/*
 * crypto_error.c - turns OpenSSL's error queue into the eseal message.
 * Must always drain the queue so a stale OpenSSL error never shows up in a
 * later, unrelated message.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "crypto/key_internal.h"

int eseal_crypto_error(int code, const char *what)
{
	char msg[512], one[256];
	size_t used = 0;
	unsigned long e;

	msg[0] = 0;
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, one, sizeof one);
		int n = snprintf(msg + used, sizeof msg - used, "%s%s", used ? "; " : "", one);
		if (n < 0 || (size_t)n >= sizeof msg - used)
			used = sizeof msg - 1;
		else
			used += (size_t)n;
	}
	ERR_clear_error();
	if (used)
		return eseal_error_set(code, "%s: %s", what, msg);
	return eseal_error_set(code, "%s failed", what);
}
