/*
 * key.c - eseal_key: SM2, P-256 and RSA keys held as OpenSSL EVP_PKEYs.
 * Must never accept a public key whose point is not on its curve, and never
 * leave a private scalar in memory it allocated.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "crypto/key_internal.h"
#include "crypto/sm2_internal.h"

/* Group name of an EC key ("SM2", "prime256v1"), or "" */
static void ec_group_name(const EVP_PKEY *pkey, char *name, size_t cap)
{
	size_t len = 0;
	name[0] = 0;
	if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name, cap, &len) != 1)
		name[0] = 0;
}

static int has_private(const EVP_PKEY *pkey, eseal_key_type type)
{
	BIGNUM *bn = NULL;
	int ok;
	if (type == ESEAL_KEY_RSA)
		ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_D, &bn) == 1;
	else
		ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1;
	BN_clear_free(bn);
	ERR_clear_error();
	return ok;
}

/*
 * Some OpenSSL paths hand back an SM2-curve key as a plain "EC" key, which
 * would then sign with ECDSA. Rebuild it as an "SM2" key from its public
 * point (private keys never take this path: they are generated or built here).
 */
static int ec_to_sm2(EVP_PKEY **pkey)
{
	uint8_t pt[65];
	size_t len = 0;
	EVP_PKEY *n = NULL;

	if (EVP_PKEY_get_octet_string_param(*pkey, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt, &len) != 1)
		return eseal_crypto_error(ESEAL_EFORMAT, "SM2 public key");
	int rc = eseal_sm2_pkey_from_point(&n, pt, len);
	if (rc)
		return rc;
	EVP_PKEY_free(*pkey);
	*pkey = n;
	return 0;
}

