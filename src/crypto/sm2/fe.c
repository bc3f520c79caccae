/*
 * fe.c - arithmetic mod the SM2 prime p = 2^256 - 2^224 - 2^96 + 2^64 - 1 in
 * 4x64-bit Montgomery form. p = -1 mod 2^64, so the Montgomery factor for
 * each reduction step is simply the lowest word. Every function here is
 * constant time: no branch and no memory index depends on a value.
 */
#include "crypto/sm2/sm2_int.h"

typedef unsigned __int128 u128;

const uint64_t sm2_p[4] = {
	0xffffffffffffffffULL, 0xffffffff00000000ULL, 0xffffffffffffffffULL, 0xfffffffeffffffffULL
};
const sm2_fe sm2_fe_one = {
	0x0000000000000001ULL, 0x00000000ffffffffULL, 0x0000000000000000ULL, 0x0000000100000000ULL
};
const sm2_fe sm2_fe_b = {
	0x90d230632bc0dd42ULL, 0x71cf379ae9b537abULL, 0x527981505ea51c3cULL, 0x240fe188ba20e2c8ULL
};
/* 2^512 mod p, to enter Montgomery form. */
static const sm2_fe fe_rr = {
	0x0000000200000003ULL, 0x00000002ffffffffULL, 0x0000000100000001ULL, 0x0000000400000002ULL
};

#define P1 0xffffffff00000000ULL
#define P3 0xfffffffeffffffffULL

/* r = t (5 words, t < 2p) mod p. */
static inline void fe_reduce5(sm2_fe r, uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3, uint64_t t4)
{
	u128 x;
	uint64_t s0, s1, s2, s3, b, keep;

	x = (u128)t0 - sm2_p[0];
	s0 = (uint64_t)x; b = (uint64_t)(x >> 64) & 1;
	x = (u128)t1 - sm2_p[1] - b;
	s1 = (uint64_t)x; b = (uint64_t)(x >> 64) & 1;
	x = (u128)t2 - sm2_p[2] - b;
	s2 = (uint64_t)x; b = (uint64_t)(x >> 64) & 1;
	x = (u128)t3 - sm2_p[3] - b;
	s3 = (uint64_t)x; b = (uint64_t)(x >> 64) & 1;
	/* t < p exactly when the subtraction borrowed past the fifth word. */
	keep = sm2_barrier((uint64_t)0 - (b & ~t4 & 1));
	r[0] = (t0 & keep) | (s0 & ~keep);
	r[1] = (t1 & keep) | (s1 & ~keep);
	r[2] = (t2 & keep) | (s2 & ~keep);
	r[3] = (t3 & keep) | (s3 & ~keep);
}

void sm2_fe_add(sm2_fe r, const sm2_fe a, const sm2_fe b)
{
	u128 x;
	uint64_t t0, t1, t2, t3;

	x = (u128)a[0] + b[0];
	t0 = (uint64_t)x;
	x = (u128)a[1] + b[1] + (uint64_t)(x >> 64);
	t1 = (uint64_t)x;
	x = (u128)a[2] + b[2] + (uint64_t)(x >> 64);
	t2 = (uint64_t)x;
	x = (u128)a[3] + b[3] + (uint64_t)(x >> 64);
	t3 = (uint64_t)x;
	fe_reduce5(r, t0, t1, t2, t3, (uint64_t)(x >> 64));
}

void sm2_fe_sub(sm2_fe r, const sm2_fe a, const sm2_fe b)
{
	u128 x;
	uint64_t t0, t1, t2, t3, m;

	x = (u128)a[0] - b[0];
	t0 = (uint64_t)x;
	x = (u128)a[1] - b[1] - ((uint64_t)(x >> 64) & 1);
	t1 = (uint64_t)x;
	x = (u128)a[2] - b[2] - ((uint64_t)(x >> 64) & 1);
	t2 = (uint64_t)x;
	x = (u128)a[3] - b[3] - ((uint64_t)(x >> 64) & 1);
	t3 = (uint64_t)x;
	m = sm2_barrier((uint64_t)0 - ((uint64_t)(x >> 64) & 1));
	/* Borrowed: add p back. */
	x = (u128)t0 + (sm2_p[0] & m);
	r[0] = (uint64_t)x;
	x = (u128)t1 + (sm2_p[1] & m) + (uint64_t)(x >> 64);
	r[1] = (uint64_t)x;
	x = (u128)t2 + (sm2_p[2] & m) + (uint64_t)(x >> 64);
	r[2] = (uint64_t)x;
	x = (u128)t3 + (sm2_p[3] & m) + (uint64_t)(x >> 64);
	r[3] = (uint64_t)x;
}

