/*
 * verify.c - SM2 signature verification with our own arithmetic: s*G from
 * the generator's comb table plus t*P (wNAF, or the key's own comb table),
 * then r == (e + x1) mod n checked without an inversion. Everything here is
 * public, so it may branch; it must reject every malformed input (r or s
 * outside [1, n-1], t = 0, an invalid key, a sum at infinity).
 */
#include <string.h>

#include "crypto/sm2/sm2_int.h"
#include "crypto/sm2/sm2_own.h"
#include "eseal/common.h"

typedef unsigned __int128 u128;

int sm2_verify_point(const sm2_aff *pub, const sm2_comb *ptab, const uint8_t e[32],
		     const uint8_t rs[64])
{
	sm2_sc r, s, t, ev, c;
	uint8_t tb[32];
	sm2_jac A, B, R;
	sm2_fe z2, cm, x;

	sm2_sc_from_bytes_raw(r, rs);
	sm2_sc_from_bytes_raw(s, rs + 32);
	if (!sm2_sc_in_range(r) || !sm2_sc_in_range(s))
		return ESEAL_EVERIFY;
	sm2_sc_add(t, r, s);
	if (sm2_sc_is_zero(t))
		return ESEAL_EVERIFY;
	sm2_sc_to_bytes(tb, t);

	sm2_comb_mul_vt(&A, rs + 32, sm2_comb_g());
	if (ptab)
		sm2_comb_mul_vt(&B, tb, ptab);
	else
		sm2_pt_mul_vt(&B, tb, pub);
	sm2_pt_add_vt(&R, &A, &B);
	if (sm2_fe_is_zero(R.Z))
		return ESEAL_EVERIFY;

	/* x1 = X/Z^2 must be = r - e (mod n): x1 is that value c, or c + n when
	 * c + n < p. Compare X with c*Z^2 instead of inverting Z. */
	sm2_sc_from_bytes_raw(ev, e);
	sm2_sc_reduce_once(ev, ev);
	sm2_sc_sub(c, r, ev);
	sm2_fe_sqr(z2, R.Z);
	sm2_fe_to_mont(cm, c);
	sm2_fe_mul(x, cm, z2);
	if (sm2_fe_eq(x, R.X))
		return 0;
	{
		uint64_t cn[4], carry = 0, b = 0;
		for (int i = 0; i < 4; i++) {
			u128 v = (u128)c[i] + sm2_n[i] + carry;
			cn[i] = (uint64_t)v;
			carry = (uint64_t)(v >> 64);
		}
		for (int i = 0; i < 4; i++) {
			u128 v = (u128)cn[i] - sm2_p[i] - b;
			b = (uint64_t)(v >> 64) & 1;
		}
		if (carry || !b)     /* c + n >= p: not a field element */
			return ESEAL_EVERIFY;
		sm2_fe_to_mont(cm, cn);
		sm2_fe_mul(x, cm, z2);
		if (sm2_fe_eq(x, R.X))
			return 0;
	}
	return ESEAL_EVERIFY;
}

int eseal_sm2own_pubkey_check(const uint8_t pub[64])
{
	sm2_aff a;

	if (sm2_pt_from_bytes(&a, pub) != 0)
		return eseal_error_set(ESEAL_EINVAL, "SM2 public key is not a point on the curve");
	return 0;
}

int eseal_sm2own_verify(const uint8_t pub[64], const uint8_t e[32], const uint8_t rs[64])
{
	sm2_aff a;

	if (sm2_pt_from_bytes(&a, pub) != 0)
		return eseal_error_set(ESEAL_EINVAL, "SM2 public key is not a point on the curve");
	if (sm2_verify_point(&a, NULL, e, rs) != 0)
		return eseal_error_set(ESEAL_EVERIFY, "SM2 signature does not verify");
	return 0;
}
