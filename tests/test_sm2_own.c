/*
 * test_sm2_own.c - our own SM2 (src/crypto/sm2): field and scalar arithmetic
 * against OpenSSL BIGNUM, the GM/T 0003.5 Annex A vector, signatures checked
 * by OpenSSL and OpenSSL's checked by us over random keys, and the edge
 * cases a verifier must reject.
 */
#include <openssl/bn.h>
#include <openssl/rand.h>

#include "crypto/sm2/sm2_int.h"
#include "crypto/sm2/sm2_own.h"
#include "eseal/eseal.h"
#include "harness.h"
#include "sm2_ossl.h"

static void hex2bin(uint8_t *out, const char *hex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static BIGNUM *bn_hex(const char *h)
{
	BIGNUM *b = NULL;
	BN_hex2bn(&b, h);
	return b;
}

static BIGNUM *P_, *N_;
static BN_CTX *bctx;

static void setup_bn(void)
{
	if (!P_) {
		P_ = bn_hex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF");
		N_ = bn_hex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123");
		bctx = BN_CTX_new();
	}
}

static void bn_to_limbs(uint64_t r[4], const BIGNUM *b)
{
	uint8_t buf[32];
	BN_bn2binpad(b, buf, 32);
	sm2_sc_from_bytes_raw(r, buf);
}

static BIGNUM *limbs_to_bn(const uint64_t a[4])
{
	uint8_t buf[32];
	sm2_sc_to_bytes(buf, a);
	return BN_bin2bn(buf, 32, NULL);
}

static int limbs_eq_bn(const uint64_t a[4], const BIGNUM *b)
{
	BIGNUM *x = limbs_to_bn(a);
	int eq = BN_cmp(x, b) == 0;
	BN_free(x);
	return eq;
}

/* A random value < m, sometimes an edge (0, 1, m-1, m-2). */
static BIGNUM *rand_below(const BIGNUM *m, int i)
{
	BIGNUM *r = BN_new();
	switch (i % 23) {
	case 0: BN_zero(r); break;
	case 1: BN_one(r); break;
	case 2: BN_copy(r, m); BN_sub_word(r, 1); break;
	case 3: BN_copy(r, m); BN_sub_word(r, 2); break;
	default: BN_rand_range(r, m);
	}
	return r;
}

static void fe_round(int portable, int iters)
{
	setup_bn();
	sm2_fe_force_portable(portable);
	for (int i = 0; i < iters; i++) {
		BIGNUM *a = rand_below(P_, i), *b = rand_below(P_, i / 3 + 7), *w = BN_new();
		sm2_fe fa, fb, am, bm, rm, r;
		bn_to_limbs(fa, a);
		bn_to_limbs(fb, b);
		sm2_fe_to_mont(am, fa);
		sm2_fe_to_mont(bm, fb);

		sm2_fe_mul(rm, am, bm);
		sm2_fe_from_mont(r, rm);
		BN_mod_mul(w, a, b, P_, bctx);
		CHECK(limbs_eq_bn(r, w));

		sm2_fe_sqr(rm, am);
		sm2_fe_from_mont(r, rm);
		BN_mod_sqr(w, a, P_, bctx);
		CHECK(limbs_eq_bn(r, w));

		sm2_fe_add(r, fa, fb);
		BN_mod_add(w, a, b, P_, bctx);
		CHECK(limbs_eq_bn(r, w));

		sm2_fe_sub(r, fa, fb);
		BN_mod_sub(w, a, b, P_, bctx);
		CHECK(limbs_eq_bn(r, w));

		sm2_fe_neg(r, fa);
		BN_mod_sub(w, P_, a, P_, bctx);
		CHECK(limbs_eq_bn(r, w));

		if (!BN_is_zero(a) && i % 8 == 0) {
			sm2_fe_inv(rm, am);
			sm2_fe_from_mont(r, rm);
			BN_mod_inverse(w, a, P_, bctx);
			CHECK(limbs_eq_bn(r, w));
		}
		BN_free(a);
		BN_free(b);
		BN_free(w);
	}
	sm2_fe_force_portable(0);
}

static void test_field_vs_bignum(void)
{
	fe_round(1, 1500);
	fe_round(0, 1500);
	printf("  field multiplier: %s\n", sm2_fe_impl());
}

static void test_scalar_vs_bignum(void)
{
	setup_bn();
	for (int i = 0; i < 1500; i++) {
		BIGNUM *a = rand_below(N_, i), *b = rand_below(N_, i / 3 + 5), *w = BN_new();
		sm2_sc sa, sb, am, r;
		bn_to_limbs(sa, a);
		bn_to_limbs(sb, b);
		sm2_sc_to_mont(am, sa);
		sm2_sc_mont_mul(r, am, sb);
		BN_mod_mul(w, a, b, N_, bctx);
		CHECK(limbs_eq_bn(r, w));
		sm2_sc_add(r, sa, sb);
		BN_mod_add(w, a, b, N_, bctx);
		CHECK(limbs_eq_bn(r, w));
		sm2_sc_sub(r, sa, sb);
		BN_mod_sub(w, a, b, N_, bctx);
		CHECK(limbs_eq_bn(r, w));
		CHECK_EQ_INT(sm2_sc_in_range(sa) != 0, !BN_is_zero(a));
		if (!BN_is_zero(a) && i % 8 == 0) {
			sm2_sc_inv(r, sa);
			BN_mod_inverse(w, a, N_, bctx);
			CHECK(limbs_eq_bn(r, w));
		}
		BN_free(a);
		BN_free(b);
		BN_free(w);
	}
	/* values at and above n: reduce_once and the range check */
	{
		sm2_sc v, r;
		bn_to_limbs(v, N_);
		CHECK(!sm2_sc_in_range(v));
		sm2_sc_reduce_once(r, v);
		CHECK(sm2_sc_is_zero(r));
		uint64_t ones[4] = { ~0ULL, ~0ULL, ~0ULL, ~0ULL };
		CHECK(!sm2_sc_lt_n(ones));
	}
}

static const char *KAT_D = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
static const char *KAT_X = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020";
static const char *KAT_Y = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
static const char *KAT_ZA = "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3";
static const char *KAT_E = "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640";
static const char *KAT_K = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21";
static const char *KAT_R = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3";
static const char *KAT_S = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA";

static void test_kat_gmt0003(void)
{
	uint8_t d[32], pub[64], want_pub[64], za[32], want_za[32], e[32], want_e[32], k[32], rs[64], want_rs[64];

	hex2bin(d, KAT_D, 32);
	hex2bin(want_pub, KAT_X, 32);
	hex2bin(want_pub + 32, KAT_Y, 32);
	hex2bin(want_za, KAT_ZA, 32);
	hex2bin(want_e, KAT_E, 32);
	hex2bin(k, KAT_K, 32);
	hex2bin(want_rs, KAT_R, 32);
	hex2bin(want_rs + 32, KAT_S, 32);

	for (int portable = 1; portable >= 0; portable--) {
		sm2_fe_force_portable(portable);
		CHECK_OK(eseal_sm2own_pubkey(d, pub));
		CHECK(memcmp(pub, want_pub, 64) == 0);
		CHECK_OK(eseal_sm2own_za(za, pub, "1234567812345678", 16));
		CHECK(memcmp(za, want_za, 32) == 0);
		CHECK_OK(eseal_sm2own_digest(e, za, "message digest", 14));
		CHECK(memcmp(e, want_e, 32) == 0);
		CHECK_OK(eseal_sm2own_sign_with_k(d, e, k, rs));
		CHECK(memcmp(rs, want_rs, 64) == 0);
		CHECK_OK(eseal_sm2own_verify(pub, e, want_rs));
	}
	sm2_fe_force_portable(0);

	/* the key object: cached Z_A, message API, with and without its table */
	eseal_sm2own_key *key;
	CHECK_OK(eseal_sm2own_key_new(&key, d, NULL, NULL, 0));
	CHECK(memcmp(eseal_sm2own_key_za(key), want_za, 32) == 0);
	CHECK_OK(eseal_sm2own_key_verify_msg(key, "message digest", 14, want_rs));
	CHECK_OK(eseal_sm2own_key_precompute(key));
	CHECK_OK(eseal_sm2own_key_verify_msg(key, "message digest", 14, want_rs));
	CHECK_EQ_INT(eseal_sm2own_key_verify_msg(key, "message digesT", 14, want_rs), ESEAL_EVERIFY);
	CHECK_OK(eseal_sm2own_key_sign_msg(key, "message digest", 14, rs));
	CHECK_OK(eseal_sm2own_key_verify(key, e, rs));
	eseal_sm2own_key_free(key);

	/* OpenSSL agrees on the vector too (whole message, default ID) */
	EVP_PKEY *ok = ossl_sm2_key(d, pub);
	REQUIRE(ok);
	CHECK_EQ_INT(ossl_sm2_verify_msg(ok, "message digest", 14, want_rs), 1);
	EVP_PKEY_free(ok);
}

/* Ours signs, OpenSSL verifies; OpenSSL signs, we verify; random keys and
 * messages, half at the digest level and half whole-message with the ID. */
static void test_differential_openssl(void)
{
	int n = 1000, fails = 0;
	for (int i = 0; i < n; i++) {
		uint8_t d[32], pub[64], e[32], rs[64], msg[64];
		size_t mlen = (size_t)(i % 64);
		RAND_bytes(e, 32);
		RAND_bytes(msg, sizeof msg);

		/* ours -> OpenSSL */
		CHECK_OK(eseal_sm2own_keygen(d, pub));
		EVP_PKEY *k = ossl_sm2_key(d, pub);
		REQUIRE(k);
		if (i % 2) {
			CHECK_OK(eseal_sm2own_sign(d, e, rs));
			fails += ossl_sm2_verify_e(k, e, rs) != 1;
			rs[i % 64] ^= (uint8_t)(1u << (i % 8));
			fails += ossl_sm2_verify_e(k, e, rs) != 0;
			fails += eseal_sm2own_verify(pub, e, rs) != ESEAL_EVERIFY;
		} else {
			eseal_sm2own_key *key;
			CHECK_OK(eseal_sm2own_key_new(&key, d, pub, NULL, 0));
			CHECK_OK(eseal_sm2own_key_sign_msg(key, msg, mlen, rs));
			fails += ossl_sm2_verify_msg(k, msg, mlen, rs) != 1;
			eseal_sm2own_key_free(key);
		}
		EVP_PKEY_free(k);

		/* OpenSSL -> ours */
		k = ossl_sm2_keygen(d, pub);
		REQUIRE(k);
		uint8_t pub2[64];
		CHECK_OK(eseal_sm2own_pubkey(d, pub2));
		fails += memcmp(pub, pub2, 64) != 0;
		if (i % 2) {
			REQUIRE(ossl_sm2_sign_e(k, e, rs) == 0);
			fails += eseal_sm2own_verify(pub, e, rs) != 0;
			e[i % 32] ^= 0x80;
			fails += eseal_sm2own_verify(pub, e, rs) != ESEAL_EVERIFY;
		} else {
			eseal_sm2own_key *key;
			REQUIRE(ossl_sm2_sign_msg(k, msg, mlen, rs) == 0);
			CHECK_OK(eseal_sm2own_key_new(&key, NULL, pub, NULL, 0));
			fails += eseal_sm2own_key_verify_msg(key, msg, mlen, rs) != 0;
			if (i % 10 == 0) {
				CHECK_OK(eseal_sm2own_key_precompute(key));
				fails += eseal_sm2own_key_verify_msg(key, msg, mlen, rs) != 0;
				rs[40] ^= 1;
				fails += eseal_sm2own_key_verify_msg(key, msg, mlen, rs) != ESEAL_EVERIFY;
			}
			eseal_sm2own_key_free(key);
		}
		EVP_PKEY_free(k);
	}
	CHECK_EQ_INT(fails, 0);
}

/* Scalar helpers for building edge cases with BIGNUM. */
static void bn_out(uint8_t out[32], const BIGNUM *b)
{
	BN_bn2binpad(b, out, 32);
}

static void test_edge_signatures(void)
{
	uint8_t d[32], pub[64], e[32], rs[64], bad[64];
	setup_bn();
	hex2bin(d, KAT_D, 32);
	CHECK_OK(eseal_sm2own_pubkey(d, pub));
	hex2bin(e, KAT_E, 32);
	hex2bin(rs, KAT_R, 32);
	hex2bin(rs + 32, KAT_S, 32);
	CHECK_OK(eseal_sm2own_verify(pub, e, rs));

	uint8_t nb[32], zero[32] = { 0 }, ones[32];
	memset(ones, 0xff, 32);
	bn_out(nb, N_);
	/* r or s = 0, = n, > n */
	const uint8_t *vals[3] = { zero, nb, ones };
	for (int i = 0; i < 3; i++) {
		memcpy(bad, rs, 64);
		memcpy(bad, vals[i], 32);
		CHECK_EQ_INT(eseal_sm2own_verify(pub, e, bad), ESEAL_EVERIFY);
		memcpy(bad, rs, 64);
		memcpy(bad + 32, vals[i], 32);
		CHECK_EQ_INT(eseal_sm2own_verify(pub, e, bad), ESEAL_EVERIFY);
	}
	/* r + s = n (t = 0) */
	{
		BIGNUM *r = BN_bin2bn(rs, 32, NULL), *s = BN_new();
		BN_sub(s, N_, r);
		memcpy(bad, rs, 32);
		bn_out(bad + 32, s);
		CHECK_EQ_INT(eseal_sm2own_verify(pub, e, bad), ESEAL_EVERIFY);
		BN_free(r);
		BN_free(s);
	}
	/* r + n and s + n would fit 32 bytes only for small r, s: check r = r0 + n
	 * for r0 < 2^256 - n is rejected even though it is = r0 mod n */
	{
		BIGNUM *r = BN_new();
		BN_set_word(r, 5);
		BN_add(r, r, N_);
		memcpy(bad, rs, 64);
		bn_out(bad, r);
		CHECK_EQ_INT(eseal_sm2own_verify(pub, e, bad), ESEAL_EVERIFY);
		BN_free(r);
	}
	/* invalid public keys: off the curve, coordinates >= p, (0,0), p itself */
	{
		uint8_t pk[64];
		memcpy(pk, pub, 64);
		pk[63] ^= 1;
		CHECK_EQ_INT(eseal_sm2own_verify(pk, e, rs), ESEAL_EINVAL);
		CHECK_EQ_INT(eseal_sm2own_pubkey_check(pk), ESEAL_EINVAL);
		memset(pk, 0, 64);
		CHECK_EQ_INT(eseal_sm2own_pubkey_check(pk), ESEAL_EINVAL);
		/* x + p, y: same point mod p but not a canonical encoding */
		BIGNUM *x = BN_bin2bn(pub, 32, NULL);
		BN_add(x, x, P_);
		if (BN_num_bytes(x) <= 32) {
			memcpy(pk, pub, 64);
			bn_out(pk, x);
			CHECK_EQ_INT(eseal_sm2own_pubkey_check(pk), ESEAL_EINVAL);
		}
		memset(pk, 0xff, 64);
		CHECK_EQ_INT(eseal_sm2own_pubkey_check(pk), ESEAL_EINVAL);
		BN_free(x);
		eseal_sm2own_key *key;
		memcpy(pk, pub, 64);
		pk[10] ^= 4;
		CHECK_EQ_INT(eseal_sm2own_key_new(&key, NULL, pk, NULL, 0), ESEAL_EINVAL);
		CHECK(key == NULL);
		/* a private key with someone else's public key */
		CHECK_EQ_INT(eseal_sm2own_key_new(&key, d, pk, NULL, 0), ESEAL_EINVAL);
	}
	/* private keys out of range: 0, n-1, n, 2^256-1 */
	{
		uint8_t dd[32], p2[64];
		BIGNUM *x = BN_dup(N_);
		CHECK_EQ_INT(eseal_sm2own_pubkey(zero, p2), ESEAL_EINVAL);
		BN_sub_word(x, 1);
		bn_out(dd, x);
		CHECK_EQ_INT(eseal_sm2own_pubkey(dd, p2), ESEAL_EINVAL);
		CHECK_EQ_INT(eseal_sm2own_sign(dd, e, bad), ESEAL_EINVAL);
		CHECK_EQ_INT(eseal_sm2own_pubkey(nb, p2), ESEAL_EINVAL);
		CHECK_EQ_INT(eseal_sm2own_pubkey(ones, p2), ESEAL_EINVAL);
		/* n-2 is the largest valid key: OpenSSL agrees on its public key */
		BN_sub_word(x, 1);
		bn_out(dd, x);
		CHECK_OK(eseal_sm2own_pubkey(dd, p2));
		uint8_t big_e[32];
		RAND_bytes(big_e, 32);
		CHECK_OK(eseal_sm2own_sign(dd, big_e, bad));
		EVP_PKEY *k = ossl_sm2_key(dd, p2);
		REQUIRE(k);
		CHECK_EQ_INT(ossl_sm2_verify_e(k, big_e, bad), 1);
		EVP_PKEY_free(k);
		BN_free(x);
	}
	/* nonces out of range */
	CHECK_EQ_INT(eseal_sm2own_sign_with_k(d, e, zero, bad), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_sm2own_sign_with_k(d, e, nb, bad), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_sm2own_sign_with_k(d, e, ones, bad), ESEAL_EINVAL);
}

/* x(kG) for a public k, through OpenSSL so the edge cases do not rely on the
 * code under test. */
static BIGNUM *ossl_x_of_kg(const uint8_t k[32])
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_sm2);
	EC_POINT *p = EC_POINT_new(g);
	BIGNUM *kb = BN_bin2bn(k, 32, NULL), *x = BN_new();
	EC_POINT_mul(g, p, kb, NULL, NULL, bctx);
	EC_POINT_get_affine_coordinates(g, p, x, NULL, bctx);
	EC_POINT_free(p);
	EC_GROUP_free(g);
	BN_free(kb);
	return x;
}

