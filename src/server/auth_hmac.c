/*
 * auth_hmac.c - signed requests from business systems (API keys):
 *   Authorization: ESEAL-HMAC-SM3 key=<id>, ts=<unix>, nonce=<hex>, sig=<hex>
 *   sig = HMAC-SM3(secret, METHOD "\n" PATH[?QUERY] "\n" hex(SM3(body)) "\n" TS "\n" NONCE)
 * The timestamp must be within +-300 s of the server clock and a nonce is
 * accepted once per key while its timestamp is inside that window
 * (docs/api-auth.md). Never record a nonce before the signature verified
 * (strangers could fill the table) and never compare signatures with memcmp.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eseal/crypto.h"
#include "server_internal.h"

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int srv_hmac_parse(const char *value, srv_hmac_auth *out)
{
	size_t sl = strlen(SRV_HMAC_SCHEME);
	int seen = 0;
	memset(out, 0, sizeof *out);
	if (!value || strncmp(value, SRV_HMAC_SCHEME, sl) || value[sl] != ' ')
		return eseal_error_set(ESEAL_EFORMAT, "not an " SRV_HMAC_SCHEME " authorization");
	const char *p = value + sl;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *eq = strchr(p, '=');
		if (!eq)
			return eseal_error_set(ESEAL_EFORMAT, "malformed authorization parameter");
		const char *end = strchr(eq, ',');
		if (!end)
			end = eq + strlen(eq);
		size_t kl = (size_t)(eq - p), vl = (size_t)(end - eq - 1);
		const char *v = eq + 1;
		while (vl && v[vl - 1] == ' ')
			vl--;
		int bit;
		if (kl == 3 && !memcmp(p, "key", 3)) {
			bit = 1;
			if (vl == 0 || vl >= sizeof out->key)
				return eseal_error_set(ESEAL_EFORMAT, "bad key id");
			for (size_t i = 0; i < vl; i++)
				if (!isalnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '_')
					return eseal_error_set(ESEAL_EFORMAT, "bad key id");
			memcpy(out->key, v, vl);
		} else if (kl == 2 && !memcmp(p, "ts", 2)) {
			bit = 2;
			if (vl == 0 || vl > 12)
				return eseal_error_set(ESEAL_EFORMAT, "bad timestamp");
			out->ts = 0;
			for (size_t i = 0; i < vl; i++) {
				if (!isdigit((unsigned char)v[i]))
					return eseal_error_set(ESEAL_EFORMAT, "bad timestamp");
				out->ts = out->ts * 10 + (v[i] - '0');
			}
		} else if (kl == 5 && !memcmp(p, "nonce", 5)) {
			bit = 4;
			if (vl < 16 || vl > 64 || !is_hex(v, vl))
				return eseal_error_set(ESEAL_EFORMAT, "the nonce must be 16 to 64 hex digits");
			for (size_t i = 0; i < vl; i++)
				out->nonce[i] = (char)tolower((unsigned char)v[i]);
		} else if (kl == 3 && !memcmp(p, "sig", 3)) {
			bit = 8;
			char hex[65];
			if (vl != 64 || !is_hex(v, vl))
				return eseal_error_set(ESEAL_EFORMAT, "the signature must be 64 hex digits");
			memcpy(hex, v, 64);
			hex[64] = 0;
			srv_unhex(out->sig, 32, hex);
		} else {
			return eseal_error_set(ESEAL_EFORMAT, "unknown authorization parameter");
		}
		if (seen & bit)
			return eseal_error_set(ESEAL_EFORMAT, "repeated authorization parameter");
		seen |= bit;
		p = *end ? end + 1 : end;
	}
	if (seen != 15)
		return eseal_error_set(ESEAL_EFORMAT, "key, ts, nonce and sig are all required");
	return 0;
}

int srv_hmac_sign(uint8_t sig[32], const uint8_t *secret, size_t secret_len, const char *method,
		  const char *path_and_query, const uint8_t *body, size_t body_len, long long ts,
		  const char *nonce)
{
	uint8_t bh[32];
	char bhex[65];
	eseal_buf msg = ESEAL_BUF_INIT;
	eseal_sm3(bh, body, body_len);
	srv_hex(bhex, bh, 32);
	int rc = eseal_buf_printf(&msg, "%s\n%s\n%s\n%lld\n%s", method, path_and_query, bhex, ts, nonce);
	if (!rc)
		rc = eseal_hmac_sm3(sig, secret, secret_len, msg.data, msg.len);
	eseal_buf_free(&msg);
	return rc;
}

int srv_hmac_authenticate(srv_req *r)
{
	srv_hmac_auth a;
	srv_apikey k;
	int rc;
	if (!r->h.authorization || strncmp(r->h.authorization, SRV_HMAC_SCHEME " ", strlen(SRV_HMAC_SCHEME) + 1))
		return ESEAL_ENOTFOUND;
	if ((rc = srv_hmac_parse(r->h.authorization, &a)))
		return eseal_error_set(ESEAL_EVERIFY, "%s", eseal_error_last());
	long long now = (long long)r->now;
	if (a.ts < now - SRV_HMAC_SKEW || a.ts > now + SRV_HMAC_SKEW)
		return eseal_error_set(ESEAL_EEXPIRED, "the request timestamp is outside +-%d s of the server clock",
				       SRV_HMAC_SKEW);
	if (r->srv->auth->apikey_get(r->srv->auth->ctx, a.key, &k) || k.disabled)
		return eseal_error_set(ESEAL_EVERIFY, "unknown API key or bad signature");

	eseal_buf pq = ESEAL_BUF_INIT;
	uint8_t want[32];
	rc = eseal_buf_puts(&pq, r->path);
	if (!rc && r->query)
		rc = eseal_buf_printf(&pq, "?%s", r->query);
	if (!rc)
		rc = eseal_buf_cstr(&pq);
	if (!rc)
		rc = srv_hmac_sign(want, k.secret, sizeof k.secret, r->method, (const char *)pq.data,
				   r->body, r->body_len, a.ts, a.nonce);
	eseal_buf_free(&pq);
	eseal_wipe(k.secret, sizeof k.secret);
	if (rc)
		return rc;
	int diff = eseal_ct_memcmp(want, a.sig, 32);
	eseal_wipe(want, sizeof want);
	if (diff)
		return eseal_error_set(ESEAL_EVERIFY, "unknown API key or bad signature");
	/* only now, with a valid signature, remember the nonce */
	rc = r->srv->auth->nonce_use(r->srv->auth->ctx, k.id, a.nonce,
				     (time_t)(a.ts + SRV_HMAC_SKEW + 1), r->now);
	if (rc == ESEAL_EEXISTS)
		return eseal_error_set(ESEAL_EDENIED, "replayed nonce");
	if (rc)
		return rc;
	srv_principal *p = &r->who;
	memset(p, 0, sizeof *p);
	p->kind = SRV_AUTH_HMAC;
	snprintf(p->id, sizeof p->id, "%s", k.id);
	snprintf(p->name, sizeof p->name, "%s", k.name);
	snprintf(p->org, sizeof p->org, "%s", k.org);
	p->role = SRV_ROLE_API_CLIENT;
	p->perms = srv_role_perms(SRV_ROLE_API_CLIENT);
	return 0;
}
