/*
 * text_lines.c - groups a page's characters into lines in reading order.
 *
 * Works only on boxes (no font metrics): a character joins the line whose
 * vertical centre is closest, if that centre is within half a glyph height
 * and the boxes overlap vertically. It must never drop or invent visible
 * characters: each one ends up in exactly one line (blanks at the ends of a
 * line are trimmed, and lines of blanks only are dropped).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/text.h"

typedef struct {
	double cy;  /* mean vertical centre of the line's characters */
	double gh;  /* tallest glyph so far */
	size_t n;
} line_acc;

static int cmp_cy(const void *a, const void *b)
{
	const eseal_text_char *x = a, *y = b;
	double cx = x->box.y + x->box.h / 2, cy = y->box.y + y->box.h / 2;
	if (cx != cy)
		return cx < cy ? -1 : 1;
	return (x->box.x > y->box.x) - (x->box.x < y->box.x);
}

static int cmp_x(const void *a, const void *b)
{
	const eseal_text_char *x = a, *y = b;
	return (x->box.x > y->box.x) - (x->box.x < y->box.x);
}

static int cmp_line(const void *a, const void *b)
{
	const eseal_text_line *x = a, *y = b;
	if (x->box.y != y->box.y)
		return x->box.y < y->box.y ? -1 : 1;
	return (x->box.x > y->box.x) - (x->box.x < y->box.x);
}

static eseal_box box_union(eseal_box a, eseal_box b)
{
	double x0 = fmin(a.x, b.x), y0 = fmin(a.y, b.y);
	double x1 = fmax(a.x + a.w, b.x + b.w), y1 = fmax(a.y + a.h, b.y + b.h);
	return (eseal_box){ x0, y0, x1 - x0, y1 - y0 };
}

static int blank(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B);
}

/* Sorts a line's characters left to right, trims blanks at both ends (they
 * are invisible, so they must not widen the box) and sets its box. */
static void line_close(eseal_text_line *l)
{
	/* qsort is not stable; equal x keeps no particular order, which only
	 * matters for overprinted glyphs. */
	if (l->nchars > 1)
		qsort(l->chars, l->nchars, sizeof *l->chars, cmp_x);
	size_t a = 0;
	while (a < l->nchars && blank(l->chars[a].cp))
		a++;
	while (l->nchars > a && blank(l->chars[l->nchars - 1].cp))
		l->nchars--;
	memmove(l->chars, l->chars + a, (l->nchars - a) * sizeof *l->chars);
	l->nchars -= a;
	if (l->nchars == 0)
		return;
	l->box = l->chars[0].box;
	for (size_t i = 1; i < l->nchars; i++)
		l->box = box_union(l->box, l->chars[i].box);
}

int eseal_text_page_finish(eseal_text_page *p)
{
	if (p->nlines == 0)
		return 0;
	if (p->nlines > 1) /* already finished */
		return 0;
	eseal_text_char *all = p->lines[0].chars;
	size_t n = p->lines[0].nchars;
	if (n == 0) {
		free(all);
		free(p->lines);
		p->lines = NULL;
		p->nlines = 0;
		return 0;
	}
	if (n > 1)
		qsort(all, n, sizeof *all, cmp_cy);
	double maxh = 0;
	for (size_t i = 0; i < n; i++)
		if (all[i].box.h > maxh)
			maxh = all[i].box.h;

	/* Pass 1: assign each character a line number. Characters come in
	 * order of vertical centre, so a line that lies entirely above the
	 * current centre by more than the tallest glyph can never take another
	 * character: it is retired, which keeps the scan short. */
	size_t *owner = malloc(n * sizeof *owner);
	line_acc *acc = malloc(n * sizeof *acc);
	size_t *open = malloc(n * sizeof *open);
	if (!owner || !acc || !open) {
		free(owner);
		free(acc);
		free(open);
		return eseal_error_set(ESEAL_ENOMEM, "text: out of memory");
	}
	size_t nacc = 0, nopen = 0;
	for (size_t i = 0; i < n; i++) {
		const eseal_box *b = &all[i].box;
		double h = b->h > 0 ? b->h : 0;
		double cy = b->y + h / 2;
		size_t best = SIZE_MAX;
		double bestd = INFINITY;
		size_t k = 0;
		for (size_t j = 0; j < nopen; j++) {
			line_acc *a = &acc[open[j]];
			if (a->cy + a->gh / 2 < cy - maxh)
				continue;
			open[k++] = open[j];
			/* Measured against the line's glyph height, not its
			 * extent, so a line cannot grow to swallow its
			 * neighbours one slightly lower glyph at a time. */
			double d = fabs(a->cy - cy);
			double tol = (h > a->gh ? h : a->gh) / 2;
			int overlap = b->y <= a->cy + a->gh / 2 && b->y + h >= a->cy - a->gh / 2;
			if (d <= tol && overlap && d < bestd) {
				bestd = d;
				best = open[j];
			}
		}
		nopen = k;
		if (best == SIZE_MAX) {
			best = nacc++;
			acc[best] = (line_acc){ cy, h, 0 };
			open[nopen++] = best;
		} else {
			line_acc *a = &acc[best];
			/* The centre follows the line's characters on average so a
			 * long line with slightly varying glyph sizes stays one. */
			a->cy = (a->cy * (double)a->n + cy) / (double)(a->n + 1);
			a->gh = fmax(a->gh, h);
		}
		acc[best].n++;
		owner[i] = best;
	}
	free(open);

	/* Pass 2: gather each line's characters into its own array. */
	eseal_text_line *lines = calloc(nacc, sizeof *lines);
	int rc = 0;
	if (!lines) {
		rc = eseal_error_set(ESEAL_ENOMEM, "text: out of memory");
		goto out;
	}
	for (size_t j = 0; j < nacc; j++) {
		lines[j].chars = malloc(acc[j].n * sizeof *lines[j].chars);
		if (!lines[j].chars) {
			for (size_t m = 0; m < j; m++)
				free(lines[m].chars);
			free(lines);
			rc = eseal_error_set(ESEAL_ENOMEM, "text: out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		eseal_text_line *l = &lines[owner[i]];
		l->chars[l->nchars++] = all[i];
	}
	size_t kept = 0;
	for (size_t j = 0; j < nacc; j++) {
		line_close(&lines[j]);
		if (lines[j].nchars == 0)
			free(lines[j].chars);
		else
			lines[kept++] = lines[j];
	}
	nacc = kept;
	if (nacc == 0) {
		free(lines);
		lines = NULL;
	}
	if (nacc > 1)
		qsort(lines, nacc, sizeof *lines, cmp_line);
	free(all);
	free(p->lines);
	p->lines = lines;
	p->nlines = nacc;
out:
	free(owner);
	free(acc);
	return rc;
}
