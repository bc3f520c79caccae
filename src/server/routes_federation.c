/*
 * routes_federation.c - the parent side of the hierarchy: registration of
 * subordinate instances (the CA issues their system certificates once
 * approved), approval and refusal by the system administrator, and the
 * signed event batches children push. Each (origin, sequence) is applied
 * at most once; applied events are relayed upward by federation.c. Never
 * apply a batch whose signature, certificate or region does not check out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/audit.h"
#include "eseal/crypto.h"
#include "federation.h"
#include "lifecycle.h"

const srv_field srv_fed_register_body[] = {
	{ "name", SRV_J_STRING, 1, 63, "instance name: a-z 0-9 . _ -" },
	{ "url", SRV_J_STRING, 0, 500, "where the instance answers (informational)" },
	{ "region", SRV_J_STRING, 1, 6, "6-digit region code" },
	{ "public_key", SRV_J_STRING, 1, 2000, "system public key: base64 DER SubjectPublicKeyInfo (SM2)" },
	{ 0 }
};

const srv_field srv_fed_events_body[] = {
	{ "payload", SRV_J_STRING, 1, 900000, "the batch: JSON text {from, sent, events[]}" },
	{ "signature", SRV_J_STRING, 1, 400, "base64 SM2 signature over payload" },
	{ "certificate", SRV_J_STRING, 1, 8000, "base64 DER system certificate of the sender" },
	{ 0 }
};

static int good_name(const char *s)
{
	size_t n = strlen(s);
	return n && n < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static json_t *child_json(eseal_stmt *st)
{
	const char *cert = eseal_stmt_text(st, 6);
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)eseal_stmt_int64(st, 0), "name",
			      eseal_stmt_text(st, 1), "url", eseal_stmt_text(st, 2), "region", eseal_stmt_text(st, 3),
			      "status", eseal_stmt_text(st, 5), "created", (json_int_t)eseal_stmt_int64(st, 7));
	if (j && cert)
		json_object_set_new(j, "certificate", json_string(cert));
	return j;
}

/* Audit entry for r; requests from instances (no user) are recorded as
 * "federation:<instance>". */
static void fed_audit(eseal_store *db, srv_req *r, const char *instance, const char *action, const char *object,
		      json_t *details)
{
	if (r->who.kind != SRV_AUTH_NONE) {
		lc_audit(db, r, action, object, details);
		return;
	}
	char actor[96];
	char *d = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	snprintf(actor, sizeof actor, "federation:%s", instance);
	eseal_audit_event ev = { 0 };
	ev.actor = actor;
	ev.role = "system";
	ev.action = action;
	ev.object = object;
	ev.details = d;
	ev.request_id = r->request_id;
	ev.time = r->now;
	eseal_audit_append(db, &ev, NULL);
	free(d);
}

#define CHILD_COLS "id, name, url, region, public_key, status, certificate, created_at"

/* Answers with child row id (status 200 or `status`). */
static void reply_child(srv_req *r, eseal_store *db, int64_t id, int status)
{
	eseal_stmt *st = NULL;
	int rc = eseal_store_prepare(db, &st, "SELECT " CHILD_COLS " FROM federation_children WHERE id = ?1");
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, id);
	if (!rc && (rc = eseal_stmt_step(st)) == 1)
		srv_reply_json(r, status, child_json(st));
	else if (rc == 0)
		srv_problem(r, 404, "not-found", "Not Found", "no such registration");
	else
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the registration");
	eseal_stmt_free(st);
}

