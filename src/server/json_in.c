/*
 * json_in.c - strict parsing of JSON request bodies: one object, no
 * duplicate keys, no trailing data, bounded nesting, and every field
 * declared by the route's schema with the declared type. Never hand a
 * handler a body that has not passed the schema: handlers trust it.
 */
#include <stdio.h>
#include <string.h>

#include "server_internal.h"

const char *srv_jtype_name(srv_jtype t)
{
	switch (t) {
	case SRV_J_STRING: return "string";
	case SRV_J_INTEGER: return "integer";
	case SRV_J_BOOLEAN: return "boolean";
	case SRV_J_NUMBER: return "number";
	case SRV_J_OBJECT: return "object";
	case SRV_J_ARRAY: return "array";
	}
	return "?";
}

/* Nesting depth outside strings, checked before jansson recurses. */
static int depth_ok(const uint8_t *p, size_t n, int max)
{
	int depth = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				return 0;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return 1;
}

static int type_ok(const json_t *v, srv_jtype t)
{
	switch (t) {
	case SRV_J_STRING: return json_is_string(v);
	case SRV_J_INTEGER: return json_is_integer(v);
	case SRV_J_BOOLEAN: return json_is_boolean(v);
	case SRV_J_NUMBER: return json_is_number(v);
	case SRV_J_OBJECT: return json_is_object(v);
	case SRV_J_ARRAY: return json_is_array(v);
	}
	return 0;
}

int srv_json_parse(json_t **out, const uint8_t *body, size_t len, const srv_field *fields,
		   char *why, size_t whylen)
{
	*out = NULL;
	if (!body || len == 0) {
		snprintf(why, whylen, "a JSON object is required");
		return ESEAL_EFORMAT;
	}
	if (!depth_ok(body, len, SRV_JSON_MAX_DEPTH)) {
		snprintf(why, whylen, "JSON nested deeper than %d levels", SRV_JSON_MAX_DEPTH);
		return ESEAL_ELIMIT;
	}
	json_error_t err;
	json_t *j = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		snprintf(why, whylen, "malformed JSON at line %d column %d: %s", err.line, err.column,
			 err.text);
		return ESEAL_EFORMAT;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		snprintf(why, whylen, "the body must be a JSON object");
		return ESEAL_EFORMAT;
	}
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v) {
		const srv_field *f = fields;
		while (f && f->name && strcmp(f->name, key))
			f++;
		if (!f || !f->name) {
			snprintf(why, whylen, "unknown field '%.64s'", key);
			goto bad;
		}
		if (!type_ok(v, f->type)) {
			snprintf(why, whylen, "field '%s' must be %s %s", f->name,
				 f->type == SRV_J_INTEGER || f->type == SRV_J_ARRAY || f->type == SRV_J_OBJECT
					 ? "an" : "a", srv_jtype_name(f->type));
			goto bad;
		}
		size_t max = f->max_len ? f->max_len : 1024;
		if (json_is_string(v) && json_string_length(v) > max) {
			snprintf(why, whylen, "field '%s' is longer than %zu bytes", f->name, max);
			goto bad;
		}
		if (json_is_string(v) && memchr(json_string_value(v), 0, json_string_length(v))) {
			snprintf(why, whylen, "field '%s' contains a NUL character", f->name);
			goto bad;
		}
	}
	for (const srv_field *f = fields; f && f->name; f++)
		if (f->required && !json_object_get(j, f->name)) {
			snprintf(why, whylen, "missing required field '%s'", f->name);
			goto bad;
		}
	*out = j;
	return 0;
bad:
	json_decref(j);
	return ESEAL_EFORMAT;
}
