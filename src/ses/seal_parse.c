/*
 * seal_parse.c - reads SESeal V1 (GM/T 0031-2014), V4 (GB/T 38540-2020)
 * and V5 (GM/T 0031-2025 draft), accepting the variants real producers
 * write (tagged or untagged extDatas, UTCTime or GeneralizedTime dates,
 * an explicit critical FALSE, trailing bytes) and refusing anything else
 * with a reason. Never re-encodes: the maker signature is checked over the
 * bytes as found.
 */
#include <stdlib.h>
#include <string.h>

#include "ses_internal.h"

#define SPAN(e) ((ses_span){ (e).tlv, (e).tlv_len })
#define VSPAN(e) ((ses_span){ (e).val, (e).val_len })

int ses_check_sig_alg(const char *oid, const char *what)
{
	if (!strcmp(oid, ESEAL_OID_SM2_SM3))
		return 0;
	return eseal_error_set(ESEAL_EUNSUPPORTED, "%s: unsupported signature algorithm %s "
			       "(only SM2 with SM3, %s)", what, oid, ESEAL_OID_SM2_SM3);
}

static int is_string_tag(unsigned t)
{
	return t == ESEAL_DER_IA5STRING || t == ESEAL_DER_UTF8STRING ||
	       t == ESEAL_DER_PRINTABLESTRING || t == 0x14 || t == 0x1e;
}

static int get_str(eseal_der_iter *it, char **out, const char *what, int utf8)
{
	eseal_der e;
	int rc = eseal_der_next(it, &e);
	if (rc < 0)
		return eseal_error_wrap("%s: ", what);
	if (rc == 0)
		return eseal_error_set(ESEAL_EFORMAT, "%s: missing", what);
	if (!is_string_tag(e.tag))
		return eseal_error_set(ESEAL_EFORMAT, "%s: expected a string, found tag 0x%02x at offset %zu",
				       what, e.tag, e.off);
	(void)utf8;
	return eseal_der_get_string(&e, out) ? eseal_error_wrap("%s: ", what) : 0;
}

static int get_int(eseal_der_iter *it, long *out, const char *what)
{
	eseal_der e;
	int rc = eseal_der_expect(it, &e, ESEAL_DER_INTEGER, what);
	if (rc)
		return rc;
	return eseal_der_get_int(&e, out) ? eseal_error_wrap("%s: ", what) : 0;
}

static int get_time(eseal_der_iter *it, time_t *out, const char *what)
{
	eseal_der e;
	int rc = eseal_der_next(it, &e);
	if (rc < 0)
		return eseal_error_wrap("%s: ", what);
	if (rc == 0)
		return eseal_error_set(ESEAL_EFORMAT, "%s: missing", what);
	if (e.tag != ESEAL_DER_GENERALIZEDTIME && e.tag != ESEAL_DER_UTCTIME)
		return eseal_error_set(ESEAL_EFORMAT, "%s: expected a time, found tag 0x%02x at offset %zu",
				       what, e.tag, e.off);
	return eseal_der_get_time(&e, out) ? eseal_error_wrap("%s: ", what) : 0;
}

static int parse_cert_list(eseal_seal *s, const eseal_der *list)
{
	eseal_der_iter it;
	eseal_der e;
	int rc, n = eseal_der_count(list);
	if (n < 0)
		return eseal_error_wrap("certList: ");
	if (n > 1024)
		return eseal_error_set(ESEAL_ELIMIT, "certList: %d entries (limit 1024)", n);
	s->certs = calloc((size_t)n + 1, sizeof *s->certs);
	if (!s->certs)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	eseal_der_iter_init(&it, list);
	while ((rc = eseal_der_next(&it, &e)) == 1) {
		ses_cert_entry *c = &s->certs[s->ncerts];
		if (s->cert_list_type == 2) {
			/* CertDigestObj ::= SEQUENCE { type PrintableString, value OCTET STRING } */
			eseal_der_iter di;
			eseal_der t, v;
			if (e.tag != ESEAL_DER_SEQUENCE)
				return eseal_error_set(ESEAL_EFORMAT, "certList: digest entry is not a SEQUENCE (offset %zu)", e.off);
			eseal_der_iter_init(&di, &e);
			if (eseal_der_next(&di, &t) != 1 || !is_string_tag(t.tag) ||
			    eseal_der_expect(&di, &v, ESEAL_DER_OCTET_STRING, "certList digest value"))
				return eseal_error_set(ESEAL_EFORMAT, "certList: bad digest entry at offset %zu", e.off);
			if (eseal_der_get_string(&t, &c->alg))
				return eseal_error_wrap("certList: ");
			c->data = VSPAN(v);
		} else {
			/* V4 writes OCTET STRING; some V1 producers put other things here. */
			c->data = e.tag == ESEAL_DER_OCTET_STRING ? VSPAN(e) : SPAN(e);
		}
		s->ncerts++;
	}
	return rc < 0 ? eseal_error_wrap("certList: ") : 0;
}

