/*
 * auth_password.c - password hashing for people: scrypt (N=2^15, r=8, p=1,
 * 16-byte random salt, 32-byte hash) stored as a PHC string
 * "$scrypt$ln=15,r=8,p=1$<salt>$<hash>" (unpadded base64). Never compare
 * hashes with memcmp, never log or keep a password after use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "eseal/crypto.h"
#include "server_internal.h"

#define SALT_LEN 16
#define HASH_LEN 32

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(char *out, const uint8_t *in, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = b64[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = b64[v & 63];
	}
	out[o] = 0;
}

/* Decodes exactly `want` bytes from s[0..len); -1 otherwise. */
static int b64_decode(uint8_t *out, size_t want, const char *s, size_t len)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		const char *p = s[i] ? strchr(b64, s[i]) : NULL;
		if (!p)
			return -1;
		acc = (acc << 6) | (uint32_t)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= want)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o == want ? 0 : -1;
}

static int scrypt(uint8_t out[HASH_LEN], const char *pw, size_t len, const uint8_t *salt,
		  size_t saltlen, int ln, int r, int p)
{
	uint64_t N = 1ull << ln;
	/* scrypt needs 128*r*N bytes (+ 128*r*p): allow that much and no more */
	uint64_t maxmem = 128ull * (uint64_t)r * (N + (uint64_t)p + 2) + (1u << 20);
	if (!EVP_PBE_scrypt(pw, len, salt, saltlen, N, (uint64_t)r, (uint64_t)p, maxmem, out, HASH_LEN))
		return eseal_error_set(ESEAL_ECRYPTO, "scrypt failed");
	return 0;
}

int srv_password_hash(const char *pw, size_t len, int ln, char *out, size_t outlen)
{
	if (ln == 0)
		ln = SRV_SCRYPT_LN;
	if (ln < 10 || ln > 20)
		return eseal_error_set(ESEAL_EINVAL, "scrypt cost out of range");
	uint8_t salt[SALT_LEN], h[HASH_LEN];
	char s64[32], h64[48];
	int rc = eseal_random(salt, sizeof salt);
	if (rc)
		return rc;
	if ((rc = scrypt(h, pw, len, salt, sizeof salt, ln, 8, 1)))
		return rc;
	b64_encode(s64, salt, sizeof salt);
	b64_encode(h64, h, sizeof h);
	eseal_wipe(h, sizeof h);
	if ((size_t)snprintf(out, outlen, "$scrypt$ln=%d,r=8,p=1$%s$%s", ln, s64, h64) >= outlen)
		return eseal_error_set(ESEAL_EINVAL, "password hash buffer too small");
	return 0;
}

int srv_password_verify(const char *pw, size_t len, const char *phc, int want_ln, int *rehash)
{
	int ln, r, p, n = 0;
	if (want_ln == 0)
		want_ln = SRV_SCRYPT_LN;
	uint8_t salt[SALT_LEN], want[HASH_LEN], got[HASH_LEN];
	if (rehash)
		*rehash = 0;
	if (!phc || sscanf(phc, "$scrypt$ln=%d,r=%d,p=%d$%n", &ln, &r, &p, &n) != 3 || n == 0)
		return eseal_error_set(ESEAL_EFORMAT, "unknown password hash format");
	/* refuse parameters that would let a stored record exhaust memory or time */
	if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16)
		return eseal_error_set(ESEAL_EFORMAT, "password hash parameters out of range");
	const char *s = phc + n, *dollar = strchr(s, '$');
	if (!dollar || b64_decode(salt, SALT_LEN, s, (size_t)(dollar - s)) ||
	    b64_decode(want, HASH_LEN, dollar + 1, strlen(dollar + 1)))
		return eseal_error_set(ESEAL_EFORMAT, "malformed password hash");
	int rc = scrypt(got, pw, len, salt, SALT_LEN, ln, r, p);
	if (rc)
		return rc;
	int diff = eseal_ct_memcmp(got, want, HASH_LEN);
	eseal_wipe(got, sizeof got);
	if (diff)
		return eseal_error_set(ESEAL_EPASS, "wrong password");
	if (rehash)
		*rehash = ln < want_ln || r < 8;
	return 0;
}

int srv_password_acceptable(const char *pw)
{
	size_t n = strlen(pw);
	int classes = 0, lower = 0, upper = 0, digit = 0, other = 0;
	if (n < 12)
		return eseal_error_set(ESEAL_EINVAL, "the password must have at least 12 characters");
	if (n > 256)
		return eseal_error_set(ESEAL_EINVAL, "the password is longer than 256 characters");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)pw[i];
		if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (c >= 'A' && c <= 'Z')
			upper = 1;
		else if (c >= '0' && c <= '9')
			digit = 1;
		else
			other = 1;
	}
	classes = lower + upper + digit + other;
	if (classes < 3)
		return eseal_error_set(ESEAL_EINVAL,
				       "the password must mix at least three of: lower case, upper case, digits, other characters");
	return 0;
}

int srv_password_random(char *out, size_t len)
{
	/* no look-alike characters: the password is read off a terminal once */
	static const char set[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	uint8_t rnd[64];
	if (len < 21 || len - 1 > sizeof rnd)
		return eseal_error_set(ESEAL_EINVAL, "bad password length");
	size_t n = len - 1 < 24 ? len - 1 : 24;
	const unsigned limit = 256 - 256 % (sizeof set - 1); /* rejection: no modulo bias */
	for (;;) {
		size_t o = 0;
		while (o < n) {
			int rc = eseal_random(rnd, sizeof rnd);
			if (rc)
				return rc;
			for (size_t i = 0; i < sizeof rnd && o < n; i++)
				if (rnd[i] < limit)
					out[o++] = set[rnd[i] % (sizeof set - 1)];
		}
		out[n] = 0;
		if (!srv_password_acceptable(out))
			break;
	}
	eseal_wipe(rnd, sizeof rnd);
	eseal_error_clear();
	return 0;
}
