/*
 * text.c - PDF pages into the shared text model (text.h): millimetres with
 * the origin at the top-left corner of the visible page (CropBox, /Rotate).
 *
 * A page whose content cannot be fully read still yields the text found
 * (with a warning on the document); only an unreadable document fails.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

/* User space -> mm from the top-left of the visible (rotated) page. */
static void page_matrix(const eseal_pdf_page_info *pi, double m[6])
{
	const double k = 25.4 / 72;
	double x0 = pi->crop[0], y0 = pi->crop[1], x1 = pi->crop[2], y1 = pi->crop[3];
	switch (pi->rotate) {
	case 90:
		m[0] = 0; m[1] = k; m[2] = k; m[3] = 0; m[4] = -y0 * k; m[5] = -x0 * k;
		break;
	case 180:
		m[0] = -k; m[1] = 0; m[2] = 0; m[3] = k; m[4] = x1 * k; m[5] = -y0 * k;
		break;
	case 270:
		m[0] = 0; m[1] = -k; m[2] = -k; m[3] = 0; m[4] = y1 * k; m[5] = x1 * k;
		break;
	default:
		m[0] = k; m[1] = 0; m[2] = 0; m[3] = -k; m[4] = -x0 * k; m[5] = y1 * k;
		break;
	}
}

/* All content streams of a page, joined with a newline between them. */
static int page_content(eseal_pdf *pdf, const eseal_pdf_val *page, eseal_buf *out)
{
	const eseal_pdf_val *c = pdf_dget(pdf, page, "Contents");
	eseal_error_clear();
	if (!c)
		return 0;
	if (c->type == ESEAL_PDF_STREAM)
		return pdf_decode_stream(pdf, c, 0, out);
	if (c->type != ESEAL_PDF_ARRAY)
		return 0;
	for (size_t i = 0; i < c->u.a.n; i++) {
		const eseal_pdf_val *s = pdf_resolve(pdf, c->u.a.v[i]);
		if (s->type != ESEAL_PDF_STREAM)
			continue;
		int rc = pdf_decode_stream(pdf, s, 0, out);
		if (rc == ESEAL_ELIMIT || rc == ESEAL_ENOMEM)
			return rc;
		if (rc) {
			pdf_warn(pdf, "page object: content stream %zu unreadable (%s)", i, eseal_error_last());
			eseal_error_clear();
		}
		if (out->len > pdf->max_stream)
			return eseal_error_set(ESEAL_ELIMIT, "page content larger than %zu bytes", pdf->max_stream);
		if (eseal_buf_putc(out, '\n'))
			return ESEAL_ENOMEM;
	}
	return 0;
}

/* Normal appearances of visible annotations (filled form fields, stamps):
 * the form's BBox, after its Matrix, is fitted to the annotation's Rect. */
