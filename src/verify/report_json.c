/*
 * report_json.c - the machine form of a verification report. The shape is
 * a stable interface (other modules, scripts and tests read it): keys are
 * only ever added, never renamed, and facts keep the order they were
 * recorded in. It must never leave half a document in the output buffer.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "verify/report_internal.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;
	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A JSON string for s. Facts may carry text decoded from third-party files,
 * so bytes that are not UTF-8 become U+FFFD instead of failing the report. */
static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	size_t n = strlen(s);
	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	char *fixed = malloc(n * 3 + 1);
	if (!fixed)
		return NULL;
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(p + i, n - i);
		if (k) {
			memcpy(fixed + o, p + i, k);
			o += k;
			i += k;
		} else {
			memcpy(fixed + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	j = json_stringn(fixed, o);
	free(fixed);
	return j;
}

/* Sets key to v, taking v; returns -1 when either failed. */
static int put(json_t *obj, const char *key, json_t *v)
{
	if (!v)
		return -1;
	return json_object_set_new(obj, key, v);
}

static json_t *facts_json(const report_facts *f)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	for (size_t i = 0; i < f->n; i++) {
		/* a key jansson refuses (not UTF-8) is stored under its fixed form */
		json_t *k = jstr(f->v[i].key);
		int bad = !k || put(o, json_string_value(k), jstr(f->v[i].value));
		json_decref(k);
		if (bad) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *check_json(const report_check *c)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (put(o, "check", jstr(c->name)) ||
	    put(o, "status", json_string(eseal_check_status_name(c->status))) ||
	    put(o, "subindication", jstr(c->sub)) ||
	    put(o, "detail", jstr(c->detail ? c->detail : ""))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *item_json(const eseal_report_item *it)
{
	eseal_indication ind;
	const char *sub;
	report_item_verdict(it, &ind, &sub);
	json_t *o = json_object();
	json_t *checks = json_array();
	if (!o || !checks)
		goto fail;
	for (size_t i = 0; i < it->nchecks; i++)
		if (json_array_append_new(checks, check_json(&it->checks[i])))
			goto fail;
	if (put(o, "id", jstr(it->id)) ||
	    put(o, "indication", json_string(eseal_indication_name(ind))) ||
	    put(o, "subindication", jstr(sub)))
		goto fail;
	int rc = json_object_set_new(o, "checks", checks);
	checks = NULL;
	if (rc || put(o, "facts", facts_json(&it->facts)))
		goto fail;
	return o;
fail:
	json_decref(checks);
	json_decref(o);
	return NULL;
}

static json_t *report_json(const eseal_report *r)
{
	json_t *o = json_object();
	json_t *warnings = json_array();
	json_t *items = json_array();
	if (!o || !warnings || !items)
		goto fail;
	if (put(o, "kind", jstr(r->kind)) ||
	    put(o, "subject", jstr(r->subject)) ||
	    put(o, "indication", json_string(eseal_indication_name(eseal_report_overall(r)))) ||
	    put(o, "facts", facts_json(&r->facts)))
		goto fail;
	for (size_t i = 0; i < r->nwarnings; i++)
		if (json_array_append_new(warnings, jstr(r->warnings[i])))
			goto fail;
	for (size_t i = 0; i < r->nitems; i++)
		if (json_array_append_new(items, item_json(r->items[i])))
			goto fail;
	int rc = json_object_set_new(o, "warnings", warnings);
	warnings = NULL;
	if (rc)
		goto fail;
	rc = json_object_set_new(o, "signatures", items);
	items = NULL;
	if (rc)
		goto fail;
	return o;
fail:
	json_decref(items);
	json_decref(warnings);
	json_decref(o);
	return NULL;
}

int eseal_report_json(const eseal_report *r, eseal_buf *out)
{
	if (!r || !out)
		return eseal_error_set(ESEAL_EINVAL, "report: nothing to write");
	json_t *j = report_json(r);
	if (!j)
		return eseal_error_set(ESEAL_ENOMEM, "report: out of memory building JSON");
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		return eseal_error_set(ESEAL_ENOMEM, "report: out of memory writing JSON");
	size_t n = strlen(s);
	int rc = eseal_buf_reserve(out, n + 1);
	if (rc == 0) {
		eseal_buf_put(out, s, n);
		eseal_buf_putc(out, '\n');
	}
	free(s);
	return rc;
}