int eseal_key_wrap(eseal_key **out, EVP_PKEY *pkey)
{
	eseal_key *k;
	eseal_key_type type;
	char group[64];

	*out = NULL;
	if (!pkey)
		return eseal_error_set(ESEAL_EINVAL, "no key");
	if (EVP_PKEY_is_a(pkey, "SM2")) {
		type = ESEAL_KEY_SM2;
	} else if (EVP_PKEY_is_a(pkey, "EC")) {
		ec_group_name(pkey, group, sizeof group);
		if (!strcmp(group, "SM2")) {
			int rc = ec_to_sm2(&pkey);
			if (rc) {
				EVP_PKEY_free(pkey);
				return rc;
			}
			type = ESEAL_KEY_SM2;
		} else if (!strcmp(group, "prime256v1") || !strcmp(group, "P-256")) {
			type = ESEAL_KEY_EC_P256;
		} else {
			EVP_PKEY_free(pkey);
			return eseal_error_set(ESEAL_EUNSUPPORTED, "unsupported elliptic curve \"%s\"", group);
		}
	} else if (EVP_PKEY_is_a(pkey, "RSA")) {
		type = ESEAL_KEY_RSA;
		/* 1024-bit keys still occur in old third-party PDF signatures
		 * that we must be able to check; we only generate 2048. */
		if (EVP_PKEY_get_bits(pkey) < 1024) {
			int bits = EVP_PKEY_get_bits(pkey);
			EVP_PKEY_free(pkey);
			return eseal_error_set(ESEAL_EUNSUPPORTED, "RSA key of %d bits is too weak", bits);
		}
	} else {
		const char *name = EVP_PKEY_get0_type_name(pkey);
		eseal_error_set(ESEAL_EUNSUPPORTED, "unsupported key type \"%s\"", name ? name : "?");
		EVP_PKEY_free(pkey);
		return ESEAL_EUNSUPPORTED;
	}
	k = calloc(1, sizeof *k);
	if (!k) {
		EVP_PKEY_free(pkey);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	k->pkey = pkey;
	k->type = type;
	k->has_private = has_private(pkey, type);
	*out = k;
	return 0;
}

int eseal_key_generate(eseal_key **out, eseal_key_type type)
{
	EVP_PKEY *pkey = NULL;

	*out = NULL;
	switch (type) {
	case ESEAL_KEY_SM2:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
		break;
	case ESEAL_KEY_EC_P256:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case ESEAL_KEY_RSA:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		break;
	default:
		return eseal_error_set(ESEAL_EINVAL, "unknown key type %d", (int)type);
	}
	if (!pkey)
		return eseal_crypto_error(ESEAL_ECRYPTO, "key generation");
	return eseal_key_wrap(out, pkey);
}

/* Rejects keys whose public part is invalid (point off the curve, ...). */
static int check_public(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	int ok = c && EVP_PKEY_public_check(c) == 1;
	EVP_PKEY_CTX_free(c);
	if (!ok)
		return eseal_crypto_error(ESEAL_EFORMAT, "invalid public key");
	return 0;
}

static int wrap_public(eseal_key **out, EVP_PKEY *pkey)
{
	int rc = eseal_key_wrap(out, pkey);
	if (rc)
		return rc;
	rc = check_public((*out)->pkey);
	if (rc) {
		eseal_key_free(*out);
		*out = NULL;
	}
	return rc;
}

int eseal_key_from_spki(eseal_key **out, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey;

	*out = NULL;
	if (!der || len == 0 || len > 1 << 20)
		return eseal_error_set(ESEAL_EFORMAT, "empty or oversized SubjectPublicKeyInfo");
	pkey = d2i_PUBKEY(NULL, &p, (long)len);
	if (!pkey)
		return eseal_crypto_error(ESEAL_EFORMAT, "SubjectPublicKeyInfo");
	if (p != der + len) {
		EVP_PKEY_free(pkey);
		return eseal_error_set(ESEAL_EFORMAT, "SubjectPublicKeyInfo: %zu trailing bytes",
				       len - (size_t)(p - der));
	}
	return wrap_public(out, pkey);
}

int eseal_key_from_cert_der(eseal_key **out, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x;
	EVP_PKEY *pkey;

	*out = NULL;
	if (!der || len == 0 || len > 1 << 24)
		return eseal_error_set(ESEAL_EFORMAT, "empty or oversized certificate");
	x = d2i_X509(NULL, &p, (long)len);
	if (!x)
		return eseal_crypto_error(ESEAL_EFORMAT, "certificate");
	pkey = X509_get_pubkey(x);
	X509_free(x);
	if (!pkey)
		return eseal_crypto_error(ESEAL_EFORMAT, "certificate public key");
	return wrap_public(out, pkey);
}

int eseal_key_from_sm2_private(eseal_key **out, const uint8_t d[32])
{
	EVP_PKEY *pkey = NULL;
	int rc;

	*out = NULL;
	rc = eseal_sm2_pkey_from_private(&pkey, d);
	if (rc)
		return rc;
	return eseal_key_wrap(out, pkey);
}

eseal_key_type eseal_key_get_type(const eseal_key *k) { return k->type; }
int eseal_key_has_private(const eseal_key *k) { return k->has_private; }

int eseal_key_spki(const eseal_key *k, eseal_buf *out)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k->pkey, &der);
	if (n <= 0)
		return eseal_crypto_error(ESEAL_ECRYPTO, "encoding SubjectPublicKeyInfo");
	int rc = eseal_buf_put(out, der, (size_t)n);
	OPENSSL_free(der);
	return rc;
}

int eseal_key_public_point(const eseal_key *k, uint8_t out[65])
{
	BIGNUM *x = NULL, *y = NULL;
	int rc = 0;

	if (k->type != ESEAL_KEY_SM2 && k->type != ESEAL_KEY_EC_P256)
		return eseal_error_set(ESEAL_EINVAL, "not an elliptic-curve key");
	if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
	    EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1 ||
	    BN_bn2binpad(x, out + 1, 32) != 32 || BN_bn2binpad(y, out + 33, 32) != 32)
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "reading the public point");
	else
		out[0] = 0x04;
	BN_free(x);
	BN_free(y);
	return rc;
}

void eseal_key_free(eseal_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}
