/*
 * contract.c - contracts: find the signer among the parties named in the
 * header ("甲方：ORG", "乙方（供货方）：ORG", "委托方：ORG" ...) and put the
 * seal on that party's seal label in the signature block ("乙方（盖章）："):
 * label's right end + 14 mm, on the label line's centre.
 *
 * Never stamps on another party's label, and never on seal words inside
 * body sentences (经双方盖章后生效).
 */
#include <math.h>
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
	uint32_t value[64]; /* the party's name as written */
	size_t nvalue;
	int signer;
} party;

/* A gap wider than one and a half glyphs before position i. */
static int wide_gap(const pl_line *l, size_t i)
{
	const eseal_box *p = &l->src->chars[l->ci[i - 1]].box;
	const eseal_box *q = &l->src->chars[l->ci[i]].box;
	return q->x - (p->x + p->w) > 1.5 * (q->h > 0 ? q->h : 4);
}

/* Where a party's name ends: a separator, or "（以下简称…）" / "（下称…）". */
static int stop_at(const pl_line *l, size_t i)
{
	uint32_t c = l->cp[i];
	if (c == 0xff0c || c == 0xff1b || c == 0x3002 || c == 0x3001)
		return 1;
	if (c != 0xff08 || i + 2 >= l->n)
		return 0;
	return (l->cp[i + 1] == 0x4ee5 && l->cp[i + 2] == 0x4e0b) || /* 以下 */
	       (l->cp[i + 1] == 0x4e0b && l->cp[i + 2] == 0x79f0) || /* 下称 */
	       (l->cp[i + 1] == 0x7b80 && l->cp[i + 2] == 0x79f0);   /* 简称 */
}

/* The name ends with a legal form or an institution word. */
static int legal_form(const uint32_t *v, size_t n)
{
	/* 公司 集团 厂 店 中心 局 院 所 社 行 会 部 委 办 */
	static const uint32_t last[] = { 0x53f8, 0x56e2, 0x5382, 0x5e97, 0x5fc3, 0x5c40, 0x9662,
					 0x6240, 0x793e, 0x884c, 0x4f1a, 0x90e8, 0x59d4, 0x529e };
	for (size_t i = 0; n && i < sizeof last / sizeof *last; i++)
		if (v[n - 1] == last[i])
			return 1;
	return 0;
}

/* Longest common subsequence of two short names, for spelling variants
 * ("成都市长风贸易有限公司" / "成都长风贸易有限公司"). */
