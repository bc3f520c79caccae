/*
 * req.c - RFC 3161 TimeStampReq: building, DER encoding and strict parsing,
 * plus the MessageImprint and hash helpers the other files share. The
 * parser takes untrusted bytes from the network: it must walk the whole
 * structure, refuse anything it does not know, and never read past an
 * element.
 */
#include <string.h>

#include <openssl/evp.h>

#include "tsa/tsa_internal.h"

static const struct {
	const char *name, *oid;
	size_t len;
} hashes[] = {
	{ "sm3", "1.2.156.10197.1.401", 32 },
	{ "sha256", "2.16.840.1.101.3.4.2.1", 32 },
	{ "sha384", "2.16.840.1.101.3.4.2.2", 48 },
	{ "sha512", "2.16.840.1.101.3.4.2.3", 64 },
};
#define NHASH (sizeof hashes / sizeof hashes[0])

const char *tsa_hash_from_oid(const char *oid)
{
	for (size_t i = 0; i < NHASH; i++)
		if (!strcmp(hashes[i].oid, oid))
			return hashes[i].name;
	return NULL;
}

const char *tsa_hash_oid(const char *name)
{
	for (size_t i = 0; name && i < NHASH; i++)
		if (!strcmp(hashes[i].name, name))
			return hashes[i].oid;
	return NULL;
}

size_t tsa_hash_len(const char *name)
{
	for (size_t i = 0; name && i < NHASH; i++)
		if (!strcmp(hashes[i].name, name))
			return hashes[i].len;
	return 0;
}

int tsa_hash(const char *name, const void *data, size_t len, uint8_t out[ESEAL_TSA_MAX_HASH])
{
	if (!tsa_hash_oid(name))
		return eseal_error_set(ESEAL_EUNSUPPORTED, "time-stamp: unknown hash '%s'", name ? name : "");
	if (!strcmp(name, "sm3")) {
		eseal_sm3(out, data, len);
		return ESEAL_SM3_LEN;
	}
	const EVP_MD *md = !strcmp(name, "sha256") ? EVP_sha256() : !strcmp(name, "sha384") ? EVP_sha384()
											     : EVP_sha512();
	unsigned n = 0;
	if (EVP_Digest(data, len, out, &n, md, NULL) != 1)
		return eseal_error_set(ESEAL_ECRYPTO, "time-stamp: %s failed", name);
	return (int)n;
}

int tsa_put_imprint(eseal_buf *b, const char *hash, const uint8_t *h, size_t n)
{
	size_t m1, m2;
	const char *oid = tsa_hash_oid(hash);
	if (!oid || n != tsa_hash_len(hash))
		return eseal_error_set(ESEAL_EINVAL, "time-stamp: bad message imprint");
	int rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m1);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m2);
	if (!rc) rc = eseal_der_put_oid(b, oid);
	/* NULL parameters: what OpenSSL writes and other clients expect */
	if (!rc) rc = eseal_der_put(b, ESEAL_DER_NULL, NULL, 0);
	if (!rc) rc = eseal_der_end(b, m2);
	if (!rc) rc = eseal_der_put(b, ESEAL_DER_OCTET_STRING, h, n);
	if (!rc) rc = eseal_der_end(b, m1);
	return rc;
}

static int bad(const char *what)
{
	return eseal_error_set(ESEAL_EFORMAT, "time-stamp: %s", what);
}

/* Checks there is nothing left in an iterator. */
static int at_end(eseal_der_iter *it, const char *what)
{
	eseal_der x;
	int r = eseal_der_next(it, &x);
	if (r < 0)
		return r;
	return r ? bad(what) : 0;
}

