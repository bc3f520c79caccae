/*
 * cms_verify.c - checks a parsed CMS SignedData into a report item: the
 * signature over the original signed-attribute bytes (re-tagged as SET, as
 * RFC 5652 §5.4 says) or over the eContent, the binding of messageDigest to
 * the caller's digest, the ESS signing-certificate binding, and the signer
 * certificate's validity and chain. It must never report PASSED for a
 * signature it could not actually check.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "cms/cms_internal.h"
#include "cms/cms_oids.h"
#include "crypto/key_internal.h"
#include "verify/checks.h"

typedef enum { ALG_NONE, ALG_SM2, ALG_ECDSA, ALG_RSA } alg_family;

/* Family and digest of a signatureAlgorithm; the digest is the
 * SignerInfo's when the OID names only the key type. */
static alg_family sig_family(const eseal_cms *c, const char **md)
{
	const char *a = c->sig_alg;
	*md = c->digest;
	if (!strcmp(a, CMS_OID_SM2_1) || !strcmp(a, CMS_OID_SM2) || !strcmp(a, CMS_OID_SM2_SM3)) {
		*md = "sm3";
		return ALG_SM2;
	}
	if (!strcmp(a, CMS_OID_EC_PUBLIC_KEY)) return ALG_ECDSA;
	if (!strcmp(a, CMS_OID_ECDSA_SHA1)) { *md = "sha1"; return ALG_ECDSA; }
	if (!strcmp(a, CMS_OID_ECDSA_SHA256)) { *md = "sha256"; return ALG_ECDSA; }
	if (!strcmp(a, CMS_OID_ECDSA_SHA384)) { *md = "sha384"; return ALG_ECDSA; }
	if (!strcmp(a, CMS_OID_ECDSA_SHA512)) { *md = "sha512"; return ALG_ECDSA; }
	if (!strcmp(a, CMS_OID_RSA)) return ALG_RSA;
	if (!strcmp(a, CMS_OID_RSA_SHA1)) { *md = "sha1"; return ALG_RSA; }
	if (!strcmp(a, CMS_OID_RSA_SHA256)) { *md = "sha256"; return ALG_RSA; }
	if (!strcmp(a, CMS_OID_RSA_SHA384)) { *md = "sha384"; return ALG_RSA; }
	if (!strcmp(a, CMS_OID_RSA_SHA512)) { *md = "sha512"; return ALG_RSA; }
	return ALG_NONE;
}

static const EVP_MD *evp_md(const char *name)
{
	if (!strcmp(name, "sha256")) return EVP_sha256();
	if (!strcmp(name, "sha384")) return EVP_sha384();
	if (!strcmp(name, "sha512")) return EVP_sha512();
	if (!strcmp(name, "sha1")) return EVP_sha1();
	return NULL;
}

static const char *family_name(alg_family f, const char *md)
{
	static __thread char buf[32];
	switch (f) {
	case ALG_SM2: return "SM2 with SM3";
	case ALG_ECDSA: snprintf(buf, sizeof buf, "ECDSA with %s", md); return buf;
	case ALG_RSA: snprintf(buf, sizeof buf, "RSA PKCS#1 v1.5 with %s", md); return buf;
	default: return "unknown";
	}
}

/* ECDSA/RSA: 0, ESEAL_EVERIFY, or another code. msg is hashed with md,
 * unless prehashed, in which case msg is the digest itself. */
static int verify_evp(const eseal_key *k, const char *md, const uint8_t *msg, size_t len,
		      int prehashed, const uint8_t *sig, size_t siglen)
{
	const EVP_MD *m = evp_md(md);
	if (!m)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "digest %s cannot be used here", md);
	int ok;
	if (prehashed) {
		EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(k->pkey, NULL);
		ok = pc && EVP_PKEY_verify_init(pc) == 1 && EVP_PKEY_CTX_set_signature_md(pc, m) == 1
			     ? EVP_PKEY_verify(pc, sig, siglen, msg, len) : -1;
		EVP_PKEY_CTX_free(pc);
	} else {
		EVP_MD_CTX *mc = EVP_MD_CTX_new();
		ok = mc && EVP_DigestVerifyInit(mc, NULL, m, NULL, k->pkey) == 1
			     ? EVP_DigestVerify(mc, sig, siglen, msg, len) : -1;
		EVP_MD_CTX_free(mc);
	}
	if (ok == 1)
		return 0;
	eseal_crypto_error(ESEAL_EVERIFY, "signature");
	return eseal_error_set(ESEAL_EVERIFY, "the signature does not verify");
}

static int b64_equals(const cms_span *e, const uint8_t *h, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char out[100];
	size_t k = 0;
	if (n > 64)
		return 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)h[i] << 16 | (i + 1 < n ? (uint32_t)h[i + 1] << 8 : 0) |
			     (i + 2 < n ? h[i + 2] : 0);
		out[k++] = tab[v >> 18 & 63];
		out[k++] = tab[v >> 12 & 63];
		out[k++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[k++] = i + 2 < n ? tab[v & 63] : '=';
	}
	return e->len == k && !memcmp(e->p, out, k);
}

