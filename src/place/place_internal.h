/*
 * place_internal.h - shared pieces of the placement engine: a normalised
 * view of the text (code points without blanks, mapped back to characters),
 * the candidate type the conventions produce, and the convention entry points.
 *
 * Never exported: the public surface is include/eseal/place.h.
 */
#ifndef ESEAL_PLACE_INTERNAL_H
#define ESEAL_PLACE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "eseal/place.h"

/* One line: normalised code points (blanks dropped, ASCII ( ) : mapped to
 * their full-width forms) and, for each, the index of its character. */
typedef struct pl_line {
	const eseal_text_line *src;
	int page;               /* 1-based */
	uint32_t *cp;
	size_t *ci;
	size_t n;
} pl_line;

typedef struct pl_doc {
	const eseal_text_doc *doc;
	pl_line *lines;         /* all pages, in reading order */
	size_t n;
} pl_doc;

int pl_doc_build(const eseal_text_doc *doc, pl_doc *out);
void pl_doc_free(pl_doc *d);

/* UTF-8 to normalised code points; returns the count (at most max). */
size_t pl_utf32(const char *s, uint32_t *out, size_t max);
/* First index >= from where needle occurs in the line, or -1. */
long pl_find(const pl_line *l, const char *needle, size_t from);
long pl_find32(const pl_line *l, const uint32_t *nd, size_t nn, size_t from);
/* Box of the characters of normalised positions [a, b). */
eseal_box pl_span_box(const pl_line *l, size_t a, size_t b);
/* Vertical centre of a span (the middle of its glyph boxes). */
double pl_span_cy(const pl_line *l, size_t a, size_t b);
const eseal_text_page *pl_page(const pl_doc *d, int page);
/* The line holds a date only (2024年6月1日, 二〇二四年八月十五日, 2024-06-01). */
int pl_is_date(const pl_line *l);
int pl_is_seal_word_at(const pl_line *l, size_t i, size_t *len);
void pl_label_span(const pl_line *l, size_t i, size_t n, size_t *s, size_t *e);
/* Next seal label at or after from: span [s, e), seal word at *w. */
int pl_seal_label(const pl_line *l, size_t from, size_t *s, size_t *e, size_t *w);
/* Line contains the UTF-8 text (normalised). */
static inline int pl_has(const pl_line *l, const char *s) { return pl_find(l, s, 0) >= 0; }

/* A proposed seal from one convention, before ranking. */
typedef struct pl_cand {
	int page;
	double x, y;
	const char *seal_type;
	double score;           /* convention's own evidence, 0..1 */
	double f[8];            /* features for the ranker (see place.c) */
	char reason[320];
	char reason_zh[320];
} pl_cand;

typedef struct pl_cands {
	pl_cand *v;
	size_t n, cap;
} pl_cands;

pl_cand *pl_cands_add(pl_cands *c);
void pl_cands_free(pl_cands *c);

/* Document classes. */
enum { PL_UNKNOWN, PL_OFFICIAL, PL_CONTRACT, PL_CERTIFICATE, PL_FORM, PL_RECEIPT, PL_HABIT };
const char *pl_class_name(int cls);
int pl_classify(const pl_doc *d, const char *org);

/* Conventions: each appends candidates (0, or ESEAL_ENOMEM). */
int pl_official(const pl_doc *d, const eseal_place_request *req, pl_cands *out);
int pl_certificate(const pl_doc *d, const eseal_place_request *req, pl_cands *out);
int pl_contract(const pl_doc *d, const eseal_place_request *req, pl_cands *out);
int pl_form(const pl_doc *d, const eseal_place_request *req, pl_cands *out);
int pl_receipt(const pl_doc *d, const eseal_place_request *req, pl_cands *out);
/* Template memory: reproduces the history's habit; 0 candidates when the
 * history shows no consistent anchor for this layout. */
int pl_habit(const pl_doc *d, const eseal_place_request *req, pl_cands *out);

/* Seal type for a class from the owned set. */
const char *pl_seal_for(int cls, unsigned owned);

/* Ranker: a logistic score over candidate features. */
double pl_rank_score(const pl_cand *c);

#endif
