/*
 * fuzz_der.c - libFuzzer target for the DER reader: walk every element,
 * read every typed value, and re-read what the writer produces.
 */
#include <stdlib.h>

#include "eseal/asn1.h"

static void walk(const eseal_der *e, int depth)
{
	char buf[256];
	long v;
	time_t t;
	const uint8_t *p;
	size_t n;
	int b;
	char *s = NULL;
	eseal_der_get_int(e, &v);
	eseal_der_get_uint_bytes(e, &p, &n);
	eseal_der_get_oid(e, buf, sizeof buf);
	eseal_der_get_time(e, &t);
	eseal_der_get_bits(e, &p, &n);
	eseal_der_get_bool(e, &b);
	if (eseal_der_get_string(e, &s) == 0)
		free(s);
	if (!(e->tag & 0x20) || depth > ESEAL_DER_MAX_DEPTH)
		return;
	eseal_der_iter it;
	eseal_der c;
	eseal_der_iter_init(&it, e);
	while (eseal_der_next(&it, &c) == 1)
		walk(&c, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eseal_der e;
	if (eseal_der_read(&e, data, size, 0) == 0) {
		walk(&e, 0);
		eseal_buf b = ESEAL_BUF_INIT;
		eseal_der_put(&b, e.tag, e.val, e.val_len);
		eseal_der f;
		if (eseal_der_read(&f, b.data, b.len, 0) != 0 || f.val_len != e.val_len)
			abort();
		eseal_buf_free(&b);
	}
	return 0;
}
