/*
 * test_pki.c - certificates, the built-in CA, chain validation, revocation
 * and key files. Every check runs real SM2/ECDSA signatures.
 */
#include <sys/stat.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "eseal/eseal.h"
#include "pki/pki_internal.h"
#include "harness.h"

#define PASS "correct horse"
#define DAY (24 * 3600)

static char ca_dir[512];

/* One SM2 CA shared by the tests (scrypt makes each init cost a little). */
static const char *shared_ca(void)
{
	if (!ca_dir[0]) {
		snprintf(ca_dir, sizeof ca_dir, "%s/ca", h_tmpdir());
		if (eseal_ca_init(ca_dir, "测试电子认证中心", ESEAL_KEY_SM2, PASS, strlen(PASS), 3650)) {
			fprintf(stderr, "ca init: %s\n", eseal_error_last());
			exit(1);
		}
	}
	return ca_dir;
}

static eseal_trust *ca_trust(const char *dir)
{
	char p[600];
	eseal_trust *t;
	snprintf(p, sizeof p, "%s/ca.pem", dir);
	if (eseal_trust_new(&t) || eseal_trust_add_file(t, p))
		return NULL;
	return t;
}

static eseal_cert *issue(eseal_ca *ca, eseal_cert_role role, const char *org, const char *name,
			 time_t nb, int days, eseal_key **keyout)
{
	eseal_key *k = NULL;
	eseal_cert *c = NULL;
	eseal_cert_request req = { .role = role, .org = org, .name = name, .not_before = nb, .days = days };
	if (eseal_key_generate(&k, ESEAL_KEY_SM2) || eseal_ca_issue(ca, &req, k, &c)) {
		fprintf(stderr, "issue: %s\n", eseal_error_last());
		eseal_key_free(k);
		return NULL;
	}
	if (keyout)
		*keyout = k;
	else
		eseal_key_free(k);
	return c;
}

static void test_ca_init_open(void)
{
	const char *dir = shared_ca();
	const char *files[] = { "root.pem", "root.key", "issuing.pem", "issuing.key", "ca.pem",
				"index.json", "crl.pem" };
	char p[600];
	struct stat st;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		CHECK(stat(p, &st) == 0);
	}
	snprintf(p, sizeof p, "%s/issuing.key", dir);
	REQUIRE(stat(p, &st) == 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	CHECK_EQ_INT(eseal_ca_init(dir, "again", ESEAL_KEY_SM2, PASS, strlen(PASS), 10), ESEAL_EEXISTS);

	eseal_ca *ca = NULL;
	CHECK_EQ_INT(eseal_ca_open(&ca, dir, "wrong", 5), ESEAL_EPASS);
	CHECK(strstr(eseal_error_last(), "wrong passphrase") != NULL);
	CHECK(ca == NULL);
	CHECK_OK(eseal_ca_open(&ca, dir, PASS, strlen(PASS)));
	const eseal_cert *root = eseal_ca_root(ca), *iss = eseal_ca_issuing(ca);
	CHECK(eseal_cert_is_ca(root));
	CHECK(eseal_cert_is_ca(iss));
	CHECK(eseal_cert_signed_by(iss, root));
	CHECK(eseal_cert_signed_by(root, root));
	CHECK(!eseal_cert_signed_by(root, iss));
	CHECK_EQ_STR(eseal_cert_key_algorithm(root), "sm2");
	char o[256];
	CHECK_OK(eseal_cert_subject_attr(root, "O", o, sizeof o));
	CHECK_EQ_STR(o, "测试电子认证中心");
	/* Root: keyCertSign + cRLSign, CA:TRUE, SKI; issuing: pathlen 0, AKI = root SKI. */
	CHECK(X509_get_key_usage(root->x) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
	CHECK(X509_get_pathlen(iss->x) == 0);
	CHECK(X509_get0_subject_key_id(root->x) != NULL);
	CHECK(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(iss->x), X509_get0_subject_key_id(root->x)) == 0);
	/* The chain validates by itself. */
	eseal_trust *t = ca_trust(dir);
	REQUIRE(t);
	CHECK_EQ_INT(eseal_trust_count(t), 2);
	eseal_chain_status st2;
	char why[512];
	CHECK_OK(eseal_trust_verify(t, iss, NULL, 0, time(NULL), &st2, why, sizeof why));
	CHECK_EQ_INT(st2, ESEAL_CHAIN_OK);
	eseal_trust_free(t);
	eseal_ca_free(ca);
}

