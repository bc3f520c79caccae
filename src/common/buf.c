/*
 * buf.c - the growable byte buffer. Freed buffers are wiped because they
 * often held key material or passphrases.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/common.h"

int eseal_buf_reserve(eseal_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		return eseal_error_set(ESEAL_ENOMEM, "buffer too large");
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	uint8_t *p = malloc(cap);
	if (!p)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory (%zu bytes)", cap);
	if (b->data) {
		memcpy(p, b->data, b->len);
		eseal_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int eseal_buf_put(eseal_buf *b, const void *p, size_t n)
{
	int rc = eseal_buf_reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int eseal_buf_putc(eseal_buf *b, uint8_t c) { return eseal_buf_put(b, &c, 1); }
int eseal_buf_puts(eseal_buf *b, const char *s) { return eseal_buf_put(b, s, strlen(s)); }

int eseal_buf_printf(eseal_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return eseal_error_set(ESEAL_EINVAL, "bad format");
	int rc = eseal_buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int eseal_buf_cstr(eseal_buf *b)
{
	int rc = eseal_buf_reserve(b, 0);
	if (rc)
		return rc;
	b->data[b->len] = 0;
	return 0;
}

void eseal_buf_clear(eseal_buf *b) { b->len = 0; }

void eseal_buf_free(eseal_buf *b)
{
	if (b->data) {
		eseal_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}
