/*
 * cert.c - X.509 certificates: parsing, PEM/DER files, and the facts
 * callers need (names, serial, validity, key algorithm, fingerprint).
 * Keeps the exact bytes it was given; never re-encodes a certificate that
 * is being compared or hashed.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "pki/pki_internal.h"

#define CERT_FILE_MAX (16u << 20)

int pki_read_file(eseal_buf *out, const char *path)
{
	return eseal_file_read(out, path, CERT_FILE_MAX);
}

int pki_x509_set_sm2_id(X509 *x)
{
	if (X509_get_signature_nid(x) != NID_SM2_with_SM3)
		return 0;
	ASN1_OCTET_STRING *id = ASN1_OCTET_STRING_new();
	if (!id || !ASN1_OCTET_STRING_set(id, (const unsigned char *)ESEAL_SM2_DEFAULT_ID,
					  (int)strlen(ESEAL_SM2_DEFAULT_ID))) {
		ASN1_OCTET_STRING_free(id);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	X509_set0_distinguishing_id(x, id);
	return 0;
}

time_t pki_asn1_time(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return (time_t)-1;
	return timegm(&tm);
}

int pki_integer_hex(const ASN1_INTEGER *i, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = ASN1_STRING_get0_data(i);
	int n = ASN1_STRING_length(i);
	int neg = ASN1_STRING_type(i) == V_ASN1_NEG_INTEGER;
	size_t need = (size_t)(n > 0 ? n : 1) * 2 + (size_t)neg + 1;
	if (need > outlen)
		return eseal_error_set(ESEAL_ELIMIT, "serial number too long");
	size_t o = 0;
	if (neg)
		out[o++] = '-';
	if (n <= 0) {
		out[o++] = '0';
		out[o++] = '0';
	}
	for (int k = 0; k < n; k++) {
		out[o++] = hex[p[k] >> 4];
		out[o++] = hex[p[k] & 15];
	}
	out[o] = 0;
	return 0;
}

int pki_cert_wrap(eseal_cert **out, X509 *x)
{
	*out = NULL;
	eseal_cert *c = calloc(1, sizeof *c);
	if (!c) {
		X509_free(x);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	c->x = x;
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	if (n <= 0) {
		eseal_cert_free(c);
		return eseal_crypto_error(ESEAL_EFORMAT, "cannot encode certificate");
	}
	c->der = malloc((size_t)n);
	if (!c->der) {
		OPENSSL_free(der);
		eseal_cert_free(c);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	memcpy(c->der, der, (size_t)n);
	c->len = (size_t)n;
	OPENSSL_free(der);
	int rc = pki_x509_set_sm2_id(x);
	if (rc) {
		eseal_cert_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int eseal_cert_parse(eseal_cert **out, const uint8_t *der, size_t len)
{
	*out = NULL;
	if (!der || !len || len > CERT_FILE_MAX)
		return eseal_error_set(ESEAL_EINVAL, "empty or oversized certificate");
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (!x) {
		ERR_clear_error();
		return eseal_error_set(ESEAL_EFORMAT, "not a DER X.509 certificate");
	}
	eseal_cert *c = calloc(1, sizeof *c);
	uint8_t *copy = malloc((size_t)(p - der));
	if (!c || !copy) {
		free(c);
		free(copy);
		X509_free(x);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	/* Keep the bytes as given (trailing data after the certificate is not
	 * part of it). */
	c->len = (size_t)(p - der);
	memcpy(copy, der, c->len);
	c->der = copy;
	c->x = x;
	int rc = pki_x509_set_sm2_id(x);
	if (rc) {
		eseal_cert_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static int is_pem(const eseal_buf *b)
{
	return b->len >= 11 && memmem(b->data, b->len, "-----BEGIN ", 11) != NULL;
}

int eseal_cert_load_all(eseal_cert ***out, size_t *n, const char *path)
{
	*out = NULL;
	*n = 0;
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = pki_read_file(&b, path);
	if (rc) {
		eseal_buf_free(&b);
		return rc;
	}
	if (!is_pem(&b)) {
		eseal_cert *c;
		rc = eseal_cert_parse(&c, b.data, b.len);
		eseal_buf_free(&b);
		if (rc)
			return eseal_error_wrap("%s: ", path);
		*out = malloc(sizeof **out);
		if (!*out) {
			eseal_cert_free(c);
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		}
		(*out)[0] = c;
		*n = 1;
		return 0;
	}
	BIO *bio = BIO_new_mem_buf(b.data, (int)b.len);
	eseal_cert **list = NULL;
	size_t cnt = 0;
	rc = bio ? 0 : eseal_error_set(ESEAL_ENOMEM, "out of memory");
	while (!rc) {
		X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (!x) {
			unsigned long e = ERR_peek_last_error();
			/* The normal end of a bundle is "no start line". */
			if (ERR_GET_REASON(e) != PEM_R_NO_START_LINE)
				rc = eseal_error_set(ESEAL_EFORMAT, "%s: malformed PEM certificate", path);
			ERR_clear_error();
			break;
		}
		eseal_cert **nl = realloc(list, (cnt + 1) * sizeof *list);
		if (!nl) {
			X509_free(x);
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			break;
		}
		list = nl;
		rc = pki_cert_wrap(&list[cnt], x);
		if (!rc)
			cnt++;
	}
	BIO_free(bio);
	eseal_buf_free(&b);
	if (!rc && cnt == 0)
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: no certificate found", path);
	if (rc) {
		eseal_cert_list_free(list, cnt);
		return rc;
	}
	*out = list;
	*n = cnt;
	return 0;
}

int eseal_cert_load(eseal_cert **out, const char *path)
{
	eseal_cert **list;
	size_t n;
	*out = NULL;
	int rc = eseal_cert_load_all(&list, &n, path);
	if (rc)
		return rc;
	*out = list[0];
	for (size_t i = 1; i < n; i++)
		eseal_cert_free(list[i]);
	free(list);
	return 0;
}

void eseal_cert_list_free(eseal_cert **list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		eseal_cert_free(list[i]);
	free(list);
}

int eseal_cert_pem(const eseal_cert *c, eseal_buf *out)
{
	BIO *bio = BIO_new(BIO_s_mem());
	if (!bio || !PEM_write_bio_X509(bio, c->x)) {
		BIO_free(bio);
		return eseal_crypto_error(ESEAL_ECRYPTO, "cannot write PEM certificate");
	}
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	int rc = eseal_buf_put(out, p, (size_t)n);
	BIO_free(bio);
	return rc;
}

int eseal_cert_save_pem(const eseal_cert *c, const char *path)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = eseal_cert_pem(c, &b);
	if (!rc)
		rc = eseal_file_write_atomic(path, b.data, b.len, 0644);
	eseal_buf_free(&b);
	return rc;
}

