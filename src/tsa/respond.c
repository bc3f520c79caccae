/*
 * respond.c - the time-stamp authority: answers a TimeStampReq with a
 * TimeStampResp whose token is a SignedData over a TSTInfo (GM/T 0010 OIDs
 * for SM2, RFC 5652 for ECDSA/RSA). A bad request gets a rejection with
 * the right failure bit, never a token; a token is never issued without a
 * fresh serial number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cms/cms_internal.h"
#include "tsa/tsa_internal.h"

#define OID_GM_SIGNED_DATA "1.2.156.10197.6.1.4.2.2"
#define OID_SIGNED_DATA "1.2.840.113549.1.7.2"
#define OID_SM2_1 "1.2.156.10197.1.301.1"
#define OID_ECDSA_SHA256 "1.2.840.10045.4.3.2"
#define OID_RSA_SHA256 "1.2.840.113549.1.1.11"
#define OID_CONTENT_TYPE "1.2.840.113549.1.9.3"
#define OID_MESSAGE_DIGEST "1.2.840.113549.1.9.4"
#define OID_SIGNING_TIME "1.2.840.113549.1.9.5"
#define OID_SIGNING_CERT_V2 "1.2.840.113549.1.9.16.2.47"

struct eseal_tsa {
	eseal_tsa_config cfg;
	char policy[64];
	char *serial_file;            /* a private copy */
	int gm;                       /* SM2: GM/T 0010 profile */
	const char *md;               /* "sm3" or "sha256" */
	const char *sig_oid;
	int sig_null;                 /* NULL parameters in signatureAlgorithm */
	eseal_der issuer, serial;     /* of the TSA certificate */
	eseal_der subject;
};


static int create(eseal_tsa **out, const eseal_tsa_config *cfg, int check_cert)
{
	if (!out || !cfg || !cfg->key || !cfg->cert)
		return eseal_error_set(ESEAL_EINVAL, "TSA: key and certificate are required");
	*out = NULL;
	if (!cfg->serial_file && !cfg->serial_fn)
		return eseal_error_set(ESEAL_EINVAL, "TSA: a serial number file or callback is required");
	if (cfg->nchain && !cfg->chain)
		return eseal_error_set(ESEAL_EINVAL, "TSA: chain is NULL");
	if (cfg->nchain > 8)
		return eseal_error_set(ESEAL_ELIMIT, "TSA: too many chain certificates");
	if (cfg->policy && strlen(cfg->policy) >= sizeof ((eseal_tsa *)0)->policy)
		return eseal_error_set(ESEAL_EINVAL, "TSA: policy OID too long");
	if (cfg->accuracy_ms < 0)
		return eseal_error_set(ESEAL_EINVAL, "TSA: negative accuracy");
	if (!eseal_key_has_private(cfg->key))
		return eseal_error_set(ESEAL_EINVAL, "TSA: the key has no private part");
	size_t clen;
	const uint8_t *cder = eseal_cert_der(cfg->cert, &clen);
	char why[200];
	if (check_cert && tsa_cert_check(cder, clen, why, sizeof why))
		return eseal_error_set(ESEAL_EINVAL, "TSA certificate: %s", why);

	/* the key must be the certificate's */
	eseal_key *pub = NULL;
	eseal_buf s1 = ESEAL_BUF_INIT, s2 = ESEAL_BUF_INIT;
	int rc = eseal_cert_key(cfg->cert, &pub);
	if (!rc) rc = eseal_key_spki(pub, &s1);
	if (!rc) rc = eseal_key_spki(cfg->key, &s2);
	if (!rc && (s1.len != s2.len || memcmp(s1.data, s2.data, s1.len)))
		rc = eseal_error_set(ESEAL_EINVAL, "TSA: the key does not match the certificate");
	eseal_key_free(pub);
	eseal_buf_free(&s1);
	eseal_buf_free(&s2);
	if (rc)
		return rc;

	eseal_tsa *t = calloc(1, sizeof *t);
	if (!t)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	t->cfg = *cfg;
	if (cfg->serial_file && !(t->serial_file = strdup(cfg->serial_file))) {
		free(t);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	t->cfg.serial_file = t->serial_file;
	t->cfg.policy = NULL;  /* copied into policy below */
	snprintf(t->policy, sizeof t->policy, "%s", cfg->policy ? cfg->policy : ESEAL_TSA_DEFAULT_POLICY);
	{
		/* the policy must encode */
		eseal_buf ob = ESEAL_BUF_INIT;
		rc = eseal_oid_encode(&ob, t->policy);
		eseal_buf_free(&ob);
		if (rc) {
			rc = eseal_error_set(ESEAL_EINVAL, "TSA: bad policy OID '%s'", t->policy);
			eseal_tsa_free(t);
			return rc;
		}
	}
	switch (eseal_key_get_type(cfg->key)) {
	case ESEAL_KEY_SM2:
		t->gm = 1, t->md = "sm3", t->sig_oid = OID_SM2_1, t->sig_null = 1;
		break;
	case ESEAL_KEY_EC_P256:
		t->md = "sha256", t->sig_oid = OID_ECDSA_SHA256;
		break;
	default:
		t->md = "sha256", t->sig_oid = OID_RSA_SHA256, t->sig_null = 1;
		break;
	}
	if (cms_cert_issuer_serial(cder, clen, &t->issuer, &t->serial) || cms_cert_subject(cder, clen, &t->subject)) {
		eseal_tsa_free(t);
		return eseal_error_wrap("TSA: ");
	}
	*out = t;
	return 0;
}

int eseal_tsa_new(eseal_tsa **out, const eseal_tsa_config *cfg)
{
	return create(out, cfg, 1);
}

int tsa_new_unchecked(eseal_tsa **out, const eseal_tsa_config *cfg)
{
	return create(out, cfg, 0);
}

void eseal_tsa_free(eseal_tsa *t)
{
	if (!t)
		return;
	free(t->serial_file);
	free(t);
}

/* ---- encoding helpers ---- */

static int put_u64(eseal_buf *b, uint64_t v)
{
	uint8_t be[8];
	for (int i = 7; i >= 0; i--, v >>= 8)
		be[i] = (uint8_t)v;
	return eseal_der_put_uint_bytes(b, be, sizeof be);
}

/* PKIStatusInfo for a rejection. */
static int put_rejection(eseal_buf *b, int bit, const char *text)
{
	size_t m1, m2, m3;
	uint8_t bits[5] = { 0 };
	size_t nb = (size_t)bit / 8 + 1;
	bits[0] = (uint8_t)(8 - 1 - bit % 8);  /* unused bits: up to the set one */
	bits[nb] = (uint8_t)(0x80 >> (bit % 8));
	int rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m1);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m2);
	if (!rc) rc = eseal_der_put_int(b, 2);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m3);
	if (!rc) rc = eseal_der_put_str(b, ESEAL_DER_UTF8STRING, text);
	if (!rc) rc = eseal_der_end(b, m3);
	/* BIT STRING with the named-bit trailing zeros removed (X.690 §11.2.2) */
	if (!rc) rc = eseal_der_put(b, ESEAL_DER_BIT_STRING, bits, nb + 1);
	if (!rc) rc = eseal_der_end(b, m2);
	if (!rc) rc = eseal_der_end(b, m1);
	return rc;
}

