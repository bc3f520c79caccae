/*
 * sig_parse.c - reads SES_Signature V1, V4 and V5 (SignedValue.dat), with
 * the variants producers write: raw r||s signatures, [0]-tagged or untagged
 * TBS_Sign.extDatas, [0]-tagged or bare timeStamp, trailing bytes, and for
 * V1 free-text timeInfo in a BIT or OCTET STRING.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ses_internal.h"

#define VSPAN(e) ((ses_span){ (e).val, (e).val_len })
#define SPAN(e) ((ses_span){ (e).tlv, (e).tlv_len })

/* V1 timeInfo is free text: "yyyy-MM-dd HH:mm:ss", ISO 8601 with T and Z,
 * or a UTCTime/GeneralizedTime string. Returns 0 when unknown. */
static time_t parse_free_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int Y, M, D, h, m, sec;
	if (sscanf(s, "%4d-%2d-%2d%*[ T]%2d:%2d:%2d", &Y, &M, &D, &h, &m, &sec) == 6 ||
	    sscanf(s, "%4d%2d%2d%2d%2d%2d", &Y, &M, &D, &h, &m, &sec) == 6) {
		tm.tm_year = Y - 1900;
		tm.tm_mon = M - 1;
		tm.tm_mday = D;
		tm.tm_hour = h;
		tm.tm_min = m;
		tm.tm_sec = sec;
		return timegm(&tm);
	}
	if (sscanf(s, "%2d%2d%2d%2d%2d%2dZ", &Y, &M, &D, &h, &m, &sec) == 6) {
		tm.tm_year = Y + (Y < 50 ? 100 : 0);
		tm.tm_mon = M - 1;
		tm.tm_mday = D;
		tm.tm_hour = h;
		tm.tm_min = m;
		tm.tm_sec = sec;
		return timegm(&tm);
	}
	return 0;
}

