/*
 * picture.h - seal pictures (印模): draw the standard impression of a seal
 * from its text, lift a real impression from a scan, and read the size of a
 * picture so a seal can record it.
 *
 * A picture must print at the physical size of the seal (LD/T 01.1 §7.4.1):
 * every PNG written here carries a pHYs chunk, so width_px / dots-per-mm is
 * the seal's size in millimetres.
 */
#ifndef ESEAL_PICTURE_H
#define ESEAL_PICTURE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	ESEAL_PICTURE_ROUND = 0,  /* company seals: ring, star, name on the upper arc */
	ESEAL_PICTURE_OVAL = 1,   /* finance and invoice seals: name arc, tax number line */
	ESEAL_PICTURE_SQUARE = 2, /* personal seals: 2 to 4 characters */
} eseal_picture_shape;

/* Default ink colour (0xRRGGBB) and resolution. */
#define ESEAL_PICTURE_RED 0xE60012u
#define ESEAL_PICTURE_DPI 400.0

/* What to draw. Zero-initialise and fill in; zero fields take defaults. */
typedef struct eseal_picture_spec {
	eseal_picture_shape shape;
	const char *org;      /* UTF-8: organisation name (square: the person's name) */
	const char *title;    /* UTF-8: 合同专用章 ... (round: under the star; oval: bottom line) */
	const char *code;     /* round: lower arc (seal code); oval: tax number line */
	double width_mm;      /* 0 = 42 round, 40 oval, 18 square */
	double height_mm;     /* 0 = width for round/square, 30 for oval */
	uint32_t color;       /* 0xRRGGBB; 0 = ESEAL_PICTURE_RED */
	double dpi;           /* 0 = ESEAL_PICTURE_DPI */
	int no_border;        /* square only: 1 = no frame */
	const char *font;     /* font file (.ttf/.otf/.ttc); NULL = $ESEAL_FONT, then a system CJK font */
} eseal_picture_spec;

/* Where the drawing code put each character, in pixels of the PNG (for
 * checks and previews). quad lists the corners of the glyph's ink box
 * (top-left, top-right, bottom-right, bottom-left in the glyph's own frame). */
enum { ESEAL_GLYPH_ORG = 1, ESEAL_GLYPH_TITLE = 2, ESEAL_GLYPH_CODE = 3 };

#define ESEAL_PICTURE_MAX_GLYPHS 96

typedef struct eseal_picture_glyph {
	int role;              /* ESEAL_GLYPH_* */
	uint32_t codepoint;
	double cx, cy;         /* position the glyph was centred on */
	double angle;          /* rotation, radians clockwise; 0 = upright */
	double quad[4][2];
} eseal_picture_glyph;

typedef struct eseal_picture_layout {
	int width_px, height_px;
	double dpi;
	double cx, cy;             /* centre of the seal */
	double star_r;             /* circumradius of the star (0: no star) */
	double ring_outer, ring_inner; /* round: radii of the ring (oval: semi-axis x) */
	size_t nglyphs;
	eseal_picture_glyph glyphs[ESEAL_PICTURE_MAX_GLYPHS];
} eseal_picture_layout;

/*
 * Draws a seal picture. png receives an RGBA PNG (transparent outside the
 * ink, pHYs set to spec->dpi); svg, when not NULL, receives the same picture
 * as SVG with text as outlines; layout, when not NULL, is filled in.
 * Errors: ESEAL_EINVAL (empty text, size out of range, text that cannot fit),
 * ESEAL_ENOTFOUND (no CJK font, or a character missing from the font).
 */
int eseal_picture_draw(eseal_buf *png, const eseal_picture_spec *spec, eseal_buf *svg,
		       eseal_picture_layout *layout);

/* Options and results of eseal_picture_import (all optional). */
typedef struct eseal_picture_import_opts {
	double size_mm;   /* width of the seal; 0 = keep the scan's resolution (300 dpi if unknown) */
	uint32_t color;   /* ink colour of the result; 0 = ESEAL_PICTURE_RED */
} eseal_picture_import_opts;

typedef struct eseal_picture_import_info {
	int x, y, width, height; /* crop rectangle in the scan, pixels */
	double dpi;              /* resolution written to the result */
	size_t ink_pixels;       /* pixels kept as ink */
} eseal_picture_import_info;

/*
 * Lifts the red impression out of a scan or photo (PNG, or JPEG when built
 * with libjpeg): evens out paper tint and lighting, keeps red ink and drops
 * black or grey print, keeps the seal and what lies within it, and crops.
 * png receives an RGBA PNG in one uniform ink colour with anti-aliased
 * alpha. Errors: ESEAL_EFORMAT (not an image), ESEAL_ENOTFOUND (no red
 * impression), ESEAL_ELIMIT (image too large), ESEAL_EINVAL.
 */
int eseal_picture_import(eseal_buf *png, const uint8_t *scan, size_t len,
			 const eseal_picture_import_opts *opts, eseal_picture_import_info *info);

/* Size and resolution of a picture file (PNG or JPEG); what `seal make` records. */
typedef struct eseal_picture_info {
	char type[8];             /* "png" or "jpg" (SES_ESPictrueInfo.type) */
	int width_px, height_px;
	double dpi_x, dpi_y;      /* 0 when the file does not say */
	double width_mm, height_mm; /* 0 when the file does not say */
} eseal_picture_info;

int eseal_picture_info_get(eseal_picture_info *out, const uint8_t *data, size_t len);

/* PNG helpers (8-bit RGBA, not premultiplied). decode returns a malloc'd
 * buffer of width*height*4 bytes; dpi may be NULL (0 when no pHYs). */
int eseal_png_decode(uint8_t **rgba, int *width, int *height, double *dpi,
		     const uint8_t *png, size_t len);
int eseal_png_encode(eseal_buf *png, const uint8_t *rgba, int width, int height, double dpi);

#ifdef __cplusplus
}
#endif
#endif
