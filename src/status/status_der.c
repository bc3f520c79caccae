/*
 * status_der.c - DER encoding and strict parsing of SealStatusResponse and
 * SealRevocationList (docs/status.md). The parser takes untrusted bytes:
 * it accepts exactly one canonical encoding, bounded in size, and never
 * trusts what it read (status_verify.c decides that). Never re-encode a
 * parsed tbs for verification: the signature covers the received bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "eseal/asn1.h"
#include "status_internal.h"

/* ---- small writers ---- */

/* Writes v (>= 0) as INTEGER, then gives it tag. */
static int put_tagged_int(eseal_buf *b, unsigned tag, int64_t v)
{
	size_t at = b->len;
	uint8_t tmp[9];
	size_t n = 0;
	uint64_t u = (uint64_t)v;
	tmp[n++] = 0;
	for (int i = 7; i >= 0; i--)
		tmp[n++] = (uint8_t)(u >> (8 * i));
	size_t s = 0;
	while (s < n - 1 && tmp[s] == 0 && !(tmp[s + 1] & 0x80))
		s++;
	int rc = eseal_der_put(b, ESEAL_DER_INTEGER, tmp + s, n - s);
	if (!rc)
		b->data[at] = (uint8_t)tag;
	return rc;
}

static int put_time(eseal_buf *b, unsigned tag, time_t t)
{
	size_t at = b->len;
	int rc = eseal_der_put_gentime(b, t);
	if (!rc)
		b->data[at] = (uint8_t)tag;
	return rc;
}

static int put_str(eseal_buf *b, unsigned tag, const char *s)
{
	return eseal_der_put(b, tag, s, strlen(s));
}

/* Wraps tbs into the signed SEQUENCE with algorithm, signature, certs. */
static int sign_wrap(const eseal_buf *tbs, const eseal_key *key, const eseal_cert *const *certs,
		     size_t ncerts, eseal_buf *out)
{
	if (!key || !certs || ncerts < 1 || ncerts > ESEAL_STATUS_MAX_CERTS)
		return eseal_error_set(ESEAL_EINVAL, "status signing needs a key and 1..%d certificates",
				       ESEAL_STATUS_MAX_CERTS);
	if (eseal_key_get_type(key) != ESEAL_KEY_SM2)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "status answers are signed with SM2 keys only");
	eseal_buf sig = ESEAL_BUF_INIT, o = ESEAL_BUF_INIT;
	size_t m0, m1, m2, m3;
	int rc = eseal_key_sign(key, tbs->data, tbs->len, &sig);
	if (!rc) rc = eseal_der_begin(&o, ESEAL_DER_SEQUENCE, &m0);
	if (!rc) rc = eseal_der_put_raw(&o, tbs->data, tbs->len);
	if (!rc) rc = eseal_der_begin(&o, ESEAL_DER_SEQUENCE, &m1);
	if (!rc) rc = eseal_der_put_oid(&o, ESEAL_OID_SM2_SM3);
	if (!rc) rc = eseal_der_end(&o, m1);
	if (!rc) rc = eseal_der_put_bits(&o, sig.data, sig.len);
	if (!rc) rc = eseal_der_begin(&o, ESEAL_DER_CTX(0), &m2);
	if (!rc) rc = eseal_der_begin(&o, ESEAL_DER_SEQUENCE, &m3);
	for (size_t i = 0; !rc && i < ncerts; i++) {
		size_t cl;
		const uint8_t *cd = eseal_cert_der(certs[i], &cl);
		rc = eseal_der_put_raw(&o, cd, cl);
	}
	if (!rc) rc = eseal_der_end(&o, m3);
	if (!rc) rc = eseal_der_end(&o, m2);
	if (!rc) rc = eseal_der_end(&o, m0);
	if (!rc) rc = eseal_buf_put(out, o.data, o.len);
	eseal_buf_free(&sig);
	eseal_buf_free(&o);
	return rc;
}

static int reason_ok(const char *r)
{
	return strlen(r) <= ESEAL_STATUS_REASON_MAX;
}

