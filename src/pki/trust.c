/*
 * trust.c - trust anchors, revocation lists and chain validation at a given
 * time. Every certificate added is an anchor; certificates are matched by
 * their bytes, never by their name alone (unrelated certificates may share
 * a DN). Revocation follows GM/T 0031 §6.2.3: a certificate revoked after
 * the time being checked leaves that signature valid.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "pki/pki_internal.h"

struct eseal_trust {
	STACK_OF(X509) *anchors;
	STACK_OF(X509_CRL) *crls;
};

int eseal_trust_new(eseal_trust **out)
{
	*out = NULL;
	eseal_trust *t = calloc(1, sizeof *t);
	if (!t)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	t->anchors = sk_X509_new_null();
	t->crls = sk_X509_CRL_new_null();
	if (!t->anchors || !t->crls) {
		eseal_trust_free(t);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	*out = t;
	return 0;
}

void eseal_trust_free(eseal_trust *t)
{
	if (!t)
		return;
	sk_X509_pop_free(t->anchors, X509_free);
	sk_X509_CRL_pop_free(t->crls, X509_CRL_free);
	free(t);
}

size_t eseal_trust_count(const eseal_trust *t)
{
	return (size_t)sk_X509_num(t->anchors);
}

static int same_cert(X509 *a, X509 *b)
{
	/* X509_cmp compares the cached DER hash and then the encoding. */
	return X509_cmp(a, b) == 0;
}

int eseal_trust_add_cert(eseal_trust *t, const eseal_cert *c)
{
	for (int i = 0; i < sk_X509_num(t->anchors); i++)
		if (same_cert(sk_X509_value(t->anchors, i), c->x))
			return 0;
	if (!X509_up_ref(c->x) || !sk_X509_push(t->anchors, c->x)) {
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	return 0;
}

static int add_one_file(eseal_trust *t, const char *path)
{
	eseal_cert **list;
	size_t n;
	int rc = eseal_cert_load_all(&list, &n, path);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++)
		rc = eseal_trust_add_cert(t, list[i]);
	eseal_cert_list_free(list, n);
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int eseal_trust_add_file(eseal_trust *t, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return eseal_error_set(ESEAL_EIO, "%s: no such file or directory", path);
	if (!S_ISDIR(st.st_mode))
		return add_one_file(t, path);
	/* A trust store directory: every *.pem, *.crt, *.cer and *.der file. */
	DIR *d = opendir(path);
	if (!d)
		return eseal_error_set(ESEAL_EIO, "%s: cannot open directory", path);
	char **names = NULL;
	size_t n = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *dot = strrchr(e->d_name, '.');
		if (e->d_name[0] == '.' || !dot)
			continue;
		if (strcmp(dot, ".pem") && strcmp(dot, ".crt") && strcmp(dot, ".cer") && strcmp(dot, ".der"))
			continue;
		char **nn = realloc(names, (n + 1) * sizeof *names);
		if (!nn || !(nn[n] = strdup(e->d_name))) {
			names = nn ? nn : names;
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (!rc && n)
		qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0; i < n && !rc; i++) {
		char full[4096];
		snprintf(full, sizeof full, "%s/%s", path, names[i]);
		rc = add_one_file(t, full);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int eseal_trust_add_crl_file(eseal_trust *t, const char *path)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = pki_read_file(&b, path);
	if (rc) {
		eseal_buf_free(&b);
		return rc;
	}
	int added = 0;
	if (memmem(b.data, b.len, "-----BEGIN ", 11)) {
		BIO *bio = BIO_new_mem_buf(b.data, (int)b.len);
		X509_CRL *crl;
		while (bio && (crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
			if (!sk_X509_CRL_push(t->crls, crl)) {
				X509_CRL_free(crl);
				break;
			}
			added++;
		}
		BIO_free(bio);
	} else {
		const unsigned char *p = b.data;
		X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)b.len);
		if (crl && sk_X509_CRL_push(t->crls, crl))
			added++;
		else
			X509_CRL_free(crl);
	}
	ERR_clear_error();
	eseal_buf_free(&b);
	if (!added)
		return eseal_error_set(ESEAL_EFORMAT, "%s: no certificate revocation list found", path);
	return 0;
}

static void set_why(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_why(char *why, size_t whylen, const char *fmt, ...)
{
	if (!why || !whylen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

static void short_subject(X509 *x, char *out, size_t outlen)
{
	eseal_cert tmp = { x, NULL, 0 };
	if (eseal_cert_subject(&tmp, out, outlen))
		snprintf(out, outlen, "?");
}

static int in_validity(X509 *x, time_t at, char *why, size_t whylen)
{
	time_t nb = pki_asn1_time(X509_get0_notBefore(x));
	time_t na = pki_asn1_time(X509_get0_notAfter(x));
	char s[256], t[32];
	if (nb != (time_t)-1 && at < nb) {
		short_subject(x, s, sizeof s);
		eseal_time_format_human(t, nb);
		set_why(why, whylen, "certificate is not yet valid (from %s): %s", t, s);
		return 0;
	}
	if (na != (time_t)-1 && at > na) {
		short_subject(x, s, sizeof s);
		eseal_time_format_human(t, na);
		set_why(why, whylen, "certificate has expired (on %s): %s", t, s);
		return 0;
	}
	return 1;
}

static eseal_chain_status map_error(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return ESEAL_CHAIN_EXPIRED;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
		return ESEAL_CHAIN_NO_ANCHOR;
	case X509_V_ERR_CERT_REVOKED:
		return ESEAL_CHAIN_REVOKED;
	default:
		return ESEAL_CHAIN_INVALID;
	}
}

/*
 * Revocation of x (issued by issuer) at time `at`: looks for a CRL of that
 * issuer whose signature verifies. Returns 1 when revoked before `at`.
 */
static int revoked_at(const eseal_trust *t, X509 *x, X509 *issuer, time_t at,
		      char *why, size_t whylen)
{
	for (int i = 0; i < sk_X509_CRL_num(t->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(t->crls, i);
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)))
			continue;
		if (!pki_crl_signed_by(crl, issuer))
			continue;
		X509_REVOKED *rev = NULL;
		if (X509_CRL_get0_by_cert(crl, &rev, x) != 1 || !rev)
			continue;
		int crit = 0;
		ASN1_ENUMERATED *r = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, NULL);
		int reason = r ? (int)ASN1_ENUMERATED_get(r) : 0;
		ASN1_ENUMERATED_free(r);
		if (reason == 8) /* removeFromCRL: no longer revoked */
			continue;
		time_t when = pki_asn1_time(X509_REVOKED_get0_revocationDate(rev));
		char s[256], serial[80], tm[32];
		short_subject(x, s, sizeof s);
		if (pki_integer_hex(X509_get0_serialNumber(x), serial, sizeof serial))
			snprintf(serial, sizeof serial, "?");
		eseal_time_format_human(tm, when);
		if (when != (time_t)-1 && when > at) {
			set_why(why, whylen, "certificate %s was revoked on %s, after the time checked (%s): %s",
				serial, tm, pki_reason_name(reason), s);
			continue;
		}
		set_why(why, whylen, "certificate %s revoked on %s (%s): %s", serial, tm,
			pki_reason_name(reason), s);
		return 1;
	}
	return 0;
}

