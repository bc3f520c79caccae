/*
 * kek.c - the key-encryption key that wraps server-held private keys with
 * SM4-GCM. The KEK comes from a passphrase (scrypt with the instance's salt)
 * or a key file. Never stores the KEK or the passphrase, only a one-way
 * check value; every copy of key material is wiped after use.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "eseal/crypto.h"
#include "store_internal.h"

#define KEK_MAGIC0 'E'
#define KEK_MAGIC1 'K'
#define KEK_VERSION 1
#define KEK_HDR (3 + 8 + 12)   /* magic, version, kek id, iv */
#define KEK_TAG 16

#define SCRYPT_N (1u << 15)
#define SCRYPT_R 8
#define SCRYPT_P 1

struct eseal_kek {
	uint8_t sm4[16];  /* the SM4-GCM key, derived from the 32-byte KEK */
	uint8_t id[8];    /* names the KEK in blobs and in the check value */
};

int eseal_kek_from_bytes(eseal_kek **out, const uint8_t key[32])
{
	*out = NULL;
	eseal_kek *k = calloc(1, sizeof *k);
	uint8_t t[ESEAL_SM3_LEN];
	if (!k)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	/* Separate keys for encryption and identification. */
	int rc = eseal_hmac_sm3(t, key, 32, "eseal kek sm4-gcm v1", 20);
	if (!rc) {
		memcpy(k->sm4, t, 16);
		rc = eseal_hmac_sm3(t, key, 32, "eseal kek id v1", 15);
	}
	if (!rc)
		memcpy(k->id, t, 8);
	eseal_wipe(t, sizeof t);
	if (rc) {
		eseal_kek_free(k);
		return rc;
	}
	*out = k;
	return 0;
}

int eseal_kek_from_file(eseal_kek **out, const char *path)
{
	*out = NULL;
	eseal_buf b = ESEAL_BUF_INIT;
	uint8_t key[32];
	int rc = eseal_file_read(&b, path, 4096);
	if (rc)
		return rc;
	size_t n = b.len;
	if (n == 32) {
		memcpy(key, b.data, 32);
	} else {
		while (n && isspace(b.data[n - 1]))
			n--;
		if (n != 64 || eseal_buf_cstr(&b) || (b.data[64] = 0, eseal_hex_decode(key, 32, (char *)b.data))) {
			eseal_buf_free(&b);
			return eseal_error_set(ESEAL_EFORMAT, "%s: a key file holds 32 bytes or 64 hex digits", path);
		}
	}
	eseal_buf_free(&b);
	rc = eseal_kek_from_bytes(out, key);
	eseal_wipe(key, sizeof key);
	return rc;
}

/* The per-instance salt, made on first use. */
static int instance_salt(eseal_store *s, uint8_t salt[16])
{
	char *v = NULL;
	int rc = eseal_store_setting_get(s, "kek.salt", &v);
	if (rc == ESEAL_ENOTFOUND) {
		char h[33];
		if ((rc = eseal_random(salt, 16)))
			return rc;
		eseal_hex_encode(h, salt, 16, 0);
		/* Two servers starting at once: the first salt wins. */
		int64_t n = eseal_store_run(s, "INSERT INTO settings (key, value) VALUES ('kek.salt', ?1) "
					    "ON CONFLICT (key) DO NOTHING", "t", h);
		if (n < 0)
			return (int)n;
		rc = eseal_store_setting_get(s, "kek.salt", &v);
	}
	if (rc)
		return rc;
	rc = strlen(v) == 32 && !eseal_hex_decode(salt, 16, v) ? 0
		: eseal_error_set(ESEAL_EFORMAT, "store: setting kek.salt is malformed");
	free(v);
	return rc;
}

int eseal_kek_bind(eseal_kek *k, eseal_store *s)
{
	char h[17], *v = NULL;
	eseal_hex_encode(h, k->id, 8, 0);
	int rc = eseal_store_setting_get(s, "kek.check", &v);
	if (rc == ESEAL_ENOTFOUND) {
		int64_t n = eseal_store_run(s, "INSERT INTO settings (key, value) VALUES ('kek.check', ?1) "
					    "ON CONFLICT (key) DO NOTHING", "t", h);
		if (n < 0)
			return (int)n;
		rc = eseal_store_setting_get(s, "kek.check", &v);
	}
	if (rc)
		return rc;
	rc = strlen(v) == 16 && !eseal_ct_memcmp(v, h, 16) ? 0
		: eseal_error_set(ESEAL_EPASS, "wrong key-encryption passphrase or key file");
	free(v);
	return rc;
}

/* The instance's scrypt cost ("N=32768,r=8,p=1" in settings kek.scrypt),
 * recorded on first use so a later default cannot orphan existing keys. */