static int tstinfo(const eseal_tsa *t, const eseal_tsa_req *q, uint64_t serial, time_t now, eseal_buf *b)
{
	size_t m, ma, mt, mn;
	long acc = t->cfg.accuracy_ms ? t->cfg.accuracy_ms : 1000;
	int rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m);
	if (!rc) rc = eseal_der_put_int(b, 1);
	if (!rc) rc = eseal_der_put_oid(b, t->policy);
	if (!rc) rc = tsa_put_imprint(b, q->hash, q->imprint, q->imprint_len);
	if (!rc) rc = put_u64(b, serial);
	if (!rc) rc = eseal_der_put_gentime(b, now);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &ma);
	if (!rc && acc / 1000) rc = eseal_der_put_int(b, acc / 1000);
	if (!rc && acc % 1000) {
		eseal_buf v = ESEAL_BUF_INIT;
		rc = eseal_der_put_int(&v, acc % 1000);
		/* millis [0] IMPLICIT INTEGER: same contents, context tag */
		if (!rc) rc = eseal_der_put(b, ESEAL_DER_CTX_PRIM(0), v.data + 2, v.len - 2);
		eseal_buf_free(&v);
	}
	if (!rc) rc = eseal_der_end(b, ma);
	if (!rc && q->nonce_len) rc = eseal_der_put(b, ESEAL_DER_INTEGER, q->nonce, q->nonce_len);
	/* tsa [0] GeneralName: directoryName [4] (EXPLICIT: Name is a CHOICE) */
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_CTX(0), &mt);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_CTX(4), &mn);
	if (!rc) rc = eseal_der_put_raw(b, t->subject.tlv, t->subject.tlv_len);
	if (!rc) rc = eseal_der_end(b, mn);
	if (!rc) rc = eseal_der_end(b, mt);
	if (!rc) rc = eseal_der_end(b, m);
	return rc;
}

/* signing-certificate-v2 value: SM3 certHash for GM (named), SHA-256 (the
 * default, omitted) otherwise; with issuerSerial. */