static void test_issue_roles(void)
{
	eseal_ca *ca = NULL;
	CHECK_OK(eseal_ca_open(&ca, shared_ca(), PASS, strlen(PASS)));
	eseal_trust *t = ca_trust(shared_ca());
	REQUIRE(t);
	static const struct { eseal_cert_role r; uint32_t ku; uint32_t xku; } roles[] = {
		{ ESEAL_ROLE_MAKER, KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION, UINT32_MAX },
		{ ESEAL_ROLE_SEAL, KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION, UINT32_MAX },
		{ ESEAL_ROLE_STATUS, KU_DIGITAL_SIGNATURE, XKU_OCSP_SIGN },
		{ ESEAL_ROLE_SYSTEM, KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT, XKU_SSL_SERVER | XKU_SSL_CLIENT },
		{ ESEAL_ROLE_TSA, KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION, XKU_TIMESTAMP },
	};
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		eseal_cert *c = issue(ca, roles[i].r, "Example Org", eseal_cert_role_name(roles[i].r), 0, 365, NULL);
		REQUIRE(c);
		CHECK(eseal_cert_role_from_name(eseal_cert_role_name(roles[i].r)) == roles[i].r);
		CHECK(!eseal_cert_is_ca(c));
		CHECK(X509_get_key_usage(c->x) == roles[i].ku);
		CHECK(X509_get_extended_key_usage(c->x) == roles[i].xku);
		CHECK(X509_get0_authority_key_id(c->x) && X509_get0_subject_key_id(c->x));
		char serial[80];
		CHECK_OK(eseal_cert_serial(c, serial, sizeof serial));
		CHECK_EQ_INT(strlen(serial), 32);
		CHECK(serial[0] <= '7');
		CHECK(eseal_cert_signed_by(c, eseal_ca_issuing(ca)));
		eseal_chain_status st;
		char why[512];
		CHECK_OK(eseal_trust_verify(t, c, NULL, 0, time(NULL), &st, why, sizeof why));
		CHECK_EQ_INT(st, ESEAL_CHAIN_OK);
		if (st)
			fprintf(stderr, "  why: %s\n", why);
		/* Validity: 365 days from now. */
		CHECK(eseal_cert_not_after(c) - eseal_cert_not_before(c) == 365 * DAY);
		eseal_cert_free(c);
	}
	eseal_trust_free(t);
	eseal_ca_free(ca);
}

