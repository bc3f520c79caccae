/*
 * sm4.c - SM4 single block and SM4-CBC with PKCS#7 padding via OpenSSL EVP.
 * Must never append output on failure: results are built in a scratch buffer
 * and only copied out once the whole operation succeeded.
 */
#include <limits.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "crypto/key_internal.h"
#include "crypto/sm4_internal.h"

int eseal_sm4_ecb_new(EVP_CIPHER_CTX **out, const uint8_t key[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	*out = NULL;
	if (!c || EVP_EncryptInit_ex(c, EVP_sm4_ecb(), NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1) {
		EVP_CIPHER_CTX_free(c);
		return eseal_crypto_error(ESEAL_ECRYPTO, "SM4 init");
	}
	*out = c;
	return 0;
}

int eseal_sm4_ecb_blocks(EVP_CIPHER_CTX *c, uint8_t *out, const uint8_t *in, size_t nblocks)
{
	while (nblocks > 0) {
		size_t n = nblocks > 1024 ? 1024 : nblocks;
		int outl = 0;
		if (EVP_EncryptUpdate(c, out, &outl, in, (int)(n * 16)) != 1 || outl != (int)(n * 16))
			return eseal_crypto_error(ESEAL_ECRYPTO, "SM4 block encryption");
		out += n * 16;
		in += n * 16;
		nblocks -= n;
	}
	return 0;
}

int eseal_sm4_encrypt_block(uint8_t out[16], const uint8_t key[16], const uint8_t in[16])
{
	EVP_CIPHER_CTX *c;
	int rc = eseal_sm4_ecb_new(&c, key);
	if (rc)
		return rc;
	rc = eseal_sm4_ecb_blocks(c, out, in, 1);
	EVP_CIPHER_CTX_free(c);
	return rc;
}

static int sm4_cbc(eseal_buf *out, const uint8_t key[16], const uint8_t iv[16],
		   const void *in, size_t len, int enc)
{
	EVP_CIPHER_CTX *c = NULL;
	uint8_t *tmp = NULL;
	int n1 = 0, n2 = 0, rc;

	if (len > INT_MAX - 32)
		return eseal_error_set(ESEAL_ELIMIT, "SM4-CBC input too large");
	if (!enc && (len == 0 || len % 16 != 0))
		return eseal_error_set(ESEAL_EFORMAT, "SM4-CBC ciphertext length %zu is not a positive multiple of 16", len);
	tmp = malloc(len + 32);
	if (!tmp)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	c = EVP_CIPHER_CTX_new();
	if (!c || EVP_CipherInit_ex(c, EVP_sm4_cbc(), NULL, key, iv, enc) != 1 ||
	    EVP_CipherUpdate(c, tmp, &n1, in, (int)len) != 1) {
		rc = eseal_crypto_error(ESEAL_ECRYPTO, enc ? "SM4-CBC encryption" : "SM4-CBC decryption");
		goto done;
	}
	if (EVP_CipherFinal_ex(c, tmp + n1, &n2) != 1) {
		/* A bad pad is what a wrong key or corrupted data looks like. */
		eseal_crypto_error(ESEAL_ECRYPTO, "SM4-CBC");
		rc = eseal_error_set(ESEAL_ECRYPTO, enc ? "SM4-CBC encryption failed" :
				     "SM4-CBC decryption failed (wrong key or corrupted data)");
		goto done;
	}
	rc = eseal_buf_put(out, tmp, (size_t)n1 + (size_t)n2);
done:
	eseal_wipe(tmp, len + 32);
	free(tmp);
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int eseal_sm4_cbc_encrypt(eseal_buf *out, const uint8_t key[16], const uint8_t iv[16],
			  const void *in, size_t len)
{
	return sm4_cbc(out, key, iv, in, len, 1);
}

int eseal_sm4_cbc_decrypt(eseal_buf *out, const uint8_t key[16], const uint8_t iv[16],
			  const void *in, size_t len)
{
	return sm4_cbc(out, key, iv, in, len, 0);
}