int eseal_status_answer_sign(const eseal_status_answer *a, const eseal_key *key,
			     const eseal_cert *const *certs, size_t ncerts, eseal_buf *out)
{
	if (!eseal_esid_ok(a->esid) || a->state > ESEAL_SEAL_UNKNOWN || !reason_ok(a->reason) ||
	    a->next_update < a->this_update || a->this_update <= 0)
		return eseal_error_set(ESEAL_EINVAL, "status answer: bad esID, state, reason or times");
	int revoked = a->state == ESEAL_SEAL_LOST || a->state == ESEAL_SEAL_CANCELLED ||
		      a->state == ESEAL_SEAL_EXPIRED;
	if (revoked && a->revocation_time <= 0)
		return eseal_error_set(ESEAL_EINVAL, "status answer: %s needs a revocation time",
				       eseal_seal_state_name(a->state));
	eseal_buf t = ESEAL_BUF_INIT;
	size_t m;
	int rc = eseal_der_begin(&t, ESEAL_DER_SEQUENCE, &m);
	if (!rc) rc = eseal_der_put_int(&t, 1);
	if (!rc) rc = put_str(&t, ESEAL_DER_IA5STRING, a->esid);
	if (!rc) rc = put_tagged_int(&t, STATUS_DER_ENUM, a->state);
	if (!rc && revoked) rc = put_time(&t, ESEAL_DER_CTX_PRIM(0), a->revocation_time);
	if (!rc && a->reason[0]) rc = put_str(&t, ESEAL_DER_CTX_PRIM(1), a->reason);
	if (!rc) rc = eseal_der_put_gentime(&t, a->this_update);
	if (!rc) rc = eseal_der_put_gentime(&t, a->next_update);
	if (!rc && a->at) rc = put_time(&t, ESEAL_DER_CTX_PRIM(2), a->at);
	if (!rc) rc = eseal_der_end(&t, m);
	if (!rc) rc = sign_wrap(&t, key, certs, ncerts, out);
	eseal_buf_free(&t);
	return rc;
}

int eseal_srl_sign(const eseal_srl *l, const eseal_key *key, const eseal_cert *const *certs,
		   size_t ncerts, eseal_buf *out)
{
	if (l->number < 1 || (l->delta && (l->base_number < 1 || l->base_number >= l->number)) ||
	    l->next_update < l->this_update || l->this_update <= 0 || l->n > ESEAL_SRL_MAX_ENTRIES)
		return eseal_error_set(ESEAL_EINVAL, "revocation list: bad number, base number or times");
	for (size_t i = 0; i < l->n; i++) {
		const eseal_srl_entry *e = &l->entries[i];
		int ok = eseal_esid_ok(e->esid) && e->revocation_time > 0 &&
			 (e->state == ESEAL_SEAL_LOST || e->state == ESEAL_SEAL_CANCELLED ||
			  (l->delta && e->state == ESEAL_SEAL_LIFTED)) &&
			 (!e->reason || reason_ok(e->reason)) &&
			 (i == 0 || strcmp(l->entries[i - 1].esid, e->esid) < 0);
		if (!ok)
			return eseal_error_set(ESEAL_EINVAL, "revocation list: bad entry %zu", i);
	}
	eseal_buf t = ESEAL_BUF_INIT;
	size_t m, me, mi;
	int rc = eseal_der_begin(&t, ESEAL_DER_SEQUENCE, &m);
	if (!rc) rc = eseal_der_put_int(&t, 1);
	if (!rc) rc = put_tagged_int(&t, STATUS_DER_ENUM, l->delta ? 1 : 0);
	if (!rc) rc = put_tagged_int(&t, ESEAL_DER_INTEGER, l->number);
	if (!rc && l->delta) rc = put_tagged_int(&t, ESEAL_DER_CTX_PRIM(0), l->base_number);
	if (!rc) rc = eseal_der_put_gentime(&t, l->this_update);
	if (!rc) rc = eseal_der_put_gentime(&t, l->next_update);
	if (!rc) rc = eseal_der_begin(&t, ESEAL_DER_SEQUENCE, &me);
	for (size_t i = 0; !rc && i < l->n; i++) {
		const eseal_srl_entry *e = &l->entries[i];
		rc = eseal_der_begin(&t, ESEAL_DER_SEQUENCE, &mi);
		if (!rc) rc = put_str(&t, ESEAL_DER_IA5STRING, e->esid);
		if (!rc) rc = put_tagged_int(&t, STATUS_DER_ENUM, e->state);
		if (!rc) rc = eseal_der_put_gentime(&t, e->revocation_time);
		if (!rc && e->reason && e->reason[0]) rc = put_str(&t, ESEAL_DER_CTX_PRIM(0), e->reason);
		if (!rc) rc = eseal_der_end(&t, mi);
	}
	if (!rc) rc = eseal_der_end(&t, me);
	if (!rc) rc = eseal_der_end(&t, m);
	if (!rc) rc = sign_wrap(&t, key, certs, ncerts, out);
	eseal_buf_free(&t);
	return rc;
}