static int parse_property(eseal_seal *s, const eseal_der *prop)
{
	eseal_der_iter it;
	eseal_der e;
	int rc;
	eseal_der_iter_init(&it, prop);
	if ((rc = get_int(&it, &s->type, "property.type")) ||
	    (rc = get_str(&it, &s->name, "property.name", 1)))
		return rc;
	if (eseal_der_peek(&it, ESEAL_DER_INTEGER)) {
		long t;
		if ((rc = get_int(&it, &t, "property.certListType")))
			return rc;
		if (t != 1 && t != 2)
			return eseal_error_set(ESEAL_EFORMAT, "property.certListType: %ld (must be 1 or 2)", t);
		s->cert_list_type = (int)t;
	} else {
		s->cert_list_type = 1; /* V1: a plain list of certificates */
	}
	if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_SEQUENCE, "property.certList")))
		return rc;
	if ((rc = parse_cert_list(s, &e)))
		return rc;
	if ((rc = get_time(&it, &s->create_date, "property.createDate")) ||
	    (rc = get_time(&it, &s->valid_start, "property.validStart")) ||
	    (rc = get_time(&it, &s->valid_end, "property.validEnd")))
		return rc;
	if (eseal_der_next(&it, &e) != 0)
		return eseal_error_set(ESEAL_EFORMAT, "property: unexpected element at offset %zu", e.off);
	return 0;
}

static int parse_picture(eseal_seal *s, const eseal_der *pic)
{
	eseal_der_iter it;
	eseal_der e;
	int rc;
	eseal_der_iter_init(&it, pic);
	if ((rc = get_str(&it, &s->pic_type, "picture.type", 0)))
		return rc;
	if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_OCTET_STRING, "picture.data")))
		return rc;
	s->pic = VSPAN(e);
	if ((rc = get_int(&it, &s->pic_w, "picture.width")) ||
	    (rc = get_int(&it, &s->pic_h, "picture.height")))
		return rc;
	if (s->pic_w < 0 || s->pic_h < 0 || s->pic_w > 1000 || s->pic_h > 1000)
		return eseal_error_set(ESEAL_EFORMAT, "picture: absurd size %ld x %ld mm", s->pic_w, s->pic_h);
	return 0;
}

static int parse_exts(eseal_seal *s, const eseal_der *list)
{
	eseal_der_iter it;
	eseal_der e;
	int rc, n = eseal_der_count(list);
	if (n < 0)
		return eseal_error_wrap("extDatas: ");
	if (n > 256)
		return eseal_error_set(ESEAL_ELIMIT, "extDatas: too many entries");
	s->exts = calloc((size_t)n + 1, sizeof *s->exts);
	if (!s->exts)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	eseal_der_iter_init(&it, list);
	while ((rc = eseal_der_next(&it, &e)) == 1) {
		ses_ext *x = &s->exts[s->nexts];
		eseal_der_iter xi;
		eseal_der f;
		if (e.tag != ESEAL_DER_SEQUENCE)
			return eseal_error_set(ESEAL_EFORMAT, "extDatas: entry is not a SEQUENCE (offset %zu)", e.off);
		eseal_der_iter_init(&xi, &e);
		if ((rc = eseal_der_expect(&xi, &f, ESEAL_DER_OID, "extDatas.extnID")) ||
		    (rc = eseal_der_get_oid(&f, x->oid, sizeof x->oid)))
			return rc;
		if (eseal_der_peek(&xi, ESEAL_DER_BOOLEAN)) {
			/* Producers encode critical FALSE explicitly: accept it. */
			eseal_der_next(&xi, &f);
			if ((rc = eseal_der_get_bool(&f, &x->critical)))
				return rc;
		}
		if ((rc = eseal_der_expect(&xi, &f, ESEAL_DER_OCTET_STRING, "extDatas.extnValue")))
			return rc;
		x->value = VSPAN(f);
		s->nexts++;
	}
	return rc < 0 ? rc : 0;
}

