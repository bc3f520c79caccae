/*
 * place.c - the placement engine's entry point: classify the document, run
 * the template memory (when there is history) and the conventions, rank the
 * candidates and explain the choice.
 *
 * Never presents a guess as certain: no text, or nothing recognisable,
 * gives no placement, a low confidence and a reason.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place_internal.h"

static const char *const type_names[] = { "official", "contract", "finance", "invoice", "personal" };

unsigned eseal_seal_type_bit(const char *name)
{
	for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++)
		if (name && !strcmp(name, type_names[i]))
			return 1u << i;
	return 0;
}

int eseal_seal_types_parse(const char *list, unsigned *out)
{
	*out = 0;
	if (!list)
		return 0;
	char tok[32];
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n && n < sizeof tok) {
			memcpy(tok, p, n);
			tok[n] = 0;
			unsigned b = eseal_seal_type_bit(tok);
			if (!b) {
				eseal_error_set(ESEAL_EINVAL, "unknown seal type \"%s\"", tok);
				return ESEAL_EINVAL;
			}
			*out |= b;
		} else if (n) {
			eseal_error_set(ESEAL_EINVAL, "unknown seal type");
			return ESEAL_EINVAL;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/*
 * The ranker: a logistic model over transparent features.
 *   f[0] the convention's own evidence (label/party/name match), 0..1
 *   f[1] the convention agrees with the document's class
 *   f[2] vertical position on the page (0 top .. 1 bottom)
 *   f[3] on the document's last page
 *   f[4] the organisation's history: how often this convention's proposal
 *        for its earlier documents was where it really stamped (-1..1)
 * The weights favour evidence and class agreement; endings and signature
 * blocks sit low on late pages; an organisation's own record can overrule
 * the class.
 */
static const double W[5] = { 5.0, 2.0, 0.4, 0.4, 2.5 };
static const double B = -3.6;

double pl_rank_score(const pl_cand *c)
{
	double z = B;
	for (int i = 0; i < 5; i++)
		z += W[i] * c->f[i];
	return 1 / (1 + exp(-z));
}

static void set_reason(eseal_place_result *r, const char *en, const char *zh)
{
	snprintf(r->reason, sizeof r->reason, "%s", en);
	snprintf(r->reason_zh, sizeof r->reason_zh, "%s", zh);
}

static int push(eseal_place_result *r, const eseal_place_item *p)
{
	eseal_place_item *v = realloc(r->items, (r->n + 1) * sizeof *v);
	if (!v)
		return ESEAL_ENOMEM;
	r->items = v;
	r->items[r->n++] = *p;
	return 0;
}

static void features(const pl_doc *d, pl_cand *c, int agrees)
{
	const eseal_text_page *pg = pl_page(d, c->page);
	c->f[0] = c->score;
	c->f[1] = agrees;
	c->f[2] = pg && pg->height > 0 ? c->y / pg->height : 0.5;
	c->f[3] = (size_t)c->page == d->doc->npages;
}

typedef int (*conv_fn)(const pl_doc *, const eseal_place_request *, pl_cands *);
static const conv_fn fns[] = { NULL, pl_official, pl_contract, pl_certificate, pl_form, pl_receipt };

/*
 * Learning from corrections: where the organisation's earlier documents of
 * the same class were really stamped, against what the same convention
 * proposes for them. A consistent shift (people always moved the seal a
 * little) or a consistent seal type among those it owns is applied to the
 * new proposal; scattered evidence changes nothing.
 */