int eseal_trust_verify(const eseal_trust *t, const eseal_cert *leaf,
		       eseal_cert *const *extra, size_t nextra, time_t at,
		       eseal_chain_status *status, char *why, size_t whylen)
{
	*status = ESEAL_CHAIN_NO_ANCHOR;
	set_why(why, whylen, "%s", "");
	if (!leaf)
		return eseal_error_set(ESEAL_EINVAL, "no certificate to verify");
	if (sk_X509_num(t->anchors) == 0) {
		set_why(why, whylen, "no trust anchors configured");
		return 0;
	}
	/* The leaf itself is an anchor: only its validity period matters. */
	for (int i = 0; i < sk_X509_num(t->anchors); i++) {
		if (same_cert(sk_X509_value(t->anchors, i), leaf->x)) {
			if (!in_validity(leaf->x, at, why, whylen)) {
				*status = ESEAL_CHAIN_EXPIRED;
				return 0;
			}
			*status = ESEAL_CHAIN_OK;
			set_why(why, whylen, "the certificate is a trust anchor");
			return 0;
		}
	}
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	STACK_OF(X509) *chain = NULL;
	int rc = 0;
	if (!store || !ctx || !untrusted) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto done;
	}
	for (int i = 0; i < sk_X509_num(t->anchors); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(t->anchors, i))) {
			rc = eseal_crypto_error(ESEAL_ENOMEM, "cannot build trust store");
			goto done;
		}
	for (size_t i = 0; i < nextra; i++)
		if (extra[i] && !sk_X509_push(untrusted, extra[i]->x)) {
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			goto done;
		}
	if (!X509_STORE_CTX_init(ctx, store, leaf->x, untrusted)) {
		rc = eseal_crypto_error(ESEAL_ENOMEM, "cannot set up chain validation");
		goto done;
	}
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(vp, at);
	X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
	int ok = X509_verify_cert(ctx);
	if (ok != 1) {
		int err = X509_STORE_CTX_get_error(ctx);
		int depth = X509_STORE_CTX_get_error_depth(ctx);
		X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
		char s[256] = "?";
		if (bad)
			short_subject(bad, s, sizeof s);
		*status = map_error(err);
		set_why(why, whylen, "%s (depth %d: %s)", X509_verify_cert_error_string(err), depth, s);
		ERR_clear_error();
		goto done;
	}
	/* Revocation, checked by hand so the revocation date can be compared
	 * with `at` and SM2-signed lists verify with the right ID. */
	chain = X509_STORE_CTX_get1_chain(ctx);
	*status = ESEAL_CHAIN_OK;
	set_why(why, whylen, "%s", "");
	for (int i = 0; i + 1 < sk_X509_num(chain); i++) {
		if (revoked_at(t, sk_X509_value(chain, i), sk_X509_value(chain, i + 1), at, why, whylen)) {
			*status = ESEAL_CHAIN_REVOKED;
			break;
		}
	}
done:
	ERR_clear_error();
	sk_X509_pop_free(chain, X509_free);
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}
