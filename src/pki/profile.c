/*
 * profile.c - what each kind of certificate says: basic constraints, key
 * usage, extended key usage and key identifiers for the root and issuing
 * CAs and for the five end-entity roles. One table, so a reviewer can read
 * every profile at a glance; never decides who may get which role.
 *
 * The maker (制章者) and seal (签章者) certificates carry no extended key
 * usage: GM/T 0031 defines none, and an EKU would make other verifiers
 * reject them for document signing.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>

#include "pki/pki_internal.h"

typedef struct {
	int id;
	const char *name;
	const char *bc;   /* basicConstraints */
	const char *ku;   /* keyUsage */
	const char *eku;  /* extendedKeyUsage or NULL */
} profile;

static const profile profiles[] = {
	{ PKI_PROFILE_ROOT, "root-ca", "critical,CA:TRUE", "critical,keyCertSign,cRLSign", NULL },
	{ PKI_PROFILE_ISSUING, "issuing-ca", "critical,CA:TRUE,pathlen:0",
	  "critical,keyCertSign,cRLSign", NULL },
	{ ESEAL_ROLE_MAKER, "maker", "critical,CA:FALSE", "critical,digitalSignature,nonRepudiation", NULL },
	{ ESEAL_ROLE_SEAL, "seal", "critical,CA:FALSE", "critical,digitalSignature,nonRepudiation", NULL },
	{ ESEAL_ROLE_STATUS, "status", "critical,CA:FALSE", "critical,digitalSignature", "OCSPSigning" },
	{ ESEAL_ROLE_SYSTEM, "system", "critical,CA:FALSE", "critical,digitalSignature,keyEncipherment",
	  "serverAuth,clientAuth" },
	{ ESEAL_ROLE_TSA, "tsa", "critical,CA:FALSE", "critical,digitalSignature,nonRepudiation",
	  "critical,timeStamping" },
};

static const profile *find(int id)
{
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (profiles[i].id == id)
			return &profiles[i];
	return NULL;
}

eseal_cert_role eseal_cert_role_from_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof profiles / sizeof profiles[0]; i++)
		if (profiles[i].id < PKI_PROFILE_ROOT && !strcmp(profiles[i].name, name))
			return (eseal_cert_role)profiles[i].id;
	return (eseal_cert_role)0;
}

const char *eseal_cert_role_name(eseal_cert_role r)
{
	const profile *p = find((int)r);
	return p ? p->name : "unknown";
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	if (!e)
		return eseal_crypto_error(ESEAL_ECRYPTO, "cannot build certificate extension");
	int ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok ? 0 : eseal_crypto_error(ESEAL_ENOMEM, "cannot add certificate extension");
}

int pki_profile_apply(X509 *x, X509 *issuer, int id)
{
	const profile *p = find(id);
	if (!p)
		return eseal_error_set(ESEAL_EINVAL, "unknown certificate role %d", id);
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	int rc = add_ext(x, &ctx, NID_basic_constraints, p->bc);
	if (!rc)
		rc = add_ext(x, &ctx, NID_key_usage, p->ku);
	if (!rc && p->eku)
		rc = add_ext(x, &ctx, NID_ext_key_usage, p->eku);
	/* SKI first: a self-signed root's AKI is taken from it. */
	if (!rc)
		rc = add_ext(x, &ctx, NID_subject_key_identifier, "hash");
	if (!rc)
		rc = add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
	return rc;
}

int pki_random_serial(ASN1_INTEGER **out)
{
	unsigned char b[16];
	*out = NULL;
	if (RAND_bytes(b, sizeof b) != 1)
		return eseal_crypto_error(ESEAL_ECRYPTO, "no randomness");
	/* Positive and exactly 16 bytes: top bit clear, first byte non-zero. */
	b[0] &= 0x7f;
	if (!b[0])
		b[0] = 0x01;
	BIGNUM *bn = BN_bin2bn(b, sizeof b, NULL);
	*out = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	BN_free(bn);
	if (!*out)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	return 0;
}

int pki_sign_ctx(EVP_MD_CTX **out, const eseal_key *k)
{
	if (!k || !k->has_private)
		return eseal_error_set(ESEAL_EINVAL, "signing needs a private key");
	return eseal_md_ctx_init(out, k, 0);
}
