/*
 * auth_session.c - sessions for people: after login a random 32-byte token
 * goes to the browser (cookie eseal_session, HttpOnly, SameSite=Strict) or
 * to a script (Authorization: Bearer). Only SM3(token) is stored, so a
 * leaked database does not leak sessions. Cookie-authenticated requests
 * that change state need X-Requested-With or the session's X-CSRF-Token.
 * Never accept an expired session and never compare tokens with memcmp.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "eseal/crypto.h"
#include "server_internal.h"

void srv_session_csrf(const uint8_t token_hash[32], char out[65])
{
	static const char label[] = "eseal csrf v1";
	uint8_t mac[32];
	eseal_hmac_sm3(mac, token_hash, 32, label, sizeof label - 1);
	srv_hex(out, mac, sizeof mac);
}

int srv_session_create(srv_server *s, const srv_user *u, time_t now, char token_hex[65],
		       srv_session *out)
{
	uint8_t tok[32];
	int rc;
	if ((rc = eseal_random(tok, sizeof tok)))
		return rc;
	memset(out, 0, sizeof *out);
	eseal_sm3(out->token_hash, tok, sizeof tok);
	snprintf(out->user_id, sizeof out->user_id, "%s", u->id);
	out->expires = now + (s->cfg.session_ttl > 0 ? s->cfg.session_ttl : 8 * 3600);
	srv_hex(token_hex, tok, sizeof tok);
	eseal_wipe(tok, sizeof tok);
	return s->auth->session_put(s->auth->ctx, out);
}

int srv_cookie_token(const char *cookie, char token[65])
{
	const char *p = cookie;
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *eq = strchr(p, '='), *semi = strchr(p, ';');
		if (!semi)
			semi = p + strlen(p);
		if (eq && eq < semi && eq - p == 13 && !memcmp(p, "eseal_session", 13)) {
			size_t n = (size_t)(semi - eq - 1);
			if (n != 64)
				return ESEAL_EFORMAT;
			memcpy(token, eq + 1, 64);
			token[64] = 0;
			return 0;
		}
		p = semi;
	}
	return ESEAL_ENOTFOUND;
}

static int is_safe_method(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

int srv_session_authenticate(srv_req *r)
{
	char token[65];
	srv_auth_kind kind;
	const char *a = r->h.authorization;
	if (a && !strncasecmp(a, "Bearer ", 7)) {
		const char *t = a + 7;
		while (*t == ' ')
			t++;
		if (strlen(t) != 64)
			return eseal_error_set(ESEAL_EVERIFY, "malformed bearer token");
		memcpy(token, t, 65);
		kind = SRV_AUTH_SESSION;
	} else if (a) {
		return ESEAL_ENOTFOUND;
	} else {
		int rc = srv_cookie_token(r->h.cookie, token);
		if (rc == ESEAL_ENOTFOUND)
			return rc;
		if (rc)
			return eseal_error_set(ESEAL_EVERIFY, "malformed session cookie");
		kind = SRV_AUTH_COOKIE;
	}
	uint8_t raw[32], hash[32];
	if (srv_unhex(raw, sizeof raw, token))
		return eseal_error_set(ESEAL_EVERIFY, "malformed session token");
	eseal_sm3(hash, raw, sizeof raw);
	eseal_wipe(raw, sizeof raw);
	eseal_wipe(token, sizeof token);

	srv_session ses;
	srv_user u;
	if (r->srv->auth->session_get(r->srv->auth->ctx, hash, &ses))
		return eseal_error_set(ESEAL_EVERIFY, "unknown or expired session");
	if (ses.expires <= r->now) {
		r->srv->auth->session_delete(r->srv->auth->ctx, hash);
		return eseal_error_set(ESEAL_EVERIFY, "unknown or expired session");
	}
	if (r->srv->auth->user_by_id(r->srv->auth->ctx, ses.user_id, &u) || u.disabled)
		return eseal_error_set(ESEAL_EVERIFY, "the session's user is disabled");
	if (kind == SRV_AUTH_COOKIE && !is_safe_method(r->method)) {
		int ok = r->h.x_requested_with && r->h.x_requested_with[0];
		if (!ok && r->h.x_csrf_token && strlen(r->h.x_csrf_token) == 64) {
			char csrf[65];
			srv_session_csrf(hash, csrf);
			ok = !eseal_ct_memcmp(r->h.x_csrf_token, csrf, 64);
		}
		if (!ok)
			return eseal_error_set(ESEAL_EDENIED,
					       "cookie-authenticated changes need an X-Requested-With or X-CSRF-Token header");
	}
	srv_principal *p = &r->who;
	memset(p, 0, sizeof *p);
	p->kind = kind;
	snprintf(p->id, sizeof p->id, "%s", u.id);
	snprintf(p->name, sizeof p->name, "%s", u.name);
	snprintf(p->org, sizeof p->org, "%s", u.org);
	p->role = u.role;
	p->perms = srv_role_perms(u.role);
	p->must_change = u.must_change;
	memcpy(p->session_hash, hash, 32);
	return 0;
}
