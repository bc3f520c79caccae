/*
 * cms_cert.c - the few certificate fields CMS needs (issuer, serial,
 * subject key identifier) read straight from the DER, and the digests by
 * name. Read-only: nothing here checks a certificate's validity.
 */
#include <string.h>

#include <openssl/evp.h>

#include "cms/cms_internal.h"
#include "cms/cms_oids.h"
#include "eseal/crypto.h"

/* tbsCertificate children up to the subject: serial, signature, issuer. */
static int tbs_open(const uint8_t *der, size_t len, eseal_der_iter *tt, eseal_der *serial)
{
	eseal_der cert, tbs;
	eseal_der_iter ct;
	if (eseal_der_read(&cert, der, len, 0) || cert.tag != ESEAL_DER_SEQUENCE)
		return eseal_error_set(ESEAL_EFORMAT, "certificate is not a DER SEQUENCE");
	eseal_der_iter_init(&ct, &cert);
	if (eseal_der_expect(&ct, &tbs, ESEAL_DER_SEQUENCE, "tbsCertificate"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(tt, &tbs);
	if (eseal_der_next(tt, serial) != 1)
		return eseal_error_set(ESEAL_EFORMAT, "tbsCertificate is empty");
	if (serial->tag == ESEAL_DER_CTX(0) && eseal_der_next(tt, serial) != 1)
		return eseal_error_set(ESEAL_EFORMAT, "tbsCertificate is short");
	if (serial->tag != ESEAL_DER_INTEGER)
		return eseal_error_set(ESEAL_EFORMAT, "certificate serialNumber missing");
	return 0;
}

int cms_cert_issuer_serial(const uint8_t *der, size_t len, eseal_der *issuer, eseal_der *serial)
{
	eseal_der_iter tt;
	eseal_der alg;
	int rc = tbs_open(der, len, &tt, serial);
	if (rc)
		return rc;
	if (eseal_der_expect(&tt, &alg, ESEAL_DER_SEQUENCE, "certificate signature") ||
	    eseal_der_expect(&tt, issuer, ESEAL_DER_SEQUENCE, "certificate issuer"))
		return ESEAL_EFORMAT;
	return 0;
}

int cms_cert_subject(const uint8_t *der, size_t len, eseal_der *subject)
{
	eseal_der_iter tt;
	eseal_der x;
	int rc = tbs_open(der, len, &tt, &x);
	if (rc)
		return rc;
	if (eseal_der_expect(&tt, &x, ESEAL_DER_SEQUENCE, "certificate signature") ||
	    eseal_der_expect(&tt, &x, ESEAL_DER_SEQUENCE, "certificate issuer") ||
	    eseal_der_expect(&tt, &x, ESEAL_DER_SEQUENCE, "certificate validity") ||
	    eseal_der_expect(&tt, subject, ESEAL_DER_SEQUENCE, "certificate subject"))
		return ESEAL_EFORMAT;
	return 0;
}

int cms_cert_ski(const uint8_t *der, size_t len, const uint8_t **p, size_t *n)
{
	eseal_der_iter tt;
	eseal_der e;
	int rc = tbs_open(der, len, &tt, &e), r;
	if (rc)
		return rc;
	while ((r = eseal_der_next(&tt, &e)) == 1) {
		if (e.tag != ESEAL_DER_CTX(3))
			continue;
		eseal_der exts, ext, oid, v, ski;
		eseal_der_iter xi, ei, vi;
		eseal_der_iter_init(&xi, &e);
		if (eseal_der_expect(&xi, &exts, ESEAL_DER_SEQUENCE, "extensions"))
			return ESEAL_EFORMAT;
		eseal_der_iter_init(&xi, &exts);
		while (eseal_der_next(&xi, &ext) == 1) {
			eseal_der_iter_init(&ei, &ext);
			if (eseal_der_next(&ei, &oid) != 1 || !eseal_der_oid_is(&oid, CMS_OID_SUBJECT_KEY_ID))
				continue;
			if (eseal_der_peek(&ei, ESEAL_DER_BOOLEAN))
				eseal_der_next(&ei, &v);
			if (eseal_der_expect(&ei, &v, ESEAL_DER_OCTET_STRING, "extnValue"))
				return ESEAL_EFORMAT;
			eseal_der_iter_init(&vi, &v);
			if (eseal_der_expect(&vi, &ski, ESEAL_DER_OCTET_STRING, "subjectKeyIdentifier"))
				return ESEAL_EFORMAT;
			*p = ski.val;
			*n = ski.val_len;
			return 0;
		}
	}
	return r < 0 ? r : ESEAL_ENOTFOUND;
}

const char *cms_digest_name(const char *oid)
{
	if (!strcmp(oid, CMS_OID_SM3)) return "sm3";
	if (!strcmp(oid, CMS_OID_SHA256)) return "sha256";
	if (!strcmp(oid, CMS_OID_SHA384)) return "sha384";
	if (!strcmp(oid, CMS_OID_SHA512)) return "sha512";
	if (!strcmp(oid, CMS_OID_SHA1)) return "sha1";
	return NULL;
}

int cms_hash_parts(const char *name, const void *const *parts, const size_t *lens, size_t n,
		   uint8_t out[64])
{
	if (!strcmp(name, "sm3")) {
		eseal_sm3_ctx *c = NULL;
		if (eseal_sm3_new(&c))
			return ESEAL_ENOMEM;
		for (size_t i = 0; i < n; i++)
			eseal_sm3_update(c, parts[i], lens[i]);
		eseal_sm3_final(c, out);
		eseal_sm3_free(c);
		return 32;
	}
	const EVP_MD *md = !strcmp(name, "sha256") ? EVP_sha256()
			 : !strcmp(name, "sha384") ? EVP_sha384()
			 : !strcmp(name, "sha512") ? EVP_sha512()
			 : !strcmp(name, "sha1") ? EVP_sha1() : NULL;
	if (!md)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "digest %s is not supported", name);
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned len = 0;
	int ok = x && EVP_DigestInit_ex(x, md, NULL) == 1;
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(x, parts[i], lens[i]) == 1;
	ok = ok && EVP_DigestFinal_ex(x, out, &len) == 1;
	EVP_MD_CTX_free(x);
	return ok ? (int)len : eseal_error_set(ESEAL_ECRYPTO, "%s digest failed", name);
}

int cms_hash(const char *name, const void *data, size_t len, uint8_t out[64])
{
	return cms_hash_parts(name, &data, &len, 1, out);
}