static int span_is(const cms_span *s, const uint8_t *p, size_t n)
{
	return s->len == n && !memcmp(s->p, p, n);
}

/* cms_signature; returns 1 when the signature verified. */
static int check_signature(const eseal_cms *c, const uint8_t *cert, size_t certlen,
			   const uint8_t *digest, size_t dlen, eseal_report_item *it)
{
	const char *md;
	alg_family f = sig_family(c, &md);
	if (f == ALG_NONE) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "signature algorithm %s is not supported", c->sig_alg);
		return 0;
	}
	eseal_key *k = NULL;
	if (eseal_key_from_cert_der(&k, cert, certlen)) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "signer public key unusable: %s", eseal_error_last());
		return 0;
	}
	eseal_key_type kt = eseal_key_get_type(k);
	int kok = f == ALG_SM2 ? kt == ESEAL_KEY_SM2
		: f == ALG_ECDSA ? EVP_PKEY_get_base_id(k->pkey) == EVP_PKEY_EC && kt != ESEAL_KEY_SM2
		: EVP_PKEY_get_base_id(k->pkey) == EVP_PKEY_RSA;
	int rc = -1, prehashed = 0;
	const char *over = "";
	eseal_buf tbs = ESEAL_BUF_INIT;
	if (!kok) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_FAILED, ESEAL_SUB_SIG_CRYPTO_FAILURE,
				 "signature algorithm %s does not fit the signer's %s key", c->sig_alg,
				 kt == ESEAL_KEY_SM2 ? "SM2" : "public");
		eseal_key_free(k);
		return 0;
	}
	if (c->has_attrs) {
		/* the original bytes, with the [0] tag turned into SET */
		rc = eseal_buf_put(&tbs, c->attrs.p, c->attrs.len);
		if (!rc)
			tbs.data[0] = ESEAL_DER_SET;
		over = "signed attributes";
	} else if (c->has_econtent) {
		rc = eseal_buf_put(&tbs, c->econtent.p, c->econtent.len);
		over = "eContent";
	} else if (f != ALG_SM2 && digest && dlen) {
		/* detached without attributes: the signature is over the content,
		 * whose digest the caller holds */
		rc = eseal_buf_put(&tbs, digest, dlen);
		prehashed = 1;
		over = "content digest";
	} else {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "detached CMS without signed attributes: nothing to verify against");
		eseal_key_free(k);
		return 0;
	}
	if (!rc) {
		if (f == ALG_SM2)
			rc = eseal_key_verify(k, tbs.data, tbs.len, c->sig.p, c->sig.len);
		else
			rc = verify_evp(k, md, tbs.data, tbs.len, prehashed, c->sig.p, c->sig.len);
	}
	eseal_buf_free(&tbs);
	eseal_key_free(k);
	if (rc == 0) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_PASSED, NULL,
				 "%s signature over the %s verifies", family_name(f, md), over);
		return 1;
	}
	if (rc == ESEAL_EVERIFY)
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_FAILED, ESEAL_SUB_SIG_CRYPTO_FAILURE,
				 "%s signature over the %s does not verify", family_name(f, md), over);
	else
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_FAILED, ESEAL_SUB_SIG_CRYPTO_FAILURE,
				 "signature check failed: %s", eseal_error_last());
	return 0;
}

/* data_hash: does the signed structure bind the caller's digest? */
static void check_binding(const eseal_cms *c, const uint8_t *digest, size_t dlen, int sig_ok,
			  eseal_report_item *it)
{
	if (!digest) {
		eseal_item_check(it, "data_hash", ESEAL_CHECK_SKIPPED, NULL, "no content digest given");
		return;
	}
	uint8_t he[64];
	int hn = c->has_econtent ? cms_hash(c->digest, c->econtent.p, c->econtent.len, he) : -1;
	const char *how = NULL;
	if (c->has_attrs) {
		if (!c->has_md) {
			eseal_item_check(it, "data_hash", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
					 "signed attributes without messageDigest");
			return;
		}
		if (span_is(&c->md, digest, dlen)) {
			how = "messageDigest equals the content digest";
		} else if (c->has_econtent && hn > 0 && span_is(&c->md, he, (size_t)hn) &&
			   (span_is(&c->econtent, digest, dlen) || b64_equals(&c->econtent, digest, dlen))) {
			how = "messageDigest covers the eContent, which is the content digest";
		}
	} else if (c->has_econtent) {
		if (span_is(&c->econtent, digest, dlen))
			how = "eContent is the content digest";
		else if (b64_equals(&c->econtent, digest, dlen))
			how = "eContent is the base64 content digest";
		else if (hn > 0 && (size_t)hn == dlen && !memcmp(he, digest, dlen))
			how = "eContent is the content";
	} else if (sig_ok) {
		how = "the signature is over the content digest itself";
	} else {
		eseal_item_check(it, "data_hash", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_SIG_CRYPTO_FAILURE,
				 "the binding rests on a signature that did not verify");
		return;
	}
	if (how)
		eseal_item_check(it, "data_hash", ESEAL_CHECK_PASSED, NULL, "%s (%s)", how, c->digest);
	else
		eseal_item_check(it, "data_hash", ESEAL_CHECK_FAILED, ESEAL_SUB_HASH_FAILURE,
				 "the signed %s digest does not match the content", c->digest);
}