void sm2_fe_neg(sm2_fe r, const sm2_fe a)
{
	static const sm2_fe zero = { 0, 0, 0, 0 };
	sm2_fe_sub(r, zero, a);
}

/* Montgomery multiplication, word by word (CIOS). With p = -1 mod 2^64 the
 * reduction factor m is the low word, and m*p0 + t0 = m*2^64. */
static void mul_portable(sm2_fe r, const sm2_fe a, const sm2_fe b)
{
	uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5, c, m;
	u128 x;

	for (int i = 0; i < 4; i++) {
		uint64_t ai = a[i];
		x = (u128)ai * b[0] + t0;
		t0 = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)ai * b[1] + t1 + c;
		t1 = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)ai * b[2] + t2 + c;
		t2 = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)ai * b[3] + t3 + c;
		t3 = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)t4 + c;
		t4 = (uint64_t)x; t5 = (uint64_t)(x >> 64);

		m = t0;
		x = (u128)m * P1 + t1 + m;
		t0 = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)m * 0xffffffffffffffffULL + t2 + c;
		t1 = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)m * P3 + t3 + c;
		t2 = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)t4 + c;
		t3 = (uint64_t)x;
		t4 = t5 + (uint64_t)(x >> 64);
	}
	fe_reduce5(r, t0, t1, t2, t3, t4);
}

/* Squaring: the cross products once, doubled, then the same reduction as
 * above done on the full 512-bit square. */
static void sqr_portable(sm2_fe r, const sm2_fe a)
{
	uint64_t t[8], c, m;
	u128 x;

	/* cross products a[i]*a[j], i < j */
	x = (u128)a[0] * a[1];
	t[1] = (uint64_t)x; c = (uint64_t)(x >> 64);
	x = (u128)a[0] * a[2] + c;
	t[2] = (uint64_t)x; c = (uint64_t)(x >> 64);
	x = (u128)a[0] * a[3] + c;
	t[3] = (uint64_t)x; t[4] = (uint64_t)(x >> 64);
	x = (u128)a[1] * a[2] + t[3];
	t[3] = (uint64_t)x; c = (uint64_t)(x >> 64);
	x = (u128)a[1] * a[3] + t[4] + c;
	t[4] = (uint64_t)x; t[5] = (uint64_t)(x >> 64);
	x = (u128)a[2] * a[3] + t[5];
	t[5] = (uint64_t)x; t[6] = (uint64_t)(x >> 64);
	/* double */
	t[7] = t[6] >> 63;
	t[6] = (t[6] << 1) | (t[5] >> 63);
	t[5] = (t[5] << 1) | (t[4] >> 63);
	t[4] = (t[4] << 1) | (t[3] >> 63);
	t[3] = (t[3] << 1) | (t[2] >> 63);
	t[2] = (t[2] << 1) | (t[1] >> 63);
	t[1] = t[1] << 1;
	/* add the squares a[i]^2 */
	x = (u128)a[0] * a[0];
	t[0] = (uint64_t)x; c = (uint64_t)(x >> 64);
	x = (u128)t[1] + c;
	t[1] = (uint64_t)x; c = (uint64_t)(x >> 64);
	for (int i = 1; i < 4; i++) {
		u128 sq = (u128)a[i] * a[i];
		x = (u128)t[2 * i] + (uint64_t)sq + c;
		t[2 * i] = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)t[2 * i + 1] + (uint64_t)(sq >> 64) + c;
		t[2 * i + 1] = (uint64_t)x; c = (uint64_t)(x >> 64);
	}
	/* Four reduction steps; the carries of the low half collect in c. */
	uint64_t hi = 0;
	for (int i = 0; i < 4; i++) {
		m = t[i];
		x = (u128)m * P1 + t[i + 1] + m;
		t[i + 1] = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)m * 0xffffffffffffffffULL + t[i + 2] + c;
		t[i + 2] = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)m * P3 + t[i + 3] + c;
		t[i + 3] = (uint64_t)x; c = (uint64_t)(x >> 64);
		x = (u128)t[i + 4] + c + hi;
		t[i + 4] = (uint64_t)x; hi = (uint64_t)(x >> 64);
	}
	/* hi holds carries that belong above t[7]: propagate them properly. */
	fe_reduce5(r, t[4], t[5], t[6], t[7], hi);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define SM2_HAVE_MULX 1
