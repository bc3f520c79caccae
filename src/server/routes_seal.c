/*
 * routes_seal.c - making seals from approved applications and the seal
 * lifecycle over HTTP: make (new, change, renew, replace), list, show,
 * download the SESeal (.esl), the event history, report loss, lift the
 * loss, cancel. Every state change goes through lc_transition (seal event +
 * audit entry, compare-and-set); illegal transitions answer 409. Never show
 * another organisation's seal (404) and never return a seal key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"

const srv_field srv_make_body[] = {
	{ "key_mode", SRV_J_STRING, 1, 16, "server (key kept wrapped by the service) or package (handed out once)" },
	{ "passphrase", SRV_J_STRING, 0, 256, "package mode: encrypts the key in the package (8+ characters)" },
	{ 0 }
};

const srv_field srv_reason_body[] = {
	{ "reason", SRV_J_STRING, 1, 1000, "why" },
	{ 0 }
};

int lc_app_for_make(srv_req *r, eseal_store *db, int64_t *id, int64_t *org_id, char *kind, size_t klen,
		    json_t **details, char *name, size_t nlen, long *type);

typedef struct seal_row {
	int64_t id, org_id, app_id, valid_start, valid_end, uses_limit, uses_count, created, updated;
	char esid[32], org[SRV_ORG_MAX], stored[16], state[16];
	char name[256];
	long type;
	int server_key;
	eseal_buf seal_der, cert_der, picture;
} seal_row;

static const char seal_cols[] =
	"SELECT s.id, s.org_id, s.application_id, s.valid_start, s.valid_end, s.uses_limit, s.uses_count, "
	"s.created_at, s.updated_at, s.esid, o.credit_code, s.status, s.name, s.type, s.key_blob IS NOT NULL, "
	"s.seal_der, s.cert_der, s.picture FROM seals s JOIN organisations o ON o.id = s.org_id ";

static void seal_row_free(seal_row *s)
{
	eseal_buf_free(&s->seal_der);
	eseal_buf_free(&s->cert_der);
	eseal_buf_free(&s->picture);
}

static void read_row(eseal_stmt *st, seal_row *s, time_t now, int blobs)
{
	memset(s, 0, sizeof *s);
	s->id = eseal_stmt_int64(st, 0);
	s->org_id = eseal_stmt_int64(st, 1);
	s->app_id = eseal_stmt_int64(st, 2);
	s->valid_start = eseal_stmt_int64(st, 3);
	s->valid_end = eseal_stmt_int64(st, 4);
	s->uses_limit = eseal_stmt_int64(st, 5);
	s->uses_count = eseal_stmt_int64(st, 6);
	s->created = eseal_stmt_int64(st, 7);
	s->updated = eseal_stmt_int64(st, 8);
	snprintf(s->esid, sizeof s->esid, "%s", eseal_stmt_text(st, 9) ? eseal_stmt_text(st, 9) : "");
	snprintf(s->org, sizeof s->org, "%s", eseal_stmt_text(st, 10) ? eseal_stmt_text(st, 10) : "");
	snprintf(s->stored, sizeof s->stored, "%s", eseal_stmt_text(st, 11) ? eseal_stmt_text(st, 11) : "");
	snprintf(s->state, sizeof s->state, "%s", lc_effective_state(s->stored, s->valid_end, now));
	snprintf(s->name, sizeof s->name, "%s", eseal_stmt_text(st, 12) ? eseal_stmt_text(st, 12) : "");
	s->type = (long)eseal_stmt_int64(st, 13);
	s->server_key = eseal_stmt_int64(st, 14) != 0;
	if (blobs) {
		size_t n;
		const uint8_t *p;
		if ((p = eseal_stmt_blob(st, 15, &n)))
			eseal_buf_put(&s->seal_der, p, n);
		if ((p = eseal_stmt_blob(st, 16, &n)))
			eseal_buf_put(&s->cert_der, p, n);
		if ((p = eseal_stmt_blob(st, 17, &n)))
			eseal_buf_put(&s->picture, p, n);
	}
}

/* Loads the seal named by the path's {esid} (or esid when given). */
static int seal_load(srv_req *r, eseal_store *db, const char *esid, seal_row *s)
{
	if (!esid)
		esid = srv_param(r, "esid");
	eseal_stmt *st = NULL;
	eseal_buf sql = ESEAL_BUF_INIT;
	eseal_buf_printf(&sql, "%sWHERE s.esid = ?1", seal_cols);
	eseal_buf_cstr(&sql);
	int rc = esid ? eseal_store_prepare(db, &st, (const char *)sql.data) : ESEAL_ENOTFOUND;
	eseal_buf_free(&sql);
	memset(s, 0, sizeof *s);
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, esid);
	if (!rc)
		rc = eseal_stmt_step(st);
	if (rc == 1) {
		read_row(st, s, r->now, 1);
		rc = 0;
		if (!srv_org_allowed(&r->who, s->org)) {
			seal_row_free(s);
			rc = ESEAL_ENOTFOUND;
		}
	} else if (rc == 0) {
		rc = ESEAL_ENOTFOUND;
	}
	eseal_stmt_free(st);
	if (rc == ESEAL_ENOTFOUND)
		srv_problem(r, 404, "not-found", "Not Found", "no such seal");
	else if (rc)
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the seal");
	return rc;
}

