/*
 * digest.c - the digest algorithms References may name, behind one small
 * streaming interface (entries are read and digested in zip_write.c, a
 * chunk at a time, so a 500 MB image never sits in memory).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "eseal/crypto.h"
#include "ofd/sign_internal.h"

ofd_digest_alg ofd_digest_alg_of(const char *m)
{
	if (!m || !*m)
		return OFD_DG_SM3;
	while (*m == ' ')
		m++;
	if (!strcasecmp(m, "SM3") || !strcmp(m, "1.2.156.10197.1.401") ||
	    !strcmp(m, "1.2.156.10197.1.401.1") || !strcmp(m, "1.2.156.10197.1.401.2"))
		return OFD_DG_SM3;
	if (!strcasecmp(m, "SHA256") || !strcasecmp(m, "SHA-256") || !strcmp(m, "2.16.840.1.101.3.4.2.1"))
		return OFD_DG_SHA256;
	if (!strcasecmp(m, "SHA1") || !strcasecmp(m, "SHA-1") || !strcmp(m, "1.3.14.3.2.26"))
		return OFD_DG_SHA1;
	if (!strcasecmp(m, "MD5") || !strcmp(m, "1.2.840.113549.2.5"))
		return OFD_DG_MD5;
	return 0;
}

size_t ofd_digest_len(ofd_digest_alg a)
{
	switch (a) {
	case OFD_DG_SM3: case OFD_DG_SHA256: return 32;
	case OFD_DG_SHA1: return 20;
	case OFD_DG_MD5: return 16;
	}
	return 0;
}

struct ofd_digest {
	eseal_sm3_ctx *sm3;
	EVP_MD_CTX *md;
};

int ofd_digest_new(ofd_digest **out, ofd_digest_alg a)
{
	ofd_digest *g = calloc(1, sizeof *g);
	int rc = g ? 0 : eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (!rc && a == OFD_DG_SM3) {
		rc = eseal_sm3_new(&g->sm3);
	} else if (!rc) {
		const EVP_MD *alg = a == OFD_DG_SHA256 ? EVP_sha256() : a == OFD_DG_SHA1 ? EVP_sha1()
				  : a == OFD_DG_MD5 ? EVP_md5() : NULL;
		g->md = EVP_MD_CTX_new();
		if (!alg || !g->md || EVP_DigestInit_ex(g->md, alg, NULL) != 1)
			rc = eseal_error_set(ESEAL_ECRYPTO, "digest %d is not available", (int)a);
	}
	if (rc) {
		ofd_digest_free(g);
		g = NULL;
	}
	*out = g;
	return rc;
}

void ofd_digest_update(ofd_digest *g, const uint8_t *p, size_t n)
{
	if (g->sm3)
		eseal_sm3_update(g->sm3, p, n);
	else
		EVP_DigestUpdate(g->md, p, n);
}

void ofd_digest_final(ofd_digest *g, uint8_t out[64])
{
	unsigned n = 0;
	if (g->sm3)
		eseal_sm3_final(g->sm3, out);
	else
		EVP_DigestFinal_ex(g->md, out, &n);
}

void ofd_digest_free(ofd_digest *g)
{
	if (!g)
		return;
	eseal_sm3_free(g->sm3);
	EVP_MD_CTX_free(g->md);
	free(g);
}
