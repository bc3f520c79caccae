/*
 * sc.c - arithmetic mod the SM2 group order n (Montgomery multiplication,
 * Fermat inversion). Used for secret scalars (d, k, (1+d)^-1): no branch and
 * no memory index may depend on a value; only the public exponent n-2 steers
 * the inversion.
 */
#include "crypto/sm2/sm2_int.h"

typedef unsigned __int128 u128;

const uint64_t sm2_n[4] = {
	0x53bbf40939d54123ULL, 0x7203df6b21c6052bULL, 0xffffffffffffffffULL, 0xfffffffeffffffffULL
};
/* -n^-1 mod 2^64 */
#define N0 0x327f9e8872350975ULL
/* 2^512 mod n */
static const sm2_sc sc_rr = {
	0x901192af7c114f20ULL, 0x3464504ade6fa2faULL, 0x620fc84c3affe0d4ULL, 0x1eb5e412a22b3d3bULL
};

void sm2_sc_from_bytes_raw(sm2_sc r, const uint8_t in[32])
{
	for (int i = 0; i < 4; i++) {
		uint64_t w = 0;
		for (int j = 0; j < 8; j++)
			w = (w << 8) | in[(3 - i) * 8 + j];
		r[i] = w;
	}
}

void sm2_sc_to_bytes(uint8_t out[32], const sm2_sc a)
{
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 8; j++)
			out[(3 - i) * 8 + j] = (uint8_t)(a[i] >> (56 - 8 * j));
}

/* r = t - n when t (5 words) >= n, else t. */
static void sc_reduce5(sm2_sc r, const uint64_t t[4], uint64_t t4)
{
	uint64_t s[4], b = 0, keep;

	for (int i = 0; i < 4; i++) {
		u128 x = (u128)t[i] - sm2_n[i] - b;
		s[i] = (uint64_t)x;
		b = (uint64_t)(x >> 64) & 1;
	}
	keep = sm2_barrier((uint64_t)0 - (b & ~t4 & 1));
	for (int i = 0; i < 4; i++)
		r[i] = (t[i] & keep) | (s[i] & ~keep);
}

void sm2_sc_reduce_once(sm2_sc r, const sm2_sc a)
{
	uint64_t t[4] = { a[0], a[1], a[2], a[3] };
	sc_reduce5(r, t, 0);
}

uint64_t sm2_sc_lt_n(const sm2_sc a)
{
	uint64_t b = 0;
	for (int i = 0; i < 4; i++) {
		u128 x = (u128)a[i] - sm2_n[i] - b;
		b = (uint64_t)(x >> 64) & 1;
	}
	return (uint64_t)0 - b;
}

uint64_t sm2_sc_is_zero(const sm2_sc a)
{
	return ~sm2_mask_nz(a[0] | a[1] | a[2] | a[3]);
}

uint64_t sm2_sc_in_range(const sm2_sc a)
{
	return sm2_sc_lt_n(a) & ~sm2_sc_is_zero(a);
}

void sm2_sc_add(sm2_sc r, const sm2_sc a, const sm2_sc b)
{
	uint64_t t[4], c = 0;
	for (int i = 0; i < 4; i++) {
		u128 x = (u128)a[i] + b[i] + c;
		t[i] = (uint64_t)x;
		c = (uint64_t)(x >> 64);
	}
	sc_reduce5(r, t, c);
}

void sm2_sc_sub(sm2_sc r, const sm2_sc a, const sm2_sc b)
{
	uint64_t t[4], bo = 0, m, c = 0;
	for (int i = 0; i < 4; i++) {
		u128 x = (u128)a[i] - b[i] - bo;
		t[i] = (uint64_t)x;
		bo = (uint64_t)(x >> 64) & 1;
	}
	m = sm2_barrier((uint64_t)0 - bo);
	for (int i = 0; i < 4; i++) {
		u128 x = (u128)t[i] + (sm2_n[i] & m) + c;
		r[i] = (uint64_t)x;
		c = (uint64_t)(x >> 64);
	}
}

void sm2_sc_mont_mul(sm2_sc r, const sm2_sc a, const sm2_sc b)
{
	uint64_t t[6] = { 0 }, c, m;
	u128 x;

	for (int i = 0; i < 4; i++) {
		c = 0;
		for (int j = 0; j < 4; j++) {
			x = (u128)a[i] * b[j] + t[j] + c;
			t[j] = (uint64_t)x;
			c = (uint64_t)(x >> 64);
		}
		x = (u128)t[4] + c;
		t[4] = (uint64_t)x;
		t[5] = (uint64_t)(x >> 64);

		m = t[0] * N0;
		x = (u128)m * sm2_n[0] + t[0];
		c = (uint64_t)(x >> 64);
		for (int j = 1; j < 4; j++) {
			x = (u128)m * sm2_n[j] + t[j] + c;
			t[j - 1] = (uint64_t)x;
			c = (uint64_t)(x >> 64);
		}
		x = (u128)t[4] + c;
		t[3] = (uint64_t)x;
		t[4] = t[5] + (uint64_t)(x >> 64);
	}
	sc_reduce5(r, t, t[4]);
}

void sm2_sc_to_mont(sm2_sc r, const sm2_sc a)
{
	sm2_sc_mont_mul(r, a, sc_rr);
}

void sm2_sc_from_mont(sm2_sc r, const sm2_sc a)
{
	static const sm2_sc one = { 1, 0, 0, 0 };
	sm2_sc_mont_mul(r, a, one);
}

/* a^(n-2) with 4-bit fixed windows. The window values come from the public
 * exponent, so indexing the power table by them leaks nothing about a. */
void sm2_sc_inv(sm2_sc r, const sm2_sc a)
{
	sm2_sc pw[16], acc;
	uint64_t e[4] = { sm2_n[0] - 2, sm2_n[1], sm2_n[2], sm2_n[3] };

	sm2_sc_to_mont(pw[1], a);
	sm2_sc_to_mont(pw[0], (const uint64_t[4]){ 1, 0, 0, 0 });
	for (int i = 2; i < 16; i++)
		sm2_sc_mont_mul(pw[i], pw[i - 1], pw[1]);
	for (int i = 0; i < 4; i++)
		acc[i] = pw[0][i];
	for (int bit = 252; bit >= 0; bit -= 4) {
		if (bit != 252)
			for (int s = 0; s < 4; s++)
				sm2_sc_mont_mul(acc, acc, acc);
		unsigned w = (unsigned)(e[bit / 64] >> (bit % 64)) & 15;
		sm2_sc_mont_mul(acc, acc, pw[w]);
	}
	sm2_sc_from_mont(r, acc);
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 4; j++)
			pw[i][j] = 0;
	__asm__ volatile("" : : "r"(pw) : "memory");
}
