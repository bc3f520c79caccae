/*
 * p12.c - reading PKCS#12 files from other systems (often RC2-40 or 3DES,
 * which need OpenSSL's legacy provider). Read-only: we never write PKCS#12,
 * our own keys live in encrypted PKCS#8 files.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>

#include "pki/pki_internal.h"

/* Kept for the life of the process (old files may be read at any time). */
static OSSL_PROVIDER *default_prov, *legacy_prov;

static void load_legacy(void)
{
	/* Loading any provider by hand stops the default one from loading
	 * itself, so load both. A missing legacy module only means old
	 * PKCS#12 files cannot be read. */
	default_prov = OSSL_PROVIDER_load(NULL, "default");
	legacy_prov = OSSL_PROVIDER_load(NULL, "legacy");
	ERR_clear_error();
}

static pthread_once_t legacy_once = PTHREAD_ONCE_INIT;

int eseal_pkcs12_load(const char *path, const char *pass, eseal_key **key, eseal_cert **cert)
{
	if (key)
		*key = NULL;
	if (cert)
		*cert = NULL;
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = pki_read_file(&b, path);
	if (rc) {
		eseal_buf_free(&b);
		return rc;
	}
	const unsigned char *p = b.data;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)b.len);
	eseal_buf_free(&b);
	if (!p12) {
		ERR_clear_error();
		return eseal_error_set(ESEAL_EFORMAT, "%s: not a PKCS#12 file", path);
	}
	if (PKCS12_mac_present(p12) && !PKCS12_verify_mac(p12, pass, -1)) {
		PKCS12_free(p12);
		ERR_clear_error();
		return eseal_error_set(ESEAL_EPASS, "%s: wrong passphrase", path);
	}
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	if (!PKCS12_parse(p12, pass, &pk, &x, NULL)) {
		ERR_clear_error();
		pthread_once(&legacy_once, load_legacy);
		if (!PKCS12_parse(p12, pass, &pk, &x, NULL)) {
			PKCS12_free(p12);
			return eseal_crypto_error(ESEAL_EUNSUPPORTED, "cannot decrypt PKCS#12 file");
		}
	}
	PKCS12_free(p12);
	if (!pk || !x) {
		EVP_PKEY_free(pk);
		X509_free(x);
		return eseal_error_set(ESEAL_EFORMAT, "%s: PKCS#12 file holds no key and certificate", path);
	}
	if (key) {
		rc = eseal_key_wrap(key, pk);
		pk = NULL;
		if (rc) {
			X509_free(x);
			return rc;
		}
	}
	EVP_PKEY_free(pk);
	if (cert) {
		rc = pki_cert_wrap(cert, x);
		if (rc && key) {
			eseal_key_free(*key);
			*key = NULL;
		}
		return rc;
	}
	X509_free(x);
	return 0;
}
