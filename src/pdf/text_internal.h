/*
 * text_internal.h - fonts, CMaps and the content-stream interpreter used
 * for text extraction.
 *
 * Fonts are read only for what text needs (codes, Unicode, advances, the
 * em box); glyph outlines are never parsed.
 */
#ifndef ESEAL_PDF_TEXT_INTERNAL_H
#define ESEAL_PDF_TEXT_INTERNAL_H

#include "pdf_internal.h"
#include "eseal/text.h"

enum { PDF_ENC_STANDARD, PDF_ENC_WINANSI, PDF_ENC_MACROMAN };

uint32_t pdf_glyph_unicode(const char *name);
void pdf_encoding_base(int which, uint32_t out[256]);
double pdf_std_width(const char *basefont, uint32_t cp);
uint32_t pdf_unicode_fold(uint32_t cp);
uint32_t pdf_dingbats_unicode(uint8_t c);

/* ---- CMaps (ToUnicode and CID encodings) ---- */
typedef struct pdf_cmap_range {
	uint32_t lo, hi;
	uint32_t dst;           /* first CID, or index into the Unicode pool */
	uint8_t dstlen;         /* Unicode code points (0 for CID ranges) */
	uint8_t inc;            /* 1: dst's last code point grows with the code */
} pdf_cmap_range;

typedef struct pdf_cmap {
	struct { uint8_t n; uint32_t lo, hi; } space[16];
	int nspace;
	pdf_cmap_range *r;
	size_t nr, capr;
	uint32_t *pool;
	size_t npool, cappool;
	int sorted;
} pdf_cmap;

int pdf_cmap_parse(pdf_cmap *cm, const uint8_t *p, size_t n);
void pdf_cmap_free(pdf_cmap *cm);
/* Length in bytes of the code starting at s (by codespace ranges). */
int pdf_cmap_code_len(const pdf_cmap *cm, const uint8_t *s, size_t n);
/* Unicode of a code: up to max code points into out; 0 when unmapped. */
int pdf_cmap_unicode(const pdf_cmap *cm, uint32_t code, uint32_t *out, int max);
/* CID of a code (for CID encodings); -1 when unmapped. */
int64_t pdf_cmap_cid(const pdf_cmap *cm, uint32_t code);

/* ---- fonts ---- */
enum { FONT_SIMPLE, FONT_TYPE3, FONT_TYPE0 };

typedef struct pdf_font {
	const eseal_pdf_val *dict;
	int kind;
	char basefont[64];
	/* simple fonts */
	uint32_t uni[256];
	double width[256];      /* glyph units of 1/1000 em (Type3: glyph space) */
	/* Type0 */
	int identity;           /* Identity-H/V: code = CID, 2 bytes */
	int ucs2;               /* predefined UCS2/UTF16 CMap: code is Unicode */
	int euc;                /* predefined EUC/GBK-style CMap: 1 byte below 0x81 */
	int vertical;
	pdf_cmap *encoding;     /* embedded CMap */
	struct { uint32_t lo, hi; double w; } *cidw;
	size_t ncidw;
	double dw;
	/* both */
	pdf_cmap *tounicode;
	double fm[6];           /* Type3 FontMatrix */
	double ascent, descent; /* em fractions above / below the baseline */
	double up;              /* Type3: +1 or -1, which text-space y is "up" */
	struct pdf_font *next;
} pdf_font;

typedef struct pdf_glyph {
	uint32_t code;
	int nbytes;
	uint32_t cp[8];
	int ncp;
	double w;               /* advance in text space units per unit font size */
} pdf_glyph;

int pdf_font_load(eseal_pdf *pdf, const eseal_pdf_val *dict, pdf_font **out);
void pdf_font_free(pdf_font *f);
/* Decodes the next glyph of a shown string; returns bytes consumed (>0). */
int pdf_font_next(const pdf_font *f, const uint8_t *s, size_t n, pdf_glyph *g);

/* ---- interpreter ---- */
typedef struct pdf_text_ctx {
	eseal_pdf *pdf;
	eseal_text_page *page;
	double pm[6];           /* user space -> mm, top-left origin */
	double page_w, page_h;
	pdf_font *fonts;        /* cache */
	int xobj_depth;
	const eseal_pdf_val *xobj_stack[PDF_MAX_XOBJ_DEPTH + 1];
	size_t ops;             /* operators run on this page */
} pdf_text_ctx;

int pdf_content_run(pdf_text_ctx *c, const uint8_t *p, size_t n, const eseal_pdf_val *resources,
		    const double ctm[6]);
void pdf_mat_mul(const double a[6], const double b[6], double out[6]);

#endif
