/*
 * text_json.c - the machine form of extracted text (`eseal text --json`).
 *
 * The shape is documented in text.h and shared by OFD and PDF; the placement
 * code and outside tools read it, so never rename or drop a key. Lengths are
 * rounded to 0.01 mm.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "eseal/text.h"

static json_t *mm(double v)
{
	if (!isfinite(v))
		v = 0;
	return json_real(round(v * 100) / 100);
}

/* Adds "x","y","w","h" of a box to obj; 0 or -1. */
static int put_box(json_t *obj, eseal_box b)
{
	int rc = 0;
	rc |= json_object_set_new(obj, "x", mm(b.x));
	rc |= json_object_set_new(obj, "y", mm(b.y));
	rc |= json_object_set_new(obj, "w", mm(b.w));
	rc |= json_object_set_new(obj, "h", mm(b.h));
	return rc;
}

static json_t *line_json(const eseal_text_line *l, int with_chars)
{
	json_t *o = json_object();
	char *text = eseal_text_line_utf8(l);
	if (!o || !text)
		goto fail;
	if (json_object_set_new(o, "text", json_string(text)) || put_box(o, l->box))
		goto fail;
	if (with_chars) {
		json_t *arr = json_array();
		if (json_object_set_new(o, "chars", arr))
			goto fail;
		for (size_t i = 0; i < l->nchars; i++) {
			eseal_text_line one = { (eseal_text_char *)&l->chars[i], 1, l->chars[i].box };
			char *c = eseal_text_line_utf8(&one);
			json_t *co = json_object();
			int bad = !c || !co || json_object_set_new(co, "c", json_string(c)) ||
				  put_box(co, l->chars[i].box) ||
				  json_object_set_new(co, "size", mm(l->chars[i].size));
			free(c);
			if (bad || json_array_append_new(arr, co))
				goto fail;
		}
	}
	free(text);
	return o;
fail:
	free(text);
	json_decref(o);
	return NULL;
}

static json_t *page_json(const eseal_text_page *p, int with_chars)
{
	json_t *o = json_object(), *lines = json_array(), *rules = NULL;
	if (!o || !lines)
		goto fail;
	if (json_object_set_new(o, "page", json_integer(p->index)) ||
	    json_object_set_new(o, "id", p->id ? json_string(p->id) : json_null()) ||
	    json_object_set_new(o, "width", mm(p->width)) ||
	    json_object_set_new(o, "height", mm(p->height)))
		goto fail;
	for (size_t i = 0; i < p->nlines; i++) {
		json_t *l = line_json(&p->lines[i], with_chars);
		if (!l || json_array_append_new(lines, l))
			goto fail;
	}
	if (json_object_set_new(o, "lines", lines)) {
		lines = NULL;
		goto fail;
	}
	lines = NULL;
	if (p->nrules) {
		rules = json_array();
		if (json_object_set_new(o, "rules", rules))
			goto fail;
		for (size_t i = 0; i < p->nrules; i++) {
			json_t *r = json_object();
			if (!r || put_box(r, p->rules[i].box) || json_array_append_new(rules, r))
				goto fail;
		}
	}
	return o;
fail:
	json_decref(lines);
	json_decref(o);
	return NULL;
}

int eseal_text_doc_json(const eseal_text_doc *d, int with_chars, eseal_buf *out)
{
	json_t *root = json_object(), *pages = json_array();
	if (!root || !pages || json_object_set_new(root, "pages", pages)) {
		json_decref(root);
		return eseal_error_set(ESEAL_ENOMEM, "text: out of memory writing JSON");
	}
	for (size_t i = 0; i < d->npages; i++) {
		json_t *p = page_json(&d->pages[i], with_chars);
		if (!p || json_array_append_new(pages, p)) {
			json_decref(root);
			return eseal_error_set(ESEAL_ENOMEM, "text: out of memory writing JSON");
		}
	}
	char *s = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (!s)
		return eseal_error_set(ESEAL_ENOMEM, "text: out of memory writing JSON");
	int rc = eseal_buf_puts(out, s);
	if (rc == 0)
		rc = eseal_buf_putc(out, '\n');
	free(s);
	return rc;
}
