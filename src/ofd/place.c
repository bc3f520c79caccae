/*
 * place.c - turns placements (page + centre, keyword, cross-page) into the
 * StampAnnots of one signature, in page coordinates (mm, top-left origin),
 * through the format-neutral resolver (text/spots.h). A cross-page slice
 * keeps the full-size Boundary and a Clip selecting its part (formats.md
 * §4.6). Also the page-range parser the placements share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofd/sign_internal.h"
#include "text/spots.h"

void ofd_fmt_mm(char out[32], double v)
{
	if (v > -0.0005 && v < 0.0005)
		v = 0;
	snprintf(out, 32, "%.3f", v);
	for (char *p = out; *p; p++)
		if (*p == ',')
			*p = '.';
	char *e = out + strlen(out) - 1;
	while (e > out && *e == '0')
		*e-- = 0;
	if (*e == '.')
		*e = 0;
}

int eseal_page_range_parse(const char *s, int npages, int **pages, size_t *n)
{
	*pages = NULL;
	*n = 0;
	if (npages <= 0)
		return eseal_error_set(ESEAL_EINVAL, "the document has no pages");
	char *mark = calloc((size_t)npages + 1, 1);
	if (!mark)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (!s || !*s || !strcmp(s, "all")) {
		memset(mark + 1, 1, (size_t)npages);
	} else {
		const char *p = s;
		while (*p) {
			char *end;
			long a = strtol(p, &end, 10), b;
			if (end == p)
				goto bad;
			p = end;
			if (*p == '-') {
				p++;
				if (*p == ',' || !*p) {
					b = npages;
				} else {
					b = strtol(p, &end, 10);
					if (end == p)
						goto bad;
					p = end;
				}
			} else {
				b = a;
			}
			if (a < 1 || b < a || b > npages) {
				free(mark);
				return eseal_error_set(ESEAL_EINVAL, "page range '%s': pages run 1 to %d", s, npages);
			}
			for (long i = a; i <= b; i++)
				mark[i] = 1;
			if (*p == ',')
				p++;
			else if (*p)
				goto bad;
		}
	}
	int *out = malloc(sizeof *out * (size_t)npages);
	if (!out) {
		free(mark);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	for (int i = 1; i <= npages; i++)
		if (mark[i])
			out[(*n)++] = i;
	free(mark);
	*pages = out;
	return 0;
bad:
	free(mark);
	return eseal_error_set(ESEAL_EINVAL, "page range '%s' is not like \"1-3,5\"", s);
}

static int page_size(void *ctx, int page, double *w, double *h)
{
	const eseal_ofd_page *pg = eseal_ofd_page_at(ctx, (size_t)page - 1);
	*w = pg->physical.w;
	*h = pg->physical.h;
	return 0;
}

static int text(void *ctx, eseal_text_doc **out)
{
	return eseal_ofd_text(out, ctx);
}

int ofd_place(eseal_ofd *d, const eseal_placement *p, size_t n, double w, double h,
	      eseal_ofd_placed **out, size_t *nout)
{
	eseal_spot_doc doc = { eseal_ofd_page_count(d), page_size, text, d };
	eseal_spot *s;
	size_t ns;
	int rc = eseal_spots_resolve(&doc, p, n, w, h, &s, &ns);
	if (rc)
		return rc;
	eseal_ofd_placed *v = calloc(ns ? ns : 1, sizeof *v);
	if (!v) {
		free(s);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ns; i++) {
		const eseal_ofd_page *pg = eseal_ofd_page_at(d, (size_t)s[i].page - 1);
		v[i].page = pg->index;
		snprintf(v[i].page_id, sizeof v[i].page_id, "%s", pg->id ? pg->id : "");
		v[i].boundary = s[i].box;
		if (s[i].sliced) {
			v[i].has_clip = 1;
			v[i].clip = (eseal_box){ s[i].slice_x, 0, s[i].slice_w, h };
		}
	}
	free(s);
	*out = v;
	*nout = ns;
	return 0;
}
