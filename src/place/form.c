/*
 * form.c - table forms (申请表, 登记表, 审批表): the seal goes in the cell
 * that asks for the organisation's seal ("单位意见…（盖章）", "经办单位
 * （盖章）"), centred across the cell and in the middle of the tallest blank
 * horizontal band of its interior (borders inset 1.5 mm). When the label
 * sits alone in a narrow header cell, the seal goes in the cell to its right.
 *
 * Cells come from the ruling lines of the page; never from text alone, and
 * a seal word in a note under the table ("须经所在单位盖章后报送") is no cell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place_internal.h"

#define INSET 1.5

typedef struct edge {
	int vertical;
	double at, from, to; /* position across, extent along */
} edge;

static size_t edges(const eseal_text_page *pg, edge *e, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < pg->nrules; i++) {
		const eseal_box *b = &pg->rules[i].box;
		if (b->h <= 1.5 && b->w > 3 && n < max)
			e[n++] = (edge){ 0, b->y + b->h / 2, b->x, b->x + b->w };
		else if (b->w <= 1.5 && b->h > 3 && n < max)
			e[n++] = (edge){ 1, b->x + b->w / 2, b->y, b->y + b->h };
		else if (b->w > 3 && b->h > 3 && n + 4 <= max) {
			/* a stroked rectangle: its four sides */
			e[n++] = (edge){ 0, b->y, b->x, b->x + b->w };
			e[n++] = (edge){ 0, b->y + b->h, b->x, b->x + b->w };
			e[n++] = (edge){ 1, b->x, b->y, b->y + b->h };
			e[n++] = (edge){ 1, b->x + b->w, b->y, b->y + b->h };
		}
	}
	return n;
}

/* The cell around (px, py): nearest borders on each side. */
static int cell_at(const edge *e, size_t n, double px, double py, eseal_box *cell)
{
	const double tol = 0.6;
	double l = -1e9, r = 1e9, t = -1e9, b = 1e9;
	for (size_t i = 0; i < n; i++) {
		if (e[i].vertical) {
			if (py < e[i].from - tol || py > e[i].to + tol)
				continue;
			if (e[i].at <= px && e[i].at > l)
				l = e[i].at;
			if (e[i].at >= px && e[i].at < r)
				r = e[i].at;
		} else {
			if (px < e[i].from - tol || px > e[i].to + tol)
				continue;
			if (e[i].at <= py && e[i].at > t)
				t = e[i].at;
			if (e[i].at >= py && e[i].at < b)
				b = e[i].at;
		}
	}
	if (l < -1e8 || r > 1e8 || t < -1e8 || b > 1e8 || r - l < 5 || b - t < 3)
		return 0;
	*cell = (eseal_box){ l, t, r - l, b - t };
	return 1;
}

/* Characters inside the cell interior: their count, and the tallest blank
 * band's middle in *mid (and height in *band). */
static size_t cell_text(const pl_doc *d, int page, const eseal_box *c, double *mid, double *band)
{
	double y0 = c->y + INSET, y1 = c->y + c->h - INSET;
	double iv[512][2];
	size_t niv = 0, nch = 0;
	for (size_t i = 0; i < d->n; i++) {
		const pl_line *l = &d->lines[i];
		if (l->page != page)
			continue;
		const eseal_box *lb = &l->src->box;
		if (lb->y > y1 || lb->y + lb->h < y0)
			continue;
		for (size_t k = 0; k < l->n; k++) {
			const eseal_box *g = &l->src->chars[l->ci[k]].box;
			double cx = g->x + g->w / 2, cy = g->y + g->h / 2;
			if (cx < c->x || cx > c->x + c->w || cy < c->y || cy > c->y + c->h)
				continue;
			nch++;
			if (niv < 512) {
				iv[niv][0] = g->y;
				iv[niv][1] = g->y + g->h;
				niv++;
			}
		}
	}
	/* sweep the interior top to bottom over the sorted intervals */
	for (size_t i = 1; i < niv; i++)
		for (size_t j = i; j > 0 && iv[j][0] < iv[j - 1][0]; j--) {
			double t0 = iv[j][0], t1 = iv[j][1];
			iv[j][0] = iv[j - 1][0];
			iv[j][1] = iv[j - 1][1];
			iv[j - 1][0] = t0;
			iv[j - 1][1] = t1;
		}
	double cur = y0, best = -1, bm = (y0 + y1) / 2;
	for (size_t i = 0; i <= niv; i++) {
		double s = i < niv ? iv[i][0] : y1;
		if (s > y1)
			s = y1;
		if (s - cur > best) {
			best = s - cur;
			bm = (s + cur) / 2;
		}
		if (i < niv && iv[i][1] > cur)
			cur = iv[i][1];
	}
	*mid = bm;
	*band = best;
	return nch;
}

