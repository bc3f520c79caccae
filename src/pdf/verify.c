/*
 * verify.c - `eseal verify` for PDF: finds every document signature (the
 * /Sig fields of every revision), then per signature checks the ByteRange
 * and /Contents rules, the CMS or SES_Signature, the seal (/ESealSeal or the
 * one inside the SES_Signature), the certificate chains, and what later
 * revisions changed. The report says which revision each signature covers.
 * This file must never report a signature as passed from the newest
 * revision's view alone, nor without a trust anchor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eseal/cms.h"
#include "eseal/crypto.h"
#include "eseal/ses.h"
#include "eseal/tsa.h"
#include "pdf/verify_internal.h"

#define MAX_SIGS 256

typedef struct sigset {
	pdfv_sig v[MAX_SIGS];
	size_t n;
} sigset;

static int seen(const sigset *ss, uint32_t num)
{
	for (size_t i = 0; i < ss->n; i++)
		if (ss->v[i].num == num)
			return 1;
	return 0;
}

/* Walks the field tree of one revision for /FT /Sig fields with a value. */
static void walk_fields(eseal_pdf *pdf, size_t rev, const eseal_pdf_val *arr, int depth,
			int sig_inherited, sigset *ss, eseal_report *r)
{
	if (!arr || arr->type != ESEAL_PDF_ARRAY || depth > 32)
		return;
	for (size_t i = 0; i < arr->u.a.n && i < 100000; i++) {
		const eseal_pdf_val *ref = arr->u.a.v[i];
		const eseal_pdf_val *f = pdfv_resolve_at(pdf, rev, ref);
		if (!f || f->type != ESEAL_PDF_DICT)
			continue;
		const eseal_pdf_val *ft = pdfv_get_at(pdf, rev, f, "FT");
		int is_sig = ft ? pdf_is_name(ft, "Sig") : sig_inherited;
		const eseal_pdf_val *v = pdf_dict_get(f, "V");
		if (is_sig && v) {
			if (v->type != ESEAL_PDF_REF) {
				eseal_report_warning(r, "a signature field holds its signature dictionary directly "
						     "(not as an object): it cannot be verified");
			} else if (!seen(ss, v->u.ref.num) && ss->n < MAX_SIGS) {
				pdfv_sig *s = &ss->v[ss->n];
				memset(s, 0, sizeof *s);
				s->num = v->u.ref.num;
				s->field = ref->type == ESEAL_PDF_REF ? ref->u.ref.num : 0;
				ss->n++;
			}
		}
		walk_fields(pdf, rev, pdfv_get_at(pdf, rev, f, "Kids"), depth + 1, is_sig, ss, r);
	}
}

static void find_signatures(eseal_pdf *pdf, sigset *ss, eseal_report *r)
{
	size_t nrev = pdf->nrevs ? pdf->nrevs : 1;
	for (size_t rev = nrev; rev-- > 0;) {
		const eseal_pdf_val *tr = pdfv_trailer_at(pdf, rev);
		const eseal_pdf_val *cat = tr ? pdfv_get_at(pdf, rev, tr, "Root") : NULL;
		const eseal_pdf_val *af = cat ? pdfv_get_at(pdf, rev, cat, "AcroForm") : NULL;
		size_t before = ss->n;
		walk_fields(pdf, rev, af ? pdfv_get_at(pdf, rev, af, "Fields") : NULL, 0, 0, ss, r);
		for (size_t i = before; i < ss->n; i++) {
			const eseal_pdf_val *d = NULL;
			eseal_pdf_object_at(pdf, rev, ss->v[i].num, &d);
			ss->v[i].dict = d;
		}
	}
}

/* Oldest signed revision first (unparseable ranges last). */
static int cmp_sig(const void *x, const void *y)
{
	const pdfv_sig *a = x, *b = y;
	int64_t ea = a->br_ok ? a->br[2] + a->br[3] : INT64_MAX;
	int64_t eb = b->br_ok ? b->br[2] + b->br[3] : INT64_MAX;
	return ea < eb ? -1 : ea > eb ? 1 : (a->num > b->num) - (a->num < b->num);
}

