/*
 * sm2_int.h - the pieces of our own SM2 below the API in sm2_own.h: field
 * elements mod p, scalars mod n, curve points and the comb tables. Internal to
 * src/crypto/sm2 (and its unit tests). Nothing here may branch on or index
 * memory by a secret unless its name ends in _vt (variable time, public data
 * only).
 */
#ifndef ESEAL_SM2_INT_H
#define ESEAL_SM2_INT_H

#include <stddef.h>
#include <stdint.h>

/* Field elements mod p: 4 little-endian 64-bit limbs, always fully reduced.
 * Unless a name says otherwise they are in Montgomery form (times 2^256). */
typedef uint64_t sm2_fe[4];
/* Scalars mod n: same layout; plain (not Montgomery) unless noted. */
typedef uint64_t sm2_sc[4];

extern const sm2_fe sm2_fe_one;    /* 1 in Montgomery form */
extern const sm2_fe sm2_fe_b;      /* curve b in Montgomery form */
extern const uint64_t sm2_p[4];
extern const uint64_t sm2_n[4];

/* Masks are all-ones (true) or zero (false). */
static inline uint64_t sm2_mask_nz(uint64_t x)
{
	return (uint64_t)0 - ((x | ((uint64_t)0 - x)) >> 63);
}
static inline uint64_t sm2_mask_eq(uint64_t a, uint64_t b)
{
	return ~sm2_mask_nz(a ^ b);
}

/* Stops the compiler from turning mask arithmetic back into branches. */
static inline uint64_t sm2_barrier(uint64_t x)
{
	__asm__("" : "+r"(x));
	return x;
}

/* Small, hot and inlined: add and subtract mod p. */
/* Add and subtract with carry: the x86-64 intrinsics give plain ADC/SBB
 * chains; elsewhere 128-bit arithmetic does the same. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(SM2_NO_ASM)
#include <x86intrin.h>
typedef unsigned char sm2_carry;
#define SM2_ADC(c, a, b, out) _addcarry_u64((c), (a), (b), (unsigned long long *)(out))
#define SM2_SBB(c, a, b, out) _subborrow_u64((c), (a), (b), (unsigned long long *)(out))
#else
typedef uint64_t sm2_carry;
static inline sm2_carry SM2_ADC(sm2_carry c, uint64_t a, uint64_t b, uint64_t *out)
{
	unsigned __int128 x = (unsigned __int128)a + b + c;
	*out = (uint64_t)x;
	return (sm2_carry)(x >> 64);
}
static inline sm2_carry SM2_SBB(sm2_carry c, uint64_t a, uint64_t b, uint64_t *out)
{
	unsigned __int128 x = (unsigned __int128)a - b - c;
	*out = (uint64_t)x;
	return (sm2_carry)((x >> 64) & 1);
}
#endif

/* r = t (5 words, t < 2p) mod p. */
static inline void sm2_fe_reduce5(sm2_fe r, uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3, uint64_t t4)
{
	uint64_t s0, s1, s2, s3, keep;
	sm2_carry b;

	b = SM2_SBB(0, t0, sm2_p[0], &s0);
	b = SM2_SBB(b, t1, sm2_p[1], &s1);
	b = SM2_SBB(b, t2, sm2_p[2], &s2);
	b = SM2_SBB(b, t3, sm2_p[3], &s3);
	/* t < p exactly when the subtraction borrowed past the fifth word. */
	keep = sm2_barrier((uint64_t)0 - ((uint64_t)b & ~t4 & 1));
	r[0] = (t0 & keep) | (s0 & ~keep);
	r[1] = (t1 & keep) | (s1 & ~keep);
	r[2] = (t2 & keep) | (s2 & ~keep);
	r[3] = (t3 & keep) | (s3 & ~keep);
}

static inline void sm2_fe_add(sm2_fe r, const sm2_fe a, const sm2_fe b)
{
	uint64_t t0, t1, t2, t3;
	sm2_carry c;

	c = SM2_ADC(0, a[0], b[0], &t0);
	c = SM2_ADC(c, a[1], b[1], &t1);
	c = SM2_ADC(c, a[2], b[2], &t2);
	c = SM2_ADC(c, a[3], b[3], &t3);
	sm2_fe_reduce5(r, t0, t1, t2, t3, c);
}

