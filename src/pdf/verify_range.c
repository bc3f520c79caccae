/*
 * verify_range.c - the exact ByteRange and /Contents rules of a PDF
 * signature: the range is [0 a b c] with b + c the end of one revision, and
 * bytes a..b are exactly the hex /Contents string of this very signature
 * dictionary as written in that revision (defeats signature wrapping);
 * /Contents holds one DER object and then only zero bytes. This file must
 * never accept a range whose gap holds anything but that string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/verify_internal.h"

/* ---- values as of a revision ---- */

/* Sections (newest first) that belong to revision rev or older. */
static int sec_in_rev(const eseal_pdf *pdf, const pdf_section *s, size_t rev)
{
	return s->end <= pdf->revs[rev].end;
}

const eseal_pdf_val *pdfv_trailer_at(const eseal_pdf *pdf, size_t rev)
{
	if (!pdf->nsecs || rev >= pdf->nrevs || rev == pdf->nrevs - 1)
		return pdf->trailer;
	for (size_t i = 0; i < pdf->nsecs; i++)
		if (sec_in_rev(pdf, &pdf->secs[i], rev) && pdf->secs[i].trailer &&
		    pdf_dict_get(pdf->secs[i].trailer, "Root"))
			return pdf->secs[i].trailer;
	return NULL;
}

int pdfv_offset_at(const eseal_pdf *pdf, size_t rev, uint32_t num, uint64_t *off, int *in_objstm)
{
	if (!pdf->nsecs) {
		uint16_t gen;
		return eseal_pdf_object_offset(pdf, num, off, &gen, in_objstm);
	}
	for (size_t i = 0; i < pdf->nsecs; i++) {
		const pdf_section *s = &pdf->secs[i];
		if (rev < pdf->nrevs && !sec_in_rev(pdf, s, rev))
			continue;
		for (size_t lo = 0, hi = s->nents; lo < hi;) {
			size_t mid = lo + (hi - lo) / 2;
			if (s->ents[mid].num < num) {
				lo = mid + 1;
			} else if (s->ents[mid].num > num) {
				hi = mid;
			} else {
				const pdf_xent *e = &s->ents[mid];
				if (e->type != XREF_OFFSET && e->type != XREF_COMPRESSED)
					return ESEAL_ENOTFOUND;
				*off = e->off;
				*in_objstm = e->type == XREF_COMPRESSED;
				return 0;
			}
		}
	}
	return ESEAL_ENOTFOUND;
}

const eseal_pdf_val *pdfv_resolve_at(eseal_pdf *pdf, size_t rev, const eseal_pdf_val *v)
{
	for (int i = 0; v && v->type == ESEAL_PDF_REF && i < 16; i++) {
		const eseal_pdf_val *o;
		if (eseal_pdf_object_at(pdf, rev, v->u.ref.num, &o))
			return NULL;
		v = o;
	}
	return v && v->type != ESEAL_PDF_REF ? v : NULL;
}

const eseal_pdf_val *pdfv_get_at(eseal_pdf *pdf, size_t rev, const eseal_pdf_val *d, const char *key)
{
	return d ? pdfv_resolve_at(pdf, rev, pdf_dict_get(d, key)) : NULL;
}

uint32_t pdfv_ref_num(const eseal_pdf_val *d, const char *key)
{
	const eseal_pdf_val *v = d ? pdf_dict_get(d, key) : NULL;
	return v && v->type == ESEAL_PDF_REF ? v->u.ref.num : 0;
}

/* ---- ByteRange ---- */


/*
 * Finds where the value of /Contents of object num starts and ends in the
 * bytes of revision rev, lexing the object as written (never a re-encoding).
 */
