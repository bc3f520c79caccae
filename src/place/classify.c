/*
 * classify.c - the document's class from its title, wording and structure
 * (official document, contract, certificate/letter, form, receipt).
 *
 * Looks at titles and layout, never at body sentences alone: a contract
 * that mentions "证明文件" stays a contract.
 */
#include <string.h>

#include "place_internal.h"

const char *pl_class_name(int cls)
{
	switch (cls) {
	case PL_OFFICIAL: return "official";
	case PL_CONTRACT: return "contract";
	case PL_CERTIFICATE: return "certificate";
	case PL_FORM: return "form";
	case PL_RECEIPT: return "receipt";
	case PL_HABIT: return "habit";
	default: return "unknown";
	}
}

const char *pl_seal_for(int cls, unsigned owned)
{
	switch (cls) {
	case PL_CONTRACT:
		return (owned & ESEAL_SEAL_CONTRACT) ? "contract" : "official";
	case PL_RECEIPT:
		if (owned & ESEAL_SEAL_FINANCE)
			return "finance";
		return "official";
	default:
		return "official";
	}
}

int pl_classify(const pl_doc *d, const char *org)
{
	if (!d->n)
		return PL_UNKNOWN;
	/* median glyph height of page 1: titles are larger */
	double hs[64];
	size_t nh = 0;
	for (size_t i = 0; i < d->n && nh < 64 && d->lines[i].page == 1; i++)
		hs[nh++] = d->lines[i].src->box.h;
	for (size_t i = 1; i < nh; i++)
		for (size_t j = i; j > 0 && hs[j] < hs[j - 1]; j--) {
			double t = hs[j];
			hs[j] = hs[j - 1];
			hs[j - 1] = t;
		}
	double med = nh ? hs[nh / 2] : 4;
	int official = 0, contract = 0, cert = 0, receipt = 0, form = 0, parties = 0;
	const eseal_text_page *p1 = &d->doc->pages[0];
	for (size_t i = 0; i < d->n; i++) {
		const pl_line *l = &d->lines[i];
		if (l->page != 1)
			break;
		const eseal_box *b = &l->src->box;
		int top = b->y < p1->height * 0.4;
		int title = top && b->h >= med * 1.25;
		if (title && l->n >= 3 && l->cp[l->n - 1] == 0x4ef6 && l->cp[l->n - 2] == 0x6587) /* …文件 */
			official += 2;
		/* 发文字号 〔2025〕N号 (some writers use [ ] or ［ ］) */
		if (top && l->cp[l->n - 1] == 0x53f7 &&
		    ((pl_has(l, "〔") && pl_has(l, "〕")) || (pl_has(l, "[") && pl_has(l, "]")) ||
		     (pl_has(l, "［") && pl_has(l, "］"))))
			official += 2;
		if (title && (pl_has(l, "合同") || pl_has(l, "协议")))
			contract += 2;
		/* letters end like certificates: 证明, 介绍信, 公函, 推荐信, 承诺书, 确认函 ... */
		uint32_t last = l->cp[l->n - 1];
		int agreement = pl_has(l, "合同") || pl_has(l, "协议");
		if (title && !agreement &&
		    (pl_has(l, "证明") || pl_has(l, "介绍信") || pl_has(l, "证书") || last == 0x51fd /* 函 */ ||
		     last == 0x4fe1 /* 信 */ || last == 0x4e66 /* 书 */ || pl_has(l, "声明")))
			cert += 2;
		if ((title || top) && (pl_has(l, "收据") || pl_has(l, "收款凭证") || pl_has(l, "收款收据")))
			receipt += 2;
		if (title && (l->cp[l->n - 1] == 0x8868 /* 表 */ || pl_has(l, "表（")))
			form += 2;
		long k = pl_find(l, "：", 0);
		if (k >= 2 && k <= 10 && (pl_find(l, "方", 0) >= 0 && pl_find(l, "方", 0) < k))
			parties++;
	}
	if (parties >= 2)
		contract += 2;
	if (p1->nrules >= 8)
		form += 1;
	(void)org;
	int best = PL_UNKNOWN, bv = 0;
	int v[] = { 0, official, contract, cert, form, receipt };
	for (int c = PL_OFFICIAL; c <= PL_RECEIPT; c++)
		if (v[c] > bv) {
			bv = v[c];
			best = c;
		}
	return best;
}
