/*
 * ca.c - the built-in CA: a root and an issuing CA kept in one directory,
 * issuing end-entity certificates by role. Keys are written encrypted
 * unless the caller passed no passphrase; a failed init removes what it
 * wrote, and an existing CA is never overwritten.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>

#include "pki/ca_internal.h"

#define DAY (24 * 3600)

static int name_add(X509_NAME *nm, const char *field, const char *value)
{
	if (!value || !*value)
		return 0;
	if (strlen(value) > 256)
		return eseal_error_set(ESEAL_EINVAL, "%s is too long", field);
	if (!X509_NAME_add_entry_by_txt(nm, field, MBSTRING_UTF8, (const unsigned char *)value, -1, -1, 0))
		return eseal_crypto_error(ESEAL_EINVAL, "bad name attribute");
	return 0;
}

/* Subject in the order C, O, OU, CN, serialNumber (most general first). */
static int build_name(X509_NAME **out, const char *c, const char *o, const char *ou,
		      const char *cn, const char *sn)
{
	X509_NAME *nm = X509_NAME_new();
	if (!nm)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int rc = name_add(nm, "C", c);
	if (!rc)
		rc = name_add(nm, "O", o);
	if (!rc)
		rc = name_add(nm, "OU", ou);
	if (!rc)
		rc = name_add(nm, "CN", cn);
	if (!rc)
		rc = name_add(nm, "serialNumber", sn);
	if (rc) {
		X509_NAME_free(nm);
		return rc;
	}
	*out = nm;
	return 0;
}

/*
 * Builds and signs one certificate. issuer NULL makes it self-signed with
 * signer's own key.
 */
static int make_cert(eseal_cert **out, X509_NAME *subject, const eseal_key *pub,
		     const eseal_cert *issuer, const eseal_key *signer,
		     time_t not_before, time_t not_after, int profile)
{
	*out = NULL;
	X509 *x = X509_new();
	ASN1_INTEGER *serial = NULL;
	EVP_MD_CTX *mctx = NULL;
	int rc = x ? 0 : eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (!rc)
		rc = pki_random_serial(&serial);
	if (rc)
		goto done;
	if (!X509_set_version(x, X509_VERSION_3) || !X509_set_serialNumber(x, serial) ||
	    !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->x) : subject) ||
	    !X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &not_before) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), 0, 0, &not_after) ||
	    !X509_set_pubkey(x, pub->pkey)) {
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot build certificate");
		goto done;
	}
	rc = pki_profile_apply(x, issuer ? issuer->x : x, profile);
	if (!rc)
		rc = pki_sign_ctx(&mctx, signer);
	if (rc)
		goto done;
	if (X509_sign_ctx(x, mctx) <= 0) {
		rc = eseal_crypto_error(ESEAL_ECRYPTO, "cannot sign certificate");
		goto done;
	}
	if ((rc = pki_resign_cert(x, signer)))
		goto done;
	rc = pki_cert_wrap(out, x);
	x = NULL;
done:
	EVP_MD_CTX_free(mctx);
	ASN1_INTEGER_free(serial);
	X509_free(x);
	return rc;
}

static const char *key_type_name(eseal_key_type t)
{
	return t == ESEAL_KEY_EC_P256 ? "ecdsa-p256" : t == ESEAL_KEY_RSA ? "rsa" : "sm2";
}

static const char *ca_files[] = { "root.pem", "root.key", "issuing.pem", "issuing.key",
				  "ca.pem", "index.json", "crl.pem" };

static int ca_exists(const char *dir)
{
	char p[4096];
	struct stat st;
	for (size_t i = 0; i < sizeof ca_files / sizeof ca_files[0]; i++)
		if (!ca_path(p, sizeof p, dir, ca_files[i]) && stat(p, &st) == 0)
			return 1;
	return 0;
}

static void ca_remove_files(const char *dir)
{
	char p[4096];
	for (size_t i = 0; i < sizeof ca_files / sizeof ca_files[0]; i++)
		if (!ca_path(p, sizeof p, dir, ca_files[i]))
			unlink(p);
}

