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
#include "verify/checks.h"

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
	verify_cert_describe(s->maker_cert.p, s->maker_cert.len, desc, sizeof desc);
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
	verify_check_chain(it, "maker_chain", s->maker_cert.p, s->maker_cert.len, NULL, NULL, 0,
			   trust, s->create_date);
	verify_check_cert_time(it, "maker_cert_validity", s->maker_cert.p, s->maker_cert.len,
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
