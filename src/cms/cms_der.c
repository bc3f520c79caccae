/*
 * cms_der.c - the DER pieces every SignedData we write is built from
 * (cms_internal.h): algorithm identifiers, attributes, SET OF ordering.
 */
#include <string.h>

#include "cms/cms_internal.h"

int cms_put_alg(eseal_buf *b, const char *oid, int null_params)
{
	size_t m;
	int rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m);
	if (!rc) rc = eseal_der_put_oid(b, oid);
	if (!rc && null_params) rc = eseal_der_put(b, ESEAL_DER_NULL, NULL, 0);
	if (!rc) rc = eseal_der_end(b, m);
	return rc;
}

int cms_put_attr(eseal_buf *b, const char *oid, const eseal_buf *v)
{
	size_t m1, m2;
	int rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m1);
	if (!rc) rc = eseal_der_put_oid(b, oid);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SET, &m2);
	if (!rc) rc = eseal_der_put_raw(b, v->data, v->len);
	if (!rc) rc = eseal_der_end(b, m2);
	if (!rc) rc = eseal_der_end(b, m1);
	return rc;
}

/* Octet-string comparison, the shorter one padded with zero octets. */
int cms_set_cmp(const void *x, const void *y)
{
	const eseal_buf *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->data, b->data, n);
	if (c)
		return c;
	const eseal_buf *l = a->len > b->len ? a : b;
	for (size_t i = n; i < l->len; i++)
		if (l->data[i])
			return l == a ? 1 : -1;
	return 0;
}