#include <immintrin.h>

/* The same algorithms with MULX (no flags clobbered) for CPUs with BMI2 and
 * ADX; chosen at run time. */
__attribute__((target("bmi2,adx")))
static void mul_mulx(sm2_fe r, const sm2_fe a, const sm2_fe b)
{
	unsigned long long t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5, m, lo, h0, h1, h2, h3;
	unsigned char cf, of;

	for (int i = 0; i < 4; i++) {
		unsigned long long ai = a[i];
		/* t += ai * b: low halves in the carry chain, high halves in the overflow chain */
		lo = _mulx_u64(ai, b[0], &h0);
		cf = _addcarryx_u64(0, t0, lo, &t0);
		lo = _mulx_u64(ai, b[1], &h1);
		cf = _addcarryx_u64(cf, t1, lo, &t1);
		lo = _mulx_u64(ai, b[2], &h2);
		cf = _addcarryx_u64(cf, t2, lo, &t2);
		lo = _mulx_u64(ai, b[3], &h3);
		cf = _addcarryx_u64(cf, t3, lo, &t3);
		cf = _addcarryx_u64(cf, t4, 0, &t4);
		t5 = cf;
		of = _addcarryx_u64(0, t1, h0, &t1);
		of = _addcarryx_u64(of, t2, h1, &t2);
		of = _addcarryx_u64(of, t3, h2, &t3);
		of = _addcarryx_u64(of, t4, h3, &t4);
		t5 += of;

		m = t0;
		/* (t + m*p) / 2^64, where t0 + m*p0 = m*2^64 carries m up. */
		{
			unsigned long long l1, l2, l3, hh1, hh2, hh3, u0, u1, u2, u3;
			l1 = _mulx_u64(m, P1, &hh1);
			l2 = _mulx_u64(m, 0xffffffffffffffffULL, &hh2);
			l3 = _mulx_u64(m, P3, &hh3);
			cf = _addcarryx_u64(0, t1, l1, &u0);
			cf = _addcarryx_u64(cf, t2, l2, &u1);
			cf = _addcarryx_u64(cf, t3, l3, &u2);
			cf = _addcarryx_u64(cf, t4, 0, &u3);
			t5 += cf;
			of = _addcarryx_u64(0, u0, m, &u0);
			of = _addcarryx_u64(of, u1, hh1, &u1);
			of = _addcarryx_u64(of, u2, hh2, &u2);
			of = _addcarryx_u64(of, u3, hh3, &u3);
			t5 += of;
			t0 = u0; t1 = u1; t2 = u2; t3 = u3; t4 = t5;
		}
	}
	fe_reduce5(r, t0, t1, t2, t3, t4);
}
#endif

static int fe_use_mulx = -1;

static inline int fe_pick(void)
{
	if (fe_use_mulx < 0) {
#ifdef SM2_HAVE_MULX
		__builtin_cpu_init();
		fe_use_mulx = __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("adx");
#else
		fe_use_mulx = 0;
#endif
	}
	return fe_use_mulx;
}

void sm2_fe_force_portable(int on)
{
	fe_use_mulx = on ? 0 : -1;
}

const char *sm2_fe_impl(void)
{
	return fe_pick() ? "mulx/adx" : "portable";
}

void sm2_fe_mul(sm2_fe r, const sm2_fe a, const sm2_fe b)
{
#ifdef SM2_HAVE_MULX
	if (fe_pick()) {
		mul_mulx(r, a, b);
		return;
	}
#endif
	mul_portable(r, a, b);
}

