/*
 * tst_verify.c - decides whether a time-stamp token proves that given data
 * existed at its genTime: the token's CMS signature and ESS binding, the
 * TSA certificate (critical, timeStamping-only EKU; chain to the caller's
 * anchors, valid at genTime), the message imprint and the nonce. It must
 * never return success when any check failed or could not be made.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tsa/tsa_internal.h"

/* RFC 3161 §2.3: exactly one extendedKeyUsage extension, critical, with
 * only id-kp-timeStamping; keyUsage (if present) allows signing. */
int tsa_cert_check(const uint8_t *der, size_t len, char *why, size_t whylen)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	int rc = ESEAL_EVERIFY;
	if (!x) {
		snprintf(why, whylen, "the certificate cannot be read");
		return ESEAL_EFORMAT;
	}
	int idx = X509_get_ext_by_NID(x, NID_ext_key_usage, -1);
	X509_EXTENSION *ext = idx >= 0 ? X509_get_ext(x, idx) : NULL;
	EXTENDED_KEY_USAGE *eku = ext ? X509V3_EXT_d2i(ext) : NULL;
	if (!ext)
		snprintf(why, whylen, "no extendedKeyUsage extension");
	else if (X509_get_ext_by_NID(x, NID_ext_key_usage, idx) >= 0)
		snprintf(why, whylen, "more than one extendedKeyUsage extension");
	else if (!X509_EXTENSION_get_critical(ext))
		snprintf(why, whylen, "extendedKeyUsage is not critical");
	else if (!eku || sk_ASN1_OBJECT_num(eku) != 1 ||
		 OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)) != NID_time_stamp)
		snprintf(why, whylen, "extendedKeyUsage is not timeStamping alone");
	else if ((X509_get_extension_flags(x) & EXFLAG_KUSAGE) &&
		 !(X509_get_key_usage(x) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
		snprintf(why, whylen, "keyUsage allows no signatures");
	else {
		snprintf(why, whylen, "extendedKeyUsage timeStamping (critical)");
		rc = 0;
	}
	EXTENDED_KEY_USAGE_free(eku);
	X509_free(x);
	return rc;
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* The checks this file records; all must pass. */
static const char *const required[] = {
	"cms_signature", "data_hash", "signing_certificate", "signer_cert_validity", "signer_chain",
	"tsa_certificate", "message_imprint",
};

/* A copy of the token with cert added to its certificates (the signature
 * covers only the signed attributes, so this changes nothing it signs). */
static int add_cert(const eseal_tst *t, const eseal_cert *cert, eseal_tst **out)
{
	eseal_der ci, oid, c0, sd, x;
	eseal_der_iter it;
	eseal_buf b = ESEAL_BUF_INIT;
	size_t m1, m2, m3, m4, clen;
	const uint8_t *cder = eseal_cert_der(cert, &clen);
	int rc = eseal_der_read(&ci, t->raw.data, t->raw.len, 0);
	eseal_der_iter_init(&it, &ci);
	if (!rc) rc = eseal_der_expect(&it, &oid, ESEAL_DER_OID, "contentType");
	if (!rc) rc = eseal_der_expect(&it, &c0, ESEAL_DER_CTX(0), "content");
	eseal_der_iter_init(&it, &c0);
	if (!rc) rc = eseal_der_expect(&it, &sd, ESEAL_DER_SEQUENCE, "SignedData");
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &m1);
	if (!rc) rc = eseal_der_put_raw(&b, oid.tlv, oid.tlv_len);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_CTX(0), &m2);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &m3);
	eseal_der_iter_init(&it, &sd);
	/* version, digestAlgorithms, encapContentInfo; then the certificates */
	for (int i = 0; i < 3 && !rc; i++) {
		rc = eseal_der_next(&it, &x) == 1 ? eseal_der_put_raw(&b, x.tlv, x.tlv_len) : ESEAL_EFORMAT;
	}
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_CTX(0), &m4);
	if (!rc) rc = eseal_der_put_raw(&b, cder, clen);
	if (!rc) rc = eseal_der_end(&b, m4);
	while (!rc && eseal_der_next(&it, &x) == 1)
		rc = eseal_der_put_raw(&b, x.tlv, x.tlv_len);
	if (!rc) rc = eseal_der_end(&b, m3);
	if (!rc) rc = eseal_der_end(&b, m2);
	if (!rc) rc = eseal_der_end(&b, m1);
	if (!rc) rc = eseal_tst_parse(out, b.data, b.len);
	eseal_buf_free(&b);
	return rc;
}

