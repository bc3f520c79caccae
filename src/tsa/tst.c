/*
 * tst.c - reads TimeStampResp and time-stamp tokens (ContentInfo with a
 * TSTInfo inside) strictly: every element walked, nothing unknown
 * accepted, spans only into the token's own copy. Deciding whether a token
 * is valid is tst_verify.c's job, never this file's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsa/tsa_internal.h"

static int bad(const char *what)
{
	return eseal_error_set(ESEAL_EFORMAT, "time-stamp token: %s", what);
}

static int at_end(eseal_der_iter *it, const char *what)
{
	eseal_der x;
	int r = eseal_der_next(it, &x);
	if (r < 0)
		return r;
	return r ? bad(what) : 0;
}

/* GeneralizedTime as RFC 3161 §2.4.2 wants it: YYYYMMDDhhmmss[.s+]Z with
 * no trailing zero in the fraction. */
static int gen_time(eseal_tst *t, const eseal_der *e)
{
	const uint8_t *p = e->val;
	size_t n = e->val_len;
	if (e->tag != ESEAL_DER_GENERALIZEDTIME || n < 15 || n > 30 || p[n - 1] != 'Z')
		return bad("genTime is not a UTC GeneralizedTime");
	for (size_t i = 0; i < 14; i++)
		if (p[i] < '0' || p[i] > '9')
			return bad("genTime has a bad digit");
	if (n > 15) {
		if (p[14] != '.' || n < 17 || p[n - 2] == '0')
			return bad("genTime has a bad fraction");
		for (size_t i = 15; i < n - 1; i++)
			if (p[i] < '0' || p[i] > '9')
				return bad("genTime has a bad fraction");
	}
	if (eseal_der_get_time(e, &t->gen_time))
		return bad("genTime is not a time");
	memcpy(t->gen_time_text, p, n);
	t->gen_time_text[n] = 0;
	return 0;
}

static int small_int(const eseal_der *e, long lo, long hi, long *v)
{
	if (eseal_der_get_int(e, v) || *v < lo || *v > hi)
		return bad("accuracy out of range");
	return 0;
}

static int accuracy(eseal_tst *t, const eseal_der *acc)
{
	eseal_der_iter it;
	eseal_der x;
	long s = 0, ms = 0, us = 0, v;
	int r, stage = 0;
	eseal_der_iter_init(&it, acc);
	while ((r = eseal_der_next(&it, &x)) == 1) {
		eseal_der y = x;
		if (x.tag == ESEAL_DER_INTEGER && stage < 1) {
			if (small_int(&x, 0, 1000000, &s))
				return ESEAL_EFORMAT;
			stage = 1;
		} else if (x.tag == ESEAL_DER_CTX_PRIM(0) && stage < 2) {
			y.tag = ESEAL_DER_INTEGER;
			if (small_int(&y, 1, 999, &v))
				return ESEAL_EFORMAT;
			ms = v, stage = 2;
		} else if (x.tag == ESEAL_DER_CTX_PRIM(1) && stage < 3) {
			y.tag = ESEAL_DER_INTEGER;
			if (small_int(&y, 1, 999, &v))
				return ESEAL_EFORMAT;
			us = v, stage = 3;
		} else {
			return bad("bad accuracy");
		}
	}
	if (r < 0)
		return r;
	t->accuracy_ms = s * 1000 + ms + (us ? 1 : 0);
	return 0;
}