int tsa_get_imprint(const eseal_der *mi, const char **hash, const uint8_t **h, size_t *n)
{
	eseal_der alg, oid, oct, p;
	eseal_der_iter it, ai;
	char dotted[64];
	if (mi->tag != ESEAL_DER_SEQUENCE)
		return bad("messageImprint is not a SEQUENCE");
	eseal_der_iter_init(&it, mi);
	if (eseal_der_expect(&it, &alg, ESEAL_DER_SEQUENCE, "hashAlgorithm") ||
	    eseal_der_expect(&it, &oct, ESEAL_DER_OCTET_STRING, "hashedMessage") ||
	    at_end(&it, "junk after hashedMessage"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&ai, &alg);
	if (eseal_der_expect(&ai, &oid, ESEAL_DER_OID, "hash OID") ||
	    eseal_der_get_oid(&oid, dotted, sizeof dotted))
		return ESEAL_EFORMAT;
	/* parameters: absent or NULL */
	int r = eseal_der_next(&ai, &p);
	if (r < 0)
		return r;
	if (r == 1 && (p.tag != ESEAL_DER_NULL || p.val_len || at_end(&ai, "hash parameters")))
		return bad("hash algorithm parameters must be absent or NULL");
	const char *name = tsa_hash_from_oid(dotted);
	if (!name)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "time-stamp: hash algorithm %s is not supported", dotted);
	if (oct.val_len != tsa_hash_len(name))
		return eseal_error_set(ESEAL_EFORMAT, "time-stamp: %s imprint of %zu bytes", name, oct.val_len);
	*hash = name;
	*h = oct.val;
	*n = oct.val_len;
	return 0;
}

int eseal_tsa_req_make_hash(eseal_tsa_req *q, const char *hash, const uint8_t *digest, size_t dlen,
			    int with_nonce)
{
	if (!q || !digest)
		return eseal_error_set(ESEAL_EINVAL, "time-stamp request: no digest");
	memset(q, 0, sizeof *q);
	if (!tsa_hash_oid(hash))
		return eseal_error_set(ESEAL_EINVAL, "time-stamp request: unknown hash '%s'", hash ? hash : "");
	if (dlen != tsa_hash_len(hash))
		return eseal_error_set(ESEAL_EINVAL, "time-stamp request: a %s digest has %zu bytes, not %zu",
				       hash, tsa_hash_len(hash), dlen);
	q->hash = tsa_hash_from_oid(tsa_hash_oid(hash));  /* a static string */
	memcpy(q->imprint, digest, dlen);
	q->imprint_len = dlen;
	q->cert_req = 1;
	if (with_nonce) {
		/* 8 random bytes, positive and minimal as DER INTEGER contents */
		if (eseal_random(q->nonce, 8))
			return eseal_error_wrap("time-stamp request: ");
		q->nonce[0] &= 0x7f;
		if (!q->nonce[0])
			q->nonce[0] = 0x01;
		q->nonce_len = 8;
	}
	return 0;
}

int eseal_tsa_req_make(eseal_tsa_req *q, const char *hash, const void *data, size_t len, int with_nonce)
{
	uint8_t h[ESEAL_TSA_MAX_HASH];
	if (!tsa_hash_oid(hash))
		return eseal_error_set(ESEAL_EINVAL, "time-stamp request: unknown hash '%s'", hash ? hash : "");
	int n = tsa_hash(hash, data, len, h);
	if (n < 0)
		return n;
	return eseal_tsa_req_make_hash(q, hash, h, (size_t)n, with_nonce);
}

/* DER INTEGER contents must be minimal (X.690 §8.3.2). */
static int int_minimal(const eseal_der *e)
{
	if (e->val_len == 0)
		return 0;
	if (e->val_len > 1 && ((e->val[0] == 0 && !(e->val[1] & 0x80)) ||
			       (e->val[0] == 0xff && (e->val[1] & 0x80))))
		return 0;
	return 1;
}