static int contents_span(eseal_pdf *pdf, size_t rev, uint32_t num, size_t *vs, size_t *ve,
			 char *why, size_t whylen)
{
	uint64_t off;
	int in_objstm;
	if (pdfv_offset_at(pdf, rev, num, &off, &in_objstm)) {
		snprintf(why, whylen, "object %u is not in revision %zu", num, rev + 1);
		return -1;
	}
	if (in_objstm || off >= pdf->len) {
		snprintf(why, whylen, "signature dictionary %u is inside an object stream", num);
		return -1;
	}
	size_t lim = pdf->revs[rev].end <= pdf->len ? pdf->revs[rev].end : pdf->len;
	pdf_lex lx = { .p = pdf->data, .len = lim, .pos = off };
	pdf_tok t1 = pdf_lex_next(&lx), t2 = pdf_lex_next(&lx), t3 = pdf_lex_next(&lx);
	if (t1.type != TK_INT || t1.i != num || t2.type != TK_INT || t3.type != TK_KEYWORD ||
	    !pdf_tok_is(&lx, &t3, "obj")) {
		snprintf(why, whylen, "object %u is not where the cross-reference says", num);
		return -1;
	}
	pdf_tok t = pdf_lex_next(&lx);
	if (t.type != TK_DICT_OPEN) {
		snprintf(why, whylen, "object %u is not a dictionary", num);
		return -1;
	}
	int found = 0;
	for (int n = 0; n < 4096; n++) {
		t = pdf_lex_next(&lx);
		if (t.type == TK_DICT_CLOSE)
			break;
		if (t.type != TK_NAME) {
			snprintf(why, whylen, "object %u: malformed dictionary", num);
			return -1;
		}
		int is_contents = t.end - t.start == 9 && !memcmp(pdf->data + t.start, "/Contents", 9);
		pdf_lex_skip_space(&lx);
		size_t start = lx.pos;
		eseal_pdf_val *v;
		if (pdf_parse_value(&lx, &pdf->arena, 1, 1, &v)) {
			snprintf(why, whylen, "object %u: malformed value", num);
			return -1;
		}
		if (is_contents) {
			if (found) {
				snprintf(why, whylen, "object %u has /Contents twice", num);
				return -1;
			}
			found = 1;
			*vs = start;
			*ve = lx.pos;
		}
	}
	if (t.type != TK_DICT_CLOSE || !found) {
		snprintf(why, whylen, found ? "object %u: dictionary not closed" :
			 "signature dictionary %u has no /Contents", num);
		return -1;
	}
	return 0;
}

