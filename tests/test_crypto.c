/*
 * test_crypto.c - known-answer and round-trip tests for src/crypto: SM3,
 * HMAC-SM3, SM4 (block, CBC, GCM), SM2 (Z_A, e, signature vectors, range
 * checks, raw/DER forms, interoperability with the openssl command), P-256
 * and RSA signatures. Vectors come from GB/T 32905, GB/T 32907,
 * GM/T 0003.5 Annex A and RFC 8998.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "eseal/crypto.h"
#include "crypto/key_internal.h"
#include "harness.h"

/* Decodes hex into out (capacity cap); returns the byte count. */
static size_t unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	while (hex[0] && hex[1] && n < cap) {
		unsigned v;
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static int eq_hex(const uint8_t *p, size_t len, const char *hex)
{
	uint8_t want[512];
	size_t n = unhex(want, sizeof want, hex);
	return n == len && memcmp(p, want, len) == 0;
}

/* ---- SM3 ---- */

static const struct {
	const char *msg;
	int repeat;
	const char *digest;
} sm3_vectors[] = {
	{ "abc", 1, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" },
	{ "abcd", 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732" },
};

static void test_sm3_vectors(void)
{
	for (size_t i = 0; i < sizeof sm3_vectors / sizeof sm3_vectors[0]; i++) {
		char msg[256] = "";
		uint8_t d[32], d2[32];
		for (int j = 0; j < sm3_vectors[i].repeat; j++)
			strcat(msg, sm3_vectors[i].msg);
		eseal_sm3(d, msg, strlen(msg));
		CHECK(eq_hex(d, 32, sm3_vectors[i].digest));

		/* Streaming, one byte at a time, must agree. */
		eseal_sm3_ctx *c;
		CHECK_OK(eseal_sm3_new(&c));
		for (size_t j = 0; j < strlen(msg); j++)
			eseal_sm3_update(c, msg + j, 1);
		eseal_sm3_final(c, d2);
		eseal_sm3_free(c);
		CHECK(memcmp(d, d2, 32) == 0);
	}
}

static void test_sha256(void)
{
	uint8_t d[32];
	eseal_sha256(d, "abc", 3);
	CHECK(eq_hex(d, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

/* ---- HMAC-SM3 ----
 * Expected values computed with OpenSSL 3.0.22:
 *   openssl mac -digest SM3 -macopt hexkey:KEY -in MSG HMAC
 * The second row also matches the published HMAC-SM3 "Hi There" vector. */
static const struct {
	const char *key_hex;
	const char *msg;
	int msg_a_repeat; /* when > 0: msg is 'a' repeated this many times */
	const char *mac;
} hmac_vectors[] = {
	{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "abc", 0,
	  "A8F95CF26F204957E7CA73C9602A25DDA35F168B28103B51DFC968C810416B63" },
	{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", 0,
	  "51B00D1FB49832BFB01C3CE27848E59F871D9BA938DC563B338CA964755CCE70" },
	/* 100-byte key: longer than the SM3 block, so it is hashed first. */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  NULL, 200, "8F986CA0022C44B81449E2B1E6E651A22DCD0E07822259A5491466C272D141CB" },
};

static void test_hmac_sm3(void)
{
	for (size_t i = 0; i < sizeof hmac_vectors / sizeof hmac_vectors[0]; i++) {
		uint8_t key[128], mac[32];
		char msg[256];
		size_t klen = unhex(key, sizeof key, hmac_vectors[i].key_hex);
		if (hmac_vectors[i].msg_a_repeat) {
			memset(msg, 'a', (size_t)hmac_vectors[i].msg_a_repeat);
			msg[hmac_vectors[i].msg_a_repeat] = 0;
		} else {
			strcpy(msg, hmac_vectors[i].msg);
		}
		CHECK_OK(eseal_hmac_sm3(mac, key, klen, msg, strlen(msg)));
		CHECK(eq_hex(mac, 32, hmac_vectors[i].mac));
	}
}

static void test_random(void)
{
	uint8_t a[32] = { 0 }, b[32] = { 0 };
	CHECK_OK(eseal_random(a, sizeof a));
	CHECK_OK(eseal_random(b, sizeof b));
	CHECK(memcmp(a, b, 32) != 0);
}

/* ---- SM4 ---- */

static void test_sm4_block(void)
{
	uint8_t key[16], blk[16];
	unhex(key, 16, "0123456789abcdeffedcba9876543210");
	CHECK_OK(eseal_sm4_encrypt_block(blk, key, key));
	CHECK(eq_hex(blk, 16, "681edf34d206965e86b3e94f536e4246"));
}

/* GB/T 32907 Annex A example 2: the block encrypted 1,000,000 times in a
 * row with the same key. */
static void test_sm4_million(void)
{
	uint8_t key[16], blk[16];
	unhex(key, 16, "0123456789abcdeffedcba9876543210");
	memcpy(blk, key, 16);
	for (int i = 0; i < 1000000; i++)
		CHECK_OK(eseal_sm4_encrypt_block(blk, key, blk));
	CHECK(eq_hex(blk, 16, "595298c7c6fd271f0402f804c33d3f66"));
}

static void test_sm4_cbc(void)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 100, 4096 };
	uint8_t key[16], key2[16], iv[16], msg[4096];
	unhex(key, 16, "0123456789abcdeffedcba9876543210");
	unhex(key2, 16, "00112233445566778899aabbccddeeff");
	unhex(iv, 16, "000102030405060708090a0b0c0d0e0f");
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		eseal_buf ct = ESEAL_BUF_INIT, pt = ESEAL_BUF_INIT, bad = ESEAL_BUF_INIT;
		CHECK_OK(eseal_sm4_cbc_encrypt(&ct, key, iv, msg, lens[i]));
		CHECK_EQ_INT(ct.len, (lens[i] / 16 + 1) * 16);
		CHECK_OK(eseal_sm4_cbc_decrypt(&pt, key, iv, ct.data, ct.len));
		CHECK(pt.len == lens[i] && (lens[i] == 0 || memcmp(pt.data, msg, lens[i]) == 0));
		/* A wrong key either fails the padding check or (rarely) yields
		 * different bytes; never the plaintext. */
		int rc = eseal_sm4_cbc_decrypt(&bad, key2, iv, ct.data, ct.len);
		CHECK(rc == ESEAL_ECRYPTO || bad.len != lens[i] ||
		      (lens[i] > 0 && memcmp(bad.data, msg, lens[i]) != 0));
		if (rc)
			CHECK_EQ_INT(bad.len, 0); /* no partial output */
		eseal_buf_free(&ct);
		eseal_buf_free(&pt);
		eseal_buf_free(&bad);
	}
	/* Ciphertext that is not a whole number of blocks. */
	eseal_buf out = ESEAL_BUF_INIT;
	CHECK_EQ_INT(eseal_sm4_cbc_decrypt(&out, key, iv, msg, 17), ESEAL_EFORMAT);
	CHECK_EQ_INT(eseal_sm4_cbc_decrypt(&out, key, iv, msg, 0), ESEAL_EFORMAT);
	CHECK_EQ_INT(out.len, 0);
}

/* With this key, the first test message decrypts to a bad pad (checked). */
static void test_sm4_cbc_wrong_key_fails(void)
{
	uint8_t key[16], key2[16], iv[16] = { 0 };
	eseal_buf ct = ESEAL_BUF_INIT, pt = ESEAL_BUF_INIT;
	unhex(key, 16, "0123456789abcdeffedcba9876543210");
	unhex(key2, 16, "0123456789abcdeffedcba9876543211");
	CHECK_OK(eseal_sm4_cbc_encrypt(&ct, key, iv, "secret seal key", 15));
	CHECK_EQ_INT(eseal_sm4_cbc_decrypt(&pt, key2, iv, ct.data, ct.len), ESEAL_ECRYPTO);
	CHECK_EQ_INT(pt.len, 0);
	eseal_buf_free(&ct);
	eseal_buf_free(&pt);
}

/* RFC 8998 Appendix A.1 (SM4-GCM). */
#define GCM_KEY "0123456789ABCDEFFEDCBA9876543210"
#define GCM_IV "00001234567800000000ABCD"
#define GCM_AAD "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2"
#define GCM_PT "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD" \
	       "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
#define GCM_CT "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735" \
	       "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
#define GCM_TAG "83DE3541E4C2B58177E065A9BF7B62EC"

static void test_sm4_gcm_vector(void)
{
	uint8_t key[16], iv[12], aad[20], pt[64], ct[80];
	eseal_buf out = ESEAL_BUF_INIT, back = ESEAL_BUF_INIT;
	unhex(key, 16, GCM_KEY);
	unhex(iv, 12, GCM_IV);
	unhex(aad, 20, GCM_AAD);
	unhex(pt, 64, GCM_PT);
	unhex(ct, 64, GCM_CT);
	unhex(ct + 64, 16, GCM_TAG);

	CHECK_OK(eseal_sm4_gcm_encrypt(&out, key, iv, aad, 20, pt, 64));
	REQUIRE(out.len == 80);
	CHECK(memcmp(out.data, ct, 64) == 0);
	CHECK(memcmp(out.data + 64, ct + 64, 16) == 0);

	CHECK_OK(eseal_sm4_gcm_decrypt(&back, key, iv, aad, 20, ct, 80));
	CHECK(back.len == 64 && memcmp(back.data, pt, 64) == 0);
	eseal_buf_free(&back);

	/* Tampering anywhere (tag, ciphertext, AAD) is ESEAL_EVERIFY, no output. */
	ct[79] ^= 1;
	CHECK_EQ_INT(eseal_sm4_gcm_decrypt(&back, key, iv, aad, 20, ct, 80), ESEAL_EVERIFY);
	ct[79] ^= 1;
	ct[3] ^= 0x80;
	CHECK_EQ_INT(eseal_sm4_gcm_decrypt(&back, key, iv, aad, 20, ct, 80), ESEAL_EVERIFY);
	ct[3] ^= 0x80;
	aad[0] ^= 1;
	CHECK_EQ_INT(eseal_sm4_gcm_decrypt(&back, key, iv, aad, 20, ct, 80), ESEAL_EVERIFY);
	CHECK_EQ_INT(back.len, 0);
	CHECK_EQ_INT(eseal_sm4_gcm_decrypt(&back, key, iv, NULL, 0, ct, 15), ESEAL_EFORMAT);
	eseal_buf_free(&out);
}

static void test_sm4_gcm_roundtrip(void)
{
	static const size_t lens[] = { 0, 1, 16, 31, 1024, 1500 };
	uint8_t key[16], iv[12], msg[1500];
	CHECK_OK(eseal_random(key, 16));
	CHECK_OK(eseal_random(iv, 12));
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		eseal_buf ct = ESEAL_BUF_INIT, pt = ESEAL_BUF_INIT;
		CHECK_OK(eseal_sm4_gcm_encrypt(&ct, key, iv, "hdr", 3, msg, lens[i]));
		CHECK_EQ_INT(ct.len, lens[i] + 16);
		CHECK_OK(eseal_sm4_gcm_decrypt(&pt, key, iv, "hdr", 3, ct.data, ct.len));
		CHECK(pt.len == lens[i] && (lens[i] == 0 || memcmp(pt.data, msg, lens[i]) == 0));
		eseal_buf_free(&ct);
		eseal_buf_free(&pt);
	}
}

/* ---- SM2: GM/T 0003.5 Annex A ---- */

#define SM2_D "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
#define SM2_ZA "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3"
#define SM2_E "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640"
#define SM2_R "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
#define SM2_S "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
#define SM2_N "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123"
#define SM2_MSG "message digest"

static eseal_key *annex_key(void)
{
	uint8_t d[32];
	eseal_key *k = NULL;
	unhex(d, 32, SM2_D);
	if (eseal_key_from_sm2_private(&k, d) != 0) {
		fprintf(stderr, "  annex key: %s\n", eseal_error_last());
		return NULL;
	}
	return k;
}

static void test_sm2_za_and_e(void)
{
	uint8_t za[32], e[32];
	eseal_key *k = annex_key();
	REQUIRE(k);
	CHECK_EQ_INT(eseal_key_get_type(k), ESEAL_KEY_SM2);
	CHECK(eseal_key_has_private(k));
	CHECK_OK(eseal_sm2_za(k, za));
	CHECK(eq_hex(za, 32, SM2_ZA));
	CHECK_OK(eseal_sm2_digest(k, SM2_MSG, strlen(SM2_MSG), e));
	CHECK(eq_hex(e, 32, SM2_E));
	eseal_key_free(k);
}

static void test_sm2_private_range(void)
{
	uint8_t d[32] = { 0 };
	eseal_key *k = NULL;
	CHECK_EQ_INT(eseal_key_from_sm2_private(&k, d), ESEAL_EINVAL);
	unhex(d, 32, SM2_N);
	CHECK_EQ_INT(eseal_key_from_sm2_private(&k, d), ESEAL_EINVAL);
	d[31] -= 1; /* n-1 is also excluded for SM2 */
	CHECK_EQ_INT(eseal_key_from_sm2_private(&k, d), ESEAL_EINVAL);
	d[31] -= 1; /* n-2 is the largest allowed */
	CHECK_OK(eseal_key_from_sm2_private(&k, d));
	eseal_key_free(k);
}

/* The standard's (r, s), checked as DER and raw, then every way to break it. */
static const struct {
	const char *name;
	const char *r, *s;
	const char *msg;
	int raw;
	int want;
} sm2_verify_cases[] = {
	{ "vector DER", SM2_R, SM2_S, SM2_MSG, 0, 0 },
	{ "vector raw", SM2_R, SM2_S, SM2_MSG, 1, 0 },
	{ "bit flip in s", SM2_R, "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AB", SM2_MSG, 0, ESEAL_EVERIFY },
	{ "bit flip in r (raw)", "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B2", SM2_S, SM2_MSG, 1, ESEAL_EVERIFY },
	{ "r = 0", "0000000000000000000000000000000000000000000000000000000000000000", SM2_S, SM2_MSG, 0, ESEAL_EVERIFY },
	{ "s = 0 (raw)", SM2_R, "0000000000000000000000000000000000000000000000000000000000000000", SM2_MSG, 1, ESEAL_EVERIFY },
	{ "r = n", SM2_N, SM2_S, SM2_MSG, 0, ESEAL_EVERIFY },
	{ "s = n (raw)", SM2_R, SM2_N, SM2_MSG, 1, ESEAL_EVERIFY },
	{ "s > n", SM2_R, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", SM2_MSG, 0, ESEAL_EVERIFY },
	{ "other message", SM2_R, SM2_S, "message digesT", 0, ESEAL_EVERIFY },
};

static void test_sm2_verify_vector(void)
{
	eseal_key *k = annex_key();
	REQUIRE(k);
	for (size_t i = 0; i < sizeof sm2_verify_cases / sizeof sm2_verify_cases[0]; i++) {
		uint8_t raw[64];
		eseal_buf der = ESEAL_BUF_INIT;
		unhex(raw, 32, sm2_verify_cases[i].r);
		unhex(raw + 32, 32, sm2_verify_cases[i].s);
		CHECK_OK(eseal_sm2_sig_raw_to_der(&der, raw));
		const char *m = sm2_verify_cases[i].msg;
		int rc = sm2_verify_cases[i].raw ? eseal_key_verify(k, m, strlen(m), raw, 64)
						 : eseal_key_verify(k, m, strlen(m), der.data, der.len);
		if (rc != sm2_verify_cases[i].want)
			fprintf(stderr, "  case \"%s\": %d (%s)\n", sm2_verify_cases[i].name, rc, eseal_error_last());
		CHECK_EQ_INT(rc, sm2_verify_cases[i].want);
		eseal_buf_free(&der);
	}
	eseal_key_free(k);
}

/* The public key alone (SPKI round trip) verifies the vector too. */
static void test_sm2_public_only(void)
{
	eseal_key *k = annex_key(), *pub = NULL;
	eseal_buf spki = ESEAL_BUF_INIT;
	uint8_t raw[64];
	REQUIRE(k);
	CHECK_OK(eseal_key_spki(k, &spki));
	CHECK_OK(eseal_key_from_spki(&pub, spki.data, spki.len));
	CHECK_EQ_INT(eseal_key_get_type(pub), ESEAL_KEY_SM2);
	CHECK(!eseal_key_has_private(pub));
	unhex(raw, 32, SM2_R);
	unhex(raw + 32, 32, SM2_S);
	CHECK_OK(eseal_key_verify(pub, SM2_MSG, strlen(SM2_MSG), raw, 64));
	eseal_buf sig = ESEAL_BUF_INIT;
	CHECK(eseal_key_sign(pub, "x", 1, &sig) != 0);
	CHECK_EQ_INT(sig.len, 0);

	/* Trailing garbage and a point moved off the curve are refused. */
	eseal_key *bad = NULL;
	CHECK_OK(eseal_buf_putc(&spki, 0));
	CHECK_EQ_INT(eseal_key_from_spki(&bad, spki.data, spki.len), ESEAL_EFORMAT);
	spki.len--;
	spki.data[spki.len - 1] ^= 1; /* last byte of y */
	CHECK(eseal_key_from_spki(&bad, spki.data, spki.len) != 0);
	CHECK(bad == NULL);
	eseal_buf_free(&spki);
	eseal_key_free(pub);
	eseal_key_free(k);
}

/* Lenient DER: INTEGERs without the 0x00 pad, short r, long-form lengths. */
static void test_sig_der_forms(void)
{
	uint8_t raw[64], back[64];
	eseal_buf der = ESEAL_BUF_INIT;

	/* 31-byte r: DER INTEGER of 31 bytes, raw form zero-padded. */
	unhex(raw, 32, "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF");
	unhex(raw + 32, 32, "8000000000000000000000000000000000000000000000000000000000000001");
	CHECK_OK(eseal_sm2_sig_raw_to_der(&der, raw));
	/* 30 len 02 1F <31 bytes> 02 21 00 <32 bytes> */
	CHECK_EQ_INT(der.len, 2 + 2 + 31 + 2 + 33);
	CHECK(der.data[0] == 0x30 && der.data[2] == 0x02 && der.data[3] == 31);
	CHECK(der.data[4 + 31] == 0x02 && der.data[4 + 31 + 1] == 33 && der.data[4 + 31 + 2] == 0);
	CHECK_OK(eseal_sm2_sig_der_to_raw(back, der.data, der.len));
	CHECK(memcmp(raw, back, 64) == 0);
	eseal_buf_free(&der);

	/* s without the 0x00 pad (a "negative" INTEGER some producers write). */
	uint8_t lax[2 + 2 + 31 + 2 + 32];
	size_t n = 0;
	lax[n++] = 0x30;
	lax[n++] = sizeof lax - 2;
	lax[n++] = 0x02;
	lax[n++] = 31;
	memcpy(lax + n, raw + 1, 31);
	n += 31;
	lax[n++] = 0x02;
	lax[n++] = 32;
	memcpy(lax + n, raw + 32, 32);
	memset(back, 0, 64);
	CHECK_OK(eseal_sm2_sig_der_to_raw(back, lax, sizeof lax));
	CHECK(memcmp(raw, back, 64) == 0);

	/* Malformed: truncated, trailing bytes, 33 significant bytes. */
	CHECK_EQ_INT(eseal_sm2_sig_der_to_raw(back, lax, sizeof lax - 1), ESEAL_EFORMAT);
	uint8_t longer[sizeof lax + 1];
	memcpy(longer, lax, sizeof lax);
	longer[sizeof lax] = 0;
	CHECK_EQ_INT(eseal_sm2_sig_der_to_raw(back, longer, sizeof longer), ESEAL_EFORMAT);
	CHECK_EQ_INT(eseal_sm2_sig_der_to_raw(back, (const uint8_t *)"\x30\x00", 2), ESEAL_EFORMAT);
}

/* A verifier handed a signature whose INTEGER lacks the pad still accepts it. */
static void test_sm2_verify_unpadded_der(void)
{
	eseal_key *k = annex_key();
	uint8_t der[2 + 2 + 32 + 2 + 32];
	REQUIRE(k);
	der[0] = 0x30;
	der[1] = sizeof der - 2;
	der[2] = 0x02;
	der[3] = 32;
	unhex(der + 4, 32, SM2_R);
	der[36] = 0x02;
	der[37] = 32;
	unhex(der + 38, 32, SM2_S);
	CHECK_OK(eseal_key_verify(k, SM2_MSG, strlen(SM2_MSG), der, sizeof der));
	eseal_key_free(k);
}

/* ---- Sign / verify round trips ---- */

static void roundtrip(eseal_key_type type)
{
	eseal_key *k = NULL, *pub = NULL;
	eseal_buf sig = ESEAL_BUF_INIT, spki = ESEAL_BUF_INIT;
	const char *msg = "electronic seal";
	CHECK_OK(eseal_key_generate(&k, type));
	CHECK_EQ_INT(eseal_key_get_type(k), type);
	CHECK(eseal_key_has_private(k));
	CHECK_OK(eseal_key_sign(k, msg, strlen(msg), &sig));
	CHECK_OK(eseal_key_verify(k, msg, strlen(msg), sig.data, sig.len));
	CHECK_OK(eseal_key_spki(k, &spki));
	CHECK_OK(eseal_key_from_spki(&pub, spki.data, spki.len));
	CHECK_EQ_INT(eseal_key_get_type(pub), type);
	CHECK_OK(eseal_key_verify(pub, msg, strlen(msg), sig.data, sig.len));
	CHECK_EQ_INT(eseal_key_verify(pub, "electronic seaL", strlen(msg), sig.data, sig.len), ESEAL_EVERIFY);
	sig.data[sig.len - 1] ^= 1;
	CHECK_EQ_INT(eseal_key_verify(pub, msg, strlen(msg), sig.data, sig.len), ESEAL_EVERIFY);
	sig.data[sig.len - 1] ^= 1;
	CHECK_EQ_INT(eseal_key_verify(pub, msg, strlen(msg), sig.data, sig.len - 1), ESEAL_EVERIFY);

	/* Signing a precomputed digest verifies against the message. */
	uint8_t dg[32];
	eseal_buf sig2 = ESEAL_BUF_INIT;
	if (type == ESEAL_KEY_SM2)
		CHECK_OK(eseal_sm2_digest(k, msg, strlen(msg), dg));
	else
		eseal_sha256(dg, msg, strlen(msg));
	CHECK_OK(eseal_key_sign_digest(k, dg, 32, &sig2));
	CHECK_OK(eseal_key_verify(pub, msg, strlen(msg), sig2.data, sig2.len));

	if (type != ESEAL_KEY_RSA) {
		uint8_t pt[65], raw[64];
		CHECK_OK(eseal_key_public_point(k, pt));
		CHECK(pt[0] == 4);
		/* The raw r||s form is accepted for SM2. */
		if (type == ESEAL_KEY_SM2) {
			CHECK_OK(eseal_sm2_sig_der_to_raw(raw, sig.data, sig.len));
			CHECK_OK(eseal_key_verify(pub, msg, strlen(msg), raw, 64));
		}
	}
	eseal_buf_free(&sig);
	eseal_buf_free(&sig2);
	eseal_buf_free(&spki);
	eseal_key_free(k);
	eseal_key_free(pub);
}

static void test_roundtrip_sm2(void) { roundtrip(ESEAL_KEY_SM2); }
static void test_roundtrip_p256(void) { roundtrip(ESEAL_KEY_EC_P256); }
static void test_roundtrip_rsa(void) { roundtrip(ESEAL_KEY_RSA); }

/* The Annex A key signs e directly; the result verifies as a message signature. */
static void test_sm2_sign_digest_vector_key(void)
{
	eseal_key *k = annex_key();
	uint8_t e[32];
	eseal_buf sig = ESEAL_BUF_INIT;
	REQUIRE(k);
	unhex(e, 32, SM2_E);
	CHECK_OK(eseal_key_sign_digest(k, e, 32, &sig));
	CHECK_OK(eseal_key_verify(k, SM2_MSG, strlen(SM2_MSG), sig.data, sig.len));
	eseal_buf_free(&sig);
	eseal_key_free(k);
}

/* ---- Interoperability: the openssl command verifies eseal's SM2 signature ---- */

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(p, 1, n, f);
	return fclose(f) == 0 && w == n ? 0 : -1;
}

static void test_sm2_openssl_cli(void)
{
	if (system("openssl version >/dev/null 2>&1") != 0)
		SKIP("openssl command not found");
	const char *dir = h_tmpdir();
	const char *msg = "seal this document";
	eseal_key *k = NULL;
	eseal_buf sig = ESEAL_BUF_INIT;
	char path[512], cmd[2048];

	CHECK_OK(eseal_key_generate(&k, ESEAL_KEY_SM2));
	CHECK_OK(eseal_key_sign(k, msg, strlen(msg), &sig));
	REQUIRE(write_file(dir, "msg", msg, strlen(msg)) == 0);
	REQUIRE(write_file(dir, "sig", sig.data, sig.len) == 0);
	snprintf(path, sizeof path, "%s/pub.pem", dir);
	BIO *b = BIO_new_file(path, "w");
	REQUIRE(b);
	CHECK(PEM_write_bio_PUBKEY(b, k->pkey) == 1);
	BIO_free(b);

	snprintf(cmd, sizeof cmd,
		 "cd '%s' && openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg "
		 "-sigfile sig -digest sm3 -pkeyopt distid:1234567812345678 >out.txt 2>&1", dir);
	CHECK_EQ_INT(system(cmd), 0);
	/* With OpenSSL's default (empty) ID it must NOT verify: proves the ID is used. */
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg "
		 "-sigfile sig -digest sm3 >out2.txt 2>&1", dir);
	CHECK(system(cmd) != 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK_EQ_INT(system(cmd), 0);
	eseal_buf_free(&sig);
	eseal_key_free(k);
}

/* The key of a DER certificate (an SM2 subject key in a P-256-signed
 * certificate built here: the issuer signature is irrelevant to key loading). */
static void test_key_from_cert(void)
{
	eseal_key *sm2 = NULL, *issuer = NULL, *k = NULL;
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	unsigned char *der = NULL;
	eseal_buf sig = ESEAL_BUF_INIT;
	REQUIRE(x && name);
	CHECK_OK(eseal_key_generate(&sm2, ESEAL_KEY_SM2));
	CHECK_OK(eseal_key_generate(&issuer, ESEAL_KEY_EC_P256));
	CHECK(X509_set_version(x, 2) == 1);
	CHECK(ASN1_INTEGER_set(X509_get_serialNumber(x), 7) == 1);
	CHECK(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)"test", -1, -1, 0) == 1);
	CHECK(X509_set_subject_name(x, name) == 1 && X509_set_issuer_name(x, name) == 1);
	CHECK(X509_gmtime_adj(X509_getm_notBefore(x), 0) && X509_gmtime_adj(X509_getm_notAfter(x), 3600));
	CHECK(X509_set_pubkey(x, sm2->pkey) == 1);
	CHECK(X509_sign(x, issuer->pkey, EVP_sha256()) > 0);
	int n = i2d_X509(x, &der);
	REQUIRE(n > 0);
	CHECK_OK(eseal_key_from_cert_der(&k, der, (size_t)n));
	CHECK_EQ_INT(eseal_key_get_type(k), ESEAL_KEY_SM2);
	CHECK(!eseal_key_has_private(k));
	CHECK_OK(eseal_key_sign(sm2, "abc", 3, &sig));
	CHECK_OK(eseal_key_verify(k, "abc", 3, sig.data, sig.len));
	eseal_key_free(k);
	k = NULL;
	CHECK(eseal_key_from_cert_der(&k, der, (size_t)n - 1) == ESEAL_EFORMAT);
	CHECK(k == NULL);
	OPENSSL_free(der);
	X509_NAME_free(name);
	X509_free(x);
	eseal_buf_free(&sig);
	eseal_key_free(sm2);
	eseal_key_free(issuer);
}

static void test_crypto_error_drains_queue(void)
{
	eseal_key *k = NULL;
	CHECK(eseal_key_from_spki(&k, (const uint8_t *)"\x30\x03\x02\x01\x01", 5) == ESEAL_EFORMAT);
	CHECK(strlen(eseal_error_last()) > 0);
	CHECK(ERR_peek_error() == 0);
}

TESTS(T(test_sm3_vectors), T(test_sha256), T(test_hmac_sm3), T(test_random),
      T(test_sm4_block), T(test_sm4_million), T(test_sm4_cbc), T(test_sm4_cbc_wrong_key_fails),
      T(test_sm4_gcm_vector), T(test_sm4_gcm_roundtrip),
      T(test_sm2_za_and_e), T(test_sm2_private_range), T(test_sm2_verify_vector),
      T(test_sm2_public_only), T(test_sig_der_forms), T(test_sm2_verify_unpadded_der),
      T(test_roundtrip_sm2), T(test_roundtrip_p256), T(test_roundtrip_rsa),
      T(test_sm2_sign_digest_vector_key), T(test_sm2_openssl_cli),
      T(test_key_from_cert), T(test_crypto_error_drains_queue))