static inline void sm2_fe_sub(sm2_fe r, const sm2_fe a, const sm2_fe b)
{
	uint64_t t0, t1, t2, t3, m;
	sm2_carry c;

	c = SM2_SBB(0, a[0], b[0], &t0);
	c = SM2_SBB(c, a[1], b[1], &t1);
	c = SM2_SBB(c, a[2], b[2], &t2);
	c = SM2_SBB(c, a[3], b[3], &t3);
	m = sm2_barrier((uint64_t)0 - (uint64_t)c);
	/* Borrowed: add p back. */
	c = SM2_ADC(0, t0, sm2_p[0] & m, &r[0]);
	c = SM2_ADC(c, t1, sm2_p[1] & m, &r[1]);
	c = SM2_ADC(c, t2, sm2_p[2] & m, &r[2]);
	(void)SM2_ADC(c, t3, sm2_p[3] & m, &r[3]);
}

/* r = k*a mod p for a small k (2..8): one pass instead of repeated adds.
 * The fifth word t4 < 8 folds back as t4 * (2^256 mod p); the sum stays
 * below 2p, so one conditional subtraction finishes. */
static inline void sm2_fe_mul_small(sm2_fe r, const sm2_fe a, uint64_t k)
{
	unsigned __int128 x;
	uint64_t t0, t1, t2, t3, t4;
	sm2_carry c;

	x = (unsigned __int128)a[0] * k;
	t0 = (uint64_t)x;
	x = (unsigned __int128)a[1] * k + (uint64_t)(x >> 64);
	t1 = (uint64_t)x;
	x = (unsigned __int128)a[2] * k + (uint64_t)(x >> 64);
	t2 = (uint64_t)x;
	x = (unsigned __int128)a[3] * k + (uint64_t)(x >> 64);
	t3 = (uint64_t)x;
	t4 = (uint64_t)(x >> 64);
	/* 2^256 mod p = 2^224 + 2^96 - 2^64 + 1 = { 1, 2^32 - 1, 0, 2^32 } */
	c = SM2_ADC(0, t0, t4, &t0);
	c = SM2_ADC(c, t1, t4 * 0xffffffffULL, &t1);
	c = SM2_ADC(c, t2, 0, &t2);
	c = SM2_ADC(c, t3, t4 << 32, &t3);
	sm2_fe_reduce5(r, t0, t1, t2, t3, c);
}

void sm2_fe_neg(sm2_fe r, const sm2_fe a);
void sm2_fe_mul(sm2_fe r, const sm2_fe a, const sm2_fe b);
void sm2_fe_sqr(sm2_fe r, const sm2_fe a);
void sm2_fe_inv(sm2_fe r, const sm2_fe a);   /* a^(p-2); 0 -> 0 */
void sm2_fe_to_mont(sm2_fe r, const sm2_fe a);
void sm2_fe_from_mont(sm2_fe r, const sm2_fe a);
/* 32 big-endian bytes -> Montgomery form. Returns all-ones when the value
 * was < p, else zero (r then holds garbage). */
uint64_t sm2_fe_from_bytes(sm2_fe r, const uint8_t in[32]);
void sm2_fe_to_bytes(uint8_t out[32], const sm2_fe a);  /* from Montgomery form */
uint64_t sm2_fe_is_zero(const sm2_fe a);                /* mask */
uint64_t sm2_fe_eq(const sm2_fe a, const sm2_fe b);     /* mask */
/* r = mask ? a : r */
void sm2_fe_cmov(sm2_fe r, const sm2_fe a, uint64_t mask);
/* Name of the multiplier in use ("mulx/adx" or "portable"); for reports. */
const char *sm2_fe_impl(void);
/* Forces the portable multiplier (tests and benchmarks compare both; not
 * meant to be switched while other threads compute); 0 restores auto. */
void sm2_fe_force_portable(int on);

/* Scalars mod n. */
void sm2_sc_from_bytes_raw(sm2_sc r, const uint8_t in[32]);  /* no reduction */
void sm2_sc_to_bytes(uint8_t out[32], const sm2_sc a);
void sm2_sc_reduce_once(sm2_sc r, const sm2_sc a);   /* a < 2n -> a mod n */
uint64_t sm2_sc_in_range(const sm2_sc a);            /* mask: 1 <= a < n */
uint64_t sm2_sc_is_zero(const sm2_sc a);             /* mask */
uint64_t sm2_sc_lt_n(const sm2_sc a);                /* mask: a < n */
void sm2_sc_add(sm2_sc r, const sm2_sc a, const sm2_sc b);   /* mod n, inputs < n */
void sm2_sc_sub(sm2_sc r, const sm2_sc a, const sm2_sc b);
void sm2_sc_mont_mul(sm2_sc r, const sm2_sc a, const sm2_sc b); /* a*b/2^256 mod n */
void sm2_sc_to_mont(sm2_sc r, const sm2_sc a);
void sm2_sc_from_mont(sm2_sc r, const sm2_sc a);
void sm2_sc_inv(sm2_sc r, const sm2_sc a);   /* plain in, plain out; a^(n-2) */