static json_t *seal_json(eseal_store *db, const seal_row *s)
{
	json_t *users = NULL;
	char *det = NULL;
	eseal_stmt *st = NULL;
	/* the allowed users come from the application that made the seal */
	if (s->app_id && !eseal_store_prepare(db, &st, "SELECT details FROM seal_applications WHERE id = ?1") &&
	    !eseal_stmt_bind_int64(st, 1, s->app_id) && eseal_stmt_step(st) == 1 && eseal_stmt_text(st, 0))
		det = strdup(eseal_stmt_text(st, 0));
	eseal_stmt_free(st);
	json_t *d = det ? json_loads(det, 0, NULL) : NULL;
	free(det);
	users = json_object_get(d, "allowed_users");
	users = json_is_array(users) ? json_incref(users) : json_array();
	json_decref(d);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:I, s:o, s:I, s:I}",
			 "esid", s->esid, "name", s->name, "type", lc_seal_type_name(s->type), "org", s->org,
			 "status", s->state, "valid_from", (json_int_t)s->valid_start, "valid_to",
			 (json_int_t)s->valid_end, "uses_limit", (json_int_t)s->uses_limit, "uses_count",
			 (json_int_t)s->uses_count, "key_mode", s->server_key ? "server" : "package", "application",
			 (json_int_t)s->app_id, "allowed_users", users, "created",
			 (json_int_t)s->created, "updated", (json_int_t)s->updated);
}

static void reply_seal(srv_req *r, eseal_store *db, const seal_row *s, int status, const char *package)
{
	json_t *j = seal_json(db, s);
	if (package)
		json_object_set_new(j, "package", json_string(package));
	srv_reply_json(r, status, j);
}

