/*
 * status_verify.c - decides whether a parsed status answer or revocation
 * list may be believed: SM2 signature over the received tbs bytes, the
 * responder certificate's purpose (OCSPSigning, digitalSignature, not a CA)
 * and its chain to a configured anchor. Never accepts a list or answer
 * whose signer merely chains to an anchor without the status purpose.
 */
#include <stdio.h>
#include <string.h>

#include "eseal/asn1.h"
#include "status_internal.h"

#define OID_EKU "2.5.29.37"
#define OID_KU "2.5.29.15"
#define OID_KP_OCSP "1.3.6.1.5.5.7.3.9"

/* Reads the extensions of a DER certificate: *eku_ok when the extended key
 * usage lists OCSPSigning, *ku_ok when keyUsage has digitalSignature. */
static int cert_purpose(const uint8_t *der, size_t len, int *eku_ok, int *ku_ok)
{
	eseal_der cert, tbs, x, ext, exts, oid, val;
	eseal_der_iter it, ie, ix;
	*eku_ok = *ku_ok = 0;
	if (eseal_der_read(&cert, der, len, 0) || cert.tag != ESEAL_DER_SEQUENCE)
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &cert);
	if (eseal_der_next(&it, &tbs) != 1 || tbs.tag != ESEAL_DER_SEQUENCE)
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &tbs);
	int rc;
	while ((rc = eseal_der_next(&it, &x)) == 1) {
		if (x.tag != ESEAL_DER_CTX(3))
			continue;
		eseal_der_iter_init(&ie, &x);
		if (eseal_der_next(&ie, &exts) != 1 || exts.tag != ESEAL_DER_SEQUENCE)
			return ESEAL_EFORMAT;
		eseal_der_iter_init(&ie, &exts);
		while (eseal_der_next(&ie, &ext) == 1) {
			eseal_der_iter_init(&ix, &ext);
			if (eseal_der_next(&ix, &oid) != 1 || oid.tag != ESEAL_DER_OID)
				return ESEAL_EFORMAT;
			if (eseal_der_next(&ix, &val) != 1)
				return ESEAL_EFORMAT;
			if (val.tag == ESEAL_DER_BOOLEAN && eseal_der_next(&ix, &val) != 1)
				return ESEAL_EFORMAT;
			if (val.tag != ESEAL_DER_OCTET_STRING)
				return ESEAL_EFORMAT;
			eseal_der inner, p;
			if (eseal_der_read(&inner, val.val, val.val_len, 0))
				return ESEAL_EFORMAT;
			if (eseal_der_oid_is(&oid, OID_EKU) && inner.tag == ESEAL_DER_SEQUENCE) {
				eseal_der_iter ip;
				eseal_der_iter_init(&ip, &inner);
				while (eseal_der_next(&ip, &p) == 1)
					if (p.tag == ESEAL_DER_OID && eseal_der_oid_is(&p, OID_KP_OCSP))
						*eku_ok = 1;
			} else if (eseal_der_oid_is(&oid, OID_KU) && inner.tag == ESEAL_DER_BIT_STRING) {
				*ku_ok = inner.val_len >= 2 && (inner.val[1] & 0x80);
			}
		}
	}
	return rc < 0 ? rc : 0;
}

int eseal_status_signed_verify(const eseal_status_signed *s, const eseal_trust *trust, time_t at, char *why,
			       size_t whylen)
{
	const uint8_t *tbs, *sig;
	size_t tl, sl, nc;
	eseal_cert *const *certs;
	char tmp[300];
	if (!why) {
		why = tmp;
		whylen = sizeof tmp;
	}
	why[0] = 0;
	if (!s) {
		snprintf(why, whylen, "nothing to verify");
		return eseal_error_set(ESEAL_EVERIFY, "%s", why);
	}
	status_signed_parts(s, &tbs, &tl, &sig, &sl, &certs, &nc);
	size_t cl;
	const uint8_t *cd = eseal_cert_der(certs[0], &cl);
	eseal_key *k = NULL;
	int rc = eseal_cert_key(certs[0], &k);
	if (rc || eseal_key_get_type(k) != ESEAL_KEY_SM2) {
		eseal_key_free(k);
		snprintf(why, whylen, "the responder certificate has no SM2 key");
		return eseal_error_set(ESEAL_EVERIFY, "%s", why);
	}
	rc = eseal_key_verify(k, tbs, tl, sig, sl);
	eseal_key_free(k);
	if (rc) {
		snprintf(why, whylen, "the signature does not verify with the responder certificate");
		return eseal_error_set(ESEAL_EVERIFY, "%s", why);
	}
	int eku = 0, ku = 0;
	if (cert_purpose(cd, cl, &eku, &ku) || !eku || !ku || eseal_cert_is_ca(certs[0])) {
		char subj[200] = "?";
		eseal_cert_subject(certs[0], subj, sizeof subj);
		snprintf(why, whylen, "%s is not a status publisher certificate (needs OCSPSigning and digitalSignature)",
			 subj);
		return eseal_error_set(ESEAL_EVERIFY, "%s", why);
	}
	if (!trust || !eseal_trust_count(trust)) {
		snprintf(why, whylen, "no trust anchor configured for the status publisher");
		return eseal_error_set(ESEAL_EVERIFY, "%s", why);
	}
	eseal_chain_status cs;
	char cwhy[256] = "";
	rc = eseal_trust_verify(trust, certs[0], certs + 1, nc - 1, at, &cs, cwhy, sizeof cwhy);
	if (rc)
		return rc;
	if (cs != ESEAL_CHAIN_OK) {
		snprintf(why, whylen, "the status publisher certificate does not chain to a trust anchor: %s", cwhy);
		return eseal_error_set(ESEAL_EVERIFY, "%s", why);
	}
	return 0;
}
