/*
 * sm4_gcm.c - SM4-GCM (NIST SP 800-38D with SM4 as the block cipher, as in
 * RFC 8998). OpenSSL 3.0 has no SM4-GCM, so the mode is built here on top of
 * SM4-ECB: CTR for the data, GHASH for the tag.
 * Must never branch or index memory on secret data (GHASH is a bitwise,
 * mask-based multiply, no tables) and never release plaintext before the tag
 * has been checked.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/key_internal.h"
#include "crypto/sm4_internal.h"

#define GCM_TAG_LEN 16
#define GCM_CHUNK 64 /* counter blocks encrypted per EVP call */

typedef struct {
	uint64_t hi, lo;
} gf128;

static uint64_t load64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static void store64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* X = X * H in GF(2^128) with GCM's bit order; constant time. */
static void gf_mul(gf128 *x, const gf128 *h)
{
	uint64_t zh = 0, zl = 0, vh = h->hi, vl = h->lo;

	for (int i = 0; i < 128; i++) {
		uint64_t bit = i < 64 ? (x->hi >> (63 - i)) & 1 : (x->lo >> (127 - i)) & 1;
		uint64_t m = (uint64_t)0 - bit;
		zh ^= vh & m;
		zl ^= vl & m;
		uint64_t lsb = (uint64_t)0 - (vl & 1);
		vl = (vl >> 1) | (vh << 63);
		vh = (vh >> 1) ^ (UINT64_C(0xE100000000000000) & lsb);
	}
	x->hi = zh;
	x->lo = zl;
}

/* Absorbs data into the GHASH state, zero-padding the last block. */
static void ghash(gf128 *y, const gf128 *h, const uint8_t *p, size_t len)
{
	uint8_t blk[16];

	while (len > 0) {
		size_t n = len < 16 ? len : 16;
		memset(blk, 0, sizeof blk);
		memcpy(blk, p, n);
		y->hi ^= load64(blk);
		y->lo ^= load64(blk + 8);
		gf_mul(y, h);
		p += n;
		len -= n;
	}
	eseal_wipe(blk, sizeof blk);
}

typedef struct {
	EVP_CIPHER_CTX *ecb;
	gf128 h;
	uint8_t j0[16];
} gcm_state;

static int gcm_init(gcm_state *g, const uint8_t key[16], const uint8_t iv[12])
{
	uint8_t zero[16] = { 0 }, hb[16];
	int rc = eseal_sm4_ecb_new(&g->ecb, key);
	if (rc)
		return rc;
	rc = eseal_sm4_ecb_blocks(g->ecb, hb, zero, 1);
	if (rc) {
		EVP_CIPHER_CTX_free(g->ecb);
		g->ecb = NULL;
		return rc;
	}
	g->h.hi = load64(hb);
	g->h.lo = load64(hb + 8);
	memcpy(g->j0, iv, 12);
	g->j0[12] = g->j0[13] = g->j0[14] = 0;
	g->j0[15] = 1;
	eseal_wipe(hb, sizeof hb);
	return 0;
}

static void gcm_done(gcm_state *g)
{
	EVP_CIPHER_CTX_free(g->ecb);
	eseal_wipe(g, sizeof *g);
}

/* out = in XOR keystream starting at counter inc32(J0). */
static int gcm_ctr(gcm_state *g, uint8_t *out, const uint8_t *in, size_t len)
{
	uint8_t ctr[GCM_CHUNK * 16], ks[GCM_CHUNK * 16];
	uint32_t cnt = 2; /* J0 itself is reserved for the tag */
	int rc = 0;

	while (len > 0) {
		size_t nb = (len + 15) / 16;
		if (nb > GCM_CHUNK)
			nb = GCM_CHUNK;
		for (size_t i = 0; i < nb; i++, cnt++) {
			memcpy(ctr + i * 16, g->j0, 12);
			ctr[i * 16 + 12] = (uint8_t)(cnt >> 24);
			ctr[i * 16 + 13] = (uint8_t)(cnt >> 16);
			ctr[i * 16 + 14] = (uint8_t)(cnt >> 8);
			ctr[i * 16 + 15] = (uint8_t)cnt;
		}
		rc = eseal_sm4_ecb_blocks(g->ecb, ks, ctr, nb);
		if (rc)
			break;
		size_t n = nb * 16 < len ? nb * 16 : len;
		for (size_t i = 0; i < n; i++)
			out[i] = in[i] ^ ks[i];
		out += n;
		in += n;
		len -= n;
	}
	eseal_wipe(ks, sizeof ks);
	return rc;
}