/* Issues the system certificate for child id and marks it approved. */
static int approve(srv_req *r, eseal_store *db, int64_t id)
{
	eseal_making *m = r->srv->cfg.making;
	eseal_stmt *st = NULL;
	char name[64] = "", region[16] = "", key64[2100] = "";
	int rc = eseal_store_prepare(db, &st, "SELECT name, region, public_key FROM federation_children WHERE id = ?1");
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, id);
	if (!rc && (rc = eseal_stmt_step(st)) == 1) {
		snprintf(name, sizeof name, "%s", eseal_stmt_text(st, 0));
		snprintf(region, sizeof region, "%s", eseal_stmt_text(st, 1));
		snprintf(key64, sizeof key64, "%s", eseal_stmt_text(st, 2));
		rc = 0;
	} else if (!rc) {
		rc = eseal_error_set(ESEAL_ENOTFOUND, "no such registration");
	}
	eseal_stmt_free(st);
	if (rc)
		return rc;
	eseal_buf spki = ESEAL_BUF_INIT, b64 = ESEAL_BUF_INIT;
	eseal_key *k = NULL;
	eseal_cert *c = NULL;
	rc = lc_b64_decode(&spki, key64, strlen(key64));
	if (!rc)
		rc = eseal_key_from_spki(&k, spki.data, spki.len);
	if (!rc) {
		eseal_cert_request req = { 0 };
		req.role = ESEAL_ROLE_SYSTEM;
		req.org = "eseal";
		req.name = name;
		req.org_unit = region;
		pthread_mutex_lock(&m->ca_mu);
		rc = eseal_ca_issue(m->ca, &req, k, &c);
		pthread_mutex_unlock(&m->ca_mu);
	}
	if (!rc) {
		size_t len = 0;
		const uint8_t *der = eseal_cert_der(c, &len);
		uint8_t d[32];
		char hex[65];
		eseal_sm3(d, der, len);
		srv_hex(hex, d, 32);
		rc = lc_b64_encode(&b64, der, len);
		if (!rc)
			rc = eseal_buf_cstr(&b64);
		int64_t n = rc ? 0
			       : eseal_store_run(db, "UPDATE federation_children SET status = 'approved', certificate = ?1,"
						     " cert_sm3 = ?2 WHERE id = ?3 AND status = 'pending'",
						 "tti", (const char *)b64.data, hex, id);
		if (!rc && n <= 0)
			rc = n < 0 ? (int)n : eseal_error_set(ESEAL_EDENIED, "the registration is not pending");
	}
	if (!rc) {
		json_t *d = json_pack("{s:s, s:s}", "region", region, "reason", r->json && srv_jstr(r->json, "reason") ? srv_jstr(r->json, "reason") : "auto-approved");
		fed_audit(db, r, name, "federation.approve", name, d);
		json_decref(d);
	}
	eseal_buf_free(&spki);
	eseal_buf_free(&b64);
	eseal_key_free(k);
	eseal_cert_free(c);
	return rc;
}

void srv_h_fed_register(srv_req *r)
{
	const char *name = srv_jstr(r->json, "name"), *url = srv_jstr(r->json, "url"), *region = srv_jstr(r->json, "region");
	const char *key64 = srv_jstr(r->json, "public_key");
	if (!lc_making(r))
		return;
	if (!good_name(name)) {
		srv_problem(r, 422, "invalid", "Unprocessable Content", "name: a-z 0-9 . _ - only");
		return;
	}
	if (strlen(region) != 6 || strspn(region, "0123456789") != 6) {
		srv_problem(r, 422, "invalid", "Unprocessable Content", "region: 6 digits");
		return;
	}
	const char *own = eseal_federation_region(r->srv->cfg.federation);
	if (own && strncmp(region, own, eseal_federation_region_prefix(own))) {
		srv_problem(r, 422, "invalid", "Unprocessable Content", "region %s is not within this instance's %s",
			    region, own);
		return;
	}
	eseal_buf spki = ESEAL_BUF_INIT;
	eseal_key *k = NULL;
	int bad = lc_b64_decode(&spki, key64, strlen(key64)) || eseal_key_from_spki(&k, spki.data, spki.len) ||
		  eseal_key_get_type(k) != ESEAL_KEY_SM2;
	eseal_key_free(k);
	eseal_buf_free(&spki);
	if (bad) {
		srv_problem(r, 422, "invalid", "Unprocessable Content", "public_key: not an SM2 public key");
		return;
	}
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	int64_t id = 0;
	int rc = eseal_store_query_int(db, &id, "SELECT id FROM federation_children WHERE name = ?1 AND public_key = ?2",
				       "tt", name, key64);
	if (rc == ESEAL_ENOTFOUND) {
		/* a name already taken with another key is refused, not replaced */
		rc = eseal_store_query_int(db, &id,
					   "INSERT INTO federation_children (name, url, region, public_key, status, created_at)"
					   " VALUES (?1, ?2, ?3, ?4, 'pending', ?5) RETURNING id",
					   "tttti", name, url ? url : "", region, key64, (int64_t)r->now);
		if (rc) {
			lc_db_put(r, db);
			srv_problem(r, 409, "conflict", "Conflict", "instance name %s is already registered", name);
			return;
		}
		json_t *d = json_pack("{s:s, s:s}", "region", region, "url", url ? url : "");
		fed_audit(db, r, name, "federation.register", name, d);
		json_decref(d);
		if (eseal_federation_accepts_children(r->srv->cfg.federation) && approve(r, db, id)) {
			lc_db_put(r, db);
			srv_problem(r, 500, "internal", "Internal Server Error", "cannot issue the certificate: %s",
				    eseal_error_last());
			return;
		}
	} else if (rc) {
		lc_db_put(r, db);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read registrations");
		return;
	}
	reply_child(r, db, id, 201);
	lc_db_put(r, db);
}

