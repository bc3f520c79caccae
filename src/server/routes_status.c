/*
 * routes_status.c - the public status publishing routes: a signed answer
 * per seal (optionally "status at T"), the latest full seal revocation list
 * and deltas, each with an ETag (If-None-Match gives 304) and a
 * Cache-Control lifetime that never outlives the signed nextUpdate. Never
 * answers 200 with something that is not signed when a signer exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "federation.h"
#include "status_routes.h"

#define MAX_AGE_CAP 300 /* a loss reaches caches within five minutes */

/* The store behind the server, or NULL when status comes from a plain
 * callback (tests, instances without a database). */
static srv_status_store *store_of(const srv_req *r)
{
	if (r->srv->cfg.status_fn == srv_status_store_lookup)
		return r->srv->cfg.status_ctx;
	return NULL;
}

/* ?at= as seconds since the epoch or RFC 3339 UTC ("2025-01-02T03:04:05Z"). */
static int parse_at(const char *v, time_t *out)
{
	char *end;
	if (*v >= '0' && *v <= '9' && !strchr(v, '-')) {
		long long n = strtoll(v, &end, 10);
		if (*end || n <= 0 || n > 253402300799LL)
			return ESEAL_EINVAL;
		*out = (time_t)n;
		return 0;
	}
	char b[32];
	size_t n = strlen(v);
	if (n != 20 || (v[10] != 'T' && v[10] != 't') || (v[19] != 'Z' && v[19] != 'z'))
		return ESEAL_EINVAL;
	snprintf(b, sizeof b, "%.10s %.8s", v, v + 11);
	return eseal_time_parse(out, b) || *out <= 0 ? ESEAL_EINVAL : 0;
}

/* 1 when If-None-Match names etag (or is "*"). */
static int not_modified(const srv_req *r, const char *etag)
{
	const char *h = r->h.if_none_match;
	if (!h)
		return 0;
	if (!strcmp(h, "*"))
		return 1;
	size_t n = strlen(etag);
	for (const char *p = strstr(h, etag); p; p = strstr(p + 1, etag)) {
		char after = p[n];
		if (after == 0 || after == ',' || after == ' ')
			return 1;
	}
	return 0;
}

static void cache_headers(srv_req *r, const char *etag, time_t next_update)
{
	char v[64];
	long age = (long)(next_update - r->now);
	if (age < 0)
		age = 0;
	if (age > MAX_AGE_CAP)
		age = MAX_AGE_CAP;
	srv_add_header(r, "ETag", etag);
	snprintf(v, sizeof v, "public, max-age=%ld", age);
	srv_add_header(r, "Cache-Control", v);
}

static void reply_der(srv_req *r, const char *etag, time_t next_update, const char *ctype)
{
	cache_headers(r, etag, next_update);
	if (not_modified(r, etag)) {
		srv_reply_empty(r, 304);
		return;
	}
	r->status = 200;
	r->content_type = ctype;
}

static void reply_answer_json(srv_req *r, const eseal_status_answer *a, const char *etag)
{
	json_t *j = json_pack("{s:s, s:s, s:I, s:I}", "esid", a->esid, "status", eseal_seal_state_name(a->state),
			      "this_update", (json_int_t)a->this_update, "next_update", (json_int_t)a->next_update);
	if (a->revocation_time)
		json_object_set_new(j, "revocation_time", json_integer((json_int_t)a->revocation_time));
	if (a->reason[0])
		json_object_set_new(j, "reason", json_string(a->reason));
	if (a->at)
		json_object_set_new(j, "at", json_integer((json_int_t)a->at));
	json_object_set_new(j, "signed", json_true());
	cache_headers(r, etag, a->next_update);
	srv_reply_json(r, 200, j);
}

/* A seal this instance does not know may be known higher up the hierarchy
 * (federation.c): the parent's answer, signed by the parent, is passed on
 * unchanged. 1 when it was. */
static int relay_upward(srv_req *r, const char *esid)
{
	eseal_http_answer ans;
	if (eseal_federation_parent_status(r->srv->cfg.federation, esid, r->query, &ans))
		return 0;
	int ok = ans.status == 200;
	if (ok) {
		eseal_buf_clear(&r->out);
		ok = !eseal_buf_put(&r->out, ans.body.data, ans.body.len);
	}
	if (ok) {
		r->status = 200;
		r->content_type = !strncmp(ans.content_type, "application/json", 16) ? "application/json"
										   : "application/eseal-status";
		srv_add_header(r, "Cache-Control", "public, max-age=10");
		srv_add_header(r, "X-Eseal-Answered-By", "parent");
	}
	eseal_http_answer_free(&ans);
	return ok;
}