static int gcm_tag(gcm_state *g, uint8_t tag[16], const uint8_t *aad, size_t aadlen,
		   const uint8_t *c, size_t clen)
{
	gf128 y = { 0, 0 };
	uint8_t lens[16], ek[16];
	int rc;

	ghash(&y, &g->h, aad, aadlen);
	ghash(&y, &g->h, c, clen);
	store64(lens, (uint64_t)aadlen * 8);
	store64(lens + 8, (uint64_t)clen * 8);
	ghash(&y, &g->h, lens, 16);
	rc = eseal_sm4_ecb_blocks(g->ecb, ek, g->j0, 1);
	if (rc)
		return rc;
	store64(tag, y.hi);
	store64(tag + 8, y.lo);
	for (int i = 0; i < 16; i++)
		tag[i] ^= ek[i];
	eseal_wipe(ek, sizeof ek);
	eseal_wipe(&y, sizeof y);
	return 0;
}

/* GCM allows at most 2^32 - 2 blocks of data under one IV. */
static int gcm_check_len(size_t len)
{
	if ((uint64_t)len > (((uint64_t)1 << 32) - 2) * 16)
		return eseal_error_set(ESEAL_ELIMIT, "SM4-GCM input too large");
	return 0;
}

int eseal_sm4_gcm_encrypt(eseal_buf *out, const uint8_t key[16], const uint8_t iv[12],
			  const void *aad, size_t aadlen, const void *in, size_t len)
{
	gcm_state g;
	uint8_t *tmp;
	int rc = gcm_check_len(len);
	if (rc)
		return rc;
	tmp = malloc(len + GCM_TAG_LEN);
	if (!tmp)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	rc = gcm_init(&g, key, iv);
	if (rc) {
		free(tmp);
		return rc;
	}
	rc = gcm_ctr(&g, tmp, in, len);
	if (!rc)
		rc = gcm_tag(&g, tmp + len, aad, aadlen, tmp, len);
	if (!rc)
		rc = eseal_buf_put(out, tmp, len + GCM_TAG_LEN);
	gcm_done(&g);
	free(tmp);
	return rc;
}

int eseal_sm4_gcm_decrypt(eseal_buf *out, const uint8_t key[16], const uint8_t iv[12],
			  const void *aad, size_t aadlen, const void *in, size_t len)
{
	const uint8_t *c = in;
	uint8_t tag[GCM_TAG_LEN], *tmp;
	gcm_state g;
	int rc;

	if (len < GCM_TAG_LEN)
		return eseal_error_set(ESEAL_EFORMAT, "SM4-GCM input shorter than the tag");
	len -= GCM_TAG_LEN;
	rc = gcm_check_len(len);
	if (rc)
		return rc;
	tmp = malloc(len ? len : 1);
	if (!tmp)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	rc = gcm_init(&g, key, iv);
	if (rc) {
		free(tmp);
		return rc;
	}
	rc = gcm_tag(&g, tag, aad, aadlen, c, len);
	if (!rc && eseal_ct_memcmp(tag, c + len, GCM_TAG_LEN) != 0)
		rc = eseal_error_set(ESEAL_EVERIFY, "SM4-GCM authentication failed (wrong key or modified data)");
	if (!rc)
		rc = gcm_ctr(&g, tmp, c, len);
	if (!rc)
		rc = eseal_buf_put(out, tmp, len);
	gcm_done(&g);
	eseal_wipe(tmp, len);
	free(tmp);
	return rc;
}