static int64_t param_id(srv_req *r)
{
	const char *s = srv_param(r, "id");
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || *end || v <= 0) {
		srv_problem(r, 404, "not-found", "Not Found", "no such registration");
		return 0;
	}
	return v;
}

void srv_h_fed_register_get(srv_req *r)
{
	if (!lc_making(r))
		return;
	int64_t id = param_id(r);
	eseal_store *db = id ? lc_db(r) : NULL;
	if (!db)
		return;
	reply_child(r, db, id, 200);
	lc_db_put(r, db);
}

void srv_h_fed_children(srv_req *r)
{
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	eseal_stmt *st = NULL;
	json_t *arr = json_array();
	int rc = eseal_store_prepare(db, &st, "SELECT " CHILD_COLS " FROM federation_children ORDER BY id");
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		json_array_append_new(arr, child_json(st));
		rc = 0;
	}
	eseal_stmt_free(st);
	lc_db_put(r, db);
	if (rc < 0) {
		json_decref(arr);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot list registrations");
		return;
	}
	srv_reply_json(r, 200, json_pack("{s:o}", "children", arr));
}

void srv_h_fed_approve(srv_req *r)
{
	if (!lc_making(r))
		return;
	int64_t id = param_id(r);
	eseal_store *db = id ? lc_db(r) : NULL;
	if (!db)
		return;
	int rc = approve(r, db, id);
	if (rc == ESEAL_ENOTFOUND)
		srv_problem(r, 404, "not-found", "Not Found", "no such registration");
	else if (rc == ESEAL_EDENIED)
		srv_problem(r, 409, "conflict", "Conflict", "the registration is not pending");
	else if (rc)
		srv_problem(r, 500, "internal", "Internal Server Error", "%s", eseal_error_last());
	else
		reply_child(r, db, id, 200);
	lc_db_put(r, db);
}

void srv_h_fed_refuse(srv_req *r)
{
	if (!lc_making(r))
		return;
	int64_t id = param_id(r);
	eseal_store *db = id ? lc_db(r) : NULL;
	if (!db)
		return;
	int64_t n = eseal_store_run(db, "UPDATE federation_children SET status = 'refused' WHERE id = ?1"
					" AND status = 'pending'", "i", id);
	if (n < 0)
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot refuse");
	else if (n == 0)
		srv_problem(r, 409, "conflict", "Conflict", "no pending registration %lld", (long long)id);
	else {
		json_t *d = json_pack("{s:s}", "reason", srv_jstr(r->json, "reason"));
		lc_audit(db, r, "federation.refuse", srv_param(r, "id"), d);
		json_decref(d);
		reply_child(r, db, id, 200);
	}
	lc_db_put(r, db);
}