static int save_pair(const char *dir, const char *base, const eseal_cert *c, const eseal_key *k,
		     const char *pass, size_t passlen)
{
	char p[4096];
	int rc = 0;
	snprintf(p, sizeof p, "%s/%s.pem", dir, base);
	rc = eseal_cert_save_pem(c, p);
	snprintf(p, sizeof p, "%s/%s.key", dir, base);
	if (!rc)
		rc = eseal_key_save(k, p, pass, passlen);
	return rc;
}

int eseal_ca_init(const char *dir, const char *name, eseal_key_type key_type,
		  const char *pass, size_t passlen, int days)
{
	if (!dir || !*dir)
		return eseal_error_set(ESEAL_EINVAL, "no CA directory given");
	if (key_type == 0)
		key_type = ESEAL_KEY_SM2;
	if (key_type != ESEAL_KEY_SM2 && key_type != ESEAL_KEY_EC_P256)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "the CA supports SM2 and ECDSA P-256 keys");
	if (days <= 0)
		days = 3650;
	if (days > 36500)
		return eseal_error_set(ESEAL_EINVAL, "CA validity too long (%d days)", days);
	if (!name || !*name)
		name = "eseal CA";
	char tmp[4096];
	if (ca_path(tmp, sizeof tmp, dir, "index.json"))
		return eseal_error_code();
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return eseal_error_set(ESEAL_EIO, "%s: %s", dir, strerror(errno));
	if (ca_exists(dir))
		return eseal_error_set(ESEAL_EEXISTS, "%s: a CA already exists there", dir);

	eseal_key *rk = NULL, *ik = NULL;
	eseal_cert *root = NULL, *issuing = NULL;
	X509_NAME *rn = NULL, *in = NULL;
	json_t *index = NULL;
	eseal_buf bundle = ESEAL_BUF_INIT;
	eseal_ca *ca = NULL;
	char rcn[512], icn[512];
	snprintf(rcn, sizeof rcn, "%s Root CA", name);
	snprintf(icn, sizeof icn, "%s Issuing CA", name);
	time_t now = time(NULL);
	time_t nb = now - 300; /* tolerate small clock differences */
	time_t na = now + (time_t)days * DAY;

	int rc = eseal_key_generate(&rk, key_type);
	if (!rc)
		rc = eseal_key_generate(&ik, key_type);
	if (!rc)
		rc = build_name(&rn, "CN", name, NULL, rcn, NULL);
	if (!rc)
		rc = build_name(&in, "CN", name, NULL, icn, NULL);
	if (!rc)
		rc = make_cert(&root, rn, rk, NULL, rk, nb, na, PKI_PROFILE_ROOT);
	if (!rc)
		rc = make_cert(&issuing, in, ik, root, rk, nb, na, PKI_PROFILE_ISSUING);
	if (rc)
		goto done;
	index = ca_index_new(name, key_type_name(key_type));
	if (!index || ca_index_add(index, root, "root-ca") || ca_index_add(index, issuing, "issuing-ca")) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto done;
	}
	rc = save_pair(dir, "root", root, rk, pass, passlen);
	if (!rc)
		rc = save_pair(dir, "issuing", issuing, ik, pass, passlen);
	if (!rc)
		rc = eseal_cert_pem(root, &bundle);
	if (!rc)
		rc = eseal_cert_pem(issuing, &bundle);
	if (!rc && !(rc = ca_path(tmp, sizeof tmp, dir, "ca.pem")))
		rc = eseal_file_write_atomic(tmp, bundle.data, bundle.len, 0644);
	if (!rc)
		rc = ca_index_save(index, dir);
	if (rc)
		goto done;
	/* The first (empty) revocation list, so verifiers can load one at once. */
	ca = calloc(1, sizeof *ca);
	if (!ca || !(ca->dir = strdup(dir))) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto done;
	}
	ca->root = root;
	ca->issuing = issuing;
	ca->issuing_key = ik;
	ca->index = index;
	root = issuing = NULL;
	ik = NULL;
	index = NULL;
	rc = eseal_ca_crl(ca, 30, NULL);
done:
	if (rc) {
		int code = eseal_error_code();
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", eseal_error_last());
		ca_remove_files(dir);
		rmdir(dir); /* only succeeds when we made it and it is empty */
		eseal_error_set(code ? code : rc, "%s", msg);
	}
	eseal_ca_free(ca);
	eseal_buf_free(&bundle);
	json_decref(index);
	X509_NAME_free(rn);
	X509_NAME_free(in);
	eseal_cert_free(root);
	eseal_cert_free(issuing);
	eseal_key_free(rk);
	eseal_key_free(ik);
	return rc;
}

