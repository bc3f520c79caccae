/*
 * fe.c - arithmetic mod the SM2 prime p = 2^256 - 2^224 - 2^96 + 2^64 - 1 in
 * 4x64-bit Montgomery form. p = -1 mod 2^64, so the Montgomery factor for
 * each reduction step is simply the lowest word. Every function here is
 * constant time: no branch and no memory index depends on a value.
 */
#include "crypto/sm2/sm2_int.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

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
	sm2_fe_reduce5(r, t0, t1, t2, t3, t4);
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
	sm2_fe_reduce5(r, t[4], t[5], t[6], t[7], hi);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define SM2_HAVE_MULX 1

/* The same Montgomery multiplication with MULX and two independent carry
 * chains (ADCX on CF, ADOX on OF) for CPUs with BMI2 and ADX; chosen at run
 * time. Rows rotate through r8..r13; the fifth output word is the carry. */
static void mul_mulx(sm2_fe r, const sm2_fe a, const sm2_fe b)
{
	__asm__ volatile(
		"xorq %%r8, %%r8\n\t"
		"xorq %%r9, %%r9\n\t"
		"xorq %%r10, %%r10\n\t"
		"xorq %%r11, %%r11\n\t"
		"xorq %%r12, %%r12\n\t"
		"xorq %%r13, %%r13\n\t"
		"movq 0(%[a]), %%rdx\n\t"
		"xorl %%eax, %%eax\n\t"
		"mulxq 0(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r8\n\t"
		"adoxq %%rbx, %%r9\n\t"
		"mulxq 8(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r9\n\t"
		"adoxq %%rbx, %%r10\n\t"
		"mulxq 16(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r10\n\t"
		"adoxq %%rbx, %%r11\n\t"
		"mulxq 24(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r11\n\t"
		"adoxq %%rbx, %%r12\n\t"
		"adcxq %%r13, %%r12\n\t"
		"adoxq %%r13, %%r13\n\t"
		"adcq $0, %%r13\n\t"
		"movq %%r8, %%rax\n\t"
		"shlq $32, %%rax\n\t"
		"movq %%r8, %%rbx\n\t"
		"shrq $32, %%rbx\n\t"
		"addq %%r8, %%r9\n\t"
		"adcq $0, %%r10\n\t"
		"adcq $0, %%r11\n\t"
		"adcq %%r8, %%r12\n\t"
		"adcq $0, %%r13\n\t"
		"subq %%rax, %%r9\n\t"
		"sbbq %%rbx, %%r10\n\t"
		"sbbq %%rax, %%r11\n\t"
		"sbbq %%rbx, %%r12\n\t"
		"sbbq $0, %%r13\n\t"
		"movq 8(%[a]), %%rdx\n\t"
		"xorq %%r8, %%r8\n\t"
		"mulxq 0(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r9\n\t"
		"adoxq %%rbx, %%r10\n\t"
		"mulxq 8(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r10\n\t"
		"adoxq %%rbx, %%r11\n\t"
		"mulxq 16(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r11\n\t"
		"adoxq %%rbx, %%r12\n\t"
		"mulxq 24(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r12\n\t"
		"adoxq %%rbx, %%r13\n\t"
		"adcxq %%r8, %%r13\n\t"
		"adoxq %%r8, %%r8\n\t"
		"adcq $0, %%r8\n\t"
		"movq %%r9, %%rax\n\t"
		"shlq $32, %%rax\n\t"
		"movq %%r9, %%rbx\n\t"
		"shrq $32, %%rbx\n\t"
		"addq %%r9, %%r10\n\t"
		"adcq $0, %%r11\n\t"
		"adcq $0, %%r12\n\t"
		"adcq %%r9, %%r13\n\t"
		"adcq $0, %%r8\n\t"
		"subq %%rax, %%r10\n\t"
		"sbbq %%rbx, %%r11\n\t"
		"sbbq %%rax, %%r12\n\t"
		"sbbq %%rbx, %%r13\n\t"
		"sbbq $0, %%r8\n\t"
		"movq 16(%[a]), %%rdx\n\t"
		"xorq %%r9, %%r9\n\t"
		"mulxq 0(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r10\n\t"
		"adoxq %%rbx, %%r11\n\t"
		"mulxq 8(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r11\n\t"
		"adoxq %%rbx, %%r12\n\t"
		"mulxq 16(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r12\n\t"
		"adoxq %%rbx, %%r13\n\t"
		"mulxq 24(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r13\n\t"
		"adoxq %%rbx, %%r8\n\t"
		"adcxq %%r9, %%r8\n\t"
		"adoxq %%r9, %%r9\n\t"
		"adcq $0, %%r9\n\t"
		"movq %%r10, %%rax\n\t"
		"shlq $32, %%rax\n\t"
		"movq %%r10, %%rbx\n\t"
		"shrq $32, %%rbx\n\t"
		"addq %%r10, %%r11\n\t"
		"adcq $0, %%r12\n\t"
		"adcq $0, %%r13\n\t"
		"adcq %%r10, %%r8\n\t"
		"adcq $0, %%r9\n\t"
		"subq %%rax, %%r11\n\t"
		"sbbq %%rbx, %%r12\n\t"
		"sbbq %%rax, %%r13\n\t"
		"sbbq %%rbx, %%r8\n\t"
		"sbbq $0, %%r9\n\t"
		"movq 24(%[a]), %%rdx\n\t"
		"xorq %%r10, %%r10\n\t"
		"mulxq 0(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r11\n\t"
		"adoxq %%rbx, %%r12\n\t"
		"mulxq 8(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r12\n\t"
		"adoxq %%rbx, %%r13\n\t"
		"mulxq 16(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r13\n\t"
		"adoxq %%rbx, %%r8\n\t"
		"mulxq 24(%[b]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r8\n\t"
		"adoxq %%rbx, %%r9\n\t"
		"adcxq %%r10, %%r9\n\t"
		"adoxq %%r10, %%r10\n\t"
		"adcq $0, %%r10\n\t"
		"movq %%r11, %%rax\n\t"
		"shlq $32, %%rax\n\t"
		"movq %%r11, %%rbx\n\t"
		"shrq $32, %%rbx\n\t"
		"addq %%r11, %%r12\n\t"
		"adcq $0, %%r13\n\t"
		"adcq $0, %%r8\n\t"
		"adcq %%r11, %%r9\n\t"
		"adcq $0, %%r10\n\t"
		"subq %%rax, %%r12\n\t"
		"sbbq %%rbx, %%r13\n\t"
		"sbbq %%rax, %%r8\n\t"
		"sbbq %%rbx, %%r9\n\t"
		"sbbq $0, %%r10\n\t"

		/* subtract p; keep the difference unless it borrowed (mask in r10) */
		"movq %%r12, %%rax\n\t"
		"movq %%r13, %%rbx\n\t"
		"movq %%r8, %%rdx\n\t"
		"movq %%r9, %%r11\n\t"
		"subq 0(%[p]), %%rax\n\t"
		"sbbq 8(%[p]), %%rbx\n\t"
		"sbbq 16(%[p]), %%rdx\n\t"
		"sbbq 24(%[p]), %%r11\n\t"
		"sbbq $0, %%r10\n\t"
		"sbbq %%r10, %%r10\n\t"
		"xorq %%rax, %%r12\n\t"
		"xorq %%rbx, %%r13\n\t"
		"xorq %%rdx, %%r8\n\t"
		"xorq %%r11, %%r9\n\t"
		"andq %%r10, %%r12\n\t"
		"andq %%r10, %%r13\n\t"
		"andq %%r10, %%r8\n\t"
		"andq %%r10, %%r9\n\t"
		"xorq %%r12, %%rax\n\t"
		"xorq %%r13, %%rbx\n\t"
		"xorq %%r8, %%rdx\n\t"
		"xorq %%r9, %%r11\n\t"
		"movq %%rax, 0(%[r])\n\t"
		"movq %%rbx, 8(%[r])\n\t"
		"movq %%rdx, 16(%[r])\n\t"
		"movq %%r11, 24(%[r])\n\t"
		:
		: [a] "r"(a), [b] "r"(b), [p] "r"(sm2_p), [r] "r"(r)
		: "rax", "rbx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "cc", "memory");
}

/* Squaring with MULX: the six cross products once, doubled, the four squares
 * added, then four reduction steps on the 512-bit square. */
static void sqr_mulx(sm2_fe r, const sm2_fe a)
{
	__asm__ volatile(
		"movq 0(%[a]), %%rdx\n\t"
		"mulxq 8(%[a]), %%r9, %%r10\n\t"
		"mulxq 16(%[a]), %%rax, %%r11\n\t"
		"mulxq 24(%[a]), %%rbx, %%r12\n\t"
		"addq %%rax, %%r10\n\t"
		"adcq %%rbx, %%r11\n\t"
		"adcq $0, %%r12\n\t"
		"movq 8(%[a]), %%rdx\n\t"
		"xorl %%r13d, %%r13d\n\t"
		"mulxq 16(%[a]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r11\n\t"
		"adoxq %%rbx, %%r12\n\t"
		"mulxq 24(%[a]), %%rax, %%rbx\n\t"
		"adcxq %%rax, %%r12\n\t"
		"adoxq %%rbx, %%r13\n\t"
		"movl $0, %%eax\n\t"
		"adcxq %%rax, %%r13\n\t"
		"movq 16(%[a]), %%rdx\n\t"
		"mulxq 24(%[a]), %%rax, %%r14\n\t"
		"addq %%rax, %%r13\n\t"
		"adcq $0, %%r14\n\t"
		"xorl %%r15d, %%r15d\n\t"
		"addq %%r9, %%r9\n\t"
		"adcq %%r10, %%r10\n\t"
		"adcq %%r11, %%r11\n\t"
		"adcq %%r12, %%r12\n\t"
		"adcq %%r13, %%r13\n\t"
		"adcq %%r14, %%r14\n\t"
		"adcq $0, %%r15\n\t"
		"movq 0(%[a]), %%rdx\n\t"
		"mulxq %%rdx, %%r8, %%rax\n\t"
		"addq %%rax, %%r9\n\t"
		"movq 8(%[a]), %%rdx\n\t"
		"mulxq %%rdx, %%rax, %%rbx\n\t"
		"adcq %%rax, %%r10\n\t"
		"adcq %%rbx, %%r11\n\t"
		"movq 16(%[a]), %%rdx\n\t"
		"mulxq %%rdx, %%rax, %%rbx\n\t"
		"adcq %%rax, %%r12\n\t"
		"adcq %%rbx, %%r13\n\t"
		"movq 24(%[a]), %%rdx\n\t"
		"mulxq %%rdx, %%rax, %%rbx\n\t"
		"adcq %%rax, %%r14\n\t"
		"adcq %%rbx, %%r15\n\t"
		"movq %%r8, %%rax\n\t"
		"shlq $32, %%rax\n\t"
		"movq %%r8, %%rbx\n\t"
		"shrq $32, %%rbx\n\t"
		"addq %%r8, %%r9\n\t"
		"adcq $0, %%r10\n\t"
		"adcq $0, %%r11\n\t"
		"adcq %%r8, %%r12\n\t"
		"adcq $0, %%r13\n\t"
		"adcq $0, %%r14\n\t"
		"adcq $0, %%r15\n\t"
		"subq %%rax, %%r9\n\t"
		"sbbq %%rbx, %%r10\n\t"
		"sbbq %%rax, %%r11\n\t"
		"sbbq %%rbx, %%r12\n\t"
		"sbbq $0, %%r13\n\t"
		"sbbq $0, %%r14\n\t"
		"sbbq $0, %%r15\n\t"
		"movq %%r9, %%rax\n\t"
		"shlq $32, %%rax\n\t"
		"movq %%r9, %%rbx\n\t"
		"shrq $32, %%rbx\n\t"
		"addq %%r9, %%r10\n\t"
		"adcq $0, %%r11\n\t"
		"adcq $0, %%r12\n\t"
		"adcq %%r9, %%r13\n\t"
		"adcq $0, %%r14\n\t"
		"adcq $0, %%r15\n\t"
		"subq %%rax, %%r10\n\t"
		"sbbq %%rbx, %%r11\n\t"
		"sbbq %%rax, %%r12\n\t"
		"sbbq %%rbx, %%r13\n\t"
		"sbbq $0, %%r14\n\t"
		"sbbq $0, %%r15\n\t"
		"movq %%r10, %%rax\n\t"
		"shlq $32, %%rax\n\t"
		"movq %%r10, %%rbx\n\t"
		"shrq $32, %%rbx\n\t"
		"addq %%r10, %%r11\n\t"
		"adcq $0, %%r12\n\t"
		"adcq $0, %%r13\n\t"
		"adcq %%r10, %%r14\n\t"
		"adcq $0, %%r15\n\t"
		"subq %%rax, %%r11\n\t"
		"sbbq %%rbx, %%r12\n\t"
		"sbbq %%rax, %%r13\n\t"
		"sbbq %%rbx, %%r14\n\t"
		"sbbq $0, %%r15\n\t"
		"movq %%r11, %%rax\n\t"
		"shlq $32, %%rax\n\t"
		"movq %%r11, %%rbx\n\t"
		"shrq $32, %%rbx\n\t"
		"addq %%r11, %%r12\n\t"
		"adcq $0, %%r13\n\t"
		"adcq $0, %%r14\n\t"
		"adcq %%r11, %%r15\n\t"
		"movl $0, %%r11d\n\t"
		"adcq $0, %%r11\n\t"
		"subq %%rax, %%r12\n\t"
		"sbbq %%rbx, %%r13\n\t"
		"sbbq %%rax, %%r14\n\t"
		"sbbq %%rbx, %%r15\n\t"
		"sbbq $0, %%r11\n\t"
		"movq %%r12, %%rax\n\t"
		"movq %%r13, %%rbx\n\t"
		"movq %%r14, %%rdx\n\t"
		"movq %%r15, %%r8\n\t"
		"subq 0(%[p]), %%rax\n\t"
		"sbbq 8(%[p]), %%rbx\n\t"
		"sbbq 16(%[p]), %%rdx\n\t"
		"sbbq 24(%[p]), %%r8\n\t"
		"sbbq $0, %%r11\n\t"
		"sbbq %%r11, %%r11\n\t"
		"xorq %%rax, %%r12\n\t"
		"xorq %%rbx, %%r13\n\t"
		"xorq %%rdx, %%r14\n\t"
		"xorq %%r8, %%r15\n\t"
		"andq %%r11, %%r12\n\t"
		"andq %%r11, %%r13\n\t"
		"andq %%r11, %%r14\n\t"
		"andq %%r11, %%r15\n\t"
		"xorq %%r12, %%rax\n\t"
		"xorq %%r13, %%rbx\n\t"
		"xorq %%r14, %%rdx\n\t"
		"xorq %%r15, %%r8\n\t"
		"movq %%rax, 0(%[r])\n\t"
		"movq %%rbx, 8(%[r])\n\t"
		"movq %%rdx, 16(%[r])\n\t"
		"movq %%r8, 24(%[r])\n\t"

		:
		: [a] "r"(a), [p] "r"(sm2_p), [r] "r"(r)
		: "rax", "rbx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		  "cc", "memory");
}
#endif

/* -1 until the CPU was asked; racing first calls store the same answer. */
static int fe_use_mulx = -1;

static inline int fe_pick(void)
{
	int v = __atomic_load_n(&fe_use_mulx, __ATOMIC_RELAXED);
	if (v < 0) {
#ifdef SM2_HAVE_MULX
		__builtin_cpu_init();
		v = __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("adx");
#else
		v = 0;
#endif
		__atomic_store_n(&fe_use_mulx, v, __ATOMIC_RELAXED);
	}
	return v;
}

void sm2_fe_force_portable(int on)
{
	__atomic_store_n(&fe_use_mulx, on ? 0 : -1, __ATOMIC_RELAXED);
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
		sqr_mulx(r, a);
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
