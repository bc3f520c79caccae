/*
 * picture_internal.h - shared pieces of the seal picture drawer: the font,
 * glyph placement, and the per-shape drawing functions.
 *
 * Drawing happens in millimetres; the caller's cairo transform maps them to
 * pixels (PNG) or points (SVG), so both outputs come from the same code.
 */
#ifndef ESEAL_PICTURE_INTERNAL_H
#define ESEAL_PICTURE_INTERNAL_H

#include <cairo.h>

#include "eseal/picture.h"

typedef struct pic_font pic_font;

/* Box of a glyph's ink, in em units (y down, baseline at 0). */
typedef struct pic_box {
	double x0, y0, x1, y1;
} pic_box;

int pic_font_open(pic_font **out, const char *path);
void pic_font_close(pic_font *f);
const char *pic_font_path(const pic_font *f);
cairo_font_face_t *pic_font_face(pic_font *f);

/* Decodes UTF-8 into at most max code points; rejects bad UTF-8 and control
 * characters, trims surrounding spaces. Returns the count or a negative code. */
int pic_utf8_decode(uint32_t *out, size_t max, const char *s, const char *what);

/* One glyph ready to draw: ink box (em), em size (mm) and horizontal scale,
 * the vertical centre of its line (em), and where it goes. */
typedef struct pic_place {
	int role;
	uint32_t cp;
	unsigned long index;
	pic_box box;
	double em, xscale;
	double band_cy;
	double cx, cy, angle;
} pic_place;

/* A line of text measured in the font: glyph indexes and ink boxes, the
 * line's vertical band and the widest glyph (em units). */
typedef struct pic_line {
	size_t n;
	uint32_t cp[ESEAL_PICTURE_MAX_GLYPHS];
	unsigned long index[ESEAL_PICTURE_MAX_GLYPHS];
	pic_box box[ESEAL_PICTURE_MAX_GLYPHS];
	double band_y0, band_y1;
	double max_w;
} pic_line;

int pic_line_measure(pic_line *l, pic_font *f, const uint32_t *cps, size_t n);

typedef struct pic_ctx {
	cairo_t *cr;           /* NULL while only laying out */
	double r, g, b;        /* ink */
	pic_font *font;
	double w_mm, h_mm;
	double px_per_mm;
	double off_x, off_y;   /* pixel offset that centres the seal in the image */
	eseal_picture_layout *layout; /* may be NULL */
	pic_place places[ESEAL_PICTURE_MAX_GLYPHS];
	size_t nplaces;
} pic_ctx;

/* Corners of a placed glyph's ink box in millimetres. */
void pic_place_quad(const pic_place *p, double q[4][2]);
/* 1 when the ink boxes of a and b overlap (or come closer than gap mm). */
int pic_quads_overlap(const double a[4][2], const double b[4][2], double gap);
/* 1 when any two of places[from..to) overlap. */
int pic_places_overlap(const pic_ctx *c, size_t from, size_t to, double gap);
/* The same, only between glyphs of different roles when cross_only. */
int pic_places_overlap_ex(const pic_ctx *c, size_t from, size_t to, double gap, int cross_only);
int pic_add_place(pic_ctx *c, const pic_place *p);
/* Draws every placed glyph and records the layout. */
int pic_draw_places(pic_ctx *c);

/* Text along an arc of the ellipse with semi-axes (a, b) centred at
 * (cx, cy): the centres of the glyphs lie on the ellipse, evenly spaced by
 * arc length over span radians of the parameter t (t = 0 at the top, x =
 * a sin t, y = -b cos t). bottom: text on the lower arc read left to right
 * with tops towards the centre. height is the band height in mm; xscale
 * the horizontal scale. */
int pic_text_arc(pic_ctx *c, int role, const pic_line *l, double cx, double cy,
		 double a, double b, double span, int bottom, double height, double xscale);
/* A straight horizontal line centred on (cx, cy), glyph pitch in mm. */
int pic_text_line(pic_ctx *c, int role, const pic_line *l, double cx, double cy,
		  double height, double pitch, double xscale);

/* Shapes. Each lays out its glyphs (fitting them without overlap) and,
 * when c->cr is set, draws. */
int pic_draw_round(pic_ctx *c, const eseal_picture_spec *s);
int pic_draw_oval(pic_ctx *c, const eseal_picture_spec *s);
int pic_draw_square(pic_ctx *c, const eseal_picture_spec *s);

/* Five-pointed star, one point straight up. */
void pic_star_path(cairo_t *cr, double cx, double cy, double r);

/* JPEG (jpeg_io.c): header facts without libjpeg; decoding needs it. */
int pic_jpeg_header(int *w, int *h, double *dpi_x, double *dpi_y, const uint8_t *d, size_t len);
int pic_jpeg_decode(uint8_t **rgba, int *w, int *h, double *dpi, const uint8_t *d, size_t len);

/* PNG with pixels per metre given per axis (0: no pHYs). */
int pic_png_encode(eseal_buf *out, const uint8_t *rgba, int width, int height,
		   uint32_t ppm_x, uint32_t ppm_y);

/* Largest image accepted, in pixels per side and in total. */
#define PIC_MAX_SIDE 16384
#define PIC_MAX_PIXELS (64u * 1024u * 1024u)

#endif
