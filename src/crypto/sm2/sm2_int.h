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

void sm2_fe_add(sm2_fe r, const sm2_fe a, const sm2_fe b);
void sm2_fe_sub(sm2_fe r, const sm2_fe a, const sm2_fe b);
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
/* Forces the portable multiplier (tests compare both); 0 restores auto. */
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
/* k*base for a public k; adds into r when acc is non-NULL... see comb.c */
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

/* Stops the compiler from turning mask arithmetic back into branches. */
static inline uint64_t sm2_barrier(uint64_t x)
{
	__asm__("" : "+r"(x));
	return x;
}

#endif