/* The sender of a batch: its certificate must come from this CA and be the
 * one issued to an approved child; name and region come from that row. */
static int sender(srv_req *r, eseal_store *db, eseal_cert **cert, char name[64], char region[16])
{
	eseal_making *m = r->srv->cfg.making;
	const char *c64 = srv_jstr(r->json, "certificate");
	eseal_buf der = ESEAL_BUF_INIT;
	int rc = lc_b64_decode(&der, c64, strlen(c64));
	if (!rc)
		rc = eseal_cert_parse(cert, der.data, der.len);
	eseal_buf_free(&der);
	if (rc)
		return eseal_error_set(ESEAL_EDENIED, "certificate: not a certificate");
	pthread_mutex_lock(&m->ca_mu);
	int ok = eseal_cert_signed_by(*cert, eseal_ca_issuing(m->ca)) == 1;
	pthread_mutex_unlock(&m->ca_mu);
	if (!ok)
		return eseal_error_set(ESEAL_EDENIED, "certificate: not issued by this instance");
	uint8_t d[32];
	char hex[65];
	eseal_cert_sm3(*cert, d);
	srv_hex(hex, d, 32);
	eseal_stmt *st = NULL;
	rc = eseal_store_prepare(db, &st, "SELECT name, region FROM federation_children WHERE cert_sm3 = ?1"
					  " AND status = 'approved'");
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, hex);
	if (!rc && (rc = eseal_stmt_step(st)) == 1) {
		snprintf(name, 64, "%s", eseal_stmt_text(st, 0));
		snprintf(region, 16, "%s", eseal_stmt_text(st, 1));
		rc = 0;
	} else if (!rc) {
		rc = eseal_error_set(ESEAL_EDENIED, "certificate: not a registered child's");
	}
	eseal_stmt_free(st);
	return rc;
}

/* Applies one event; *applied = 1 when it was new. */
static int apply_one(eseal_store *db, const char *child, json_t *e, time_t now, int *applied)
{
	const char *origin = json_string_value(json_object_get(e, "origin"));
	const char *esid = json_string_value(json_object_get(e, "esid"));
	const char *status = json_string_value(json_object_get(e, "status"));
	const char *reason = json_string_value(json_object_get(e, "reason"));
	json_int_t seq = json_integer_value(json_object_get(e, "seq"));
	json_int_t at = json_integer_value(json_object_get(e, "at"));
	int64_t n = eseal_store_run(db,
				    "INSERT INTO federation_events (origin, origin_seq, child, esid, status, reason, at,"
				    " received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
				    " ON CONFLICT (origin, origin_seq) DO NOTHING",
				    "tittttii", origin, (int64_t)seq, child, esid, status,
				    reason ? reason : "", (int64_t)at, (int64_t)now);
	if (n < 0)
		return (int)n;
	*applied = n == 1;
	if (!*applied)
		return 0;
	n = eseal_store_run(db,
			    "INSERT INTO federation_seals (esid, origin, status, reason, at, updated_at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (esid) DO UPDATE SET origin = excluded.origin,"
			    " status = excluded.status, reason = excluded.reason, at = excluded.at,"
			    " updated_at = excluded.updated_at WHERE excluded.at >= federation_seals.at",
			    "ttttii", esid, origin, status, reason ? reason : "", (int64_t)at, (int64_t)now);
	return n < 0 ? (int)n : 0;
}

static int valid_event(json_t *e, size_t prefix, const char *region)
{
	const char *origin = json_string_value(json_object_get(e, "origin"));
	const char *esid = json_string_value(json_object_get(e, "esid"));
	const char *status = json_string_value(json_object_get(e, "status"));
	json_t *seq = json_object_get(e, "seq"), *at = json_object_get(e, "at");
	return origin && good_name(origin) && esid && strlen(esid) >= 6 && strlen(esid) < 64 &&
	       !strncmp(esid, region, prefix) && status &&
	       (!strcmp(status, "valid") || !strcmp(status, "lost") || !strcmp(status, "cancelled") ||
		!strcmp(status, "expired")) &&
	       json_is_integer(seq) && json_integer_value(seq) > 0 && json_is_integer(at);
}

