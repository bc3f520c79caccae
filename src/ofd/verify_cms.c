/*
 * verify_cms.c - Type="Sign" signatures: GM/T 0010 / GB/T 35275 CMS
 * SignedData over SM3(Signature.xml) (formats.md §4.7). Accepted: the eContent
 * is the digest (raw or base64) signed directly, or signed attributes whose
 * messageDigest is the digest. Signatures are checked over the original
 * bytes; the signed attributes are re-tagged as SET as CMS requires, never
 * re-encoded otherwise. This file must never accept a signature whose
 * content does not bind this Signature.xml.
 */
#include <stdio.h>
#include <string.h>

#include "eseal/asn1.h"
#include "eseal/ses.h"
#include "ofd/sign_internal.h"
#include "ses/ses_internal.h"

#define OID_GM_SIGNED_DATA "1.2.156.10197.6.1.4.2.2"
#define OID_PKCS7_SIGNED_DATA "1.2.840.113549.1.7.2"
#define OID_MESSAGE_DIGEST "1.2.840.113549.1.9.4"
#define OID_SIGNING_TIME "1.2.840.113549.1.9.5"

typedef struct {
	eseal_der econtent;      /* OCTET STRING contents, val_len 0 when absent */
	int has_econtent;
	eseal_der certs;         /* [0] IMPLICIT certificates */
	int has_certs;
	eseal_der sid_issuer, sid_serial;
	int has_sid;
	eseal_der attrs;         /* [0] IMPLICIT signedAttrs */
	int has_attrs;
	char sig_alg[64];
	eseal_der sig;
} cms_parts;