/* The unsigned answer through the configured callback. */
static void status_unsigned(srv_req *r, const char *esid)
{
	int rc = ESEAL_ENOTFOUND;
	eseal_buf_clear(&r->out);
	if (r->srv->cfg.status_fn)
		rc = r->srv->cfg.status_fn(r->srv->cfg.status_ctx, esid, &r->out);
	if (rc == ESEAL_ENOTFOUND)
		srv_problem(r, 404, "unknown-seal", "Not Found", "no seal with code %s", esid);
	else if (rc)
		srv_problem(r, 500, "internal", "Internal Server Error", "status lookup failed");
	else {
		r->status = 200;
		r->content_type = "application/json";
		srv_add_header(r, "Cache-Control", "no-store");
	}
}

void srv_h_status(srv_req *r)
{
	const char *esid = srv_param(r, "esid");
	if (!esid || !eseal_esid_ok(esid)) {
		srv_problem(r, 400, "bad-seal-code", "Bad Request", "a seal code is 1 to 64 letters and digits");
		return;
	}
	char v[64];
	time_t at = 0;
	int json = 0, rc = srv_query_get(r, "format", v, sizeof v);
	if (rc == ESEAL_EINVAL || (!rc && strcmp(v, "json") && strcmp(v, "der"))) {
		srv_problem(r, 400, "bad-query", "Bad Request", "format is json or der");
		return;
	}
	json = !rc && !strcmp(v, "json");
	rc = srv_query_get(r, "at", v, sizeof v);
	if (rc == ESEAL_EINVAL || (!rc && parse_at(v, &at))) {
		srv_problem(r, 400, "bad-query", "Bad Request",
			    "at is seconds since 1970 or an RFC 3339 UTC time (2025-01-02T03:04:05Z)");
		return;
	}
	if (at > r->now + 300) {
		srv_problem(r, 400, "bad-query", "Bad Request", "at is in the future");
		return;
	}
	srv_status_store *s = store_of(r);
	if (!srv_status_store_signed(s)) {
		if (at) {
			srv_problem(r, 501, "not-signed", "Not Implemented",
				    "this instance has no status publisher certificate");
			return;
		}
		status_unsigned(r, esid);
		return;
	}
	eseal_status_answer a;
	char etag[70];
	eseal_buf_clear(&r->out);
	if (srv_status_store_answer(s, esid, at, r->now, &r->out, etag, &a)) {
		eseal_buf_clear(&r->out);
		srv_problem(r, 500, "internal", "Internal Server Error", "status lookup failed");
		return;
	}
	if (a.state == ESEAL_SEAL_UNKNOWN && relay_upward(r, esid))
		return;
	if (json) {
		eseal_buf_clear(&r->out);
		reply_answer_json(r, &a, etag);
		return;
	}
	reply_der(r, etag, a.next_update, "application/eseal-status");
}

static void reply_list(srv_req *r, int delta, int64_t since)
{
	srv_status_store *s = store_of(r);
	if (!srv_status_store_signed(s)) {
		srv_problem(r, 501, "not-signed", "Not Implemented", "this instance has no status publisher certificate");
		return;
	}
	char etag[70];
	time_t next;
	int64_t number = 0;
	eseal_buf_clear(&r->out);
	int rc = srv_status_store_list(s, delta, since, r->now, &r->out, etag, &next, &number);
	if (rc == ESEAL_EEXISTS) {
		eseal_buf_clear(&r->out);
		srv_reply_empty(r, 204); /* nothing newer than since */
		return;
	}
	if (rc == ESEAL_ENOTFOUND) {
		eseal_buf_clear(&r->out);
		srv_problem(r, 404, "unknown-list", "Not Found",
			    "no full list numbered %lld; fetch the full list (latest is %lld)", (long long)since,
			    (long long)number);
		return;
	}
	if (rc) {
		eseal_buf_clear(&r->out);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot make the revocation list");
		return;
	}
	char n[32];
	snprintf(n, sizeof n, "%lld", (long long)number);
	srv_add_header(r, "X-Eseal-List-Number", n);
	reply_der(r, etag, next, "application/eseal-srl");
}

void srv_h_srl_full(srv_req *r)
{
	reply_list(r, 0, 0);
}

void srv_h_srl_delta(srv_req *r)
{
	char v[32], *end;
	if (srv_query_get(r, "since", v, sizeof v)) {
		srv_problem(r, 400, "bad-query", "Bad Request", "since=N (the number of the full list you have)");
		return;
	}
	long long since = strtoll(v, &end, 10);
	if (*end || since < 1) {
		srv_problem(r, 400, "bad-query", "Bad Request", "since must be a list number (1 or more)");
		return;
	}
	reply_list(r, 1, since);
}
