/*
 * sm2_key.c - building SM2 EVP_PKEYs from a raw scalar or point (the point
 * of a scalar computed by our own SM2 unless built with ESEAL_OPENSSL_SM2).
 * Must never accept a scalar outside [1, n-2] or a point off the curve, and
 * must wipe every copy of the scalar it makes.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "crypto/key_internal.h"
#include "crypto/sm2_internal.h"

const uint8_t eseal_sm2_order[32] = {
	0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0x72, 0x03, 0xDF, 0x6B, 0x21, 0xC6, 0x05, 0x2B, 0x53, 0xBB, 0xF4, 0x09, 0x39, 0xD5, 0x41, 0x23,
};
const uint8_t eseal_p256_order[32] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
};

static int fromdata(EVP_PKEY **out, OSSL_PARAM_BLD *bld, int selection)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
	int ok = params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
		 EVP_PKEY_fromdata(ctx, out, selection, params) == 1;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params); /* OSSL_PARAM_BLD clears secure BNs itself */
	return ok ? 0 : eseal_crypto_error(ESEAL_ECRYPTO, "building an SM2 key");
}

int eseal_sm2_pkey_from_point(EVP_PKEY **out, const uint8_t *pt, size_t len)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_sm2);
	EC_POINT *p = g ? EC_POINT_new(g) : NULL;
	OSSL_PARAM_BLD *bld = NULL;
	int rc;

	*out = NULL;
	/* EC_POINT_oct2point refuses points that are not on the curve. */
	if (!p || len == 0 || EC_POINT_oct2point(g, p, pt, len, NULL) != 1 ||
	    EC_POINT_is_at_infinity(g, p)) {
		rc = eseal_crypto_error(ESEAL_EFORMAT, "SM2 public point is not on the curve");
		goto done;
	}
	bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, len)) {
		rc = eseal_crypto_error(ESEAL_ENOMEM, "SM2 key parameters");
		goto done;
	}
	rc = fromdata(out, bld, EVP_PKEY_PUBLIC_KEY);
done:
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(p);
	EC_GROUP_free(g);
	return rc;
}

int eseal_sm2_pkey_from_private(EVP_PKEY **out, const uint8_t d[32])
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_sm2);
	EC_POINT *p = g ? EC_POINT_new(g) : NULL;
	BIGNUM *bd = BN_secure_new(), *lim = BN_new();
	OSSL_PARAM_BLD *bld = NULL;
	uint8_t pt[65];
	int rc;

	*out = NULL;
	if (!p || !bd || !lim || !BN_bin2bn(d, 32, bd) || !BN_bin2bn(eseal_sm2_order, 32, lim) ||
	    !BN_sub_word(lim, 1)) {
		rc = eseal_crypto_error(ESEAL_ENOMEM, "SM2 private key");
		goto done;
	}
	/* GB/T 32918.1: d in [1, n-2] (1 + d must be invertible mod n). */
	if (BN_is_zero(bd) || BN_cmp(bd, lim) >= 0) {
		rc = eseal_error_set(ESEAL_EINVAL, "SM2 private key out of range");
		goto done;
	}
#if ESEAL_OWN_SM2
	/* d*G with our constant-time comb */
	if (eseal_sm2own_pubkey(d, pt + 1) != 0) {
		rc = eseal_error_set(ESEAL_EINVAL, "SM2 private key out of range");
		goto done;
	}
	pt[0] = 0x04;
#else
	if (EC_POINT_mul(g, p, bd, NULL, NULL, NULL) != 1 ||
	    EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, pt, sizeof pt, NULL) != sizeof pt) {
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "SM2 public point");
		goto done;
	}
#endif
	bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bd)) {
		rc = eseal_crypto_error(ESEAL_ENOMEM, "SM2 key parameters");
		goto done;
	}
	rc = fromdata(out, bld, EVP_PKEY_KEYPAIR);
done:
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(bd);
	BN_free(lim);
	EC_POINT_free(p);
	EC_GROUP_free(g);
	return rc;
}
