/*
 * cms_sign.c - writes a detached CMS SignedData over a content digest, in
 * the GM/T 0010 profile (SM2/SM3, Chinese OIDs) or the CAdES-BES profile
 * (ECDSA P-256 or RSA with SHA-256). The DER is built here field by field;
 * signed attributes are sorted as DER SET OF requires, and the signature
 * covers exactly the bytes that are then written; an optional RFC 3161
 * token over the signature value goes into the unsigned attributes. This
 * file must never sign a digest of the wrong length or with a key of the
 * wrong profile.
 */
#include <stdlib.h>
#include <string.h>

#include "cms/cms_internal.h"
#include "cms/cms_oids.h"
#include "crypto/key_internal.h"

#define CMS_MAX_ATTRS 4

/* SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { certHash,
 * issuerSerial { GeneralNames { [4] issuer }, serial } } }, hash SHA-256
 * (the default, so hashAlgorithm is omitted). */
static int put_signing_cert_v2(eseal_buf *b, const uint8_t *cert, size_t len,
			       const eseal_der *issuer, const eseal_der *serial)
{
	uint8_t h[32];
	size_t m1, m2, m3, m4, m5, m6;
	eseal_sha256(h, cert, len);
	int rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m1);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m2);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m3);
	if (!rc) rc = eseal_der_put(b, ESEAL_DER_OCTET_STRING, h, sizeof h);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m4);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m5);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_CTX(4), &m6);
	if (!rc) rc = eseal_der_put_raw(b, issuer->tlv, issuer->tlv_len);
	if (!rc) rc = eseal_der_end(b, m6);
	if (!rc) rc = eseal_der_end(b, m5);
	if (!rc) rc = eseal_der_put_raw(b, serial->tlv, serial->tlv_len);
	if (!rc) rc = eseal_der_end(b, m4);
	if (!rc) rc = eseal_der_end(b, m3);
	if (!rc) rc = eseal_der_end(b, m2);
	if (!rc) rc = eseal_der_end(b, m1);
	return rc;
}

/* RFC 5652 §11.3: UTCTime through 2049, GeneralizedTime after. */
static int put_time(eseal_buf *b, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	if (tm.tm_year + 1900 >= 1950 && tm.tm_year + 1900 < 2050)
		return eseal_der_put_utctime(b, t);
	return eseal_der_put_gentime(b, t);
}

static int check_opts(const eseal_cms_sign_opts *o)
{
	if (!o || !o->signer || !o->key)
		return eseal_error_set(ESEAL_EINVAL, "CMS: signer certificate and key are required");
	if (!eseal_key_has_private(o->key))
		return eseal_error_set(ESEAL_EINVAL, "CMS: the signing key has no private part");
	eseal_key_type t = eseal_key_get_type(o->key);
	if (o->profile == ESEAL_CMS_GM) {
		if (t != ESEAL_KEY_SM2)
			return eseal_error_set(ESEAL_EINVAL, "CMS: the GM profile needs an SM2 key");
	} else if (o->profile == ESEAL_CMS_CADES) {
		if (t != ESEAL_KEY_EC_P256 && t != ESEAL_KEY_RSA)
			return eseal_error_set(ESEAL_EINVAL, "CMS: CAdES needs a P-256 or RSA key");
	} else {
		return eseal_error_set(ESEAL_EINVAL, "CMS: unknown profile %d", (int)o->profile);
	}
	if (o->nchain && !o->chain)
		return eseal_error_set(ESEAL_EINVAL, "CMS: chain is NULL");
	if (o->nchain + 1 > CMS_MAX_CERTS)
		return eseal_error_set(ESEAL_ELIMIT, "CMS: too many certificates");
	return 0;
}