static const char *str_of(eseal_pdf *pdf, const eseal_pdf_val *d, const char *key, char *buf, size_t n)
{
	const eseal_pdf_val *v = d ? eseal_pdf_resolve(pdf, pdf_dict_get(d, key)) : NULL;
	size_t len;
	const uint8_t *p = v ? eseal_pdf_val_string(v, &len) : NULL;
	if (!p)
		return NULL;
	/* text strings (PDF 7.9.2.2): UTF-16BE with a BOM, UTF-8 with a BOM,
	 * else PDFDocEncoding (read as Latin-1); shown as UTF-8, controls as '?' */
	size_t o = 0;
	int utf16 = len >= 2 && p[0] == 0xfe && p[1] == 0xff;
	int utf8 = len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf;
	for (size_t i = utf16 ? 2 : utf8 ? 3 : 0; i < len;) {
		uint32_t cp;
		if (utf16) {
			if (i + 1 >= len)
				break;
			cp = (uint32_t)p[i] << 8 | p[i + 1];
			i += 2;
			if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < len) {
				uint32_t lo = (uint32_t)p[i] << 8 | p[i + 1];
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 2;
				}
			}
		} else if (utf8 && p[i] >= 0x80) {
			/* copy one well-formed sequence as it is */
			size_t k = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : p[i] >= 0xc0 ? 2 : 1, j = 1;
			while (j < k && i + j < len && (p[i + j] & 0xc0) == 0x80)
				j++;
			if (k == 1 || j != k || o + k >= n) {
				if (o + 1 < n)
					buf[o++] = '?';
				i += j;
				continue;
			}
			memcpy(buf + o, p + i, k);
			o += k;
			i += k;
			continue;
		} else {
			cp = p[i++];
		}
		if (cp < 0x20 || cp == 0x7f || (cp >= 0xd800 && cp < 0xe000))
			cp = '?';
		uint8_t u[4];
		size_t k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (k == 1) {
			u[0] = (uint8_t)cp;
		} else {
			for (size_t j = k - 1; j > 0; j--, cp >>= 6)
				u[j] = (uint8_t)(0x80 | (cp & 0x3f));
			u[0] = (uint8_t)((k == 2 ? 0xc0 : k == 3 ? 0xe0 : 0xf0) | cp);
		}
		if (o + k >= n)
			break;
		memcpy(buf + o, u, k);
		o += k;
	}
	buf[o] = 0;
	return buf;
}

/* PDF date "D:YYYYMMDDHHmmSS+HH'mm'" to UTC (0 when unreadable). */
static time_t pdf_date(const char *s)
{
	if (!s)
		return 0;
	if (!strncmp(s, "D:", 2))
		s += 2;
	int f[6] = { 0, 1, 1, 0, 0, 0 }, w[6] = { 4, 2, 2, 2, 2, 2 };
	for (int i = 0; i < 6; i++) {
		if (s[0] < '0' || s[0] > '9') {
			if (i == 0)
				return 0;
			break;
		}
		int v = 0;
		for (int k = 0; k < w[i]; k++, s++) {
			if (*s < '0' || *s > '9')
				return 0;
			v = v * 10 + (*s - '0');
		}
		f[i] = v;
	}
	struct tm tm = { .tm_year = f[0] - 1900, .tm_mon = f[1] - 1, .tm_mday = f[2],
			 .tm_hour = f[3], .tm_min = f[4], .tm_sec = f[5] };
	time_t t = timegm(&tm);
	if (*s == '+' || *s == '-') {
		int sign = *s == '+' ? 1 : -1, hh = 0, mm = 0;
		if (sscanf(s + 1, "%2d'%2d", &hh, &mm) < 1)
			return t;
		t -= sign * (hh * 3600 + mm * 60);
	}
	return t;
}

