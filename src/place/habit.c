/*
 * habit.c - template memory: reproduce where the organisation stamped
 * earlier documents of the same layout.
 *
 * The layout's fingerprint is its set of text fragments (n-grams of the
 * normalised lines) that occur exactly once in every earlier instance and
 * in the new document. For each earlier stamp, the anchor is the fragment
 * whose offset to the stamp is the same in every instance (smallest spread,
 * then nearest); the new stamp is the anchor's box plus the mean offset.
 * Never invents a habit: without a consistent anchor it proposes nothing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place_internal.h"

#define NMIN 2
#define NMAX 8
#define MAXH 16

typedef struct gram {
	uint64_t h;
	uint32_t line, at, n;
} gram;

typedef struct gindex {
	gram *g;
	size_t n;
} gindex;

static uint64_t hash(const uint32_t *c, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ n;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ull;
	}
	return h;
}

static int gcmp(const void *a, const void *b)
{
	const gram *x = a, *y = b;
	return x->h < y->h ? -1 : x->h > y->h;
}

static int build(const pl_doc *d, gindex *ix)
{
	size_t total = 0;
	for (size_t i = 0; i < d->n; i++)
		total += d->lines[i].n * (NMAX - NMIN + 1);
	ix->g = malloc((total + 1) * sizeof *ix->g);
	ix->n = 0;
	if (!ix->g)
		return ESEAL_ENOMEM;
	for (size_t i = 0; i < d->n; i++) {
		const pl_line *l = &d->lines[i];
		for (size_t a = 0; a < l->n; a++)
			for (size_t n = NMIN; n <= NMAX && a + n <= l->n; n++) {
				/* a fragment never spans a wide gap (two columns of one line) */
				const eseal_box *p = &l->src->chars[l->ci[a + n - 2]].box;
				const eseal_box *q = &l->src->chars[l->ci[a + n - 1]].box;
				if (q->x - (p->x + p->w) > 1.5 * (q->h > 0 ? q->h : 4))
					break;
				ix->g[ix->n++] = (gram){ hash(l->cp + a, n), (uint32_t)i, (uint32_t)a, (uint32_t)n };
			}
	}
	qsort(ix->g, ix->n, sizeof *ix->g, gcmp);
	return 0;
}

/* The single occurrence of h, or NULL when absent or repeated. */
static const gram *unique(const gindex *ix, uint64_t h)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t m = (lo + hi) / 2;
		if (ix->g[m].h < h)
			lo = m + 1;
		else
			hi = m;
	}
	if (lo >= ix->n || ix->g[lo].h != h)
		return NULL;
	if (lo + 1 < ix->n && ix->g[lo + 1].h == h)
		return NULL;
	return &ix->g[lo];
}

static eseal_box gbox(const pl_doc *d, const gram *g)
{
	return pl_span_box(&d->lines[g->line], g->at, g->at + g->n);
}

