/*
 * crypt.c - the standard security handler with the empty user password:
 * RC4 and AES-128 (R2-R4) and AES-256 (R5, R6), key derivation, password
 * check and per-object decryption of strings and streams.
 *
 * Only the empty user password is tried: a file that needs a real password
 * or another handler is refused with the reason kept for the caller. The
 * file key is wiped when the document is freed; the /Encrypt dictionary
 * itself is never decrypted.
 */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_internal.h"

static const uint8_t pad32[32] = {
	0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A
};

/* RC4 is not in OpenSSL 3's default provider, and it is a few lines. */
static void rc4(const uint8_t *key, size_t klen, const uint8_t *in, size_t n, uint8_t *out)
{
	uint8_t s[256];
	unsigned i, j = 0;
	for (i = 0; i < 256; i++)
		s[i] = (uint8_t)i;
	for (i = 0; i < 256; i++) {
		j = (j + s[i] + key[i % klen]) & 255;
		uint8_t t = s[i]; s[i] = s[j]; s[j] = t;
	}
	i = j = 0;
	for (size_t k = 0; k < n; k++) {
		i = (i + 1) & 255;
		j = (j + s[i]) & 255;
		uint8_t t = s[i]; s[i] = s[j]; s[j] = t;
		out[k] = in[k] ^ s[(s[i] + s[j]) & 255];
	}
	eseal_wipe(s, sizeof s);
}

