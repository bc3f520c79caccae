/*
 * contract.c - contracts: find the signer among the parties named in the
 * header ("甲方：ORG", "乙方（供货方）：ORG", "委托方：ORG" ...) and put the
 * seal on that party's seal label in the signature block ("乙方（盖章）："):
 * label's right end + 14 mm, on the label line's centre.
 *
 * Never stamps on another party's label, and never on seal words inside
 * body sentences (经双方盖章后生效).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place_internal.h"

#define MAXP 8

typedef struct party {
	uint32_t key[16];   /* 甲方 */
	size_t nkey;
	uint32_t alias[16]; /* 采购方 (from "甲方（采购方）") */
	size_t nalias;
	int signer;
} party;

static int has32(const uint32_t *h, size_t nh, const uint32_t *nd, size_t nn)
{
	if (!nn || nh < nn)
		return 0;
	for (size_t i = 0; i + nn <= nh; i++)
		if (memcmp(h + i, nd, nn * sizeof *nd) == 0)
			return 1;
	return 0;
}

/* Header lines "LABEL：NAME" whose label names a party (…方). */
static size_t parties(const pl_doc *d, const uint32_t *org, size_t norg, party *p)
{
	size_t np = 0;
	for (size_t i = 0; i < d->n && np < MAXP; i++) {
		const pl_line *l = &d->lines[i];
		if (l->page > 2)
			break;
		long k = pl_find(l, "：", 0);
		if (k < 2 || k > 12 || l->n - (size_t)k < 5)
			continue;
		/* the label: "甲方", "乙方（供货方）", "委托方", "甲方（出租人）" */
		long fang = -1;
		for (long j = 0; j < k && j < 6; j++)
			if (l->cp[j] == 0x65b9 /* 方 */ || l->cp[j] == 0x4eba /* 人 */) {
				fang = j;
				break;
			}
		if (fang < 1)
			continue;
		/* "法定代表人：", "联系人：" name people, not parties */
		static const char *people[] = { "代表", "联系", "代理", "负责", "经办", "收款", "开户", "签约", "见证" };
		int person = 0;
		for (size_t j = 0; j < sizeof people / sizeof *people; j++) {
			long at = pl_find(l, people[j], 0);
			if (at >= 0 && at < k)
				person = 1;
		}
		if (person)
			continue;
		party *q = &p[np];
		memset(q, 0, sizeof *q);
		q->nkey = (size_t)fang + 1;
		memcpy(q->key, l->cp, q->nkey * sizeof *q->key);
		long open = pl_find(l, "（", 0);
		long close = pl_find(l, "）", 0);
		if (open > 0 && close > open + 1 && close < k && close - open - 1 < 16) {
			q->nalias = (size_t)(close - open - 1);
			memcpy(q->alias, l->cp + open + 1, q->nalias * sizeof *q->alias);
		}
		size_t nv = l->n - (size_t)k - 1;
		/* the name exactly, or followed by "（以下简称…）" */
		q->signer = norg && nv >= norg && memcmp(l->cp + k + 1, org, norg * sizeof *org) == 0 &&
			    (nv == norg || l->cp[k + 1 + norg] == 0xff08);
		/* a party listed twice (header repeated on a later page) counts once */
		int dup = 0;
		for (size_t j = 0; j < np; j++)
			if (p[j].nkey == q->nkey && !memcmp(p[j].key, q->key, q->nkey * sizeof *q->key)) {
				p[j].signer |= q->signer;
				dup = 1;
			}
		if (!dup)
			np++;
	}
	return np;
}

int pl_contract(const pl_doc *d, const eseal_place_request *req, pl_cands *out)
{
	uint32_t org[128];
	size_t norg = pl_utf32(req->org ? req->org : "", org, 128);
	party p[MAXP];
	size_t np = parties(d, org, norg, p);
	int signer = -1;
	for (size_t i = 0; i < np; i++)
		if (p[i].signer)
			signer = (int)i;

	const pl_line *best = NULL;
	size_t bs = 0, be = 0;
	double bscore = 0;
	const char *how = NULL;
	for (size_t i = 0; i < d->n; i++) {
		const pl_line *l = &d->lines[i];
		size_t s, e, w, from = 0;
		while (pl_seal_label(l, from, &s, &e, &w)) {
			from = e > w ? e : w + 1;
			const uint32_t *pre = l->cp + s;
			size_t npre = w - s;
			/* what follows the label up to the next label: an org name? */
			size_t v = e, ve = e;
			while (ve < l->n && l->cp[ve] != 0xff1a && l->cp[ve] != 0xff08)
				ve++;
			int org_next = norg && ve - v >= norg && has32(l->cp + v, ve - v, org, norg) &&
				       (ve - v == norg || ve == l->n);
			int org_pre = norg && has32(pre, npre, org, norg);
			double sc = 0;
			const char *why = NULL;
			int other = 0;
			for (size_t k = 0; k < np; k++) {
				int hit = has32(pre, npre, p[k].key, p[k].nkey) ||
					  (p[k].nalias && has32(pre, npre, p[k].alias, p[k].nalias));
				if (!hit)
					continue;
				if ((int)k == signer) {
					sc = 0.95;
					why = "party";
				} else {
					other = 1;
				}
			}
			if (org_pre || org_next) {
				sc = sc > 0 ? 0.98 : 0.9;
				why = why ? "party+name" : "name";
			}
			if (other && sc < 0.9)
				sc = 0;
			/* a bare "（盖章）" under "乙方：ORG" */
			if (sc == 0 && npre == 0 && i > 0) {
				for (size_t b = i; b-- > 0 && b + 3 > i;) {
					const pl_line *u = &d->lines[b];
					if (u->page != l->page)
						break;
					if (norg && pl_find32(u, org, norg, 0) >= 0) {
						sc = 0.85;
						why = "name above";
						break;
					}
				}
			}
			if (sc > 0 && sc >= bscore) {
				bscore = sc;
				best = l;
				bs = s;
				be = e;
				how = why;
			}
		}
	}
	if (!best)
		return 0;
	pl_cand *c = pl_cands_add(out);
	if (!c)
		return ESEAL_ENOMEM;
	eseal_box lb = pl_span_box(best, bs, be);
	c->page = best->page;
	c->x = lb.x + lb.w + 14;
	c->y = pl_span_cy(best, bs, be);
	c->seal_type = pl_seal_for(PL_CONTRACT, req->seals);
	c->score = bscore;
	char *label = NULL;
	eseal_text_line one = *best->src;
	one.chars = &best->src->chars[best->ci[bs]];
	one.nchars = best->ci[be - 1] - best->ci[bs] + 1;
	label = eseal_text_line_utf8(&one);
	const char *lab = label ? label : "?";
	if (!strcmp(how, "party")) {
		snprintf(c->reason, sizeof c->reason,
			 "contract: %s is the party named in the header; its seal label \"%s\" on page %d", req->org,
			 lab, c->page);
		snprintf(c->reason_zh, sizeof c->reason_zh, "合同：%s 为首部所列当事方，盖于第%d页签署栏“%s”处",
			 req->org, c->page, lab);
	} else {
		snprintf(c->reason, sizeof c->reason,
			 "contract: seal label \"%s\" on page %d next to the name %s (%s)", lab, c->page, req->org, how);
		snprintf(c->reason_zh, sizeof c->reason_zh, "合同：第%d页签署栏“%s”与单位名称 %s 相邻", c->page, lab,
			 req->org);
	}
	free(label);
	c->f[0] = bscore;
	c->f[1] = 1;
	return 0;
}
