/*
 * text.h - text with positions, the shape shared by OFD and PDF.
 *
 * Units are millimetres with the origin at the page's top-left corner, x to
 * the right and y down (OFD's convention); a box is (x, y, w, h) with (x, y)
 * its top-left corner. Placement and keyword search work on this model only.
 */
#ifndef ESEAL_TEXT_H
#define ESEAL_TEXT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct eseal_box {
	double x, y, w, h;
} eseal_box;

typedef struct eseal_text_char {
	uint32_t cp;        /* Unicode code point */
	eseal_box box;      /* the glyph's em box */
	double size;        /* font size in mm */
} eseal_text_char;

typedef struct eseal_text_line {
	eseal_text_char *chars;
	size_t nchars;
	eseal_box box;      /* union of the characters' boxes */
} eseal_text_line;

/* A ruling line or a filled rectangle (table borders, for form cells). */
typedef struct eseal_text_rule {
	eseal_box box;
} eseal_text_rule;

typedef struct eseal_text_page {
	int index;          /* 1-based */
	char *id;           /* OFD page object ID or PDF object number, as text */
	double width, height; /* page size in mm (after rotation and CropBox) */
	eseal_text_line *lines;
	size_t nlines;
	eseal_text_rule *rules;
	size_t nrules;
} eseal_text_page;

typedef struct eseal_text_doc {
	eseal_text_page *pages;
	size_t npages;
} eseal_text_doc;

/* An empty document (free with eseal_text_doc_free). A doc may also be
 * calloc'd by hand: eseal_text_doc_free frees every field with free(). */
int eseal_text_doc_new(eseal_text_doc **out);
void eseal_text_doc_free(eseal_text_doc *d);

/* Appends a page (index = npages + 1, id copied, size in mm) and returns it in
 * *out; the pointer stays valid until the next add_page on the same doc. */
int eseal_text_doc_add_page(eseal_text_doc *d, const char *id,
			    double width, double height, eseal_text_page **out);

/* Adds a character to a page under construction; lines are formed later by
 * eseal_text_page_finish (characters on one baseline, in reading order).
 * Until then the characters are held in lines[0] (nlines is 1), so a page
 * under construction must only be touched through these functions.
 * Line building: characters whose vertical centres are within half a glyph
 * height of a line and that overlap it vertically join it; lines run top to
 * bottom, characters left to right. Blanks inside a line are kept; blanks
 * at either end are trimmed and lines of blanks only are dropped. */
int eseal_text_page_add_char(eseal_text_page *p, uint32_t cp, eseal_box box, double size);
int eseal_text_page_add_rule(eseal_text_page *p, eseal_box box);
/* Groups the page's characters into lines (top to bottom, left to right). */
int eseal_text_page_finish(eseal_text_page *p);

/* UTF-8 text of a line (caller frees). */
char *eseal_text_line_utf8(const eseal_text_line *l);

/* {"pages":[{"page":1,"id":"1","width":210,"height":297,
 *   "lines":[{"text":"...","x":..,"y":..,"w":..,"h":..,
 *             "chars":[{"c":"你","x":..,"y":..,"w":..,"h":..,"size":..}]}],
 *   "rules":[{"x":..,"y":..,"w":..,"h":..}]}]}
 * Lengths in mm rounded to 0.01; "rules" only when the page has some;
 * with_chars = 0 leaves out the per-character boxes. */
int eseal_text_doc_json(const eseal_text_doc *d, int with_chars, eseal_buf *out);

/* A keyword occurrence: its page (1-based) and the box around it (the union
 * of the matched characters' boxes). A keyword may be split across text
 * objects and character runs of one line (OFD TextObject/TextCode, PDF Tj),
 * never across lines: a name broken over two lines is not found. */
typedef struct eseal_text_hit {
	int page;
	eseal_box box;
} eseal_text_hit;

/* All occurrences of a UTF-8 keyword, in reading order, without overlaps.
 * Whitespace is ignored on both sides and full-width ASCII forms match
 * their ASCII counterparts ("（盖章）" finds "(盖章)"). *hits is malloc'd
 * (NULL when there are none). */
int eseal_text_find(const eseal_text_doc *d, const char *keyword,
		    eseal_text_hit **hits, size_t *nhits);

#ifdef __cplusplus
}
#endif
#endif