void sm2_fe_sqr(sm2_fe r, const sm2_fe a)
{
#ifdef SM2_HAVE_MULX
	if (fe_pick()) {
		mul_mulx(r, a, a);
		return;
	}
#endif
	sqr_portable(r, a);
}

static void fe_sqr_n(sm2_fe r, const sm2_fe a, int n)
{
	sm2_fe_sqr(r, a);
	while (--n > 0)
		sm2_fe_sqr(r, r);
}

/* a^(p-2) by a fixed addition chain. p-2 in bits, from the top: 31 ones, a
 * zero, 128 ones, 32 zeros, 62 ones, a zero, a one. aK = a^(2^K - 1). */
void sm2_fe_inv(sm2_fe r, const sm2_fe a)
{
	sm2_fe a2, a3, a6, a12, a15, a30, a31, a32, t;

	fe_sqr_n(t, a, 1);   sm2_fe_mul(a2, t, a);
	fe_sqr_n(t, a2, 1);  sm2_fe_mul(a3, t, a);
	fe_sqr_n(t, a3, 3);  sm2_fe_mul(a6, t, a3);
	fe_sqr_n(t, a6, 6);  sm2_fe_mul(a12, t, a6);
	fe_sqr_n(t, a12, 3); sm2_fe_mul(a15, t, a3);
	fe_sqr_n(t, a15, 15); sm2_fe_mul(a30, t, a15);
	fe_sqr_n(t, a30, 1); sm2_fe_mul(a31, t, a);
	fe_sqr_n(t, a31, 1); sm2_fe_mul(a32, t, a);

	fe_sqr_n(t, a31, 1);                      /* 31 ones, 0 */
	for (int i = 0; i < 4; i++) {             /* 128 ones */
		fe_sqr_n(t, t, 32);
		sm2_fe_mul(t, t, a32);
	}
	fe_sqr_n(t, t, 32);                       /* 32 zeros */
	fe_sqr_n(t, t, 31); sm2_fe_mul(t, t, a31); /* 62 ones */
	fe_sqr_n(t, t, 31); sm2_fe_mul(t, t, a31);
	fe_sqr_n(t, t, 1);                        /* 0 */
	fe_sqr_n(t, t, 1); sm2_fe_mul(r, t, a);   /* 1 */
}

void sm2_fe_to_mont(sm2_fe r, const sm2_fe a)
{
	sm2_fe_mul(r, a, fe_rr);
}

void sm2_fe_from_mont(sm2_fe r, const sm2_fe a)
{
	static const sm2_fe one = { 1, 0, 0, 0 };
	sm2_fe_mul(r, a, one);
}

uint64_t sm2_fe_from_bytes(sm2_fe r, const uint8_t in[32])
{
	sm2_fe t;
	uint64_t b = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t w = 0;
		for (int j = 0; j < 8; j++)
			w = (w << 8) | in[(3 - i) * 8 + j];
		t[i] = w;
	}
	for (int i = 0; i < 4; i++) {
		u128 x = (u128)t[i] - sm2_p[i] - b;
		b = (uint64_t)(x >> 64) & 1;
	}
	sm2_fe_to_mont(r, t);
	return (uint64_t)0 - b;
}

void sm2_fe_to_bytes(uint8_t out[32], const sm2_fe a)
{
	sm2_fe t;

	sm2_fe_from_mont(t, a);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 8; j++)
			out[(3 - i) * 8 + j] = (uint8_t)(t[i] >> (56 - 8 * j));
}

uint64_t sm2_fe_is_zero(const sm2_fe a)
{
	return ~sm2_mask_nz(a[0] | a[1] | a[2] | a[3]);
}

uint64_t sm2_fe_eq(const sm2_fe a, const sm2_fe b)
{
	return ~sm2_mask_nz((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]));
}

void sm2_fe_cmov(sm2_fe r, const sm2_fe a, uint64_t mask)
{
	mask = sm2_barrier(mask);
	for (int i = 0; i < 4; i++)
		r[i] = (r[i] & ~mask) | (a[i] & mask);
}