#define LEARN_MAX 16
static int learn(const eseal_place_request *req, int cls, conv_fn fn, pl_cand *c)
{
	double dx[LEARN_MAX], dy[LEARN_MAX];
	const char *type[LEARN_MAX];
	size_t n = 0;
	eseal_place_request plain = { req->org, req->seals, NULL, 0 };
	for (size_t j = 0; j < req->nhistory && n < LEARN_MAX; j++) {
		const eseal_place_history *h = &req->history[j];
		pl_doc hd;
		if (!h->doc || !h->nplacements)
			continue;
		int rc = pl_doc_build(h->doc, &hd);
		if (rc)
			return rc;
		pl_cands hc = { 0 };
		if (hd.n && pl_classify(&hd, req->org) == cls && !(rc = fn(&hd, &plain, &hc)) && hc.n) {
			const pl_cand *p = &hc.v[0];
			double best = 40;
			for (size_t k = 0; k < h->nplacements; k++) {
				const eseal_place_item *q = &h->placements[k];
				double dist = hypot(q->x - p->x, q->y - p->y);
				if (!q->perforation && q->page == p->page && dist < best) {
					best = dist;
					dx[n] = q->x - p->x;
					dy[n] = q->y - p->y;
					type[n] = q->seal_type;
				}
			}
			if (best < 40)
				n++;
		}
		pl_cands_free(&hc);
		pl_doc_free(&hd);
		if (rc)
			return rc;
	}
	if (n < 2)
		return 0;
	double mx = 0, my = 0, spread = 0;
	for (size_t i = 0; i < n; i++) {
		mx += dx[i] / n;
		my += dy[i] / n;
	}
	for (size_t i = 0; i < n; i++)
		if (hypot(dx[i] - mx, dy[i] - my) > spread)
			spread = hypot(dx[i] - mx, dy[i] - my);
	size_t used = strlen(c->reason);
	if (spread <= 3 && hypot(mx, my) >= 1.5) {
		c->x += mx;
		c->y += my;
		snprintf(c->reason + used, sizeof c->reason - used, "; moved (%+.1f, %+.1f) mm as in %zu earlier documents",
			 mx, my, n);
		used = strlen(c->reason);
		size_t uz = strlen(c->reason_zh);
		snprintf(c->reason_zh + uz, sizeof c->reason_zh - uz, "；按%zu份历史文件的习惯偏移(%+.1f, %+.1f)毫米", n, mx,
			 my);
	}
	int same = 1;
	for (size_t i = 1; i < n; i++)
		same &= !strcmp(type[i], type[0]);
	if (same && strcmp(type[0], c->seal_type) && (req->seals & eseal_seal_type_bit(type[0]))) {
		for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++)
			if (!strcmp(type_names[i], type[0]))
				c->seal_type = type_names[i];
		snprintf(c->reason + used, sizeof c->reason - used, "; the %s seal, as in %zu earlier documents",
			 c->seal_type, n);
		size_t uz = strlen(c->reason_zh);
		snprintf(c->reason_zh + uz, sizeof c->reason_zh - uz, "；按%zu份历史文件使用%s章", n, c->seal_type);
	}
	return 0;
}

/* f[4] per convention: +1 for each earlier document where the convention's
 * proposal fell within 12 mm of a real stamp, -1 where it proposed elsewhere;
 * averaged over the documents it proposed anything for. */
static int history_agreement(const eseal_place_request *req, double agree[PL_RECEIPT + 1])
{
	int seen[PL_RECEIPT + 1] = { 0 };
	eseal_place_request plain = { req->org, req->seals, NULL, 0 };
	for (size_t j = 0; j < req->nhistory && j < LEARN_MAX; j++) {
		const eseal_place_history *h = &req->history[j];
		pl_doc hd;
		if (!h->doc || !h->nplacements)
			continue;
		int rc = pl_doc_build(h->doc, &hd);
		if (rc)
			return rc;
		for (int k = PL_OFFICIAL; hd.n && k <= PL_RECEIPT && !rc; k++) {
			pl_cands hc = { 0 };
			if (!(rc = fns[k](&hd, &plain, &hc)) && hc.n) {
				int hit = 0;
				for (size_t m = 0; m < h->nplacements; m++) {
					const eseal_place_item *q = &h->placements[m];
					hit |= !q->perforation && q->page == hc.v[0].page &&
					       hypot(q->x - hc.v[0].x, q->y - hc.v[0].y) <= 12;
				}
				agree[k] += hit ? 1 : -1;
				seen[k]++;
			}
			pl_cands_free(&hc);
		}
		pl_doc_free(&hd);
		if (rc)
			return rc;
	}
	for (int k = PL_OFFICIAL; k <= PL_RECEIPT; k++)
		if (seen[k])
			agree[k] /= seen[k];
	return 0;
}

