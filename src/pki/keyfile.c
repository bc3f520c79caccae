/*
 * keyfile.c - private keys at rest: PKCS#8 PEM encrypted with SM4-CBC under
 * PBES2/scrypt, and public key files. Never writes a private key in the
 * clear unless the caller passed no passphrase on purpose, and never keeps
 * decrypted key bytes around longer than needed.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>

#include "pki/pki_internal.h"

/* scrypt cost: 16 MiB per use. N = 32768 would need more than the 32 MiB
 * OpenSSL allows when decrypting PKCS#8 (EVP_PBE_scrypt's default limit),
 * so `openssl pkey` could not read the file; 16384 is OpenSSL's own choice
 * for `openssl pkcs8 -scrypt`. */
#define KEY_SCRYPT_N 16384
#define KEY_SCRYPT_R 8
#define KEY_SCRYPT_P 1
#define KEY_FILE_MAX (1u << 20)
#define PASS_MAX 4096

static int bio_to_buf(BIO *bio, eseal_buf *out)
{
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	return eseal_buf_put(out, p, (size_t)n);
}

int eseal_key_to_pem(const eseal_key *k, const char *pass, size_t passlen, eseal_buf *out)
{
	if (!k || !k->has_private)
		return eseal_error_set(ESEAL_EINVAL, "not a private key");
	if (pass && (passlen == 0 || passlen > PASS_MAX))
		return eseal_error_set(ESEAL_EINVAL, "passphrase must be 1 to %d bytes", PASS_MAX);
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k->pkey);
	if (!p8)
		return eseal_crypto_error(ESEAL_ECRYPTO, "cannot export private key");
	BIO *bio = BIO_new(BIO_s_mem());
	int rc = 0;
	if (!bio) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto done;
	}
	if (!pass) {
		if (!PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio, p8))
			rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot write private key");
		goto done;
	}
	unsigned char salt[16];
	if (RAND_bytes(salt, sizeof salt) != 1) {
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "no randomness");
		goto done;
	}
	X509_ALGOR *alg = PKCS5_pbe2_set_scrypt(EVP_sm4_cbc(), salt, sizeof salt, NULL,
						KEY_SCRYPT_N, KEY_SCRYPT_R, KEY_SCRYPT_P);
	if (!alg) {
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot set up SM4/scrypt encryption");
		goto done;
	}
	X509_SIG *sig = PKCS8_set0_pbe(pass, (int)passlen, p8, alg);
	if (!sig) {
		X509_ALGOR_free(alg);
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot encrypt private key");
		goto done;
	}
	if (!PEM_write_bio_PKCS8(bio, sig))
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot write private key");
	X509_SIG_free(sig);
done:
	if (!rc)
		rc = bio_to_buf(bio, out);
	BIO_free_all(bio);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return rc;
}

int eseal_key_save(const eseal_key *k, const char *path, const char *pass, size_t passlen)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = eseal_key_to_pem(k, pass, passlen, &b);
	if (!rc)
		rc = eseal_file_write_atomic(path, b.data, b.len, 0600);
	eseal_buf_free(&b);
	return rc;
}

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	const eseal_buf *p = u;
	if (!p || !p->data || p->len > (size_t)size)
		return -1;
	memcpy(buf, p->data, p->len);
	return (int)p->len;
}

static int wrap_private(eseal_key **out, EVP_PKEY *pk)
{
	int rc = eseal_key_wrap(out, pk);
	if (rc)
		return rc;
	if (!(*out)->has_private) {
		eseal_key_free(*out);
		*out = NULL;
		return eseal_error_set(ESEAL_EFORMAT, "not a private key");
	}
	return 0;
}