int eseal_tsa_req_encode(const eseal_tsa_req *q, eseal_buf *out)
{
	if (!q || !out)
		return eseal_error_set(ESEAL_EINVAL, "time-stamp request: nothing to encode");
	if (q->nonce_len > ESEAL_TSA_MAX_NONCE)
		return eseal_error_set(ESEAL_EINVAL, "time-stamp request: nonce too long");
	eseal_der chk = { .tag = ESEAL_DER_INTEGER, .val = q->nonce, .val_len = q->nonce_len };
	if (q->nonce_len && !int_minimal(&chk))
		return eseal_error_set(ESEAL_EINVAL, "time-stamp request: nonce is not a minimal INTEGER");
	eseal_buf b = ESEAL_BUF_INIT;
	size_t m;
	int rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &m);
	if (!rc) rc = eseal_der_put_int(&b, 1);
	if (!rc) rc = tsa_put_imprint(&b, q->hash, q->imprint, q->imprint_len);
	if (!rc && q->policy[0]) rc = eseal_der_put_oid(&b, q->policy);
	if (!rc && q->nonce_len) rc = eseal_der_put(&b, ESEAL_DER_INTEGER, q->nonce, q->nonce_len);
	if (!rc && q->cert_req) rc = eseal_der_put_bool(&b, 1);
	if (!rc) rc = eseal_der_end(&b, m);
	if (!rc) {
		eseal_buf_free(out);
		*out = b;
		return 0;
	}
	eseal_buf_free(&b);
	return rc;
}

int eseal_tsa_req_parse(eseal_tsa_req *q, const uint8_t *der, size_t len)
{
	eseal_der top, x;
	eseal_der_iter it;
	size_t used;
	long ver;
	int r;
	if (!q || !der)
		return eseal_error_set(ESEAL_EINVAL, "time-stamp request: no input");
	memset(q, 0, sizeof *q);
	if (len > ESEAL_TSA_MAX_REQ)
		return eseal_error_set(ESEAL_ELIMIT, "time-stamp request: %zu bytes is too large", len);
	if (eseal_der_read(&top, der, len, 0) || eseal_der_validate(der, len, &used))
		return eseal_error_wrap("time-stamp request: ");
	if (used != len || top.tlv_len != len)
		return bad("trailing bytes after the request");
	if (top.tag != ESEAL_DER_SEQUENCE)
		return bad("request is not a SEQUENCE");
	eseal_der_iter_init(&it, &top);
	if (eseal_der_expect(&it, &x, ESEAL_DER_INTEGER, "request version") || eseal_der_get_int(&x, &ver))
		return ESEAL_EFORMAT;
	if (ver != 1)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "time-stamp request: version %ld", ver);
	if (eseal_der_expect(&it, &x, ESEAL_DER_SEQUENCE, "messageImprint"))
		return ESEAL_EFORMAT;
	const uint8_t *h;
	size_t hn;
	if ((r = tsa_get_imprint(&x, &q->hash, &h, &hn)))
		return r;
	memcpy(q->imprint, h, hn);
	q->imprint_len = hn;
	/* optional fields in their fixed order */
	int stage = 0;
	while ((r = eseal_der_next(&it, &x)) == 1) {
		if (x.tag == ESEAL_DER_OID && stage < 1) {
			if (eseal_der_get_oid(&x, q->policy, sizeof q->policy))
				return ESEAL_EFORMAT;
			stage = 1;
		} else if (x.tag == ESEAL_DER_INTEGER && stage < 2) {
			if (!int_minimal(&x))
				return bad("nonce is not a minimal INTEGER");
			if (x.val_len > ESEAL_TSA_MAX_NONCE)
				return eseal_error_set(ESEAL_ELIMIT, "time-stamp request: nonce of %zu bytes",
						       x.val_len);
			memcpy(q->nonce, x.val, x.val_len);
			q->nonce_len = x.val_len;
			stage = 2;
		} else if (x.tag == ESEAL_DER_BOOLEAN && stage < 3) {
			if (eseal_der_get_bool(&x, &q->cert_req))
				return ESEAL_EFORMAT;
			stage = 3;
		} else if (x.tag == ESEAL_DER_CTX(0) && stage < 4) {
			return eseal_error_set(ESEAL_EUNSUPPORTED, "time-stamp request: extensions are not supported");
		} else {
			return bad("unexpected element in the request");
		}
	}
	return r < 0 ? r : 0;
}