/* Signed attributes, sorted, as the SET OF contents (no tag). */
static int build_attrs(eseal_buf *content, const eseal_cms_sign_opts *o, const uint8_t *digest,
		       size_t dlen, const uint8_t *cert, size_t clen, const eseal_der *issuer,
		       const eseal_der *serial)
{
	eseal_buf attr[CMS_MAX_ATTRS] = { ESEAL_BUF_INIT, ESEAL_BUF_INIT, ESEAL_BUF_INIT, ESEAL_BUF_INIT };
	eseal_buf v = ESEAL_BUF_INIT;
	size_t n = 0;
	int gm = o->profile == ESEAL_CMS_GM, rc;

	rc = eseal_der_put_oid(&v, gm ? CMS_OID_GM_DATA : CMS_OID_DATA);
	if (!rc) rc = cms_put_attr(&attr[n++], CMS_OID_CONTENT_TYPE, &v);
	if (!rc && (gm || o->cades_signing_time)) {
		eseal_buf_clear(&v);
		rc = put_time(&v, o->signing_time ? o->signing_time : time(NULL));
		if (!rc) rc = cms_put_attr(&attr[n++], CMS_OID_SIGNING_TIME, &v);
	}
	if (!rc) {
		eseal_buf_clear(&v);
		rc = eseal_der_put(&v, ESEAL_DER_OCTET_STRING, digest, dlen);
		if (!rc) rc = cms_put_attr(&attr[n++], CMS_OID_MESSAGE_DIGEST, &v);
	}
	if (!rc && !gm) {
		eseal_buf_clear(&v);
		rc = put_signing_cert_v2(&v, cert, clen, issuer, serial);
		if (!rc) rc = cms_put_attr(&attr[n++], CMS_OID_SIGNING_CERT_V2, &v);
	}
	if (!rc) {
		qsort(attr, n, sizeof attr[0], cms_set_cmp);
		for (size_t i = 0; i < n && !rc; i++)
			rc = eseal_buf_put(content, attr[i].data, attr[i].len);
	}
	for (size_t i = 0; i < CMS_MAX_ATTRS; i++)
		eseal_buf_free(&attr[i]);
	eseal_buf_free(&v);
	return rc;
}

