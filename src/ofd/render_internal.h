/*
 * render_internal.h - what the page renderer's files share: fonts
 * (render_font.c), resources (render_res.c), paths (render_path.c),
 * images (render_image.c, render_bmp.c) and seal pictures (render_stamp.c)
 * around the drawing code (render.c).
 * Not a public header.
 */
#ifndef ESEAL_RENDER_INTERNAL_H
#define ESEAL_RENDER_INTERNAL_H

#include <cairo.h>

#include "ofd/ofd_internal.h"

/* The faces tried for one OFD font, best first: an embedded font file,
 * the system font its name maps to, then CJK serif and sans. */
#define RFONT_FACES 4

typedef struct rfont {
	const eseal_ofd_res *res; /* NULL: no such resource */
	int bold, italic;
	cairo_font_face_t *face[RFONT_FACES];
	cairo_scaled_font_t *sf[RFONT_FACES]; /* at size 1, for glyph lookups */
	int nface;
} rfont;

typedef struct rfonts {
	rfont *v;
	size_t n;
} rfonts;

/* The font for a TextObject's Font ID (NULL: none given) and style; the
 * returned pointer lives until rfonts_free. NULL when no face at all can
 * be made (no fonts on the system). */
rfont *rfonts_get(rfonts *fs, const eseal_ofd *d, const char *font_id, int bold, int italic);
/* The glyph for code point c: which face (index into face[]) and its glyph
 * index, and its advance at size 1. 0, or -1 when no face has it. */
int rfont_glyph(rfont *f, uint32_t c, int *face, unsigned long *index, double *advance);
void rfonts_free(rfonts *fs);

/* Resources the renderer needs beyond eseal_ofd_res (render_res.c): the
 * DrawParam elements of the document and page resource files, and the
 * page's own MultiMedia. The XML stays loaded while drawing. */
typedef struct rres {
	xmlDocPtr *docs;
	char **bases;          /* per doc: canonical BaseLoc folder */
	size_t ndocs;
} rres;

/* Loads the document's PublicRes/DocumentRes and, when page_root is not
 * NULL, the page's PageRes (page_path: its Content.xml). Broken files are
 * skipped. */
int rres_load(rres *r, eseal_ofd *d, xmlNodePtr page_root, const char *page_path);
/* The DrawParam with this ID, NULL when none. */
xmlNodePtr rres_draw_param(const rres *r, const char *id);
/* The CompositeGraphicUnit with this ID, NULL when none. */
xmlNodePtr rres_composite(const rres *r, const char *id);
/* Canonical path of a MultiMedia file with this ID from the loaded files
 * (caller frees), NULL when none. */
char *rres_media_path(const rres *r, const char *id);
void rres_free(rres *r);

/* One rendering (render.c). */
typedef struct rctx {
	eseal_ofd *d;
	cairo_t *cr;
	rfonts fonts;
	size_t nobjs;
	int nesting;   /* OFD seal pictures being drawn around this page */
	rres res;      /* DrawParams and page MultiMedia of the page drawn */
	const char *dp; /* the enclosing Layer's DrawParam ID, or NULL */
} rctx;

/* Coordinates beyond a kilometre are nonsense, and far enough out they
 * would overflow cairo's matrices (which then refuse all further drawing). */
#define MAX_COORD 1e6

/* render.c: draws page i of d (its templates, content, annotations and
 * stamps) into c->cr, in millimetres from the page's top-left corner. */
int rdraw_page(rctx *c, eseal_ofd *d, size_t i);
/* render.c: a box within MAX_COORD. Negative sizes occur (rotated
 * watermarks): the box then lies the other way from its origin. */
int rbox_sane(const eseal_box *b);
/* render_stamp.c: the seal pictures of the StampAnnots on page p. */
void rdraw_stamps(rctx *c, const eseal_ofd_page *p);

/* render_path.c: adds AbbreviatedData to the current path (S/M move,
 * L line, Q quadratic, B cubic, A arc, C/Z close); stops at a bad token. */
void rpath_build(cairo_t *cr, const char *data);

/* render_image.c: a surface for PNG, JPEG or BMP bytes (NULL when they
 * cannot be decoded), and painting it over the unit square of the current
 * user space with the given alpha. */
cairo_surface_t *rimage_surface(const uint8_t *data, size_t len);
void rimage_paint_unit(cairo_t *cr, cairo_surface_t *sf, double alpha);

/* render_bmp.c: an uncompressed BMP (8, 24 or 32 bits) as straight RGBA,
 * width*height*4 bytes the caller frees. */
int rbmp_decode(uint8_t **rgba, int *w, int *h, const uint8_t *d, size_t len);

#endif
