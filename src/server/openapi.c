/*
 * openapi.c - builds the OpenAPI 3 document served at
 * /api/v1/openapi.json from the route table itself, so the document lists
 * exactly the routes the server answers. Never describe a route by hand
 * here: change the table instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_internal.h"

/* What the routes that do not answer JSON answer instead. */
static const char *raw_media(const char *pattern)
{
	static const struct { const char *pattern, *media; } media[] = {
		{ "/metrics", "text/plain" },
		{ "/api/v1/status/{esid}", "application/eseal-status" },
		{ "/api/v1/srl", "application/eseal-srl" },
		{ "/api/v1/srl/delta", "application/eseal-srl" },
		{ "/api/v1/tsa", "application/timestamp-reply" },
		{ "/api/v1/seals/{esid}/picture", "image/png" },
		{ "/api/v1/render", "image/png" },
	};
	for (size_t i = 0; i < sizeof media / sizeof media[0]; i++)
		if (!strcmp(pattern, media[i].pattern))
			return media[i].media;
	return "application/octet-stream";
}

static json_t *problem_response(void)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "an error (RFC 9457)", "content",
			 "application/problem+json", "schema", "$ref", "#/components/schemas/Problem");
}

static json_t *body_schema(const srv_field *f)
{
	json_t *props = json_object(), *req = json_array();
	for (; f->name; f++) {
		json_t *p = json_pack("{s:s}", "type", srv_jtype_name(f->type));
		if (f->type == SRV_J_STRING)
			json_object_set_new(p, "maxLength", json_integer((json_int_t)(f->max_len ? f->max_len : 1024)));
		if (f->description)
			json_object_set_new(p, "description", json_string(f->description));
		json_object_set_new(props, f->name, p);
		if (f->required)
			json_array_append_new(req, json_string(f->name));
	}
	json_t *s = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
			      "additionalProperties", 0);
	if (json_array_size(req))
		json_object_set_new(s, "required", req);
	else
		json_decref(req);
	return s;
}

static void operation_id(char *out, size_t outlen, const srv_route *r)
{
	size_t o = 0;
	for (const char *p = r->method; *p && o + 1 < outlen; p++)
		out[o++] = (char)(*p | 0x20);
	for (const char *p = r->pattern + strlen("/api/v1"); *p && o + 1 < outlen; p++) {
		char c = *p;
		if (c == '{' || c == '}')
			continue;
		out[o++] = (c == '/' || c == '-' || c == '.') ? '_' : c;
	}
	out[o] = 0;
}

int srv_openapi_build(const srv_route *routes, size_t n, eseal_buf *out)
{
	json_t *paths = json_object();
	for (size_t i = 0; i < n; i++) {
		const srv_route *r = &routes[i];
		json_t *item = json_object_get(paths, r->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, r->pattern, item);
		}
		char lower[16], opid[128];
		size_t k = 0;
		for (; r->method[k] && k + 1 < sizeof lower; k++)
			lower[k] = (char)(r->method[k] | 0x20);
		lower[k] = 0;
		operation_id(opid, sizeof opid, r);
		json_t *op = json_pack("{s:s, s:s, s:s}", "summary", r->summary, "operationId", opid,
				       "x-eseal-permission", srv_perm_name(r->perm));
		json_t *params = json_array();
		for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
			const char *e = strchr(p, '}');
			if (!e)
				break;
			json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1,
								(size_t)(e - p - 1), "in", "path", "required", 1,
								"schema", "type", "string"));
		}
		if (json_array_size(params))
			json_object_set_new(op, "parameters", params);
		else
			json_decref(params);
		if (r->body)
			json_object_set_new(op, "requestBody",
					    json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
						      "application/json", "schema", body_schema(r->body)));
		if (r->perm == SRV_P_PUBLIC)
			json_object_set_new(op, "security", json_array());
		const char *ctype = (r->flags & SRV_R_RAW) ? raw_media(r->pattern) : "application/json";
		json_object_set_new(op, "responses",
				    json_pack("{s:{s:s, s:{s:{}}}, s:o}", "2XX", "description", "success", "content",
					      ctype, "default", problem_response()));
		json_object_set_new(item, lower, op);
	}
	json_t *doc = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}},"
		" s:{s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}}},"
		" s:[{s:[]}, {s:[]}, {s:[]}]}",
		"openapi", "3.0.3",
		"info", "title", "eseal API", "version", eseal_version(), "description",
		"Electronic seal service. Errors are application/problem+json (RFC 9457). "
		"API clients sign requests with ESEAL-HMAC-SM3 (see docs/api-auth.md).",
		"servers", "url", "/",
		"paths", paths,
		"components", "securitySchemes",
		"bearer", "type", "http", "scheme", "bearer", "description", "session token from POST /api/v1/login",
		"cookie", "type", "apiKey", "in", "cookie", "name", "eseal_session",
		"hmac", "type", "apiKey", "in", "header", "name", "Authorization", "description",
		"ESEAL-HMAC-SM3 key=<id>, ts=<unix>, nonce=<hex>, sig=<hex>",
		"schemas", "Problem", "type", "object", "properties", "type", "type", "string", "title", "type", "string",
		"status", "type", "integer", "detail", "type", "string", "instance", "type", "string", "request_id",
		"type", "string",
		"security", "bearer", "cookie", "hmac");
	if (!doc)
		return eseal_error_set(ESEAL_ENOMEM, "cannot build the OpenAPI document");
	char *s = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!s)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int rc = eseal_buf_puts(out, s);
	free(s);
	return rc;
}