/* ---- strict readers ---- */

static int bad(const char *what, const eseal_der *e)
{
	return eseal_error_set(ESEAL_EFORMAT, "status: bad %s at offset %zu", what, e ? e->off : 0);
}

/* A non-negative INTEGER/ENUMERATED in minimal encoding, <= max. */
static int get_uint(const eseal_der *e, unsigned tag, int64_t max, int64_t *out, const char *what)
{
	if (e->tag != tag || e->val_len < 1 || e->val_len > 8 || (e->val[0] & 0x80) ||
	    (e->val_len > 1 && e->val[0] == 0 && !(e->val[1] & 0x80)))
		return bad(what, e);
	uint64_t v = 0;
	for (size_t i = 0; i < e->val_len; i++)
		v = (v << 8) | e->val[i];
	if (v > (uint64_t)max)
		return bad(what, e);
	*out = (int64_t)v;
	return 0;
}

/* GeneralizedTime in the one DER form "YYYYMMDDhhmmssZ". */
static int get_time(const eseal_der *e, unsigned tag, time_t *out, const char *what)
{
	if (e->tag != tag || e->val_len != 15 || e->val[14] != 'Z')
		return bad(what, e);
	for (int i = 0; i < 14; i++)
		if (e->val[i] < '0' || e->val[i] > '9')
			return bad(what, e);
	eseal_der g = *e;
	g.tag = ESEAL_DER_GENERALIZEDTIME;
	if (eseal_der_get_time(&g, out) || *out <= 0)
		return bad(what, e);
	return 0;
}

static int get_esid(const eseal_der *e, char out[ESEAL_STATUS_ESID_MAX + 1])
{
	if (e->tag != ESEAL_DER_IA5STRING || e->val_len < 1 || e->val_len > ESEAL_STATUS_ESID_MAX)
		return bad("esID", e);
	memcpy(out, e->val, e->val_len);
	out[e->val_len] = 0;
	return eseal_esid_ok(out) ? 0 : bad("esID", e);
}

/* UTF-8 text without control characters, 1..256 bytes. */
static int get_reason(const eseal_der *e, unsigned tag, char *out)
{
	if (e->tag != tag || e->val_len < 1 || e->val_len > ESEAL_STATUS_REASON_MAX)
		return bad("reason", e);
	for (size_t i = 0; i < e->val_len; i++)
		if (e->val[i] < 0x20 || e->val[i] == 0x7f)
			return bad("reason", e);
	memcpy(out, e->val, e->val_len);
	out[e->val_len] = 0;
	return 0;
}

struct eseal_status_signed {
	uint8_t *tbs;       /* copy of the signed bytes */
	size_t tbs_len;
	uint8_t *sig;       /* signature value (BIT STRING contents) */
	size_t sig_len;
	eseal_cert *certs[ESEAL_STATUS_MAX_CERTS];
	size_t ncerts;
};

void eseal_status_signed_free(eseal_status_signed *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ncerts; i++)
		eseal_cert_free(s->certs[i]);
	free(s->tbs);
	free(s->sig);
	free(s);
}

const eseal_cert *eseal_status_signed_cert(const eseal_status_signed *s)
{
	return s && s->ncerts ? s->certs[0] : NULL;
}

int status_signed_parts(const eseal_status_signed *s, const uint8_t **tbs, size_t *tl, const uint8_t **sig,
			size_t *sl, eseal_cert *const **certs, size_t *nc)
{
	*tbs = s->tbs;
	*tl = s->tbs_len;
	*sig = s->sig;
	*sl = s->sig_len;
	*certs = s->certs;
	*nc = s->ncerts;
	return 0;
}