static void annotations(pdf_text_ctx *c, const eseal_pdf_val *page, const eseal_pdf_val *page_res)
{
	eseal_pdf *pdf = c->pdf;
	const eseal_pdf_val *annots = pdf_dget(pdf, page, "Annots");
	if (!annots || annots->type != ESEAL_PDF_ARRAY)
		goto out;
	for (size_t i = 0; i < annots->u.a.n && i < 10000; i++) {
		const eseal_pdf_val *a = pdf_resolve(pdf, annots->u.a.v[i]);
		if (a->type != ESEAL_PDF_DICT || pdf_is_name(pdf_dget(pdf, a, "Subtype"), "Popup"))
			continue;
		int64_t flags = eseal_pdf_val_int(pdf_dget(pdf, a, "F"));
		if (flags & (2 | 32)) /* Hidden, NoView */
			continue;
		const eseal_pdf_val *ap = pdf_dget(pdf, pdf_dget(pdf, a, "AP"), "N");
		if (ap && ap->type == ESEAL_PDF_DICT) {
			const eseal_pdf_val *as = pdf_dget(pdf, a, "AS");
			ap = as && as->type == ESEAL_PDF_NAME ? pdf_dget(pdf, ap, (const char *)as->u.s.p) : NULL;
		}
		if (!ap || ap->type != ESEAL_PDF_STREAM)
			continue;
		const eseal_pdf_val *rv = pdf_dget(pdf, a, "Rect"), *bv = pdf_dget(pdf, ap, "BBox");
		const eseal_pdf_val *mv = pdf_dget(pdf, ap, "Matrix");
		double r[4], b[4], m[6] = { 1, 0, 0, 1, 0, 0 };
		int ok = rv && bv && rv->type == ESEAL_PDF_ARRAY && bv->type == ESEAL_PDF_ARRAY && rv->u.a.n >= 4 &&
			 bv->u.a.n >= 4;
		for (int k = 0; ok && k < 4; k++)
			ok = pdf_num(pdf_resolve(pdf, rv->u.a.v[k]), &r[k]) && pdf_num(pdf_resolve(pdf, bv->u.a.v[k]), &b[k]);
		if (!ok)
			continue;
		if (mv && mv->type == ESEAL_PDF_ARRAY && mv->u.a.n >= 6)
			for (int k = 0; k < 6; k++)
				pdf_num(pdf_resolve(pdf, mv->u.a.v[k]), &m[k]);
		/* the transformed BBox's bounds */
		double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
		for (int k = 0; k < 4; k++) {
			double x = b[(k & 1) ? 2 : 0], y = b[(k & 2) ? 3 : 1];
			double tx = m[0] * x + m[2] * y + m[4], ty = m[1] * x + m[3] * y + m[5];
			x0 = tx < x0 ? tx : x0;
			x1 = tx > x1 ? tx : x1;
			y0 = ty < y0 ? ty : y0;
			y1 = ty > y1 ? ty : y1;
		}
		if (x1 - x0 < 1e-6 || y1 - y0 < 1e-6)
			continue;
		double rx0 = r[0] < r[2] ? r[0] : r[2], ry0 = r[1] < r[3] ? r[1] : r[3];
		double sx = fabs(r[2] - r[0]) / (x1 - x0), sy = fabs(r[3] - r[1]) / (y1 - y0);
		double fit[6] = { sx, 0, 0, sy, rx0 - x0 * sx, ry0 - y0 * sy }, ctm[6];
		pdf_mat_mul(m, fit, ctm);
		const eseal_pdf_val *res = pdf_dget(pdf, ap, "Resources");
		eseal_buf data = ESEAL_BUF_INIT;
		if (pdf_decode_stream(pdf, ap, 0, &data) == 0) {
			c->xobj_stack[0] = ap;
			c->xobj_depth = 1;
			pdf_content_run(c, data.data ? data.data : (const uint8_t *)"", data.len,
					res && res->type == ESEAL_PDF_DICT ? res : page_res, ctm);
			c->xobj_depth = 0;
		}
		eseal_buf_free(&data);
	}
out:
	eseal_error_clear();
}

static int text_page(pdf_text_ctx *c, size_t i, eseal_text_page *page)
{
	eseal_pdf_page_info pi;
	int rc = eseal_pdf_page(c->pdf, i, &pi);
	if (rc)
		return rc;
	page->width = pi.width_mm;
	page->height = pi.height_mm;
	c->page = page;
	c->page_w = pi.width_mm;
	c->page_h = pi.height_mm;
	c->ops = 0;
	c->xobj_depth = 0;
	page_matrix(&pi, c->pm);
	eseal_buf b = ESEAL_BUF_INIT;
	rc = page_content(c->pdf, pi.dict, &b);
	if (rc == 0) {
		static const double ident[6] = { 1, 0, 0, 1, 0, 0 };
		rc = pdf_content_run(c, b.data ? b.data : (const uint8_t *)"", b.len, pi.resources, ident);
		if (rc == 0)
			annotations(c, pi.dict, pi.resources);
	} else if (rc != ESEAL_ENOMEM && rc != ESEAL_ELIMIT) {
		pdf_warn(c->pdf, "page %zu: content unreadable (%s)", i + 1, eseal_error_last());
		eseal_error_clear();
		rc = 0;
	}
	eseal_buf_free(&b);
	if (rc)
		return eseal_error_wrap("page %zu", i + 1);
	return eseal_text_page_finish(page);
}

int eseal_pdf_text_page(eseal_pdf *pdf, size_t i, eseal_text_page *out)
{
	pdf_text_ctx c;
	memset(&c, 0, sizeof c);
	c.pdf = pdf;
	int rc = text_page(&c, i, out);
	pdf_font_free(c.fonts);
	return rc;
}

int eseal_pdf_text(eseal_text_doc **out, eseal_pdf *pdf)
{
	size_t n;
	int rc;
	*out = NULL;
	if ((rc = eseal_pdf_page_count(pdf, &n)))
		return rc;
	eseal_text_doc *d;
	if ((rc = eseal_text_doc_new(&d)))
		return rc;
	pdf_text_ctx c;
	memset(&c, 0, sizeof c);
	c.pdf = pdf;
	for (size_t i = 0; i < n && rc == 0; i++) {
		eseal_pdf_page_info pi;
		eseal_text_page *page;
		char id[24];
		if ((rc = eseal_pdf_page(pdf, i, &pi)))
			break;
		snprintf(id, sizeof id, "%u", pi.num);
		if ((rc = eseal_text_doc_add_page(d, id, pi.width_mm, pi.height_mm, &page)))
			break;
		rc = text_page(&c, i, page);
	}
	pdf_font_free(c.fonts);
	if (rc) {
		eseal_text_doc_free(d);
		return rc;
	}
	*out = d;
	return 0;
}
