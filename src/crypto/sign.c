/*
 * sign.c - signing and verification with eseal keys: SM2 with SM3 and the
 * default ID (eseal's own SM2 in src/crypto/sm2, or OpenSSL's when built
 * with ESEAL_OPENSSL_SM2), ECDSA P-256 with SHA-256, RSA PKCS#1 v1.5 with
 * SHA-256. Must never sign or verify SM2 without setting the ID (OpenSSL 3.0
 * would silently use an empty one), and never report success for anything
 * but a verified signature.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/rsa.h>

#include "crypto/key_internal.h"
#include "crypto/sm2_internal.h"

int eseal_pkey_ctx_set_sm2_id(EVP_PKEY_CTX *pctx, const EVP_PKEY *pkey)
{
	if (!EVP_PKEY_is_a(pkey, "SM2"))
		return 0;
	if (EVP_PKEY_CTX_set1_id(pctx, ESEAL_SM2_DEFAULT_ID, 16) <= 0)
		return eseal_crypto_error(ESEAL_ECRYPTO, "setting the SM2 ID");
	return 0;
}

static const EVP_MD *key_md(const eseal_key *k)
{
	return k->type == ESEAL_KEY_SM2 ? EVP_sm3() : EVP_sha256();
}

/*
 * OpenSSL 3.0 computes Z_A on the first update, from the ID on the signature
 * context. Passing the ID as a parameter to the _ex init is rejected by 3.0
 * (its init marks Z_A "pending" only after applying parameters), so the ID is
 * set on the context the init created, before any data is fed. Tests check the
 * result against GM/T 0003.5 vectors and the openssl command.
 */
int eseal_md_ctx_init(EVP_MD_CTX **out, const eseal_key *k, int verify)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int rc;

	*out = NULL;
	if (!m)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (verify == 0 && !k->has_private) {
		EVP_MD_CTX_free(m);
		return eseal_error_set(ESEAL_EINVAL, "signing needs a private key");
	}
	int ok = verify ? EVP_DigestVerifyInit(m, &pctx, key_md(k), NULL, k->pkey)
			: EVP_DigestSignInit(m, &pctx, key_md(k), NULL, k->pkey);
	if (ok == 1 && k->type == ESEAL_KEY_RSA &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0)
		ok = 0;
	if (ok != 1) {
		EVP_MD_CTX_free(m);
		return eseal_crypto_error(ESEAL_ECRYPTO, verify ? "verification setup" : "signing setup");
	}
	if (k->type == ESEAL_KEY_SM2) {
		rc = eseal_pkey_ctx_set_sm2_id(pctx, k->pkey);
		if (rc) {
			EVP_MD_CTX_free(m);
			return rc;
		}
	}
	*out = m;
	return 0;
}

/* SM2 with our own implementation: e is SM3(Z_A || M) for the key's cached
 * Z_A; the signature leaves as the same DER SEQUENCE{r,s} OpenSSL writes. */
static int own_sm2_sign(const eseal_key *k, const uint8_t e[32], eseal_buf *out)
{
	uint8_t rs[64];
	int rc;

	if (!k->has_private)
		return eseal_error_set(ESEAL_EINVAL, "signing needs a private key");
	rc = eseal_sm2own_key_sign(k->sm2, e, rs);
	if (!rc)
		rc = eseal_ec_sig_der(out, rs, rs + 32);
	return rc;
}

int eseal_key_sign(const eseal_key *k, const void *msg, size_t len, eseal_buf *out)
{
	if (k->sm2) {
		uint8_t e[32];
		int rc = eseal_sm2own_digest(e, eseal_sm2own_key_za(k->sm2), msg, len);
		return rc ? rc : own_sm2_sign(k, e, out);
	}

	EVP_MD_CTX *m;
	uint8_t sig[1024]; /* RSA up to 8192 bits */
	size_t siglen = sizeof sig;
	int rc = eseal_md_ctx_init(&m, k, 0);
	if (rc)
		return rc;
	if (EVP_DigestSign(m, NULL, &siglen, msg, len) != 1 || siglen > sizeof sig ||
	    EVP_DigestSign(m, sig, &siglen, msg, len) != 1)
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "signing");
	else
		rc = eseal_buf_put(out, sig, siglen);
	EVP_MD_CTX_free(m);
	return rc;
}

int eseal_key_sign_digest(const eseal_key *k, const uint8_t *dgst, size_t dlen, eseal_buf *out)
{
	EVP_PKEY_CTX *c;
	uint8_t sig[1024]; /* RSA up to 8192 bits */
	size_t siglen = sizeof sig;
	int rc = 0;

	if (!k->has_private)
		return eseal_error_set(ESEAL_EINVAL, "signing needs a private key");
	if (dlen != 32)
		return eseal_error_set(ESEAL_EINVAL, "digest must be 32 bytes, not %zu", dlen);
	if (k->sm2)
		return own_sm2_sign(k, dgst, out);
	c = EVP_PKEY_CTX_new(k->pkey, NULL);
	/* The SM2 provider signs e as given: the caller computed
	 * e = SM3(Z_A || M) with eseal_sm2_digest. */
	if (!c || EVP_PKEY_sign_init(c) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(c, key_md(k)) <= 0 ||
	    (k->type == ESEAL_KEY_RSA && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) <= 0) ||
	    EVP_PKEY_sign(c, NULL, &siglen, dgst, dlen) != 1 || siglen > sizeof sig ||
	    EVP_PKEY_sign(c, sig, &siglen, dgst, dlen) != 1)
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "signing a digest");
	else
		rc = eseal_buf_put(out, sig, siglen);
	EVP_PKEY_CTX_free(c);
	return rc;
}

int eseal_key_verify(const eseal_key *k, const void *msg, size_t len,
		     const uint8_t *sig, size_t siglen)
{
	eseal_buf der = ESEAL_BUF_INIT;
	EVP_MD_CTX *m;
	int rc;

	if (k->type == ESEAL_KEY_SM2 || k->type == ESEAL_KEY_EC_P256) {
		uint8_t r[32], s[32];
		int sm2 = k->type == ESEAL_KEY_SM2;
		rc = eseal_ec_sig_parse(r, s, sig, siglen, sm2 ? eseal_sm2_order : eseal_p256_order, sm2);
		if (rc == ESEAL_EFORMAT)
			rc = eseal_error_set(ESEAL_EVERIFY, "malformed signature value (%zu bytes)", siglen);
		if (!rc && k->sm2) {
			uint8_t rs[64];
			memcpy(rs, r, 32);
			memcpy(rs + 32, s, 32);
			rc = eseal_sm2own_key_verify_msg(k->sm2, msg, len, rs);
			if (rc == ESEAL_EVERIFY)
				rc = eseal_error_set(ESEAL_EVERIFY, "signature does not verify");
			return rc;
		}
		if (!rc)
			rc = eseal_ec_sig_der(&der, r, s);
		if (rc)
			return rc;
		sig = der.data;
		siglen = der.len;
	}
	rc = eseal_md_ctx_init(&m, k, 1);
	if (rc) {
		eseal_buf_free(&der);
		return rc;
	}
	int ok = EVP_DigestVerify(m, sig, siglen, msg, len);
	if (ok == 1) {
		rc = 0;
	} else if (ok == 0) {
		ERR_clear_error();
		rc = eseal_error_set(ESEAL_EVERIFY, "signature does not verify");
	} else {
		/* OpenSSL reports malformed signatures as errors, not as 0. */
		rc = eseal_crypto_error(ESEAL_EVERIFY, "signature does not verify");
	}
	EVP_MD_CTX_free(m);
	eseal_buf_free(&der);
	return rc;
}