int eseal_ca_open(eseal_ca **out, const char *dir, const char *pass, size_t passlen)
{
	*out = NULL;
	char p[4096];
	eseal_ca *ca = calloc(1, sizeof *ca);
	if (!ca || !(ca->dir = strdup(dir))) {
		free(ca);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	int rc = ca_path(p, sizeof p, dir, "issuing.key");
	struct stat st;
	if (!rc && stat(p, &st) != 0)
		rc = eseal_error_set(ESEAL_ENOTFOUND, "%s: not a CA directory (no issuing.key)", dir);
	if (!rc && !(rc = ca_path(p, sizeof p, dir, "root.pem")))
		rc = eseal_cert_load(&ca->root, p);
	if (!rc && !(rc = ca_path(p, sizeof p, dir, "issuing.pem")))
		rc = eseal_cert_load(&ca->issuing, p);
	if (!rc)
		rc = ca_index_load(&ca->index, dir);
	if (!rc && !(rc = ca_path(p, sizeof p, dir, "issuing.key")))
		rc = eseal_key_load(&ca->issuing_key, p, pass, passlen);
	if (!rc && !eseal_cert_signed_by(ca->issuing, ca->root))
		rc = eseal_error_set(ESEAL_EVERIFY, "%s: issuing.pem is not signed by root.pem", dir);
	if (!rc) {
		/* The key must belong to the issuing certificate. */
		EVP_PKEY *cpk = X509_get0_pubkey(ca->issuing->x);
		if (!cpk || EVP_PKEY_eq(cpk, ca->issuing_key->pkey) != 1)
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: issuing.key does not match issuing.pem", dir);
		ERR_clear_error();
	}
	if (rc) {
		eseal_ca_free(ca);
		return rc;
	}
	*out = ca;
	return 0;
}

int eseal_ca_issue(eseal_ca *ca, const eseal_cert_request *req,
		   const eseal_key *subject_public, eseal_cert **out)
{
	*out = NULL;
	if (!req || !subject_public)
		return eseal_error_set(ESEAL_EINVAL, "no request or public key");
	const char *role = eseal_cert_role_name(req->role);
	if (!strcmp(role, "unknown"))
		return eseal_error_set(ESEAL_EINVAL, "unknown certificate role");
	if (!req->org || !*req->org || !req->name || !*req->name)
		return eseal_error_set(ESEAL_EINVAL, "a certificate needs an organisation (O) and a name (CN)");
	int days = req->days > 0 ? req->days : 730;
	if (days > 36500)
		return eseal_error_set(ESEAL_EINVAL, "validity too long (%d days)", days);
	time_t nb = req->not_before ? req->not_before : time(NULL) - 300;
	time_t na = nb + (time_t)days * DAY;
	/* Never outlive the issuing CA: the chain would break first. */
	time_t ca_end = eseal_cert_not_after(ca->issuing);
	if (ca_end != (time_t)-1 && na > ca_end)
		na = ca_end;
	if (na <= nb)
		return eseal_error_set(ESEAL_EEXPIRED, "the issuing CA expires before the requested start");
	X509_NAME *nm = NULL;
	int rc = build_name(&nm, req->country && *req->country ? req->country : "CN", req->org,
			    req->org_unit, req->name, req->serial_number);
	if (rc)
		return rc;
	eseal_cert *c = NULL;
	rc = make_cert(&c, nm, subject_public, ca->issuing, ca->issuing_key, nb, na, (int)req->role);
	X509_NAME_free(nm);
	if (!rc)
		rc = ca_index_add(ca->index, c, role);
	if (!rc)
		rc = ca_index_save(ca->index, ca->dir);
	if (rc) {
		eseal_cert_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

const eseal_cert *eseal_ca_root(const eseal_ca *ca)
{
	return ca->root;
}

const eseal_cert *eseal_ca_issuing(const eseal_ca *ca)
{
	return ca->issuing;
}

void eseal_ca_free(eseal_ca *ca)
{
	if (!ca)
		return;
	free(ca->dir);
	eseal_cert_free(ca->root);
	eseal_cert_free(ca->issuing);
	eseal_key_free(ca->issuing_key);
	json_decref(ca->index);
	free(ca);
}