/* Outer SEQUENCE { tbs, algorithm, signature, [0] certs }: fills tbs and,
 * when sig is wanted, the signed-object record. */
static int read_outer(const uint8_t *der, size_t len, eseal_der *tbs, eseal_status_signed **sig)
{
	eseal_der top, alg, bits, c0, cseq, x;
	eseal_der_iter it, ia, ic;
	size_t used;
	if (sig)
		*sig = NULL;
	if (!der || len < 2 || len > ESEAL_STATUS_MAX_DER)
		return eseal_error_set(ESEAL_ELIMIT, "status: empty or larger than %u bytes", ESEAL_STATUS_MAX_DER);
	int rc = eseal_der_validate(der, len, &used);
	if (rc)
		return rc;
	if (used != len)
		return eseal_error_set(ESEAL_EFORMAT, "status: %zu bytes after the DER object", len - used);
	if ((rc = eseal_der_read(&top, der, len, 0)) || top.tag != ESEAL_DER_SEQUENCE)
		return rc ? rc : bad("outer SEQUENCE", &top);
	eseal_der_iter_init(&it, &top);
	if ((rc = eseal_der_expect(&it, tbs, ESEAL_DER_SEQUENCE, "tbs")) ||
	    (rc = eseal_der_expect(&it, &alg, ESEAL_DER_SEQUENCE, "signatureAlgorithm")) ||
	    (rc = eseal_der_expect(&it, &bits, ESEAL_DER_BIT_STRING, "signature")) ||
	    (rc = eseal_der_expect(&it, &c0, ESEAL_DER_CTX(0), "certs")))
		return rc;
	if (eseal_der_next(&it, &x) != 0)
		return bad("trailing element", &x);
	/* algorithm: exactly SEQUENCE { sm2-with-sm3 } */
	eseal_der_iter_init(&ia, &alg);
	if (eseal_der_next(&ia, &x) != 1 || x.tag != ESEAL_DER_OID || !eseal_der_oid_is(&x, ESEAL_OID_SM2_SM3) ||
	    eseal_der_next(&ia, &x) != 0)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "status: signature algorithm is not SM2 with SM3");
	const uint8_t *sv;
	size_t sn;
	if ((rc = eseal_der_get_bits(&bits, &sv, &sn)) || sn < 8 || sn > 80)
		return rc ? rc : bad("signature", &bits);
	eseal_der_iter_init(&ic, &c0);
	if (eseal_der_next(&ic, &cseq) != 1 || cseq.tag != ESEAL_DER_SEQUENCE || eseal_der_next(&ic, &x) != 0)
		return bad("certs", &c0);
	int nc = eseal_der_count(&cseq);
	if (nc < 1 || nc > ESEAL_STATUS_MAX_CERTS)
		return bad("number of certificates", &cseq);
	if (!sig)
		return 0;
	eseal_status_signed *s = calloc(1, sizeof *s);
	if (!s || !(s->tbs = malloc(tbs->tlv_len)) || !(s->sig = malloc(sn))) {
		eseal_status_signed_free(s);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	memcpy(s->tbs, tbs->tlv, tbs->tlv_len);
	s->tbs_len = tbs->tlv_len;
	memcpy(s->sig, sv, sn);
	s->sig_len = sn;
	eseal_der_iter_init(&ic, &cseq);
	while ((rc = eseal_der_next(&ic, &x)) == 1) {
		if (x.tag != ESEAL_DER_SEQUENCE ||
		    eseal_cert_parse(&s->certs[s->ncerts], x.tlv, x.tlv_len)) {
			size_t bad_one = s->ncerts + 1;
			eseal_status_signed_free(s);
			return eseal_error_set(ESEAL_EFORMAT, "status: certificate %zu does not parse", bad_one);
		}
		s->ncerts++;
	}
	*sig = s;
	return 0;
}

