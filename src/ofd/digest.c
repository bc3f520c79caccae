/*
 * digest.c - digests of package entries for References, streamed from the
 * zip in small chunks so a 500 MB image never sits in memory. The CRC is
 * checked at the end of every entry; a digest of a corrupt entry is an error,
 * never a value.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zip.h>

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

static int digest_from(zip_t *za, const eseal_ofd_entry *e, ofd_digest_alg a, uint8_t out[64])
{
	enum { CHUNK = 256 * 1024 };
	uint8_t *buf = malloc(CHUNK);
	eseal_sm3_ctx *sm3 = NULL;
	EVP_MD_CTX *md = NULL;
	zip_file_t *f = NULL;
	int rc = 0;
	if (!buf)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (a == OFD_DG_SM3) {
		rc = eseal_sm3_new(&sm3);
	} else {
		const EVP_MD *alg = a == OFD_DG_SHA256 ? EVP_sha256() : a == OFD_DG_SHA1 ? EVP_sha1() : EVP_md5();
		md = EVP_MD_CTX_new();
		if (!md || EVP_DigestInit_ex(md, alg, NULL) != 1)
			rc = eseal_error_set(ESEAL_ECRYPTO, "digest %d is not available", (int)a);
	}
	if (rc == 0 && !(f = zip_fopen_index(za, e->zip_index, 0)))
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: %s", e->path, zip_strerror(za));
	uint64_t total = 0;
	while (rc == 0) {
		zip_int64_t got = zip_fread(f, buf, CHUNK);
		if (got < 0) {
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: %s", e->path, zip_file_strerror(f));
			break;
		}
		if (got == 0)
			break;
		total += (uint64_t)got;
		if (total > e->size) {
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: data longer than its declared size", e->path);
			break;
		}
		if (sm3)
			eseal_sm3_update(sm3, buf, (size_t)got);
		else
			EVP_DigestUpdate(md, buf, (size_t)got);
	}
	if (rc == 0 && total != e->size)
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: data shorter than its declared size", e->path);
	if (f)
		zip_fclose(f);
	if (rc == 0) {
		if (sm3) {
			eseal_sm3_final(sm3, out);
		} else {
			unsigned n = 0;
			EVP_DigestFinal_ex(md, out, &n);
		}
	}
	eseal_sm3_free(sm3);
	EVP_MD_CTX_free(md);
	free(buf);
	return rc;
}

int ofd_digest_entry(const eseal_ofd *d, const eseal_ofd_entry *e, ofd_digest_alg a, uint8_t out[64])
{
	return digest_from(eseal_ofd_zip(d), e, a, out);
}

/* Entries handed out one at a time to whichever thread is free. */
typedef struct digest_job {
	const eseal_ofd_entry *const *es;
	size_t n, next;
	ofd_digest_alg a;
	uint8_t (*out)[64];
	int *rcs;
	pthread_mutex_t mu;
	zip_t *za2;              /* the second thread's handle */
} digest_job;

static void run_job(digest_job *j, zip_t *za)
{
	for (;;) {
		pthread_mutex_lock(&j->mu);
		size_t i = j->next++;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->n)
			return;
		j->rcs[i] = digest_from(za, j->es[i], j->a, j->out[i]);
	}
}

static void *worker(void *arg)
{
	digest_job *j = arg;
	run_job(j, j->za2);
	return NULL;
}

int ofd_digest_entries(const eseal_ofd *d, const eseal_ofd_entry *const *es, size_t n, ofd_digest_alg a,
		       uint8_t (*out)[64], int *rcs)
{
	int *own = NULL;
	if (!rcs && !(rcs = own = calloc(n ? n : 1, sizeof *rcs)))
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += es[i]->size;
	digest_job j = { es, n, 0, a, out, rcs, PTHREAD_MUTEX_INITIALIZER, NULL };
	pthread_t t;
	int two = 0;
	/* a second thread pays for itself only on megabytes, with a core for it */
	if (n > 1 && total >= (8u << 20) && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	    (j.za2 = ofd_zip_second(d)) != NULL)
		two = pthread_create(&t, NULL, worker, &j) == 0;
	run_job(&j, eseal_ofd_zip(d));
	if (two)
		pthread_join(t, NULL);
	if (j.za2)
		zip_discard(j.za2);
	pthread_mutex_destroy(&j.mu);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		if (rcs[i]) /* again here, so that the message is this thread's */
			rc = rcs[i] = ofd_digest_entry(d, es[i], a, out[i]);
	free(own);
	return rc;
}
