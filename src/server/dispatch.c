/*
 * dispatch.c - the request pipeline, independent of sockets: match the
 * route, authenticate (signed request or session), check the route's
 * permission, check the body against the route's schema, then run the
 * handler and count the outcome. Handlers only ever see requests that
 * passed every check; a refused request changes nothing.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "server_internal.h"

void srv_req_init(srv_req *r, srv_server *s)
{
	memset(r, 0, sizeof *r);
	r->srv = s;
	r->m.route = -1;
}

void srv_req_free(srv_req *r)
{
	json_decref(r->json);
	r->json = NULL;
	eseal_buf_free(&r->out);
}

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int srv_query_get(const srv_req *r, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	for (const char *p = r->query; p && *p;) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		if ((size_t)(end - p) > nl && !strncmp(p, name, nl) && p[nl] == '=') {
			size_t o = 0;
			for (const char *v = p + nl + 1; v < end; v++) {
				int c = (unsigned char)*v;
				if (c == '+')
					c = ' ';
				else if (c == '%' && v + 2 < end && hexv(v[1]) >= 0 && hexv(v[2]) >= 0) {
					c = hexv(v[1]) * 16 + hexv(v[2]);
					v += 2;
				}
				if (c == 0 || o + 1 >= outlen)
					return ESEAL_EINVAL;
				out[o++] = (char)c;
			}
			out[o] = 0;
			return 0;
		}
		p = amp ? amp + 1 : end;
	}
	return ESEAL_ENOTFOUND;
}

static int is_json_type(const char *ct)
{
	if (!ct)
		return 0;
	size_t n = strlen("application/json");
	if (strncasecmp(ct, "application/json", n))
		return 0;
	return ct[n] == 0 || ct[n] == ';' || ct[n] == ' ';
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Authentication failures: 401 with a reason, or 403 for CSRF. */
static int authenticate(srv_req *r)
{
	int rc = srv_hmac_authenticate(r);
	int hmac = rc != ESEAL_ENOTFOUND;
	if (!hmac)
		rc = srv_session_authenticate(r);
	if (rc == ESEAL_ENOTFOUND) {
		if (r->h.authorization) {
			srv_problem(r, 401, "unauthorized", "Unauthorized", "unsupported authorization scheme");
			return -1;
		}
		memset(&r->who, 0, sizeof r->who);
		return 0;
	}
	if (rc == 0)
		return 0;
	/* a stale cookie must not lock a browser out of public routes (login) */
	if (!hmac && !r->h.authorization && rc == ESEAL_EVERIFY && r->route && r->route->perm == SRV_P_PUBLIC) {
		memset(&r->who, 0, sizeof r->who);
		return 0;
	}
	if (hmac && rc == ESEAL_EDENIED)
		srv_problem(r, 401, "replayed-nonce", "Unauthorized", "%s", eseal_error_last());
	else if (rc == ESEAL_EEXPIRED)
		srv_problem(r, 401, "stale-timestamp", "Unauthorized", "%s", eseal_error_last());
	else if (rc == ESEAL_EDENIED)
		srv_problem(r, 403, "csrf", "Forbidden", "%s", eseal_error_last());
	else if (rc == ESEAL_EVERIFY)
		srv_problem(r, 401, hmac ? "bad-signature" : "unauthorized", "Unauthorized", "%s",
			    eseal_error_last());
	else
		srv_problem(r, 500, "internal", "Internal Server Error", "authentication failed");
	if (r->status == 401)
		srv_add_header(r, "WWW-Authenticate", "Bearer realm=\"eseal\", " SRV_HMAC_SCHEME);
	return -1;
}

static void run(srv_req *r)
{
	srv_server *s = r->srv;
	srv_route_match(srv_routes, srv_nroutes, r->method, r->path, &r->m);
	if (r->m.route < 0) {
		if (s->has_static && !r->m.path_known && strncmp(r->path, "/api/", 5) &&
		    strcmp(r->path, "/api"))
			srv_static_serve(r, s->static_dir);
		else if (r->m.path_known) {
			srv_add_header(r, "Allow", r->m.allow);
			srv_problem(r, 405, "method-not-allowed", "Method Not Allowed",
				    "%s is not allowed here; use %s", r->method, r->m.allow);
		} else
			srv_problem(r, 404, "not-found", "Not Found", "no such resource");
		return;
	}
	const srv_route *rt = r->route = &srv_routes[r->m.route];
	size_t limit = (rt->flags & SRV_R_UPLOAD) ? s->cfg.upload_limit : s->cfg.json_limit;
	if (r->body_len > limit) {
		srv_problem(r, 413, "body-too-large", "Content Too Large",
			    "the body is larger than %zu bytes", limit);
		return;
	}
	if (authenticate(r))
		return;
	if (rt->perm != SRV_P_PUBLIC) {
		if (r->who.kind == SRV_AUTH_NONE) {
			srv_add_header(r, "WWW-Authenticate", "Bearer realm=\"eseal\", " SRV_HMAC_SCHEME);
			srv_problem(r, 401, "unauthorized", "Unauthorized", "authentication is required");
			return;
		}
		if (!(r->who.perms & rt->perm)) {
			srv_problem(r, 403, "forbidden", "Forbidden", "the %s role may not do this (%s)",
				    srv_role_name(r->who.role), srv_perm_name(rt->perm));
			return;
		}
		if (r->who.must_change && !(rt->flags & SRV_R_MUST_CHANGE_OK)) {
			srv_problem(r, 403, "password-change-required", "Forbidden",
				    "change the one-time password first (POST /api/v1/me/password)");
			return;
		}
	}
	if (rt->body) {
		char why[256];
		if (!is_json_type(r->h.content_type)) {
			srv_problem(r, 415, "unsupported-media-type", "Unsupported Media Type",
				    "send the body as application/json");
			return;
		}
		if (srv_json_parse(&r->json, r->body, r->body_len, rt->body, why, sizeof why)) {
			srv_problem(r, 400, "invalid-body", "Bad Request", "%s", why);
			return;
		}
	} else if (r->body_len && !(rt->flags & SRV_R_UPLOAD)) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "this request takes no body");
		return;
	}
	rt->handler(r);
}

void srv_dispatch(srv_req *r)
{
	srv_server *s = r->srv;
	double t0 = now_seconds();
	unsigned long seq = atomic_fetch_add(&s->request_seq, 1) + 1;
	snprintf(r->request_id, sizeof r->request_id, "%s-%08lx", s->id_prefix, seq);
	r->now = srv_now(s);
	r->status = 500;
	eseal_error_clear();
	run(r);
	size_t slot = r->route ? (size_t)(r->route - srv_routes)
		      : (s->has_static && !r->m.path_known && strncmp(r->path, "/api/", 5)) ? srv_nroutes
											    : srv_nroutes + 1;
	if (s->metrics)
		srv_metrics_record(s->metrics, slot, r->method, r->status, now_seconds() - t0);
}