/* Points: Jacobian (X/Z^2, Y/Z^3) and affine, coordinates in Montgomery form.
 * Jacobian Z = 0 is the point at infinity; affine has no infinity. */
typedef struct { sm2_fe X, Y, Z; } sm2_jac;
typedef struct { sm2_fe x, y; } sm2_aff;

extern const sm2_aff sm2_g;

void sm2_pt_dbl(sm2_jac *r, const sm2_jac *a);
/* a + b with b affine, no special cases: valid only when a != +-b and a is
 * not infinity (callers mask those cases). */
void sm2_pt_madd_raw(sm2_jac *r, const sm2_jac *a, const sm2_aff *b);
/* Full additions for public data: handle infinity, doubling and inverses. */
void sm2_pt_add_vt(sm2_jac *r, const sm2_jac *a, const sm2_jac *b);
void sm2_pt_madd_vt(sm2_jac *r, const sm2_jac *a, const sm2_aff *b);
/* Affine from Jacobian (constant time; infinity gives 0,0). */
void sm2_pt_to_affine(sm2_aff *r, const sm2_jac *a);
/* Mask: the affine point satisfies y^2 = x^3 - 3x + b. */
uint64_t sm2_pt_on_curve(const sm2_aff *a);
/* k*P for a public scalar k (32 big-endian bytes) and public point. */
void sm2_pt_mul_vt(sm2_jac *r, const uint8_t k[32], const sm2_aff *p);
/* 64 bytes x||y -> affine point; 0 when coordinates < p and on the curve. */
int sm2_pt_from_bytes(sm2_aff *r, const uint8_t in[64]);
void sm2_pt_to_bytes(uint8_t out[64], const sm2_aff *a);

/* Comb tables: 37 windows of 7 bits, each with j * 2^(7i) * base, j = 1..64,
 * affine. Booth-recoded digits in [-64, 64] pick one entry per window. */
#define SM2_COMB_WINDOWS 37
#define SM2_COMB_POINTS 64
typedef sm2_aff sm2_comb[SM2_COMB_WINDOWS][SM2_COMB_POINTS];

/* The generator's table, built once on first use (thread-safe). */
const sm2_comb *sm2_comb_g(void);
/* Builds a table for any base point (e.g. a public key to verify often). */
void sm2_comb_build(sm2_comb *t, const sm2_aff *base);
/* k*base, constant time in k (secret): every table entry is read. */
void sm2_comb_mul_ct(sm2_jac *r, const uint8_t k[32], const sm2_comb *t);
/* k*base for a public k (verification): branches on the digits. */
void sm2_comb_mul_vt(sm2_jac *r, const uint8_t k[32], const sm2_comb *t);

/* A private key ready to sign: d and (1+d)^-1, both in Montgomery form mod n. */
typedef struct { sm2_sc d_m, dinv_m; } sm2_priv;

/* 0, or ESEAL_EINVAL unless 1 <= d <= n-2 (checked in constant time). */
int sm2_priv_init(sm2_priv *p, const uint8_t d[32]);
/* Signs e; k NULL draws random nonces. */
int sm2_sign_priv(const sm2_priv *p, const uint8_t e[32], const uint8_t *k, uint8_t rs[64]);
/* Verifies with the public point and, when not NULL, its comb table. */
int sm2_verify_point(const sm2_aff *pub, const sm2_comb *ptab, const uint8_t e[32],
		     const uint8_t rs[64]);
/* pub = d*G (constant time in d). */
void sm2_pub_from_scalar(sm2_aff *pub, const uint8_t d[32]);

/*
 * Secret tracking for the constant-time test: when built with valgrind's
 * headers, values that are public by construction (a signature, a rejection
 * flag of a discarded nonce) are marked defined so memcheck does not report
 * the branches that legitimately use them. Outside valgrind these are a few
 * no-op instructions.
 */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define SM2_DECLASSIFY(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#endif
#endif
#ifndef SM2_DECLASSIFY
#define SM2_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif


#endif