int eseal_cms_sign_detached(eseal_buf *out, const eseal_cms_sign_opts *o,
			    const uint8_t *digest, size_t dlen)
{
	int rc = check_opts(o);
	if (rc)
		return rc;
	if (!out || !digest || dlen != 32)
		return eseal_error_set(ESEAL_EINVAL, "CMS: the content digest must be 32 bytes");
	int gm = o->profile == ESEAL_CMS_GM;
	int rsa = eseal_key_get_type(o->key) == ESEAL_KEY_RSA;
	size_t clen;
	const uint8_t *cert = eseal_cert_der(o->signer, &clen);
	eseal_der issuer, serial;
	rc = cms_cert_issuer_serial(cert, clen, &issuer, &serial);
	if (rc)
		return eseal_error_wrap("CMS signer certificate: ");

	/* The key must belong to the certificate, or the signature is useless. */
	eseal_key *pub = NULL;
	eseal_buf s1 = ESEAL_BUF_INIT, s2 = ESEAL_BUF_INIT;
	rc = eseal_cert_key(o->signer, &pub);
	if (!rc) rc = eseal_key_spki(pub, &s1);
	if (!rc) rc = eseal_key_spki(o->key, &s2);
	if (!rc && (s1.len != s2.len || memcmp(s1.data, s2.data, s1.len)))
		rc = eseal_error_set(ESEAL_EINVAL, "CMS: the key does not match the signer certificate");
	eseal_key_free(pub);
	eseal_buf_free(&s1);
	eseal_buf_free(&s2);
	if (rc)
		return rc;

	const char *data_oid = gm ? CMS_OID_GM_DATA : CMS_OID_DATA;
	const char *dig_oid = gm ? CMS_OID_SM3 : CMS_OID_SHA256;
	const char *sig_oid = gm ? CMS_OID_SM2_1 : rsa ? CMS_OID_RSA_SHA256 : CMS_OID_ECDSA_SHA256;
	/* GM: NULL parameters as the common Chinese producers write them;
	 * RSA: NULL as RFC 4055 says; SHA-256 and ECDSA: absent. */
	int dig_null = gm, sig_null = gm || rsa;

	eseal_buf attrs = ESEAL_BUF_INIT, tbs = ESEAL_BUF_INIT, sig = ESEAL_BUF_INIT;
	eseal_buf b = ESEAL_BUF_INIT, tst = ESEAL_BUF_INIT;
	rc = build_attrs(&attrs, o, digest, dlen, cert, clen, &issuer, &serial);
	if (!rc) rc = eseal_der_put(&tbs, ESEAL_DER_SET, attrs.data, attrs.len);
	if (!rc) rc = eseal_key_sign(o->key, tbs.data, tbs.len, &sig);
	/* the time-stamp covers the signature value, so it comes after it */
	if (!rc && o->timestamp) {
		rc = o->timestamp(o->timestamp_ctx, gm ? "sm3" : "sha256", sig.data, sig.len, &tst);
		eseal_der one;
		size_t used;
		/* one well-formed DER element, or the SignerInfo would be broken */
		if (!rc && (!tst.len || eseal_der_read(&one, tst.data, tst.len, 0) || one.tlv_len != tst.len ||
			    one.tag != ESEAL_DER_SEQUENCE || eseal_der_validate(tst.data, tst.len, &used)))
			rc = eseal_error_set(ESEAL_EFORMAT, "CMS: the time-stamp callback gave no DER token");
		if (rc)
			eseal_error_wrap("CMS signature time-stamp: ");
	}

	size_t mci, mci0, msd, mset, mcerts, msis, msi, mias, menc, mun, mua, muv;
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &mci);
	if (!rc) rc = eseal_der_put_oid(&b, gm ? CMS_OID_GM_SIGNED_DATA : CMS_OID_SIGNED_DATA);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_CTX(0), &mci0);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &msd);
	if (!rc) rc = eseal_der_put_int(&b, 1);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SET, &mset);
	if (!rc) rc = cms_put_alg(&b, dig_oid, dig_null);
	if (!rc) rc = eseal_der_end(&b, mset);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &menc);
	if (!rc) rc = eseal_der_put_oid(&b, data_oid);
	if (!rc) rc = eseal_der_end(&b, menc);
	/* The signer first, then the chain: readers that take the first
	 * certificate still find the right one. */
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_CTX(0), &mcerts);
	if (!rc) rc = eseal_der_put_raw(&b, cert, clen);
	for (size_t i = 0; !rc && i < o->nchain; i++) {
		size_t l;
		const uint8_t *d = eseal_cert_der(o->chain[i], &l);
		rc = eseal_der_put_raw(&b, d, l);
	}
	if (!rc) rc = eseal_der_end(&b, mcerts);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SET, &msis);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &msi);
	if (!rc) rc = eseal_der_put_int(&b, 1);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &mias);
	if (!rc) rc = eseal_der_put_raw(&b, issuer.tlv, issuer.tlv_len);
	if (!rc) rc = eseal_der_put_raw(&b, serial.tlv, serial.tlv_len);
	if (!rc) rc = eseal_der_end(&b, mias);
	if (!rc) rc = cms_put_alg(&b, dig_oid, dig_null);
	if (!rc) rc = eseal_der_put(&b, ESEAL_DER_CTX(0), attrs.data, attrs.len);
	if (!rc) rc = cms_put_alg(&b, sig_oid, sig_null);
	if (!rc) rc = eseal_der_put(&b, ESEAL_DER_OCTET_STRING, sig.data, sig.len);
	if (!rc && tst.len) {
		rc = eseal_der_begin(&b, ESEAL_DER_CTX(1), &mun);
		if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &mua);
		if (!rc) rc = eseal_der_put_oid(&b, CMS_OID_TIMESTAMP_TOKEN);
		if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SET, &muv);
		if (!rc) rc = eseal_der_put_raw(&b, tst.data, tst.len);
		if (!rc) rc = eseal_der_end(&b, muv);
		if (!rc) rc = eseal_der_end(&b, mua);
		if (!rc) rc = eseal_der_end(&b, mun);
	}
	if (!rc) rc = eseal_der_end(&b, msi);
	if (!rc) rc = eseal_der_end(&b, msis);
	if (!rc) rc = eseal_der_end(&b, msd);
	if (!rc) rc = eseal_der_end(&b, mci0);
	if (!rc) rc = eseal_der_end(&b, mci);
	if (!rc) {
		eseal_buf_free(out);
		*out = b;
		b.data = NULL;
	}
	eseal_buf_free(&b);
	eseal_buf_free(&attrs);
	eseal_buf_free(&tbs);
	eseal_buf_free(&sig);
	eseal_buf_free(&tst);
	return rc;
}

size_t eseal_cms_max_size(const eseal_cms_sign_opts *o)
{
	if (!o || !o->signer || !o->key)
		return 0;
	size_t clen, total = 0;
	const uint8_t *cert = eseal_cert_der(o->signer, &clen);
	eseal_der issuer, serial;
	if (cms_cert_issuer_serial(cert, clen, &issuer, &serial))
		return 0;
	total += clen;
	for (size_t i = 0; i < o->nchain && o->chain; i++) {
		size_t l;
		eseal_cert_der(o->chain[i], &l);
		total += l;
	}
	/* issuer and serial appear in the sid and in signing-certificate-v2 */
	total += 2 * (issuer.tlv_len + serial.tlv_len);
	int sigmax = o->key->pkey ? EVP_PKEY_get_size(o->key->pkey) : 0;
	total += sigmax > 0 ? (size_t)sigmax : 512;
	/* OIDs, algorithm identifiers, attributes, digests, times and the
	 * headers of every constructed element (each at most 6 bytes) */
	total += 600;
	/* the unsigned time-stamp attribute and its headers */
	if (o->timestamp)
		total += (o->timestamp_max ? o->timestamp_max : 8192) + 32;
	/* margin */
	return total + 256;
}
