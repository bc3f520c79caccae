/*
 * verify_diff.c - what changed after a signature: every revision after the
 * signed one is compared object by object with the revision before it, and
 * each change must be on the whitelist (new signature fields and widgets,
 * signature dictionaries, /AcroForm /Fields growth, page /Annots growth,
 * form fill, /DSS, metadata; annotations unless DocMDP forbids them).
 * Anything else (page content or resources, pages added or removed, objects
 * redefined or deleted, catalog entries such as /OpenAction or /OCProperties)
 * fails the check. This file must never decide from the newest revision
 * alone what an older revision contained.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/verify_internal.h"

#define MAX_LISTED 12

typedef struct diffctx {
	eseal_pdf *pdf;
	int p;                  /* DocMDP level, 0 = not certified */
	size_t a, b;            /* compared revisions: b = a + 1 */
	uint32_t root, acroform, fields, info, dss;
	uint32_t *pages_a, *pages_b;
	size_t npa, npb;
	uint32_t *annots;       /* indirect /Annots arrays of pages at a */
	size_t nannots;
	uint32_t sig_ap[256];   /* appearance streams of signature widgets at a */
	size_t nsig_ap;
	eseal_buf bad, note;
	size_t nbad, nnote;
	size_t nannot;          /* annotations other than signature widgets added */
	eseal_buf s1, s2;
} diffctx;