static int parse_tstinfo(eseal_tst *t)
{
	eseal_der top, x;
	eseal_der_iter it;
	long ver;
	int r;
	if (eseal_der_read(&top, t->tstinfo, t->tstinfo_len, 0) || top.tag != ESEAL_DER_SEQUENCE ||
	    top.tlv_len != t->tstinfo_len)
		return bad("TSTInfo is not one DER SEQUENCE");
	eseal_der_iter_init(&it, &top);
	if (eseal_der_expect(&it, &x, ESEAL_DER_INTEGER, "TSTInfo version") || eseal_der_get_int(&x, &ver))
		return ESEAL_EFORMAT;
	if (ver != 1)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "time-stamp token: TSTInfo version %ld", ver);
	if (eseal_der_expect(&it, &x, ESEAL_DER_OID, "policy") ||
	    eseal_der_get_oid(&x, t->policy, sizeof t->policy))
		return ESEAL_EFORMAT;
	if (eseal_der_expect(&it, &x, ESEAL_DER_SEQUENCE, "messageImprint"))
		return ESEAL_EFORMAT;
	if ((r = tsa_get_imprint(&x, &t->hash, &t->imprint, &t->imprint_len)))
		return r;
	if (eseal_der_expect(&it, &x, ESEAL_DER_INTEGER, "serialNumber"))
		return ESEAL_EFORMAT;
	if (x.val_len == 0 || x.val_len > 21 || (x.val[0] & 0x80))
		return bad("serialNumber is not a positive integer of at most 160 bits");
	{
		size_t i = 0, o = 0;
		while (i + 1 < x.val_len && x.val[i] == 0)
			i++;
		if (x.val_len - i > 20)
			return bad("serialNumber is longer than 160 bits");
		for (; i < x.val_len; i++, o += 2)
			snprintf(t->serial + o, 3, "%02X", x.val[i]);
	}
	if (eseal_der_expect(&it, &x, ESEAL_DER_GENERALIZEDTIME, "genTime") || gen_time(t, &x))
		return ESEAL_EFORMAT;
	int stage = 0;
	while ((r = eseal_der_next(&it, &x)) == 1) {
		if (x.tag == ESEAL_DER_SEQUENCE && stage < 1) {
			if (accuracy(t, &x))
				return ESEAL_EFORMAT;
			stage = 1;
		} else if (x.tag == ESEAL_DER_BOOLEAN && stage < 2) {
			int b;
			if (eseal_der_get_bool(&x, &b))
				return ESEAL_EFORMAT;
			stage = 2;
		} else if (x.tag == ESEAL_DER_INTEGER && stage < 3) {
			if (x.val_len == 0 || x.val_len > ESEAL_TSA_MAX_NONCE)
				return bad("nonce is empty or too long");
			t->nonce = x.val;
			t->nonce_len = x.val_len;
			stage = 3;
		} else if (x.tag == ESEAL_DER_CTX(0) && stage < 4) {
			stage = 4;  /* tsa name: informational */
		} else if (x.tag == ESEAL_DER_CTX(1) && stage < 5) {
			stage = 5;  /* extensions: none is understood, none is critical to us */
		} else {
			return bad("unexpected element in TSTInfo");
		}
	}
	return r < 0 ? r : 0;
}

/* eContentType of a ContentInfo/SignedData, walked independently of the
 * CMS module so a token cannot pass as some other signed content. */