static void fmt_time(time_t t, char *buf, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* page and position of the signature's widget */
static void widget_facts(eseal_pdf *pdf, const pdfv_sig *s, eseal_report_item *it)
{
	const eseal_pdf_val *f = NULL;
	if (!s->field || eseal_pdf_object(pdf, s->field, &f) || !f || f->type != ESEAL_PDF_DICT)
		return;
	const eseal_pdf_val *w = f;
	if (!pdf_dict_get(f, "Rect")) {
		const eseal_pdf_val *kids = eseal_pdf_resolve(pdf, pdf_dict_get(f, "Kids"));
		w = kids && kids->type == ESEAL_PDF_ARRAY && kids->u.a.n ?
			eseal_pdf_resolve(pdf, kids->u.a.v[0]) : NULL;
	}
	const eseal_pdf_val *rect = w ? eseal_pdf_resolve(pdf, pdf_dict_get(w, "Rect")) : NULL;
	uint32_t pnum = w ? pdfv_ref_num(w, "P") : 0;
	size_t np = 0, page = 0;
	eseal_pdf_page_info pi;
	eseal_pdf_page_count(pdf, &np);
	for (size_t i = 0; i < np && !page; i++)
		if (!eseal_pdf_page(pdf, i, &pi)) {
			const eseal_pdf_val *an = eseal_pdf_resolve(pdf, pdf_dict_get(pi.dict, "Annots"));
			if (pi.num == pnum)
				page = i + 1;
			for (size_t k = 0; !page && an && an->type == ESEAL_PDF_ARRAY && k < an->u.a.n; k++) {
				uint32_t n2;
				uint16_t g2;
				if (an->u.a.v[k]->type != ESEAL_PDF_REF)
					continue;
				eseal_pdf_val_ref(an->u.a.v[k], &n2, &g2);
				if (n2 == s->field)
					page = i + 1;
			}
		}
	double rc[4] = { 0 };
	int ok = rect && rect->type == ESEAL_PDF_ARRAY && rect->u.a.n == 4;
	for (int i = 0; ok && i < 4; i++)
		ok = pdf_num(rect->u.a.v[i], &rc[i]);
	if (!ok || (rc[2] - rc[0] == 0 && rc[3] - rc[1] == 0)) {
		eseal_item_fact(it, "position", "invisible (no appearance on a page)");
		if (page)
			eseal_item_fact(it, "page", "%zu", page);
		return;
	}
	if (!page || eseal_pdf_page(pdf, page - 1, &pi)) {
		eseal_item_fact(it, "position", "rect %.1f %.1f %.1f %.1f (pt, page unknown)", rc[0], rc[1], rc[2], rc[3]);
		return;
	}
	double k = 25.4 / 72.0;
	double x0 = rc[0] < rc[2] ? rc[0] : rc[2], x1 = rc[0] < rc[2] ? rc[2] : rc[0];
	double y0 = rc[1] < rc[3] ? rc[1] : rc[3], y1 = rc[1] < rc[3] ? rc[3] : rc[1];
	eseal_item_fact(it, "page", "%zu", page);
	eseal_item_fact(it, "position", "x=%.1fmm y=%.1fmm %.1fx%.1fmm", (x0 - pi.crop[0]) * k,
			(pi.crop[3] - y1) * k, (x1 - x0) * k, (y1 - y0) * k);
}

/* The two ranges the ByteRange covers, hashed in place (never copied:
 * the file may be hundreds of megabytes). */
static void signed_parts(eseal_pdf *pdf, const pdfv_sig *s, const void *parts[2], size_t lens[2])
{
	parts[0] = pdf->data;
	lens[0] = (size_t)s->br[1];
	parts[1] = pdf->data + s->br[2];
	lens[1] = (size_t)s->br[3];
}

static void seal_checks(eseal_pdf *pdf, const pdfv_sig *s, const eseal_cms *c, const eseal_trust *trust,
			time_t at, eseal_report_item *it)
{
	const eseal_pdf_val *v = eseal_pdf_resolve(pdf, pdf_dict_get(s->dict, "ESealSeal"));
	size_t len;
	if (!v || v->type == ESEAL_PDF_NULL)
		return;
	const uint8_t *der = eseal_pdf_val_string(v, &len);
	eseal_seal *seal = NULL;
	if (!der || eseal_seal_parse(&seal, der, len)) {
		eseal_item_check(it, "seal_format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "/ESealSeal is not a readable SESeal: %s", eseal_error_last());
		return;
	}
	eseal_seal_verify(seal, trust, at, it);
	size_t clen;
	const uint8_t *cert = eseal_cms_signer_cert(c, &clen);
	if (cert && eseal_seal_allows_signer(seal, cert, clen))
		eseal_item_check(it, "signer_in_seal", ESEAL_CHECK_PASSED, NULL,
				 "the CMS signer's certificate is in the seal's certificate list");
	else
		eseal_item_check(it, "signer_in_seal", ESEAL_CHECK_FAILED, ESEAL_SUB_SIGNER_NOT_IN_SEAL,
				 "the CMS signer's certificate is not in the seal's certificate list");
	eseal_seal_free(seal);
}

static void cms_checks(eseal_pdf *pdf, const pdfv_sig *s, const eseal_trust *trust, eseal_report_item *it)
{
	eseal_cms *c = NULL;
	if (eseal_cms_parse(&c, s->contents, s->der_len)) {
		eseal_item_check(it, "cms_signature", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "/Contents is not a CMS SignedData: %s", eseal_error_last());
		return;
	}
	const void *parts[2];
	size_t lens[2];
	uint8_t dg[64];
	size_t dl = sizeof dg;
	signed_parts(pdf, s, parts, lens);
	if (eseal_cms_digest_parts(c, parts, lens, 2, dg, &dl)) {
		eseal_item_check(it, "data_hash", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "cannot compute the %s digest of the signed bytes: %s",
				 eseal_cms_digest_name(c), eseal_error_last());
		goto done;
	}
	char buf[64];
	/* a valid signature time-stamp is the proven signing time */
	time_t at = eseal_tst_check_cms(c, trust, it);
	if (!at)
		at = eseal_cms_signing_time(c);
	if (!at)
		at = pdf_date(str_of(pdf, s->dict, "M", buf, sizeof buf));
	if (!at)
		at = time(NULL);
	eseal_cms_verify(c, dg, dl, trust, at, it);
	if (eseal_item_check_status(it, "signer_chain") < 0)
		eseal_item_check(it, "signer_chain", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NO_TRUST_ANCHOR,
				 "the signer's certificate chain was not checked");
	if (!eseal_item_fact_get(it, "time")) {
		char ts[32];
		fmt_time(at, ts, sizeof ts);
		eseal_item_fact(it, "time", "%s", ts);
	}
	seal_checks(pdf, s, c, trust, at, it);
done:
	eseal_cms_free(c);
}

static void ses_checks(eseal_pdf *pdf, const pdfv_sig *s, const eseal_trust *trust, eseal_report_item *it)
{
	eseal_sessig *g = NULL;
	if (eseal_sessig_parse(&g, s->contents, s->der_len)) {
		eseal_item_check(it, "format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "/Contents is not a SES_Signature: %s", eseal_error_last());
		return;
	}
	const void *parts[2];
	size_t lens[2];
	uint8_t h[ESEAL_SM3_LEN];
	eseal_sm3_ctx *x = NULL;
	signed_parts(pdf, s, parts, lens);
	if (eseal_sm3_new(&x)) {
		eseal_item_check(it, "data_hash", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE, "out of memory");
	} else {
		eseal_sm3_update(x, parts[0], lens[0]);
		eseal_sm3_update(x, parts[1], lens[1]);
		eseal_sm3_final(x, h);
		eseal_sessig_verify(g, h, sizeof h, trust, it);
	}
	eseal_sm3_free(x);
	eseal_sessig_free(g);
}

static void verify_one(eseal_pdf *pdf, pdfv_sig *s, int mdp_p, uint32_t mdp_sig, size_t mdp_rev,
		       const eseal_trust *trust, eseal_report_item *it)
{
	char buf[256];
	const char *v;
	const eseal_pdf_val *f = NULL;
	if (s->field && !eseal_pdf_object(pdf, s->field, &f) && (v = str_of(pdf, f, "T", buf, sizeof buf)))
		eseal_item_fact(it, "field", "%s", v);
	const eseal_pdf_val *sf = eseal_pdf_resolve(pdf, pdf_dict_get(s->dict, "SubFilter"));
	const char *subfilter = eseal_pdf_val_name(sf);
	eseal_item_fact(it, "sub_filter", "%s", *subfilter ? subfilter : "(none)");
	if (s->num == mdp_sig)
		eseal_item_fact(it, "certification", "DocMDP P=%d", mdp_p);
	if ((v = str_of(pdf, s->dict, "Name", buf, sizeof buf)))
		eseal_item_fact(it, "name", "%s", v);
	if ((v = str_of(pdf, s->dict, "Reason", buf, sizeof buf)))
		eseal_item_fact(it, "reason", "%s", v);
	if ((v = str_of(pdf, s->dict, "Location", buf, sizeof buf)))
		eseal_item_fact(it, "location", "%s", v);
	widget_facts(pdf, s, it);

	pdfv_check_range(pdf, s, it);
	if (s->br_ok && s->range_ok) {
		eseal_item_fact(it, "signed_revision", "%zu of %zu", s->rev + 1, pdf->nrevs);
		eseal_item_fact(it, "covers_whole_file", "%s",
				s->rev + 1 == pdf->nrevs && (uint64_t)(s->br[2] + s->br[3]) == pdf->len ? "yes" : "no");
	}
	if (!s->range_ok)
		goto out;
	pdfv_check_contents(s, it);
	if (s->der_len) {
		if (!strcmp(subfilter, "adbe.pkcs7.detached") || !strcmp(subfilter, "ETSI.CAdES.detached"))
			cms_checks(pdf, s, trust, it);
		else if (!strcmp(subfilter, "ESEAL.SES.V4") || !strcmp(subfilter, "ESEAL.SES"))
			ses_checks(pdf, s, trust, it);
		else
			eseal_item_check(it, "cms_signature", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
					 "/SubFilter /%s is not supported", *subfilter ? subfilter : "(none)");
	}
	/* a certification binds every revision after its own */
	pdfv_check_diff(pdf, s, mdp_sig && mdp_rev <= s->rev ? mdp_p : 0, it);
out:
	eseal_item_conclude(it);
}

int eseal_pdf_verify(const char *path, const eseal_trust *trust, eseal_report **out)
{
	*out = NULL;
	eseal_pdf *pdf = NULL;
	int rc = eseal_pdf_load(&pdf, path);
	if (rc)
		return rc;
	eseal_report *r = NULL;
	const char *base = strrchr(path, '/');
	if ((rc = eseal_report_new(&r, "pdf", base ? base + 1 : path))) {
		eseal_pdf_free(pdf);
		return rc;
	}
	sigset *ss = calloc(1, sizeof *ss);
	if (!ss) {
		eseal_report_free(r);
		eseal_pdf_free(pdf);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	size_t npages = 0;
	eseal_pdf_page_count(pdf, &npages);
	eseal_report_fact(r, "format", "PDF");
	eseal_report_fact(r, "pages", "%zu", npages);
	eseal_report_fact(r, "revisions", "%zu", pdf->nrevs);
	eseal_pdf_crypt_info ci;
	if (!eseal_pdf_crypt_info_get(pdf, &ci) && ci.encrypted)
		eseal_report_fact(r, "encrypted", "%s", ci.method ? ci.method : "yes");
	if (pdf->recovered)
		eseal_report_warning(r, "the cross-reference data is damaged and was rebuilt by scanning the file");

	find_signatures(pdf, ss, r);
	/* usage-rights signatures (/Perms /UR3) are not document signatures */
	size_t n = 0, nur = 0;
	for (size_t i = 0; i < ss->n; i++) {
		if (pdfv_is_usage_rights(pdf, ss->v[i].num)) {
			nur++;
			continue;
		}
		ss->v[n++] = ss->v[i];
	}
	const eseal_pdf_val *cat = eseal_pdf_catalog(pdf);
	const eseal_pdf_val *perms = cat ? eseal_pdf_resolve(pdf, pdf_dict_get(cat, "Perms")) : NULL;
	if (perms && perms->type == ESEAL_PDF_DICT && (pdf_dict_get(perms, "UR3") || pdf_dict_get(perms, "UR")))
		nur += nur ? 0 : 1;
	if (nur)
		eseal_report_warning(r, "the document carries a usage-rights signature (/Perms /UR3): it grants "
				     "viewer features and is not a document signature, so it is not verified");
	ss->n = n;
	/* ranges first, to order the signatures by the revision they sign */
	for (size_t i = 0; i < ss->n; i++) {
		const eseal_pdf_val *br = eseal_pdf_resolve(pdf, pdf_dict_get(ss->v[i].dict, "ByteRange"));
		if (br && br->type == ESEAL_PDF_ARRAY && br->u.a.n == 4) {
			ss->v[i].br_ok = 1;
			for (int k = 0; k < 4; k++)
				ss->v[i].br[k] = eseal_pdf_val_int(br->u.a.v[k]);
		}
	}
	if (ss->n > 1)
		qsort(ss->v, ss->n, sizeof *ss->v, cmp_sig);
	uint32_t mdp_sig = 0;
	int mdp_p = pdfv_docmdp(pdf, &mdp_sig);
	size_t mdp_rev = SIZE_MAX;
	/* the certification's own revision decides from where P applies */
	for (size_t i = 0; mdp_sig && i < ss->n; i++)
		for (size_t k = 0; ss->v[i].num == mdp_sig && ss->v[i].br_ok && k < pdf->nrevs; k++)
			if (ss->v[i].br[2] + ss->v[i].br[3] == (int64_t)pdf->revs[k].end)
				mdp_rev = k;
	if (mdp_sig && mdp_rev == SIZE_MAX)
		mdp_rev = 0;
	eseal_report_fact(r, "signatures", "%zu", ss->n);
	if (mdp_p)
		eseal_report_fact(r, "certified", "DocMDP P=%d", mdp_p);
	for (size_t i = 0; i < ss->n; i++) {
		pdfv_sig *s = &ss->v[i];
		s->br_ok = 0;
		char id[32];
		snprintf(id, sizeof id, "signature %zu", i + 1);
		eseal_report_item *it = eseal_report_add(r, id);
		if (!it) {
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			break;
		}
		verify_one(pdf, s, mdp_p, mdp_sig, mdp_rev, trust, it);
		free(s->contents);
		s->contents = NULL;
	}
	free(ss);
	eseal_pdf_free(pdf);
	if (rc) {
		eseal_report_free(r);
		return rc;
	}
	*out = r;
	return 0;
}
