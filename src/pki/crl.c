/*
 * crl.c - revocation: marking certificates revoked in the CA index,
 * signing X.509 v2 CRLs with the issuing CA, and checking a CRL's
 * signature. SM2 lists are signed and verified with the default ID, which
 * OpenSSL 3.0 cannot attach to a CRL, so verification is done here over the
 * CRL's original TBS bytes. Never re-encodes a CRL before checking it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "pki/ca_internal.h"

static const char *reasons[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
	"cessationOfOperation", "certificateHold", NULL, "removeFromCRL", "privilegeWithdrawn",
	"aACompromise",
};

const char *pki_reason_name(int reason)
{
	if (reason >= 0 && reason < (int)(sizeof reasons / sizeof reasons[0]) && reasons[reason])
		return reasons[reason];
	return "unknown";
}

int pki_reason_from_name(const char *name)
{
	for (int i = 0; i < (int)(sizeof reasons / sizeof reasons[0]); i++)
		if (reasons[i] && name && !strcasecmp(reasons[i], name))
			return i;
	return -1;
}

/* Length of the DER TLV at p (within n bytes), or 0 when malformed. */
static size_t der_tlv_len(const uint8_t *p, size_t n, size_t *hdr)
{
	if (n < 2)
		return 0;
	size_t len, h = 2;
	if (p[1] < 0x80)
		len = p[1];
	else {
		size_t k = p[1] & 0x7f;
		if (k == 0 || k > 4 || n < 2 + k)
			return 0;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = (len << 8) | p[2 + i];
		h += k;
	}
	if (len > n - h)
		return 0;
	*hdr = h;
	return h + len;
}

int pki_crl_signed_by(X509_CRL *crl, X509 *issuer)
{
	EVP_PKEY *pk = X509_get0_pubkey(issuer);
	unsigned char *der = NULL;
	int n = pk ? i2d_X509_CRL(crl, &der) : 0;
	if (n <= 0) {
		ERR_clear_error();
		return 0;
	}
	int ok = 0;
	size_t hdr, total = der_tlv_len(der, (size_t)n, &hdr);
	size_t thdr, tlen = total ? der_tlv_len(der + hdr, total - hdr, &thdr) : 0;
	const ASN1_BIT_STRING *sig = NULL;
	const X509_ALGOR *alg = NULL;
	X509_CRL_get0_signature(crl, &sig, &alg);
	int sig_nid = X509_CRL_get_signature_nid(crl);
	if (tlen && sig) {
		eseal_key *k = NULL;
		int is_sm2 = EVP_PKEY_is_a(pk, "SM2");
		/* The algorithm must match the key, or the check means nothing.
		 * eseal_key_verify: SM2 with the default ID through our own SM2. */
		if (is_sm2 ? sig_nid == NID_SM2_with_SM3 : sig_nid != NID_SM2_with_SM3) {
			if (EVP_PKEY_up_ref(pk) && !eseal_key_wrap(&k, pk))
				ok = eseal_key_verify(k, der + hdr, tlen, ASN1_STRING_get0_data(sig),
						      (size_t)ASN1_STRING_length(sig)) == 0;
		}
		eseal_key_free(k);
	}
	OPENSSL_free(der);
	ERR_clear_error();
	return ok;
}

int eseal_ca_revoke(eseal_ca *ca, const char *serial_hex, int reason, time_t when)
{
	if (!serial_hex || !*serial_hex)
		return eseal_error_set(ESEAL_EINVAL, "no serial number given");
	if (reason < 0 || reason == 7 || reason > 10)
		return eseal_error_set(ESEAL_EINVAL, "bad revocation reason %d", reason);
	json_t *e = ca_index_find(ca->index, serial_hex);
	if (!e)
		return eseal_error_set(ESEAL_ENOTFOUND, "no certificate with serial %s in this CA", serial_hex);
	const char *role = json_string_value(json_object_get(e, "role"));
	if (role && (!strcmp(role, "root-ca") || !strcmp(role, "issuing-ca")))
		return eseal_error_set(ESEAL_EDENIED, "the CA's own certificates cannot be revoked here");
	if (json_is_true(json_object_get(e, "revoked")))
		return eseal_error_set(ESEAL_EEXISTS, "certificate %s is already revoked", serial_hex);
	if (!when)
		when = time(NULL);
	char t[32];
	ca_time_iso(t, when);
	json_object_set_new(e, "revoked", json_true());
	json_object_set_new(e, "reason", json_string(pki_reason_name(reason)));
	json_object_set_new(e, "revoked_at", json_string(t));
	return ca_index_save(ca->index, ca->dir);
}

