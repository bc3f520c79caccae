/*
 * keyctx.c - an SM2 key with its caches ((1+d)^-1, Z_A, an optional table
 * of multiples of the public key) and the Z_A / e = SM3(Z_A || M) helpers.
 * The private half is wiped when the key is freed and never leaves it.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/sm2/sm2_int.h"
#include "crypto/sm2/sm2_own.h"
#include "eseal/common.h"
#include "eseal/crypto.h"

struct eseal_sm2own_key {
	int has_priv;
	sm2_priv priv;
	sm2_aff pub;
	uint8_t pub_bytes[64];
	uint8_t za[32];
	sm2_comb *ptab;     /* NULL until eseal_sm2own_key_precompute */
};

/* a = p - 3, b, xG, yG of the recommended curve, big-endian. */
static const uint8_t curve_abg[128] = {
	0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC,
	0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7,
	0xF3, 0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93,
	0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
	0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
	0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
	0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0,
};

int eseal_sm2own_za(uint8_t za[32], const uint8_t pub[64], const void *id, size_t idlen)
{
	eseal_sm3_ctx *c;
	uint8_t entl[2];
	int rc;

	if (!id) {
		id = ESEAL_SM2OWN_DEFAULT_ID;
		idlen = strlen(ESEAL_SM2OWN_DEFAULT_ID);
	}
	if (idlen > 8191)
		return eseal_error_set(ESEAL_EINVAL, "SM2 ID longer than 8191 bytes");
	entl[0] = (uint8_t)((idlen * 8) >> 8);
	entl[1] = (uint8_t)(idlen * 8);
	if ((rc = eseal_sm3_new(&c)) != 0)
		return rc;
	eseal_sm3_update(c, entl, 2);
	eseal_sm3_update(c, id, idlen);
	eseal_sm3_update(c, curve_abg, sizeof curve_abg);
	eseal_sm3_update(c, pub, 64);
	eseal_sm3_final(c, za);
	eseal_sm3_free(c);
	return 0;
}

int eseal_sm2own_digest(uint8_t e[32], const uint8_t za[32], const void *msg, size_t len)
{
	eseal_sm3_ctx *c;
	int rc;

	if ((rc = eseal_sm3_new(&c)) != 0)
		return rc;
	eseal_sm3_update(c, za, 32);
	eseal_sm3_update(c, msg, len);
	eseal_sm3_final(c, e);
	eseal_sm3_free(c);
	return 0;
}

int eseal_sm2own_key_new(eseal_sm2own_key **out, const uint8_t d[32], const uint8_t pub[64],
			 const void *id, size_t idlen)
{
	eseal_sm2own_key *k;
	int rc;

	*out = NULL;
	if (!d && !pub)
		return eseal_error_set(ESEAL_EINVAL, "SM2 key needs a private or a public key");
	k = calloc(1, sizeof *k);
	if (!k)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (d) {
		if ((rc = sm2_priv_init(&k->priv, d)) != 0)
			goto fail;
		k->has_priv = 1;
		sm2_pub_from_scalar(&k->pub, d);
		sm2_pt_to_bytes(k->pub_bytes, &k->pub);
		SM2_DECLASSIFY(&k->pub, sizeof k->pub);   /* public by definition */
		SM2_DECLASSIFY(k->pub_bytes, 64);
		if (pub && eseal_ct_memcmp(pub, k->pub_bytes, 64) != 0) {
			rc = eseal_error_set(ESEAL_EINVAL, "SM2 public key does not match the private key");
			goto fail;
		}
	} else {
		if (sm2_pt_from_bytes(&k->pub, pub) != 0) {
			rc = eseal_error_set(ESEAL_EINVAL, "SM2 public key is not a point on the curve");
			goto fail;
		}
		memcpy(k->pub_bytes, pub, 64);
	}
	if ((rc = eseal_sm2own_za(k->za, k->pub_bytes, id, idlen)) != 0)
		goto fail;
	*out = k;
	return 0;
fail:
	eseal_sm2own_key_free(k);
	return rc;
}

int eseal_sm2own_key_precompute(eseal_sm2own_key *k)
{
	if (k->ptab)
		return 0;
	k->ptab = malloc(sizeof *k->ptab);
	if (!k->ptab)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	sm2_comb_build(k->ptab, &k->pub);
	return 0;
}

void eseal_sm2own_key_free(eseal_sm2own_key *k)
{
	if (!k)
		return;
	free(k->ptab);
	eseal_wipe(k, sizeof *k);
	free(k);
}

void eseal_sm2own_key_public(const eseal_sm2own_key *k, uint8_t pub[64])
{
	memcpy(pub, k->pub_bytes, 64);
}

const uint8_t *eseal_sm2own_key_za(const eseal_sm2own_key *k)
{
	return k->za;
}

int eseal_sm2own_key_sign(const eseal_sm2own_key *k, const uint8_t e[32], uint8_t rs[64])
{
	if (!k->has_priv)
		return eseal_error_set(ESEAL_EINVAL, "SM2 key has no private half");
	return sm2_sign_priv(&k->priv, e, NULL, rs);
}

int eseal_sm2own_key_verify(const eseal_sm2own_key *k, const uint8_t e[32], const uint8_t rs[64])
{
	if (sm2_verify_point(&k->pub, k->ptab, e, rs) != 0)
		return eseal_error_set(ESEAL_EVERIFY, "SM2 signature does not verify");
	return 0;
}

int eseal_sm2own_key_sign_msg(const eseal_sm2own_key *k, const void *msg, size_t len,
			      uint8_t rs[64])
{
	uint8_t e[32];
	int rc = eseal_sm2own_digest(e, k->za, msg, len);

	return rc ? rc : eseal_sm2own_key_sign(k, e, rs);
}

int eseal_sm2own_key_verify_msg(const eseal_sm2own_key *k, const void *msg, size_t len,
				const uint8_t rs[64])
{
	uint8_t e[32];
	int rc = eseal_sm2own_digest(e, k->za, msg, len);

	return rc ? rc : eseal_sm2own_key_verify(k, e, rs);
}