static size_t lcs(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t row[65] = { 0 };
	if (na > 64 || nb > 64)
		return 0;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = 0;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j];
			row[j] = a[i - 1] == b[j - 1] ? diag + 1 : (row[j] > row[j - 1] ? row[j] : row[j - 1]);
			diag = up;
		}
	}
	return row[nb];
}

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
		if (k < 2 || k > 20 || l->n - (size_t)k < 5)
			continue;
		/* a label, not a sentence: at most six characters before its bracket or colon */
		long lb = pl_find(l, "（", 0);
		if ((lb >= 0 && lb < k ? lb : k) > 6)
			continue;
		/* the label: "甲方", "乙方（供货方）", "委托方", "甲方（出租人）" */
		long fang = -1;
		for (long j = 0; j < k && j < 6; j++)
			if (l->cp[j] == 0x65b9 /* 方 */ || l->cp[j] == 0x4eba /* 人 */) {
				fang = j;
				break;
			}
		/* "委托单位：", "供货单位：" name parties too */
		if (fang < 1 && k >= 3 && k <= 6 && l->cp[k - 2] == 0x5355 /* 单 */ && l->cp[k - 1] == 0x4f4d /* 位 */)
			fang = k - 1;
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
			/* "（以下简称甲方）", "（下称"买方"）": the short name only */
			size_t a = (size_t)open + 1, b = (size_t)close;
			static const char *lead[] = { "以下简称", "以下称", "下称", "简称" };
			for (size_t j = 0; j < sizeof lead / sizeof *lead; j++) {
				long at = pl_find(l, lead[j], a);
				if (at == (long)a) {
					uint32_t t[8];
					a += pl_utf32(lead[j], t, 8);
					break;
				}
			}
			while (a < b && (l->cp[a] == 0x201c || l->cp[a] == '"' || l->cp[a] == 0x300c))
				a++;
			while (b > a && (l->cp[b - 1] == 0x201d || l->cp[b - 1] == '"' || l->cp[b - 1] == 0x300d))
				b--;
			q->nalias = b - a;
			memcpy(q->alias, l->cp + a, q->nalias * sizeof *q->alias);
		}
		/* the value: up to "（以下简称…）", a separator or a wide gap (two-column headers) */
		size_t v0 = (size_t)k + 1, v1 = v0;
		while (v1 < l->n && !stop_at(l, v1) && (v1 == v0 || !wide_gap(l, v1)))
			v1++;
		memcpy(q->value, l->cp + v0, (q->nvalue = v1 - v0 < 64 ? v1 - v0 : 64) * sizeof *q->value);
		/* the name exactly: "（集团）" may be part of it, "…北京分公司" may not */
		size_t ve = v0 + norg;
		q->signer = norg && ve <= l->n && memcmp(l->cp + v0, org, norg * sizeof *org) == 0 &&
			    (ve == l->n || stop_at(l, ve) || l->cp[ve] == 0xff08 || wide_gap(l, ve));
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
	/* no exact name: a unique close variant (a dropped 市, a different
	 * bracket), never a name with more words (a branch, a sister firm) */
	int any = 0;
	for (size_t j = 0; j < np; j++)
		any |= p[j].signer;
	if (!any && norg >= 4) {
		int best = -1, ties = 0;
		double bsim = 0;
		for (size_t j = 0; j < np; j++) {
			size_t m = lcs(p[j].value, p[j].nvalue, org, norg);
			size_t mx = p[j].nvalue > norg ? p[j].nvalue : norg;
			double sim = mx ? (double)m / (double)mx : 0;
			if (sim > bsim + 1e-9) {
				bsim = sim;
				best = (int)j;
				ties = 0;
			} else if (fabs(sim - bsim) < 1e-9) {
				ties++;
			}
		}
		if (best >= 0 && !ties && bsim >= 0.85 && (norg < 2 || p[best].nvalue + 2 >= norg) &&
		    p[best].nvalue <= norg + 1) {
			p[best].signer = 2; /* a variant: scored a little lower */
			any = 1;
		}
	}
	/* an abbreviation ("长风贸易" for 成都市长风贸易有限公司, either way round):
	 * the short one has no legal form (a 有限公司 that is part of a longer
	 * name is another company: a branch, a parent) */
	if (!any && norg >= 2) {
		int hit = -1, n = 0;
		for (size_t j = 0; j < np; j++) {
			const uint32_t *a = p[j].value, *b = org;
			size_t na = p[j].nvalue, nb = norg;
			if (na > nb) {
				a = org;
				b = p[j].value;
				na = norg;
				nb = p[j].nvalue;
			}
			if (na >= 2 && na < nb && !legal_form(a, na) && lcs(a, na, b, nb) == na) {
				hit = (int)j;
				n++;
			}
		}
		if (n == 1)
			p[hit].signer = 2;
	}
	return np;
}

/* The text occurs in the line starting inside the column [x0, x1). */
static int in_column(const pl_line *u, const uint32_t *t, size_t n, double x0, double x1)
{
	for (long at = pl_find32(u, t, n, 0); at >= 0; at = pl_find32(u, t, n, (size_t)at + 1)) {
		double x = u->src->chars[u->ci[at]].box.x;
		if (x >= x0 && x < x1)
			return 1;
	}
	return 0;
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
	/* a spelling variant: the block below names the party as the header does */
	int variant = signer >= 0 && p[signer].signer == 2;
	if (variant) {
		memcpy(org, p[signer].value, p[signer].nvalue * sizeof *org);
		norg = p[signer].nvalue;
	}

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
			/* a bare "（盖章）" or "盖章：" under "乙方：ORG" in the same column */
			if (sc == 0 && npre == 0 && i > 0) {
				eseal_box lb = pl_span_box(l, s, e);
				double x0 = lb.x - 6, x1 = lb.x + 70;
				for (size_t b = i; b-- > 0 && b + 5 > i && sc == 0;) {
					const pl_line *u = &d->lines[b];
					if (u->page != l->page)
						break;
					if (norg && in_column(u, org, norg, x0, x1)) {
						sc = 0.85;
						why = "name above";
						break;
					}
					int stop = 0;
					for (size_t k = 0; k < np; k++)
						if (in_column(u, p[k].key, p[k].nkey, x0, x1)) {
							if ((int)k == signer) {
								sc = 0.85;
								why = "party above";
							} else {
								stop = 1;
							}
						}
					if (stop)
						break;
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
	if (variant)
		bscore -= 0.05;
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
	if (!strncmp(how, "party", 5)) {
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
