/*
 * bench_sm2.c - speed and long differential runs for our own SM2
 * (src/crypto/sm2). Speed: signatures and verifications per second of CPU
 * time on one core, next to OpenSSL's SM2 and P-256 measured in the same
 * process, and through the library's public API (eseal_key_sign/verify).
 * --diff N: N random cases checked against OpenSSL in both directions, a
 * third of them through the public API with the default ID (exit 1 on the
 * first disagreement). Benchmark only; never part of the library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ec.h>
#include <openssl/rand.h>

#include "crypto/sm2/sm2_int.h"
#include "crypto/sm2/sm2_own.h"
#include "eseal/eseal.h"
#include "../tests/sm2_ossl.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define NS 64
static uint8_t E[NS][32], RS[NS][64], DER[NS][80];
static size_t DERLEN[NS];

typedef int (*op_fn)(void *ctx, int i);

static double rate(op_fn op, void *ctx, double seconds)
{
	double t0 = cpu_now(), t;
	long n = 0;
	do {
		for (int i = 0; i < NS; i++)
			if (op(ctx, i) != 0) {
				fprintf(stderr, "operation failed\n");
				exit(1);
			}
		n += NS;
		t = cpu_now() - t0;
	} while (t < seconds);
	return n / t;
}

static int op_sign(void *k, int i) { return eseal_sm2own_key_sign(k, E[i], RS[i]); }
static int op_verify(void *k, int i) { return eseal_sm2own_key_verify(k, E[i], RS[i]); }
static uint8_t D[32], PUB[64];
static int op_sign_oneshot(void *k, int i) { return eseal_sm2own_sign(D, E[i], RS[i]); }
static int op_verify_oneshot(void *k, int i) { return eseal_sm2own_verify(PUB, E[i], RS[i]); }
static int op_pubkey(void *k, int i) { uint8_t p[64]; return eseal_sm2own_pubkey(D, p); }
static int op_table(void *k, int i)
{
	eseal_sm2own_key *key;
	int rc = eseal_sm2own_key_new(&key, NULL, PUB, NULL, 0);
	if (rc == 0)
		rc = eseal_sm2own_key_precompute(key);
	eseal_sm2own_key_free(key);
	return rc;
}

/* The library's public API: eseal_key_sign / eseal_key_verify of a 64-byte
 * message (Z_A cached in the key, e = SM3(Z_A || M), DER in and out). */
static uint8_t M[NS][64];
static eseal_buf LSIG[NS];
static int op_lib_sign(void *k, int i)
{
	LSIG[i].len = 0;
	return eseal_key_sign(k, M[i], 64, &LSIG[i]);
}
static int op_lib_verify(void *k, int i)
{
	return eseal_key_verify(k, M[i], 64, LSIG[i].data, LSIG[i].len);
}

/* Library key pair and its public half from SPKI, as a verifier gets it. */
static int lib_keys(eseal_key **priv, eseal_key **pub)
{
	eseal_buf spki = ESEAL_BUF_INIT;
	int rc = eseal_key_generate(priv, ESEAL_KEY_SM2);
	if (!rc)
		rc = eseal_key_spki(*priv, &spki);
	if (!rc)
		rc = eseal_key_from_spki(pub, spki.data, spki.len);
	eseal_buf_free(&spki);
	return rc;
}

/* OpenSSL through EVP_PKEY_sign / EVP_PKEY_verify on the digest, with the
 * context reused, as `openssl speed` does. */
static int op_ossl_sign(void *c, int i)
{
	DERLEN[i] = sizeof DER[i];
	return EVP_PKEY_sign(c, DER[i], &DERLEN[i], E[i], 32) == 1 ? 0 : -1;
}
static int op_ossl_verify(void *c, int i)
{
	return EVP_PKEY_verify(c, DER[i], DERLEN[i], E[i], 32) == 1 ? 0 : -1;
}

static void ossl_rates(const char *name, double seconds, double *s, double *v)
{
	/* "SM2" takes no further argument, "EC" the curve name */
	EVP_PKEY *k = !strcmp(name, "SM2") ? EVP_PKEY_Q_keygen(NULL, NULL, "SM2")
					   : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY_CTX *sc = EVP_PKEY_CTX_new(k, NULL), *vc = EVP_PKEY_CTX_new(k, NULL);
	if (!k || !sc || !vc || EVP_PKEY_sign_init(sc) != 1 || EVP_PKEY_verify_init(vc) != 1) {
		fprintf(stderr, "OpenSSL %s setup failed\n", name);
		exit(1);
	}
	*s = rate(op_ossl_sign, sc, seconds);
	*v = rate(op_ossl_verify, vc, seconds);
	EVP_PKEY_CTX_free(sc);
	EVP_PKEY_CTX_free(vc);
	EVP_PKEY_free(k);
}

