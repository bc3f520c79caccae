/*
 * der_types.c - typed views of DER elements: integers, booleans, bit
 * strings, OIDs, times and strings. Lenient where producers are known to
 * deviate (a positive INTEGER without its 0x00 pad), strict elsewhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eseal/asn1.h"

int eseal_der_get_int(const eseal_der *e, long *out)
{
	if (e->tag != ESEAL_DER_INTEGER)
		return eseal_error_set(ESEAL_EFORMAT, "DER: expected INTEGER at offset %zu", e->off);
	if (e->val_len == 0 || e->val_len > sizeof(long))
		return eseal_error_set(ESEAL_EFORMAT, "DER: INTEGER of %zu bytes at offset %zu out of range",
				       e->val_len, e->off);
	unsigned long v = (e->val[0] & 0x80) ? ~0UL : 0;
	for (size_t i = 0; i < e->val_len; i++)
		v = (v << 8) | e->val[i];
	*out = (long)v;
	return 0;
}

int eseal_der_get_uint_bytes(const eseal_der *e, const uint8_t **p, size_t *n)
{
	if (e->tag != ESEAL_DER_INTEGER || e->val_len == 0)
		return eseal_error_set(ESEAL_EFORMAT, "DER: expected INTEGER at offset %zu", e->off);
	const uint8_t *v = e->val;
	size_t l = e->val_len;
	while (l > 1 && v[0] == 0) {
		v++;
		l--;
	}
	*p = v;
	*n = l;
	return 0;
}

int eseal_der_get_bool(const eseal_der *e, int *out)
{
	if (e->tag != ESEAL_DER_BOOLEAN || e->val_len != 1)
		return eseal_error_set(ESEAL_EFORMAT, "DER: bad BOOLEAN at offset %zu", e->off);
	*out = e->val[0] != 0;
	return 0;
}

int eseal_der_get_bits(const eseal_der *e, const uint8_t **p, size_t *n)
{
	if (e->tag != ESEAL_DER_BIT_STRING || e->val_len < 1)
		return eseal_error_set(ESEAL_EFORMAT, "DER: bad BIT STRING at offset %zu", e->off);
	if (e->val[0] != 0)
		return eseal_error_set(ESEAL_EFORMAT, "DER: BIT STRING at offset %zu has %u unused bits",
				       e->off, e->val[0]);
	*p = e->val + 1;
	*n = e->val_len - 1;
	return 0;
}

int eseal_der_get_oid(const eseal_der *e, char *out, size_t outlen)
{
	if (e->tag != ESEAL_DER_OID || e->val_len == 0 || e->val_len > 64)
		return eseal_error_set(ESEAL_EFORMAT, "DER: bad OBJECT IDENTIFIER at offset %zu", e->off);
	size_t pos = 0;
	int first = 1;
	unsigned long long v = 0;
	for (size_t i = 0; i < e->val_len; i++) {
		if (v > (~0ULL >> 7))
			return eseal_error_set(ESEAL_EFORMAT, "DER: OID arc too large at offset %zu", e->off);
		v = (v << 7) | (e->val[i] & 0x7f);
		if (e->val[i] & 0x80) {
			if (v == 0)
				return eseal_error_set(ESEAL_EFORMAT, "DER: non-minimal OID arc at offset %zu", e->off);
			continue;
		}
		int w;
		if (first) {
			unsigned long long a = v < 40 ? 0 : v < 80 ? 1 : 2;
			w = snprintf(out + pos, outlen - pos, "%llu.%llu", a, v - a * 40);
			first = 0;
		} else {
			w = snprintf(out + pos, outlen - pos, ".%llu", v);
		}
		if (w < 0 || (size_t)w >= outlen - pos)
			return eseal_error_set(ESEAL_ELIMIT, "DER: OID too long");
		pos += (size_t)w;
		v = 0;
	}
	if (e->val[e->val_len - 1] & 0x80)
		return eseal_error_set(ESEAL_EFORMAT, "DER: truncated OID at offset %zu", e->off);
	return 0;
}

int eseal_der_oid_is(const eseal_der *e, const char *dotted)
{
	char buf[256];
	if (e->tag != ESEAL_DER_OID || eseal_der_get_oid(e, buf, sizeof buf))
		return 0;
	return strcmp(buf, dotted) == 0;
}

static int dd(const uint8_t *p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		*v = *v * 10 + (p[i] - '0');
	}
	return 0;
}

int eseal_der_get_time(const eseal_der *e, time_t *out)
{
	const uint8_t *p = e->val;
	size_t n = e->val_len;
	int Y, M, D, h, m, s = 0;
	size_t i;
	if (e->tag == ESEAL_DER_UTCTIME) {
		if (n < 11 || dd(p, 2, &Y))
			goto bad;
		Y += Y < 50 ? 2000 : 1900;
		i = 2;
	} else if (e->tag == ESEAL_DER_GENERALIZEDTIME) {
		if (n < 13 || dd(p, 4, &Y))
			goto bad;
		i = 4;
	} else {
		goto bad;
	}
	if (dd(p + i, 2, &M) || dd(p + i + 2, 2, &D) || dd(p + i + 4, 2, &h) || dd(p + i + 6, 2, &m))
		goto bad;
	i += 8;
	if (i + 2 <= n && p[i] >= '0' && p[i] <= '9') {
		if (dd(p + i, 2, &s))
			goto bad;
		i += 2;
	}
	/* Fractional seconds (GeneralizedTime) are read and dropped. */
	if (i < n && (p[i] == '.' || p[i] == ',')) {
		i++;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	}
	long off = 0;
	if (i < n && p[i] == 'Z') {
		i++;
	} else if (i + 5 <= n && (p[i] == '+' || p[i] == '-')) {
		int oh, om;
		if (dd(p + i + 1, 2, &oh) || dd(p + i + 3, 2, &om))
			goto bad;
		off = (oh * 3600L + om * 60L) * (p[i] == '+' ? 1 : -1);
		i += 5;
	}
	/* No zone: treated as UTC (local times are not knowable here). */
	if (i != n || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || s > 60)
		goto bad;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = s;
	*out = timegm(&tm) - off;
	return 0;
bad:
	return eseal_error_set(ESEAL_EFORMAT, "DER: bad time at offset %zu", e->off);
}

int eseal_der_get_string(const eseal_der *e, char **out)
{
	switch (e->tag) {
	case ESEAL_DER_UTF8STRING: case ESEAL_DER_PRINTABLESTRING: case ESEAL_DER_IA5STRING:
	case 0x14: case 0x1a: case ESEAL_DER_OCTET_STRING: case ESEAL_DER_UTCTIME:
	case ESEAL_DER_GENERALIZEDTIME:
		break;
	default:
		return eseal_error_set(ESEAL_EFORMAT, "DER: expected a string at offset %zu (tag 0x%02x)",
				       e->off, e->tag);
	}
	if (memchr(e->val, 0, e->val_len))
		return eseal_error_set(ESEAL_EFORMAT, "DER: string with NUL byte at offset %zu", e->off);
	char *s = malloc(e->val_len + 1);
	if (!s)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	memcpy(s, e->val, e->val_len);
	s[e->val_len] = 0;
	*out = s;
	return 0;
}
