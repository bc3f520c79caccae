/*
 * pdfsign_internal.h - the incremental-update writer and image objects used
 * by the PDF signer. The writer only appends: it never edits the bytes of
 * an earlier revision.
 */
#ifndef ESEAL_PDFSIGN_INTERNAL_H
#define ESEAL_PDFSIGN_INTERNAL_H

#include "pdf_internal.h"

typedef struct pdf_incr_ent {
	uint32_t num;
	uint16_t gen;
	uint64_t off;           /* file offset of "num gen obj" */
} pdf_incr_ent;

typedef struct pdf_incr {
	eseal_pdf *pdf;
	uint64_t base;          /* file offset where the update starts */
	eseal_buf out;          /* the update's bytes */
	pdf_incr_ent *ents;
	size_t n, cap;
	uint32_t next;          /* next free object number */
} pdf_incr;

void pdf_incr_init(pdf_incr *w, eseal_pdf *pdf, uint64_t base);
void pdf_incr_free(pdf_incr *w);
uint32_t pdf_incr_alloc(pdf_incr *w);
/* Writes "num gen obj\n" and records the offset. */
int pdf_incr_begin(pdf_incr *w, uint32_t num, uint16_t gen);
int pdf_incr_end(pdf_incr *w);
/* A whole stream object: dict_body goes between << and /Length. The data
 * is encrypted for encrypted documents. */
int pdf_incr_stream(pdf_incr *w, uint32_t num, const char *dict_body, const uint8_t *data, size_t n);
/* A string token for object num (encrypted when the document is). */
int pdf_incr_string(pdf_incr *w, eseal_buf *out, uint32_t num, uint16_t gen, const void *s, size_t n);
/* A value of the document re-serialized for object num (strings re-encrypted). */
int pdf_incr_value(pdf_incr *w, eseal_buf *out, const eseal_pdf_val *v, uint32_t num, uint16_t gen,
		   int depth);
/* Dict entries of d except the keys listed (NULL-terminated). */
int pdf_incr_dict_entries(pdf_incr *w, eseal_buf *out, const eseal_pdf_val *d, uint32_t num,
			  uint16_t gen, const char *const *skip);
/* Cross-reference section (table or stream, as the previous one) and trailer. */
int pdf_incr_finish(pdf_incr *w, uint64_t prev, int xref_stream);

/* image.c: the seal picture as image XObject(s); returns the image's number. */
int pdf_image_write(pdf_incr *w, const char *type, const uint8_t *data, size_t len, uint32_t *num);

#endif

/* sign_place.c: where the widgets go. A spot is the visible area of one
 * widget (mm, top-left of the visible page); the full seal picture is
 * drawn full_w wide starting clip_x to the left of the area's left edge
 * (non-zero for the slices of a cross-page seal). */
typedef struct pdf_spot {
	int page;               /* 1-based */
	eseal_box box;
	double clip_x, full_w;
} pdf_spot;

struct eseal_placement;
int pdf_place(eseal_pdf *pdf, const struct eseal_placement *p, size_t n, double w, double h,
	      pdf_spot **out, size_t *nout);
/* The widget /Rect (default user space) of a visible-page box. */
void pdf_box_to_rect(const eseal_pdf_page_info *pg, eseal_box b, double rect[4]);
/* The appearance /Matrix that keeps the seal upright on a rotated page. */
void pdf_rotate_matrix(int rotate, double m[6]);
