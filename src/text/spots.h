/*
 * spots.h - placements (page + centre, keyword, cross-page) resolved into
 * seal positions on pages, the same way for every document format. The
 * format adaptors (src/ofd/place.c, src/pdf/sign_place.c) supply the page
 * sizes and the text layout and turn each spot into their own annotation.
 */
#ifndef ESEAL_TEXT_SPOTS_H
#define ESEAL_TEXT_SPOTS_H

#include "eseal/ofdsign.h"
#include "eseal/text.h"

/* One piece of a seal on one page. `box` is where the whole picture goes
 * (mm, top-left origin; a cross-page slice's box reaches past the page
 * edge); the picture is visible from slice_x to slice_x + slice_w (picture
 * mm from its left edge): all of it unless the seal is cut over pages. */
typedef struct eseal_spot {
	int page;          /* 1-based */
	eseal_box box;
	double slice_x, slice_w;
	int sliced;
} eseal_spot;

/* What the resolver asks of a document: page sizes in mm, and the text
 * layout (built once, on the first keyword; owned by the caller). */
typedef struct eseal_spot_doc {
	size_t npages;
	int (*page_size)(void *ctx, int page, double *w_mm, double *h_mm);
	int (*text)(void *ctx, eseal_text_doc **out);
	void *ctx;
} eseal_spot_doc;

/* Resolves n placements of a w x h mm seal into *out (malloc'd). A page
 * or keyword that does not exist is an error: never a guess. */
int eseal_spots_resolve(const eseal_spot_doc *doc, const eseal_placement *p, size_t n, double w,
			double h, eseal_spot **out, size_t *nout);

#endif