void srv_h_fed_events(srv_req *r)
{
	if (!lc_making(r))
		return;
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	eseal_cert *cert = NULL;
	eseal_key *k = NULL;
	char child[64] = "", region[16] = "";
	json_t *batch = NULL;
	const char *payload = srv_jstr(r->json, "payload"), *s64 = srv_jstr(r->json, "signature");
	eseal_buf sig = ESEAL_BUF_INIT;
	int rc = sender(r, db, &cert, child, region);
	if (!rc && (lc_b64_decode(&sig, s64, strlen(s64)) || eseal_cert_key(cert, &k) ||
		    eseal_key_verify(k, payload, strlen(payload), sig.data, sig.len)))
		rc = eseal_error_set(ESEAL_EDENIED, "signature: does not verify");
	if (rc) {
		srv_problem(r, 403, "federation-refused", "Forbidden", "%s", eseal_error_last());
		goto out;
	}
	batch = json_loads(payload, 0, NULL);
	json_t *events = json_object_get(batch, "events");
	const char *from = json_string_value(json_object_get(batch, "from"));
	if (!json_is_array(events) || !from || strcmp(from, child)) {
		srv_problem(r, 422, "invalid", "Unprocessable Content", "payload: {from, events[]} from %s expected",
			    child);
		goto out;
	}
	size_t prefix = eseal_federation_region_prefix(region), i;
	json_t *e;
	json_array_foreach(events, i, e) {
		if (!valid_event(e, prefix, region)) {
			srv_problem(r, 422, "invalid", "Unprocessable Content",
				    "events[%zu]: needs origin, seq > 0, esid of region %s, status, at", i, region);
			goto out;
		}
	}
	int applied = 0, dup = 0;
	rc = eseal_store_begin(db);
	json_array_foreach(events, i, e) {
		int one = 0;
		if (!rc)
			rc = apply_one(db, child, e, r->now, &one);
		applied += one;
		dup += !one;
	}
	if (!rc)
		rc = eseal_store_commit(db);
	else
		eseal_store_rollback(db);
	if (rc) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot apply the batch: %s",
			    eseal_error_last());
		goto out;
	}
	if (applied) {
		json_t *d = json_pack("{s:i, s:i}", "applied", applied, "duplicates", dup);
		fed_audit(db, r, child, "federation.events", child, d);
		json_decref(d);
	}
	srv_reply_json(r, 200, json_pack("{s:i, s:i}", "applied", applied, "duplicates", dup));
out:
	json_decref(batch);
	eseal_buf_free(&sig);
	eseal_key_free(k);
	eseal_cert_free(cert);
	lc_db_put(r, db);
}

void srv_h_fed_seal_events(srv_req *r)
{
	const char *esid = srv_param(r, "esid");
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	eseal_stmt *st = NULL;
	json_t *arr = json_array();
	int rc = eseal_store_prepare(db, &st,
				     "SELECT origin, origin_seq, child, status, reason, at, received_at FROM"
				     " federation_events WHERE esid = ?1 ORDER BY id");
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, esid);
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s, s:s, s:I, s:I}", "origin",
						     eseal_stmt_text(st, 0), "seq", (json_int_t)eseal_stmt_int64(st, 1),
						     "via", eseal_stmt_text(st, 2), "status", eseal_stmt_text(st, 3),
						     "reason", eseal_stmt_text(st, 4), "at",
						     (json_int_t)eseal_stmt_int64(st, 5), "received",
						     (json_int_t)eseal_stmt_int64(st, 6)));
		rc = 0;
	}
	eseal_stmt_free(st);
	lc_db_put(r, db);
	if (rc < 0) {
		json_decref(arr);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read events");
		return;
	}
	srv_reply_json(r, 200, json_pack("{s:s, s:o}", "esid", esid, "events", arr));
}