int eseal_key_from_pem(eseal_key **out, const uint8_t *pem, size_t len,
		       const char *pass, size_t passlen)
{
	*out = NULL;
	if (!pem || !len || len > KEY_FILE_MAX)
		return eseal_error_set(ESEAL_EFORMAT, "empty or oversized key file");
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long dlen = 0;
	int rc;
	/* Skip other blocks (a certificate may come first in the file). */
	for (;;) {
		if (!PEM_read_bio(bio, &name, &header, &data, &dlen)) {
			ERR_clear_error();
			rc = eseal_error_set(ESEAL_EFORMAT, "no PEM private key found");
			goto done;
		}
		if (strstr(name, "PRIVATE KEY"))
			break;
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_cleanse(data, (size_t)dlen);
		OPENSSL_free(data);
		name = header = NULL;
		data = NULL;
	}
	const unsigned char *p = data;
	if (!strcmp(name, PEM_STRING_PKCS8)) {
		X509_SIG *sig = d2i_X509_SIG(NULL, &p, dlen);
		if (!sig) {
			rc = eseal_error_set(ESEAL_EFORMAT, "malformed encrypted private key");
			goto done;
		}
		if (!pass) {
			X509_SIG_free(sig);
			rc = eseal_error_set(ESEAL_EPASS, "the key is encrypted: a passphrase is needed");
			goto done;
		}
		PKCS8_PRIV_KEY_INFO *p8 = PKCS8_decrypt(sig, pass, (int)passlen);
		X509_SIG_free(sig);
		if (!p8) {
			ERR_clear_error();
			rc = eseal_error_set(ESEAL_EPASS, "wrong passphrase");
			goto done;
		}
		EVP_PKEY *pk = EVP_PKCS82PKEY(p8);
		PKCS8_PRIV_KEY_INFO_free(p8);
		rc = pk ? wrap_private(out, pk)
			: eseal_crypto_error(ESEAL_EFORMAT, "unsupported private key");
	} else if (!strcmp(name, PEM_STRING_PKCS8INF)) {
		PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, dlen);
		EVP_PKEY *pk = p8 ? EVP_PKCS82PKEY(p8) : NULL;
		PKCS8_PRIV_KEY_INFO_free(p8);
		rc = pk ? wrap_private(out, pk)
			: eseal_crypto_error(ESEAL_EFORMAT, "malformed private key");
	} else {
		/* Traditional "EC PRIVATE KEY" / "RSA PRIVATE KEY" files. */
		BIO *b2 = BIO_new_mem_buf(pem, (int)len);
		eseal_buf pb = { (uint8_t *)pass, passlen, 0 };
		EVP_PKEY *pk = b2 ? PEM_read_bio_PrivateKey(b2, NULL, pass_cb, pass ? &pb : NULL) : NULL;
		BIO_free(b2);
		if (pk)
			rc = wrap_private(out, pk);
		else if (header && strstr(header, "ENCRYPTED"))
			rc = eseal_error_set(ESEAL_EPASS, pass ? "wrong passphrase"
					     : "the key is encrypted: a passphrase is needed");
		else
			rc = eseal_crypto_error(ESEAL_EFORMAT, "malformed private key");
	}
done:
	ERR_clear_error();
	OPENSSL_free(name);
	OPENSSL_free(header);
	if (data) {
		OPENSSL_cleanse(data, (size_t)dlen);
		OPENSSL_free(data);
	}
	BIO_free(bio);
	return rc;
}

int eseal_key_load(eseal_key **out, const char *path, const char *pass, size_t passlen)
{
	*out = NULL;
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = eseal_file_read(&b, path, KEY_FILE_MAX);
	if (!rc && (rc = eseal_key_from_pem(out, b.data, b.len, pass, passlen)) != 0)
		eseal_error_wrap("%s: ", path);
	eseal_buf_free(&b);
	return rc;
}

int eseal_pubkey_load(eseal_key **out, const char *path)
{
	*out = NULL;
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = eseal_file_read(&b, path, KEY_FILE_MAX);
	if (rc) {
		eseal_buf_free(&b);
		return rc;
	}
	EVP_PKEY *pk = NULL;
	if (memmem(b.data, b.len, "-----BEGIN CERTIFICATE", 22)) {
		eseal_cert *c;
		rc = eseal_cert_load(&c, path);
		if (!rc) {
			rc = eseal_cert_key(c, out);
			eseal_cert_free(c);
		}
		eseal_buf_free(&b);
		return rc;
	}
	if (memmem(b.data, b.len, "-----BEGIN ", 11)) {
		BIO *bio = BIO_new_mem_buf(b.data, (int)b.len);
		pk = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
	} else {
		const unsigned char *p = b.data;
		pk = d2i_PUBKEY(NULL, &p, (long)b.len);
	}
	eseal_buf_free(&b);
	ERR_clear_error();
	if (!pk)
		return eseal_error_set(ESEAL_EFORMAT, "%s: not a public key (PEM or DER SubjectPublicKeyInfo)", path);
	return eseal_key_wrap(out, pk);
}