static int parse_seal_info(eseal_seal *s, const eseal_der *info)
{
	eseal_der_iter it, hi;
	eseal_der e, h;
	int rc;
	char *id = NULL;
	eseal_der_iter_init(&it, info);
	if ((rc = eseal_der_expect(&it, &h, ESEAL_DER_SEQUENCE, "SES_Header")))
		return rc;
	eseal_der_iter_init(&hi, &h);
	if ((rc = get_str(&hi, &id, "SES_Header.id", 0)))
		return rc;
	int ok = !strcmp(id, "ES");
	free(id);
	if (!ok)
		return eseal_error_set(ESEAL_EFORMAT, "SES_Header.id is not \"ES\"");
	if ((rc = get_int(&hi, &s->header_version, "SES_Header.version")) ||
	    (rc = get_str(&hi, &s->vid, "SES_Header.vid", 0)))
		return rc;
	if ((rc = get_str(&it, &s->esid, "esID", 0)))
		return rc;
	if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_SEQUENCE, "property")) ||
	    (rc = parse_property(s, &e)))
		return rc;
	if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_SEQUENCE, "picture")) ||
	    (rc = parse_picture(s, &e)))
		return rc;
	rc = eseal_der_next(&it, &e);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		eseal_der list = e;
		if (e.tag == ESEAL_DER_CTX(0)) {
			/* [0] EXPLICIT ExtensionDatas (older V1 code) */
			eseal_der_iter ti;
			eseal_der_iter_init(&ti, &e);
			if ((rc = eseal_der_expect(&ti, &list, ESEAL_DER_SEQUENCE, "extDatas")))
				return rc;
		} else if (e.tag != ESEAL_DER_SEQUENCE) {
			return eseal_error_set(ESEAL_EFORMAT, "SES_SealInfo: unexpected tag 0x%02x at offset %zu",
					       e.tag, e.off);
		}
		if ((rc = parse_exts(s, &list)))
			return rc;
		if (eseal_der_next(&it, &e) != 0)
			return eseal_error_set(ESEAL_EFORMAT, "SES_SealInfo: unexpected element at offset %zu", e.off);
	}
	return 0;
}

static int get_sig(eseal_der_iter *it, ses_span *sig, const char *what)
{
	eseal_der e;
	const uint8_t *p;
	size_t n;
	int rc = eseal_der_expect(it, &e, ESEAL_DER_BIT_STRING, what);
	if (rc || (rc = eseal_der_get_bits(&e, &p, &n)))
		return rc ? eseal_error_wrap("%s: ", what) : rc;
	*sig = (ses_span){ p, n };
	return 0;
}

int ses_seal_parse_at(eseal_seal *s, const eseal_der *seal)
{
	eseal_der_iter it;
	eseal_der info, e;
	int rc, n;
	if (seal->tag != ESEAL_DER_SEQUENCE)
		return eseal_error_set(ESEAL_EFORMAT, "SESeal: not a SEQUENCE (tag 0x%02x)", seal->tag);
	if ((rc = eseal_der_validate(seal->tlv, seal->tlv_len, NULL)))
		return eseal_error_wrap("SESeal: ");
	n = eseal_der_count(seal);
	if (n != 2 && n != 4 && n != 5)
		return eseal_error_set(ESEAL_EFORMAT, "SESeal: %d elements (V1 has 2, V4 4, V5 4 or 5)", n);
	eseal_der_iter_init(&it, seal);
	if ((rc = eseal_der_expect(&it, &info, ESEAL_DER_SEQUENCE, "SES_SealInfo")))
		return rc;
	s->seal_info = SPAN(info);
	if ((rc = parse_seal_info(s, &info)))
		return eseal_error_wrap("SES_SealInfo: ");
	eseal_der_iter si = it;
	if (n == 2) {
		/* V1: SES_SignInfo ::= SEQUENCE { cert, signatureAlgorithm, signData } */
		s->version = 1;
		if ((rc = eseal_der_expect(&it, &e, ESEAL_DER_SEQUENCE, "SES_SignInfo")))
			return rc;
		eseal_der_iter_init(&si, &e);
	} else {
		s->version = (n == 5 || s->header_version == 5) ? 5 : 4;
	}
	if ((rc = eseal_der_expect(&si, &e, ESEAL_DER_OCTET_STRING, "SESeal.cert")))
		return rc;
	s->maker_cert = VSPAN(e);
	s->cert_tlv = SPAN(e);
	if ((rc = eseal_der_expect(&si, &e, ESEAL_DER_OID, "SESeal.signAlgID")) ||
	    (rc = eseal_der_get_oid(&e, s->sig_alg, sizeof s->sig_alg)))
		return rc;
	s->alg_tlv = SPAN(e);
	if ((rc = ses_check_sig_alg(s->sig_alg, "SESeal")))
		return rc;
	if ((rc = get_sig(&si, &s->sig, "SESeal.signedValue")))
		return rc;
	if (s->version != 1 && s->cert_list_type == 0)
		return eseal_error_set(ESEAL_EFORMAT, "SESeal: V4 layout without certListType");
	rc = eseal_der_next(&si, &e);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		if (s->version != 5 || e.tag != ESEAL_DER_CTX(0))
			return eseal_error_set(ESEAL_EFORMAT, "SESeal: unexpected element (tag 0x%02x) at offset %zu",
					       e.tag, e.off);
		s->timestamp = VSPAN(e);
	}
	return 0;
}