/* ---- making ---- */
void srv_h_app_make(srv_req *r)
{
	eseal_making *mk = lc_making(r);
	if (!mk)
		return;
	const char *mode = json_string_value(json_object_get(r->json, "key_mode"));
	const char *pass = json_string_value(json_object_get(r->json, "passphrase"));
	int server_key = !strcmp(mode, "server");
	if (!server_key && strcmp(mode, "package")) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "key_mode is server or package");
		return;
	}
	if (server_key && pass) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "a server-held key takes no passphrase");
		return;
	}
	if (!server_key && (!pass || strlen(pass) < 8)) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "a seal package needs a passphrase of 8+ characters");
		return;
	}
	if (server_key && !mk->kek) {
		srv_problem(r, 409, "no-kek", "Conflict", "this instance cannot hold seal keys; use key_mode package");
		return;
	}
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	int64_t app_id, org_id, seal_id = 0;
	char kind[16], name[256], org_name[256], region[16], esid[32];
	long type;
	json_t *det = NULL;
	seal_row old;
	memset(&old, 0, sizeof old);
	lc_make_out mo;
	memset(&mo, 0, sizeof mo);
	eseal_buf pic = ESEAL_BUF_INIT;
	int rc, op;
	if (lc_app_for_make(r, db, &app_id, &org_id, kind, sizeof kind, &det, name, sizeof name, &type))
		goto out;
	op = lc_kind_op(kind);
	const char *target = json_string_value(json_object_get(det, "target"));
	const char *pic64 = json_string_value(json_object_get(det, "picture_png"));
	{
		/* the organisation of the application, whoever makes it */
		eseal_stmt *st = NULL;
		rc = eseal_store_prepare(db, &st, "SELECT name, COALESCE(region_code, '') FROM organisations WHERE id = ?1");
		if (!rc)
			rc = eseal_stmt_bind_int64(st, 1, org_id);
		if (!rc && (rc = eseal_stmt_step(st)) == 1) {
			snprintf(org_name, sizeof org_name, "%s", eseal_stmt_text(st, 0));
			snprintf(region, sizeof region, "%s", eseal_stmt_text(st, 1));
			rc = 0;
		} else if (!rc) {
			rc = ESEAL_ENOTFOUND;
		}
		eseal_stmt_free(st);
		if (rc) {
			srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the organisation");
			goto out;
		}
	}
	if (strlen(region) != 6) {
		srv_problem(r, 409, "no-region-code", "Conflict",
			    "the organisation has no region code (POST /api/v1/orgs registers it)");
		goto out;
	}
	if (op && (!target || seal_load(r, db, target, &old)))
		goto out;
	if (op && !lc_next_state(op, old.state)) {
		srv_problem(r, 409, "illegal-transition", "Conflict", "a %s seal cannot be %s", old.state,
			    lc_op_name(op));
		goto out;
	}
	if (pic64)
		rc = lc_b64_decode(&pic, pic64, strlen(pic64));
	else
		rc = eseal_buf_put(&pic, old.picture.data, old.picture.len);
	if (rc || !pic.len) {
		srv_problem(r, 500, "internal", "Internal Server Error", "the application has no picture");
		goto out;
	}
	if ((rc = eseal_store_begin(db))) {
		srv_problem(r, 503, "store-unavailable", "Service Unavailable", "the database is busy");
		goto out;
	}
	/* claim the application first: a second maker fails here */
	int64_t n = eseal_store_run(db, "UPDATE seal_applications SET status = 'made', updated_at = ?1 "
				    "WHERE id = ?2 AND status = 'approved'", "ii", (int64_t)r->now, app_id);
	rc = n < 0 ? (int)n : n == 1 ? 0 : ESEAL_EDENIED;
	if (!rc && op == LC_RENEW)
		snprintf(esid, sizeof esid, "%s", old.esid);
	else if (!rc)
		rc = lc_esid_next(db, region, esid);
	if (!rc) {
		lc_make_in in = { 0 };
		in.esid = esid;
		in.org_name = org_name;
		in.name = name;
		in.type = type;
		in.days = (int)json_integer_value(json_object_get(det, "validity_days"));
		if (in.days <= 0)
			in.days = 730;
		in.picture = pic.data;
		in.picture_len = pic.len;
		in.now = r->now;
		in.server_key = server_key;
		in.passphrase = pass;
		rc = lc_make_seal(mk, &in, &mo);
	}
	int64_t uses = json_integer_value(json_object_get(det, "uses_limit"));
	char reason[128];
	if (!rc && op == LC_RENEW) {
		seal_id = old.id;
		n = eseal_store_run(db, "UPDATE seals SET status = 'valid', seal_der = ?1, cert_der = ?2, key_blob = ?3, "
				    "valid_start = ?4, valid_end = ?5, uses_limit = ?6, application_id = ?7, updated_at = ?8 "
				    "WHERE id = ?9 AND status = ?10",
				    "bbbiiiiiit", mo.seal_der.data, mo.seal_der.len, mo.cert_der.data, mo.cert_der.len,
				    mo.key_blob.data, mo.key_blob.len, (int64_t)mo.valid_start, (int64_t)mo.valid_end,
				    uses, app_id, (int64_t)r->now, seal_id, old.stored);
		rc = n < 0 ? (int)n : n == 1 ? 0 : ESEAL_EDENIED;
		snprintf(reason, sizeof reason, "renewed by application %lld", (long long)app_id);
		if (!rc)
			rc = lc_event(db, r, seal_id, old.state, "valid", reason);
	} else if (!rc) {
		rc = eseal_store_query_int(db, &seal_id,
					   "INSERT INTO seals (org_id, application_id, esid, name, type, status, seal_der, "
					   "cert_der, key_blob, picture, picture_type, valid_start, valid_end, uses_limit, "
					   "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'valid', ?6, ?7, ?8, ?9, "
					   "'png', ?10, ?11, ?12, ?13, ?13) RETURNING id",
					   "iitti" "bbbb" "iiii", org_id, app_id, esid, name, (int64_t)type,
					   mo.seal_der.data, mo.seal_der.len, mo.cert_der.data, mo.cert_der.len,
					   mo.key_blob.data, mo.key_blob.len, pic.data, pic.len,
					   (int64_t)mo.valid_start, (int64_t)mo.valid_end, uses, (int64_t)r->now);
		snprintf(reason, sizeof reason, "made from application %lld", (long long)app_id);
		if (!rc)
			rc = lc_event(db, r, seal_id, NULL, "valid", reason);
	}
	if (!rc) {
		n = eseal_store_run(db, "UPDATE seal_applications SET seal_id = ?1 WHERE id = ?2", "ii", seal_id, app_id);
		rc = n < 0 ? (int)n : 0;
	}
	if (!rc) {
		json_t *d = json_pack("{s:I, s:s, s:s, s:s, s:I}", "application", (json_int_t)app_id, "kind", kind,
				      "key_mode", mode, "certificate", mo.cert_serial, "valid_to",
				      (json_int_t)mo.valid_end);
		rc = lc_auditf(db, r, op == LC_RENEW ? "seal.renew" : "seal.make", d, "seal:%s", esid);
	}
	if (!rc && (op == LC_REPLACE || op == LC_CHANGE)) {
		snprintf(reason, sizeof reason, "%s by %s (application %lld)", op == LC_REPLACE ? "replaced" : "changed",
			 esid, (long long)app_id);
		rc = lc_transition(db, r, old.id, old.esid, old.stored, old.state, "cancelled",
				   op == LC_REPLACE ? "seal.replace" : "seal.change", reason);
	}
	if (!rc)
		rc = eseal_store_commit(db);
	if (rc) {
		eseal_store_rollback(db);
		if (rc == ESEAL_EDENIED)
			srv_problem(r, 409, "illegal-transition", "Conflict", "the application or seal changed meanwhile");
		else if (rc == ESEAL_ELIMIT)
			srv_problem(r, 409, "no-seal-codes", "Conflict", "%s", eseal_error_last());
		else
			srv_problem(r, 500, "internal", "Internal Server Error", "cannot make the seal");
		goto out;
	}
	/* the old certificate is superseded (RFC 5280 reason 4); the status
	 * publisher tells the world about the seal itself */
	if (op)
		lc_revoke_cert(mk, old.cert_der.data, old.cert_der.len, 4, r->now);
	seal_row s;
	if (!seal_load(r, db, esid, &s)) {
		eseal_buf_cstr(&mo.package);
		reply_seal(r, db, &s, 201, server_key ? NULL : (const char *)mo.package.data);
		char loc[64];
		snprintf(loc, sizeof loc, "/api/v1/seals/%s", esid);
		srv_add_header(r, "Location", loc);
		seal_row_free(&s);
	}
