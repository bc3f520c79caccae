/*
 * problem.c - every answer leaves through here: JSON bodies and RFC 9457
 * application/problem+json errors (type, title, status, detail, instance,
 * request_id). Never put secrets, stack traces or library internals into a
 * problem's detail: it goes to whoever sent the request.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_internal.h"

static void set_body_json(srv_req *r, json_t *j)
{
	eseal_buf_clear(&r->out);
	char *s = json_dumps(j, JSON_COMPACT);
	if (s) {
		eseal_buf_puts(&r->out, s);
		free(s);
	}
}

void srv_problem(srv_req *r, int status, const char *slug, const char *title,
		 const char *fmt, ...)
{
	char detail[512] = "";
	char type[96];
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	snprintf(type, sizeof type, "urn:eseal:problem:%s", slug);
	json_t *j = json_object();
	json_object_set_new(j, "type", json_string(type));
	json_object_set_new(j, "title", json_string(title));
	json_object_set_new(j, "status", json_integer(status));
	/* detail may echo user input that is not valid UTF-8: drop it then */
	json_t *d = json_string(detail);
	json_object_set_new(j, "detail", d ? d : json_string("(unprintable detail)"));
	json_t *inst = json_string(r->path ? r->path : "");
	json_object_set_new(j, "instance", inst ? inst : json_string(""));
	json_object_set_new(j, "request_id", json_string(r->request_id));
	set_body_json(r, j);
	json_decref(j);
	r->status = status;
	r->content_type = "application/problem+json";
}

void srv_reply_json(srv_req *r, int status, json_t *j)
{
	set_body_json(r, j);
	json_decref(j);
	r->status = status;
	r->content_type = "application/json";
}

void srv_reply_empty(srv_req *r, int status)
{
	eseal_buf_clear(&r->out);
	r->status = status;
	r->content_type = NULL;
}

void srv_add_header(srv_req *r, const char *name, const char *value)
{
	if (r->nextra >= (int)(sizeof r->extra_headers / sizeof r->extra_headers[0]))
		return;
	snprintf(r->extra_headers[r->nextra++], sizeof r->extra_headers[0], "%s: %s", name, value);
}