static void test_chain_times(void)
{
	eseal_ca *ca = NULL;
	CHECK_OK(eseal_ca_open(&ca, shared_ca(), PASS, strlen(PASS)));
	eseal_trust *t = ca_trust(shared_ca());
	REQUIRE(t);
	eseal_cert *c = issue(ca, ESEAL_ROLE_SEAL, "Org", "Seal", 0, 30, NULL);
	REQUIRE(c);
	eseal_chain_status st;
	char why[512];
	time_t now = time(NULL);
	CHECK_OK(eseal_trust_verify(t, c, NULL, 0, now + 60 * DAY, &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_EXPIRED);
	CHECK(strstr(why, "expired") != NULL);
	CHECK_OK(eseal_trust_verify(t, c, NULL, 0, now - 2 * DAY, &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_EXPIRED);
	CHECK(strstr(why, "not yet valid") != NULL);
	CHECK_OK(eseal_trust_verify(t, c, NULL, 0, now + 29 * DAY, &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_OK);
	eseal_cert_free(c);
	eseal_trust_free(t);
	eseal_ca_free(ca);
}

static void test_no_anchor(void)
{
	eseal_ca *ca = NULL;
	CHECK_OK(eseal_ca_open(&ca, shared_ca(), PASS, strlen(PASS)));
	eseal_cert *c = issue(ca, ESEAL_ROLE_MAKER, "Org", "Maker", 0, 30, NULL);
	REQUIRE(c);
	eseal_trust *t;
	CHECK_OK(eseal_trust_new(&t));
	eseal_chain_status st;
	char why[512];
	CHECK_OK(eseal_trust_verify(t, c, NULL, 0, time(NULL), &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_NO_ANCHOR);
	/* An unrelated CA (plain keys this time) is no anchor for c. */
	char other[600];
	snprintf(other, sizeof other, "%s/other", h_tmpdir());
	CHECK_OK(eseal_ca_init(other, "Other", ESEAL_KEY_SM2, NULL, 0, 100));
	char p[700];
	snprintf(p, sizeof p, "%s/root.key", other);
	eseal_key *k;
	CHECK_OK(eseal_key_load(&k, p, NULL, 0));
	eseal_key_free(k);
	snprintf(p, sizeof p, "%s/ca.pem", other);
	CHECK_OK(eseal_trust_add_file(t, p));
	CHECK_OK(eseal_trust_verify(t, c, NULL, 0, time(NULL), &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_NO_ANCHOR);
	/* Only the issuing CA as anchor (partial chain) is enough. */
	eseal_trust *t2;
	CHECK_OK(eseal_trust_new(&t2));
	CHECK_OK(eseal_trust_add_cert(t2, eseal_ca_issuing(ca)));
	CHECK_OK(eseal_trust_verify(t2, c, NULL, 0, time(NULL), &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_OK);
	/* Only the root: the issuing CA must come as an extra certificate. */
	eseal_trust *t3;
	CHECK_OK(eseal_trust_new(&t3));
	CHECK_OK(eseal_trust_add_cert(t3, eseal_ca_root(ca)));
	CHECK_OK(eseal_trust_verify(t3, c, NULL, 0, time(NULL), &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_NO_ANCHOR);
	eseal_cert *extra[1] = { (eseal_cert *)eseal_ca_issuing(ca) };
	CHECK_OK(eseal_trust_verify(t3, c, extra, 1, time(NULL), &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_OK);
	eseal_trust_free(t3);
	eseal_trust_free(t2);
	eseal_trust_free(t);
	eseal_cert_free(c);
	eseal_ca_free(ca);
}

static void test_revocation(void)
{
	const char *dir = shared_ca();
	eseal_ca *ca = NULL;
	CHECK_OK(eseal_ca_open(&ca, dir, PASS, strlen(PASS)));
	time_t now = time(NULL);
	/* The CA was made a moment ago, so the revocation is dated ahead:
	 * "at" before it and after it is what matters. */
	eseal_cert *c = issue(ca, ESEAL_ROLE_SEAL, "Org", "Revoked seal", 0, 365, NULL);
	eseal_cert *good = issue(ca, ESEAL_ROLE_SEAL, "Org", "Good seal", 0, 365, NULL);
	REQUIRE(c && good);
	char serial[80];
	CHECK_OK(eseal_cert_serial(c, serial, sizeof serial));
	CHECK_EQ_INT(eseal_ca_revoke(ca, "0123", 1, 0), ESEAL_ENOTFOUND);
	CHECK_OK(eseal_ca_revoke(ca, serial, 1, now + 5 * DAY));
	CHECK_EQ_INT(eseal_ca_revoke(ca, serial, 1, now), ESEAL_EEXISTS);
	eseal_buf der = ESEAL_BUF_INIT;
	CHECK_OK(eseal_ca_crl(ca, 7, &der));
	CHECK(der.len > 100);
	eseal_buf_free(&der);

	eseal_trust *t = ca_trust(dir);
	REQUIRE(t);
	char p[600];
	snprintf(p, sizeof p, "%s/crl.pem", dir);
	CHECK_OK(eseal_trust_add_crl_file(t, p));
	eseal_chain_status st;
	char why[512];
	/* Signed before the revocation: still valid (GM/T 0031 §6.2.3). */
	CHECK_OK(eseal_trust_verify(t, c, NULL, 0, now + 5 * DAY - 1, &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_OK);
	CHECK_OK(eseal_trust_verify(t, c, NULL, 0, now + 5 * DAY, &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_REVOKED);
	CHECK(strstr(why, "keyCompromise") != NULL);
	/* Without the CRL nothing is known about revocation. */
	eseal_trust *t0 = ca_trust(dir);
	CHECK_OK(eseal_trust_verify(t0, c, NULL, 0, now + 6 * DAY, &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_OK);
	eseal_trust_free(t0);
	CHECK_OK(eseal_trust_verify(t, good, NULL, 0, now + 6 * DAY, &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_OK);

	/* The CRL carries number, reason and a signature by the issuing CA. */
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_file_read(&b, p, 0));
	BIO *bio = BIO_new_mem_buf(b.data, (int)b.len);
	X509_CRL *crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
	BIO_free(bio);
	eseal_buf_free(&b);
	REQUIRE(crl);
	CHECK(X509_CRL_get_version(crl) == X509_CRL_VERSION_2);
	ASN1_INTEGER *num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	CHECK(num && ASN1_INTEGER_get(num) >= 2);
	ASN1_INTEGER_free(num);
	CHECK(pki_crl_signed_by(crl, eseal_ca_issuing(ca)->x));
	CHECK(!pki_crl_signed_by(crl, eseal_ca_root(ca)->x));
	X509_CRL_free(crl);
	eseal_trust_free(t);
	eseal_cert_free(c);
	eseal_cert_free(good);
	eseal_ca_free(ca);
}

static void test_key_files(void)
{
	const char *dir = h_tmpdir();
	char p[600], plain[600];
	snprintf(p, sizeof p, "%s/k.pem", dir);
	snprintf(plain, sizeof plain, "%s/plain.pem", dir);
	eseal_key *k, *k2;
	CHECK_OK(eseal_key_generate(&k, ESEAL_KEY_SM2));
	CHECK_OK(eseal_key_save(k, p, "pw", 2));
	struct stat st;
	REQUIRE(stat(p, &st) == 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_file_read(&b, p, 0));
	eseal_buf_cstr(&b);
	CHECK(strstr((char *)b.data, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL);
	eseal_buf_free(&b);
	CHECK_EQ_INT(eseal_key_load(&k2, p, "pW", 2), ESEAL_EPASS);
	CHECK(strstr(eseal_error_last(), "wrong passphrase") != NULL);
	CHECK_EQ_INT(eseal_key_load(&k2, p, NULL, 0), ESEAL_EPASS);
	CHECK_OK(eseal_key_load(&k2, p, "pw", 2));
	CHECK_EQ_INT(eseal_key_get_type(k2), ESEAL_KEY_SM2);
	uint8_t a[65], c[65];
	CHECK_OK(eseal_key_public_point(k, a));
	CHECK_OK(eseal_key_public_point(k2, c));
	CHECK(memcmp(a, c, 65) == 0);
	/* The reloaded key signs, the original verifies. */
	eseal_buf sig = ESEAL_BUF_INIT;
	CHECK_OK(eseal_key_sign(k2, "abc", 3, &sig));
	CHECK_OK(eseal_key_verify(k, "abc", 3, sig.data, sig.len));
	eseal_buf_free(&sig);
	eseal_key_free(k2);
	/* Plain PKCS#8 loads without a passphrase. */
	CHECK_OK(eseal_key_save(k, plain, NULL, 0));
	CHECK_OK(eseal_key_load(&k2, plain, NULL, 0));
	eseal_key_free(k2);
	/* OpenSSL reads our encrypted file (SM4-CBC, PBES2/scrypt). */
	if (system("openssl version >/dev/null 2>&1") == 0) {
		char cmd[1400];
		snprintf(cmd, sizeof cmd, "openssl pkey -in %s -passin pass:pw -noout 2>/dev/null", p);
		CHECK(system(cmd) == 0);
		snprintf(cmd, sizeof cmd, "openssl pkey -in %s -passin pass:bad -noout 2>/dev/null", p);
		CHECK(system(cmd) != 0);
		snprintf(cmd, sizeof cmd, "openssl asn1parse -in %s 2>/dev/null | grep -q -e scrypt -e id-scrypt", p);
		CHECK(system(cmd) == 0);
		snprintf(cmd, sizeof cmd, "openssl asn1parse -in %s 2>/dev/null | grep -q -i sm4", p);
		CHECK(system(cmd) == 0);
	}
	/* A certificate ahead of the key in the same file is skipped. */
	{
		eseal_buf both = ESEAL_BUF_INIT, kp = ESEAL_BUF_INIT;
		char bp[600], cp[600];
		eseal_cert *cc;
		snprintf(cp, sizeof cp, "%s/ca.pem", shared_ca());
		CHECK_OK(eseal_cert_load(&cc, cp));
		CHECK_OK(eseal_cert_pem(cc, &both));
		CHECK_OK(eseal_key_to_pem(k, "pw", 2, &kp));
		CHECK_OK(eseal_buf_put(&both, kp.data, kp.len));
		snprintf(bp, sizeof bp, "%s/both.pem", dir);
		CHECK_OK(eseal_file_write_atomic(bp, both.data, both.len, 0600));
		CHECK_OK(eseal_key_load(&k2, bp, "pw", 2));
		eseal_key_free(k2);
		CHECK_EQ_INT(eseal_key_load(&k2, cp, "pw", 2), ESEAL_EFORMAT);
		eseal_cert_free(cc);
		eseal_buf_free(&both);
		eseal_buf_free(&kp);
	}
	/* P-256 round trip too. */
	eseal_key *e;
	CHECK_OK(eseal_key_generate(&e, ESEAL_KEY_EC_P256));
	CHECK_OK(eseal_key_save(e, p, "x", 1));
	CHECK_OK(eseal_key_load(&k2, p, "x", 1));
	CHECK_EQ_INT(eseal_key_get_type(k2), ESEAL_KEY_EC_P256);
	eseal_key_free(k2);
	eseal_key_free(e);
	eseal_key_free(k);
}

static void test_p12_fixture(void)
{
	SKIP_IF_NO_SHARED();
	const char *p = h_shared("fixtures/keys/USER.p12");
	REQUIRE(p);
	char path[4096];
	snprintf(path, sizeof path, "%s", p);
	eseal_key *k = NULL;
	eseal_cert *c = NULL;
	CHECK_EQ_INT(eseal_pkcs12_load(path, "000000", &k, &c), ESEAL_EPASS);
	CHECK_OK(eseal_pkcs12_load(path, "777777", &k, &c));
	char serial[80];
	CHECK_OK(eseal_cert_serial(c, serial, sizeof serial));
	CHECK_EQ_STR(serial, "01719D2DAB60");
	CHECK(eseal_key_has_private(k));
	/* The key belongs to the certificate. */
	eseal_key *pub;
	CHECK_OK(eseal_cert_key(c, &pub));
	eseal_buf sig = ESEAL_BUF_INIT;
	CHECK_OK(eseal_key_sign(k, "m", 1, &sig));
	CHECK_OK(eseal_key_verify(pub, "m", 1, sig.data, sig.len));
	eseal_buf_free(&sig);
	eseal_key_free(pub);
	eseal_key_free(k);
	eseal_cert_free(c);
}

static void test_chinese_names(void)
{
	eseal_ca *ca = NULL;
	CHECK_OK(eseal_ca_open(&ca, shared_ca(), PASS, strlen(PASS)));
	eseal_key *k;
	CHECK_OK(eseal_key_generate(&k, ESEAL_KEY_SM2));
	eseal_cert_request req = { .role = ESEAL_ROLE_SEAL, .org = "淄博市周村区自然资源局",
				   .name = "不动产登记专用章", .org_unit = "登记科", .serial_number = "37030000001721" };
	eseal_cert *c = NULL;
	CHECK_OK(eseal_ca_issue(ca, &req, k, &c));
	/* Through DER and back. */
	size_t len;
	const uint8_t *der = eseal_cert_der(c, &len);
	eseal_cert *c2;
	CHECK_OK(eseal_cert_parse(&c2, der, len));
	char v[256], line[1024];
	CHECK_OK(eseal_cert_subject_attr(c2, "O", v, sizeof v));
	CHECK_EQ_STR(v, "淄博市周村区自然资源局");
	CHECK_OK(eseal_cert_subject_attr(c2, "CN", v, sizeof v));
	CHECK_EQ_STR(v, "不动产登记专用章");
	CHECK_OK(eseal_cert_subject_attr(c2, "serialNumber", v, sizeof v));
	CHECK_EQ_STR(v, "37030000001721");
	CHECK_OK(eseal_cert_subject_attr(c2, "C", v, sizeof v));
	CHECK_EQ_STR(v, "CN");
	CHECK_EQ_INT(eseal_cert_subject_attr(c2, "L", v, sizeof v), ESEAL_ENOTFOUND);
	CHECK_OK(eseal_cert_subject(c2, line, sizeof line));
	CHECK_EQ_STR(line, "serialNumber=37030000001721, CN=不动产登记专用章, OU=登记科, O=淄博市周村区自然资源局, C=CN");
	/* Stored as UTF8String. */
	X509_NAME *nm = X509_get_subject_name(c2->x);
	ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, X509_NAME_get_index_by_NID(nm, NID_organizationName, -1)));
	CHECK_EQ_INT(ASN1_STRING_type(s), V_ASN1_UTF8STRING);
	uint8_t fp1[32], fp2[32];
	eseal_cert_sm3(c, fp1);
	eseal_cert_sm3(c2, fp2);
	CHECK(memcmp(fp1, fp2, 32) == 0);
	eseal_cert_free(c2);
	eseal_cert_free(c);
	eseal_key_free(k);
	eseal_ca_free(ca);
}

/* A certificate signed with OpenSSL 3.0's empty default SM2 ID must not
 * validate: we always sign and verify with "1234567812345678". */
static void test_empty_sm2_id_rejected(void)
{
	eseal_ca *ca = NULL;
	CHECK_OK(eseal_ca_open(&ca, shared_ca(), PASS, strlen(PASS)));
	eseal_cert *c = issue(ca, ESEAL_ROLE_SEAL, "Org", "Empty ID", 0, 30, NULL);
	REQUIRE(c);
	char p[600];
	snprintf(p, sizeof p, "%s/issuing.key", shared_ca());
	eseal_key *ik;
	CHECK_OK(eseal_key_load(&ik, p, PASS, strlen(PASS)));
	X509 *x = X509_dup(c->x);
	REQUIRE(x);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	REQUIRE(m && EVP_DigestSignInit(m, NULL, EVP_sm3(), NULL, ik->pkey) == 1);
	REQUIRE(X509_sign_ctx(x, m) > 0);
	EVP_MD_CTX_free(m);
	eseal_cert *bad;
	CHECK_OK(pki_cert_wrap(&bad, x));
	CHECK(!eseal_cert_signed_by(bad, eseal_ca_issuing(ca)));
	CHECK(eseal_cert_signed_by(c, eseal_ca_issuing(ca)));
	eseal_trust *t = ca_trust(shared_ca());
	eseal_chain_status st;
	char why[512];
	CHECK_OK(eseal_trust_verify(t, bad, NULL, 0, time(NULL), &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_INVALID);
	CHECK(strstr(why, "signature") != NULL);
	eseal_trust_free(t);
	eseal_cert_free(bad);
	eseal_cert_free(c);
	eseal_key_free(ik);
	eseal_ca_free(ca);
}

static void test_p256_ca(void)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/p256", h_tmpdir());
	CHECK_OK(eseal_ca_init(dir, "PAdES CA", ESEAL_KEY_EC_P256, PASS, strlen(PASS), 100));
	eseal_ca *ca;
	CHECK_OK(eseal_ca_open(&ca, dir, PASS, strlen(PASS)));
	CHECK_EQ_STR(eseal_cert_key_algorithm(eseal_ca_root(ca)), "ecdsa-p256");
	eseal_key *k;
	CHECK_OK(eseal_key_generate(&k, ESEAL_KEY_EC_P256));
	eseal_cert_request req = { .role = ESEAL_ROLE_SEAL, .org = "Org", .name = "PDF seal" };
	eseal_cert *c;
	CHECK_OK(eseal_ca_issue(ca, &req, k, &c));
	CHECK_EQ_STR(eseal_cert_key_algorithm(c), "ecdsa-p256");
	/* A CA lasting 100 days caps the 730-day default. */
	CHECK(eseal_cert_not_after(c) <= eseal_cert_not_after(eseal_ca_issuing(ca)));
	eseal_trust *t = ca_trust(dir);
	eseal_chain_status st;
	char why[512];
	CHECK_OK(eseal_trust_verify(t, c, NULL, 0, time(NULL), &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_OK);
	CHECK_EQ_INT(eseal_ca_revoke(ca, "00", 0, 0), ESEAL_ENOTFOUND);
	char serial[80];
	CHECK_OK(eseal_cert_serial(c, serial, sizeof serial));
	CHECK_OK(eseal_ca_revoke(ca, serial, 0, time(NULL) - 60));
	CHECK_OK(eseal_ca_crl(ca, 1, NULL));
	char p[700];
	snprintf(p, sizeof p, "%s/crl.pem", dir);
	CHECK_OK(eseal_trust_add_crl_file(t, p));
	CHECK_OK(eseal_trust_verify(t, c, NULL, 0, time(NULL), &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_REVOKED);
	eseal_trust_free(t);
	eseal_cert_free(c);
	eseal_key_free(k);
	eseal_ca_free(ca);
}

static void test_trust_dir_and_bundle(void)
{
	const char *dir = h_tmpdir();
	char p[600], q[600];
	eseal_cert **list;
	size_t n;
	snprintf(p, sizeof p, "%s/ca.pem", shared_ca());
	CHECK_OK(eseal_cert_load_all(&list, &n, p));
	CHECK_EQ_INT(n, 2);
	/* One file per certificate, DER for the second. */
	snprintf(q, sizeof q, "%s/a.pem", dir);
	CHECK_OK(eseal_cert_save_pem(list[0], q));
	size_t len;
	const uint8_t *der = eseal_cert_der(list[1], &len);
	snprintf(q, sizeof q, "%s/b.der", dir);
	CHECK_OK(eseal_file_write_atomic(q, der, len, 0644));
	eseal_cert *one;
	CHECK_OK(eseal_cert_load(&one, q));
	CHECK(eseal_cert_signed_by(one, list[0]));
	eseal_cert_free(one);
	eseal_trust *t;
	CHECK_OK(eseal_trust_new(&t));
	CHECK_OK(eseal_trust_add_file(t, dir));
	CHECK_EQ_INT(eseal_trust_count(t), 2);
	CHECK_OK(eseal_trust_add_file(t, p)); /* duplicates are ignored */
	CHECK_EQ_INT(eseal_trust_count(t), 2);
	snprintf(q, sizeof q, "%s/garbage.pem", dir);
	CHECK_OK(eseal_file_write_atomic(q, "hello", 5, 0644));
	CHECK_EQ_INT(eseal_trust_add_file(t, q), ESEAL_EFORMAT);
	CHECK(eseal_trust_add_file(t, "/nonexistent/x.pem") != 0);
	eseal_trust_free(t);
	eseal_cert_list_free(list, n);
	uint8_t junk[3] = { 0x30, 0x01, 0x00 };
	CHECK_EQ_INT(eseal_cert_parse(&one, junk, 3), ESEAL_EFORMAT);
}

/* An end-entity certificate cannot act as a CA, even with a good signature. */
static void test_not_a_ca(void)
{
	eseal_ca *ca = NULL;
	CHECK_OK(eseal_ca_open(&ca, shared_ca(), PASS, strlen(PASS)));
	eseal_key *mk = NULL;
	eseal_cert *maker = issue(ca, ESEAL_ROLE_MAKER, "Org", "Maker", 0, 30, &mk);
	eseal_cert *leaf = issue(ca, ESEAL_ROLE_SEAL, "Org", "Seal", 0, 30, NULL);
	REQUIRE(maker && leaf);
	X509 *x = X509_dup(leaf->x);
	REQUIRE(x && X509_set_issuer_name(x, X509_get_subject_name(maker->x)));
	X509_EXTENSION_free(X509_delete_ext(x, X509_get_ext_by_NID(x, NID_authority_key_identifier, -1)));
	EVP_MD_CTX *m = NULL;
	CHECK_OK(pki_sign_ctx(&m, mk));
	REQUIRE(X509_sign_ctx(x, m) > 0);
	EVP_MD_CTX_free(m);
	eseal_cert *forged;
	CHECK_OK(pki_cert_wrap(&forged, x));
	CHECK(eseal_cert_signed_by(forged, maker));
	eseal_trust *t = ca_trust(shared_ca());
	eseal_chain_status st;
	char why[512];
	eseal_cert *extra[1] = { maker };
	CHECK_OK(eseal_trust_verify(t, forged, extra, 1, time(NULL), &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_INVALID);
	CHECK(strstr(why, "CA") != NULL);
	eseal_trust_free(t);
	eseal_cert_free(forged);
	eseal_cert_free(maker);
	eseal_cert_free(leaf);
	eseal_key_free(mk);
	eseal_ca_free(ca);
}

/* The fixtures' certificates share one DN: anchors match by bytes. */
static void test_match_by_bytes(void)
{
	SKIP_IF_NO_SHARED();
	char path[4096];
	snprintf(path, sizeof path, "%s", h_shared("fixtures/keys/USER.p12"));
	eseal_cert *user = NULL;
	CHECK_OK(eseal_pkcs12_load(path, "777777", NULL, &user));
	REQUIRE(user);
	eseal_ca *ca = NULL;
	CHECK_OK(eseal_ca_open(&ca, shared_ca(), PASS, strlen(PASS)));
	/* Same subject DN as the fixture, different certificate. */
	eseal_key *k;
	CHECK_OK(eseal_key_generate(&k, ESEAL_KEY_SM2));
	eseal_cert_request req = { .role = ESEAL_ROLE_SEAL, .org = "OFD R&W", .name = "Test Certificate" };
	eseal_cert *twin;
	CHECK_OK(eseal_ca_issue(ca, &req, k, &twin));
	eseal_trust *t;
	CHECK_OK(eseal_trust_new(&t));
	CHECK_OK(eseal_trust_add_cert(t, user));
	eseal_chain_status st;
	char why[512];
	time_t t2021 = 1609459200 + 100 * 24 * 3600; /* 2021-04-11 */
	CHECK_OK(eseal_trust_verify(t, user, NULL, 0, t2021, &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_OK);
	CHECK_OK(eseal_trust_verify(t, user, NULL, 0, time(NULL), &st, why, sizeof why));
	CHECK_EQ_INT(st, ESEAL_CHAIN_EXPIRED);
	CHECK_OK(eseal_trust_verify(t, twin, NULL, 0, time(NULL), &st, why, sizeof why));
	CHECK(st != ESEAL_CHAIN_OK);
	/* And the fixture is not trusted because a same-named certificate is. */
	eseal_trust *t3;
	CHECK_OK(eseal_trust_new(&t3));
	CHECK_OK(eseal_trust_add_cert(t3, twin));
	CHECK_OK(eseal_trust_verify(t3, user, NULL, 0, t2021, &st, why, sizeof why));
	CHECK(st != ESEAL_CHAIN_OK);
	eseal_trust_free(t3);
	eseal_trust_free(t);
	eseal_cert_free(twin);
	eseal_key_free(k);
	eseal_cert_free(user);
	eseal_ca_free(ca);
}

TESTS(T(test_ca_init_open), T(test_issue_roles), T(test_chain_times), T(test_no_anchor),
      T(test_revocation), T(test_key_files), T(test_p12_fixture), T(test_chinese_names),
      T(test_empty_sm2_id_rejected), T(test_p256_ca), T(test_trust_dir_and_bundle),
      T(test_not_a_ca), T(test_match_by_bytes))
