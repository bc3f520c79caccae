/*
 * resign.c - puts eseal's own SM2 signature on certificates and CRLs.
 * OpenSSL builds and encodes them and signs once; for SM2 issuers the
 * signature value is then replaced by one from src/crypto/sm2 over the very
 * same to-be-signed bytes (SM3 with Z_A of ID 1234567812345678), and checked
 * by OpenSSL before it is kept, so both SM2 implementations agree on every
 * certificate we issue. With ESEAL_OPENSSL_SM2 this is a no-op.
 */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/key_internal.h"
#include "pki_internal.h"

#ifndef ESEAL_OPENSSL_SM2
/* OpenSSL's own SM2 check of the new value: the cross-check. */
static int openssl_agrees(EVP_PKEY *pk, const uint8_t *tbs, int n, const ASN1_BIT_STRING *bs)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = md && EVP_DigestVerifyInit(md, &pctx, EVP_sm3(), NULL, pk) == 1 &&
		 eseal_pkey_ctx_set_sm2_id(pctx, pk) == 0 &&
		 EVP_DigestVerify(md, ASN1_STRING_get0_data(bs), (size_t)ASN1_STRING_length(bs), tbs,
				  (size_t)n) == 1;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

static int put_sig(ASN1_BIT_STRING *bs, const eseal_key *signer, const uint8_t *tbs, int tbslen)
{
	eseal_buf sig = ESEAL_BUF_INIT;
	int rc = tbslen > 0 ? eseal_key_sign(signer, tbs, (size_t)tbslen, &sig)
			    : eseal_error_set(ESEAL_ECRYPTO, "cannot encode the to-be-signed part");
	if (!rc && !ASN1_BIT_STRING_set(bs, sig.data, (int)sig.len))
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (!rc) {
		/* a DER signature is whole octets: no unused bits */
		bs->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
		bs->flags |= ASN1_STRING_FLAG_BITS_LEFT;
	}
	eseal_buf_free(&sig);
	return rc;
}
#endif

int pki_resign_cert(X509 *x, const eseal_key *signer)
{
#ifdef ESEAL_OPENSSL_SM2
	(void)x, (void)signer;
	return 0;
#else
	if (eseal_key_get_type(signer) != ESEAL_KEY_SM2)
		return 0;
	const ASN1_BIT_STRING *bs;
	X509_get0_signature(&bs, NULL, x);
	unsigned char *tbs = NULL;
	int n = i2d_re_X509_tbs(x, &tbs);
	int rc = put_sig((ASN1_BIT_STRING *)bs, signer, tbs, n);
	if (!rc && !openssl_agrees(signer->pkey, tbs, n, bs))
		rc = eseal_error_set(ESEAL_ECRYPTO, "the certificate's SM2 signature does not verify");
	OPENSSL_free(tbs);
	return rc;
#endif
}

int pki_resign_crl(X509_CRL *c, const eseal_key *signer)
{
#ifdef ESEAL_OPENSSL_SM2
	(void)c, (void)signer;
	return 0;
#else
	if (eseal_key_get_type(signer) != ESEAL_KEY_SM2)
		return 0;
	const ASN1_BIT_STRING *bs;
	X509_CRL_get0_signature(c, &bs, NULL);
	unsigned char *tbs = NULL;
	int n = i2d_re_X509_CRL_tbs(c, &tbs);
	int rc = put_sig((ASN1_BIT_STRING *)bs, signer, tbs, n);
	if (!rc && !openssl_agrees(signer->pkey, tbs, n, bs))
		rc = eseal_error_set(ESEAL_ECRYPTO, "the CRL's SM2 signature does not verify");
	OPENSSL_free(tbs);
	return rc;
#endif
}