static void add(eseal_buf *list, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(eseal_buf *list, size_t *n, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (*n < MAX_LISTED)
		eseal_buf_printf(list, "%s%s", list->len ? "; " : "", msg);
	else if (*n == MAX_LISTED)
		eseal_buf_puts(list, "; ...");
	(*n)++;
}

#define BAD(c, ...) add(&(c)->bad, &(c)->nbad, __VA_ARGS__)
#define NOTE(c, ...) add(&(c)->note, &(c)->nnote, __VA_ARGS__)

/* Two values are the same when they serialize the same and, for streams,
 * their raw data is byte-identical. */
static int same(diffctx *c, const eseal_pdf_val *x, const eseal_pdf_val *y)
{
	if (!x || !y)
		return x == y;
	if (x == y)
		return 1;
	if (x->type != y->type)
		return 0;
	eseal_buf_clear(&c->s1);
	eseal_buf_clear(&c->s2);
	if (eseal_pdf_val_serialize(x, &c->s1) || eseal_pdf_val_serialize(y, &c->s2))
		return 0;
	if (c->s1.len != c->s2.len || memcmp(c->s1.data, c->s2.data, c->s1.len))
		return 0;
	if (x->type == ESEAL_PDF_STREAM)
		return x->u.st.len == y->u.st.len &&
		       !memcmp(x->u.st.base + x->u.st.off, y->u.st.base + y->u.st.off, x->u.st.len);
	return 1;
}

static int has_num(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static const char *type_name(const eseal_pdf_val *d, const char *key)
{
	const eseal_pdf_val *v = d ? pdf_dict_get(d, key) : NULL;
	return v && v->type == ESEAL_PDF_NAME ? (const char *)v->u.s.p : "";
}

/* Field type, inherited through /Parent as of revision rev. */
static const char *field_type(diffctx *c, size_t rev, const eseal_pdf_val *d)
{
	for (int i = 0; d && d->type == ESEAL_PDF_DICT && i < 32; i++) {
		const eseal_pdf_val *ft = pdfv_get_at(c->pdf, rev, d, "FT");
		if (ft && ft->type == ESEAL_PDF_NAME)
			return (const char *)ft->u.s.p;
		d = pdfv_get_at(c->pdf, rev, d, "Parent");
	}
	return "";
}

static int page_index(const uint32_t *pages, size_t n, uint32_t num)
{
	for (size_t i = 0; i < n; i++)
		if (pages[i] == num)
			return (int)i + 1;
	return 0;
}

/* A new entry in a page's /Annots (as of revision b). */
static void new_annot(diffctx *c, const eseal_pdf_val *ref, int page)
{
	const eseal_pdf_val *an = pdfv_resolve_at(c->pdf, c->b, ref);
	if (!an || an->type != ESEAL_PDF_DICT) {
		BAD(c, "page %d: /Annots entry that is not an annotation", page);
		return;
	}
	const char *sub = type_name(an, "Subtype");
	if (!strcmp(sub, "Widget") && !strcmp(field_type(c, c->b, an), "Sig")) {
		if (c->p == 1)
			BAD(c, "page %d: signature field added to a certified document (P=1)", page);
		else
			NOTE(c, "signature widget added on page %d", page);
		return;
	}
	if (c->p == 1 || c->p == 2) {
		BAD(c, "page %d: annotation /%s added to a certified document (P=%d)", page, sub, c->p);
	} else {
		NOTE(c, "annotation /%s added on page %d", sub, page);
		c->nannot++;
	}
}

/* Old and new /Annots arrays of one page: the old entries must all stay. */
static void annots_diff(diffctx *c, const eseal_pdf_val *oa, const eseal_pdf_val *na, int page)
{
	size_t on = oa && oa->type == ESEAL_PDF_ARRAY ? oa->u.a.n : 0;
	if (!na || na->type != ESEAL_PDF_ARRAY) {
		if (on)
			BAD(c, "page %d: /Annots removed", page);
		return;
	}
	for (size_t i = 0; i < on; i++) {
		int found = 0;
		for (size_t j = 0; j < na->u.a.n && !found; j++)
			found = same(c, oa->u.a.v[i], na->u.a.v[j]);
		if (!found)
			BAD(c, "page %d: an annotation was removed or replaced", page);
	}
	for (size_t j = 0; j < na->u.a.n; j++) {
		int found = 0;
		for (size_t i = 0; i < on && !found; i++)
			found = same(c, oa->u.a.v[i], na->u.a.v[j]);
		if (!found)
			new_annot(c, na->u.a.v[j], page);
	}
}

static void page_diff(diffctx *c, uint32_t num, const eseal_pdf_val *o, const eseal_pdf_val *n)
{
	int page = page_index(c->pages_a, c->npa, num);
	if (n->type != ESEAL_PDF_DICT) {
		BAD(c, "page %d (object %u) replaced by a non-dictionary", page, num);
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		const eseal_pdf_val *d = pass ? n : o, *other = pass ? o : n;
		for (size_t i = 0; i < d->u.d.n; i++) {
			const char *k = d->u.d.kv[i].key;
			if (pass && pdf_dict_get(other, k))
				continue;       /* compared in the first pass */
			if (!strcmp(k, "Annots"))
				continue;
			if (!same(c, pdf_dict_get(o, k), pdf_dict_get(n, k)))
				BAD(c, "page %d: /%s changed", page, k);
		}
	}
	const eseal_pdf_val *ra = pdf_dict_get(o, "Annots"), *rb = pdf_dict_get(n, "Annots");
	if (!same(c, ra, rb))
		annots_diff(c, pdfv_resolve_at(c->pdf, c->a, ra), pdfv_resolve_at(c->pdf, c->b, rb), page);
}

/* Old array entries must all be in the new one (a /Fields or /Kids list). */
static int superset(diffctx *c, const eseal_pdf_val *o, const eseal_pdf_val *n)
{
	if (!o || o->type != ESEAL_PDF_ARRAY)
		return 1;
	if (!n || n->type != ESEAL_PDF_ARRAY)
		return 0;
	for (size_t i = 0; i < o->u.a.n; i++) {
		int found = 0;
		for (size_t j = 0; j < n->u.a.n && !found; j++)
			found = same(c, o->u.a.v[i], n->u.a.v[j]);
		if (!found)
			return 0;
	}
	return 1;
}

static void acroform_diff(diffctx *c, const eseal_pdf_val *o, const eseal_pdf_val *n)
{
	if (!o || o->type != ESEAL_PDF_DICT) {
		NOTE(c, "form added");
		return;
	}
	if (!n || n->type != ESEAL_PDF_DICT) {
		BAD(c, "/AcroForm removed");
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		const eseal_pdf_val *d = pass ? n : o, *other = pass ? o : n;
		for (size_t i = 0; i < d->u.d.n; i++) {
			const char *k = d->u.d.kv[i].key;
			if ((pass && pdf_dict_get(other, k)) || same(c, pdf_dict_get(o, k), pdf_dict_get(n, k)))
				continue;
			if (!strcmp(k, "Fields")) {
				if (!superset(c, pdfv_get_at(c->pdf, c->a, o, "Fields"),
					      pdfv_get_at(c->pdf, c->b, n, "Fields")))
					BAD(c, "/AcroForm /Fields: a field was removed");
			} else if (!strcmp(k, "SigFlags") || !strcmp(k, "DR") || !strcmp(k, "DA") ||
				   !strcmp(k, "NeedAppearances")) {
				/* signing and form fill update these */
			} else {
				BAD(c, "/AcroForm /%s changed", k);
			}
		}
	}
}

static void catalog_diff(diffctx *c, const eseal_pdf_val *o, const eseal_pdf_val *n)
{
	if (n->type != ESEAL_PDF_DICT) {
		BAD(c, "catalog replaced by a non-dictionary");
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		const eseal_pdf_val *d = pass ? n : o, *other = pass ? o : n;
		for (size_t i = 0; i < d->u.d.n; i++) {
			const char *k = d->u.d.kv[i].key;
			if ((pass && pdf_dict_get(other, k)) || same(c, pdf_dict_get(o, k), pdf_dict_get(n, k)))
				continue;
			if (!strcmp(k, "AcroForm")) {
				/* moved to another object or made direct: the same rules
				 * apply to the old and the new form dictionary */
				const eseal_pdf_val *fo = pdf_dict_get(o, k), *fn = pdf_dict_get(n, k);
				acroform_diff(c, pdfv_resolve_at(c->pdf, c->a, fo), pdfv_resolve_at(c->pdf, c->b, fn));
			} else if (!strcmp(k, "DSS") || !strcmp(k, "Extensions") || !strcmp(k, "Metadata")) {
				NOTE(c, "catalog /%s updated", k);
			} else {
				BAD(c, "catalog /%s %s", k, !pdf_dict_get(o, k) ? "added" :
				    !pdf_dict_get(n, k) ? "removed" : "changed");
			}
		}
	}
}

/* A field or widget that already existed: form fill and signing change
 * only its value and appearance. */
static void field_diff(diffctx *c, uint32_t num, const eseal_pdf_val *o, const eseal_pdf_val *n)
{
	int sig = !strcmp(field_type(c, c->a, o), "Sig");
	if (n->type != ESEAL_PDF_DICT) {
		BAD(c, "form field %u replaced by a non-dictionary", num);
		return;
	}
	int changed = 0;
	for (int pass = 0; pass < 2; pass++) {
		const eseal_pdf_val *d = pass ? n : o, *other = pass ? o : n;
		for (size_t i = 0; i < d->u.d.n; i++) {
			const char *k = d->u.d.kv[i].key;
			if ((pass && pdf_dict_get(other, k)) || same(c, pdf_dict_get(o, k), pdf_dict_get(n, k)))
				continue;
			if (!strcmp(k, "Kids")) {
				if (!superset(c, pdfv_get_at(c->pdf, c->a, o, k), pdfv_get_at(c->pdf, c->b, n, k)))
					BAD(c, "form field %u: a widget was removed", num);
			} else if (!strcmp(k, "V") || !strcmp(k, "AS") || !strcmp(k, "AP") || !strcmp(k, "MK") ||
				   !strcmp(k, "Lock") || !strcmp(k, "SV")) {
				changed = 1;
			} else {
				BAD(c, "form field %u: /%s changed", num, k);
			}
		}
	}
	if (!changed)
		return;
	if (c->p == 1)
		BAD(c, "form field %u %s in a certified document (P=1)", num, sig ? "signed" : "filled in");
	else
		NOTE(c, "form field %u %s", num, sig ? "signed" : "filled in");
}

/* One object (re)defined by revision b. */
static void object_diff(diffctx *c, uint32_t num)
{
	const eseal_pdf_val *o = NULL, *n = NULL;
	int ho = !eseal_pdf_object_at(c->pdf, c->a, num, &o);
	int hn = !eseal_pdf_object_at(c->pdf, c->b, num, &n);
	if (!ho || !o || o->type == ESEAL_PDF_NULL)
		return; /* new objects matter only where changed old objects refer to them */
	const eseal_pdf_val *od = o->type == ESEAL_PDF_STREAM ? o->u.st.dict : o;
	const char *type = od && od->type == ESEAL_PDF_DICT ? type_name(od, "Type") : "";
	if (!strcmp(type, "XRef") || !strcmp(type, "ObjStm"))
		return;
	if (!hn || !n || n->type == ESEAL_PDF_NULL) {
		BAD(c, "object %u deleted", num);
		return;
	}
	if (same(c, o, n))
		return;
	if (num == c->root) {
		if (o->type == ESEAL_PDF_DICT)
			catalog_diff(c, o, n);
		else
			BAD(c, "catalog %u redefined", num);
	} else if (num == c->info || num == c->dss) {
		NOTE(c, "%s updated", num == c->info ? "document information" : "/DSS");
	} else if (num == c->acroform) {
		acroform_diff(c, o, n);
	} else if (num == c->fields) {
		if (!superset(c, o, n))
			BAD(c, "/AcroForm /Fields: a field was removed");
	} else if (has_num(c->pages_a, c->npa, num) && o->type == ESEAL_PDF_DICT) {
		page_diff(c, num, o, n);
	} else if (has_num(c->annots, c->nannots, num)) {
		int page = 0;
		for (size_t i = 0; i < c->npa && !page; i++) {
			const eseal_pdf_val *pg;
			if (!eseal_pdf_object_at(c->pdf, c->a, c->pages_a[i], &pg) && pdfv_ref_num(pg, "Annots") == num)
				page = (int)i + 1;
		}
		annots_diff(c, o, n->type == ESEAL_PDF_ARRAY ? n : NULL, page);
	} else if (o->type == ESEAL_PDF_STREAM && !strcmp(type, "Metadata")) {
		NOTE(c, "metadata stream %u updated", num);
	} else if (o->type == ESEAL_PDF_DICT && (!strcmp(type, "Sig") || !strcmp(type, "DocTimeStamp") ||
						 (pdf_dict_get(o, "ByteRange") && pdf_dict_get(o, "Contents")))) {
		BAD(c, "signature dictionary %u redefined", num);
	} else if (o->type == ESEAL_PDF_DICT && (pdf_dict_get(o, "FT") || pdf_dict_get(o, "T") ||
						 !strcmp(type_name(o, "Subtype"), "Widget"))) {
		field_diff(c, num, o, n);
	} else if (o->type == ESEAL_PDF_DICT && pdf_dict_get(o, "Subtype") && pdf_dict_get(o, "Rect")) {
		if (c->p == 1 || c->p == 2)
			BAD(c, "annotation %u (/%s) changed in a certified document (P=%d)", num,
			    type_name(o, "Subtype"), c->p);
		else
			NOTE(c, "annotation %u (/%s) changed", num, type_name(o, "Subtype"));
	} else if (o->type == ESEAL_PDF_STREAM && has_num(c->sig_ap, c->nsig_ap, num)) {
		if (c->p == 1)
			BAD(c, "signature appearance %u redrawn in a certified document (P=1)", num);
		else
			NOTE(c, "signature appearance %u redrawn", num);
	} else if (!strcmp(type, "Pages")) {
		BAD(c, "page tree node %u changed", num);
	} else if (o->type == ESEAL_PDF_STREAM) {
		BAD(c, "stream object %u%s%s redefined", num, *type ? " /" : "", type);
	} else {
		BAD(c, "object %u%s%s redefined", num, *type ? " /" : "", type);
	}
}

int pdfv_pages_at(eseal_pdf *pdf, size_t rev, uint32_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const eseal_pdf_val *tr = pdfv_trailer_at(pdf, rev);
	const eseal_pdf_val *cat = tr ? pdfv_get_at(pdf, rev, tr, "Root") : NULL;
	const eseal_pdf_val *root = cat ? pdf_dict_get(cat, "Pages") : NULL;
	if (!root || root->type != ESEAL_PDF_REF)
		return ESEAL_EFORMAT;
	/* iterative walk with an explicit stack; visited nodes are not re-entered */
	uint32_t stack[PDF_MAX_PAGES_DEPTH * 4];
	size_t sp = 0, cap = 0, nvisit = 0;
	uint32_t *pages = NULL;
	stack[sp++] = root->u.ref.num;
	while (sp) {
		uint32_t num = stack[--sp];
		if (++nvisit > 1000000)
			break;
		const eseal_pdf_val *node;
		if (eseal_pdf_object_at(pdf, rev, num, &node) || !node || node->type != ESEAL_PDF_DICT)
			continue;
		const eseal_pdf_val *kids = pdfv_get_at(pdf, rev, node, "Kids");
		if (kids && kids->type == ESEAL_PDF_ARRAY && !pdf_is_name(pdf_dict_get(node, "Type"), "Page")) {
			for (size_t i = kids->u.a.n; i-- > 0;)
				if (kids->u.a.v[i]->type == ESEAL_PDF_REF && sp < sizeof stack / sizeof *stack &&
				    kids->u.a.v[i]->u.ref.num != num)
					stack[sp++] = kids->u.a.v[i]->u.ref.num;
			continue;
		}
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			uint32_t *np = realloc(pages, nc * sizeof *np);
			if (!np) {
				free(pages);
				return ESEAL_ENOMEM;
			}
			pages = np;
			cap = nc;
		}
		pages[(*n)++] = num;
	}
	*out = pages;
	return 0;
}

static uint32_t cat_ref(diffctx *c, size_t rev, const char *key)
{
	const eseal_pdf_val *tr = pdfv_trailer_at(c->pdf, rev);
	const eseal_pdf_val *cat = tr ? pdfv_get_at(c->pdf, rev, tr, "Root") : NULL;
	return cat ? pdfv_ref_num(cat, key) : 0;
}

/* Compares revision b with revision a = b - 1. */
static void revision_pair(diffctx *c, size_t b)
{
	eseal_pdf *pdf = c->pdf;
	c->a = b - 1;
	c->b = b;
	const eseal_pdf_val *ta = pdfv_trailer_at(pdf, c->a), *tb = pdfv_trailer_at(pdf, b);
	c->root = pdfv_ref_num(ta, "Root");
	if (!c->root || c->root != pdfv_ref_num(tb, "Root"))
		BAD(c, "revision %zu: the trailer's /Root points to another catalog", b + 1);
	if (!same(c, ta ? pdf_dict_get(ta, "Encrypt") : NULL, tb ? pdf_dict_get(tb, "Encrypt") : NULL))
		BAD(c, "revision %zu: /Encrypt changed", b + 1);
	c->info = pdfv_ref_num(ta, "Info");
	c->acroform = cat_ref(c, c->a, "AcroForm");
	c->dss = cat_ref(c, c->a, "DSS");
	const eseal_pdf_val *cat = ta ? pdfv_get_at(pdf, c->a, ta, "Root") : NULL;
	const eseal_pdf_val *af = cat ? pdfv_get_at(pdf, c->a, cat, "AcroForm") : NULL;
	c->fields = af ? pdfv_ref_num(af, "Fields") : 0;

	free(c->pages_a);
	free(c->pages_b);
	pdfv_pages_at(pdf, c->a, &c->pages_a, &c->npa);
	pdfv_pages_at(pdf, b, &c->pages_b, &c->npb);
	if (c->npa != c->npb)
		BAD(c, "revision %zu: page count changed from %zu to %zu", b + 1, c->npa, c->npb);
	else if (c->npa && memcmp(c->pages_a, c->pages_b, c->npa * sizeof *c->pages_a))
		BAD(c, "revision %zu: pages replaced or reordered", b + 1);
	free(c->annots);
	c->annots = c->npa ? calloc(c->npa, sizeof *c->annots) : NULL;
	c->nannots = 0;
	for (size_t i = 0; i < c->npa && c->annots; i++) {
		const eseal_pdf_val *pg;
		if (!eseal_pdf_object_at(pdf, c->a, c->pages_a[i], &pg) && pdfv_ref_num(pg, "Annots"))
			c->annots[c->nannots++] = pdfv_ref_num(pg, "Annots");
	}

	/* signing an existing empty signature field may redraw its appearance */
	c->nsig_ap = 0;
	for (size_t i = 0; i < c->npa; i++) {
		const eseal_pdf_val *pg, *an;
		if (eseal_pdf_object_at(pdf, c->a, c->pages_a[i], &pg) ||
		    !(an = pdfv_get_at(pdf, c->a, pg, "Annots")) || an->type != ESEAL_PDF_ARRAY)
			continue;
		for (size_t k = 0; k < an->u.a.n && k < 10000; k++) {
			const eseal_pdf_val *w = pdfv_resolve_at(pdf, c->a, an->u.a.v[k]);
			if (!w || w->type != ESEAL_PDF_DICT || strcmp(field_type(c, c->a, w), "Sig"))
				continue;
			const eseal_pdf_val *ap = pdfv_get_at(pdf, c->a, w, "AP");
			for (size_t j = 0; ap && ap->type == ESEAL_PDF_DICT && j < ap->u.d.n; j++) {
				const eseal_pdf_val *v = ap->u.d.kv[j].val;
				if (v->type == ESEAL_PDF_REF && c->nsig_ap < sizeof c->sig_ap / sizeof *c->sig_ap)
					c->sig_ap[c->nsig_ap++] = v->u.ref.num;
			}
		}
	}

	uint64_t lo = pdf->revs[c->a].end, hi = pdf->revs[b].end;
	for (size_t i = 0; i < pdf->nsecs; i++) {
		const pdf_section *s = &pdf->secs[i];
		if (s->end <= lo || s->end > hi)
			continue;
		for (size_t j = 0; j < s->nents; j++) {
			const pdf_xent *e = &s->ents[j];
			if (e->num == 0 || (j && s->ents[j - 1].num == e->num))
				continue;
			object_diff(c, e->num);
		}
	}
}

void pdfv_check_diff(eseal_pdf *pdf, const pdfv_sig *s, int p, eseal_report_item *it)
{
	if (pdf->recovered) {
		eseal_item_check(it, "revision_diff", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "the cross-reference data was rebuilt: later changes cannot be told apart");
		return;
	}
	if (s->rev + 1 >= pdf->nrevs) {
		uint64_t end = pdf->revs[pdf->nrevs - 1].end;
		size_t junk = 0;
		for (uint64_t i = end; i < pdf->len; i++)
			junk += !pdf_is_space(pdf->data[i]);
		if (junk)
			eseal_item_check(it, "revision_diff", ESEAL_CHECK_WARNING, NULL,
					 "%zu bytes after the signed revision are not a revision", (size_t)(pdf->len - end));
		else
			eseal_item_check(it, "revision_diff", ESEAL_CHECK_PASSED, NULL, "no later revisions");
		return;
	}
	diffctx c = { .pdf = pdf, .p = p };
	for (size_t b = s->rev + 1; b < pdf->nrevs; b++)
		revision_pair(&c, b);
	eseal_buf_cstr(&c.bad);
	eseal_buf_cstr(&c.note);
	size_t later = pdf->nrevs - 1 - s->rev;
	if (c.nbad)
		eseal_item_check(it, "revision_diff", ESEAL_CHECK_FAILED, ESEAL_SUB_MODIFIED_AFTER,
				 "%zu later revision(s) changed what was signed: %s", later, (char *)c.bad.data);
	else if (c.nannot)
		/* allowed, but an added annotation can cover signed content: say so */
		eseal_item_check(it, "revision_diff", ESEAL_CHECK_WARNING, NULL,
				 "%zu later revision(s) added annotations, which can cover signed content: %s",
				 later, (char *)c.note.data);
	else if (c.nnote)
		eseal_item_check(it, "revision_diff", ESEAL_CHECK_PASSED, NULL,
				 "%zu later revision(s), allowed changes only: %s", later, (char *)c.note.data);
	else
		eseal_item_check(it, "revision_diff", ESEAL_CHECK_PASSED, NULL,
				 "%zu later revision(s) without changes to signed content", later);
	free(c.pages_a);
	free(c.pages_b);
	free(c.annots);
	eseal_buf_free(&c.bad);
	eseal_buf_free(&c.note);
	eseal_buf_free(&c.s1);
	eseal_buf_free(&c.s2);
}