int eseal_place_propose(const eseal_text_doc *doc, const eseal_place_request *req, eseal_place_result *out)
{
	memset(out, 0, sizeof *out);
	if (!doc || !req) {
		eseal_error_set(ESEAL_EINVAL, "no document or request");
		return ESEAL_EINVAL;
	}
	snprintf(out->doc_class, sizeof out->doc_class, "unknown");
	pl_doc d;
	int rc = pl_doc_build(doc, &d);
	if (rc)
		return rc;
	if (!d.n) {
		out->confidence = 0.02;
		set_reason(out, "the document has no text layer (a scan?): no position can be justified",
			   "文件没有文本层（可能是扫描件），无法给出有依据的盖章位置");
		pl_doc_free(&d);
		return 0;
	}
	int cls = pl_classify(&d, req->org);
	pl_cands cands = { 0 };
	int chosen_cls = cls;

	/* the organisation's own habit for this layout comes first */
	if (req->nhistory && (rc = pl_habit(&d, req, &cands)))
		goto done;
	int habit = 0;
	for (size_t i = 0; i < cands.n; i++)
		if (cands.v[i].score >= 0.7)
			habit = 1;
	if (habit) {
		chosen_cls = PL_HABIT;
	} else {
		pl_cands_free(&cands);
		pl_cands all = { 0 };
		double agree[PL_RECEIPT + 1] = { 0 };
		if (req->nhistory && (rc = history_agreement(req, agree)))
			goto done;
		/* every convention proposes; the class the document shows adds weight */
		for (int k = PL_OFFICIAL; k <= PL_RECEIPT; k++) {
			size_t before = all.n;
			if ((rc = fns[k](&d, req, &all))) {
				pl_cands_free(&all);
				goto done;
			}
			for (size_t i = before; i < all.n; i++) {
				features(&d, &all.v[i], k == cls);
				all.v[i].f[4] = agree[k];
				all.v[i].f[5] = k;
			}
		}
		double best = 0;
		size_t bi = 0;
		for (size_t i = 0; i < all.n; i++) {
			double s = pl_rank_score(&all.v[i]);
			if (s > best) {
				best = s;
				bi = i;
			}
		}
		if (all.n && best >= 0.5) {
			pl_cand *c = pl_cands_add(&cands);
			if (!c) {
				pl_cands_free(&all);
				rc = ESEAL_ENOMEM;
				goto done;
			}
			*c = all.v[bi];
			c->score = best;
			chosen_cls = (int)all.v[bi].f[5];
			if (c->f[4] > 0) {
				size_t u = strlen(c->reason), uz = strlen(c->reason_zh);
				snprintf(c->reason + u, sizeof c->reason - u,
					 "; chosen as where the organisation stamped its earlier documents");
				snprintf(c->reason_zh + uz, sizeof c->reason_zh - uz, "；与该单位历史盖章位置一致");
			}
			/* a contract signed over its party's name and date still takes the contract seal */
			if (cls == PL_CONTRACT && (chosen_cls == PL_OFFICIAL || chosen_cls == PL_CERTIFICATE))
				c->seal_type = pl_seal_for(PL_CONTRACT, req->seals);
			if (req->nhistory && (rc = learn(req, chosen_cls, fns[chosen_cls], c))) {
				pl_cands_free(&all);
				goto done;
			}
		}
		pl_cands_free(&all);
	}

	snprintf(out->doc_class, sizeof out->doc_class, "%s", pl_class_name(chosen_cls));
	for (size_t i = 0; i < cands.n; i++) {
		eseal_place_item p = { 0 };
		p.page = cands.v[i].page;
		p.x = cands.v[i].x;
		p.y = cands.v[i].y;
		snprintf(p.seal_type, sizeof p.seal_type, "%s", cands.v[i].seal_type);
		p.confidence = cands.v[i].score;
		snprintf(p.reason, sizeof p.reason, "%s", cands.v[i].reason);
		snprintf(p.reason_zh, sizeof p.reason_zh, "%s", cands.v[i].reason_zh);
		if ((rc = push(out, &p)))
			goto done;
	}
	/* multi-page contracts also take a cross-page seal on the right edge */
	/* (also when a contract's signer was found by its name over a date) */
	if ((chosen_cls == PL_CONTRACT || (cls == PL_CONTRACT && chosen_cls != PL_HABIT)) && out->n &&
	    doc->npages >= 2) {
		eseal_place_item p = { 0 };
		p.page = 1;
		p.x = doc->pages[0].width;
		p.y = doc->pages[0].height / 2;
		p.perforation = 1;
		snprintf(p.seal_type, sizeof p.seal_type, "%s", out->items[0].seal_type);
		p.confidence = out->items[0].confidence;
		snprintf(p.reason, sizeof p.reason, "cross-page seal over the right edge of all %zu pages",
			 doc->npages);
		snprintf(p.reason_zh, sizeof p.reason_zh, "骑缝章：跨越全部%zu页的右侧边缘", doc->npages);
		if ((rc = push(out, &p)))
			goto done;
	}
	if (out->n) {
		out->confidence = out->items[0].confidence;
		set_reason(out, out->items[0].reason, out->items[0].reason_zh);
	} else {
		out->confidence = 0.1;
		set_reason(out,
			   "no seal position recognised: no signature block, seal label, issuer ending or learned "
			   "template matches this document",
			   "未识别出盖章位置：文件中没有可对应的签署栏、盖章标签、落款或已学习的版式");
	}
done:
	pl_cands_free(&cands);
	pl_doc_free(&d);
	if (rc)
		eseal_place_result_free(out);
	return rc;
}

