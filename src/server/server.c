/*
 * server.c - the public face of the service (eseal_server_start/stop) and
 * the small helpers every server file shares: the clock, ids, hex, and
 * creating users. Never start listening before the route table, metrics
 * and the authentication backend are ready.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/crypto.h"
#include "server_internal.h"

struct eseal_server {
	srv_server s;
};

time_t srv_now(const srv_server *s)
{
	return s->cfg.now ? s->cfg.now(s->cfg.now_ctx) : time(NULL);
}

void srv_hex(char *out, const uint8_t *in, size_t n)
{
	eseal_hex_encode(out, in, n, 0);
}

int srv_unhex(uint8_t *out, size_t outlen, const char *hex)
{
	return eseal_hex_decode(out, outlen, hex);
}

int srv_new_id(char *out, size_t outlen, const char *prefix)
{
	uint8_t r[8];
	char hex[17];
	int rc = eseal_random(r, sizeof r);
	if (rc)
		return rc;
	srv_hex(hex, r, sizeof r);
	snprintf(out, outlen, "%s-%s", prefix, hex);
	return 0;
}

int srv_user_add(srv_server *s, const char *name, const char *org, int role, const char *password,
		 int must_change, srv_user *out)
{
	srv_user u;
	int rc;
	memset(&u, 0, sizeof u);
	if (role <= SRV_ROLE_NONE || role >= SRV_ROLE_COUNT || role == SRV_ROLE_API_CLIENT)
		return eseal_error_set(ESEAL_EINVAL, "people cannot hold that role");
	if (!name || !*name || strlen(name) >= sizeof u.name)
		return eseal_error_set(ESEAL_EINVAL, "bad user name");
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return eseal_error_set(ESEAL_EINVAL,
					       "user names use lower-case letters, digits, '.', '_' and '-'");
	if (!org || !*org || strlen(org) >= sizeof u.org)
		return eseal_error_set(ESEAL_EINVAL, "bad organisation");
	snprintf(u.name, sizeof u.name, "%s", name);
	snprintf(u.org, sizeof u.org, "%s", org);
	u.role = role;
	u.must_change = must_change;
	u.created = srv_now(s);
	if ((rc = srv_password_hash(password, strlen(password), s->cfg.password_cost, u.pwhash, sizeof u.pwhash)))
		return rc;
	rc = s->auth->user_create(s->auth->ctx, &u);
	if (rc == ESEAL_EEXISTS)
		return eseal_error_set(ESEAL_EEXISTS, "user '%s' already exists", name);
	if (rc)
		return rc;
	if (out)
		*out = u;
	return 0;
}

int srv_server_init(srv_server *s, const eseal_server_config *cfg)
{
	int rc;
	uint8_t rnd[4];
	memset(s, 0, sizeof *s);
	s->cfg = *cfg;
	if (!s->cfg.json_limit)
		s->cfg.json_limit = 1u << 20;
	if (!s->cfg.upload_limit)
		s->cfg.upload_limit = 16u << 20;
	if (!s->cfg.max_connections)
		s->cfg.max_connections = 1024;
	if (!s->cfg.timeout_s)
		s->cfg.timeout_s = 30;
	if (!s->cfg.session_ttl)
		s->cfg.session_ttl = 8 * 3600;
	atomic_init(&s->request_seq, 0);
	if ((rc = eseal_random(rnd, sizeof rnd)))
		return rc;
	srv_hex(s->id_prefix, rnd, sizeof rnd);
	/* a hash of a random password at today's cost, so a login with an
	 * unknown name takes as long as one with a wrong password */
	char junk[25];
	if ((rc = srv_password_random(junk, sizeof junk)) ||
	    (rc = srv_password_hash(junk, strlen(junk), s->cfg.password_cost, s->dummy_hash, sizeof s->dummy_hash)))
		return rc;
	eseal_wipe(junk, sizeof junk);
	if (cfg->static_dir) {
		if (!realpath(cfg->static_dir, s->static_dir))
			return eseal_error_set(ESEAL_EIO, "%s: no such directory", cfg->static_dir);
		s->has_static = 1;
		s->cfg.static_dir = s->static_dir;
	}
	if (cfg->auth) {
		s->auth = cfg->auth;
	} else {
		if ((rc = srv_auth_mem_new(&s->auth)))
			return rc;
		s->own_auth = 1;
	}
	if ((rc = srv_metrics_new(&s->metrics, srv_nroutes)) ||
	    (rc = srv_openapi_build(srv_routes, srv_nroutes, &s->openapi))) {
		srv_server_fini(s);
		return rc;
	}
	return 0;
}

void srv_server_fini(srv_server *s)
{
	srv_metrics_free(s->metrics);
	s->metrics = NULL;
	eseal_buf_free(&s->openapi);
	if (s->own_auth)
		srv_auth_backend_free(s->auth);
	s->auth = NULL;
}

int eseal_server_start(eseal_server **out, const eseal_server_config *cfg)
{
	eseal_server *sv = calloc(1, sizeof *sv);
	int rc;
	*out = NULL;
	if (!sv)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if ((rc = srv_server_init(&sv->s, cfg))) {
		free(sv);
		return rc;
	}
	if ((rc = srv_http_start(&sv->s))) {
		srv_server_fini(&sv->s);
		free(sv);
		return rc;
	}
	*out = sv;
	return 0;
}

srv_server *srv_server_of(eseal_server *sv)
{
	return &sv->s;
}

int eseal_server_port(const eseal_server *sv)
{
	return sv ? sv->s.port : 0;
}

int eseal_server_bootstrap_admin(eseal_server *sv, char *pw, size_t pwlen)
{
	srv_user *list = NULL;
	size_t n = 0;
	int rc = sv->s.auth->user_list(sv->s.auth->ctx, NULL, &list, &n);
	if (rc)
		return rc;
	int have = 0;
	for (size_t i = 0; i < n; i++)
		have |= list[i].role == SRV_ROLE_SYSTEM_ADMIN && !list[i].disabled;
	free(list);
	if (have)
		return 0;
	if (pwlen < 25)
		return eseal_error_set(ESEAL_EINVAL, "password buffer too small");
	if ((rc = srv_password_random(pw, 25)))
		return rc;
	rc = srv_user_add(&sv->s, "admin", "system", SRV_ROLE_SYSTEM_ADMIN, pw, 1, NULL);
	if (rc) {
		eseal_wipe(pw, pwlen);
		return rc;
	}
	return 1;
}

void eseal_server_stop(eseal_server *sv, int grace_s)
{
	if (!sv)
		return;
	srv_http_stop(&sv->s, grace_s);
	srv_server_fini(&sv->s);
	free(sv);
}
