/*
 * cms_parse.c - reads a CMS ContentInfo/SignedData (GM/T 0010 or RFC 5652)
 * with one SignerInfo into spans over a private copy of the input. It
 * decides nothing about validity: cms_verify.c does. It must never accept
 * a structure it has not fully walked, nor read past an element.
 */
#include <stdlib.h>
#include <string.h>

#include "cms/cms_internal.h"
#include "cms/cms_oids.h"

static cms_span span(const eseal_der *e)
{
	cms_span s = { e->tlv, e->tlv_len };
	return s;
}

static cms_span span_val(const eseal_der *e)
{
	cms_span s = { e->val, e->val_len };
	return s;
}

static int bad(const char *what)
{
	return eseal_error_set(ESEAL_EFORMAT, "CMS: %s", what);
}

/* First value of an Attribute's SET. */
static int attr_value(const eseal_der *attr, eseal_der *oid, eseal_der *v)
{
	eseal_der_iter ai, vi;
	eseal_der set;
	eseal_der_iter_init(&ai, attr);
	if (eseal_der_expect(&ai, oid, ESEAL_DER_OID, "attribute type") ||
	    eseal_der_expect(&ai, &set, ESEAL_DER_SET, "attribute values"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&vi, &set);
	if (eseal_der_next(&vi, v) != 1)
		return bad("attribute without a value");
	return 0;
}

/* ESS signing-certificate(-v2): the first certificate ID. */
static int parse_esscert(eseal_cms *c, const eseal_der *v, int version)
{
	eseal_der certs, id, e;
	eseal_der_iter it;
	if (v->tag != ESEAL_DER_SEQUENCE)
		return bad("signing-certificate is not a SEQUENCE");
	eseal_der_iter_init(&it, v);
	if (eseal_der_expect(&it, &certs, ESEAL_DER_SEQUENCE, "signing-certificate certs"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &certs);
	if (eseal_der_expect(&it, &id, ESEAL_DER_SEQUENCE, "ESSCertID"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &id);
	strcpy(c->esscert_hash_oid, version == 2 ? CMS_OID_SHA256 : CMS_OID_SHA1);
	if (version == 2 && eseal_der_peek(&it, ESEAL_DER_SEQUENCE)) {
		eseal_der alg, oid;
		eseal_der_iter ai;
		eseal_der_next(&it, &alg);
		eseal_der_iter_init(&ai, &alg);
		if (eseal_der_expect(&ai, &oid, ESEAL_DER_OID, "ESSCertIDv2 hashAlgorithm") ||
		    eseal_der_get_oid(&oid, c->esscert_hash_oid, sizeof c->esscert_hash_oid))
			return ESEAL_EFORMAT;
	}
	if (eseal_der_expect(&it, &e, ESEAL_DER_OCTET_STRING, "certHash"))
		return ESEAL_EFORMAT;
	c->esscert_hash = span_val(&e);
	if (eseal_der_next(&it, &e) == 1 && e.tag == ESEAL_DER_SEQUENCE) {
		eseal_der gn, serial;
		eseal_der_iter si;
		eseal_der_iter_init(&si, &e);
		if (eseal_der_expect(&si, &gn, ESEAL_DER_SEQUENCE, "IssuerSerial issuer") ||
		    eseal_der_expect(&si, &serial, ESEAL_DER_INTEGER, "IssuerSerial serial"))
			return ESEAL_EFORMAT;
		c->esscert_serial = span(&serial);
	}
	c->esscert = version;
	return 0;
}

static int parse_attrs(eseal_cms *c, const eseal_der *attrs)
{
	eseal_der_iter it;
	eseal_der a, oid, v;
	int r;
	c->has_attrs = 1;
	c->attrs = span(attrs);
	eseal_der_iter_init(&it, attrs);
	while ((r = eseal_der_next(&it, &a)) == 1) {
		if (a.tag != ESEAL_DER_SEQUENCE)
			return bad("signed attribute is not a SEQUENCE");
		if (attr_value(&a, &oid, &v))
			return ESEAL_EFORMAT;
		if (eseal_der_oid_is(&oid, CMS_OID_MESSAGE_DIGEST)) {
			if (v.tag != ESEAL_DER_OCTET_STRING || c->has_md)
				return bad("bad or repeated messageDigest attribute");
			c->md = span_val(&v);
			c->has_md = 1;
		} else if (eseal_der_oid_is(&oid, CMS_OID_CONTENT_TYPE)) {
			if (v.tag != ESEAL_DER_OID ||
			    eseal_der_get_oid(&v, c->attr_ctype, sizeof c->attr_ctype))
				return bad("bad contentType attribute");
			c->has_attr_ctype = 1;
		} else if (eseal_der_oid_is(&oid, CMS_OID_SIGNING_TIME)) {
			if (eseal_der_get_time(&v, &c->signing_time))
				return bad("bad signingTime attribute");
		} else if (eseal_der_oid_is(&oid, CMS_OID_SIGNING_CERT_V2)) {
			if (parse_esscert(c, &v, 2))
				return ESEAL_EFORMAT;
		} else if (eseal_der_oid_is(&oid, CMS_OID_SIGNING_CERT) && c->esscert != 2) {
			if (parse_esscert(c, &v, 1))
				return ESEAL_EFORMAT;
		}
	}
	return r;
}

static void parse_unsigned(eseal_cms *c, const eseal_der *attrs)
{
	eseal_der_iter it;
	eseal_der a, oid, v;
	eseal_der_iter_init(&it, attrs);
	while (eseal_der_next(&it, &a) == 1) {
		if (a.tag == ESEAL_DER_SEQUENCE && attr_value(&a, &oid, &v) == 0 &&
		    eseal_der_oid_is(&oid, CMS_OID_TIMESTAMP_TOKEN) && v.tag == ESEAL_DER_SEQUENCE)
			c->tst = span(&v);
	}
}

static int parse_signer_info(eseal_cms *c, const eseal_der *si)
{
	eseal_der_iter it;
	eseal_der x, e;
	long ver;
	eseal_der_iter_init(&it, si);
	if (eseal_der_expect(&it, &x, ESEAL_DER_INTEGER, "SignerInfo version") ||
	    eseal_der_get_int(&x, &ver))
		return ESEAL_EFORMAT;
	if (eseal_der_next(&it, &x) != 1)
		return bad("SignerInfo has no sid");
	if (x.tag == ESEAL_DER_SEQUENCE) {
		eseal_der_iter ii;
		eseal_der_iter_init(&ii, &x);
		if (eseal_der_expect(&ii, &e, ESEAL_DER_SEQUENCE, "sid issuer"))
			return ESEAL_EFORMAT;
		c->sid_issuer = span(&e);
		if (eseal_der_expect(&ii, &e, ESEAL_DER_INTEGER, "sid serialNumber"))
			return ESEAL_EFORMAT;
		c->sid_serial = span(&e);
	} else if (x.tag == ESEAL_DER_CTX_PRIM(0)) {
		c->sid_is_ski = 1;
		c->sid_ski = span_val(&x);
	} else {
		return bad("SignerInfo sid is neither issuerAndSerialNumber nor subjectKeyIdentifier");
	}
	if (eseal_der_expect(&it, &x, ESEAL_DER_SEQUENCE, "SignerInfo digestAlgorithm"))
		return ESEAL_EFORMAT;
	eseal_der_iter ai;
	eseal_der_iter_init(&ai, &x);
	if (eseal_der_expect(&ai, &e, ESEAL_DER_OID, "digestAlgorithm") ||
	    eseal_der_get_oid(&e, c->digest_oid, sizeof c->digest_oid))
		return ESEAL_EFORMAT;
	c->digest = cms_digest_name(c->digest_oid);
	if (!c->digest)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "CMS: digest algorithm %s is not supported",
				       c->digest_oid);
	if (eseal_der_next(&it, &x) != 1)
		return bad("SignerInfo is short");
	if (x.tag == ESEAL_DER_CTX(0)) {
		int ra = parse_attrs(c, &x);
		if (ra)
			return ra;
		if (eseal_der_next(&it, &x) != 1)
			return bad("SignerInfo is short");
	}
	if (x.tag != ESEAL_DER_SEQUENCE)
		return bad("SignerInfo has no signatureAlgorithm");
	eseal_der_iter_init(&ai, &x);
	if (eseal_der_expect(&ai, &e, ESEAL_DER_OID, "signatureAlgorithm") ||
	    eseal_der_get_oid(&e, c->sig_alg, sizeof c->sig_alg))
		return ESEAL_EFORMAT;
	if (eseal_der_expect(&it, &x, ESEAL_DER_OCTET_STRING, "signature"))
		return ESEAL_EFORMAT;
	c->sig = span_val(&x);
	int r = eseal_der_next(&it, &x);
	if (r == 1 && x.tag == ESEAL_DER_CTX(1))
		parse_unsigned(c, &x);
	else if (r == 1)
		return bad("unexpected element after the signature");
	return r < 0 ? r : 0;
}

/* The certificate the sid names: issuer and serial bytes, or the SKI. */
static void find_signer(eseal_cms *c)
{
	c->signer_index = -1;
	for (size_t i = 0; i < c->ncerts; i++) {
		if (c->sid_is_ski) {
			const uint8_t *p;
			size_t n;
			if (cms_cert_ski(c->certs[i].p, c->certs[i].len, &p, &n) == 0 &&
			    n == c->sid_ski.len && !memcmp(p, c->sid_ski.p, n)) {
				c->signer_index = (int)i;
				return;
			}
			continue;
		}
		eseal_der issuer, serial;
		if (cms_cert_issuer_serial(c->certs[i].p, c->certs[i].len, &issuer, &serial))
			continue;
		if (issuer.tlv_len == c->sid_issuer.len && !memcmp(issuer.tlv, c->sid_issuer.p, issuer.tlv_len) &&
		    serial.tlv_len == c->sid_serial.len && !memcmp(serial.tlv, c->sid_serial.p, serial.tlv_len)) {
			c->signer_index = (int)i;
			return;
		}
	}
	eseal_error_clear();
}

static int parse(eseal_cms *c)
{
	eseal_der ci, e, sd, x;
	eseal_der_iter it, sit;
	char oid[64];
	if (eseal_der_read(&ci, c->raw.data, c->raw.len, 0) || ci.tag != ESEAL_DER_SEQUENCE)
		return bad("not a DER ContentInfo");
	eseal_der_iter_init(&it, &ci);
	if (eseal_der_expect(&it, &e, ESEAL_DER_OID, "contentType") ||
	    eseal_der_get_oid(&e, oid, sizeof oid))
		return ESEAL_EFORMAT;
	if (!strcmp(oid, CMS_OID_GM_SIGNED_DATA))
		c->profile = ESEAL_CMS_GM;
	else if (!strcmp(oid, CMS_OID_SIGNED_DATA))
		c->profile = ESEAL_CMS_CADES;
	else
		return eseal_error_set(ESEAL_EFORMAT, "CMS: contentType %s is not SignedData", oid);
	if (eseal_der_expect(&it, &e, ESEAL_DER_CTX(0), "content"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &e);
	if (eseal_der_expect(&it, &sd, ESEAL_DER_SEQUENCE, "SignedData"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&sit, &sd);
	if (eseal_der_expect(&sit, &x, ESEAL_DER_INTEGER, "SignedData version") ||
	    eseal_der_expect(&sit, &x, ESEAL_DER_SET, "digestAlgorithms") ||
	    eseal_der_expect(&sit, &x, ESEAL_DER_SEQUENCE, "encapContentInfo"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &x);
	if (eseal_der_expect(&it, &e, ESEAL_DER_OID, "eContentType") ||
	    eseal_der_get_oid(&e, c->content_type, sizeof c->content_type))
		return ESEAL_EFORMAT;
	int r = eseal_der_next(&it, &e);
	if (r < 0)
		return r;
	if (r == 1) {
		eseal_der oct;
		eseal_der_iter oi;
		if (e.tag != ESEAL_DER_CTX(0))
			return bad("eContent is not [0]");
		eseal_der_iter_init(&oi, &e);
		if (eseal_der_expect(&oi, &oct, ESEAL_DER_OCTET_STRING, "eContent"))
			return ESEAL_EFORMAT;
		c->econtent = span_val(&oct);
		c->has_econtent = 1;
	}
	/* [0] certificates, [1] crls, then signerInfos */
	while ((r = eseal_der_next(&sit, &x)) == 1) {
		if (x.tag == ESEAL_DER_CTX(0)) {
			eseal_der_iter ci2;
			eseal_der cert;
			int rr;
			eseal_der_iter_init(&ci2, &x);
			while ((rr = eseal_der_next(&ci2, &cert)) == 1) {
				if (cert.tag != ESEAL_DER_SEQUENCE)
					continue;  /* other CertificateChoices */
				if (c->ncerts == CMS_MAX_CERTS)
					return eseal_error_set(ESEAL_ELIMIT, "CMS: more than %d certificates",
							       CMS_MAX_CERTS);
				c->certs[c->ncerts++] = span(&cert);
			}
			if (rr < 0)
				return rr;
		} else if (x.tag == ESEAL_DER_CTX(1)) {
			continue;
		} else if (x.tag == ESEAL_DER_SET) {
			break;
		} else {
			return bad("unexpected element in SignedData");
		}
	}
	if (r < 0)
		return r;
	if (r != 1)
		return bad("no signerInfos");
	eseal_der si;
	eseal_der_iter_init(&it, &x);
	if (eseal_der_next(&it, &si) != 1 || si.tag != ESEAL_DER_SEQUENCE)
		return bad("no SignerInfo");
	r = parse_signer_info(c, &si);
	if (r)
		return r;
	/* a GM signature inside a PKCS#7 wrapper is still GM */
	if (!strcmp(c->digest, "sm3"))
		c->profile = ESEAL_CMS_GM;
	find_signer(c);
	return 0;
}

int eseal_cms_parse(eseal_cms **out, const uint8_t *der, size_t len)
{
	eseal_der top;
	if (!out || !der)
		return eseal_error_set(ESEAL_EINVAL, "CMS: no input");
	*out = NULL;
	if (eseal_der_read(&top, der, len, 0))
		return eseal_error_wrap("CMS: ");
	size_t used;
	int rc = eseal_der_validate(top.tlv, top.tlv_len, &used);
	if (rc)
		return eseal_error_wrap("CMS: ");
	eseal_cms *c = calloc(1, sizeof *c);
	if (!c)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	rc = eseal_buf_put(&c->raw, top.tlv, top.tlv_len);
	if (!rc)
		rc = parse(c);
	if (rc) {
		eseal_cms_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void eseal_cms_free(eseal_cms *c)
{
	if (!c)
		return;
	eseal_buf_free(&c->raw);
	free(c);
}

eseal_cms_profile eseal_cms_get_profile(const eseal_cms *c)
{
	return c->profile;
}

const char *eseal_cms_digest_name(const eseal_cms *c)
{
	return c->digest;
}

int eseal_cms_digest(const eseal_cms *c, const void *data, size_t len, uint8_t *out, size_t *outlen)
{
	return eseal_cms_digest_parts(c, &data, &len, 1, out, outlen);
}

int eseal_cms_digest_parts(const eseal_cms *c, const void *const *parts, const size_t *lens, size_t n,
			   uint8_t *out, size_t *outlen)
{
	uint8_t h[64];
	int k = cms_hash_parts(c->digest, parts, lens, n, h);
	if (k < 0)
		return k;
	memcpy(out, h, (size_t)k);
	if (outlen)
		*outlen = (size_t)k;
	return 0;
}

const uint8_t *eseal_cms_signer_cert(const eseal_cms *c, size_t *len)
{
	if (c->signer_index < 0) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = c->certs[c->signer_index].len;
	return c->certs[c->signer_index].p;
}

size_t eseal_cms_cert_count(const eseal_cms *c)
{
	return c->ncerts;
}

const uint8_t *eseal_cms_cert(const eseal_cms *c, size_t i, size_t *len)
{
	if (i >= c->ncerts)
		return NULL;
	if (len)
		*len = c->certs[i].len;
	return c->certs[i].p;
}

time_t eseal_cms_signing_time(const eseal_cms *c)
{
	return c->signing_time;
}

const uint8_t *eseal_cms_timestamp_token(const eseal_cms *c, size_t *len)
{
	if (len)
		*len = c->tst.len;
	return c->tst.p;
}

const uint8_t *eseal_cms_econtent(const eseal_cms *c, size_t *len)
{
	if (len)
		*len = c->has_econtent ? c->econtent.len : 0;
	return c->has_econtent ? c->econtent.p : NULL;
}

int eseal_cms_has_signed_attrs(const eseal_cms *c)
{
	return c->has_attrs;
}

const uint8_t *eseal_cms_message_digest(const eseal_cms *c, size_t *len)
{
	if (len)
		*len = c->has_md ? c->md.len : 0;
	return c->has_md ? c->md.p : NULL;
}

const uint8_t *eseal_cms_signature_value(const eseal_cms *c, size_t *len)
{
	if (len)
		*len = c->sig.len;
	return c->sig.p;
}