static int parse_cms(const uint8_t *der, size_t len, cms_parts *c)
{
	eseal_der ci, e, sd, x;
	eseal_der_iter it, sit;
	memset(c, 0, sizeof *c);
	if (eseal_der_read(&ci, der, len, 0) || ci.tag != ESEAL_DER_SEQUENCE)
		return eseal_error_set(ESEAL_EFORMAT, "not a DER ContentInfo");
	eseal_der_iter_init(&it, &ci);
	if (eseal_der_expect(&it, &e, ESEAL_DER_OID, "contentType"))
		return ESEAL_EFORMAT;
	if (!eseal_der_oid_is(&e, OID_GM_SIGNED_DATA) && !eseal_der_oid_is(&e, OID_PKCS7_SIGNED_DATA))
		return eseal_error_set(ESEAL_EFORMAT, "contentType is not SignedData");
	if (eseal_der_expect(&it, &e, ESEAL_DER_CTX(0), "content"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &e);
	if (eseal_der_expect(&it, &sd, ESEAL_DER_SEQUENCE, "SignedData"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&sit, &sd);
	if (eseal_der_expect(&sit, &x, ESEAL_DER_INTEGER, "version") ||
	    eseal_der_expect(&sit, &x, ESEAL_DER_SET, "digestAlgorithms") ||
	    eseal_der_expect(&sit, &x, ESEAL_DER_SEQUENCE, "encapContentInfo"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &x);
	if (eseal_der_expect(&it, &e, ESEAL_DER_OID, "eContentType"))
		return ESEAL_EFORMAT;
	if (eseal_der_next(&it, &e) == 1) {
		eseal_der oct;
		eseal_der_iter oit;
		if (e.tag != ESEAL_DER_CTX(0))
			return eseal_error_set(ESEAL_EFORMAT, "eContent is not [0]");
		eseal_der_iter_init(&oit, &e);
		if (eseal_der_expect(&oit, &oct, ESEAL_DER_OCTET_STRING, "eContent"))
			return ESEAL_EFORMAT;
		c->econtent = oct;
		c->has_econtent = 1;
	}
	int r;
	while ((r = eseal_der_next(&sit, &x)) == 1) {
		if (x.tag == ESEAL_DER_CTX(0)) {
			c->certs = x;
			c->has_certs = 1;
		} else if (x.tag == ESEAL_DER_SET) {
			break;
		}
	}
	if (r != 1)
		return eseal_error_set(ESEAL_EFORMAT, "no signerInfos");
	eseal_der si;
	eseal_der_iter_init(&it, &x);
	if (eseal_der_expect(&it, &si, ESEAL_DER_SEQUENCE, "SignerInfo"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &si);
	if (eseal_der_expect(&it, &x, ESEAL_DER_INTEGER, "SignerInfo version") ||
	    eseal_der_next(&it, &x) != 1)
		return eseal_error_set(ESEAL_EFORMAT, "SignerInfo: no sid");
	if (x.tag == ESEAL_DER_SEQUENCE) {
		eseal_der_iter iit;
		eseal_der_iter_init(&iit, &x);
		if (eseal_der_next(&iit, &c->sid_issuer) == 1 &&
		    eseal_der_next(&iit, &c->sid_serial) == 1 && c->sid_serial.tag == ESEAL_DER_INTEGER)
			c->has_sid = 1;
	}
	if (eseal_der_expect(&it, &x, ESEAL_DER_SEQUENCE, "digestAlgorithm") ||
	    eseal_der_next(&it, &x) != 1)
		return eseal_error_set(ESEAL_EFORMAT, "SignerInfo is short");
	if (x.tag == ESEAL_DER_CTX(0)) {
		c->attrs = x;
		c->has_attrs = 1;
		if (eseal_der_next(&it, &x) != 1)
			return eseal_error_set(ESEAL_EFORMAT, "SignerInfo is short");
	}
	if (x.tag != ESEAL_DER_SEQUENCE)
		return eseal_error_set(ESEAL_EFORMAT, "SignerInfo: no signatureAlgorithm");
	eseal_der_iter_init(&sit, &x);
	if (eseal_der_expect(&sit, &e, ESEAL_DER_OID, "signatureAlgorithm") ||
	    eseal_der_get_oid(&e, c->sig_alg, sizeof c->sig_alg))
		return ESEAL_EFORMAT;
	if (eseal_der_expect(&it, &c->sig, ESEAL_DER_OCTET_STRING, "signature"))
		return ESEAL_EFORMAT;
	return 0;
}

/* The certificate matching the sid (or the only one). */
static int find_signer(const cms_parts *c, const uint8_t **der, size_t *len)
{
	eseal_der_iter it;
	eseal_der cert, only = { 0 };
	int n = 0;
	if (!c->has_certs)
		return -1;
	eseal_der_iter_init(&it, &c->certs);
	while (eseal_der_next(&it, &cert) == 1) {
		n++;
		only = cert;
		eseal_der_iter ct, tt;
		eseal_der tbs, x, serial;
		eseal_der_iter_init(&ct, &cert);
		if (eseal_der_next(&ct, &tbs) != 1)
			continue;
		eseal_der_iter_init(&tt, &tbs);
		if (eseal_der_next(&tt, &x) != 1)
			continue;
		if (x.tag == ESEAL_DER_CTX(0) && eseal_der_next(&tt, &x) != 1)
			continue;
		serial = x;
		if (c->has_sid && serial.tlv_len == c->sid_serial.tlv_len &&
		    !memcmp(serial.tlv, c->sid_serial.tlv, serial.tlv_len)) {
			*der = cert.tlv;
			*len = cert.tlv_len;
			return 0;
		}
	}
	if (n == 1) {
		*der = only.tlv;
		*len = only.tlv_len;
		return 0;
	}
	return -1;
}

/* messageDigest (and signingTime) from the signed attributes. */
static void read_attrs(const cms_parts *c, eseal_der *md, int *has_md, time_t *when)
{
	eseal_der_iter it;
	eseal_der a;
	*has_md = 0;
	eseal_der_iter_init(&it, &c->attrs);
	while (eseal_der_next(&it, &a) == 1) {
		eseal_der_iter at, vt;
		eseal_der oid, set, v;
		eseal_der_iter_init(&at, &a);
		if (eseal_der_next(&at, &oid) != 1 || oid.tag != ESEAL_DER_OID ||
		    eseal_der_next(&at, &set) != 1 || set.tag != ESEAL_DER_SET)
			continue;
		eseal_der_iter_init(&vt, &set);
		if (eseal_der_next(&vt, &v) != 1)
			continue;
		if (eseal_der_oid_is(&oid, OID_MESSAGE_DIGEST) && v.tag == ESEAL_DER_OCTET_STRING) {
			*md = v;
			*has_md = 1;
		} else if (eseal_der_oid_is(&oid, OID_SIGNING_TIME)) {
			eseal_der_get_time(&v, when);
		}
	}
}

static int b64_equals(const eseal_der *e, const uint8_t h[32])
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char out[45];
	size_t k = 0;
	for (size_t i = 0; i < 32; i += 3) {
		uint32_t v = (uint32_t)h[i] << 16 | (i + 1 < 32 ? (uint32_t)h[i + 1] << 8 : 0) |
			     (i + 2 < 32 ? h[i + 2] : 0);
		out[k++] = tab[v >> 18 & 63];
		out[k++] = tab[v >> 12 & 63];
		out[k++] = i + 1 < 32 ? tab[v >> 6 & 63] : '=';
		out[k++] = i + 2 < 32 ? tab[v & 63] : '=';
	}
	return e->val_len == k && !memcmp(e->val, out, k);
}

void ofd_verify_cms(const uint8_t *der, size_t len, const uint8_t *xml, size_t xml_len,
		    const eseal_trust *trust, eseal_report_item *it)
{
	cms_parts c;
	if (parse_cms(der, len, &c) != 0) {
		eseal_item_check(it, "format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "SignedValue.dat is not a CMS SignedData: %s", eseal_error_last());
		return;
	}
	eseal_item_check(it, "format", ESEAL_CHECK_PASSED, NULL, "CMS SignedData (GM/T 0010) parsed");
	uint8_t h[32];
	eseal_sm3(h, xml, xml_len);
	eseal_der md;
	int has_md = 0;
	time_t when = 0;
	if (c.has_attrs)
		read_attrs(&c, &md, &has_md, &when);

	/* content binding */
	int bound = 0;
	const char *how = "";
	if (has_md && md.val_len == 32 && !memcmp(md.val, h, 32)) {
		bound = 1;
		how = "messageDigest = SM3(Signature.xml)";
	} else if (c.has_econtent && c.econtent.val_len == 32 && !memcmp(c.econtent.val, h, 32)) {
		bound = 1;
		how = "eContent = SM3(Signature.xml)";
	} else if (c.has_econtent && b64_equals(&c.econtent, h)) {
		bound = 1;
		how = "eContent = base64(SM3(Signature.xml))";
	}
	if (bound && c.has_attrs && c.has_econtent && has_md) {
		/* attributes must then cover the eContent actually carried */
		uint8_t he[32];
		eseal_sm3(he, c.econtent.val, c.econtent.val_len);
		if (!(md.val_len == 32 && (!memcmp(md.val, he, 32) || !memcmp(md.val, h, 32))))
			bound = 0;
	}
	if (bound)
		eseal_item_check(it, "data_hash", ESEAL_CHECK_PASSED, NULL, "content binding OK: %s", how);
	else
		eseal_item_check(it, "data_hash", ESEAL_CHECK_FAILED, ESEAL_SUB_HASH_FAILURE,
				 "the CMS content does not bind SM3(Signature.xml)");

	const uint8_t *cert = NULL;
	size_t certlen = 0;
	if (find_signer(&c, &cert, &certlen) != 0) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "the signer certificate is not in the CMS");
		return;
	}
	char desc[700];
	ses_cert_describe(cert, certlen, desc, sizeof desc);
	eseal_item_fact(it, "signer", "%s", desc);
	eseal_item_fact(it, "cms_variant", "%s", c.has_attrs ? "signed attributes" : "signature over eContent");

	eseal_buf tbs = ESEAL_BUF_INIT;
	int ok = 0;
	if (c.has_attrs) {
		/* signed over the attributes with their SET tag (RFC 5652 §5.4) */
		if (eseal_buf_put(&tbs, c.attrs.tlv, c.attrs.tlv_len) == 0) {
			tbs.data[0] = ESEAL_DER_SET;
			ok = 1;
		}
	} else if (c.has_econtent) {
		ok = eseal_buf_put(&tbs, c.econtent.val, c.econtent.val_len) == 0;
	}
	if (!ok) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "detached CMS without signed attributes: nothing to verify");
	} else if (strcmp(c.sig_alg, ESEAL_OID_SM2_SM3) && strcmp(c.sig_alg, ESEAL_OID_SM2) &&
		   strcmp(c.sig_alg, "1.2.156.10197.1.301")) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_FAILED, ESEAL_SUB_SIG_CRYPTO_FAILURE,
				 "signature algorithm %s is not SM2", c.sig_alg);
	} else if (ses_verify_with_cert(cert, certlen, tbs.data, tbs.len, c.sig.val, c.sig.val_len) == 0) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_PASSED, NULL,
				 "CMS SM2 signature (%s, %zu bytes) verifies",
				 c.sig.val_len == 64 ? "raw r||s" : "DER", c.sig.val_len);
	} else {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_FAILED, ESEAL_SUB_SIG_CRYPTO_FAILURE,
				 "CMS signature does not verify: %s", eseal_error_last());
	}
	eseal_buf_free(&tbs);
	if (when) {
		char t[32];
		eseal_time_format_human(t, when);
		eseal_item_fact(it, "time", "%s", t);
	}
	ses_check_chain(it, "signer_chain", cert, certlen, trust, when ? when : time(NULL));
	if (when)
		ses_check_cert_time(it, "signer_cert_validity", cert, certlen, when, "signing time");
}