static int has(const uint32_t *h, size_t nh, const char *s)
{
	uint32_t t[16];
	size_t n = pl_utf32(s, t, 16);
	for (size_t i = 0; i + n <= nh; i++)
		if (!memcmp(h + i, t, n * sizeof *t))
			return 1;
	return 0;
}

int pl_form(const pl_doc *d, const eseal_place_request *req, pl_cands *out)
{
	uint32_t org[128];
	size_t norg = pl_utf32(req->org ? req->org : "", org, 128);
	double bsc = 0, bx = 0, by = 0;
	int bpage = 0;
	char blabel[128] = "";
	for (size_t p = 0; p < d->doc->npages; p++) {
		const eseal_text_page *pg = &d->doc->pages[p];
		if (pg->nrules < 4)
			continue;
		edge *e = malloc((pg->nrules * 4 + 1) * sizeof *e);
		if (!e)
			return ESEAL_ENOMEM;
		size_t ne = edges(pg, e, pg->nrules * 4);
		for (size_t i = 0; i < d->n; i++) {
			const pl_line *l = &d->lines[i];
			if (l->page != (int)p + 1)
				continue;
			size_t s, en, w, from = 0;
			while (pl_seal_label(l, from, &s, &en, &w)) {
				from = en > w ? en : w + 1;
				eseal_box lb = pl_span_box(l, s, en);
				eseal_box cell;
				if (!cell_at(e, ne, lb.x + lb.w / 2, lb.y + lb.h / 2, &cell))
					continue;
				/* the label's words: this line's prefix, or the line above in the cell */
				const uint32_t *pre = l->cp + s;
				size_t npre = w - s;
				if (npre == 0 && i > 0 && d->lines[i - 1].page == l->page) {
					const pl_line *u = &d->lines[i - 1];
					if (u->src->box.y > cell.y) {
						pre = u->cp;
						npre = u->n;
					}
				}
				double sc = 0.8;
				if (has(pre, npre, "单位") || has(pre, npre, "公司") || has(pre, npre, "经办") ||
				    has(pre, npre, "申请") || has(pre, npre, "推荐") || has(pre, npre, "所在"))
					sc = 0.95;
				if (has(pre, npre, "审批") || has(pre, npre, "主管部门") || has(pre, npre, "审核") ||
				    has(pre, npre, "负责人") || has(pre, npre, "个人") || has(pre, npre, "本人"))
					sc = 0.5;
				if (norg && norg <= npre) {
					for (size_t k = 0; k + norg <= npre; k++)
						if (!memcmp(pre + k, org, norg * sizeof *org))
							sc = 0.99;
				}
				double mid, band;
				size_t nch = cell_text(d, l->page, &cell, &mid, &band);
				/* a narrow header cell holding only its label: use the cell to the right */
				eseal_box right;
				if (nch <= 16 && cell.w < 45 &&
				    cell_at(e, ne, cell.x + cell.w + 1.0, lb.y + lb.h / 2, &right) && right.w > cell.w) {
					double m2, b2;
					size_t n2 = cell_text(d, l->page, &right, &m2, &b2);
					if (n2 < 8 && b2 > 8) {
						cell = right;
						mid = m2;
						band = b2;
					}
				}
				if (band < 8)
					sc -= 0.3; /* no room for a seal */
				if (sc > bsc) {
					bsc = sc;
					bx = cell.x + cell.w / 2;
					by = mid;
					bpage = l->page;
					eseal_text_line one = *l->src;
					one.chars = &l->src->chars[l->ci[s]];
					one.nchars = l->ci[en - 1] - l->ci[s] + 1;
					char *t = eseal_text_line_utf8(&one);
					snprintf(blabel, sizeof blabel, "%s", t ? t : "?");
					free(t);
				}
			}
		}
		free(e);
	}
	if (!bpage)
		return 0;
	pl_cand *c = pl_cands_add(out);
	if (!c)
		return ESEAL_ENOMEM;
	c->page = bpage;
	c->x = bx;
	c->y = by;
	c->seal_type = pl_seal_for(PL_FORM, req->seals);
	c->score = bsc;
	c->f[0] = bsc;
	snprintf(c->reason, sizeof c->reason,
		 "form: the cell asking for the seal (\"%s\") on page %d, in its largest blank area", blabel, bpage);
	snprintf(c->reason_zh, sizeof c->reason_zh, "表格：第%d页要求盖章的栏目（“%s”）内的空白处", bpage, blabel);
	return 0;
}