void eseal_place_result_free(eseal_place_result *r)
{
	if (!r)
		return;
	free(r->items);
	r->items = NULL;
	r->n = 0;
}

static int put_str(eseal_buf *b, const char *s)
{
	int rc = eseal_buf_putc(b, '"');
	for (; !rc && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			rc = eseal_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			rc = eseal_buf_printf(b, "\\u%04x", c);
		else
			rc = eseal_buf_putc(b, c);
	}
	return rc ? rc : eseal_buf_putc(b, '"');
}

int eseal_place_result_json(const eseal_place_result *r, eseal_buf *out)
{
	int rc = eseal_buf_puts(out, "{\"placements\":[");
	for (size_t i = 0; !rc && i < r->n; i++) {
		const eseal_place_item *p = &r->items[i];
		rc = eseal_buf_printf(out, "%s{\"page\":%d,\"x\":%.1f,\"y\":%.1f,\"kind\":\"%s\",\"seal_type\":", i ? "," : "",
				      p->page, p->x, p->y, p->perforation ? "perforation" : "normal");
		if (!rc)
			rc = put_str(out, p->seal_type);
		if (!rc)
			rc = eseal_buf_printf(out, ",\"confidence\":%.2f,\"reason\":", p->confidence);
		if (!rc)
			rc = put_str(out, p->reason);
		if (!rc)
			rc = eseal_buf_puts(out, ",\"reason_zh\":");
		if (!rc)
			rc = put_str(out, p->reason_zh);
		if (!rc)
			rc = eseal_buf_putc(out, '}');
	}
	if (!rc)
		rc = eseal_buf_puts(out, "],\"class\":");
	if (!rc)
		rc = put_str(out, r->doc_class);
	if (!rc)
		rc = eseal_buf_printf(out, ",\"confidence\":%.2f,\"reason\":", r->confidence);
	if (!rc)
		rc = put_str(out, r->reason);
	if (!rc)
		rc = eseal_buf_puts(out, ",\"reason_zh\":");
	if (!rc)
		rc = put_str(out, r->reason_zh);
	if (!rc)
		rc = eseal_buf_putc(out, '}');
	return rc;
}
