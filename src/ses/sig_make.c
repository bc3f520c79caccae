/*
 * sig_make.c - writes SES_Signature V4 as GB/T 38540 gives it: TBS_Sign
 * {4, SESeal, timeInfo GeneralizedTime UTC, dataHash BIT STRING,
 * propertyInfo}, signed by the signer's SM2 key over the DER of TBS_Sign.
 * Refuses a signer the seal does not list and a seal outside its validity.
 */
#include <stdio.h>
#include <string.h>

#include "ses_internal.h"

int eseal_sessig_make(eseal_buf *out, const uint8_t *seal_der, size_t seal_len,
		      const eseal_cert *signer, const eseal_key *key, time_t when,
		      const uint8_t data_hash[32], const char *property_info)
{
	eseal_seal *seal = NULL;
	int rc = eseal_seal_parse(&seal, seal_der, seal_len);
	if (rc)
		return rc;
	size_t clen, slen;
	const uint8_t *cder = eseal_cert_der(signer, &clen);
	const uint8_t *sder = eseal_seal_der(seal, &slen);
	char a[32], b[32];
	eseal_time_format_human(a, eseal_seal_valid_start(seal));
	eseal_time_format_human(b, eseal_seal_valid_end(seal));
	if (!eseal_seal_allows_signer(seal, cder, clen))
		rc = eseal_error_set(ESEAL_EDENIED, "the signer certificate is not in the seal's certificate list");
	else if (when < eseal_seal_valid_start(seal) || when > eseal_seal_valid_end(seal))
		rc = eseal_error_set(ESEAL_EEXPIRED, "the seal is not valid now (valid %s to %s)", a, b);
	else if (when < eseal_cert_not_before(signer) || when > eseal_cert_not_after(signer))
		rc = eseal_error_set(ESEAL_EEXPIRED, "the signer certificate is not valid now");
	else if (!eseal_key_has_private(key) || eseal_key_get_type(key) != ESEAL_KEY_SM2)
		rc = eseal_error_set(ESEAL_EINVAL, "the signer key must be an SM2 private key");
	if (rc) {
		eseal_seal_free(seal);
		return rc;
	}
	eseal_buf tbs = ESEAL_BUF_INIT, sig = ESEAL_BUF_INIT;
	size_t mark;
	rc = eseal_der_begin(&tbs, ESEAL_DER_SEQUENCE, &mark);
	if (!rc) rc = eseal_der_put_int(&tbs, 4);
	if (!rc) rc = eseal_der_put_raw(&tbs, sder, slen);
	if (!rc) rc = eseal_der_put_gentime(&tbs, when);
	if (!rc) rc = eseal_der_put_bits(&tbs, data_hash, 32);
	if (!rc) rc = eseal_der_put_str(&tbs, ESEAL_DER_IA5STRING, property_info ? property_info : "");
	if (!rc) rc = eseal_der_end(&tbs, mark);
	if (!rc) rc = eseal_key_sign(key, tbs.data, tbs.len, &sig);
	/* The signature must verify with the certificate we embed. */
	if (!rc && ses_verify_with_cert(cder, clen, tbs.data, tbs.len, sig.data, sig.len))
		rc = eseal_error_set(ESEAL_EINVAL, "the signer key does not match the signer certificate");
	out->len = 0;
	if (!rc) rc = eseal_der_begin(out, ESEAL_DER_SEQUENCE, &mark);
	if (!rc) rc = eseal_der_put_raw(out, tbs.data, tbs.len);
	if (!rc) rc = eseal_der_put(out, ESEAL_DER_OCTET_STRING, cder, clen);
	if (!rc) rc = eseal_der_put_oid(out, ESEAL_OID_SM2_SM3);
	if (!rc) rc = eseal_der_put_bits(out, sig.data, sig.len);
	if (!rc) rc = eseal_der_end(out, mark);
	eseal_buf_free(&tbs);
	eseal_buf_free(&sig);
	eseal_seal_free(seal);
	return rc;
}