static int text_of(const uint8_t *p, size_t n, char **out)
{
	char *s = malloc(n + 1);
	if (!s)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		s[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	s[n] = 0;
	*out = s;
	return 0;
}

static int parse_tbs(eseal_sessig *g, const eseal_der *tbs, int v1)
{
	eseal_der_iter it;
	eseal_der e;
	long ver;
	int rc;
	eseal_der_iter_init(&it, tbs);
	if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_INTEGER, "TBS_Sign.version")) ||
	    (rc = eseal_der_get_int(&e, &ver)))
		return rc;
	if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_SEQUENCE, "TBS_Sign.eseal")))
		return rc;
	g->seal_tlv = SPAN(e);
	if ((rc = eseal_seal_parse(&g->seal, e.tlv, e.tlv_len)))
		return eseal_error_wrap("TBS_Sign.eseal: ");
	if ((rc = eseal_der_next(&it, &e)) != 1)
		return rc < 0 ? rc : eseal_error_set(ESEAL_EFORMAT, "TBS_Sign.timeInfo: missing");
	if (e.tag == ESEAL_DER_GENERALIZEDTIME || e.tag == ESEAL_DER_UTCTIME) {
		if ((rc = eseal_der_get_time(&e, &g->time)) || (rc = eseal_der_get_string(&e, &g->time_text)))
			return eseal_error_wrap("TBS_Sign.timeInfo: ");
	} else if (v1 && (e.tag == ESEAL_DER_BIT_STRING || e.tag == ESEAL_DER_OCTET_STRING)) {
		const uint8_t *p = e.val;
		size_t n = e.val_len;
		if (e.tag == ESEAL_DER_BIT_STRING && n && p[0] == 0) {
			p++;
			n--;
		}
		if (n > 256)
			return eseal_error_set(ESEAL_EFORMAT, "TBS_Sign.timeInfo: %zu bytes of text", n);
		if ((rc = text_of(p, n, &g->time_text)))
			return rc;
		g->time = parse_free_time(g->time_text);
	} else {
		return eseal_error_set(ESEAL_EFORMAT, "TBS_Sign.timeInfo: unexpected tag 0x%02x at offset %zu",
				       e.tag, e.off);
	}
	if ((rc = eseal_der_next(&it, &e)) != 1)
		return rc < 0 ? rc : eseal_error_set(ESEAL_EFORMAT, "TBS_Sign.dataHash: missing");
	if (e.tag == ESEAL_DER_BIT_STRING) {
		const uint8_t *p;
		size_t n;
		if ((rc = eseal_der_get_bits(&e, &p, &n)))
			return eseal_error_wrap("TBS_Sign.dataHash: ");
		g->data_hash = (ses_span){ p, n };
	} else if (v1 && e.tag == ESEAL_DER_OCTET_STRING) {
		g->data_hash = VSPAN(e);
	} else {
		return eseal_error_set(ESEAL_EFORMAT, "TBS_Sign.dataHash: unexpected tag 0x%02x", e.tag);
	}
	if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_IA5STRING, "TBS_Sign.propertyInfo")) ||
	    (rc = eseal_der_get_string(&e, &g->property)))
		return rc;
	if (v1) {
		if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_OCTET_STRING, "TBS_Sign.cert")))
			return rc;
		g->signer_cert = VSPAN(e);
		if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_OID, "TBS_Sign.signatureAlgorithm")) ||
		    (rc = eseal_der_get_oid(&e, g->sig_alg, sizeof g->sig_alg)))
			return rc;
	}
	rc = eseal_der_next(&it, &e);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		/* extDatas: [0] EXPLICIT (ofdrw, Tongzhiweiye) or untagged (older templates). */
		if (e.tag != ESEAL_DER_CTX(0) && e.tag != ESEAL_DER_SEQUENCE)
			return eseal_error_set(ESEAL_EFORMAT, "TBS_Sign: unexpected tag 0x%02x at offset %zu",
					       e.tag, e.off);
		g->has_ext = 1;
		if (eseal_der_next(&it, &e) != 0)
			return eseal_error_set(ESEAL_EFORMAT, "TBS_Sign: unexpected element at offset %zu", e.off);
	}
	return 0;
}

int eseal_sessig_parse(eseal_sessig **out, const uint8_t *der, size_t len)
{
	eseal_der top, e;
	eseal_der_iter it;
	*out = NULL;
	int rc = eseal_der_read(&top, der, len, 0);
	if (rc)
		return eseal_error_wrap("SES_Signature: ");
	eseal_sessig *g = calloc(1, sizeof *g);
	if (!g)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if ((rc = eseal_buf_put(&g->raw, der, top.tlv_len)))
		goto fail;
	eseal_der_read(&top, g->raw.data, g->raw.len, 0);
	if (top.tag != ESEAL_DER_SEQUENCE) {
		rc = eseal_error_set(ESEAL_EFORMAT, "SES_Signature: not a SEQUENCE (tag 0x%02x)", top.tag);
		goto fail;
	}
	if ((rc = eseal_der_validate(top.tlv, top.tlv_len, NULL))) {
		eseal_error_wrap("SES_Signature: ");
		goto fail;
	}
	int n = eseal_der_count(&top);
	if (n != 2 && n != 4 && n != 5) {
		rc = eseal_error_set(ESEAL_EFORMAT, "SES_Signature: %d elements (V1 has 2, V4/V5 4 or 5)", n);
		goto fail;
	}
	eseal_der_iter_init(&it, &top);
	if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_SEQUENCE, "TBS_Sign")))
		goto fail;
	g->tbs = SPAN(e);
	if ((rc = parse_tbs(g, &e, n == 2)))
		goto fail;
	if (n == 2) {
		g->version = 1;
	} else {
		g->version = eseal_seal_version(g->seal) == 5 ? 5 : 4;
		if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_OCTET_STRING, "SES_Signature.cert")))
			goto fail;
		g->signer_cert = VSPAN(e);
		if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_OID, "SES_Signature.signatureAlgID")) ||
		    (rc = eseal_der_get_oid(&e, g->sig_alg, sizeof g->sig_alg)))
			goto fail;
	}
	if ((rc = ses_check_sig_alg(g->sig_alg, "SES_Signature")))
		goto fail;
	const uint8_t *p;
	size_t sn;
	if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_BIT_STRING, "SES_Signature.signature")) ||
	    (rc = eseal_der_get_bits(&e, &p, &sn)))
		goto fail;
	g->sig = (ses_span){ p, sn };
	if (n == 5) {
		/* timeStamp [0] EXPLICIT BIT STRING, or a bare BIT STRING (one template's bug). */
		if ((rc = eseal_der_next(&it, &e)) != 1) {
			rc = rc < 0 ? rc : eseal_error_set(ESEAL_EFORMAT, "SES_Signature.timeStamp: missing");
			goto fail;
		}
		if (e.tag == ESEAL_DER_CTX(0)) {
			eseal_der_iter ti;
			eseal_der inner;
			eseal_der_iter_init(&ti, &e);
			if ((rc = eseal_der_expect(&ti, &inner, ESEAL_DER_BIT_STRING, "SES_Signature.timeStamp")) ||
			    (rc = eseal_der_get_bits(&inner, &p, &sn)))
				goto fail;
			g->timestamp = (ses_span){ p, sn };
		} else if (e.tag == ESEAL_DER_BIT_STRING) {
			if ((rc = eseal_der_get_bits(&e, &p, &sn)))
				goto fail;
			g->timestamp = (ses_span){ p, sn };
		} else {
			rc = eseal_error_set(ESEAL_EFORMAT, "SES_Signature.timeStamp: unexpected tag 0x%02x", e.tag);
			goto fail;
		}
	}
	*out = g;
	return 0;