int eseal_status_sniff(const uint8_t *der, size_t len)
{
	eseal_der top, tbs, v, second;
	eseal_der_iter it;
	if (eseal_der_read(&top, der, len, 0) || top.tag != ESEAL_DER_SEQUENCE)
		return 0;
	eseal_der_iter_init(&it, &top);
	if (eseal_der_next(&it, &tbs) != 1 || tbs.tag != ESEAL_DER_SEQUENCE)
		return 0;
	eseal_der_iter_init(&it, &tbs);
	if (eseal_der_next(&it, &v) != 1 || v.tag != ESEAL_DER_INTEGER || eseal_der_next(&it, &second) != 1)
		return 0;
	return second.tag == STATUS_DER_ENUM ? 1 : second.tag == ESEAL_DER_IA5STRING ? 2 : 0;
}

static int need(eseal_der_iter *it, eseal_der *e, const char *what)
{
	int rc = eseal_der_next(it, e);
	if (rc < 0)
		return rc;
	return rc == 1 ? 0 : eseal_error_set(ESEAL_EFORMAT, "status: missing %s", what);
}

int eseal_status_answer_parse(const uint8_t *der, size_t len, eseal_status_answer *a,
			      eseal_status_signed **sig)
{
	eseal_der tbs, e;
	eseal_der_iter it;
	int64_t v;
	memset(a, 0, sizeof *a);
	int rc = read_outer(der, len, &tbs, NULL);
	if (rc)
		return rc;
	eseal_der_iter_init(&it, &tbs);
	if ((rc = need(&it, &e, "version")) || (rc = get_uint(&e, ESEAL_DER_INTEGER, 1, &v, "version")) ||
	    (v != 1 && (rc = bad("version", &e))))
		return rc;
	if ((rc = need(&it, &e, "esID")) || (rc = get_esid(&e, a->esid)))
		return rc;
	if ((rc = need(&it, &e, "status")) || (rc = get_uint(&e, STATUS_DER_ENUM, ESEAL_SEAL_UNKNOWN, &v, "status")))
		return rc;
	a->state = (eseal_seal_state)v;
	if ((rc = need(&it, &e, "thisUpdate")))
		return rc;
	int revoked = a->state == ESEAL_SEAL_LOST || a->state == ESEAL_SEAL_CANCELLED ||
		      a->state == ESEAL_SEAL_EXPIRED;
	if (e.tag == ESEAL_DER_CTX_PRIM(0)) {
		if (!revoked)
			return bad("revocationTime for this status", &e);
		if ((rc = get_time(&e, e.tag, &a->revocation_time, "revocationTime")) ||
		    (rc = need(&it, &e, "thisUpdate")))
			return rc;
	} else if (revoked) {
		return bad("missing revocationTime", &e);
	}
	if (e.tag == ESEAL_DER_CTX_PRIM(1)) {
		if ((rc = get_reason(&e, e.tag, a->reason)) || (rc = need(&it, &e, "thisUpdate")))
			return rc;
	}
	if ((rc = get_time(&e, ESEAL_DER_GENERALIZEDTIME, &a->this_update, "thisUpdate")) ||
	    (rc = need(&it, &e, "nextUpdate")) ||
	    (rc = get_time(&e, ESEAL_DER_GENERALIZEDTIME, &a->next_update, "nextUpdate")))
		return rc;
	if (a->next_update < a->this_update)
		return bad("nextUpdate before thisUpdate", &e);
	rc = eseal_der_next(&it, &e);
	if (rc == 1) {
		if ((rc = get_time(&e, ESEAL_DER_CTX_PRIM(2), &a->at, "requestedTime")))
			return rc;
		rc = eseal_der_next(&it, &e);
		if (rc == 1)
			return bad("trailing element", &e);
	}
	if (rc < 0)
		return rc;
	return sig ? read_outer(der, len, &tbs, sig) : 0;
}