static int speed(double seconds, int with_openssl)
{
	eseal_sm2own_key *key, *vkey;
	double s, v, vt, s1, v1, pk, tb, ls, lv;

	if (eseal_sm2own_keygen(D, PUB) || eseal_sm2own_key_new(&key, D, NULL, NULL, 0) ||
	    eseal_sm2own_key_new(&vkey, NULL, PUB, NULL, 0)) {
		fprintf(stderr, "setup: %s\n", eseal_error_last());
		return 1;
	}
	RAND_bytes(&E[0][0], sizeof E);
	printf("field multiplier: %s; CPU seconds per figure: %.1f\n", sm2_fe_impl(), seconds);
	s = rate(op_sign, key, seconds);
	v = rate(op_verify, vkey, seconds);
	eseal_sm2own_key_precompute(vkey);
	vt = rate(op_verify, vkey, seconds);
	s1 = rate(op_sign_oneshot, NULL, seconds);
	v1 = rate(op_verify_oneshot, NULL, seconds);
	pk = rate(op_pubkey, NULL, seconds);
	tb = rate(op_table, NULL, seconds / 4);
	printf("%-44s %10.0f /s\n", "eseal sm2 sign (key object)", s);
	printf("%-44s %10.0f /s\n", "eseal sm2 sign (one-shot, raw d)", s1);
	printf("%-44s %10.0f /s\n", "eseal sm2 verify (key object, no table)", v);
	printf("%-44s %10.0f /s\n", "eseal sm2 verify (one-shot, raw public key)", v1);
	printf("%-44s %10.0f /s\n", "eseal sm2 verify (key object with table)", vt);
	printf("%-44s %10.0f /s\n", "eseal sm2 public key from d", pk);
	printf("%-44s %10.0f /s\n", "eseal sm2 key object with table, built", tb);
	{
		eseal_key *lpriv = NULL, *lpub = NULL;
		RAND_bytes(&M[0][0], sizeof M);
		if (lib_keys(&lpriv, &lpub)) {
			fprintf(stderr, "library keys: %s\n", eseal_error_last());
			return 1;
		}
		ls = rate(op_lib_sign, lpriv, seconds);
		lv = rate(op_lib_verify, lpub, seconds);
		printf("%-44s %10.0f /s\n", "eseal_key_sign (library API, SM3+Z_A, DER)", ls);
		printf("%-44s %10.0f /s\n", "eseal_key_verify (library API, key from SPKI)", lv);
		for (int i = 0; i < NS; i++)
			eseal_buf_free(&LSIG[i]);
		eseal_key_free(lpriv);
		eseal_key_free(lpub);
	}
	if (with_openssl) {
		double os, ov, ps, pv;
		ossl_rates("SM2", seconds, &os, &ov);
		ossl_rates("P-256", seconds, &ps, &pv);
		printf("%-44s %10.0f /s\n", "openssl sm2 sign (in-process EVP)", os);
		printf("%-44s %10.0f /s\n", "openssl sm2 verify (in-process EVP)", ov);
		printf("%-44s %10.0f /s\n", "openssl ecdsa p-256 sign (in-process EVP)", ps);
		printf("%-44s %10.0f /s\n", "openssl ecdsa p-256 verify (in-process EVP)", pv);
		printf("ratio sign %.1fx, verify %.1fx (table %.1fx) over OpenSSL SM2\n",
		       s / os, v / ov, vt / ov);
		printf("ratio sign %.1fx, verify %.1fx over OpenSSL ECDSA P-256\n", s / ps, v / pv);
		printf("ratio library API sign %.1fx, verify %.1fx over OpenSSL SM2\n", ls / os, lv / ov);
	}
	printf("sm2 sign/s: %.0f\n", s);
	printf("sm2 verify/s: %.0f\n", v);
	printf("sm2 library sign/s: %.0f\n", ls);
	printf("sm2 library verify/s: %.0f\n", lv);
	eseal_sm2own_key_free(key);
	eseal_sm2own_key_free(vkey);
	return 0;
}

