/*
 * seal_verify.c - checks of a seal on its own: the maker's signature over
 * the original SES_SealInfo bytes (V4/V5) or over SEQUENCE{SES_SealInfo,
 * cert, signatureAlgorithm} built from the original TLVs (V1), the seal's
 * validity, the maker certificate's validity at creation, and the maker's
 * certificate chain.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ses_internal.h"

int ses_verify_with_cert(const uint8_t *cert, size_t certlen, const uint8_t *msg, size_t len,
			 const uint8_t *sig, size_t siglen)
{
	eseal_key *k = NULL;
	int rc = eseal_key_from_cert_der(&k, cert, certlen);
	if (rc)
		return eseal_error_wrap("certificate: ");
	if (eseal_key_get_type(k) != ESEAL_KEY_SM2) {
		eseal_key_free(k);
		return eseal_error_set(ESEAL_EUNSUPPORTED, "certificate key is not SM2");
	}
	rc = eseal_key_verify(k, msg, len, sig, siglen);
	eseal_key_free(k);
	return rc;
}

int eseal_seal_verify_signature(const eseal_seal *s)
{
	if (s->version != 1)
		return ses_verify_with_cert(s->maker_cert.p, s->maker_cert.len, s->seal_info.p,
					    s->seal_info.len, s->sig.p, s->sig.len);
	/* GM/T 0031 V1: the maker signs SEQUENCE{SES_SealInfo, cert, signatureAlgorithm}. */
	eseal_buf m = ESEAL_BUF_INIT;
	size_t mark;
	int rc = eseal_der_begin(&m, ESEAL_DER_SEQUENCE, &mark);
	if (!rc) rc = eseal_der_put_raw(&m, s->seal_info.p, s->seal_info.len);
	if (!rc) rc = eseal_der_put_raw(&m, s->cert_tlv.p, s->cert_tlv.len);
	if (!rc) rc = eseal_der_put_raw(&m, s->alg_tlv.p, s->alg_tlv.len);
	if (!rc) rc = eseal_der_end(&m, mark);
	if (!rc)
		rc = ses_verify_with_cert(s->maker_cert.p, s->maker_cert.len, m.data, m.len,
					  s->sig.p, s->sig.len);
	eseal_buf_free(&m);
	return rc;
}

int eseal_seal_allows_signer(const eseal_seal *s, const uint8_t *der, size_t len)
{
	for (size_t i = 0; i < s->ncerts; i++) {
		const ses_cert_entry *c = &s->certs[i];
		if (s->cert_list_type != 2) {
			if (c->data.len == len && !memcmp(c->data.p, der, len))
				return 1;
			continue;
		}
		const char *a = c->alg ? c->alg : "";
		uint8_t d[32];
		if (!strcasecmp(a, "SM3") || !strcmp(a, ESEAL_OID_SM3)) {
			eseal_sm3(d, der, len);
		} else if (!strcasecmp(a, "SHA256") || !strcasecmp(a, "SHA-256") ||
			   !strcmp(a, "2.16.840.1.101.3.4.2.1")) {
			eseal_sha256(d, der, len);
		} else {
			continue;
		}
		if (c->data.len == 32 && !memcmp(c->data.p, d, 32))
			return 1;
	}
	return 0;
}

/* "CN=..., O=..." of a DER certificate plus its serial, for reports. */
void ses_cert_describe(const uint8_t *der, size_t len, char *out, size_t outlen)
{
	eseal_cert *c = NULL;
	if (eseal_cert_parse(&c, der, len)) {
		snprintf(out, outlen, "(unreadable certificate)");
		return;
	}
	char subj[512], serial[80];
	if (eseal_cert_subject(c, subj, sizeof subj))
		snprintf(subj, sizeof subj, "?");
	if (eseal_cert_serial(c, serial, sizeof serial))
		snprintf(serial, sizeof serial, "?");
	snprintf(out, outlen, "%s (serial %s)", subj, serial);
	eseal_cert_free(c);
}

/* Validity of a certificate at t: a report check. */
void ses_check_cert_time(eseal_report_item *it, const char *check, const uint8_t *der,
			 size_t len, time_t t, const char *when)
{
	eseal_cert *c = NULL;
	if (eseal_cert_parse(&c, der, len)) {
		eseal_item_check(it, check, ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "certificate does not parse: %s", eseal_error_last());
		return;
	}
	char nb[32], na[32], at[32];
	eseal_time_format_human(nb, eseal_cert_not_before(c));
	eseal_time_format_human(na, eseal_cert_not_after(c));
	eseal_time_format_human(at, t);
	if (t < eseal_cert_not_before(c))
		eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NOT_YET_VALID,
				 "not yet valid at %s %s (valid %s to %s)", when, at, nb, na);
	else if (t > eseal_cert_not_after(c))
		eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_EXPIRED,
				 "expired at %s %s (valid %s to %s)", when, at, nb, na);
	else
		eseal_item_check(it, check, ESEAL_CHECK_PASSED, NULL, "valid at %s %s (valid %s to %s)",
				 when, at, nb, na);
	eseal_cert_free(c);
}

