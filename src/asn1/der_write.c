/*
 * der_write.c - appends DER elements to an eseal_buf. Constructed elements
 * are opened with begin, filled, and closed with end, which writes the final
 * length (moving the contents when the length needs more than one byte).
 */
#include <stdlib.h>
#include <string.h>

#include "eseal/asn1.h"

static size_t len_octets(size_t n)
{
	if (n < 0x80) return 1;
	if (n <= 0xff) return 2;
	if (n <= 0xffff) return 3;
	if (n <= 0xffffff) return 4;
	return 5;
}

static void put_len(uint8_t *p, size_t n)
{
	size_t k = len_octets(n);
	if (k == 1) {
		p[0] = (uint8_t)n;
		return;
	}
	p[0] = (uint8_t)(0x80 | (k - 1));
	for (size_t i = 1; i < k; i++)
		p[i] = (uint8_t)(n >> (8 * (k - 1 - i)));
}

int eseal_der_put(eseal_buf *b, unsigned tag, const void *val, size_t len)
{
	if (len > ESEAL_DER_MAX_LEN)
		return eseal_error_set(ESEAL_ELIMIT, "DER: element too large");
	uint8_t hdr[6];
	hdr[0] = (uint8_t)tag;
	put_len(hdr + 1, len);
	int rc = eseal_buf_put(b, hdr, 1 + len_octets(len));
	return rc ? rc : eseal_buf_put(b, val, len);
}

int eseal_der_begin(eseal_buf *b, unsigned tag, size_t *mark)
{
	*mark = b->len;
	uint8_t hdr[2] = { (uint8_t)tag, 0 };
	return eseal_buf_put(b, hdr, 2);
}

int eseal_der_end(eseal_buf *b, size_t mark)
{
	size_t content = b->len - mark - 2;
	if (content > ESEAL_DER_MAX_LEN)
		return eseal_error_set(ESEAL_ELIMIT, "DER: element too large");
	size_t k = len_octets(content);
	if (k > 1) {
		int rc = eseal_buf_reserve(b, k - 1);
		if (rc)
			return rc;
		memmove(b->data + mark + 1 + k, b->data + mark + 2, content);
		b->len += k - 1;
		b->data[b->len] = 0;
	}
	put_len(b->data + mark + 1, content);
	return 0;
}

int eseal_der_put_int(eseal_buf *b, long v)
{
	uint8_t tmp[sizeof(long) + 1];
	size_t n = 0;
	unsigned long u = (unsigned long)v;
	for (int i = (int)sizeof(long) - 1; i >= 0; i--)
		tmp[n++] = (uint8_t)(u >> (8 * i));
	size_t s = 0;
	while (s < n - 1 && ((tmp[s] == 0 && !(tmp[s + 1] & 0x80)) ||
			     (tmp[s] == 0xff && (tmp[s + 1] & 0x80))))
		s++;
	return eseal_der_put(b, ESEAL_DER_INTEGER, tmp + s, n - s);
}

int eseal_der_put_uint_bytes(eseal_buf *b, const uint8_t *p, size_t n)
{
	while (n > 1 && p[0] == 0) {
		p++;
		n--;
	}
	if (n == 0) {
		uint8_t z = 0;
		return eseal_der_put(b, ESEAL_DER_INTEGER, &z, 1);
	}
	size_t mark;
	int rc = eseal_der_begin(b, ESEAL_DER_INTEGER, &mark);
	if (!rc && (p[0] & 0x80))
		rc = eseal_buf_putc(b, 0);
	if (!rc)
		rc = eseal_buf_put(b, p, n);
	return rc ? rc : eseal_der_end(b, mark);
}

int eseal_der_put_bool(eseal_buf *b, int v)
{
	uint8_t x = v ? 0xff : 0x00;
	return eseal_der_put(b, ESEAL_DER_BOOLEAN, &x, 1);
}

int eseal_oid_encode(eseal_buf *b, const char *dotted)
{
	unsigned long long arcs[64];
	int n = 0;
	const char *p = dotted;
	while (*p) {
		char *end;
		if (*p < '0' || *p > '9' || n == 64)
			return eseal_error_set(ESEAL_EINVAL, "bad OID '%s'", dotted);
		arcs[n++] = strtoull(p, &end, 10);
		p = end;
		if (*p == '.')
			p++;
		else if (*p)
			return eseal_error_set(ESEAL_EINVAL, "bad OID '%s'", dotted);
	}
	if (n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
		return eseal_error_set(ESEAL_EINVAL, "bad OID '%s'", dotted);
	for (int i = 1; i < n; i++) {
		unsigned long long v = i == 1 ? arcs[0] * 40 + arcs[1] : arcs[i];
		uint8_t tmp[10];
		int k = 0;
		do {
			tmp[k++] = (uint8_t)(v & 0x7f);
			v >>= 7;
		} while (v);
		while (k--) {
			int rc = eseal_buf_putc(b, (uint8_t)(tmp[k] | (k ? 0x80 : 0)));
			if (rc)
				return rc;
		}
	}
	return 0;
}

int eseal_der_put_oid(eseal_buf *b, const char *dotted)
{
	size_t mark;
	int rc = eseal_der_begin(b, ESEAL_DER_OID, &mark);
	if (!rc)
		rc = eseal_oid_encode(b, dotted);
	return rc ? rc : eseal_der_end(b, mark);
}

int eseal_der_put_bits(eseal_buf *b, const void *p, size_t n)
{
	size_t mark;
	int rc = eseal_der_begin(b, ESEAL_DER_BIT_STRING, &mark);
	if (!rc)
		rc = eseal_buf_putc(b, 0);
	if (!rc)
		rc = eseal_buf_put(b, p, n);
	return rc ? rc : eseal_der_end(b, mark);
}

int eseal_der_put_gentime(eseal_buf *b, time_t t)
{
	char s[16];
	int rc = eseal_time_format_gt(s, t);
	return rc ? rc : eseal_der_put(b, ESEAL_DER_GENERALIZEDTIME, s, 15);
}

int eseal_der_put_utctime(eseal_buf *b, time_t t)
{
	char s[16];
	int rc = eseal_time_format_gt(s, t);
	if (rc)
		return rc;
	if (memcmp(s, "1950", 4) < 0 || memcmp(s, "2050", 4) >= 0)
		return eseal_error_set(ESEAL_EINVAL, "UTCTime cannot hold year %.4s", s);
	return eseal_der_put(b, ESEAL_DER_UTCTIME, s + 2, 13);
}

int eseal_der_put_str(eseal_buf *b, unsigned tag, const char *s)
{
	return eseal_der_put(b, tag, s, strlen(s));
}

int eseal_der_put_raw(eseal_buf *b, const void *tlv, size_t len)
{
	return eseal_buf_put(b, tlv, len);
}