static int econtent_type(const uint8_t *der, size_t len, char *oid, size_t oidlen, eseal_der *algs)
{
	eseal_der ci, x, sd;
	eseal_der_iter it;
	if (eseal_der_read(&ci, der, len, 0) || ci.tag != ESEAL_DER_SEQUENCE)
		return bad("not a ContentInfo");
	eseal_der_iter_init(&it, &ci);
	if (eseal_der_expect(&it, &x, ESEAL_DER_OID, "contentType") ||
	    eseal_der_expect(&it, &x, ESEAL_DER_CTX(0), "content") || at_end(&it, "junk after content"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &x);
	if (eseal_der_expect(&it, &sd, ESEAL_DER_SEQUENCE, "SignedData"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &sd);
	long ver;
	if (eseal_der_expect(&it, &x, ESEAL_DER_INTEGER, "version") || eseal_der_get_int(&x, &ver))
		return ESEAL_EFORMAT;
	/* 1 (GM/T 0010, PKCS#7) or 3 (RFC 5652 for a non-data content) */
	if (ver != 1 && ver != 3)
		return bad("SignedData version is neither 1 nor 3");
	if (eseal_der_expect(&it, algs, ESEAL_DER_SET, "digestAlgorithms") ||
	    eseal_der_expect(&it, &x, ESEAL_DER_SEQUENCE, "encapContentInfo"))
		return ESEAL_EFORMAT;
	eseal_der_iter sit = it;
	eseal_der_iter_init(&it, &x);
	if (eseal_der_expect(&it, &x, ESEAL_DER_OID, "eContentType") || eseal_der_get_oid(&x, oid, oidlen))
		return ESEAL_EFORMAT;
	/* exactly one SignerInfo (RFC 3161 §2.4.1), version 1 or 3 */
	int r;
	while ((r = eseal_der_next(&sit, &x)) == 1 && x.tag != ESEAL_DER_SET)
		;
	if (r != 1)
		return r < 0 ? r : bad("no signerInfos");
	eseal_der si;
	eseal_der_iter_init(&it, &x);
	if (eseal_der_expect(&it, &si, ESEAL_DER_SEQUENCE, "SignerInfo") || at_end(&it, "more than one SignerInfo"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&it, &si);
	if (eseal_der_expect(&it, &x, ESEAL_DER_INTEGER, "SignerInfo version") || eseal_der_get_int(&x, &ver))
		return ESEAL_EFORMAT;
	if (ver != 1 && ver != 3)
		return bad("SignerInfo version is neither 1 nor 3");
	return 0;
}

/* digestAlgorithms is not signed: every entry must at least be a known
 * hash and one of them the signer's, so nothing in it goes unnoticed. */
static int check_digest_algs(const eseal_der *algs, const char *signer_md)
{
	eseal_der_iter it, ai;
	eseal_der a, o;
	char dotted[64];
	int r, found = 0;
	eseal_der_iter_init(&it, algs);
	while ((r = eseal_der_next(&it, &a)) == 1) {
		eseal_der_iter_init(&ai, &a);
		if (a.tag != ESEAL_DER_SEQUENCE || eseal_der_expect(&ai, &o, ESEAL_DER_OID, "digest algorithm") ||
		    eseal_der_get_oid(&o, dotted, sizeof dotted))
			return bad("bad digestAlgorithms");
		const char *name = tsa_hash_from_oid(dotted);
		if (!name)
			return bad("unknown algorithm in digestAlgorithms");
		if (signer_md && !strcmp(name, signer_md))
			found = 1;
	}
	if (r < 0)
		return r;
	return found ? 0 : bad("digestAlgorithms does not name the signer's digest");
}

int eseal_tst_parse(eseal_tst **out, const uint8_t *der, size_t len)
{
	eseal_der top;
	size_t used;
	char oid[64];
	if (!out || !der)
		return eseal_error_set(ESEAL_EINVAL, "time-stamp token: no input");
	*out = NULL;
	if (eseal_der_read(&top, der, len, 0) || eseal_der_validate(top.tlv, top.tlv_len, &used))
		return eseal_error_wrap("time-stamp token: ");
	eseal_tst *t = calloc(1, sizeof *t);
	if (!t)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	t->accuracy_ms = -1;
	int rc = eseal_buf_put(&t->raw, top.tlv, top.tlv_len);
	eseal_der algs;
	if (!rc) rc = econtent_type(t->raw.data, t->raw.len, oid, sizeof oid, &algs);
	if (!rc && strcmp(oid, TSA_OID_TSTINFO))
		rc = eseal_error_set(ESEAL_EFORMAT, "time-stamp token: content %s is not a TSTInfo", oid);
	if (!rc) rc = eseal_cms_parse(&t->cms, t->raw.data, t->raw.len);
	if (!rc) {
		t->tstinfo = eseal_cms_econtent(t->cms, &t->tstinfo_len);
		if (!t->tstinfo)
			rc = bad("no TSTInfo inside");
	}
	if (!rc) rc = check_digest_algs(&algs, eseal_cms_digest_name(t->cms));
	if (!rc) rc = parse_tstinfo(t);
	if (rc) {
		eseal_tst_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void eseal_tst_free(eseal_tst *t)
{
	if (!t)
		return;
	eseal_cms_free(t->cms);
	eseal_buf_free(&t->raw);
	free(t);
}

int eseal_tsa_resp_parse(const uint8_t *der, size_t len, int *status, uint32_t *failinfo, char *text,
			 size_t textlen, eseal_tst **tok)
{
	eseal_der top, si, x, tk;
	eseal_der_iter it, sit;
	size_t used;
	long st;
	int r;
	if (!der || !status || !tok)
		return eseal_error_set(ESEAL_EINVAL, "time-stamp response: no input");
	*tok = NULL;
	*status = -1;
	if (failinfo)
		*failinfo = 0;
	if (text && textlen)
		text[0] = 0;
	if (eseal_der_read(&top, der, len, 0) || eseal_der_validate(der, len, &used))
		return eseal_error_wrap("time-stamp response: ");
	if (top.tag != ESEAL_DER_SEQUENCE || used != len)
		return eseal_error_set(ESEAL_EFORMAT, "time-stamp response: not one DER SEQUENCE");
	eseal_der_iter_init(&it, &top);
	if (eseal_der_expect(&it, &si, ESEAL_DER_SEQUENCE, "PKIStatusInfo"))
		return ESEAL_EFORMAT;
	eseal_der_iter_init(&sit, &si);
	if (eseal_der_expect(&sit, &x, ESEAL_DER_INTEGER, "PKIStatus") || eseal_der_get_int(&x, &st))
		return ESEAL_EFORMAT;
	if (st < 0 || st > 5)
		return eseal_error_set(ESEAL_EFORMAT, "time-stamp response: unknown status %ld", st);
	int stage = 0;
	while ((r = eseal_der_next(&sit, &x)) == 1) {
		if (x.tag == ESEAL_DER_SEQUENCE && stage < 1) {
			eseal_der_iter ti;
			eseal_der s;
			size_t o = 0;
			eseal_der_iter_init(&ti, &x);
			while ((r = eseal_der_next(&ti, &s)) == 1) {
				if (s.tag != ESEAL_DER_UTF8STRING)
					return eseal_error_set(ESEAL_EFORMAT, "time-stamp response: bad statusString");
				for (size_t i = 0; text && i < s.val_len && o + 1 < textlen; i++) {
					uint8_t c = s.val[i];
					text[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
				}
				if (text && o + 1 < textlen && o)
					text[o++] = ' ';
			}
			if (r < 0)
				return r;
			if (text && textlen)
				text[o && text[o - 1] == ' ' ? o - 1 : o] = 0;
			stage = 1;
		} else if (x.tag == ESEAL_DER_BIT_STRING && stage < 2) {
			const uint8_t *p;
			size_t n;
			if (x.val_len < 1 || x.val_len > 5 || x.val[0] > 7)
				return eseal_error_set(ESEAL_EFORMAT, "time-stamp response: bad failInfo");
			p = x.val + 1;
			n = x.val_len - 1;
			uint32_t bits = 0;
			for (size_t i = 0; i < n; i++)
				for (int b = 0; b < 8; b++)
					if (p[i] & (0x80 >> b))
						bits |= 1u << (i * 8 + (size_t)b);
			if (failinfo)
				*failinfo = bits;
			stage = 2;
		} else {
			return eseal_error_set(ESEAL_EFORMAT, "time-stamp response: unexpected element in PKIStatusInfo");
		}
	}
	if (r < 0)
		return r;
	r = eseal_der_next(&it, &tk);
	if (r < 0)
		return r;
	if (r == 1 && at_end(&it, "junk after the token"))
		return ESEAL_EFORMAT;
	*status = (int)st;
	if (st <= 1 && r != 1)
		return eseal_error_set(ESEAL_EFORMAT, "time-stamp response: granted without a token");
	if (st > 1 && r == 1)
		return eseal_error_set(ESEAL_EFORMAT, "time-stamp response: a token in a refusal");
	if (r == 1)
		return eseal_tst_parse(tok, tk.tlv, tk.tlv_len);
	return 0;
}

time_t eseal_tst_gen_time(const eseal_tst *t) { return t->gen_time; }
const char *eseal_tst_gen_time_text(const eseal_tst *t) { return t->gen_time_text; }
const char *eseal_tst_policy(const eseal_tst *t) { return t->policy; }
const char *eseal_tst_hash(const eseal_tst *t) { return t->hash; }
const char *eseal_tst_serial(const eseal_tst *t) { return t->serial; }
long eseal_tst_accuracy_ms(const eseal_tst *t) { return t->accuracy_ms; }

const uint8_t *eseal_tst_imprint(const eseal_tst *t, size_t *len)
{
	if (len)
		*len = t->imprint_len;
	return t->imprint;
}

const uint8_t *eseal_tst_nonce(const eseal_tst *t, size_t *len)
{
	if (len)
		*len = t->nonce_len;
	return t->nonce;
}

const uint8_t *eseal_tst_der(const eseal_tst *t, size_t *len)
{
	if (len)
		*len = t->raw.len;
	return t->raw.data;
}

const uint8_t *eseal_tst_signer_cert(const eseal_tst *t, size_t *len)
{
	return eseal_cms_signer_cert(t->cms, len);
}

const char *eseal_tst_profile(const eseal_tst *t)
{
	return eseal_cms_get_profile(t->cms) == ESEAL_CMS_GM ? "GM/T 0010" : "RFC 5652";
}