const uint8_t *eseal_cert_der(const eseal_cert *c, size_t *len)
{
	*len = c->len;
	return c->der;
}

static int name_line(const X509_NAME *nm, char *out, size_t outlen)
{
	/* RFC 2253 order ("CN=..., O=..., C=CN") but UTF-8 left as is. */
	unsigned long flags = (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB & ~XN_FLAG_SEP_MASK)
			      | XN_FLAG_SEP_CPLUS_SPC;
	BIO *bio = BIO_new(BIO_s_mem());
	if (!bio)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (X509_NAME_print_ex(bio, nm, 0, flags) < 0) {
		BIO_free(bio);
		return eseal_crypto_error(ESEAL_EFORMAT, "cannot print name");
	}
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	int rc = 0;
	if ((size_t)n + 1 > outlen)
		rc = eseal_error_set(ESEAL_ELIMIT, "name too long (%ld bytes)", n);
	else {
		memcpy(out, p, (size_t)n);
		out[n] = 0;
	}
	BIO_free(bio);
	return rc;
}

int eseal_cert_subject(const eseal_cert *c, char *out, size_t outlen)
{
	return name_line(X509_get_subject_name(c->x), out, outlen);
}

int eseal_cert_issuer(const eseal_cert *c, char *out, size_t outlen)
{
	return name_line(X509_get_issuer_name(c->x), out, outlen);
}

