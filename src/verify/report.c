/*
 * report.c - the verification report model: items, their checks and facts,
 * and the ETSI EN 319 102-1 style conclusion. It only records what the
 * verifiers found; it must never decide a check itself, and a memory failure
 * must never crash it (void functions drop the entry instead).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/report_internal.h"

/* Makes room for one more elem-sized entry after n in array v; returns the
 * (possibly moved) array, or NULL with v untouched when out of memory. */
static void *grow(void *v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return v;
	size_t ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / elem)
		return NULL;
	void *p = realloc(v, ncap * elem);
	if (p)
		*cap = ncap;
	return p;
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* Takes ownership of value (freed on failure). */
static void facts_set(report_facts *f, const char *key, char *value)
{
	if (!key || !value) {
		free(value);
		return;
	}
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].key, key) == 0) {
			free(f->v[i].value);
			f->v[i].value = value;
			return;
		}
	}
	char *k = strdup(key);
	report_fact *v = k ? grow(f->v, &f->cap, f->n, sizeof *f->v) : NULL;
	if (!v) {
		free(k);
		free(value);
		return;
	}
	f->v = v;
	f->v[f->n].key = k;
	f->v[f->n].value = value;
	f->n++;
}

static const char *facts_get(const report_facts *f, const char *key)
{
	if (!key)
		return NULL;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].key, key) == 0)
			return f->v[i].value;
	return NULL;
}

static void facts_free(report_facts *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].key);
		free(f->v[i].value);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

int eseal_report_new(eseal_report **out, const char *kind, const char *subject)
{
	if (!out)
		return eseal_error_set(ESEAL_EINVAL, "report: no output");
	*out = NULL;
	eseal_report *r = calloc(1, sizeof *r);
	if (!r)
		return eseal_error_set(ESEAL_ENOMEM, "report: out of memory");
	r->kind = dup_or_empty(kind);
	r->subject = dup_or_empty(subject);
	if (!r->kind || !r->subject) {
		eseal_report_free(r);
		return eseal_error_set(ESEAL_ENOMEM, "report: out of memory");
	}
	*out = r;
	return 0;
}

static void item_free(eseal_report_item *it)
{
	if (!it)
		return;
	free(it->id);
	for (size_t i = 0; i < it->nchecks; i++) {
		free(it->checks[i].name);
		free(it->checks[i].sub);
		free(it->checks[i].detail);
	}
	free(it->checks);
	facts_free(&it->facts);
	free(it);
}

void eseal_report_free(eseal_report *r)
{
	if (!r)
		return;
	free(r->kind);
	free(r->subject);
	facts_free(&r->facts);
	for (size_t i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	for (size_t i = 0; i < r->nitems; i++)
		item_free(r->items[i]);
	free(r->items);
	free(r);
}

eseal_report_item *eseal_report_add(eseal_report *r, const char *id)
{
	if (!r)
		return NULL;
	eseal_report_item *it = calloc(1, sizeof *it);
	if (!it)
		return NULL;
	it->id = dup_or_empty(id);
	eseal_report_item **v = it->id ? grow(r->items, &r->capitems, r->nitems, sizeof *r->items) : NULL;
	if (!v) {
		item_free(it);
		return NULL;
	}
	r->items = v;
	r->items[r->nitems++] = it;
	return it;
}

void eseal_report_fact(eseal_report *r, const char *key, const char *fmt, ...)
{
	if (!r || !key || !fmt)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *v = vformat(fmt, ap);
	va_end(ap);
	facts_set(&r->facts, key, v);
}

void eseal_report_warning(eseal_report *r, const char *fmt, ...)
{
	if (!r || !fmt)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *v = vformat(fmt, ap);
	va_end(ap);
	if (!v)
		return;
	/* "shown once": the same problem found twice is one warning */
	for (size_t i = 0; i < r->nwarnings; i++) {
		if (strcmp(r->warnings[i], v) == 0) {
			free(v);
			return;
		}
	}
	char **w = grow(r->warnings, &r->capwarnings, r->nwarnings, sizeof *r->warnings);
	if (!w) {
		free(v);
		return;
	}
	r->warnings = w;
	r->warnings[r->nwarnings++] = v;
}

void eseal_item_check(eseal_report_item *it, const char *check, eseal_check_status st,
		      const char *sub, const char *fmt, ...)
{
	if (!it || !check)
		return;
	report_check c = { NULL, st, NULL, NULL };
	c.name = strdup(check);
	c.sub = sub ? strdup(sub) : NULL;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		c.detail = vformat(fmt, ap);
		va_end(ap);
	} else {
		c.detail = strdup("");
	}
	report_check *v = NULL;
	if (c.name && (!sub || c.sub) && c.detail)
		v = grow(it->checks, &it->capchecks, it->nchecks, sizeof *it->checks);
	if (!v) {
		free(c.name);
		free(c.sub);
		free(c.detail);
		return;
	}
	it->checks = v;
	it->checks[it->nchecks++] = c;
	/* a check recorded after conclude must still count */
	it->concluded = 0;
}

