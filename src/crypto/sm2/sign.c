/*
 * sign.c - SM2 key generation and signing with our own arithmetic.
 * s = (1+d)^-1 * (k - r*d) mod n with r = (e + x(kG)) mod n. d and k never
 * steer a branch or a memory index; the only values that do are public by
 * construction (the finished signature, the fact that a nonce was rejected)
 * and are marked so for the constant-time test. Secrets are wiped on return.
 */
#include <string.h>

#include "crypto/sm2/sm2_int.h"
#include "crypto/sm2/sm2_own.h"
#include "eseal/common.h"
#include "eseal/crypto.h"


void sm2_pub_from_scalar(sm2_aff *pub, const uint8_t d[32])
{
	sm2_jac p;

	sm2_comb_mul_ct(&p, d, sm2_comb_g());
	sm2_pt_to_affine(pub, &p);
	eseal_wipe(&p, sizeof p);
}

int sm2_priv_init(sm2_priv *p, const uint8_t d[32])
{
	sm2_sc dv, dp1;
	uint64_t ok;
	int bad;

	sm2_sc_from_bytes_raw(dv, d);
	ok = sm2_sc_in_range(dv);
	/* d + 1 < n too, or 1 + d has no inverse (d < n, so no overflow) */
	dp1[0] = dv[0]; dp1[1] = dv[1]; dp1[2] = dv[2]; dp1[3] = dv[3];
	{
		unsigned __int128 x; uint64_t c = 1;
		for (int i = 0; i < 4; i++) {
			x = (unsigned __int128)dp1[i] + c;
			dp1[i] = (uint64_t)x;
			c = (uint64_t)(x >> 64);
		}
	}
	ok &= sm2_sc_lt_n(dp1);
	bad = (int)(~ok & 1);
	SM2_DECLASSIFY(&bad, sizeof bad);
	if (bad) {
		eseal_wipe(dv, sizeof dv);
		eseal_wipe(dp1, sizeof dp1);
		return eseal_error_set(ESEAL_EINVAL, "SM2 private key out of range");
	}
	sm2_sc_to_mont(p->d_m, dv);
	sm2_sc_inv(dp1, dp1);
	sm2_sc_to_mont(p->dinv_m, dp1);
	eseal_wipe(dv, sizeof dv);
	eseal_wipe(dp1, sizeof dp1);
	return 0;
}

/* One attempt with nonce kb. Returns a mask that is all-ones when the
 * signature is usable; rs is written either way. */
static uint64_t sign_once(const sm2_priv *p, const uint8_t e[32], const uint8_t kb[32], uint8_t rs[64])
{
	sm2_sc k, r, s, ev, x1, t;
	sm2_jac P;
	sm2_fe zi, xa;
	uint64_t ok;

	sm2_sc_from_bytes_raw(k, kb);
	ok = sm2_sc_in_range(k);

	sm2_comb_mul_ct(&P, kb, sm2_comb_g());
	sm2_fe_inv(zi, P.Z);
	sm2_fe_sqr(zi, zi);
	sm2_fe_mul(xa, P.X, zi);
	sm2_fe_from_mont(x1, xa);           /* x1 < p < 2n */
	sm2_sc_reduce_once(x1, x1);
	sm2_sc_from_bytes_raw(ev, e);       /* e < 2^256 < 2n */
	sm2_sc_reduce_once(ev, ev);
	sm2_sc_add(r, ev, x1);
	ok &= ~sm2_sc_is_zero(r);
	sm2_sc_add(t, r, k);
	ok &= ~sm2_sc_is_zero(t);           /* r + k = n */

	sm2_sc_mont_mul(t, p->d_m, r);      /* r*d */
	sm2_sc_sub(t, k, t);
	sm2_sc_mont_mul(s, p->dinv_m, t);
	ok &= ~sm2_sc_is_zero(s);

	sm2_sc_to_bytes(rs, r);
	sm2_sc_to_bytes(rs + 32, s);
	eseal_wipe(k, sizeof k);
	eseal_wipe(t, sizeof t);
	eseal_wipe(&P, sizeof P);
	eseal_wipe(zi, sizeof zi);
	eseal_wipe(xa, sizeof xa);
	eseal_wipe(x1, sizeof x1);
	return ok;
}

int sm2_sign_priv(const sm2_priv *p, const uint8_t e[32], const uint8_t *k, uint8_t rs[64])
{
	uint8_t kb[32];
	int good;

	for (int tries = 0; tries < 64; tries++) {
		if (k) {
			memcpy(kb, k, 32);
		} else {
			int rc = eseal_random(kb, sizeof kb);
			if (rc)
				return rc;
		}
		good = (int)(sign_once(p, e, kb, rs) & 1);
		eseal_wipe(kb, sizeof kb);
		/* Whether a nonce was discarded says nothing about the one kept. */
		SM2_DECLASSIFY(&good, sizeof good);
		if (good) {
			SM2_DECLASSIFY(rs, 64);
			return 0;
		}
		memset(rs, 0, 64);
		if (k)
			return eseal_error_set(ESEAL_EINVAL, "SM2 nonce unusable (out of range, r = 0, r + k = n or s = 0)");
	}
	return eseal_error_set(ESEAL_ECRYPTO, "SM2 signing: no usable nonce");
}

int eseal_sm2own_pubkey(const uint8_t d[32], uint8_t pub[64])
{
	sm2_priv p;
	sm2_aff a;
	int rc = sm2_priv_init(&p, d);

	eseal_wipe(&p, sizeof p);
	if (rc)
		return rc;
	sm2_pub_from_scalar(&a, d);
	sm2_pt_to_bytes(pub, &a);
	SM2_DECLASSIFY(pub, 64);
	return 0;
}

int eseal_sm2own_keygen(uint8_t d[32], uint8_t pub[64])
{
	for (int tries = 0; tries < 64; tries++) {
		sm2_sc dv, dp1;
		uint64_t ok;
		int good, rc = eseal_random(d, 32);
		if (rc)
			return rc;
		sm2_sc_from_bytes_raw(dv, d);
		ok = sm2_sc_in_range(dv);
		sm2_sc_add(dp1, dv, (const uint64_t[4]){ 1, 0, 0, 0 });  /* d = n-1 -> 0 */
		ok &= ~sm2_sc_is_zero(dp1);
		good = (int)(ok & 1);
		eseal_wipe(dv, sizeof dv);
		eseal_wipe(dp1, sizeof dp1);
		SM2_DECLASSIFY(&good, sizeof good);
		if (good)
			return eseal_sm2own_pubkey(d, pub);
	}
	eseal_wipe(d, 32);
	return eseal_error_set(ESEAL_ECRYPTO, "SM2 key generation: no usable key");
}

int eseal_sm2own_sign_with_k(const uint8_t d[32], const uint8_t e[32], const uint8_t k[32],
			     uint8_t rs[64])
{
	sm2_priv p;
	int rc = sm2_priv_init(&p, d);

	if (rc == 0)
		rc = sm2_sign_priv(&p, e, k, rs);
	eseal_wipe(&p, sizeof p);
	return rc;
}

int eseal_sm2own_sign(const uint8_t d[32], const uint8_t e[32], uint8_t rs[64])
{
	sm2_priv p;
	int rc = sm2_priv_init(&p, d);

	if (rc == 0)
		rc = sm2_sign_priv(&p, e, NULL, rs);
	eseal_wipe(&p, sizeof p);
	return rc;
}