int eseal_srl_parse(const uint8_t *der, size_t len, eseal_srl *l, eseal_status_signed **sig)
{
	eseal_der tbs, e, ents, ent, x;
	eseal_der_iter it, ie, ii;
	int64_t v;
	eseal_srl_init(l);
	int rc = read_outer(der, len, &tbs, NULL);
	if (rc)
		return rc;
	eseal_der_iter_init(&it, &tbs);
	if ((rc = need(&it, &e, "version")) || (rc = get_uint(&e, ESEAL_DER_INTEGER, 1, &v, "version")) ||
	    (v != 1 && (rc = bad("version", &e))))
		return rc;
	if ((rc = need(&it, &e, "kind")) || (rc = get_uint(&e, STATUS_DER_ENUM, 1, &v, "kind")))
		return rc;
	l->delta = (int)v;
	if ((rc = need(&it, &e, "number")) || (rc = get_uint(&e, ESEAL_DER_INTEGER, INT64_MAX, &l->number, "number")))
		return rc;
	if (l->number < 1)
		return bad("number", &e);
	if ((rc = need(&it, &e, "thisUpdate")))
		return rc;
	if (e.tag == ESEAL_DER_CTX_PRIM(0)) {
		if (!l->delta)
			return bad("baseNumber in a full list", &e);
		if ((rc = get_uint(&e, e.tag, INT64_MAX, &l->base_number, "baseNumber")) ||
		    (rc = need(&it, &e, "thisUpdate")))
			return rc;
		if (l->base_number < 1 || l->base_number >= l->number)
			return bad("baseNumber", &e);
	} else if (l->delta) {
		return bad("missing baseNumber", &e);
	}
	if ((rc = get_time(&e, ESEAL_DER_GENERALIZEDTIME, &l->this_update, "thisUpdate")) ||
	    (rc = need(&it, &e, "nextUpdate")) ||
	    (rc = get_time(&e, ESEAL_DER_GENERALIZEDTIME, &l->next_update, "nextUpdate")))
		return rc;
	if (l->next_update < l->this_update)
		return bad("nextUpdate before thisUpdate", &e);
	if ((rc = eseal_der_expect(&it, &ents, ESEAL_DER_SEQUENCE, "entries")))
		return rc;
	if (eseal_der_next(&it, &x) != 0)
		return bad("trailing element", &x);
	int count = eseal_der_count(&ents);
	if (count < 0 || count > ESEAL_SRL_MAX_ENTRIES)
		return eseal_error_set(ESEAL_ELIMIT, "status: more than %d list entries", ESEAL_SRL_MAX_ENTRIES);
	if (count && !(l->entries = calloc((size_t)count, sizeof *l->entries)))
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	l->cap = (size_t)count;
	eseal_der_iter_init(&ie, &ents);
	while ((rc = eseal_der_next(&ie, &ent)) == 1) {
		eseal_srl_entry *en = &l->entries[l->n];
		char reason[ESEAL_STATUS_REASON_MAX + 1];
		if (ent.tag != ESEAL_DER_SEQUENCE) {
			rc = bad("entry", &ent);
			break;
		}
		eseal_der_iter_init(&ii, &ent);
		if ((rc = need(&ii, &e, "entry esID")) || (rc = get_esid(&e, en->esid)) ||
		    (rc = need(&ii, &e, "entry status")) ||
		    (rc = get_uint(&e, STATUS_DER_ENUM, ESEAL_SEAL_LIFTED, &v, "entry status")))
			break;
		en->state = (eseal_seal_state)v;
		if (!(v == ESEAL_SEAL_LOST || v == ESEAL_SEAL_CANCELLED || (l->delta && v == ESEAL_SEAL_LIFTED))) {
			rc = bad("entry status", &e);
			break;
		}
		if ((rc = need(&ii, &e, "entry revocationTime")) ||
		    (rc = get_time(&e, ESEAL_DER_GENERALIZEDTIME, &en->revocation_time, "entry revocationTime")))
			break;
		rc = eseal_der_next(&ii, &e);
		if (rc == 1) {
			if ((rc = get_reason(&e, ESEAL_DER_CTX_PRIM(0), reason)))
				break;
			if (!(en->reason = strdup(reason))) {
				rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
				break;
			}
			rc = eseal_der_next(&ii, &e);
			if (rc == 1) {
				rc = bad("trailing entry element", &e);
				break;
			}
		}
		if (rc < 0)
			break;
		l->n++;
		if (l->n > 1 && strcmp(l->entries[l->n - 2].esid, en->esid) >= 0) {
			rc = bad("entry order (esIDs must be sorted and unique)", &ent);
			break;
		}
	}
	if (!rc && sig)
		rc = read_outer(der, len, &tbs, sig);
	if (rc)
		eseal_srl_clear(l);
	return rc;
}
