/*
 * sample_internal.h - the format-neutral layout of the sample contract.
 */
#ifndef ESEAL_SAMPLE_INTERNAL_H
#define ESEAL_SAMPLE_INTERNAL_H

#include "eseal/sample.h"

/* One line of text: page (1-based), left x (mm; ignored when centred),
 * baseline-box top y (mm), font size (mm), UTF-8 text. */
typedef int (*sample_line_fn)(void *ctx, int page, double x, double y, double size,
			      const char *text, int centred);

void sample_defaults(eseal_sample_opts *o);
int sample_layout(const eseal_sample_opts *o, sample_line_fn emit, void *ctx);

/* Advance of one UTF-8 character in em: 1 for CJK and full-width, 0.5 else. */
double sample_char_advance(const char *s, size_t *len);

#endif