void pdfv_check_range(eseal_pdf *pdf, pdfv_sig *s, eseal_report_item *it)
{
	const eseal_pdf_val *br = eseal_pdf_resolve(pdf, pdf_dict_get(s->dict, "ByteRange"));
	if (!br || br->type != ESEAL_PDF_ARRAY || br->u.a.n != 4) {
		eseal_item_check(it, "byte_range", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "/ByteRange missing or not an array of 4 integers");
		return;
	}
	for (int i = 0; i < 4; i++) {
		const eseal_pdf_val *v = br->u.a.v[i];
		if (v->type != ESEAL_PDF_INT || v->u.i < 0 || (uint64_t)v->u.i > pdf->len) {
			eseal_item_check(it, "byte_range", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
					 "/ByteRange entry %d is not an integer within the file", i + 1);
			return;
		}
		s->br[i] = v->u.i;
	}
	int64_t a = s->br[1], b = s->br[2], c = s->br[3];
	if (s->br[0] != 0 || a < 1 || b < a + 2 || c < 0 || (uint64_t)(b + c) > pdf->len) {
		eseal_item_check(it, "byte_range", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "/ByteRange [%lld %lld %lld %lld] is not [0 a b c] with 0 < a < b and b + c within the file",
				 (long long)s->br[0], (long long)a, (long long)b, (long long)c);
		return;
	}
	s->br_ok = 1;
	size_t rev = SIZE_MAX;
	for (size_t i = 0; i < pdf->nrevs; i++)
		if (pdf->revs[i].end == (uint64_t)(b + c))
			rev = i;
	if (rev == SIZE_MAX) {
		eseal_item_check(it, "byte_range", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "/ByteRange ends at %lld, which is not the end of any revision",
				 (long long)(b + c));
		return;
	}
	s->rev = rev;
	char why[160];
	size_t vs, ve;
	if (contents_span(pdf, rev, s->num, &vs, &ve, why, sizeof why)) {
		eseal_item_check(it, "byte_range", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE, "%s", why);
		return;
	}
	if (vs != (size_t)a || ve != (size_t)b || pdf->data[a] != '<' || pdf->data[b - 1] != '>') {
		eseal_item_check(it, "byte_range", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "the gap %lld..%lld is not the hex /Contents string of signature dictionary %u "
				 "(it is at %zu..%zu)", (long long)a, (long long)b, s->num, vs, ve);
		return;
	}
	/* decode the gap ourselves: the string of a signature dictionary is
	 * never encrypted, and only these exact bytes are what was excluded */
	size_t nhex = 0;
	s->contents = malloc((size_t)(b - a) / 2 + 1);
	if (!s->contents) {
		eseal_item_check(it, "byte_range", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE, "out of memory");
		return;
	}
	int hi = -1;
	for (int64_t i = a + 1; i < b - 1; i++) {
		uint8_t ch = pdf->data[i];
		if (pdf_is_space(ch))
			continue;
		int h = eseal_hex_digit(ch);
		if (h < 0) {
			eseal_item_check(it, "byte_range", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
					 "byte %lld of /Contents is not a hex digit", (long long)i);
			return;
		}
		nhex++;
		if (hi < 0) {
			hi = h;
		} else {
			s->contents[s->ncontents++] = (uint8_t)(hi << 4 | h);
			hi = -1;
		}
	}
	if (hi >= 0) {
		eseal_item_check(it, "byte_range", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "/Contents has an odd number (%zu) of hex digits", nhex);
		return;
	}
	s->range_ok = 1;
	eseal_item_check(it, "byte_range", ESEAL_CHECK_PASSED, NULL,
			 "[0 %lld %lld %lld]: revision %zu of %zu minus exactly its /Contents",
			 (long long)a, (long long)b, (long long)c, rev + 1, pdf->nrevs);
}

void pdfv_check_contents(pdfv_sig *s, eseal_report_item *it)
{
	const uint8_t *p = s->contents;
	size_t n = s->ncontents, hl, len = 0;
	if (n < 2 || p[0] != 0x30) {
		eseal_item_check(it, "contents_format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 n ? "/Contents does not start with a DER SEQUENCE" : "/Contents is empty");
		return;
	}
	if (p[1] < 0x80) {
		len = p[1];
		hl = 2;
	} else {
		size_t k = p[1] & 0x7f;
		if (k == 0 || k > 4 || n < 2 + k || p[2] == 0) {
			eseal_item_check(it, "contents_format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
					 k ? "/Contents: bad DER length" : "/Contents uses an indefinite length (not DER)");
			return;
		}
		for (size_t i = 0; i < k; i++)
			len = len << 8 | p[2 + i];
		hl = 2 + k;
		if (len < 0x80 || (k > 1 && len < (1u << 8 * (k - 1)))) {
			eseal_item_check(it, "contents_format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
					 "/Contents: length not in its shortest form (not DER)");
			return;
		}
	}
	if (len > n - hl) {
		eseal_item_check(it, "contents_format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "/Contents: the DER object (%zu bytes) is longer than the string (%zu)", hl + len, n);
		return;
	}
	s->der_len = hl + len;
	for (size_t i = s->der_len; i < n; i++)
		if (p[i]) {
			s->der_len = 0;
			eseal_item_check(it, "contents_format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
					 "/Contents: non-zero byte at %zu after the DER object (%zu bytes)", i, hl + len);
			return;
		}
	eseal_item_check(it, "contents_format", ESEAL_CHECK_PASSED, NULL,
			 "one DER object of %zu bytes and %zu zero bytes of padding", hl + len, n - hl - len);
}