int eseal_cert_subject_attr(const eseal_cert *c, const char *attr, char *out, size_t outlen)
{
	int nid = OBJ_txt2nid(attr);
	if (nid == NID_undef)
		return eseal_error_set(ESEAL_EINVAL, "unknown name attribute '%s'", attr);
	const X509_NAME *nm = X509_get_subject_name(c->x);
	int i = X509_NAME_get_index_by_NID(nm, nid, -1);
	if (i < 0)
		return eseal_error_set(ESEAL_ENOTFOUND, "subject has no %s", attr);
	ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i));
	unsigned char *u = NULL;
	int n = ASN1_STRING_to_UTF8(&u, s);
	if (n < 0)
		return eseal_crypto_error(ESEAL_EFORMAT, "cannot decode name attribute");
	int rc = 0;
	if ((size_t)n + 1 > outlen)
		rc = eseal_error_set(ESEAL_ELIMIT, "%s too long", attr);
	else {
		memcpy(out, u, (size_t)n);
		out[n] = 0;
	}
	OPENSSL_free(u);
	return rc;
}

int eseal_cert_serial(const eseal_cert *c, char *out, size_t outlen)
{
	return pki_integer_hex(X509_get0_serialNumber(c->x), out, outlen);
}

time_t eseal_cert_not_before(const eseal_cert *c)
{
	return pki_asn1_time(X509_get0_notBefore(c->x));
}

time_t eseal_cert_not_after(const eseal_cert *c)
{
	return pki_asn1_time(X509_get0_notAfter(c->x));
}

int eseal_cert_is_ca(const eseal_cert *c)
{
	return (X509_get_extension_flags(c->x) & EXFLAG_CA) != 0;
}

int eseal_cert_key(const eseal_cert *c, eseal_key **out)
{
	*out = NULL;
	EVP_PKEY *pk = X509_get_pubkey(c->x);
	if (!pk)
		return eseal_crypto_error(ESEAL_EUNSUPPORTED, "unsupported certificate public key");
	return eseal_key_wrap(out, pk);
}

void eseal_cert_sm3(const eseal_cert *c, uint8_t out[32])
{
	eseal_sm3(out, c->der, c->len);
}

const char *eseal_cert_key_algorithm(const eseal_cert *c)
{
	EVP_PKEY *pk = X509_get0_pubkey(c->x);
	if (!pk)
		return "unknown";
	if (EVP_PKEY_is_a(pk, "SM2"))
		return "sm2";
	if (EVP_PKEY_is_a(pk, "EC")) {
		char g[64];
		if (!EVP_PKEY_get_group_name(pk, g, sizeof g, NULL))
			return "ec";
		if (!strcmp(g, "SM2"))
			return "sm2";
		if (!strcmp(g, "prime256v1"))
			return "ecdsa-p256";
		if (!strcmp(g, "secp384r1"))
			return "ecdsa-p384";
		if (!strcmp(g, "secp521r1"))
			return "ecdsa-p521";
		return "ec";
	}
	if (EVP_PKEY_is_a(pk, "RSA")) {
		switch (EVP_PKEY_get_bits(pk)) {
		case 1024: return "rsa-1024";
		case 2048: return "rsa-2048";
		case 3072: return "rsa-3072";
		case 4096: return "rsa-4096";
		default: return "rsa";
		}
	}
	if (EVP_PKEY_is_a(pk, "ED25519"))
		return "ed25519";
	return "unknown";
}

int eseal_cert_signed_by(const eseal_cert *c, const eseal_cert *issuer)
{
	EVP_PKEY *pk = X509_get0_pubkey(issuer->x);
	if (!pk)
		return 0;
	int ok = X509_verify(c->x, pk) == 1;
	ERR_clear_error();
	return ok;
}

void eseal_cert_free(eseal_cert *c)
{
	if (!c)
		return;
	X509_free(c->x);
	free(c->der);
	free(c);
}
