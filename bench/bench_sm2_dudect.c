/*
 * bench_sm2_dudect.c - timing test for our own SM2 in the style of dudect
 * (Reparaz, Balasch, Verbauwhede 2017): the secret input comes from one of
 * two classes (a fixed, "easy" value such as 1, or a fresh random one),
 * interleaved at random; cycle counts of the two classes are compared with
 * Welch's t-test, on all samples and on samples cropped at several
 * percentiles. |t| above 10 means the timing depends on the secret; the
 * program exits 1 then. Benchmark only; never part of the library.
 *
 * usage: bench_sm2_dudect [--samples N] [--selfcheck]   (default 200000 per test)
 * --selfcheck first runs the variable-time comb, which must be flagged.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "crypto/sm2/sm2_int.h"
#include "crypto/sm2/sm2_own.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static inline uint64_t cycles(void)
{
	unsigned aux;
	return __rdtscp(&aux);
}
#else
#include <time.h>
static inline uint64_t cycles(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

#define NCROP 6
typedef struct { double n[2], mean[2], m2[2]; } welch;

static void welch_add(welch *w, int c, double x)
{
	w->n[c] += 1;
	double d = x - w->mean[c];
	w->mean[c] += d / w->n[c];
	w->m2[c] += d * (x - w->mean[c]);
}

static double welch_t(const welch *w)
{
	if (w->n[0] < 2 || w->n[1] < 2)
		return 0;
	double v0 = w->m2[0] / (w->n[0] - 1), v1 = w->m2[1] / (w->n[1] - 1);
	double den = sqrt(v0 / w->n[0] + v1 / w->n[1]);
	return den > 0 ? (w->mean[0] - w->mean[1]) / den : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

typedef void (*target_fn)(const uint8_t secret[32]);

static sm2_priv g_priv;
static uint8_t g_e[32], g_rs[64];

static void t_sign(const uint8_t k[32])
{
	sm2_sign_priv(&g_priv, g_e, k, g_rs);
}

static void t_pubkey(const uint8_t d[32])
{
	uint8_t pub[64];
	eseal_sm2own_pubkey(d, pub);
}

static void t_comb(const uint8_t k[32])
{
	sm2_jac r;
	sm2_comb_mul_ct(&r, k, sm2_comb_g());
}

/* Public-scalar path: must be flagged by --selfcheck. */
static void t_comb_vt(const uint8_t k[32])
{
	sm2_jac r;
	sm2_comb_mul_vt(&r, k, sm2_comb_g());
}

/* Runs one test; returns the largest |t| over the crops. */
static double run(const char *name, target_fn fn, const uint8_t fixed[32], long samples)
{
	enum { BATCH = 5000 };
	static uint8_t in[BATCH][32];
	static int cls[BATCH];
	static uint64_t dt[BATCH], sorted[BATCH];
	welch w[NCROP + 1];
	uint64_t crop[NCROP] = { 0 };
	const double pct[NCROP] = { 0.50, 0.70, 0.80, 0.90, 0.95, 0.99 };
	double tmax = 0;

	memset(w, 0, sizeof w);
	for (long done = 0, batch = 0; done < samples; done += BATCH, batch++) {
		uint8_t coin[BATCH];
		RAND_bytes(coin, sizeof coin);
		for (int i = 0; i < BATCH; i++) {
			cls[i] = coin[i] & 1;
			if (cls[i] == 0) {
				memcpy(in[i], fixed, 32);
			} else {
				RAND_bytes(in[i], 32);
				in[i][0] &= 0x7f;    /* stay below n */
				in[i][31] |= 1;      /* and above 0 */
			}
		}
		for (int i = 0; i < BATCH; i++) {
			uint64_t t0 = cycles();
			fn(in[i]);
			dt[i] = cycles() - t0;
		}
		if (batch == 0) {
			/* the first batch warms up and sets the crop thresholds */
			memcpy(sorted, dt, sizeof dt);
			qsort(sorted, BATCH, sizeof sorted[0], cmp_u64);
			for (int c = 0; c < NCROP; c++)
				crop[c] = sorted[(size_t)(pct[c] * (BATCH - 1))];
			continue;
		}
		for (int i = 0; i < BATCH; i++) {
			welch_add(&w[NCROP], cls[i], (double)dt[i]);
			for (int c = 0; c < NCROP; c++)
				if (dt[i] <= crop[c])
					welch_add(&w[c], cls[i], (double)dt[i]);
		}
	}
	for (int c = 0; c <= NCROP; c++) {
		double t = fabs(welch_t(&w[c]));
		if (t > tmax)
			tmax = t;
	}
	printf("%-28s samples %8.0f  mean cycles fixed %9.0f random %9.0f  max |t| %6.2f  %s\n",
	       name, w[NCROP].n[0] + w[NCROP].n[1], w[NCROP].mean[0], w[NCROP].mean[1], tmax,
	       tmax > 10 ? "LEAK" : tmax > 4.5 ? "suspicious" : "ok");
	return tmax;
}

int main(int argc, char **argv)
{
	long samples = 200000;
	int selfcheck = 0;
	uint8_t d[32], pub[64], one[32] = { 0 }, top[32];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--samples") && i + 1 < argc) {
			samples = atol(argv[++i]);
		} else if (!strcmp(argv[i], "--selfcheck")) {
			selfcheck = 1;
		} else {
			fprintf(stderr, "usage: bench_sm2_dudect [--samples N] [--selfcheck]\n");
			return 2;
		}
	}
	one[31] = 1;
	/* A value whose Booth digits are all 64 or -64: the table's last entry. */
	memset(top, 0, sizeof top);
	for (int b = 6; b < 252; b += 7)
		top[31 - b / 8] |= (uint8_t)(1u << (b % 8));
	if (eseal_sm2own_keygen(d, pub) || sm2_priv_init(&g_priv, d))
		return 2;
	RAND_bytes(g_e, sizeof g_e);
	(void)sm2_comb_g();
	printf("field multiplier: %s; threshold |t| > 10 = leak\n", sm2_fe_impl());
	double t = 0, x;
	if (selfcheck) {
		x = run("self-check: variable-time comb", t_comb_vt, one, samples);
		if (x <= 10) {
			printf("dudect: the self-check leak was not detected; the measurement is too noisy\n");
			return 2;
		}
	}
	x = run("comb k*G, k = 1", t_comb, one, samples); if (x > t) t = x;
	x = run("comb k*G, k = top digits", t_comb, top, samples); if (x > t) t = x;
	x = run("sign, k = 1", t_sign, one, samples); if (x > t) t = x;
	x = run("public key, d = 1", t_pubkey, one, samples / 2); if (x > t) t = x;
	printf("dudect: max |t| = %.2f: %s\n", t, t > 10 ? "timing depends on the secret" : "no leak detected");
	return t > 10;
}
