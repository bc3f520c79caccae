/*
 * comb.c - fixed-base scalar multiplication with precomputed tables: 37
 * windows of 7 bits, Booth-recoded digits in [-64, 64], one affine table entry
 * added per window and no doublings. sm2_comb_mul_ct reads every entry of
 * every window with masks and never branches on the scalar; it must be the
 * only path a secret scalar takes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sm2/sm2_int.h"

/* Replaces the Z of m Jacobian points by affine coordinates, one inversion
 * for all of them (Montgomery's trick). No Z may be zero. */
static void batch_to_affine(sm2_aff *out, const sm2_jac *in, sm2_fe *pref, int m)
{
	sm2_fe inv, zi, zi2;

	memcpy(pref[0], in[0].Z, sizeof(sm2_fe));
	for (int i = 1; i < m; i++)
		sm2_fe_mul(pref[i], pref[i - 1], in[i].Z);
	sm2_fe_inv(inv, pref[m - 1]);
	for (int i = m - 1; i >= 0; i--) {
		if (i > 0) {
			sm2_fe_mul(zi, inv, pref[i - 1]);
			sm2_fe_mul(inv, inv, in[i].Z);
		} else {
			memcpy(zi, inv, sizeof zi);
		}
		sm2_fe_sqr(zi2, zi);
		sm2_fe_mul(out[i].x, in[i].X, zi2);
		sm2_fe_mul(zi2, zi2, zi);
		sm2_fe_mul(out[i].y, in[i].Y, zi2);
	}
}

void sm2_comb_build(sm2_comb *t, const sm2_aff *base)
{
	/* 64 multiples of this window's base plus 2^7 times it (the next base). */
	sm2_jac pts[SM2_COMB_POINTS + 1];
	sm2_aff out[SM2_COMB_POINTS + 1];
	sm2_fe pref[SM2_COMB_POINTS + 1];
	sm2_aff b = *base;

	for (int w = 0; w < SM2_COMB_WINDOWS; w++) {
		memcpy(pts[0].X, b.x, sizeof(sm2_fe));
		memcpy(pts[0].Y, b.y, sizeof(sm2_fe));
		memcpy(pts[0].Z, sm2_fe_one, sizeof(sm2_fe));
		sm2_pt_dbl(&pts[1], &pts[0]);
		for (int j = 2; j < SM2_COMB_POINTS; j++)
			sm2_pt_madd_vt(&pts[j], &pts[j - 1], &b);
		sm2_pt_dbl(&pts[SM2_COMB_POINTS], &pts[SM2_COMB_POINTS - 1]);
		batch_to_affine(out, pts, pref, SM2_COMB_POINTS + 1);
		memcpy((*t)[w], out, sizeof(sm2_aff) * SM2_COMB_POINTS);
		b = out[SM2_COMB_POINTS];
	}
}

static sm2_comb g_table;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void g_init(void)
{
	sm2_comb_build(&g_table, &sm2_g);
}

const sm2_comb *sm2_comb_g(void)
{
	pthread_once(&g_once, g_init);
	return &g_table;
}

/* Booth digit of window w: sign (1 = negative) and magnitude 0..64, from
 * bits 7w-1 .. 7w+6 of the little-endian scalar kb. Branch-free. */
static inline void booth(const uint8_t kb[40], int w, unsigned *sign, unsigned *mag)
{
	unsigned v, t, s;

	if (w == 0) {
		v = ((unsigned)kb[0] << 1) & 0xff;
	} else {
		int pos = 7 * w - 1;
		v = (((unsigned)kb[pos / 8] | ((unsigned)kb[pos / 8 + 1] << 8)) >> (pos % 8)) & 0xff;
	}
	s = v >> 7;
	t = (v >> 1) + (v & 1);
	/* digit = t - 128*s; magnitude = s ? 128 - t : t */
	*mag = t ^ ((t ^ (128 - t)) & (0u - s));
	*sign = s;
}

static void scalar_le(uint8_t kb[40], const uint8_t k[32])
{
	memset(kb, 0, 40);
	for (int i = 0; i < 32; i++)
		kb[i] = k[31 - i];
}

