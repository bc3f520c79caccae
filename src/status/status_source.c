/*
 * status_source.c - where a verifier learns a seal's status at signing
 * time: an online status service (signed answer for "status at T") and/or
 * revocation list files (a full list plus deltas), each verified against
 * the caller's trust anchors before it is believed; and the "seal_status"
 * check this adds to verification reports. Never turns a missing or
 * untrusted status into a pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eseal/net.h"
#include "status_internal.h"

#define ANSWER_MAX (1u << 20)

struct eseal_status_source {
	const eseal_trust *trust;
	eseal_buf *lists;
	size_t nlists;
	char *url;
	int timeout_ms;
	int merged;              /* lists parsed, verified and merged */
	int have_full;
	eseal_srl full;
	char list_err[300];
};

int eseal_status_source_new(eseal_status_source **out, const eseal_trust *trust)
{
	eseal_status_source *s = calloc(1, sizeof *s);
	if (!s)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	s->trust = trust;
	eseal_srl_init(&s->full);
	*out = s;
	return 0;
}

void eseal_status_source_free(eseal_status_source *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nlists; i++)
		eseal_buf_free(&s->lists[i]);
	free(s->lists);
	free(s->url);
	eseal_srl_clear(&s->full);
	free(s);
}

int eseal_status_source_add_list(eseal_status_source *s, const uint8_t *der, size_t len)
{
	eseal_srl l;
	int rc = eseal_srl_parse(der, len, &l, NULL);
	if (rc)
		return rc;
	eseal_srl_clear(&l);
	eseal_buf *p = realloc(s->lists, (s->nlists + 1) * sizeof *p);
	if (!p)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	s->lists = p;
	eseal_buf b = ESEAL_BUF_INIT;
	if ((rc = eseal_buf_put(&b, der, len)))
		return rc;
	s->lists[s->nlists++] = b;
	s->merged = 0;
	return 0;
}

int eseal_status_source_set_url(eseal_status_source *s, const char *url, int timeout_ms)
{
	if (strncmp(url, "http://", 7))
		return eseal_error_set(ESEAL_EINVAL, "status URL must start with http://: %s", url);
	char *u = strdup(url);
	if (!u)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	free(s->url);
	s->url = u;
	s->timeout_ms = timeout_ms;
	return 0;
}

/* Verifies every list and folds them into one full list: the newest full
 * list, then the deltas that apply to it in number order. */
static int merge_lists(eseal_status_source *s)
{
	if (s->merged)
		return s->have_full ? 0 : ESEAL_ENOTFOUND;
	s->merged = 1;
	s->have_full = 0;
	s->list_err[0] = 0;
	eseal_srl_clear(&s->full);
	eseal_srl *all = calloc(s->nlists ? s->nlists : 1, sizeof *all);
	if (!all)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int rc = 0;
	size_t n = 0;
	for (size_t i = 0; i < s->nlists && !rc; i++) {
		eseal_status_signed *sig = NULL;
		char why[256];
		rc = eseal_srl_parse(s->lists[i].data, s->lists[i].len, &all[n], &sig);
		if (!rc && eseal_status_signed_verify(sig, s->trust, all[n].this_update, why, sizeof why)) {
			snprintf(s->list_err, sizeof s->list_err, "revocation list %lld not trusted: %s",
				 (long long)all[n].number, why);
			rc = ESEAL_EVERIFY;
			eseal_srl_clear(&all[n]);
		}
		eseal_status_signed_free(sig);
		if (!rc)
			n++;
	}
	ssize_t best = -1;
	for (size_t i = 0; !rc && i < n; i++)
		if (!all[i].delta && (best < 0 || all[i].number > all[best].number))
			best = (ssize_t)i;
	if (!rc && best < 0) {
		snprintf(s->list_err, sizeof s->list_err, "no full revocation list given (only deltas)");
		rc = ESEAL_ENOTFOUND;
	}
	if (!rc) {
		s->full = all[best];
		eseal_srl_init(&all[best]);
		/* deltas in number order; each must build on what we have */
		for (;;) {
			ssize_t next = -1;
			for (size_t i = 0; i < n; i++)
				if (all[i].delta && all[i].number > s->full.number &&
				    all[i].base_number <= s->full.number &&
				    (next < 0 || all[i].number < all[next].number))
					next = (ssize_t)i;
			if (next < 0)
				break;
			if ((rc = eseal_srl_apply_delta(&s->full, &all[next])))
				break;
		}
		s->have_full = !rc;
	}
	for (size_t i = 0; i < n; i++)
		eseal_srl_clear(&all[i]);
	free(all);
	if (rc && !s->list_err[0])
		snprintf(s->list_err, sizeof s->list_err, "%s", eseal_error_last());
	return rc;
}

