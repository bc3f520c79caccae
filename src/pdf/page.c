/*
 * page.c - the page tree: pages in order with their inherited attributes
 * (MediaBox, CropBox, Rotate, Resources) and visible size.
 *
 * The walk is iterative-bounded: depth is limited and a node seen twice
 * (a cycle, or a shared subtree) is skipped with a warning, never followed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_internal.h"

typedef struct inherit {
	const eseal_pdf_val *media, *crop, *rotate, *resources;
} inherit;

static int get_box(eseal_pdf *pdf, const eseal_pdf_val *v, double out[4])
{
	v = pdf_resolve(pdf, v);
	if (!v || v->type != ESEAL_PDF_ARRAY || v->u.a.n < 4)
		return 0;
	double b[4];
	for (int i = 0; i < 4; i++)
		if (!pdf_num(pdf_resolve(pdf, v->u.a.v[i]), &b[i]) || !isfinite(b[i]))
			return 0;
	out[0] = fmin(b[0], b[2]);
	out[1] = fmin(b[1], b[3]);
	out[2] = fmax(b[0], b[2]);
	out[3] = fmax(b[1], b[3]);
	return 1;
}

static int add_page(eseal_pdf *pdf, size_t *cap, uint32_t num, uint16_t gen, const eseal_pdf_val *d,
		    const inherit *in)
{
	if (pdf->npages == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		pdf_page *p = realloc(pdf->pages, *cap * sizeof *p);
		if (!p)
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		pdf->pages = p;
	}
	pdf_page *pg = &pdf->pages[pdf->npages++];
	memset(pg, 0, sizeof *pg);
	pg->num = num;
	pg->gen = gen;
	pg->dict = d;
	const eseal_pdf_val *r = pdf_resolve(pdf, in->resources);
	pg->resources = r->type == ESEAL_PDF_DICT ? r : NULL;
	if (!get_box(pdf, in->media, pg->media)) {
		pg->media[0] = pg->media[1] = 0;
		pg->media[2] = 612;
		pg->media[3] = 792;
		pdf_warn(pdf, "page object %u has no valid MediaBox; using US Letter", num);
	}
	if (!get_box(pdf, in->crop, pg->crop)) {
		memcpy(pg->crop, pg->media, sizeof pg->crop);
	} else {
		/* the visible area is the intersection with the MediaBox */
		pg->crop[0] = fmax(pg->crop[0], pg->media[0]);
		pg->crop[1] = fmax(pg->crop[1], pg->media[1]);
		pg->crop[2] = fmin(pg->crop[2], pg->media[2]);
		pg->crop[3] = fmin(pg->crop[3], pg->media[3]);
		if (pg->crop[2] <= pg->crop[0] || pg->crop[3] <= pg->crop[1])
			memcpy(pg->crop, pg->media, sizeof pg->crop);
	}
	int64_t rot = eseal_pdf_val_int(pdf_resolve(pdf, in->rotate));
	rot %= 360;
	if (rot < 0)
		rot += 360;
	pg->rotate = (int)(rot / 90 * 90);
	return 0;
}

static int walk(eseal_pdf *pdf, const eseal_pdf_val *ref, inherit in, int depth, uint8_t *seen, size_t *cap)
{
	uint32_t num = 0;
	uint16_t gen = 0;
	if (depth > PDF_MAX_PAGES_DEPTH)
		return eseal_error_set(ESEAL_ELIMIT, "page tree deeper than %d levels", PDF_MAX_PAGES_DEPTH);
	if (ref && ref->type == ESEAL_PDF_REF) {
		num = ref->u.ref.num;
		gen = ref->u.ref.gen;
		if (num >= pdf->size)
			return 0;
		if (seen[num]) {
			pdf_warn(pdf, "page tree node %u appears twice; ignored the second time", num);
			return 0;
		}
		seen[num] = 1;
	}
	const eseal_pdf_val *d = pdf_resolve(pdf, ref);
	if (d->type != ESEAL_PDF_DICT) {
		pdf_warn(pdf, "page tree node %u is not a dictionary (%s)", num, eseal_error_last());
		eseal_error_clear();
		return 0;
	}
	const eseal_pdf_val *v;
	if ((v = pdf_dict_get(d, "MediaBox"))) in.media = v;
	if ((v = pdf_dict_get(d, "CropBox"))) in.crop = v;
	if ((v = pdf_dict_get(d, "Rotate"))) in.rotate = v;
	if ((v = pdf_dict_get(d, "Resources"))) in.resources = v;
	const eseal_pdf_val *type = pdf_dget(pdf, d, "Type");
	const eseal_pdf_val *kids = pdf_dget(pdf, d, "Kids");
	if (pdf_is_name(type, "Page") || (!pdf_is_name(type, "Pages") && (!kids || kids->type != ESEAL_PDF_ARRAY)))
		return add_page(pdf, cap, num, gen, d, &in);
	if (!kids || kids->type != ESEAL_PDF_ARRAY)
		return 0;
	for (size_t i = 0; i < kids->u.a.n; i++) {
		int rc = walk(pdf, kids->u.a.v[i], in, depth + 1, seen, cap);
		if (rc)
			return rc;
	}
	return 0;
}

int pdf_pages_load(eseal_pdf *pdf)
{
	if (pdf->pages_loaded)
		return pdf->pages_loaded < 0 ? eseal_error_set(ESEAL_EFORMAT, "the page tree cannot be read") : 0;
	if (pdf->crypt.present && !pdf->crypt.ok)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "encrypted PDF: %s", pdf->crypt.reason);
	const eseal_pdf_val *cat = eseal_pdf_catalog(pdf);
	if (!cat)
		return eseal_error_set(ESEAL_EFORMAT, "no document catalog");
	const eseal_pdf_val *pages = pdf_dict_get(cat, "Pages");
	uint8_t *seen = calloc(pdf->size ? pdf->size : 1, 1);
	size_t cap = 0;
	inherit in = { 0 };
	if (!seen)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int rc = walk(pdf, pages, in, 0, seen, &cap);
	free(seen);
	pdf->pages_loaded = rc ? -1 : 1;
	return rc;
}

int eseal_pdf_page_count(eseal_pdf *pdf, size_t *count)
{
	int rc = pdf_pages_load(pdf);
	*count = rc ? 0 : pdf->npages;
	return rc;
}

int eseal_pdf_page(eseal_pdf *pdf, size_t i, eseal_pdf_page_info *out)
{
	int rc = pdf_pages_load(pdf);
	if (rc)
		return rc;
	if (i >= pdf->npages)
		return eseal_error_set(ESEAL_EINVAL, "no page %zu (the document has %zu)", i + 1, pdf->npages);
	const pdf_page *p = &pdf->pages[i];
	memset(out, 0, sizeof *out);
	out->num = p->num;
	out->gen = p->gen;
	memcpy(out->media, p->media, sizeof out->media);
	memcpy(out->crop, p->crop, sizeof out->crop);
	out->rotate = p->rotate;
	double w = (p->crop[2] - p->crop[0]) * 25.4 / 72, h = (p->crop[3] - p->crop[1]) * 25.4 / 72;
	if (p->rotate == 90 || p->rotate == 270) {
		out->width_mm = h;
		out->height_mm = w;
	} else {
		out->width_mm = w;
		out->height_mm = h;
	}
	out->dict = p->dict;
	out->resources = p->resources;
	return 0;
}