int pl_habit(const pl_doc *d, const eseal_place_request *req, pl_cands *out)
{
	size_t nh = req->nhistory < MAXH ? req->nhistory : MAXH;
	if (!nh)
		return 0;
	pl_doc hd[MAXH];
	gindex hx[MAXH], nx = { 0 };
	size_t built = 0;
	int rc = 0;
	memset(hd, 0, sizeof hd);
	memset(hx, 0, sizeof hx);
	for (; built < nh; built++) {
		if (!req->history[built].doc || (rc = pl_doc_build(req->history[built].doc, &hd[built])) ||
		    (rc = build(&hd[built], &hx[built])))
			goto done;
	}
	if ((rc = build(d, &nx)))
		goto done;
	size_t nstamps = req->history[0].nplacements;
	for (size_t k = 0; k < nstamps; k++) {
		double best = 1e9, bdx = 0, bdy = 0, bspread = 0;
		const gram *ba = NULL;
		size_t bused = 0;
		const eseal_place_item *p0 = &req->history[0].placements[k];
		for (size_t i = 0; i < hx[0].n; i++) {
			const gram *g0 = &hx[0].g[i];
			if (hd[0].lines[g0->line].page != p0->page)
				continue;
			if ((i > 0 && hx[0].g[i - 1].h == g0->h) || (i + 1 < hx[0].n && hx[0].g[i + 1].h == g0->h))
				continue;
			const gram *gn = unique(&nx, g0->h);
			if (!gn)
				continue;
			double dx[MAXH], dy[MAXH], mx = 0, my = 0;
			size_t used = 0;
			int ok = 1;
			for (size_t j = 0; j < nh && ok; j++) {
				const eseal_place_history *h = &req->history[j];
				if (h->nplacements != nstamps)
					continue; /* another layout's count of stamps: not this template */
				const gram *gj = j ? unique(&hx[j], g0->h) : g0;
				if (!gj || hd[j].lines[gj->line].page != h->placements[k].page) {
					ok = 0;
					break;
				}
				eseal_box b = gbox(&hd[j], gj);
				dx[used] = h->placements[k].x - b.x;
				dy[used] = h->placements[k].y - b.y;
				mx += dx[used];
				my += dy[used];
				used++;
			}
			if (!ok || !used)
				continue;
			mx /= used;
			my /= used;
			double spread = 0;
			for (size_t j = 0; j < used; j++) {
				double e = hypot(dx[j] - mx, dy[j] - my);
				if (e > spread)
					spread = e;
			}
			/* nearest anchor: distance from the stamp to the fragment's box */
			eseal_box b0 = gbox(&hd[0], g0);
			double ex = p0->x < b0.x ? b0.x - p0->x : p0->x > b0.x + b0.w ? p0->x - b0.x - b0.w : 0;
			double ey = p0->y < b0.y ? b0.y - p0->y : p0->y > b0.y + b0.h ? p0->y - b0.y - b0.h : 0;
			double sc = spread + 0.05 * hypot(ex, ey) - 0.01 * g0->n;
			if (sc < best) {
				best = sc;
				bdx = mx;
				bdy = my;
				ba = gn;
				bspread = spread;
				bused = used;
			}
		}
		if (!ba || (bused >= 2 && bspread > 4.0))
			continue;
		/* the seal type the organisation used most for this stamp */
		const char *type = p0->seal_type;
		size_t bestv = 0;
		for (size_t j = 0; j < nh; j++) {
			if (req->history[j].nplacements != nstamps)
				continue;
			size_t v = 0;
			for (size_t m = 0; m < nh; m++)
				if (req->history[m].nplacements == nstamps &&
				    !strcmp(req->history[m].placements[k].seal_type, req->history[j].placements[k].seal_type))
					v++;
			if (v > bestv) {
				bestv = v;
				type = req->history[j].placements[k].seal_type;
			}
		}
		eseal_box ab = gbox(d, ba);
		pl_cand *c = pl_cands_add(out);
		if (!c) {
			rc = ESEAL_ENOMEM;
			goto done;
		}
		const pl_line *al = &d->lines[ba->line];
		c->page = al->page;
		c->x = ab.x + bdx;
		c->y = ab.y + bdy;
		c->seal_type = type;
		c->score = bused >= 3 ? 0.95 : bused == 2 ? 0.8 : 0.5;
		if (bspread > 2)
			c->score -= 0.1;
		c->f[0] = c->score;
		eseal_text_line one = *al->src;
		one.chars = &al->src->chars[al->ci[ba->at]];
		one.nchars = al->ci[ba->at + ba->n - 1] - al->ci[ba->at] + 1;
		char *lab = eseal_text_line_utf8(&one);
		snprintf(c->reason, sizeof c->reason,
			 "habit: in %zu earlier document(s) of this layout the %s seal sat at (%+.1f, %+.1f) mm from "
			 "\"%s\" (spread %.1f mm)",
			 bused, type, bdx, bdy, lab ? lab : "?", bspread);
		snprintf(c->reason_zh, sizeof c->reason_zh,
			 "习惯：同版式的%zu份历史文件中，印章均位于“%s”偏移(%+.1f, %+.1f)毫米处（离散%.1f毫米）", bused,
			 lab ? lab : "?", bdx, bdy, bspread);
		free(lab);
	}
done:
	for (size_t j = 0; j < built; j++) {
		free(hx[j].g);
		pl_doc_free(&hd[j]);
	}
	if (built < nh && hd[built].lines) {
		free(hx[built].g);
		pl_doc_free(&hd[built]);
	}
	free(nx.g);
	return rc;
}