static int esscert(const eseal_tsa *t, eseal_buf *b)
{
	uint8_t h[ESEAL_TSA_MAX_HASH];
	size_t clen, m1, m2, m3, m4, m5, m6;
	const uint8_t *cder = eseal_cert_der(t->cfg.cert, &clen);
	int n = tsa_hash(t->md, cder, clen, h);
	if (n < 0)
		return n;
	int rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m1);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m2);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m3);
	if (!rc && t->gm) rc = cms_put_alg(b, tsa_hash_oid("sm3"), 0);
	if (!rc) rc = eseal_der_put(b, ESEAL_DER_OCTET_STRING, h, (size_t)n);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m4);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m5);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_CTX(4), &m6);
	if (!rc) rc = eseal_der_put_raw(b, t->issuer.tlv, t->issuer.tlv_len);
	if (!rc) rc = eseal_der_end(b, m6);
	if (!rc) rc = eseal_der_end(b, m5);
	if (!rc) rc = eseal_der_put_raw(b, t->serial.tlv, t->serial.tlv_len);
	if (!rc) rc = eseal_der_end(b, m4);
	if (!rc) rc = eseal_der_end(b, m3);
	if (!rc) rc = eseal_der_end(b, m2);
	if (!rc) rc = eseal_der_end(b, m1);
	return rc;
}

/* Signed attributes (sorted SET OF contents, no tag). */
static int signed_attrs(const eseal_tsa *t, const eseal_buf *info, time_t now, eseal_buf *out)
{
	eseal_buf a[4] = { ESEAL_BUF_INIT, ESEAL_BUF_INIT, ESEAL_BUF_INIT, ESEAL_BUF_INIT };
	eseal_buf v = ESEAL_BUF_INIT;
	uint8_t h[ESEAL_TSA_MAX_HASH];
	int rc = eseal_der_put_oid(&v, TSA_OID_TSTINFO);
	if (!rc) rc = cms_put_attr(&a[0], OID_CONTENT_TYPE, &v);
	if (!rc) {
		eseal_buf_clear(&v);
		rc = eseal_der_put_utctime(&v, now);
		if (!rc) rc = cms_put_attr(&a[1], OID_SIGNING_TIME, &v);
	}
	if (!rc) {
		int n = tsa_hash(t->md, info->data, info->len, h);
		eseal_buf_clear(&v);
		rc = n < 0 ? n : eseal_der_put(&v, ESEAL_DER_OCTET_STRING, h, (size_t)n);
		if (!rc) rc = cms_put_attr(&a[2], OID_MESSAGE_DIGEST, &v);
	}
	if (!rc) {
		eseal_buf_clear(&v);
		rc = esscert(t, &v);
		if (!rc) rc = cms_put_attr(&a[3], OID_SIGNING_CERT_V2, &v);
	}
	if (!rc) {
		qsort(a, 4, sizeof a[0], cms_set_cmp);
		for (int i = 0; i < 4 && !rc; i++)
			rc = eseal_buf_put(out, a[i].data, a[i].len);
	}
	for (int i = 0; i < 4; i++)
		eseal_buf_free(&a[i]);
	eseal_buf_free(&v);
	return rc;
}