out:
	json_decref(det);
	seal_row_free(&old);
	lc_make_out_free(&mo);
	eseal_buf_free(&pic);
	lc_db_put(r, db);
}

/* ---- reading seals ---- */
void srv_h_seal_list(srv_req *r)
{
	char status[24];
	int has_status = !srv_query_get(r, "status", status, sizeof status);
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	eseal_buf sql = ESEAL_BUF_INIT;
	eseal_buf_printf(&sql, "%sWHERE (?1 = '' OR o.credit_code = ?1) ORDER BY s.id LIMIT 1000", seal_cols);
	eseal_buf_cstr(&sql);
	eseal_stmt *st = NULL;
	json_t *arr = json_array();
	const char *org = r->who.role == SRV_ROLE_SYSTEM_ADMIN ? "" : r->who.org;
	int rc = eseal_store_prepare(db, &st, (const char *)sql.data);
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, org);
	seal_row *rows = NULL;
	size_t nrows = 0;
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		seal_row *p = realloc(rows, (nrows + 1) * sizeof *rows);
		rc = 0;
		if (!p) {
			rc = ESEAL_ENOMEM;
			break;
		}
		rows = p;
		read_row(st, &rows[nrows], r->now, 0);
		if (!has_status || !strcmp(rows[nrows].state, status))
			nrows++;
	}
	eseal_stmt_free(st);
	eseal_buf_free(&sql);
	for (size_t i = 0; rc >= 0 && i < nrows; i++) {
		json_array_append_new(arr, seal_json(db, &rows[i]));
	}
	free(rows);
	lc_db_put(r, db);
	if (rc < 0) {
		json_decref(arr);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot list seals");
		return;
	}
	srv_reply_json(r, 200, json_pack("{s:o}", "seals", arr));
}