void eseal_item_fact(eseal_report_item *it, const char *key, const char *fmt, ...)
{
	if (!it || !key || !fmt)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *v = vformat(fmt, ap);
	va_end(ap);
	facts_set(&it->facts, key, v);
}

void report_item_verdict(const eseal_report_item *it, eseal_indication *ind, const char **sub)
{
	*ind = ESEAL_TOTAL_PASSED;
	*sub = NULL;
	if (!it)
		return;
	if (it->concluded) {
		*ind = it->indication;
		*sub = it->sub;
		return;
	}
	const report_check *indet = NULL;
	for (size_t i = 0; i < it->nchecks; i++) {
		const report_check *c = &it->checks[i];
		if (c->status == ESEAL_CHECK_FAILED) {
			*ind = ESEAL_TOTAL_FAILED;
			*sub = c->sub ? c->sub : ESEAL_SUB_FORMAT_FAILURE;
			return;
		}
		if (c->status == ESEAL_CHECK_INDETERMINATE && !indet)
			indet = c;
	}
	if (indet) {
		*ind = ESEAL_INDETERMINATE;
		*sub = indet->sub;
	}
}

void eseal_item_conclude(eseal_report_item *it)
{
	if (!it)
		return;
	it->concluded = 0;
	report_item_verdict(it, &it->indication, &it->sub);
	it->concluded = 1;
}

size_t eseal_report_count(const eseal_report *r)
{
	return r ? r->nitems : 0;
}

eseal_report_item *eseal_report_get(const eseal_report *r, size_t i)
{
	if (!r || i >= r->nitems)
		return NULL;
	return r->items[i];
}

const char *eseal_item_id(const eseal_report_item *it)
{
	return it ? it->id : NULL;
}

eseal_indication eseal_item_indication(const eseal_report_item *it)
{
	eseal_indication ind;
	const char *sub;
	report_item_verdict(it, &ind, &sub);
	return ind;
}

const char *eseal_item_subindication(const eseal_report_item *it)
{
	eseal_indication ind;
	const char *sub;
	report_item_verdict(it, &ind, &sub);
	return sub;
}

int eseal_item_check_status(const eseal_report_item *it, const char *check)
{
	if (!it || !check)
		return -1;
	/* the last record wins: a check may be redone with better data */
	for (size_t i = it->nchecks; i-- > 0;)
		if (strcmp(it->checks[i].name, check) == 0)
			return (int)it->checks[i].status;
	return -1;
}

const char *eseal_item_fact_get(const eseal_report_item *it, const char *key)
{
	return it ? facts_get(&it->facts, key) : NULL;
}

eseal_indication eseal_report_overall(const eseal_report *r)
{
	eseal_indication worst = ESEAL_TOTAL_PASSED;
	for (size_t i = 0; r && i < r->nitems; i++) {
		eseal_indication ind = eseal_item_indication(r->items[i]);
		if (ind == ESEAL_TOTAL_FAILED)
			return ESEAL_TOTAL_FAILED;
		if (ind == ESEAL_INDETERMINATE)
			worst = ESEAL_INDETERMINATE;
	}
	return worst;
}

const char *eseal_indication_name(eseal_indication i)
{
	switch (i) {
	case ESEAL_TOTAL_PASSED: return "TOTAL-PASSED";
	case ESEAL_TOTAL_FAILED: return "TOTAL-FAILED";
	case ESEAL_INDETERMINATE: return "INDETERMINATE";
	}
	return "INDETERMINATE";
}

const char *eseal_check_status_name(eseal_check_status st)
{
	switch (st) {
	case ESEAL_CHECK_PASSED: return "passed";
	case ESEAL_CHECK_FAILED: return "failed";
	case ESEAL_CHECK_INDETERMINATE: return "indeterminate";
	case ESEAL_CHECK_WARNING: return "warning";
	case ESEAL_CHECK_SKIPPED: return "skipped";
	}
	return "indeterminate";
}
