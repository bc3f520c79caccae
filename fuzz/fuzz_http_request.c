/*
 * fuzz_http_request.c - libFuzzer target for the request pipeline without
 * sockets: route matching, Authorization and Cookie parsing, strict JSON
 * body parsing with the route's schema, and the whole dispatch (auth,
 * permission, handler) on an in-memory server.
 *
 * Input: the first byte picks options (bit 0: send a valid session token,
 * bit 1: use the fuzzed Authorization line); then lines METHOD, TARGET,
 * AUTHORIZATION, COOKIE, CONTENT-TYPE, and the rest is the body.
 */
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

static srv_server srv;
static char bearer[80];
static srv_user fuzz_user;
static uint8_t fuzz_session[32];

/* Logout and password changes in earlier inputs end the session: renew it. */
static void session(void)
{
	srv_session ses;
	char tok[65];
	if (!srv.auth->session_get(srv.auth->ctx, fuzz_session, &ses))
		return;
	if (srv_session_create(&srv, &fuzz_user, 1700000000, tok, &ses))
		abort();
	memcpy(fuzz_session, ses.token_hash, 32);
	snprintf(bearer, sizeof bearer, "Bearer %s", tok);
}

static time_t fixed_clock(void *ctx)
{
	return 1700000000;
}

static void init(void)
{
	eseal_server_config cfg = { 0 };
	cfg.password_cost = 10; /* cheapest allowed: keep executions fast */
	cfg.now = fixed_clock;
	if (srv_server_init(&srv, &cfg))
		abort();
	if (srv_user_add(&srv, "fuzzadmin", "orga", SRV_ROLE_BUSINESS_ADMIN, "Fuzz-Password-1", 0, &fuzz_user))
		abort();
	session();
}

/* Next line of [*p, end) as a NUL-terminated copy (NULL when exhausted). */
static char *line(const uint8_t **p, const uint8_t *end)
{
	if (*p >= end)
		return NULL;
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	char *s = malloc(n + 1);
	memcpy(s, *p, n);
	s[n] = 0;
	*p += n + (nl ? 1 : 0);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		init();
		ready = 1;
	}
	if (size < 1)
		return 0;
	int opts = data[0];
	const uint8_t *p = data + 1, *end = data + size;
	char *method = line(&p, end), *target = line(&p, end), *auth = line(&p, end);
	char *cookie = line(&p, end), *ctype = line(&p, end);
	const uint8_t *body = p;
	size_t body_len = (size_t)(end - p);
	if (!method || !target)
		goto out;

	/* the pieces on their own */
	srv_match m;
	char *q = strchr(target, '?');
	if (q)
		*q++ = 0;
	srv_route_match(srv_routes, srv_nroutes, method, target, &m);
	srv_hmac_auth h;
	srv_hmac_parse(auth, &h);
	char tok[65];
	srv_cookie_token(cookie, tok);
	char why[256];
	json_t *j = NULL;
	const srv_field *schema = m.route >= 0 ? srv_routes[m.route].body : NULL;
	static const srv_field any[] = { { "name", SRV_J_STRING, 1, 64, NULL }, { "n", SRV_J_INTEGER, 0, 0, NULL }, { 0 } };
	if (!srv_json_parse(&j, body, body_len, schema ? schema : any, why, sizeof why))
		json_decref(j);

	/* and the whole pipeline */
	if (opts & 1)
		session();
	srv_req r;
	srv_req_init(&r, &srv);
	r.method = method;
	r.path = target;
	r.query = q;
	r.h.authorization = (opts & 1) ? bearer : (opts & 2) ? auth : NULL;
	r.h.cookie = cookie;
	r.h.content_type = ctype;
	r.h.x_requested_with = (opts & 4) ? "XMLHttpRequest" : NULL;
	r.body = body;
	r.body_len = body_len;
	srv_dispatch(&r);
	if (r.status < 100 || r.status > 599)
		abort();
	srv_req_free(&r);
out:
	free(method);
	free(target);
	free(auth);
	free(cookie);
	free(ctype);
	return 0;
}
