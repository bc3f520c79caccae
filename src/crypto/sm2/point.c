/*
 * point.c - SM2 curve points (y^2 = x^3 - 3x + b) in Jacobian coordinates.
 * sm2_pt_dbl and sm2_pt_madd_raw are branch-free and used with secret
 * scalars; the *_vt functions handle every special case with branches and
 * must only ever see public points (verification, public-key tables).
 */
#include <string.h>

#include "crypto/sm2/sm2_int.h"

const sm2_aff sm2_g = {
	{ 0x61328990f418029eULL, 0x3e7981eddca6c050ULL, 0xd6a1ed99ac24c3c3ULL, 0x91167a5ee1c13b05ULL },
	{ 0xc1354e593c2d0dddULL, 0xc1f5e5788d3295faULL, 0x8d4cfb066e2a48f8ULL, 0x63cd65d481d735bdULL },
};

/* dbl-2001-b for a = -3: 3M + 5S. Infinity (Z = 0) stays infinity. */
void sm2_pt_dbl(sm2_jac *r, const sm2_jac *a)
{
	sm2_fe delta, gamma, beta, alpha, t1, t2;

	sm2_fe_sqr(delta, a->Z);
	sm2_fe_sqr(gamma, a->Y);
	sm2_fe_mul(beta, a->X, gamma);
	sm2_fe_sub(t1, a->X, delta);
	sm2_fe_add(t2, a->X, delta);
	sm2_fe_mul(t1, t1, t2);
	sm2_fe_mul_small(alpha, t1, 3);         /* 3(X-delta)(X+delta) */
	sm2_fe_add(t1, a->Y, a->Z);
	sm2_fe_sqr(t1, t1);
	sm2_fe_sub(t1, t1, gamma);
	sm2_fe_sub(r->Z, t1, delta);            /* (Y+Z)^2 - gamma - delta */
	sm2_fe_mul_small(beta, beta, 4);
	sm2_fe_sqr(t1, alpha);
	sm2_fe_add(t2, beta, beta);
	sm2_fe_sub(r->X, t1, t2);               /* alpha^2 - 8 beta */
	sm2_fe_sub(t1, beta, r->X);
	sm2_fe_mul(t1, t1, alpha);
	sm2_fe_sqr(gamma, gamma);
	sm2_fe_mul_small(gamma, gamma, 8);      /* 8 gamma^2 */
	sm2_fe_sub(r->Y, t1, gamma);
}

/* Mixed addition (8M + 3S), no special cases. */
void sm2_pt_madd_raw(sm2_jac *r, const sm2_jac *a, const sm2_aff *b)
{
	sm2_fe z2, h, rr, hh, hhh, v, t;

	sm2_fe_sqr(z2, a->Z);
	sm2_fe_mul(t, z2, a->Z);
	sm2_fe_mul(z2, z2, b->x);               /* U2 */
	sm2_fe_mul(t, t, b->y);                 /* S2 */
	sm2_fe_sub(h, z2, a->X);
	sm2_fe_sub(rr, t, a->Y);
	sm2_fe_sqr(hh, h);
	sm2_fe_mul(hhh, hh, h);
	sm2_fe_mul(v, hh, a->X);
	sm2_fe_mul(t, a->Y, hhh);               /* Y1 * H^3, before r->Y is written */
	sm2_fe_mul(r->Z, a->Z, h);
	sm2_fe_sqr(z2, rr);
	sm2_fe_sub(z2, z2, hhh);
	sm2_fe_sub(z2, z2, v);
	sm2_fe_sub(r->X, z2, v);
	sm2_fe_sub(v, v, r->X);
	sm2_fe_mul(v, v, rr);
	sm2_fe_sub(r->Y, v, t);
}

static int is_inf_vt(const sm2_jac *a)
{
	return (a->Z[0] | a->Z[1] | a->Z[2] | a->Z[3]) == 0;
}

static int fe_is_zero_vt(const sm2_fe a)
{
	return (a[0] | a[1] | a[2] | a[3]) == 0;
}

void sm2_pt_add_vt(sm2_jac *r, const sm2_jac *a, const sm2_jac *b)
{
	sm2_fe z1z1, z2z2, u1, u2, s1, s2, h, rr, hh, hhh, v, t;

	if (is_inf_vt(a)) {
		*r = *b;
		return;
	}
	if (is_inf_vt(b)) {
		*r = *a;
		return;
	}
	sm2_fe_sqr(z1z1, a->Z);
	sm2_fe_sqr(z2z2, b->Z);
	sm2_fe_mul(u1, a->X, z2z2);
	sm2_fe_mul(u2, b->X, z1z1);
	sm2_fe_mul(s1, a->Y, b->Z);
	sm2_fe_mul(s1, s1, z2z2);
	sm2_fe_mul(s2, b->Y, a->Z);
	sm2_fe_mul(s2, s2, z1z1);
	sm2_fe_sub(h, u2, u1);
	sm2_fe_sub(rr, s2, s1);
	if (fe_is_zero_vt(h)) {
		if (fe_is_zero_vt(rr)) {
			sm2_pt_dbl(r, a);
		} else {
			memset(r, 0, sizeof *r);
		}
		return;
	}
	sm2_fe_sqr(hh, h);
	sm2_fe_mul(hhh, hh, h);
	sm2_fe_mul(v, u1, hh);
	sm2_fe_mul(t, a->Z, b->Z);
	sm2_fe_mul(r->Z, t, h);
	sm2_fe_mul(s1, s1, hhh);
	sm2_fe_sqr(t, rr);
	sm2_fe_sub(t, t, hhh);
	sm2_fe_sub(t, t, v);
	sm2_fe_sub(r->X, t, v);
	sm2_fe_sub(v, v, r->X);
	sm2_fe_mul(v, v, rr);
	sm2_fe_sub(r->Y, v, s1);
}

