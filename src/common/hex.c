/*
 * hex.c - hexadecimal text for digests, serial numbers, key ids and PDF
 * strings. Not for secrets that must stay constant-time: the digit lookup
 * branches on the value.
 */
#include <string.h>

#include "eseal/common.h"

void eseal_hex_encode(char *out, const uint8_t *in, size_t n, int upper)
{
	const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = 0;
}

int eseal_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int eseal_hex_decode(uint8_t *out, size_t outlen, const char *hex)
{
	if (!hex || strlen(hex) != 2 * outlen)
		return ESEAL_EFORMAT;
	for (size_t i = 0; i < outlen; i++) {
		int hi = eseal_hex_digit((unsigned char)hex[2 * i]);
		int lo = eseal_hex_digit((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return ESEAL_EFORMAT;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
