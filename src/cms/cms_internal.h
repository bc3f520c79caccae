/*
 * cms_internal.h - the parsed form of a CMS SignedData shared by the files
 * of src/cms. Every span points into the object's own copy of the input;
 * nothing is ever re-encoded for verification.
 */
#ifndef ESEAL_CMS_INTERNAL_H
#define ESEAL_CMS_INTERNAL_H

#include "eseal/asn1.h"
#include "eseal/cms.h"

typedef struct cms_span {
	const uint8_t *p;
	size_t len;
} cms_span;

#define CMS_MAX_CERTS 32

struct eseal_cms {
	eseal_buf raw;             /* the ContentInfo TLV, privately owned */
	eseal_cms_profile profile;
	const char *digest;        /* "sm3", "sha256" ... */
	char digest_oid[64];
	char sig_alg[64];
	char content_type[64];     /* eContentType */
	int has_econtent;
	cms_span econtent;         /* OCTET STRING contents */
	cms_span certs[CMS_MAX_CERTS];
	size_t ncerts;
	int signer_index;          /* into certs, -1 when not found */
	int sid_is_ski;
	cms_span sid_issuer, sid_serial, sid_ski;  /* TLVs / SKI bytes */
	int has_attrs;
	cms_span attrs;            /* the [0] signedAttrs TLV */
	int has_md;
	cms_span md;               /* messageDigest value bytes */
	int has_attr_ctype;
	char attr_ctype[64];
	time_t signing_time;
	int esscert;               /* 0 none, 1 signing-certificate, 2 -v2 */
	char esscert_hash_oid[64];
	cms_span esscert_hash;     /* certHash of the first ESSCertID(v2) */
	cms_span esscert_serial;   /* its issuerSerial serialNumber TLV, if any */
	cms_span sig;              /* signature value bytes */
	cms_span tst;              /* signature-time-stamp token TLV */
};

/* Issuer Name TLV and serial INTEGER TLV of a DER certificate. */
int cms_cert_issuer_serial(const uint8_t *der, size_t len, eseal_der *issuer, eseal_der *serial);
/* Subject Name TLV of a DER certificate. */
int cms_cert_subject(const uint8_t *der, size_t len, eseal_der *subject);
/* Subject key identifier bytes of a DER certificate (0, or ESEAL_ENOTFOUND). */
int cms_cert_ski(const uint8_t *der, size_t len, const uint8_t **p, size_t *n);
/* Digest algorithm name for a digest OID (NULL when unknown). */
const char *cms_digest_name(const char *oid);
/* One-shot digest by name into out (at most 64 bytes); returns the length or <0. */
int cms_hash(const char *name, const void *data, size_t len, uint8_t out[64]);
/* The same over n pieces taken in order, without joining them. */
int cms_hash_parts(const char *name, const void *const *parts, const size_t *lens, size_t n,
		   uint8_t out[64]);

/* Writers shared by the SignedData makers (CMS signatures, time-stamp
 * tokens): AlgorithmIdentifier with optional NULL parameters; Attribute
 * SEQUENCE { type, SET { v } } with v already encoded; and the DER SET OF
 * order of encodings (X.690 §11.6) as a qsort comparator over eseal_bufs. */
int cms_put_alg(eseal_buf *b, const char *oid, int null_params);
int cms_put_attr(eseal_buf *b, const char *oid, const eseal_buf *v);
int cms_set_cmp(const void *x, const void *y);

#endif
