/*
 * sm2_sig.c - SM2/ECDSA signature values (DER SEQUENCE{r,s} and raw r||s)
 * and the SM2 Z_A / e = SM3(Z_A || M) computation.
 * Must never hand OpenSSL an r or s outside [1, n-1]: they are range-checked
 * here, then re-encoded canonically so lenient input cannot reach the verifier
 * in two different encodings.
 */
#include <string.h>

#include "crypto/key_internal.h"
#include "crypto/sm2_internal.h"

/* SM2 curve parameters a, b, xG, yG (GB/T 32918.5), in Z_A order. */
static const uint8_t sm2_abg[128] = {
	0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC,
	0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7,
	0xF3, 0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93,
	0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
	0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
	0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
	0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0,
};

/* Reads one DER length at *p (definite, minimal not required); -1 on error. */
static int der_len(const uint8_t **p, const uint8_t *end, size_t *len)
{
	if (*p >= end)
		return -1;
	uint8_t b = *(*p)++;
	if (b < 0x80) {
		*len = b;
		return 0;
	}
	size_t n = b & 0x7f, v = 0;
	if (n == 0 || n > 2 || (size_t)(end - *p) < n)
		return -1;
	while (n--)
		v = (v << 8) | *(*p)++;
	*len = v;
	return 0;
}

/* One INTEGER read as an unsigned big-endian number into 32 bytes. */
static int der_uint32(const uint8_t **p, const uint8_t *end, uint8_t out[32])
{
	size_t len;
	if (*p >= end || *(*p)++ != 0x02 || der_len(p, end, &len) || len == 0 ||
	    (size_t)(end - *p) < len)
		return -1;
	const uint8_t *v = *p;
	*p += len;
	while (len > 0 && *v == 0) {
		v++;
		len--;
	}
	if (len > 32)
		return -1;
	memset(out, 0, 32);
	memcpy(out + 32 - len, v, len);
	return 0;
}

/* 1 when x is in [1, order-1]. Not secret: plain comparison is fine. */
static int in_range(const uint8_t x[32], const uint8_t order[32])
{
	static const uint8_t zero[32];
	return memcmp(x, zero, 32) != 0 && memcmp(x, order, 32) < 0;
}

int eseal_ec_sig_parse(uint8_t r[32], uint8_t s[32], const uint8_t *sig, size_t len,
		       const uint8_t order[32], int allow_raw)
{
	if (!sig)
		return eseal_error_set(ESEAL_EFORMAT, "missing signature value");
	if (allow_raw && len == 64 && sig[0] != 0x30) {
		memcpy(r, sig, 32);
		memcpy(s, sig + 32, 32);
	} else {
		const uint8_t *p = sig, *end = sig + len;
		size_t slen;
		if (len < 2 || *p++ != 0x30 || der_len(&p, end, &slen) || slen != (size_t)(end - p) ||
		    der_uint32(&p, end, r) || der_uint32(&p, end, s) || p != end) {
			/* A raw r||s whose r happens to start with 0x30. */
			if (allow_raw && len == 64) {
				memcpy(r, sig, 32);
				memcpy(s, sig + 32, 32);
			} else {
				return eseal_error_set(ESEAL_EFORMAT, "malformed signature value (%zu bytes)", len);
			}
		}
	}
	if (!in_range(r, order) || !in_range(s, order))
		return eseal_error_set(ESEAL_EVERIFY, "signature value out of range (r or s is 0 or not below the group order)");
	return 0;
}

static void der_int(uint8_t *out, size_t *pos, const uint8_t v[32])
{
	size_t i = 0;
	while (i < 31 && v[i] == 0)
		i++;
	int pad = v[i] & 0x80 ? 1 : 0;
	out[(*pos)++] = 0x02;
	out[(*pos)++] = (uint8_t)(32 - i + (size_t)pad);
	if (pad)
		out[(*pos)++] = 0;
	memcpy(out + *pos, v + i, 32 - i);
	*pos += 32 - i;
}

int eseal_ec_sig_der(eseal_buf *out, const uint8_t r[32], const uint8_t s[32])
{
	uint8_t der[72], body[70];
	size_t n = 0, pos = 0;

	der_int(body, &n, r);
	der_int(body, &n, s);
	der[pos++] = 0x30;
	der[pos++] = (uint8_t)n; /* at most 70: short form */
	memcpy(der + pos, body, n);
	return eseal_buf_put(out, der, pos + n);
}

int eseal_sm2_sig_raw_to_der(eseal_buf *out, const uint8_t raw[64])
{
	return eseal_ec_sig_der(out, raw, raw + 32);
}

int eseal_sm2_sig_der_to_raw(uint8_t raw[64], const uint8_t *der, size_t len)
{
	return eseal_ec_sig_parse(raw, raw + 32, der, len, eseal_sm2_order, 0);
}

int eseal_sm2_za(const eseal_key *k, uint8_t za[32])
{
	static const uint8_t entl[2] = { 0x00, 0x80 }; /* 16-byte ID = 128 bits */
	uint8_t pt[65];
	eseal_sm3_ctx *c;
	int rc;

	if (k->type != ESEAL_KEY_SM2)
		return eseal_error_set(ESEAL_EINVAL, "Z_A needs an SM2 key");
	if (k->sm2) {   /* computed once, when the key was built */
		memcpy(za, eseal_sm2own_key_za(k->sm2), 32);
		return 0;
	}
	rc = eseal_key_public_point(k, pt);
	if (rc)
		return rc;
	rc = eseal_sm3_new(&c);
	if (rc)
		return rc;
	eseal_sm3_update(c, entl, 2);
	eseal_sm3_update(c, ESEAL_SM2_DEFAULT_ID, 16);
	eseal_sm3_update(c, sm2_abg, sizeof sm2_abg);
	eseal_sm3_update(c, pt + 1, 64);
	eseal_sm3_final(c, za);
	eseal_sm3_free(c);
	return 0;
}

int eseal_sm2_digest(const eseal_key *k, const void *msg, size_t len, uint8_t e[32])
{
	uint8_t za[32];
	eseal_sm3_ctx *c;
	int rc = eseal_sm2_za(k, za);
	if (rc)
		return rc;
	rc = eseal_sm3_new(&c);
	if (rc)
		return rc;
	eseal_sm3_update(c, za, 32);
	eseal_sm3_update(c, msg, len);
	eseal_sm3_final(c, e);
	eseal_sm3_free(c);
	return 0;
}