void srv_h_seal_get(srv_req *r)
{
	eseal_store *db = lc_db(r);
	seal_row s;
	if (db && !seal_load(r, db, NULL, &s)) {
		reply_seal(r, db, &s, 200, NULL);
		seal_row_free(&s);
	}
	lc_db_put(r, db);
}

void srv_h_seal_download(srv_req *r)
{
	eseal_store *db = lc_db(r);
	seal_row s;
	if (db && !seal_load(r, db, NULL, &s)) {
		char cd[96];
		eseal_buf_clear(&r->out);
		if (eseal_buf_put(&r->out, s.seal_der.data, s.seal_der.len)) {
			srv_problem(r, 500, "internal", "Internal Server Error", "out of memory");
		} else {
			r->status = 200;
			r->content_type = "application/octet-stream";
			snprintf(cd, sizeof cd, "attachment; filename=\"%s.esl\"", s.esid);
			srv_add_header(r, "Content-Disposition", cd);
		}
		seal_row_free(&s);
	}
	lc_db_put(r, db);
}

void srv_h_seal_events(srv_req *r)
{
	eseal_store *db = lc_db(r);
	seal_row s;
	if (!db || seal_load(r, db, NULL, &s)) {
		lc_db_put(r, db);
		return;
	}
	eseal_stmt *st = NULL;
	json_t *arr = json_array();
	int rc = eseal_store_prepare(db, &st, "SELECT from_state, to_state, actor, reason, at FROM seal_events "
				    "WHERE seal_id = ?1 ORDER BY id");
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, s.id);
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		rc = 0;
		json_array_append_new(arr, json_pack("{s:s?, s:s, s:s, s:s?, s:I}", "from", eseal_stmt_text(st, 0),
						     "to", eseal_stmt_text(st, 1), "actor", eseal_stmt_text(st, 2),
						     "reason", eseal_stmt_text(st, 3), "at",
						     (json_int_t)eseal_stmt_int64(st, 4)));
	}
	eseal_stmt_free(st);
	lc_db_put(r, db);
	if (rc < 0) {
		json_decref(arr);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the events");
	} else {
		srv_reply_json(r, 200, json_pack("{s:s, s:o}", "esid", s.esid, "events", arr));
	}
	seal_row_free(&s);
}

/* ---- state changes ---- */
static void change_state(srv_req *r, lc_op op)
{
	const char *reason = json_string_value(json_object_get(r->json, "reason"));
	if (!reason || !*reason) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "a reason is required");
		return;
	}
	eseal_store *db = lc_db(r);
	seal_row s;
	if (!db || seal_load(r, db, NULL, &s)) {
		lc_db_put(r, db);
		return;
	}
	const char *to = lc_next_state(op, s.state);
	char action[32];
	snprintf(action, sizeof action, "seal.%s", lc_op_name(op));
	int rc = ESEAL_EDENIED;
	if (to && !(rc = eseal_store_begin(db))) {
		rc = lc_transition(db, r, s.id, s.esid, s.stored, s.state, to, action, reason);
		if (!rc)
			rc = eseal_store_commit(db);
		if (rc)
			eseal_store_rollback(db);
	}
	if (!to) {
		srv_problem(r, 409, "illegal-transition", "Conflict", "a %s seal cannot be %s", s.state,
			    op == LC_REPORT_LOSS ? "reported lost" : op == LC_LIFT_LOSS ? "found again" : "cancelled");
	} else if (rc == ESEAL_EDENIED) {
		srv_problem(r, 409, "illegal-transition", "Conflict", "the seal changed meanwhile; try again");
	} else if (rc) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot change the seal");
	} else {
		if (op == LC_CANCEL)
			lc_revoke_cert(r->srv->cfg.making, s.cert_der.data, s.cert_der.len,
				       !strcmp(s.state, "lost") ? 1 : 5, r->now);
		seal_row t;
		if (!seal_load(r, db, s.esid, &t)) {
			reply_seal(r, db, &t, 200, NULL);
			seal_row_free(&t);
		}
	}
	seal_row_free(&s);
	lc_db_put(r, db);
}

void srv_h_seal_report_loss(srv_req *r)
{
	change_state(r, LC_REPORT_LOSS);
}

void srv_h_seal_lift_loss(srv_req *r)
{
	change_state(r, LC_LIFT_LOSS);
}

void srv_h_seal_cancel(srv_req *r)
{
	change_state(r, LC_CANCEL);
}
