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

/* The best (name line, date line) pair: a date-only line right under a short
 * line; the name equal to the organisation scores highest. */
static int find_block(const pl_doc *d, const char *orgs, const pl_line **name, const pl_line **date,
		      double *score)
{
	uint32_t org[128];
	size_t norg = pl_utf32(orgs ? orgs : "", org, 128);
	double best = 0;
	for (size_t i = 1; i < d->n; i++) {
		const pl_line *l = &d->lines[i];
		if (!pl_is_date(l))
			continue;
		const pl_line *u = &d->lines[i - 1];
		if (u->page != l->page || u->n < 2 || u->n > 40 || pl_is_date(u))
			continue;
		double gap = l->src->box.y - (u->src->box.y + u->src->box.h);
		if (gap < -0.5 || gap > 2.5 * l->src->box.h)
			continue;
		/* the two lines overlap horizontally (stacked block) */
		const eseal_box *a = &u->src->box, *b = &l->src->box;
		if (a->x > b->x + b->w || b->x > a->x + a->w)
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
		if (pg && b->x + b->w / 2 < pg->width * 0.45)
			sc -= 0.2;
		if (sc >= best) {
			best = sc;
			*name = u;
			*date = l;
		}
	}
	*score = best;
	return best > 0;
}

static char *line_text(const pl_line *l)
{
	return eseal_text_line_utf8(l->src);
}

int pl_official(const pl_doc *d, const eseal_place_request *req, pl_cands *out)
{
	const pl_line *nl, *dl;
	double sc;
	if (!find_block(d, req->org, &nl, &dl, &sc))
		return 0;
	pl_cand *c = pl_cands_add(out);
	if (!c)
		return ESEAL_ENOMEM;
	const eseal_box *a = &nl->src->box, *b = &dl->src->box;
	c->page = dl->page;
	c->x = b->x + b->w / 2;
	c->y = (a->y + b->y + b->h) / 2 - 4;
	c->seal_type = pl_seal_for(PL_OFFICIAL, req->seals);
	c->score = sc;
	c->f[0] = sc;
	char *dt = line_text(dl);
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
	const pl_line *nl, *dl;
	double sc;
	if (!find_block(d, req->org, &nl, &dl, &sc))
		return 0;
	pl_cand *c = pl_cands_add(out);
	if (!c)
		return ESEAL_ENOMEM;
	const eseal_box *a = &nl->src->box, *b = &dl->src->box;
	const eseal_box *w = a->w >= b->w ? a : b;
	c->page = dl->page;
	c->x = w->x + w->w / 2;
	c->y = (a->y + b->y + b->h) / 2;
	c->seal_type = pl_seal_for(PL_CERTIFICATE, req->seals);
	c->score = sc;
	c->f[0] = sc;
	char *nm = line_text(nl);
	snprintf(c->reason, sizeof c->reason,
		 "certificate/letter: over the issuer's name \"%s\" and the date at the end, page %d", nm ? nm : "?",
		 c->page);
	snprintf(c->reason_zh, sizeof c->reason_zh, "证明/介绍信：盖于第%d页落款单位“%s”及日期之上", c->page,
		 nm ? nm : "?");
	free(nm);
	return 0;
}