/* One case through the library's public API: a key from OpenSSL's scalar,
 * eseal_key_sign checked by OpenSSL's DigestVerify with the ID set, OpenSSL's
 * DigestSign checked by eseal_key_verify, a changed message refused by both. */
static long diff_api(long i)
{
	uint8_t d[32], pub[64], msg[100], rs[64], der[80];
	size_t mlen = (size_t)(i % 100);
	eseal_buf sig = ESEAL_BUF_INIT;
	eseal_key *k = NULL;
	long bad = 0;
	EVP_PKEY *ok = ossl_sm2_keygen(d, pub);

	RAND_bytes(msg, sizeof msg);
	if (!ok || eseal_key_from_sm2_private(&k, d) != 0 || eseal_key_sign(k, msg, mlen, &sig) != 0 ||
	    ossl_der_to_rs(sig.data, sig.len, rs) != 0 || ossl_sm2_verify_msg(ok, msg, mlen, rs) != 1) {
		bad++;
		goto out;
	}
	if (ossl_sm2_sign_msg(ok, msg, mlen, rs) != 0) {
		bad++;
		goto out;
	}
	int dn = ossl_rs_to_der(rs, der);
	if (dn <= 0 || eseal_key_verify(k, msg, mlen, der, (size_t)dn) != 0)
		bad++;
	msg[mlen] ^= 1;   /* msg has room: mlen < 100 */
	if (eseal_key_verify(k, msg, mlen + 1, der, (size_t)dn) != ESEAL_EVERIFY ||
	    ossl_sm2_verify_msg(ok, msg, mlen + 1, rs) != 0)
		bad++;
out:
	eseal_wipe(d, sizeof d);
	eseal_buf_free(&sig);
	eseal_key_free(k);
	EVP_PKEY_free(ok);
	return bad;
}

/* Long differential run: our signatures verified by OpenSSL, OpenSSL's by
 * us, tampered signatures rejected by both, keys derived identically; every
 * third case goes through the library's public API (diff_api). */
static int diff(long n)
{
	long bad = 0;
	double t0 = cpu_now(), w0 = wall_now();
	for (long i = 0; i < n; i++) {
		uint8_t d[32], pub[64], pub2[64], e[32], rs[64];
		RAND_bytes(e, 32);
		if (i % 3 == 2) {
			bad += diff_api(i);
		} else if (i % 3 == 0) {
			if (eseal_sm2own_keygen(d, pub) != 0) { bad++; break; }
			EVP_PKEY *k = ossl_sm2_key(d, pub);
			if (!k || eseal_sm2own_sign(d, e, rs) != 0 || ossl_sm2_verify_e(k, e, rs) != 1)
				bad++;
			rs[(i / 2) % 64] ^= (uint8_t)(1u << (i % 8));
			if (ossl_sm2_verify_e(k, e, rs) != 0 || eseal_sm2own_verify(pub, e, rs) != ESEAL_EVERIFY)
				bad++;
			EVP_PKEY_free(k);
		} else {
			EVP_PKEY *k = ossl_sm2_keygen(d, pub);
			if (!k || eseal_sm2own_pubkey(d, pub2) != 0 || memcmp(pub, pub2, 64) != 0 ||
			    ossl_sm2_sign_e(k, e, rs) != 0 || eseal_sm2own_verify(pub, e, rs) != 0)
				bad++;
			e[(i / 2) % 32] ^= 1;
			if (eseal_sm2own_verify(pub, e, rs) != ESEAL_EVERIFY)
				bad++;
			EVP_PKEY_free(k);
		}
		if (bad) {
			fprintf(stderr, "disagreement at case %ld\n", i);
			return 1;
		}
		if ((i + 1) % 100000 == 0) {
			printf("%ld cases agree (%.0f s CPU, %.0f s wall)\n", i + 1, cpu_now() - t0,
			       wall_now() - w0);
			fflush(stdout);
		}
	}
	printf("differential: %ld cases, 0 disagreements (%.0f s CPU, %.0f s wall)\n", n,
	       cpu_now() - t0, wall_now() - w0);
	return 0;
}

int main(int argc, char **argv)
{
	double seconds = 3;
	int with_openssl = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--no-openssl"))
			with_openssl = 0;
		else if (!strcmp(argv[i], "--diff") && i + 1 < argc)
			return diff(atol(argv[++i]));
		else {
			fprintf(stderr, "usage: bench_sm2 [--seconds N] [--no-openssl] | --diff N\n");
			return 2;
		}
	}
	return speed(seconds, with_openssl);
}