void sm2_pt_madd_vt(sm2_jac *r, const sm2_jac *a, const sm2_aff *b)
{
	sm2_fe z2, t, h, rr;

	if (is_inf_vt(a)) {
		memcpy(r->X, b->x, sizeof r->X);
		memcpy(r->Y, b->y, sizeof r->Y);
		memcpy(r->Z, sm2_fe_one, sizeof r->Z);
		return;
	}
	sm2_fe_sqr(z2, a->Z);
	sm2_fe_mul(t, z2, a->Z);
	sm2_fe_mul(z2, z2, b->x);
	sm2_fe_mul(t, t, b->y);
	sm2_fe_sub(h, z2, a->X);
	sm2_fe_sub(rr, t, a->Y);
	if (fe_is_zero_vt(h)) {
		if (fe_is_zero_vt(rr))
			sm2_pt_dbl(r, a);
		else
			memset(r, 0, sizeof *r);
		return;
	}
	sm2_pt_madd_raw(r, a, b);
}

void sm2_pt_to_affine(sm2_aff *r, const sm2_jac *a)
{
	sm2_fe zi, zi2;

	sm2_fe_inv(zi, a->Z);
	sm2_fe_sqr(zi2, zi);
	sm2_fe_mul(r->x, a->X, zi2);
	sm2_fe_mul(zi2, zi2, zi);
	sm2_fe_mul(r->y, a->Y, zi2);
}

uint64_t sm2_pt_on_curve(const sm2_aff *a)
{
	sm2_fe lhs, rhs, t;

	sm2_fe_sqr(lhs, a->y);
	sm2_fe_sqr(rhs, a->x);
	sm2_fe_mul(rhs, rhs, a->x);
	sm2_fe_add(t, a->x, a->x);
	sm2_fe_add(t, t, a->x);
	sm2_fe_sub(rhs, rhs, t);
	sm2_fe_add(rhs, rhs, sm2_fe_b);
	return sm2_fe_eq(lhs, rhs);
}

int sm2_pt_from_bytes(sm2_aff *r, const uint8_t in[64])
{
	uint64_t ok = sm2_fe_from_bytes(r->x, in) & sm2_fe_from_bytes(r->y, in + 32);
	ok &= sm2_pt_on_curve(r);
	return ok ? 0 : -1;
}

void sm2_pt_to_bytes(uint8_t out[64], const sm2_aff *a)
{
	sm2_fe_to_bytes(out, a->x);
	sm2_fe_to_bytes(out + 32, a->y);
}

/* Width-5 NAF of a public 256-bit scalar: digits odd in [-15, 15] or 0.
 * Returns the number of digits. */
static int wnaf5(int8_t out[258], const uint8_t k[32])
{
	uint64_t w[5] = { 0 };
	int n = 0;

	for (int i = 0; i < 32; i++)
		w[(31 - i) / 8] |= (uint64_t)k[i] << (8 * ((31 - i) % 8));
	while (w[0] | w[1] | w[2] | w[3] | w[4]) {
		int d = 0;
		if (w[0] & 1) {
			d = (int)(w[0] & 31);
			if (d >= 16)
				d -= 32;
			/* w -= d */
			if (d > 0) {
				w[0] -= (uint64_t)d;  /* low bits equal d: no borrow */
			} else {
				uint64_t add = (uint64_t)(-d), c;
				w[0] += add;
				c = w[0] < add;
				for (int i = 1; i < 5 && c; i++) {
					w[i] += 1;
					c = w[i] == 0;
				}
			}
		}
		out[n++] = (int8_t)d;
		for (int i = 0; i < 4; i++)
			w[i] = (w[i] >> 1) | (w[i + 1] << 63);
		w[4] >>= 1;
	}
	return n;
}

void sm2_pt_mul_vt(sm2_jac *r, const uint8_t k[32], const sm2_aff *p)
{
	sm2_jac tbl[8], p2, acc;
	int8_t naf[258];
	int n = wnaf5(naf, k);

	memcpy(tbl[0].X, p->x, sizeof(sm2_fe));
	memcpy(tbl[0].Y, p->y, sizeof(sm2_fe));
	memcpy(tbl[0].Z, sm2_fe_one, sizeof(sm2_fe));
	sm2_pt_dbl(&p2, &tbl[0]);
	for (int i = 1; i < 8; i++)
		sm2_pt_add_vt(&tbl[i], &tbl[i - 1], &p2);
	memset(&acc, 0, sizeof acc);
	for (int i = n - 1; i >= 0; i--) {
		if (!is_inf_vt(&acc))
			sm2_pt_dbl(&acc, &acc);
		int d = naf[i];
		if (d > 0) {
			sm2_pt_add_vt(&acc, &acc, &tbl[d / 2]);
		} else if (d < 0) {
			sm2_jac neg = tbl[(-d) / 2];
			sm2_fe_neg(neg.Y, neg.Y);
			sm2_pt_add_vt(&acc, &acc, &neg);
		}
	}
	*r = acc;
}
