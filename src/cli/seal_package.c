/*
 * seal_package.c - reads the seal package the service hands a holder once
 * (制章 in package mode): PEM blocks "ESEAL SEAL" (the SESeal), "ENCRYPTED
 * PRIVATE KEY" (the seal's key, PKCS#8, still encrypted) and the seal
 * certificate first among the "CERTIFICATE" blocks. Never decrypts the key
 * here and never writes any of it out.
 */
#include <string.h>

#include <openssl/evp.h>

#include "eseal/pki.h"
#include "seal_package.h"

/* The base64 body of the first PEM block labelled label (from *from on),
 * decoded into out; *from moves past it. 1 found, 0 not, <0 error. */
static int pem_block(const char *t, const char *label, const char **from, eseal_buf *out, const char **begin,
		     const char **end)
{
	char head[64], tail[64];
	snprintf(head, sizeof head, "-----BEGIN %s-----", label);
	snprintf(tail, sizeof tail, "-----END %s-----", label);
	const char *b = strstr(*from, head);
	const char *e = b ? strstr(b, tail) : NULL;
	if (!b || !e)
		return 0;
	if (begin)
		*begin = b;
	if (end)
		*end = e + strlen(tail);
	*from = e + strlen(tail);
	eseal_buf s = ESEAL_BUF_INIT;
	int rc = 0;
	for (const char *p = b + strlen(head); p < e && !rc; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ')
			rc = eseal_buf_put(&s, p, 1);
	size_t n = s.len;
	if (!rc && (n == 0 || n % 4))
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: bad base64", label);
	if (!rc)
		rc = eseal_buf_reserve(out, n / 4 * 3 + 1);
	if (!rc) {
		int k = EVP_DecodeBlock(out->data, s.data, (int)n);
		if (k < 0)
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: bad base64", label);
		else
			out->len = (size_t)k - (s.data[n - 1] == '=') - (s.data[n - 2] == '=');
	}
	eseal_buf_free(&s);
	return rc ? rc : 1;
}

int pkg_load(const char *path, eseal_buf *seal, eseal_buf *key_pem, eseal_cert **cert)
{
	eseal_buf f = ESEAL_BUF_INIT, der = ESEAL_BUF_INIT;
	*cert = NULL;
	int rc = eseal_file_read(&f, path, 16u << 20);
	if (!rc)
		rc = eseal_buf_put(&f, "", 1); /* NUL-terminated text */
	const char *t = (const char *)f.data, *from, *kb = NULL, *ke = NULL;
	if (!rc && ((from = t), pem_block(t, "ESEAL SEAL", &from, seal, NULL, NULL)) != 1)
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: no ESEAL SEAL block: not a seal package", path);
	if (!rc && ((from = t), pem_block(t, "ENCRYPTED PRIVATE KEY", &from, &der, &kb, &ke)) != 1)
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: no ENCRYPTED PRIVATE KEY block", path);
	if (!rc)
		rc = eseal_buf_put(key_pem, kb, (size_t)(ke - kb));
	der.len = 0;
	if (!rc && ((from = t), pem_block(t, "CERTIFICATE", &from, &der, NULL, NULL)) != 1)
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: no CERTIFICATE block", path);
	if (!rc)
		rc = eseal_cert_parse(cert, der.data, der.len);
	if (f.data)
		eseal_wipe(f.data, f.len);
	eseal_buf_free(&f);
	if (der.data)
		eseal_wipe(der.data, der.len);
	eseal_buf_free(&der);
	return rc;
}
