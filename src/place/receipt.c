/*
 * receipt.c - receipts (收据, 收款收据, 收款凭证): the payee's finance seal on
 * the payee label ("收款单位（盖章）：", "收款方（盖章）："), right end + 14 mm.
 *
 * Never stamps on the payer's label (交款单位, 付款方) or on the cashier's
 * personal line (收款人：).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place_internal.h"

static int has(const uint32_t *h, size_t nh, const char *s)
{
	uint32_t t[16];
	size_t n = pl_utf32(s, t, 16);
	for (size_t i = 0; i + n <= nh; i++)
		if (!memcmp(h + i, t, n * sizeof *t))
			return 1;
	return 0;
}

static int payer(const uint32_t *p, size_t n)
{
	return has(p, n, "交款") || has(p, n, "付款") || has(p, n, "缴款") || has(p, n, "经手") ||
	       has(p, n, "收款人");
}

int pl_receipt(const pl_doc *d, const eseal_place_request *req, pl_cands *out)
{
	const pl_line *best = NULL;
	size_t bs = 0, be = 0;
	double bsc = 0;
	for (size_t i = 0; i < d->n; i++) {
		const pl_line *l = &d->lines[i];
		size_t s, e, w, from = 0;
		while (pl_seal_label(l, from, &s, &e, &w)) {
			from = e > w ? e : w + 1;
			const uint32_t *pre = l->cp + s;
			size_t n = w - s;
			if (payer(pre, n))
				continue;
			double sc = (has(pre, n, "收款") || has(pre, n, "收费") || has(pre, n, "开票")) ? 0.95 : 0.45;
			if (sc > bsc) {
				bsc = sc;
				best = l;
				bs = s;
				be = e;
			}
		}
		/* "收款单位：" without a seal word */
		static const char *plain[] = { "收款单位：", "收款方：", "收款单位名称：" };
		for (size_t k = 0; k < 3 && bsc < 0.7; k++) {
			long at = pl_find(l, plain[k], 0);
			if (at < 0)
				continue;
			uint32_t t[16];
			size_t n = pl_utf32(plain[k], t, 16);
			bsc = 0.7;
			best = l;
			bs = (size_t)at;
			be = (size_t)at + n;
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
	c->seal_type = pl_seal_for(PL_RECEIPT, req->seals);
	c->score = bsc;
	c->f[0] = bsc;
	eseal_text_line one = *best->src;
	one.chars = &best->src->chars[best->ci[bs]];
	one.nchars = best->ci[be - 1] - best->ci[bs] + 1;
	char *lab = eseal_text_line_utf8(&one);
	snprintf(c->reason, sizeof c->reason, "receipt: the payee's label \"%s\" on page %d takes the %s seal",
		 lab ? lab : "?", c->page, c->seal_type);
	snprintf(c->reason_zh, sizeof c->reason_zh, "收据：第%d页收款方栏“%s”处加盖%s", c->page, lab ? lab : "?",
		 !strcmp(c->seal_type, "finance") ? "财务专用章" : "公章");
	free(lab);
	return 0;
}
