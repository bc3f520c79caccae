/*
 * sm2_ossl.h - OpenSSL as the SM2 reference for the tests and benchmarks of
 * our own SM2 (src/crypto/sm2): raw 32-byte keys and 64-byte r || s to and
 * from EVP_PKEY and DER. Test code only; never used by the library.
 */
#ifndef ESEAL_TEST_SM2_OSSL_H
#define ESEAL_TEST_SM2_OSSL_H

#include <stdint.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

/* An SM2 EVP_PKEY from raw d (may be NULL) and x || y. */
static inline EVP_PKEY *ossl_sm2_key(const uint8_t *d, const uint8_t pub[64])
{
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *bn = NULL;
	uint8_t pt[65];

	pt[0] = 4;
	memcpy(pt + 1, pub, 64);
	if (!b || !OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pt, 65))
		goto out;
	if (d) {
		bn = BN_bin2bn(d, 32, NULL);
		if (!bn || !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, bn))
			goto out;
	}
	params = OSSL_PARAM_BLD_to_param(b);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	BN_clear_free(bn);
	return pkey;
}

/* A fresh OpenSSL SM2 key and its raw halves. */
static inline EVP_PKEY *ossl_sm2_keygen(uint8_t d[32], uint8_t pub[64])
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	BIGNUM *bn = NULL;
	uint8_t pt[65];
	size_t len = 0;

	if (!pkey)
		return NULL;
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1 ||
	    BN_bn2binpad(bn, d, 32) != 32 ||
	    EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt, &len) != 1 ||
	    len != 65 || pt[0] != 4) {
		BN_clear_free(bn);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	memcpy(pub, pt + 1, 64);
	BN_clear_free(bn);
	return pkey;
}

static inline int ossl_der_to_rs(const uint8_t *der, size_t len, uint8_t rs[64])
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	int ok;

	if (!sig)
		return -1;
	ok = BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, 32) == 32 &&
	     BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + 32, 32) == 32;
	ECDSA_SIG_free(sig);
	return ok ? 0 : -1;
}

/* DER of r || s; returns its length or -1. */
static inline int ossl_rs_to_der(const uint8_t rs[64], uint8_t *der)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(rs, 32, NULL), *s = BN_bin2bn(rs + 32, 32, NULL);
	unsigned char *p = der;
	int n = -1;

	if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
		r = s = NULL;
		n = i2d_ECDSA_SIG(sig, &p);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	return n;
}

/* Signs / verifies the digest e itself. verify: 1 valid, 0 not, -1 error. */
static inline int ossl_sm2_sign_e(EVP_PKEY *k, const uint8_t e[32], uint8_t rs[64])
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
	uint8_t der[80];
	size_t len = sizeof der;
	int rc = -1;

	if (c && EVP_PKEY_sign_init(c) == 1 && EVP_PKEY_sign(c, der, &len, e, 32) == 1)
		rc = ossl_der_to_rs(der, len, rs);
	EVP_PKEY_CTX_free(c);
	return rc;
}

static inline int ossl_sm2_verify_e(EVP_PKEY *k, const uint8_t e[32], const uint8_t rs[64])
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
	uint8_t der[80];
	int n = ossl_rs_to_der(rs, der), rc = -1;

	if (c && n > 0 && EVP_PKEY_verify_init(c) == 1)
		rc = EVP_PKEY_verify(c, der, (size_t)n, e, 32) == 1;
	EVP_PKEY_CTX_free(c);
	return rc;
}

/* Whole-message SM2 with the default ID, the way the library calls OpenSSL. */
static inline EVP_MD_CTX *ossl_sm2_mdctx(EVP_PKEY *k)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(k, NULL);

	if (!md || !pc || EVP_PKEY_CTX_set1_id(pc, "1234567812345678", 16) != 1) {
		EVP_MD_CTX_free(md);
		EVP_PKEY_CTX_free(pc);
		return NULL;
	}
	EVP_MD_CTX_set_pkey_ctx(md, pc);
	return md;
}

static inline void ossl_sm2_mdctx_free(EVP_MD_CTX *md)
{
	EVP_PKEY_CTX *pc = md ? EVP_MD_CTX_get_pkey_ctx(md) : NULL;
	EVP_MD_CTX_free(md);
	EVP_PKEY_CTX_free(pc);
}

static inline int ossl_sm2_sign_msg(EVP_PKEY *k, const void *msg, size_t mlen, uint8_t rs[64])
{
	EVP_MD_CTX *md = ossl_sm2_mdctx(k);
	uint8_t der[80];
	size_t len = sizeof der;
	int rc = -1;

	if (md && EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, k) == 1 &&
	    EVP_DigestSign(md, der, &len, msg, mlen) == 1)
		rc = ossl_der_to_rs(der, len, rs);
	ossl_sm2_mdctx_free(md);
	return rc;
}

static inline int ossl_sm2_verify_msg(EVP_PKEY *k, const void *msg, size_t mlen, const uint8_t rs[64])
{
	EVP_MD_CTX *md = ossl_sm2_mdctx(k);
	uint8_t der[80];
	int n = ossl_rs_to_der(rs, der), rc = -1;

	if (md && n > 0 && EVP_DigestVerifyInit(md, NULL, EVP_sm3(), NULL, k) == 1)
		rc = EVP_DigestVerify(md, der, (size_t)n, msg, mlen) == 1;
	ossl_sm2_mdctx_free(md);
	return rc;
}

#endif
