/*
 * text.c - PDF pages into the shared text model (text.h): millimetres with
 * the origin at the top-left corner of the visible page (CropBox, /Rotate).
 *
 * A page whose content cannot be fully read still yields the text found
 * (with a warning on the document); only an unreadable document fails.
 */
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