static int digest(const char *name, const uint8_t *const *parts, const size_t *lens, int n, uint8_t *out)
{
	EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = md && c && EVP_DigestInit_ex(c, md, NULL);
	for (int i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(c, parts[i], lens[i]);
	ok = ok && EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
	EVP_MD_free(md);
	return ok ? 0 : eseal_error_set(ESEAL_ECRYPTO, "%s failed", name);
}

/* AES-CBC without padding; enc = 1 encrypts. */
static int aes_cbc(int bits, int enc, const uint8_t *key, const uint8_t *iv, const uint8_t *in, size_t n,
		   uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	const EVP_CIPHER *ci = bits == 256 ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
	int l1 = 0, l2 = 0;
	int ok = c && EVP_CipherInit_ex(c, ci, NULL, key, iv, enc) && EVP_CIPHER_CTX_set_padding(c, 0) &&
		 EVP_CipherUpdate(c, out, &l1, in, (int)n) && EVP_CipherFinal_ex(c, out + l1, &l2);
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : eseal_error_set(ESEAL_ECRYPTO, "AES failed");
}

static const uint8_t *str_of(const eseal_pdf_val *v, size_t *n)
{
	if (!v || v->type != ESEAL_PDF_STRING)
		return NULL;
	*n = v->u.s.n;
	return v->u.s.p;
}

/* Algorithm 2 (R2-R4) with the empty password. */
static int key_r4(pdf_crypt *c, const uint8_t *o, const uint8_t *id, size_t idlen)
{
	uint32_t pv = (uint32_t)c->p;
	uint8_t h[16], p4[4] = { (uint8_t)pv, (uint8_t)(pv >> 8), (uint8_t)(pv >> 16), (uint8_t)(pv >> 24) };
	static const uint8_t ff[4] = { 0xFF, 0xFF, 0xFF, 0xFF };
	const uint8_t *parts[5] = { pad32, o, p4, id, ff };
	size_t lens[5] = { 32, 32, 4, idlen, 4 };
	int np = c->r >= 4 && !c->encrypt_metadata ? 5 : 4;
	if (digest("MD5", parts, lens, np, h))
		return ESEAL_ECRYPTO;
	c->keylen = c->r == 2 ? 5 : (size_t)c->len_bits / 8;
	if (c->keylen < 5 || c->keylen > 16)
		c->keylen = c->r == 2 ? 5 : 16;
	if (c->r >= 3)
		for (int i = 0; i < 50; i++) {
			const uint8_t *pp[1] = { h };
			size_t ll[1] = { c->keylen };
			if (digest("MD5", pp, ll, 1, h))
				return ESEAL_ECRYPTO;
		}
	memcpy(c->key, h, c->keylen);
	eseal_wipe(h, sizeof h);
	return 0;
}

/* Algorithms 4 and 5: does the key reproduce /U? */
static int check_u_r4(const pdf_crypt *c, const uint8_t *u, size_t ulen, const uint8_t *id, size_t idlen)
{
	uint8_t buf[32], k[16];
	if (c->r == 2) {
		rc4(c->key, c->keylen, pad32, 32, buf);
		return ulen >= 32 && eseal_ct_memcmp(buf, u, 32) == 0;
	}
	const uint8_t *parts[2] = { pad32, id };
	size_t lens[2] = { 32, idlen };
	if (digest("MD5", parts, lens, 2, buf))
		return 0;
	rc4(c->key, c->keylen, buf, 16, buf);
	for (int i = 1; i <= 19; i++) {
		for (size_t j = 0; j < c->keylen; j++)
			k[j] = c->key[j] ^ (uint8_t)i;
		rc4(k, c->keylen, buf, 16, buf);
	}
	eseal_wipe(k, sizeof k);
	return ulen >= 16 && eseal_ct_memcmp(buf, u, 16) == 0;
}

/* Algorithm 2.B (R6) or plain SHA-256 (R5) over password || salt [|| U]. */
static int hash_r6(int r, const uint8_t *pw, size_t pwlen, const uint8_t *salt, const uint8_t *udata,
		   size_t ulen, uint8_t out[32])
{
	uint8_t k[64];
	const uint8_t *parts[3] = { pw, salt, udata };
	size_t lens[3] = { pwlen, 8, ulen };
	if (digest("SHA256", parts, lens, 3, k))
		return ESEAL_ECRYPTO;
	if (r == 5) {
		memcpy(out, k, 32);
		return 0;
	}
	size_t klen = 32, cap = 64 * (pwlen + 64 + ulen);
	uint8_t *k1 = malloc(cap), *e = malloc(cap);
	if (!k1 || !e) {
		free(k1);
		free(e);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	for (int round = 0;; round++) {
		size_t one = pwlen + klen + ulen, n = one * 64;
		for (int i = 0; i < 64; i++) {
			if (pwlen)
				memcpy(k1 + i * one, pw, pwlen);
			memcpy(k1 + i * one + pwlen, k, klen);
			if (ulen)
				memcpy(k1 + i * one + pwlen + klen, udata, ulen);
		}
		if (aes_cbc(128, 1, k, k + 16, k1, n, e)) {
			free(k1);
			free(e);
			return ESEAL_ECRYPTO;
		}
		unsigned sum = 0;
		for (int i = 0; i < 16; i++)
			sum += e[i];
		const char *h = sum % 3 == 0 ? "SHA256" : sum % 3 == 1 ? "SHA384" : "SHA512";
		const uint8_t *pp[1] = { e };
		size_t ll[1] = { n };
		if (digest(h, pp, ll, 1, k)) {
			free(k1);
			free(e);
			return ESEAL_ECRYPTO;
		}
		klen = sum % 3 == 0 ? 32 : sum % 3 == 1 ? 48 : 64;
		if (round >= 63 && e[n - 1] <= round - 32)
			break;
		if (round > 1000)
			break;
	}
	memcpy(out, k, 32);
	eseal_wipe(k, sizeof k);
	eseal_wipe(k1, cap);
	eseal_wipe(e, cap);
	free(k1);
	free(e);
	return 0;
}

static int method_of(eseal_pdf *pdf, const eseal_pdf_val *enc, const char *which)
{
	const eseal_pdf_val *name = pdf_dget(pdf, enc, which);
	const char *n = name && name->type == ESEAL_PDF_NAME ? (const char *)name->u.s.p : "Identity";
	if (!strcmp(n, "Identity"))
		return CRYPT_IDENTITY;
	const eseal_pdf_val *cf = pdf_dget(pdf, pdf_dget(pdf, enc, "CF"), n);
	const eseal_pdf_val *cfm = pdf_dget(pdf, cf, "CFM");
	if (pdf_is_name(cfm, "AESV2"))
		return CRYPT_AESV2;
	if (pdf_is_name(cfm, "AESV3"))
		return CRYPT_AESV3;
	if (pdf_is_name(cfm, "V2"))
		return CRYPT_RC4;
	if (pdf_is_name(cfm, "None"))
		return CRYPT_IDENTITY;
	return -1;
}

int pdf_crypt_init(eseal_pdf *pdf)
{
	pdf_crypt *c = &pdf->crypt;
	const eseal_pdf_val *er = pdf_dict_get(pdf->trailer, "Encrypt");
	if (!er)
		return 0;
	if (er->type == ESEAL_PDF_REF)
		c->dict_num = er->u.ref.num;
	const eseal_pdf_val *enc = pdf_resolve(pdf, er);
	eseal_error_clear();
	c->present = 1;
	if (enc->type != ESEAL_PDF_DICT) {
		snprintf(c->reason, sizeof c->reason, "the /Encrypt dictionary cannot be read");
		return 0;
	}
	const eseal_pdf_val *f = pdf_dget(pdf, enc, "Filter");
	snprintf(c->filter, sizeof c->filter, "%s", f && f->type == ESEAL_PDF_NAME ? (const char *)f->u.s.p : "");
	c->v = (int)eseal_pdf_val_int(pdf_dget(pdf, enc, "V"));
	c->r = (int)eseal_pdf_val_int(pdf_dget(pdf, enc, "R"));
	c->p = eseal_pdf_val_int(pdf_dget(pdf, enc, "P"));
	const eseal_pdf_val *l = pdf_dget(pdf, enc, "Length");
	c->len_bits = l ? (int)eseal_pdf_val_int(l) : 40;
	const eseal_pdf_val *em = pdf_dget(pdf, enc, "EncryptMetadata");
	c->encrypt_metadata = !(em && em->type == ESEAL_PDF_BOOL && !em->u.b);
	if (strcmp(c->filter, "Standard")) {
		snprintf(c->reason, sizeof c->reason, "encrypted with the /%s security handler (only /Standard is supported)",
			 c->filter);
		return 0;
	}
	if (c->v == 1 || c->v == 2) {
		c->stm = c->str = CRYPT_RC4;
		if (c->v == 1)
			c->len_bits = 40;
	} else if (c->v == 4 || c->v == 5) {
		c->stm = method_of(pdf, enc, "StmF");
		c->str = method_of(pdf, enc, "StrF");
		if (c->stm < 0 || c->str < 0) {
			snprintf(c->reason, sizeof c->reason, "unknown crypt filter method");
			return 0;
		}
	} else {
		snprintf(c->reason, sizeof c->reason, "unsupported encryption version /V %d", c->v);
		return 0;
	}
	size_t olen = 0, ulen = 0, idlen = 0;
	const uint8_t *o = str_of(pdf_dget(pdf, enc, "O"), &olen), *u = str_of(pdf_dget(pdf, enc, "U"), &ulen);
	const eseal_pdf_val *ida = pdf_resolve(pdf, pdf_dict_get(pdf->trailer, "ID"));
	const uint8_t *id = str_of(pdf_resolve(pdf, eseal_pdf_val_at(ida, 0)), &idlen);
	eseal_error_clear();
	if (!id) {
		id = (const uint8_t *)"";
		idlen = 0;
	}
	if (!o || !u) {
		snprintf(c->reason, sizeof c->reason, "the /Encrypt dictionary has no /O or /U");
		return 0;
	}
	if (c->r >= 2 && c->r <= 4) {
		if (olen < 32 || key_r4(c, o, id, idlen)) {
			snprintf(c->reason, sizeof c->reason, "bad /O entry");
			return 0;
		}
		c->ok = check_u_r4(c, u, ulen, id, idlen);
	} else if (c->r == 5 || c->r == 6) {
		size_t uelen = 0;
		const uint8_t *ue = str_of(pdf_dget(pdf, enc, "UE"), &uelen);
		uint8_t h[32], iv[16] = { 0 };
		if (ulen < 48 || !ue || uelen < 32) {
			snprintf(c->reason, sizeof c->reason, "bad /U or /UE entry");
			return 0;
		}
		if (hash_r6(c->r, (const uint8_t *)"", 0, u + 32, NULL, 0, h))
			return ESEAL_ECRYPTO;
		c->ok = eseal_ct_memcmp(h, u, 32) == 0;
		if (c->ok) {
			if (hash_r6(c->r, (const uint8_t *)"", 0, u + 40, NULL, 0, h) ||
			    aes_cbc(256, 0, h, iv, ue, 32, c->key))
				return ESEAL_ECRYPTO;
			c->keylen = 32;
		}
		eseal_wipe(h, sizeof h);
	} else {
		snprintf(c->reason, sizeof c->reason, "unsupported standard handler revision /R %d", c->r);
		return 0;
	}
	if (!c->ok) {
		eseal_wipe(c->key, sizeof c->key);
		snprintf(c->reason, sizeof c->reason, "a user password is required (only files that open with an empty user password are supported)");
		return 0;
	}
	/* objects read while deriving the key were not decrypted: drop them */
	for (uint32_t i = 0; i < pdf->size; i++)
		if (i != c->dict_num)
			pdf->cache[i] = NULL;
	pdf_objstm_drop(pdf);
	return 0;
}

/* The object key of (num, gen) for RC4 / AESV2, or the file key (AESV3). */
static size_t object_key(const pdf_crypt *c, int m, uint32_t num, uint16_t gen, uint8_t key[32])
{
	if (m == CRYPT_AESV3) {
		memcpy(key, c->key, 32);
		return 32;
	}
	uint8_t h[16], nb[5] = { (uint8_t)num, (uint8_t)(num >> 8), (uint8_t)(num >> 16), (uint8_t)gen,
				 (uint8_t)(gen >> 8) };
	const uint8_t *parts[3] = { c->key, nb, (const uint8_t *)"sAlT" };
	size_t lens[3] = { c->keylen, 5, 4 };
	if (digest("MD5", parts, lens, m == CRYPT_AESV2 ? 3 : 2, h))
		return 0;
	size_t klen = c->keylen + 5 > 16 ? 16 : c->keylen + 5;
	memcpy(key, h, klen);
	eseal_wipe(h, sizeof h);
	return klen;
}

int pdf_crypt_decrypt(const pdf_crypt *c, int kind, uint32_t num, uint16_t gen, const uint8_t *in, size_t n,
		      eseal_buf *out)
{
	int m = kind ? c->str : c->stm;
	uint8_t key[32];
	size_t klen;
	if (m == CRYPT_IDENTITY || m == CRYPT_NONE)
		return eseal_buf_put(out, in, n);
	klen = object_key(c, m, num, gen, key);
	if (!klen)
		return ESEAL_ECRYPTO;
	int rc = 0;
	if (m == CRYPT_RC4) {
		if ((rc = eseal_buf_reserve(out, n)) == 0) {
			rc4(key, klen, in, n, out->data + out->len);
			out->len += n;
		}
	} else {
		/* AES-CBC, IV first, PKCS#5 padding (tolerated when missing) */
		if (n < 16) {
			eseal_wipe(key, sizeof key);
			return 0; /* nothing after the IV: empty */
		}
		size_t body = (n - 16) / 16 * 16;
		if ((rc = eseal_buf_reserve(out, body + 16)) == 0 && body) {
			rc = aes_cbc(klen == 32 ? 256 : 128, 0, key, in, in + 16, body, out->data + out->len);
			if (rc == 0) {
				uint8_t padv = out->data[out->len + body - 1];
				if (padv >= 1 && padv <= 16 && padv <= body)
					body -= padv;
				out->len += body;
			}
		}
	}
	eseal_wipe(key, sizeof key);
	return rc;
}

int pdf_crypt_encrypt(const pdf_crypt *c, int kind, uint32_t num, uint16_t gen, const uint8_t *in, size_t n,
		      eseal_buf *out)
{
	int m = kind ? c->str : c->stm;
	uint8_t key[32];
	if (!c->ok && m != CRYPT_IDENTITY && m != CRYPT_NONE)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "no key to encrypt with: %s", c->reason);
	if (m == CRYPT_IDENTITY || m == CRYPT_NONE)
		return eseal_buf_put(out, in, n);
	size_t klen = object_key(c, m, num, gen, key);
	if (!klen)
		return ESEAL_ECRYPTO;
	int rc;
	if (m == CRYPT_RC4) {
		if ((rc = eseal_buf_reserve(out, n)) == 0) {
			rc4(key, klen, in, n, out->data + out->len);
			out->len += n;
		}
	} else {
		/* IV, then the data with PKCS#5 padding */
		size_t padn = 16 - n % 16, body = n + padn;
		uint8_t *tmp = malloc(body);
		rc = tmp ? 0 : eseal_error_set(ESEAL_ENOMEM, "out of memory");
		if (rc == 0 && (rc = eseal_buf_reserve(out, 16 + body)) == 0) {
			uint8_t *iv = out->data + out->len;
			if (n)
				memcpy(tmp, in, n);
			memset(tmp + n, (int)padn, padn);
			if (RAND_bytes(iv, 16) != 1)
				rc = eseal_error_set(ESEAL_ECRYPTO, "no random IV");
			else if ((rc = aes_cbc(klen == 32 ? 256 : 128, 1, key, iv, tmp, body, iv + 16)) == 0)
				out->len += 16 + body;
		}
		free(tmp);
	}
	eseal_wipe(key, sizeof key);
	return rc;
}

void pdf_crypt_strings(eseal_pdf *pdf, eseal_pdf_val *v, uint32_t num, uint16_t gen, int depth)
{
	if (!v || depth > PDF_MAX_DEPTH + 2)
		return;
	switch (v->type) {
	case ESEAL_PDF_STRING: {
		eseal_buf b = ESEAL_BUF_INIT;
		if (pdf_crypt_decrypt(&pdf->crypt, 1, num, gen, v->u.s.p, v->u.s.n, &b) == 0) {
			uint8_t *p = pdf_arena_alloc(&pdf->arena, b.len + 1);
			if (p) {
				if (b.len)
					memcpy(p, b.data, b.len);
				v->u.s.p = p;
				v->u.s.n = b.len;
			}
		}
		eseal_buf_free(&b);
		break;
	}
	case ESEAL_PDF_ARRAY:
		for (size_t i = 0; i < v->u.a.n; i++)
			pdf_crypt_strings(pdf, v->u.a.v[i], num, gen, depth + 1);
		break;
	case ESEAL_PDF_DICT:
		/* a signature's /Contents is not encrypted */
		if (pdf_is_name(pdf_dict_get(v, "Type"), "Sig") || pdf_is_name(pdf_dict_get(v, "Type"), "DocTimeStamp")) {
			for (size_t i = 0; i < v->u.d.n; i++)
				if (strcmp(v->u.d.kv[i].key, "Contents"))
					pdf_crypt_strings(pdf, v->u.d.kv[i].val, num, gen, depth + 1);
			break;
		}
		for (size_t i = 0; i < v->u.d.n; i++)
			pdf_crypt_strings(pdf, v->u.d.kv[i].val, num, gen, depth + 1);
		break;
	case ESEAL_PDF_STREAM:
		pdf_crypt_strings(pdf, v->u.st.dict, num, gen, depth + 1);
		break;
	default:
		break;
	}
}

int eseal_pdf_crypt_info_get(const eseal_pdf *pdf, eseal_pdf_crypt_info *out)
{
	const pdf_crypt *c = &pdf->crypt;
	memset(out, 0, sizeof *out);
	out->encrypted = c->present;
	out->reason = c->reason;
	out->method = "";
	if (!c->present)
		return 0;
	snprintf(out->filter, sizeof out->filter, "%s", c->filter);
	out->v = c->v;
	out->r = c->r;
	out->length = c->v >= 5 ? 256 : c->len_bits;
	out->p = c->p;
	int m = c->stm;
	out->method = m == CRYPT_RC4 ? "RC4" : m == CRYPT_AESV2 ? "AESV2" : m == CRYPT_AESV3 ? "AESV3" :
		      m == CRYPT_IDENTITY ? "Identity" : "";
	out->empty_user_password = c->ok;
	return 0;
}
