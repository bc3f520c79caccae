/*
 * ending.c - documents that end with the issuer's name over a date:
 * official documents (GB/T 9704 §7.3.5.1: centred on the date line, pressed
 * down so that 署名 and 成文日期 sit in the seal's lower half) and
 * certificates / letters (over the name and date at the bottom right).
 *
 * Never takes the 版记 line ("…办公室2025年6月23日印发") or a date inside
 * body text: only a line holding a date alone, under a short name line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place_internal.h"

/* Segments of a line: runs of glyphs without a wide gap, so two-column
 * endings ("甲方名称 … 乙方名称" on one line) are read column by column. */
#define MAXSEG 8
static size_t segments(const pl_line *l, pl_line *seg)
{
	size_t n = 0, a = 0;
	for (size_t i = 1; i <= l->n && n < MAXSEG; i++) {
		int cut = i == l->n;
		if (!cut) {
			const eseal_box *p = &l->src->chars[l->ci[i - 1]].box;
			const eseal_box *q = &l->src->chars[l->ci[i]].box;
			cut = q->x - (p->x + p->w) > 2.5 * (q->h > 0 ? q->h : 4);
		}
		if (cut) {
			seg[n] = *l;
			seg[n].cp = l->cp + a;
			seg[n].ci = l->ci + a;
			seg[n].n = i - a;
			n++;
			a = i;
		}
	}
	return n;
}

typedef struct block {
	eseal_box name, date;
	int page;
	pl_line nseg, dseg;
} block;

/* The best (name, date) pair: a date-only segment right under a short
 * segment; the name equal to the organisation scores highest. */
static int find_block(const pl_doc *d, const char *orgs, block *out, double *score)
{
	uint32_t org[128];
	size_t norg = pl_utf32(orgs ? orgs : "", org, 128);
	double best = 0;
	for (size_t i = 1; i < d->n; i++) {
		pl_line ds[MAXSEG], us[MAXSEG];
		const pl_line *dl = &d->lines[i], *ul = &d->lines[i - 1];
		if (ul->page != dl->page)
			continue;
		size_t nd = segments(dl, ds), nu = segments(ul, us);
		for (size_t j = 0; j < nd; j++) {
			const pl_line *l = &ds[j];
			if (!pl_is_date(l))
				continue;
			eseal_box b = pl_span_box(l, 0, l->n);
			for (size_t k = 0; k < nu; k++) {
				const pl_line *u = &us[k];
				if (u->n < 2 || u->n > 40 || pl_is_date(u))
					continue;
				eseal_box a = pl_span_box(u, 0, u->n);
				double gap = b.y - (a.y + a.h);
				if (gap < -0.5 || gap > 2.5 * b.h)
					continue;
				/* the two overlap horizontally (stacked block) */
				if (a.x > b.x + b.w || b.x > a.x + a.w)
					continue;
				uint32_t last = u->cp[u->n - 1];
				if (last == 0x3002 || last == 0xff0c || last == 0xff1a)
					continue;
				double sc = 0.55;
				if (norg && u->n == norg && pl_find32(u, org, norg, 0) == 0)
					sc = 1.0;
				else if (norg && pl_find32(u, org, norg, 0) >= 0)
					sc = 0.8;
				/* right half of the page, lower part: where endings live */
				const eseal_text_page *pg = pl_page(d, l->page);
				if (pg && b.x + b.w / 2 < pg->width * 0.45 && sc < 1.0)
					sc -= 0.2;
				if (sc >= best) {
					best = sc;
					out->name = a;
					out->date = b;
					out->page = l->page;
					out->nseg = *u;
					out->dseg = *l;
				}
			}
		}
	}
	*score = best;
	return best > 0;
}

static char *seg_text(const pl_line *l)
{
	eseal_text_line one = *l->src;
	one.chars = &l->src->chars[l->ci[0]];
	one.nchars = l->ci[l->n - 1] - l->ci[0] + 1;
	return eseal_text_line_utf8(&one);
}

int pl_official(const pl_doc *d, const eseal_place_request *req, pl_cands *out)
{
	block bl;
	double sc;
	if (!find_block(d, req->org, &bl, &sc))
		return 0;
	pl_cand *c = pl_cands_add(out);
	if (!c)
		return ESEAL_ENOMEM;
	const eseal_box *a = &bl.name, *b = &bl.date;
	c->page = bl.page;
	c->x = b->x + b->w / 2;
	c->y = (a->y + b->y + b->h) / 2 - 4;
	c->seal_type = pl_seal_for(PL_OFFICIAL, req->seals);
	c->score = sc;
	c->f[0] = sc;
	char *dt = seg_text(&bl.dseg);
	snprintf(c->reason, sizeof c->reason,
		 "official document (GB/T 9704): centred on the date line \"%s\", pressing down the issuer's "
		 "name and date on page %d",
		 dt ? dt : "?", c->page);
	snprintf(c->reason_zh, sizeof c->reason_zh, "公文（GB/T 9704）：第%d页居中下压发文机关署名和成文日期“%s”",
		 c->page, dt ? dt : "?");
	free(dt);
	return 0;
}

int pl_certificate(const pl_doc *d, const eseal_place_request *req, pl_cands *out)
{
	block bl;
	double sc;
	if (!find_block(d, req->org, &bl, &sc))
		return 0;
	pl_cand *c = pl_cands_add(out);
	if (!c)
		return ESEAL_ENOMEM;
	const eseal_box *a = &bl.name, *b = &bl.date;
	const eseal_box *w = a->w >= b->w ? a : b;
	c->page = bl.page;
	c->x = w->x + w->w / 2;
	c->y = (a->y + b->y + b->h) / 2;
	c->seal_type = pl_seal_for(PL_CERTIFICATE, req->seals);
	c->score = sc;
	c->f[0] = sc;
	char *nm = seg_text(&bl.nseg);
	snprintf(c->reason, sizeof c->reason,
		 "certificate/letter: over the issuer's name \"%s\" and the date at the end, page %d", nm ? nm : "?",
		 c->page);
	snprintf(c->reason_zh, sizeof c->reason_zh, "证明/介绍信：盖于第%d页落款单位“%s”及日期之上", c->page,
		 nm ? nm : "?");
	free(nm);
	return 0;
}