/* The token: ContentInfo { SignedData { ..., TSTInfo, ... } }. */
static int token(const eseal_tsa *t, const eseal_tsa_req *q, const eseal_buf *info, time_t now, eseal_buf *b)
{
	eseal_buf attrs = ESEAL_BUF_INIT, tbs = ESEAL_BUF_INIT, sig = ESEAL_BUF_INIT;
	size_t mci, m0, msd, mset, menc, mec, mcerts, msis, msi, mias;
	const char *dig_oid = tsa_hash_oid(t->md);
	int rc = signed_attrs(t, info, now, &attrs);
	if (!rc) rc = eseal_der_put(&tbs, ESEAL_DER_SET, attrs.data, attrs.len);
	if (!rc) rc = eseal_key_sign(t->cfg.key, tbs.data, tbs.len, &sig);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &mci);
	if (!rc) rc = eseal_der_put_oid(b, t->gm ? OID_GM_SIGNED_DATA : OID_SIGNED_DATA);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_CTX(0), &m0);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &msd);
	/* RFC 5652: version 3 when eContentType is not id-data; GM/T 0010
	 * knows only version 1 */
	if (!rc) rc = eseal_der_put_int(b, t->gm ? 1 : 3);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SET, &mset);
	if (!rc) rc = cms_put_alg(b, dig_oid, t->gm);
	if (!rc) rc = eseal_der_end(b, mset);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &menc);
	if (!rc) rc = eseal_der_put_oid(b, TSA_OID_TSTINFO);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_CTX(0), &mec);
	if (!rc) rc = eseal_der_put(b, ESEAL_DER_OCTET_STRING, info->data, info->len);
	if (!rc) rc = eseal_der_end(b, mec);
	if (!rc) rc = eseal_der_end(b, menc);
	if (!rc && q->cert_req) {
		size_t l;
		const uint8_t *d = eseal_cert_der(t->cfg.cert, &l);
		rc = eseal_der_begin(b, ESEAL_DER_CTX(0), &mcerts);
		if (!rc) rc = eseal_der_put_raw(b, d, l);
		for (size_t i = 0; !rc && i < t->cfg.nchain; i++) {
			d = eseal_cert_der(t->cfg.chain[i], &l);
			rc = eseal_der_put_raw(b, d, l);
		}
		if (!rc) rc = eseal_der_end(b, mcerts);
	}
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SET, &msis);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &msi);
	if (!rc) rc = eseal_der_put_int(b, 1);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &mias);
	if (!rc) rc = eseal_der_put_raw(b, t->issuer.tlv, t->issuer.tlv_len);
	if (!rc) rc = eseal_der_put_raw(b, t->serial.tlv, t->serial.tlv_len);
	if (!rc) rc = eseal_der_end(b, mias);
	if (!rc) rc = cms_put_alg(b, dig_oid, t->gm);
	if (!rc) rc = eseal_der_put(b, ESEAL_DER_CTX(0), attrs.data, attrs.len);
	if (!rc) rc = cms_put_alg(b, t->sig_oid, t->sig_null);
	if (!rc) rc = eseal_der_put(b, ESEAL_DER_OCTET_STRING, sig.data, sig.len);
	if (!rc) rc = eseal_der_end(b, msi);
	if (!rc) rc = eseal_der_end(b, msis);
	if (!rc) rc = eseal_der_end(b, msd);
	if (!rc) rc = eseal_der_end(b, m0);
	if (!rc) rc = eseal_der_end(b, mci);
	eseal_buf_free(&attrs);
	eseal_buf_free(&tbs);
	eseal_buf_free(&sig);
	return rc;
}

static int reject(eseal_buf *resp, int bit, const char *text)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = put_rejection(&b, bit, text);
	if (!rc) {
		eseal_buf_free(resp);
		*resp = b;
		return 0;
	}
	eseal_buf_free(&b);
	return rc;
}

int eseal_tsa_respond(eseal_tsa *t, const uint8_t *req, size_t len, eseal_buf *resp)
{
	if (!t || !resp || (!req && len))
		return eseal_error_set(ESEAL_EINVAL, "TSA: no request");
	eseal_tsa_req q;
	int rc = eseal_tsa_req_parse(&q, req ? req : (const uint8_t *)"", len);
	if (rc == ESEAL_EUNSUPPORTED && strstr(eseal_error_last(), "extensions"))
		return reject(resp, ESEAL_TSA_FAIL_UNACCEPTED_EXTENSION, "extensions are not supported");
	if (rc == ESEAL_EUNSUPPORTED && strstr(eseal_error_last(), "hash"))
		return reject(resp, ESEAL_TSA_FAIL_BAD_ALG, "unsupported hash algorithm");
	if (rc)
		return reject(resp, ESEAL_TSA_FAIL_BAD_DATA_FORMAT, "malformed request");
	if (q.policy[0] && strcmp(q.policy, t->policy))
		return reject(resp, ESEAL_TSA_FAIL_UNACCEPTED_POLICY, "unaccepted policy");

	uint64_t serial = 0;
	rc = t->cfg.serial_fn ? t->cfg.serial_fn(t->cfg.serial_ctx, &serial)
			      : eseal_tsa_serial_file_next(t->cfg.serial_file, &serial);
	if (rc)
		return reject(resp, ESEAL_TSA_FAIL_SYSTEM_FAILURE, "no serial number");
	time_t now = t->cfg.now ? t->cfg.now(t->cfg.now_ctx) : time(NULL);
	if (now <= 0)
		return reject(resp, ESEAL_TSA_FAIL_TIME_NOT_AVAILABLE, "time not available");

	eseal_buf info = ESEAL_BUF_INIT, b = ESEAL_BUF_INIT;
	size_t m, ms;
	rc = tstinfo(t, &q, serial, now, &info);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &m);
	if (!rc) rc = eseal_der_begin(&b, ESEAL_DER_SEQUENCE, &ms);
	if (!rc) rc = eseal_der_put_int(&b, 0);
	if (!rc) rc = eseal_der_end(&b, ms);
	if (!rc) rc = token(t, &q, &info, now, &b);
	if (!rc) rc = eseal_der_end(&b, m);
	eseal_buf_free(&info);
	if (rc) {
		eseal_buf_free(&b);
		return reject(resp, ESEAL_TSA_FAIL_SYSTEM_FAILURE, "cannot sign");
	}
	eseal_buf_free(resp);
	*resp = b;
	return 0;
}