/* signing_certificate: ESS certHash against the signer certificate. */
static void check_esscert(const eseal_cms *c, const uint8_t *cert, size_t certlen,
			  eseal_report_item *it)
{
	if (!c->esscert) {
		if (c->profile == ESEAL_CMS_CADES)
			eseal_item_check(it, "signing_certificate", ESEAL_CHECK_SKIPPED, NULL,
					 "no signing-certificate attribute (plain PKCS#7)");
		return;
	}
	const char *name = cms_digest_name(c->esscert_hash_oid);
	uint8_t h[64];
	int n = name ? cms_hash(name, cert, certlen, h) : -1;
	if (n < 0) {
		eseal_item_check(it, "signing_certificate", ESEAL_CHECK_INDETERMINATE,
				 ESEAL_SUB_FORMAT_FAILURE, "certHash algorithm %s is not supported",
				 c->esscert_hash_oid);
		return;
	}
	if (!span_is(&c->esscert_hash, h, (size_t)n)) {
		eseal_item_check(it, "signing_certificate", ESEAL_CHECK_FAILED, ESEAL_SUB_SIG_CRYPTO_FAILURE,
				 "signing-certificate%s names another certificate than the signer's",
				 c->esscert == 2 ? "-v2" : "");
		return;
	}
	if (c->esscert_serial.p) {
		eseal_der issuer, serial;
		if (cms_cert_issuer_serial(cert, certlen, &issuer, &serial) ||
		    !span_is(&c->esscert_serial, serial.tlv, serial.tlv_len)) {
			eseal_item_check(it, "signing_certificate", ESEAL_CHECK_FAILED,
					 ESEAL_SUB_SIG_CRYPTO_FAILURE,
					 "signing-certificate issuerSerial does not match the signer");
			return;
		}
	}
	eseal_item_check(it, "signing_certificate", ESEAL_CHECK_PASSED, NULL,
			 "signing-certificate%s binds the signer certificate (%s)",
			 c->esscert == 2 ? "-v2" : "", name);
}

/* The GM and the PKCS#7 data OIDs name the same thing; producers mix them. */
static int same_content_type(const char *a, const char *b)
{
	int ad = !strcmp(a, CMS_OID_DATA) || !strcmp(a, CMS_OID_GM_DATA);
	int bd = !strcmp(b, CMS_OID_DATA) || !strcmp(b, CMS_OID_GM_DATA);
	return ad && bd ? 1 : !strcmp(a, b);
}

int eseal_cms_verify(const eseal_cms *c, const uint8_t *digest, size_t dlen,
		     const eseal_trust *trust, time_t at, eseal_report_item *it)
{
	if (!c || !it)
		return eseal_error_set(ESEAL_EINVAL, "CMS verify: no signature or report item");
	const char *md;
	alg_family f = sig_family(c, &md);
	eseal_item_fact(it, "digest_algorithm", "%s", c->digest);
	eseal_item_fact(it, "signature_algorithm", "%s (%s)", family_name(f, md), c->sig_alg);
	eseal_item_fact(it, "cms_profile", "%s", c->profile == ESEAL_CMS_GM ? "GM/T 0010" : "RFC 5652");
	if (c->signing_time) {
		char t[32];
		eseal_time_format_human(t, c->signing_time);
		eseal_item_fact(it, "time", "%s", t);
	}
	if (c->has_attrs && c->has_attr_ctype && !same_content_type(c->attr_ctype, c->content_type))
		eseal_item_check(it, "format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "contentType attribute %s differs from eContentType %s",
				 c->attr_ctype, c->content_type);

	size_t certlen;
	const uint8_t *cert = eseal_cms_signer_cert(c, &certlen);
	if (!cert) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "the signer certificate is not in the CMS");
		check_binding(c, digest, dlen, 0, it);
		return 0;
	}
	char desc[700];
	verify_cert_describe(cert, certlen, desc, sizeof desc);
	eseal_item_fact(it, "signer", "%s", desc);

	int sig_ok = check_signature(c, cert, certlen, digest, dlen, it);
	check_binding(c, digest, dlen, sig_ok, it);
	check_esscert(c, cert, certlen, it);

	time_t when = at ? at : c->signing_time ? c->signing_time : time(NULL);
	const char *wname = c->signing_time && when == c->signing_time ? "signing time"
			    : at ? "the validation time" : "now";
	verify_check_cert_time(it, "signer_cert_validity", cert, certlen, when, wname);

	const uint8_t *extra[CMS_MAX_CERTS];
	size_t extra_len[CMS_MAX_CERTS], n = 0;
	for (size_t i = 0; i < c->ncerts; i++) {
		if ((int)i == c->signer_index)
			continue;
		extra[n] = c->certs[i].p;
		extra_len[n++] = c->certs[i].len;
	}
	verify_check_chain(it, "signer_chain", cert, certlen, extra, extra_len, n, trust, when);
	return 0;
}
