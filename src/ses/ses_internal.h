/*
 * ses_internal.h - the parsed forms of SESeal and SES_Signature shared by
 * the files of src/ses. Every pointer points into the object's own copy of
 * the input bytes; nothing is ever re-encoded for verification.
 */
#ifndef ESEAL_SES_INTERNAL_H
#define ESEAL_SES_INTERNAL_H

#include "eseal/asn1.h"
#include "eseal/ses.h"

typedef struct ses_span {
	const uint8_t *p;
	size_t len;
} ses_span;

typedef struct ses_cert_entry {
	ses_span data;       /* certificate DER or digest value */
	char *alg;           /* digest algorithm name (type 2) */
} ses_cert_entry;

typedef struct ses_ext {
	char oid[128];
	int critical;
	ses_span value;
} ses_ext;

struct eseal_seal {
	eseal_buf raw;          /* the seal's TLV, privately owned */
	int version;            /* 1, 4, 5 */
	long header_version;    /* as written in SES_Header */
	char *vid, *esid, *name;
	long type;
	time_t create_date, valid_start, valid_end;
	int cert_list_type;
	ses_cert_entry *certs;
	size_t ncerts;
	char *pic_type;
	ses_span pic;
	long pic_w, pic_h;
	ses_ext *exts;
	size_t nexts;
	ses_span seal_info;     /* TLV of SES_SealInfo */
	ses_span maker_cert;
	ses_span alg_tlv;       /* TLV of the signature algorithm OID */
	char sig_alg[64];
	ses_span sig;           /* signature value bytes (BIT STRING content) */
	ses_span cert_tlv;      /* TLV of the maker cert OCTET STRING (V1 input) */
	ses_span timestamp;     /* V5 [0] */
};

struct eseal_sessig {
	eseal_buf raw;
	int version;
	eseal_seal *seal;       /* parsed copy of the embedded seal */
	ses_span seal_tlv;      /* the embedded seal in raw */
	ses_span tbs;
	time_t time;
	char *time_text;
	ses_span data_hash;
	char *property;
	ses_span signer_cert;
	char sig_alg[64];
	ses_span sig;
	ses_span timestamp;
	int has_ext;
};

/* Parses a seal from an element inside a larger buffer: spans point into
 * the given bytes, which the caller keeps alive. */
int ses_seal_parse_at(eseal_seal *s, const eseal_der *e);
void ses_seal_clear(eseal_seal *s);
/* Verifies an SM2 signature value (DER or raw r||s) over msg with the key
 * of a DER certificate. */
int ses_verify_with_cert(const uint8_t *cert, size_t certlen, const uint8_t *msg, size_t len,
			 const uint8_t *sig, size_t siglen);
/* Accepts only SM2-with-SM3 signatures. */
int ses_check_sig_alg(const char *oid, const char *what);

/* Report helpers shared by seal and signature verification (certificate
 * checks are in verify/checks.h). */
void ses_seal_facts(const eseal_seal *s, eseal_report_item *it);
/* Checks g's timeStamp into it (check "timestamp"); returns the proven
 * signing time (genTime), 0 when the token does not verify. */
time_t ses_check_timestamp(const eseal_sessig *g, const eseal_trust *trust, eseal_report_item *it);
void ses_seal_checks(const eseal_seal *s, const eseal_trust *trust, eseal_report_item *it);

#endif