static int add_revoked(X509_CRL *crl, const char *serial_hex, time_t when, int reason)
{
	BIGNUM *bn = NULL;
	int rc = 0;
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_INTEGER *sn = NULL;
	ASN1_TIME *t = ASN1_TIME_set(NULL, when);
	ASN1_ENUMERATED *re = NULL;
	if (!r || !t || !BN_hex2bn(&bn, serial_hex) || !(sn = BN_to_ASN1_INTEGER(bn, NULL)) ||
	    !X509_REVOKED_set_serialNumber(r, sn) || !X509_REVOKED_set_revocationDate(r, t)) {
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot build revoked entry");
		goto done;
	}
	/* RFC 5280: leave the reason out when it is "unspecified". */
	if (reason > 0) {
		re = ASN1_ENUMERATED_new();
		if (!re || !ASN1_ENUMERATED_set(re, reason) ||
		    !X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, re, 0, 0)) {
			rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot set revocation reason");
			goto done;
		}
	}
	if (!X509_CRL_add0_revoked(crl, r)) {
		rc = eseal_crypto_error(ESEAL_ENOMEM, "cannot add revoked entry");
		goto done;
	}
	r = NULL;
done:
	X509_REVOKED_free(r);
	ASN1_ENUMERATED_free(re);
	ASN1_INTEGER_free(sn);
	ASN1_TIME_free(t);
	BN_free(bn);
	return rc;
}

int eseal_ca_crl(eseal_ca *ca, int days, eseal_buf *der_out)
{
	if (days <= 0)
		days = 30;
	if (days > 3650)
		return eseal_error_set(ESEAL_EINVAL, "CRL validity too long (%d days)", days);
	time_t now = time(NULL), next = now + (time_t)days * 24 * 3600;
	json_int_t number = json_integer_value(json_object_get(ca->index, "crl_number"));
	if (number < 1)
		number = 1;
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t1 = ASN1_TIME_set(NULL, now), *t2 = ASN1_TIME_set(NULL, next);
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	EVP_MD_CTX *mctx = NULL;
	X509_EXTENSION *aki = NULL;
	BIO *bio = NULL;
	int rc = 0;
	if (!crl || !t1 || !t2 || !num || !ASN1_INTEGER_set_int64(num, number) ||
	    !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->issuing->x)) ||
	    !X509_CRL_set1_lastUpdate(crl, t1) || !X509_CRL_set1_nextUpdate(crl, t2)) {
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot build CRL");
		goto done;
	}
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(ca->index, "certs"), i, e) {
		if (!json_is_true(json_object_get(e, "revoked")))
			continue;
		const char *serial = json_string_value(json_object_get(e, "serial"));
		time_t when = ca_time_parse_iso(json_string_value(json_object_get(e, "revoked_at")));
		int reason = pki_reason_from_name(json_string_value(json_object_get(e, "reason")));
		if (!serial || when == (time_t)-1) {
			rc = eseal_error_set(ESEAL_EFORMAT, "%s/index.json: bad revoked entry", ca->dir);
			goto done;
		}
		if ((rc = add_revoked(crl, serial, when, reason < 0 ? 0 : reason)))
			goto done;
	}
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, ca->issuing->x, NULL, NULL, crl, 0);
	aki = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
	if (!aki || !X509_CRL_add_ext(crl, aki, -1) ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) || !X509_CRL_sort(crl)) {
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot add CRL extensions");
		goto done;
	}
	if ((rc = pki_sign_ctx(&mctx, ca->issuing_key)))
		goto done;
	if (X509_CRL_sign_ctx(crl, mctx) <= 0) {
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot sign CRL");
		goto done;
	}
	if ((rc = pki_resign_crl(crl, ca->issuing_key)))
		goto done;
	bio = BIO_new(BIO_s_mem());
	if (!bio || !PEM_write_bio_X509_CRL(bio, crl)) {
		rc = eseal_crypto_error(ESEAL_ENOMEM, "cannot write CRL");
		goto done;
	}
	char *pem;
	long pemlen = BIO_get_mem_data(bio, &pem);
	char path[4096];
	if ((rc = ca_path(path, sizeof path, ca->dir, "crl.pem")))
		goto done;
	json_object_set_new(ca->index, "crl_number", json_integer(number + 1));
	if ((rc = ca_index_save(ca->index, ca->dir)))
		goto done;
	if ((rc = eseal_file_write_atomic(path, pem, (size_t)pemlen, 0644)))
		goto done;
	if (der_out) {
		unsigned char *der = NULL;
		int n = i2d_X509_CRL(crl, &der);
		if (n <= 0) {
			rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot encode CRL");
			goto done;
		}
		rc = eseal_buf_put(der_out, der, (size_t)n);
		OPENSSL_free(der);
	}
done:
	BIO_free(bio);
	X509_EXTENSION_free(aki);
	EVP_MD_CTX_free(mctx);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t1);
	ASN1_TIME_free(t2);
	X509_CRL_free(crl);
	return rc;
}