static void test_edge_nonce_and_infinity(void)
{
	uint8_t d[32], pub[64], e[32], k[32], rs[64];
	setup_bn();
	hex2bin(d, KAT_D, 32);
	hex2bin(k, KAT_K, 32);
	CHECK_OK(eseal_sm2own_pubkey(d, pub));
	BIGNUM *x1 = ossl_x_of_kg(k), *kb = BN_bin2bn(k, 32, NULL), *t = BN_new();

	/* e chosen so that r = 0: e = -x1 mod n */
	BN_mod_sub(t, N_, x1, N_, bctx);
	bn_out(e, t);
	CHECK_EQ_INT(eseal_sm2own_sign_with_k(d, e, k, rs), ESEAL_EINVAL);
	/* e chosen so that r + k = n: e = n - k - x1 mod n */
	BN_mod_sub(t, N_, kb, N_, bctx);
	BN_mod_sub(t, t, x1, N_, bctx);
	bn_out(e, t);
	CHECK_EQ_INT(eseal_sm2own_sign_with_k(d, e, k, rs), ESEAL_EINVAL);
	/* one more than that is fine, and OpenSSL agrees */
	BN_add_word(t, 1);
	BN_mod(t, t, N_, bctx);
	bn_out(e, t);
	CHECK_OK(eseal_sm2own_sign_with_k(d, e, k, rs));
	EVP_PKEY *ok = ossl_sm2_key(d, pub);
	REQUIRE(ok);
	CHECK_EQ_INT(ossl_sm2_verify_e(ok, e, rs), 1);

	/* s*G + t*P at infinity: s = -r*d/(1+d) makes s + (r+s)d = 0 */
	BIGNUM *r = BN_new(), *s = BN_new(), *dd = BN_bin2bn(d, 32, NULL), *u = BN_new();
	BN_rand_range(r, N_);
	BN_add_word(r, 1);
	BN_mod(r, r, N_, bctx);
	BN_mod_mul(s, r, dd, N_, bctx);
	BN_mod_sub(s, N_, s, N_, bctx);
	BN_copy(u, dd);
	BN_add_word(u, 1);
	BN_mod_inverse(u, u, N_, bctx);
	BN_mod_mul(s, s, u, N_, bctx);
	bn_out(rs, r);
	bn_out(rs + 32, s);
	CHECK_EQ_INT(eseal_sm2own_verify(pub, e, rs), ESEAL_EVERIFY);
	CHECK_EQ_INT(ossl_sm2_verify_e(ok, e, rs), 0);

	/* s*G = t*P: the two halves are the same point, so the final addition is
	 * a doubling. s = r*d/(1-d); then x1 = x(2sG) and e = r - x1 makes a
	 * valid signature that both implementations must accept. */
	BN_copy(u, dd);
	BN_sub_word(u, 1);
	BN_mod_sub(u, N_, u, N_, bctx);      /* 1 - d */
	BN_mod_inverse(u, u, N_, bctx);
	BN_mod_mul(s, r, dd, N_, bctx);
	BN_mod_mul(s, s, u, N_, bctx);
	BN_mod_add(u, s, s, N_, bctx);
	uint8_t two_s[32];
	bn_out(two_s, u);
	BIGNUM *x2 = ossl_x_of_kg(two_s);
	BN_mod_sub(t, r, x2, N_, bctx);
	bn_out(e, t);
	bn_out(rs, r);
	bn_out(rs + 32, s);
	CHECK_OK(eseal_sm2own_verify(pub, e, rs));
	CHECK_EQ_INT(ossl_sm2_verify_e(ok, e, rs), 1);
	{
		eseal_sm2own_key *key;
		CHECK_OK(eseal_sm2own_key_new(&key, NULL, pub, NULL, 0));
		CHECK_OK(eseal_sm2own_key_precompute(key));
		CHECK_OK(eseal_sm2own_key_verify(key, e, rs));
		eseal_sm2own_key_free(key);
	}
	BN_free(x2);

	/* s*G = -t*P is the infinity case above; s*G with t*P = 0 cannot happen
	 * (t != 0). A public key equal to G: t*G + s*G in the same table. */
	{
		uint8_t one[32] = { 0 }, g[64];
		one[31] = 1;
		CHECK_OK(eseal_sm2own_pubkey(one, g));
		EVP_PKEY *gk = ossl_sm2_key(one, g);
		REQUIRE(gk);
		for (int i = 0; i < 20; i++) {
			RAND_bytes(e, 32);
			CHECK_OK(eseal_sm2own_sign(one, e, rs));
			CHECK_OK(eseal_sm2own_verify(g, e, rs));
			CHECK_EQ_INT(ossl_sm2_verify_e(gk, e, rs), 1);
		}
		EVP_PKEY_free(gk);
	}
	EVP_PKEY_free(ok);
	BN_free(r); BN_free(s); BN_free(dd); BN_free(u);
	BN_free(x1); BN_free(kb); BN_free(t);
}

/* Both multipliers give the same signatures for the same nonce. */
static void test_portable_matches_mulx(void)
{
	for (int i = 0; i < 50; i++) {
		uint8_t d[32], pub[64], e[32], k[32], a[64], b[64];
		CHECK_OK(eseal_sm2own_keygen(d, pub));
		RAND_bytes(e, 32);
		RAND_bytes(k, 32);
		k[0] &= 0x7f;
		sm2_fe_force_portable(1);
		int ra = eseal_sm2own_sign_with_k(d, e, k, a);
		sm2_fe_force_portable(0);
		int rb = eseal_sm2own_sign_with_k(d, e, k, b);
		CHECK(ra == 0 && rb == 0);
		CHECK(memcmp(a, b, 64) == 0);
	}
}

TESTS(T(test_field_vs_bignum), T(test_scalar_vs_bignum), T(test_kat_gmt0003),
      T(test_differential_openssl), T(test_edge_signatures), T(test_edge_nonce_and_infinity),
      T(test_portable_matches_mulx))