/* The service URL for esid at t. */
static int answer_url(const char *base, const char *esid, time_t t, char *out, size_t outlen)
{
	const char *mark = strstr(base, "{esid}");
	int n;
	if (mark)
		n = snprintf(out, outlen, "%.*s%s%s", (int)(mark - base), base, esid, mark + 6);
	else {
		size_t bl = strlen(base);
		while (bl && base[bl - 1] == '/')
			bl--;
		int has = bl >= 14 && !memcmp(base + bl - 14, "/api/v1/status", 14);
		n = snprintf(out, outlen, "%.*s%s/%s", (int)bl, base, has ? "" : "/api/v1/status", esid);
	}
	if (n < 0 || (size_t)n >= outlen)
		return eseal_error_set(ESEAL_EINVAL, "status URL too long");
	size_t len = (size_t)n;
	n = snprintf(out + len, outlen - len, "%cat=%lld", strchr(out, '?') ? '&' : '?', (long long)t);
	if (n < 0 || (size_t)n >= outlen - len)
		return eseal_error_set(ESEAL_EINVAL, "status URL too long");
	return 0;
}

/* An answer or list only speaks for t when it was made after t or is
 * still current: losses are recorded when reported, never backdated. */
static int covers(time_t this_update, time_t next_update, time_t t, time_t now)
{
	return this_update >= t || now <= next_update;
}

static int query_online(eseal_status_source *s, const char *esid, time_t t, eseal_status_answer *out, char *note,
			size_t notelen)
{
	char url[2048];
	eseal_http_answer h;
	int rc = answer_url(s->url, esid, t, url, sizeof url);
	if (rc)
		return rc;
	if ((rc = eseal_http_get(url, "application/eseal-status", s->timeout_ms, ANSWER_MAX, &h)))
		return eseal_error_wrap("%s: ", url);
	if (h.status != 200) {
		rc = eseal_error_set(ESEAL_EIO, "%s: HTTP %d", url, h.status);
		eseal_http_answer_free(&h);
		return rc;
	}
	eseal_status_answer a;
	eseal_status_signed *sig = NULL;
	char why[256];
	rc = eseal_status_answer_parse(h.body.data, h.body.len, &a, &sig);
	eseal_http_answer_free(&h);
	if (rc)
		return eseal_error_wrap("%s: ", url);
	if (eseal_status_signed_verify(sig, s->trust, a.this_update, why, sizeof why)) {
		eseal_status_signed_free(sig);
		return eseal_error_set(ESEAL_EVERIFY, "status answer not trusted: %s", why);
	}
	eseal_status_signed_free(sig);
	if (!covers(a.this_update, a.next_update, t, time(NULL)))
		return eseal_error_set(ESEAL_EVERIFY, "the status answer is out of date (nextUpdate passed)");
	if ((rc = eseal_status_answer_at(&a, esid, t, out)))
		return rc;
	char tu[32];
	eseal_time_format_human(tu, a.this_update);
	snprintf(note, notelen, "signed status answer of %s", tu);
	return 0;
}