int eseal_tst_verify(const eseal_tst *t, const eseal_tst_verify_opts *o, eseal_report_item *it)
{
	if (!t || !o)
		return eseal_error_set(ESEAL_EINVAL, "time-stamp verify: no token or options");
	if (o->tsa_cert && !eseal_cms_signer_cert(t->cms, NULL)) {
		eseal_tst *with = NULL;
		if (add_cert(t, o->tsa_cert, &with))
			return eseal_error_wrap("time-stamp verify: ");
		eseal_tst_verify_opts o2 = *o;
		o2.tsa_cert = NULL;
		int rc = eseal_tst_verify(with, &o2, it);
		eseal_tst_free(with);
		return rc;
	}
	eseal_report *tmp = NULL;
	if (!it) {
		if (eseal_report_new(&tmp, "timestamp", "token") || !(it = eseal_report_add(tmp, "timestamp"))) {
			eseal_report_free(tmp);
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		}
	}
	char buf[2 * ESEAL_TSA_MAX_HASH + 1];
	eseal_item_fact(it, "gen_time", "%s", t->gen_time_text);
	eseal_item_fact(it, "tsa_serial", "%s", t->serial);
	eseal_item_fact(it, "tsa_policy", "%s", t->policy);
	hex(buf, t->imprint, t->imprint_len);
	eseal_item_fact(it, "message_imprint", "%s:%s", t->hash, buf);

	/* the token's own signature, ESS binding, certificate time and chain,
	 * all at genTime */
	uint8_t h[64];
	size_t hn = 0;
	int rc = eseal_cms_digest(t->cms, t->tstinfo, t->tstinfo_len, h, &hn);
	if (!rc)
		rc = eseal_cms_verify(t->cms, h, hn, o->trust, t->gen_time, it);
	if (rc) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "cannot check the token signature: %s", eseal_error_last());
	}
	int ess = eseal_item_check_status(it, "signing_certificate");
	if (ess < 0 || ess == ESEAL_CHECK_SKIPPED)
		eseal_item_check(it, "signing_certificate", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "the token has no ESS signing-certificate attribute (RFC 3161 §2.4.2)");

	size_t clen;
	const uint8_t *cert = eseal_cms_signer_cert(t->cms, &clen);
	char why[200];
	if (!cert)
		eseal_item_check(it, "tsa_certificate", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "the token does not carry the TSA certificate");
	else if (tsa_cert_check(cert, clen, why, sizeof why))
		eseal_item_check(it, "tsa_certificate", ESEAL_CHECK_FAILED, ESEAL_SUB_CHAIN_FAILURE,
				 "not a time-stamping certificate: %s", why);
	else
		eseal_item_check(it, "tsa_certificate", ESEAL_CHECK_PASSED, NULL, "%s", why);

	/* the imprint against the caller's data or digest */
	uint8_t d[ESEAL_TSA_MAX_HASH];
	const uint8_t *want = o->hash;
	size_t wlen = o->hash_len;
	if (o->data) {
		int n = tsa_hash(t->hash, o->data, o->data_len, d);
		want = n > 0 ? d : NULL;
		wlen = n > 0 ? (size_t)n : 0;
	}
	if (!want)
		eseal_item_check(it, "message_imprint", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_HASH_FAILURE,
				 "no data or digest to compare the %s imprint with", t->hash);
	else if (wlen == t->imprint_len && !memcmp(want, t->imprint, wlen))
		eseal_item_check(it, "message_imprint", ESEAL_CHECK_PASSED, NULL,
				 "the %s imprint matches the data", t->hash);
	else
		eseal_item_check(it, "message_imprint", ESEAL_CHECK_FAILED, ESEAL_SUB_HASH_FAILURE,
				 "the %s imprint does not match the data", t->hash);

	int nonce_ok = 1;
	if (o->nonce) {
		nonce_ok = t->nonce && t->nonce_len == o->nonce_len && !memcmp(t->nonce, o->nonce, o->nonce_len);
		eseal_item_check(it, "nonce", nonce_ok ? ESEAL_CHECK_PASSED : ESEAL_CHECK_FAILED,
				 nonce_ok ? NULL : ESEAL_SUB_FORMAT_FAILURE,
				 nonce_ok ? "the nonce is the request's" : "the nonce differs from the request's");
	}

	const char *failed = NULL;
	for (size_t i = 0; !failed && i < sizeof required / sizeof required[0]; i++)
		if (eseal_item_check_status(it, required[i]) != ESEAL_CHECK_PASSED)
			failed = required[i];
	if (!failed && eseal_item_check_status(it, "format") == ESEAL_CHECK_FAILED)
		failed = "format";
	if (!failed && !nonce_ok)
		failed = "nonce";
	eseal_item_conclude(it);
	eseal_report_free(tmp);
	if (failed)
		return eseal_error_set(ESEAL_EVERIFY, "time-stamp token: check %s did not pass", failed);
	return 0;
}

time_t eseal_tst_check_cms(const eseal_cms *c, const eseal_trust *trust, eseal_report_item *it)
{
	size_t tl;
	if (!c || !it || !eseal_cms_timestamp_token(c, &tl))
		return 0;
	eseal_report *r = NULL;
	eseal_report_item *ti;
	if (eseal_report_new(&r, "timestamp", "signature") || !(ti = eseal_report_add(r, "timestamp"))) {
		eseal_report_free(r);
		eseal_item_check(it, "signature_timestamp", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "out of memory");
		return 0;
	}
	time_t proven = 0;
	int rc = eseal_tst_verify_cms(c, trust, ti, &proven);
	const char *gt = eseal_item_fact_get(ti, "gen_time");
	if (gt)
		eseal_item_fact(it, "timestamp", "%s", gt);
	const char *tsa = eseal_item_fact_get(ti, "signer");
	if (tsa)
		eseal_item_fact(it, "timestamp_tsa", "%s", tsa);
	if (!rc) {
		char h[32];
		eseal_time_format_human(h, proven);
		eseal_item_check(it, "signature_timestamp", ESEAL_CHECK_PASSED, NULL,
				 "an RFC 3161 time-stamp proves the signature existed at %s", h);
	} else if (eseal_item_indication(ti) == ESEAL_TOTAL_FAILED) {
		eseal_item_check(it, "signature_timestamp", ESEAL_CHECK_FAILED, ESEAL_SUB_SIG_CRYPTO_FAILURE,
				 "the signature time-stamp is invalid: %s", eseal_error_last());
	} else {
		/* e.g. a TSA outside the trust anchors: the signature stands on
		 * its own, only the time is not proven */
		eseal_item_check(it, "signature_timestamp", ESEAL_CHECK_WARNING, NULL,
				 "the signature time-stamp could not be confirmed: %s", eseal_error_last());
	}
	eseal_report_free(r);
	return rc ? 0 : proven;
}