/* Chain of a DER certificate against trust at t: a report check. */
void ses_check_chain(eseal_report_item *it, const char *check, const uint8_t *der, size_t len,
		     const eseal_trust *trust, time_t t)
{
	if (!trust || eseal_trust_count(trust) == 0) {
		eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NO_TRUST_ANCHOR,
				 "no trust anchor configured (use --trust)");
		return;
	}
	eseal_cert *c = NULL;
	if (eseal_cert_parse(&c, der, len)) {
		eseal_item_check(it, check, ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "certificate does not parse: %s", eseal_error_last());
		return;
	}
	eseal_chain_status st;
	char why[256] = "";
	if (eseal_trust_verify(trust, c, NULL, 0, t, &st, why, sizeof why)) {
		eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_CHAIN_FAILURE,
				 "chain validation error: %s", eseal_error_last());
	} else {
		switch (st) {
		case ESEAL_CHAIN_OK:
			eseal_item_check(it, check, ESEAL_CHECK_PASSED, NULL, "chains to a trust anchor");
			break;
		case ESEAL_CHAIN_NO_ANCHOR:
			eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NO_TRUST_ANCHOR,
					 "no trust anchor for this certificate%s%s", *why ? ": " : "", why);
			break;
		case ESEAL_CHAIN_EXPIRED:
			eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_EXPIRED, "%s", why);
			break;
		case ESEAL_CHAIN_REVOKED:
			eseal_item_check(it, check, ESEAL_CHECK_FAILED, ESEAL_SUB_REVOKED, "%s", why);
			break;
		default:
			eseal_item_check(it, check, ESEAL_CHECK_FAILED, ESEAL_SUB_CHAIN_FAILURE, "%s", why);
		}
	}
	eseal_cert_free(c);
}

void ses_seal_facts(const eseal_seal *s, eseal_report_item *it)
{
	char a[32], b[32], desc[700];
	eseal_item_fact(it, "seal_name", "%s", s->name);
	eseal_item_fact(it, "esid", "%s", s->esid);
	eseal_item_fact(it, "seal_type", "%ld", s->type);
	eseal_item_fact(it, "vendor", "%s", s->vid);
	eseal_item_fact(it, "seal_version", "V%d", s->version);
	eseal_time_format_human(a, s->valid_start);
	eseal_time_format_human(b, s->valid_end);
	eseal_item_fact(it, "seal_valid", "%s - %s", a, b);
	ses_cert_describe(s->maker_cert.p, s->maker_cert.len, desc, sizeof desc);
	eseal_item_fact(it, "maker_cert", "%s", desc);
	eseal_item_fact(it, "picture", "%s, %zu bytes, %ld x %ld mm", s->pic_type, s->pic.len,
			s->pic_w, s->pic_h);
}

/* The seal's own checks, shared by seal and signature verification. */
void ses_seal_checks(const eseal_seal *s, const eseal_trust *trust, eseal_report_item *it)
{
	if (eseal_seal_verify_signature(s) == 0)
		eseal_item_check(it, "seal_signature", ESEAL_CHECK_PASSED, NULL,
				 "maker signature verifies over the original %s bytes",
				 s->version == 1 ? "SEQUENCE{SES_SealInfo, cert, signatureAlgorithm}" : "SES_SealInfo");
	else
		eseal_item_check(it, "seal_signature", ESEAL_CHECK_FAILED, ESEAL_SUB_SEAL_CRYPTO_FAILURE,
				 "maker signature does not verify: %s", eseal_error_last());
	ses_check_chain(it, "maker_chain", s->maker_cert.p, s->maker_cert.len, trust, s->create_date);
	ses_check_cert_time(it, "maker_cert_validity", s->maker_cert.p, s->maker_cert.len,
			    s->create_date, "seal creation");
}

int eseal_seal_verify(const eseal_seal *s, const eseal_trust *trust, time_t at,
		      eseal_report_item *it)
{
	ses_seal_facts(s, it);
	eseal_item_check(it, "format", ESEAL_CHECK_PASSED, NULL, "SESeal V%d parsed", s->version);
	ses_seal_checks(s, trust, it);
	char a[32], b[32], t[32];
	eseal_time_format_human(a, s->valid_start);
	eseal_time_format_human(b, s->valid_end);
	eseal_time_format_human(t, at);
	if (at < s->valid_start)
		eseal_item_check(it, "seal_validity", ESEAL_CHECK_FAILED, ESEAL_SUB_NOT_YET_VALID,
				 "seal not yet valid at %s (valid %s to %s)", t, a, b);
	else if (at > s->valid_end)
		eseal_item_check(it, "seal_validity", ESEAL_CHECK_FAILED, ESEAL_SUB_EXPIRED,
				 "seal expired at %s (valid %s to %s)", t, a, b);
	else
		eseal_item_check(it, "seal_validity", ESEAL_CHECK_PASSED, NULL,
				 "seal valid at %s (valid %s to %s)", t, a, b);
	eseal_item_conclude(it);
	return 0;
}