/* Reads all 64 entries of a row and keeps entry idx-1 (none when idx = 0),
 * 16 bytes at a time with masks: the memory access pattern is the same for
 * every idx. */
typedef uint64_t sm2_v2 __attribute__((vector_size(16)));

static void scan_row(sm2_aff *out, const sm2_aff *row, unsigned idx)
{
	sm2_v2 a0 = { 0, 0 }, a1 = a0, a2 = a0, a3 = a0, e0, e1, e2, e3;

	for (int j = 0; j < SM2_COMB_POINTS; j++) {
		uint64_t m = sm2_barrier(sm2_mask_eq((uint64_t)j + 1, idx));
		sm2_v2 mv = { m, m };
		const unsigned char *p = (const unsigned char *)&row[j];
		memcpy(&e0, p, 16);
		memcpy(&e1, p + 16, 16);
		memcpy(&e2, p + 32, 16);
		memcpy(&e3, p + 48, 16);
		a0 |= e0 & mv;
		a1 |= e1 & mv;
		a2 |= e2 & mv;
		a3 |= e3 & mv;
	}
	unsigned char *o = (unsigned char *)out;
	memcpy(o, &a0, 16);
	memcpy(o + 16, &a1, 16);
	memcpy(o + 32, &a2, 16);
	memcpy(o + 48, &a3, 16);
}

void sm2_comb_mul_ct(sm2_jac *r, const uint8_t k[32], const sm2_comb *t)
{
	uint8_t kb[40];
	sm2_jac acc, sum;
	sm2_aff sel;
	sm2_fe ny;
	uint64_t acc_inf = ~(uint64_t)0;

	scalar_le(kb, k);
	memset(&acc, 0, sizeof acc);
	for (int w = 0; w < SM2_COMB_WINDOWS; w++) {
		unsigned sign, mag;
		const sm2_aff *row = (*t)[w];
		uint64_t zero;

		booth(kb, w, &sign, &mag);
		scan_row(&sel, row, mag);
		sm2_fe_neg(ny, sel.y);
		sm2_fe_cmov(sel.y, ny, (uint64_t)0 - sign);

		sm2_pt_madd_raw(&sum, &acc, &sel);
		/* acc at infinity: the sum is the table point itself */
		sm2_fe_cmov(sum.X, sel.x, acc_inf);
		sm2_fe_cmov(sum.Y, sel.y, acc_inf);
		sm2_fe_cmov(sum.Z, sm2_fe_one, acc_inf);
		/* digit 0: nothing to add */
		zero = sm2_mask_eq(mag, 0);
		sm2_fe_cmov(sum.X, acc.X, zero);
		sm2_fe_cmov(sum.Y, acc.Y, zero);
		sm2_fe_cmov(sum.Z, acc.Z, zero);
		acc = sum;
		acc_inf &= zero;
	}
	/* k = 0 gives infinity, as Z = 0 */
	sm2_fe_cmov(acc.Z, (const uint64_t[4]){ 0, 0, 0, 0 }, acc_inf);
	*r = acc;
	memset(kb, 0, sizeof kb);
	memset(&sel, 0, sizeof sel);
	__asm__ volatile("" : : "r"(kb), "r"(&sel) : "memory");
}

void sm2_comb_mul_vt(sm2_jac *r, const uint8_t k[32], const sm2_comb *t)
{
	uint8_t kb[40];
	sm2_jac acc;

	scalar_le(kb, k);
	memset(&acc, 0, sizeof acc);
	for (int w = 0; w < SM2_COMB_WINDOWS; w++) {
		unsigned sign, mag;
		booth(kb, w, &sign, &mag);
		if (mag == 0)
			continue;
		if (sign) {
			sm2_aff p = (*t)[w][mag - 1];
			sm2_fe_neg(p.y, p.y);
			sm2_pt_madd_vt(&acc, &acc, &p);
		} else {
			sm2_pt_madd_vt(&acc, &acc, &(*t)[w][mag - 1]);
		}
	}
	*r = acc;
}