int eseal_status_source_query(eseal_status_source *s, const char *esid, time_t t, eseal_status_answer *out,
			      char *note, size_t notelen)
{
	char online_err[300] = "";
	note[0] = 0;
	if (!eseal_esid_ok(esid))
		return eseal_error_set(ESEAL_EINVAL, "bad seal code '%.70s'", esid);
	if (s->url) {
		if (!query_online(s, esid, t, out, note, notelen))
			return 0;
		snprintf(online_err, sizeof online_err, "%s", eseal_error_last());
		if (!s->nlists)
			return eseal_error_set(ESEAL_EIO, "%s", online_err);
	}
	if (!s->nlists)
		return eseal_error_set(ESEAL_ENOTFOUND, "no seal status source given");
	if (merge_lists(s))
		return eseal_error_set(ESEAL_EVERIFY, "%s%s%s", online_err, online_err[0] ? "; " : "", s->list_err);
	if (!covers(s->full.this_update, s->full.next_update, t, time(NULL)))
		return eseal_error_set(ESEAL_EVERIFY, "revocation list %lld is out of date (nextUpdate passed)",
				       (long long)s->full.number);
	eseal_srl_status_at(&s->full, esid, t, out);
	snprintf(note, notelen, "revocation list %lld", (long long)s->full.number);
	return 0;
}

/* Signing time from a report fact ("2024-03-01 12:00:00 UTC"). */
static int fact_time(const char *v, time_t *out)
{
	char buf[40];
	if (!v)
		return ESEAL_ENOTFOUND;
	snprintf(buf, sizeof buf, "%s", v);
	size_t n = strlen(buf);
	if (n > 4 && !strcmp(buf + n - 4, " UTC"))
		buf[n - 4] = 0;
	if (!strcmp(buf, "now"))
		return ESEAL_EINVAL;
	return eseal_time_parse(out, buf);
}

int eseal_status_check_report(eseal_status_source *s, eseal_report *r)
{
	for (size_t i = 0; i < eseal_report_count(r); i++) {
		eseal_report_item *it = eseal_report_get(r, i);
		const char *esid = eseal_item_fact_get(it, "esid");
		if (!esid) {
			if (!strncmp(eseal_item_id(it), "signature", 9))
				eseal_item_check(it, "seal_status", ESEAL_CHECK_SKIPPED, NULL,
						 "no electronic seal (esID) in this signature");
			continue;
		}
		time_t t;
		if (fact_time(eseal_item_fact_get(it, "time"), &t)) {
			eseal_item_check(it, "seal_status", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_TRY_LATER,
					 "seal %s: no signing time to check its status at", esid);
			eseal_item_conclude(it);
			continue;
		}
		char note[200], when[32], rt[32];
		eseal_status_answer a;
		eseal_time_format_human(when, t);
		if (eseal_status_source_query(s, esid, t, &a, note, sizeof note)) {
			eseal_item_check(it, "seal_status", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_TRY_LATER,
					 "seal %s: status at %s unavailable: %s", esid, when, eseal_error_last());
			eseal_item_conclude(it);
			continue;
		}
		if (a.revocation_time)
			eseal_time_format_human(rt, a.revocation_time);
		const char *rs = a.reason[0] ? a.reason : "no reason given";
		switch (a.state) {
		case ESEAL_SEAL_GOOD:
			if (a.revocation_time)
				eseal_item_check(it, "seal_status", ESEAL_CHECK_PASSED, NULL,
						 "seal %s was valid at signing time %s; reported lost or cancelled "
						 "later, at %s (%s); %s",
						 esid, when, rt, rs, note);
			else
				eseal_item_check(it, "seal_status", ESEAL_CHECK_PASSED, NULL,
						 "seal %s was valid at signing time %s (%s)", esid, when, note);
			break;
		case ESEAL_SEAL_LOST:
		case ESEAL_SEAL_CANCELLED:
			eseal_item_check(it, "seal_status", ESEAL_CHECK_FAILED, ESEAL_SUB_REVOKED,
					 "seal %s was %s at %s, before signing at %s: %s (%s)", esid,
					 a.state == ESEAL_SEAL_LOST ? "reported lost" : "cancelled", rt, when, rs, note);
			break;
		case ESEAL_SEAL_EXPIRED:
			eseal_item_check(it, "seal_status", ESEAL_CHECK_FAILED, ESEAL_SUB_EXPIRED,
					 "seal %s had expired at %s, before signing at %s (%s)", esid, rt, when, note);
			break;
		default:
			eseal_item_check(it, "seal_status", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_TRY_LATER,
					 "the status publisher does not know seal %s (%s)", esid, note);
			break;
		}
		eseal_item_fact(it, "seal_status", "%s", eseal_seal_state_name(a.state));
		eseal_item_conclude(it);
	}
	return 0;
}