fail:
	eseal_sessig_free(g);
	return rc;
}

void eseal_sessig_free(eseal_sessig *g)
{
	if (!g)
		return;
	eseal_seal_free(g->seal);
	free(g->time_text);
	free(g->property);
	eseal_buf_free(&g->raw);
	free(g);
}

int eseal_sessig_version(const eseal_sessig *g) { return g->version; }
const eseal_seal *eseal_sessig_seal(const eseal_sessig *g) { return g->seal; }
time_t eseal_sessig_time(const eseal_sessig *g) { return g->time; }
const char *eseal_sessig_time_text(const eseal_sessig *g) { return g->time_text; }
const char *eseal_sessig_property(const eseal_sessig *g) { return g->property; }
const char *eseal_sessig_sig_alg(const eseal_sessig *g) { return g->sig_alg; }
int eseal_sessig_has_ext(const eseal_sessig *g) { return g->has_ext; }

const uint8_t *eseal_sessig_seal_der(const eseal_sessig *g, size_t *len)
{
	*len = g->seal_tlv.len;
	return g->seal_tlv.p;
}

const uint8_t *eseal_sessig_data_hash(const eseal_sessig *g, size_t *len)
{
	*len = g->data_hash.len;
	return g->data_hash.p;
}

const uint8_t *eseal_sessig_signer_cert(const eseal_sessig *g, size_t *len)
{
	*len = g->signer_cert.len;
	return g->signer_cert.p;
}

const uint8_t *eseal_sessig_signature(const eseal_sessig *g, size_t *len)
{
	*len = g->sig.len;
	return g->sig.p;
}

const char *eseal_sessig_signature_encoding(const eseal_sessig *g)
{
	return g->sig.len == 64 && g->sig.p[0] != 0x30 ? "raw" : "der";
}

const uint8_t *eseal_sessig_tbs(const eseal_sessig *g, size_t *len)
{
	*len = g->tbs.len;
	return g->tbs.p;
}

const uint8_t *eseal_sessig_timestamp(const eseal_sessig *g, size_t *len)
{
	*len = g->timestamp.len;
	return g->timestamp.p;
}
