/*
 * der_read.c - a DER/BER TLV walker that never copies and never re-encodes.
 *
 * Each element records where it sits in the original input so that
 * signatures are verified over exactly the bytes that were signed.
 * Indefinite lengths, multi-byte tags and absurd sizes are refused.
 */
#include <string.h>

#include "eseal/asn1.h"

int eseal_der_read(eseal_der *out, const uint8_t *buf, size_t len, size_t base)
{
	memset(out, 0, sizeof *out);
	if (len < 2)
		return eseal_error_set(ESEAL_EFORMAT, "DER: truncated element at offset %zu", base);
	unsigned tag = buf[0];
	if ((tag & 0x1f) == 0x1f)
		return eseal_error_set(ESEAL_EFORMAT, "DER: multi-byte tag at offset %zu", base);
	size_t hl = 2, vlen;
	uint8_t l0 = buf[1];
	if (l0 < 0x80) {
		vlen = l0;
	} else if (l0 == 0x80) {
		return eseal_error_set(ESEAL_EFORMAT, "DER: indefinite length at offset %zu", base);
	} else {
		size_t nb = l0 & 0x7f;
		if (nb > 4)
			return eseal_error_set(ESEAL_ELIMIT, "DER: length of %zu bytes at offset %zu", nb, base);
		if (len < 2 + nb)
			return eseal_error_set(ESEAL_EFORMAT, "DER: truncated length at offset %zu", base);
		vlen = 0;
		for (size_t i = 0; i < nb; i++)
			vlen = (vlen << 8) | buf[2 + i];
		hl = 2 + nb;
	}
	if (vlen > ESEAL_DER_MAX_LEN)
		return eseal_error_set(ESEAL_ELIMIT, "DER: element of %zu bytes at offset %zu exceeds the limit", vlen, base);
	if (vlen > len - hl)
		return eseal_error_set(ESEAL_EFORMAT, "DER: element at offset %zu claims %zu bytes, only %zu present",
				       base, vlen, len - hl);
	out->tag = tag;
	out->tlv = buf;
	out->tlv_len = hl + vlen;
	out->val = buf + hl;
	out->val_len = vlen;
	out->off = base;
	return 0;
}

void eseal_der_iter_init(eseal_der_iter *it, const eseal_der *parent)
{
	it->p = parent->val;
	it->end = parent->val + parent->val_len;
	it->off = parent->off + (size_t)(parent->val - parent->tlv);
}

int eseal_der_next(eseal_der_iter *it, eseal_der *out)
{
	if (it->p >= it->end)
		return 0;
	int rc = eseal_der_read(out, it->p, (size_t)(it->end - it->p), it->off);
	if (rc)
		return rc;
	it->p += out->tlv_len;
	it->off += out->tlv_len;
	return 1;
}

int eseal_der_peek(const eseal_der_iter *it, unsigned tag)
{
	return it->p < it->end && it->p[0] == tag;
}

int eseal_der_expect(eseal_der_iter *it, eseal_der *out, unsigned tag, const char *what)
{
	size_t off = it->off;
	int rc = eseal_der_next(it, out);
	if (rc < 0)
		return eseal_error_wrap("%s: ", what);
	if (rc == 0)
		return eseal_error_set(ESEAL_EFORMAT, "%s: missing (at offset %zu)", what, off);
	if (out->tag != tag)
		return eseal_error_set(ESEAL_EFORMAT, "%s: expected tag 0x%02x, found 0x%02x at offset %zu",
				       what, tag, out->tag, out->off);
	return 0;
}

int eseal_der_count(const eseal_der *parent)
{
	eseal_der_iter it;
	eseal_der e;
	int n = 0, rc;
	eseal_der_iter_init(&it, parent);
	while ((rc = eseal_der_next(&it, &e)) == 1)
		n++;
	return rc < 0 ? rc : n;
}

static int validate(const uint8_t *buf, size_t len, size_t base, int depth)
{
	if (depth > ESEAL_DER_MAX_DEPTH)
		return eseal_error_set(ESEAL_ELIMIT, "DER: nesting deeper than %d at offset %zu",
				       ESEAL_DER_MAX_DEPTH, base);
	size_t pos = 0;
	while (pos < len) {
		eseal_der e;
		int rc = eseal_der_read(&e, buf + pos, len - pos, base + pos);
		if (rc)
			return rc;
		if (e.tag & 0x20) {
			rc = validate(e.val, e.val_len, base + pos + (size_t)(e.val - e.tlv), depth + 1);
			if (rc)
				return rc;
		}
		pos += e.tlv_len;
	}
	return 0;
}

int eseal_der_validate(const uint8_t *buf, size_t len, size_t *consumed)
{
	eseal_der e;
	int rc = eseal_der_read(&e, buf, len, 0);
	if (rc)
		return rc;
	if (e.tag & 0x20) {
		rc = validate(e.val, e.val_len, (size_t)(e.val - e.tlv), 1);
		if (rc)
			return rc;
	}
	if (consumed)
		*consumed = e.tlv_len;
	return 0;
}