void ses_seal_clear(eseal_seal *s)
{
	free(s->vid);
	free(s->esid);
	free(s->name);
	free(s->pic_type);
	for (size_t i = 0; i < s->ncerts; i++)
		free(s->certs[i].alg);
	free(s->certs);
	free(s->exts);
	eseal_buf_free(&s->raw);
	memset(s, 0, sizeof *s);
}

int eseal_seal_parse(eseal_seal **out, const uint8_t *der, size_t len)
{
	eseal_der e;
	*out = NULL;
	int rc = eseal_der_read(&e, der, len, 0);
	if (rc)
		return eseal_error_wrap("SESeal: ");
	eseal_seal *s = calloc(1, sizeof *s);
	if (!s)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	/* Trailing bytes after the first TLV are ignored (ofdrw writes them). */
	if ((rc = eseal_buf_put(&s->raw, der, e.tlv_len))) {
		free(s);
		return rc;
	}
	if ((rc = eseal_der_read(&e, s->raw.data, s->raw.len, 0)) || (rc = ses_seal_parse_at(s, &e))) {
		eseal_seal_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int eseal_seal_load(eseal_seal **out, const char *path)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = eseal_file_read(&b, path, 64u << 20);
	if (!rc) {
		rc = eseal_seal_parse(out, b.data, b.len);
		if (rc)
			eseal_error_wrap("%s: ", path);
	}
	eseal_buf_free(&b);
	return rc;
}

void eseal_seal_free(eseal_seal *s)
{
	if (!s)
		return;
	ses_seal_clear(s);
	free(s);
}

int eseal_seal_version(const eseal_seal *s) { return s->version; }
const char *eseal_seal_vid(const eseal_seal *s) { return s->vid; }
const char *eseal_seal_esid(const eseal_seal *s) { return s->esid; }
const char *eseal_seal_name(const eseal_seal *s) { return s->name; }
long eseal_seal_type(const eseal_seal *s) { return s->type; }
time_t eseal_seal_create_date(const eseal_seal *s) { return s->create_date; }
time_t eseal_seal_valid_start(const eseal_seal *s) { return s->valid_start; }
time_t eseal_seal_valid_end(const eseal_seal *s) { return s->valid_end; }
int eseal_seal_cert_list_type(const eseal_seal *s) { return s->cert_list_type; }
size_t eseal_seal_cert_count(const eseal_seal *s) { return s->ncerts; }
const char *eseal_seal_picture_type(const eseal_seal *s) { return s->pic_type; }
long eseal_seal_picture_width(const eseal_seal *s) { return s->pic_w; }
long eseal_seal_picture_height(const eseal_seal *s) { return s->pic_h; }
const char *eseal_seal_sig_alg(const eseal_seal *s) { return s->sig_alg; }
size_t eseal_seal_ext_count(const eseal_seal *s) { return s->nexts; }

const uint8_t *eseal_seal_cert_entry(const eseal_seal *s, size_t i, size_t *len, const char **alg)
{
	if (i >= s->ncerts)
		return NULL;
	if (alg)
		*alg = s->certs[i].alg;
	*len = s->certs[i].data.len;
	return s->certs[i].data.p;
}

const uint8_t *eseal_seal_picture(const eseal_seal *s, size_t *len)
{
	*len = s->pic.len;
	return s->pic.p;
}

const uint8_t *eseal_seal_maker_cert(const eseal_seal *s, size_t *len)
{
	*len = s->maker_cert.len;
	return s->maker_cert.p;
}

const uint8_t *eseal_seal_signature(const eseal_seal *s, size_t *len)
{
	*len = s->sig.len;
	return s->sig.p;
}

const uint8_t *eseal_seal_der(const eseal_seal *s, size_t *len)
{
	*len = s->raw.len;
	return s->raw.data;
}

int eseal_seal_ext(const eseal_seal *s, size_t i, const char **oid, int *critical,
		   const uint8_t **val, size_t *len)
{
	if (i >= s->nexts)
		return eseal_error_set(ESEAL_ENOTFOUND, "no extension %zu", i);
	*oid = s->exts[i].oid;
	*critical = s->exts[i].critical;
	*val = s->exts[i].value.p;
	*len = s->exts[i].value.len;
	return 0;
}
