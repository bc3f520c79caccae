/*
 * verify_mdp.c - certification (DocMDP) and usage-rights signatures: which
 * signature certifies the document and which changes its P allows (1 none,
 * 2 form fill and signing, 3 also annotations). This file only reads the
 * catalog's /Perms; it must never let a later revision lower P.
 */
#include <string.h>

#include "pdf/verify_internal.h"

/* P of a signature dictionary's DocMDP reference (0 when it has none). */
static int sig_docmdp_p(eseal_pdf *pdf, const eseal_pdf_val *sig)
{
	const eseal_pdf_val *refs = eseal_pdf_resolve(pdf, pdf_dict_get(sig, "Reference"));
	if (!refs || refs->type != ESEAL_PDF_ARRAY)
		return 0;
	for (size_t i = 0; i < refs->u.a.n; i++) {
		const eseal_pdf_val *r = eseal_pdf_resolve(pdf, refs->u.a.v[i]);
		if (!r || r->type != ESEAL_PDF_DICT ||
		    !pdf_is_name(eseal_pdf_resolve(pdf, pdf_dict_get(r, "TransformMethod")), "DocMDP"))
			continue;
		const eseal_pdf_val *tp = eseal_pdf_resolve(pdf, pdf_dict_get(r, "TransformParams"));
		const eseal_pdf_val *p = tp ? eseal_pdf_resolve(pdf, pdf_dict_get(tp, "P")) : NULL;
		if (!p || p->type != ESEAL_PDF_INT)
			return 2;       /* the default */
		return p->u.i >= 1 && p->u.i <= 3 ? (int)p->u.i : 1; /* unknown: strictest */
	}
	return 0;
}

int pdfv_docmdp(eseal_pdf *pdf, uint32_t *sig_num)
{
	*sig_num = 0;
	/* the oldest revision that has /Perms /DocMDP decides: a later revision
	 * cannot add, remove or weaken a certification */
	for (size_t rev = 0; rev < pdf->nrevs; rev++) {
		const eseal_pdf_val *tr = pdfv_trailer_at(pdf, rev);
		const eseal_pdf_val *cat = tr ? pdfv_get_at(pdf, rev, tr, "Root") : NULL;
		const eseal_pdf_val *perms = cat ? pdfv_get_at(pdf, rev, cat, "Perms") : NULL;
		if (!perms || perms->type != ESEAL_PDF_DICT)
			continue;
		uint32_t num = pdfv_ref_num(perms, "DocMDP");
		const eseal_pdf_val *sig = pdfv_get_at(pdf, rev, perms, "DocMDP");
		if (!num || !sig || sig->type != ESEAL_PDF_DICT)
			continue;
		int p = sig_docmdp_p(pdf, sig);
		*sig_num = num;
		return p ? p : 2;
	}
	return 0;
}

int pdfv_is_usage_rights(eseal_pdf *pdf, uint32_t sig_num)
{
	const eseal_pdf_val *cat = eseal_pdf_catalog(pdf);
	const eseal_pdf_val *perms = cat ? eseal_pdf_resolve(pdf, pdf_dict_get(cat, "Perms")) : NULL;
	if (perms && perms->type == ESEAL_PDF_DICT &&
	    (pdfv_ref_num(perms, "UR3") == sig_num || pdfv_ref_num(perms, "UR") == sig_num))
		return 1;
	/* a signature dictionary whose reference is a UR transform */
	const eseal_pdf_val *sig;
	if (eseal_pdf_object(pdf, sig_num, &sig) || !sig)
		return 0;
	const eseal_pdf_val *refs = eseal_pdf_resolve(pdf, pdf_dict_get(sig, "Reference"));
	for (size_t i = 0; refs && refs->type == ESEAL_PDF_ARRAY && i < refs->u.a.n; i++) {
		const eseal_pdf_val *r = eseal_pdf_resolve(pdf, refs->u.a.v[i]);
		const eseal_pdf_val *m = r ? eseal_pdf_resolve(pdf, pdf_dict_get(r, "TransformMethod")) : NULL;
		if (pdf_is_name(m, "UR3") || pdf_is_name(m, "UR"))
			return 1;
	}
	return 0;
}