static int instance_cost(eseal_store *s, uint64_t *n, uint64_t *r, uint64_t *p)
{
	char *v = NULL, def[64];
	snprintf(def, sizeof def, "N=%u,r=%u,p=%u", SCRYPT_N, SCRYPT_R, SCRYPT_P);
	int64_t ins = eseal_store_run(s, "INSERT INTO settings (key, value) VALUES ('kek.scrypt', ?1) "
				      "ON CONFLICT (key) DO NOTHING", "t", def);
	if (ins < 0)
		return (int)ins;
	int rc = eseal_store_setting_get(s, "kek.scrypt", &v);
	if (rc)
		return rc;
	unsigned long long nn = 0, rr = 0, pp = 0;
	char end;
	if (sscanf(v, "N=%llu,r=%llu,p=%llu%c", &nn, &rr, &pp, &end) != 3 || nn < 1024 ||
	    nn > (1u << 22) || (nn & (nn - 1)) || rr < 1 || rr > 32 || pp < 1 || pp > 16)
		rc = eseal_error_set(ESEAL_EFORMAT, "store: setting kek.scrypt is malformed: '%s'", v);
	free(v);
	*n = nn;
	*r = rr;
	*p = pp;
	return rc;
}

int eseal_kek_from_passphrase(eseal_kek **out, eseal_store *s, const char *pass, size_t len)
{
	*out = NULL;
	uint8_t salt[16], key[32];
	uint64_t n = 0, r = 0, p = 0;
	if (!pass || !len)
		return eseal_error_set(ESEAL_EPASS, "an empty key-encryption passphrase is not allowed");
	int rc = instance_salt(s, salt);
	if (!rc)
		rc = instance_cost(s, &n, &r, &p);
	if (rc)
		return rc;
	/* 128 * N * r bytes (32 MiB by default): raise OpenSSL's memory cap. */
	if (!EVP_PBE_scrypt(pass, len, salt, sizeof salt, n, r, p,
			    128 * n * r + (16u << 20), key, sizeof key))
		return eseal_error_set(ESEAL_ECRYPTO, "scrypt failed");
	rc = eseal_kek_from_bytes(out, key);
	eseal_wipe(key, sizeof key);
	if (!rc && (rc = eseal_kek_bind(*out, s))) {
		eseal_kek_free(*out);
		*out = NULL;
	}
	return rc;
}

static int aad(eseal_buf *b, const uint8_t *hdr, const char *context)
{
	eseal_buf_put(b, hdr, KEK_HDR);
	return eseal_buf_puts(b, context ? context : "");
}

int eseal_kek_wrap(const eseal_kek *k, const char *context, const void *in, size_t len, eseal_buf *out)
{
	uint8_t hdr[KEK_HDR];
	eseal_buf a = ESEAL_BUF_INIT, ct = ESEAL_BUF_INIT;
	hdr[0] = KEK_MAGIC0;
	hdr[1] = KEK_MAGIC1;
	hdr[2] = KEK_VERSION;
	memcpy(hdr + 3, k->id, 8);
	int rc = eseal_random(hdr + 11, 12);
	if (!rc)
		rc = aad(&a, hdr, context);
	if (!rc)
		rc = eseal_sm4_gcm_encrypt(&ct, k->sm4, hdr + 11, a.data, a.len, in, len);
	if (!rc)
		rc = eseal_buf_put(out, hdr, sizeof hdr);
	if (!rc)
		rc = eseal_buf_put(out, ct.data, ct.len);
	eseal_buf_free(&a);
	eseal_buf_free(&ct);
	return rc;
}

int eseal_kek_unwrap(const eseal_kek *k, const char *context, const uint8_t *in, size_t len, eseal_buf *out)
{
	if (len < KEK_HDR + KEK_TAG || in[0] != KEK_MAGIC0 || in[1] != KEK_MAGIC1)
		return eseal_error_set(ESEAL_EFORMAT, "not a wrapped key blob");
	if (in[2] != KEK_VERSION)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "wrapped key blob version %d", in[2]);
	if (memcmp(in + 3, k->id, 8))
		return eseal_error_set(ESEAL_EPASS, "the blob was wrapped under another key-encryption key");
	eseal_buf a = ESEAL_BUF_INIT;
	int rc = aad(&a, in, context);
	if (!rc) {
		size_t before = out->len;
		rc = eseal_sm4_gcm_decrypt(out, k->sm4, in + 11, a.data, a.len, in + KEK_HDR, len - KEK_HDR);
		if (rc) {
			/* No partial plaintext left behind. */
			if (out->len > before)
				eseal_wipe(out->data + before, out->len - before);
			out->len = before;
			rc = eseal_error_set(ESEAL_EVERIFY, "wrapped key blob or its context was changed");
		}
	}
	eseal_buf_free(&a);
	return rc;
}

void eseal_kek_free(eseal_kek *k)
{
	if (!k)
		return;
	eseal_wipe(k, sizeof *k);
	free(k);
}
