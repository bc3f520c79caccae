/*
 * routes_seal_app.c - seal applications (申领): an applicant asks for a new
 * seal, or for the change, renewal or replacement of one of its
 * organisation's seals, with supporting materials (stored with their SM3
 * digest) and a picture (uploaded PNG or drawn from text); a reviewer who is
 * not the applicant approves or rejects with a reason. Never show another
 * organisation's application (404) and never let a refused request change
 * anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/crypto.h"
#include "eseal/picture.h"
#include "eseal/ses.h"
#include "lifecycle.h"

#define MAX_MATERIALS 16
#define MAX_MATERIAL_BYTES (512u << 10)
#define MAX_PICTURE_BYTES (512u << 10)
#define MAX_ALLOWED_USERS 32

const srv_field srv_app_body[] = {
	{ "kind", SRV_J_STRING, 0, 16, "new (default), change, renew or replace" },
	{ "seal", SRV_J_STRING, 0, 32, "the seal code (esID) a change, renewal or replacement is for" },
	{ "name", SRV_J_STRING, 0, 128, "seal name (required for new seals)" },
	{ "type", SRV_J_STRING, 0, 16, "official, finance, invoice, contract, personal, business or other" },
	{ "validity_days", SRV_J_INTEGER, 0, 0, "how long the seal is valid (default 730)" },
	{ "uses_limit", SRV_J_INTEGER, 0, 0, "how many times the seal may be used (0 = no limit)" },
	{ "allowed_users", SRV_J_ARRAY, 0, 0, "user names of the organisation allowed to use the seal" },
	{ "picture_png", SRV_J_STRING, 0, 4 * MAX_PICTURE_BYTES / 3 + 4, "the seal picture, PNG in base64" },
	{ "picture", SRV_J_OBJECT, 0, 0, "draw the picture: {shape: round|oval|square, org, title, code}" },
	{ "materials", SRV_J_ARRAY, 0, 0, "supporting documents: [{name, data (base64)}]" },
	{ "note", SRV_J_STRING, 0, 1000, "purpose of the application" },
	{ 0 }
};

const srv_field srv_review_body[] = {
	{ "reason", SRV_J_STRING, 0, 1000, "why (required when rejecting)" },
	{ 0 }
};

static int64_t num_id(const char *s)
{
	char *end;
	long long v = s && *s ? strtoll(s, &end, 10) : 0;
	return s && *s && !*end && v > 0 ? v : -1;
}

/* ---- reading applications ---- */
static const char app_cols[] =
	"SELECT a.id, o.credit_code, a.kind, a.status, a.name, a.type, a.details, a.review_note, s.esid, "
	"a.created_at, a.updated_at, a.org_id FROM seal_applications a JOIN organisations o ON o.id = a.org_id "
	"LEFT JOIN seals s ON s.id = a.seal_id ";

typedef struct app_row {
	int64_t id, org_id;
	char org[SRV_ORG_MAX];
	char kind[16], status[16];
	json_t *details;
	json_t *json;               /* the answer */
} app_row;

static json_t *row_json(eseal_stmt *st, app_row *a)
{
	const char *det = eseal_stmt_text(st, 6);
	json_t *d = det ? json_loads(det, 0, NULL) : NULL;
	if (!d)
		d = json_object();
	a->id = eseal_stmt_int64(st, 0);
	a->org_id = eseal_stmt_int64(st, 11);
	snprintf(a->org, sizeof a->org, "%s", eseal_stmt_text(st, 1) ? eseal_stmt_text(st, 1) : "");
	snprintf(a->kind, sizeof a->kind, "%s", eseal_stmt_text(st, 2) ? eseal_stmt_text(st, 2) : "");
	snprintf(a->status, sizeof a->status, "%s", eseal_stmt_text(st, 3) ? eseal_stmt_text(st, 3) : "");
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:s?, s:s?, s:I, s:I}",
			      "id", (json_int_t)a->id, "org", a->org, "kind", a->kind, "status", a->status,
			      "name", eseal_stmt_text(st, 4), "type", lc_seal_type_name((long)eseal_stmt_int64(st, 5)),
			      "validity_days", json_object_get(d, "validity_days"), "uses_limit",
			      json_object_get(d, "uses_limit"), "allowed_users", json_object_get(d, "allowed_users"),
			      "applicant", json_object_get(d, "applicant"), "reviewer", json_object_get(d, "reviewer"),
			      "target_seal", json_object_get(d, "target"), "review_note", eseal_stmt_text(st, 7),
			      "seal", eseal_stmt_text(st, 8), "created", (json_int_t)eseal_stmt_int64(st, 9),
			      "updated", (json_int_t)eseal_stmt_int64(st, 10));
	json_object_set(j, "note", json_object_get(d, "note") ? json_object_get(d, "note") : json_null());
	json_object_set_new(j, "has_picture", json_boolean(json_object_get(d, "picture_png") != NULL));
	a->details = d;
	return j;
}

static void app_row_free(app_row *a)
{
	json_decref(a->details);
	json_decref(a->json);
	memset(a, 0, sizeof *a);
}

static json_t *materials_json(eseal_store *db, int64_t app)
{
	eseal_stmt *st = NULL;
	json_t *arr = json_array();
	if (eseal_store_prepare(db, &st, "SELECT id, name, sm3, LENGTH(data), created_at FROM materials "
				"WHERE application_id = ?1 ORDER BY id") ||
	    eseal_stmt_bind_int64(st, 1, app)) {
		eseal_stmt_free(st);
		return arr;
	}
	while (eseal_stmt_step(st) == 1)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, s:I}", "id",
						     (json_int_t)eseal_stmt_int64(st, 0), "name", eseal_stmt_text(st, 1),
						     "sm3", eseal_stmt_text(st, 2), "size",
						     (json_int_t)eseal_stmt_int64(st, 3), "created",
						     (json_int_t)eseal_stmt_int64(st, 4)));
	eseal_stmt_free(st);
	return arr;
}

/* Loads application id (0: the path's {id}) for r: 0, or answers 404/500
 * and returns non-zero. */
static int app_load(srv_req *r, eseal_store *db, int64_t id, app_row *a)
{
	memset(a, 0, sizeof *a);
	if (!id)
		id = num_id(srv_param(r, "id"));
	eseal_stmt *st = NULL;
	eseal_buf sql = ESEAL_BUF_INIT;
	eseal_buf_printf(&sql, "%sWHERE a.id = ?1", app_cols);
	eseal_buf_cstr(&sql);
	int rc = id > 0 ? eseal_store_prepare(db, &st, (const char *)sql.data) : ESEAL_ENOTFOUND;
	eseal_buf_free(&sql);
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, id);
	if (!rc)
		rc = eseal_stmt_step(st);
	if (rc == 1) {
		a->json = row_json(st, a);
		rc = 0;
		/* another organisation's application does not exist for the caller */
		if (!srv_org_allowed(&r->who, a->org)) {
			app_row_free(a);
			rc = ESEAL_ENOTFOUND;
		}
	} else if (rc == 0) {
		rc = ESEAL_ENOTFOUND;
	}
	eseal_stmt_free(st);
	if (rc == ESEAL_ENOTFOUND)
		srv_problem(r, 404, "not-found", "Not Found", "no such application");
	else if (rc)
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the application");
	return rc;
}

/* ---- checking a new application ---- */
static int check_materials(srv_req *r, const json_t *arr, eseal_buf *datas)
{
	size_t i;
	json_t *m;
	if (json_array_size(arr) > MAX_MATERIALS) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "at most %d materials", MAX_MATERIALS);
		return -1;
	}
	json_array_foreach(arr, i, m) {
		const char *k;
		json_t *v;
		if (!json_is_object(m)) {
			srv_problem(r, 400, "invalid-body", "Bad Request", "materials[%zu] must be an object", i);
			return -1;
		}
		json_object_foreach(m, k, v) {
			if (strcmp(k, "name") && strcmp(k, "data")) {
				srv_problem(r, 400, "invalid-body", "Bad Request", "materials[%zu]: unknown field '%.64s'", i, k);
				return -1;
			}
		}
		const char *name = srv_jstr(m, "name"), *data = srv_jstr(m, "data");
		if (!name || !*name || strlen(name) > 200 || !data) {
			srv_problem(r, 400, "invalid-body", "Bad Request",
				    "materials[%zu] needs a name (1 to 200 bytes) and base64 data", i);
			return -1;
		}
		eseal_buf_clear(&datas[i]);
		if (lc_b64_decode(&datas[i], data, strlen(data)) || !datas[i].len || datas[i].len > MAX_MATERIAL_BYTES) {
			srv_problem(r, 400, "invalid-body", "Bad Request",
				    "materials[%zu].data must be base64 of 1 byte to %u KiB", i, MAX_MATERIAL_BYTES >> 10);
			return -1;
		}
	}
	return 0;
}

static int check_users(srv_req *r, const json_t *arr, const char *org)
{
	size_t i;
	json_t *u;
	if (json_array_size(arr) > MAX_ALLOWED_USERS) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "at most %d allowed users", MAX_ALLOWED_USERS);
		return -1;
	}
	json_array_foreach(arr, i, u) {
		srv_user usr;
		const char *n = json_string_value(u);
		if (!n || strlen(n) >= SRV_NAME_MAX) {
			srv_problem(r, 400, "invalid-body", "Bad Request", "allowed_users[%zu] must be a user name", i);
			return -1;
		}
		if (r->srv->auth->user_by_name(r->srv->auth->ctx, n, &usr) || strcmp(usr.org, org)) {
			eseal_wipe(&usr, sizeof usr);
			srv_problem(r, 400, "invalid-body", "Bad Request",
				    "allowed_users[%zu]: no user '%.64s' in this organisation", i, n);
			return -1;
		}
		eseal_wipe(&usr, sizeof usr);
	}
	return 0;
}

/* The picture of a new application as PNG: uploaded, drawn, or drawn from
 * the organisation's and seal's names. 0, 1 when none was asked for and
 * none is needed, or -1 after answering. */
static int get_picture(srv_req *r, const char *org_name, const char *seal_name, long type, int needed,
		       eseal_buf *png)
{
	const char *b64 = srv_jstr(r->json, "picture_png");
	json_t *spec = json_object_get(r->json, "picture");
	if (b64 && spec) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "give picture_png or picture, not both");
		return -1;
	}
	if (b64) {
		if (lc_b64_decode(png, b64, strlen(b64)) || eseal_picture_check("png", png->data, png->len)) {
			srv_problem(r, 400, "invalid-body", "Bad Request", "picture_png must be a PNG file in base64");
			return -1;
		}
		return 0;
	}
	if (!spec && !needed)
		return 1;
	eseal_picture_spec ps;
	memset(&ps, 0, sizeof ps);
	ps.shape = type == 5 ? ESEAL_PICTURE_SQUARE : (type == 2 || type == 3) ? ESEAL_PICTURE_OVAL
									       : ESEAL_PICTURE_ROUND;
	ps.org = type == 5 ? seal_name : org_name;
	ps.title = type == 5 ? NULL : seal_name;
	if (spec) {
		const char *k;
		json_t *v;
		json_object_foreach(spec, k, v) {
			if ((strcmp(k, "shape") && strcmp(k, "org") && strcmp(k, "title") && strcmp(k, "code")) ||
			    !json_is_string(v) || json_string_length(v) > 200) {
				srv_problem(r, 400, "invalid-body", "Bad Request",
					    "picture.%.64s: fields are shape, org, title and code (strings)", k);
				return -1;
			}
		}
		const char *shape = srv_jstr(spec, "shape");
		if (shape) {
			if (!strcmp(shape, "round"))
				ps.shape = ESEAL_PICTURE_ROUND;
			else if (!strcmp(shape, "oval"))
				ps.shape = ESEAL_PICTURE_OVAL;
			else if (!strcmp(shape, "square"))
				ps.shape = ESEAL_PICTURE_SQUARE;
			else {
				srv_problem(r, 400, "invalid-body", "Bad Request", "picture.shape is round, oval or square");
				return -1;
			}
		}
		if (srv_jstr(spec, "org"))
			ps.org = srv_jstr(spec, "org");
		if (srv_jstr(spec, "title"))
			ps.title = srv_jstr(spec, "title");
		ps.code = srv_jstr(spec, "code");
	}
	int rc = eseal_picture_draw(png, &ps, NULL, NULL);
	if (rc == ESEAL_ENOTFOUND) {
		srv_problem(r, 422, "no-font", "Unprocessable Content",
			    "cannot draw the picture here (%s); upload picture_png", eseal_error_last());
		return -1;
	}
	if (rc) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "cannot draw the picture: %s", eseal_error_last());
		return -1;
	}
	return 0;
}

/* The target seal of a change/renew/replace application: its name, type,
 * picture (base64 into pic), uses limit and allowed users (new reference
 * in *users, or NULL), checked against the state it is in. */
static int target_seal(srv_req *r, eseal_store *db, const char *esid, int64_t org_id, int op, char *name,
		       size_t nlen, long *type, eseal_buf *pic, long long *uses, json_t **users)
{
	eseal_stmt *st = NULL;
	int rc = eseal_store_prepare(db, &st, "SELECT s.id, s.name, s.type, s.status, s.valid_end, s.picture, "
				    "s.uses_limit, a.details FROM seals s LEFT JOIN seal_applications a "
				    "ON a.id = s.application_id WHERE s.esid = ?1 AND s.org_id = ?2");
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, esid);
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 2, org_id);
	if (!rc && (rc = eseal_stmt_step(st)) == 1) {
		const char *state = lc_effective_state(eseal_stmt_text(st, 3), eseal_stmt_int64(st, 4), r->now);
		snprintf(name, nlen, "%s", eseal_stmt_text(st, 1) ? eseal_stmt_text(st, 1) : "");
		*type = (long)eseal_stmt_int64(st, 2);
		size_t plen = 0;
		const uint8_t *p = eseal_stmt_blob(st, 5, &plen);
		rc = lc_b64_encode(pic, p, plen);
		*uses = eseal_stmt_int64(st, 6);
		const char *det = eseal_stmt_text(st, 7);
		json_t *d = det ? json_loads(det, 0, NULL) : NULL;
		*users = json_incref(json_object_get(d, "allowed_users"));
		json_decref(d);
		if (!rc && !lc_next_state(op, state)) {
			srv_problem(r, 409, "illegal-transition", "Conflict", "a %s seal cannot be %s", state,
				    op == LC_RENEW ? "renewed" : op == LC_REPLACE ? "replaced" : "changed");
			rc = ESEAL_EDENIED;
		}
	} else if (rc == 0) {
		rc = ESEAL_ENOTFOUND;
		srv_problem(r, 404, "not-found", "Not Found", "no seal %s in your organisation", esid);
	}
	eseal_stmt_free(st);
	if (rc && rc != ESEAL_EDENIED && rc != ESEAL_ENOTFOUND)
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the seal");
	return rc;
}

void srv_h_app_create(srv_req *r)
{
	eseal_making *mk = lc_making(r);
	if (!mk)
		return;
	const json_t *j = r->json;
	const char *kind = srv_jstr(j, "kind") ? srv_jstr(j, "kind") : "new";
	int op = lc_kind_op(kind);
	const char *esid = srv_jstr(j, "seal"), *name = srv_jstr(j, "name"), *tname = srv_jstr(j, "type");
	json_t *jv = json_object_get(j, "validity_days"), *ju = json_object_get(j, "uses_limit");
	long long days = jv ? json_integer_value(jv) : 730, uses = ju ? json_integer_value(ju) : 0;
	long type = tname ? lc_seal_type(tname) : 0;
	eseal_buf mats[MAX_MATERIALS] = { ESEAL_BUF_INIT };
	eseal_buf png = ESEAL_BUF_INIT, pic64 = ESEAL_BUF_INIT;
	eseal_store *db = NULL;
	json_t *details = NULL, *old_users = NULL;
	char old_name[256] = "";
	long old_type = 0;

	if (op < 0) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "kind is new, change, renew or replace");
		goto out;
	}
	if (op == 0 && (esid || !name || !*name || !tname)) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "a new seal needs name and type and no seal code");
		goto out;
	}
	if (op && (!esid || eseal_esid_check(esid))) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "%s needs the 14-digit code of the seal", kind);
		goto out;
	}
	if (op && op != LC_CHANGE && (name || tname || json_object_get(j, "picture") || srv_jstr(j, "picture_png"))) {
		srv_problem(r, 400, "invalid-body", "Bad Request",
			    "a %s keeps the seal's name, type and picture (use kind change)", kind);
		goto out;
	}
	if (tname && !type) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "unknown seal type '%.32s'", tname);
		goto out;
	}
	if (days < 1 || days > mk->max_days) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "validity_days must be 1 to %d", mk->max_days);
		goto out;
	}
	if (uses < 0 || uses > 1000000000) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "uses_limit must be 0 (no limit) to 1000000000");
		goto out;
	}
	if (check_users(r, json_object_get(j, "allowed_users"), r->who.org) ||
	    check_materials(r, json_object_get(j, "materials"), mats))
		goto out;
	if (!(db = lc_db(r)))
		goto out;
	int64_t org_id;
	char org_name[256];
	if (lc_org_get(db, r->who.org, &org_id, org_name, sizeof org_name, NULL, 0)) {
		srv_problem(r, 409, "unknown-organisation", "Conflict", "your organisation is not registered");
		goto out;
	}
	long long old_uses = 0;
	if (op && target_seal(r, db, esid, org_id, op, old_name, sizeof old_name, &old_type, &pic64, &old_uses,
			      &old_users))
		goto out;
	/* what the application does not change is carried over */
	if (op && !ju)
		uses = old_uses;
	if (op == LC_CHANGE) {
		if (!name)
			name = old_name;
		if (!type)
			type = old_type;
	}
	if (!op || op == LC_CHANGE) {
		int pr = get_picture(r, org_name, name, type, op == 0, &png);
		if (pr < 0)
			goto out;
		if (pr == 0) {
			eseal_buf_clear(&pic64);
			lc_b64_encode(&pic64, png.data, png.len);
		}
	} else {
		name = old_name;
		type = old_type;
	}
	eseal_buf_cstr(&pic64);
	json_t *users = json_object_get(j, "allowed_users");
	if (!users)
		users = old_users;
	details = json_pack("{s:s, s:s, s:I, s:I, s:o, s:s?, s:s?}", "applicant_id", r->who.id, "applicant",
			    r->who.name, "validity_days", (json_int_t)days, "uses_limit", (json_int_t)uses,
			    "allowed_users", users ? json_incref(users) : json_array(), "target", esid, "note",
			    srv_jstr(j, "note"));
	json_object_set_new(details, "picture_png", json_string((const char *)pic64.data));
	char *dtext = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t id = 0;
	int rc = dtext ? eseal_store_begin(db) : ESEAL_ENOMEM;
	if (!rc)
		rc = eseal_store_query_int(db, &id,
					   "INSERT INTO seal_applications (org_id, applicant_id, kind, status, name, type, "
					   "details, created_at, updated_at) VALUES (?1, (SELECT id FROM users WHERE id = ?2), "
					   "?3, 'submitted', ?4, ?5, ?6, ?7, ?7) RETURNING id",
					   "iittiti", org_id, num_id(r->who.id), kind, name, (int64_t)type, dtext,
					   (int64_t)r->now);
	free(dtext);
	json_t *audit_mats = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(j, "materials"), i, m) {
		uint8_t h[32];
		char hex[65];
		eseal_sm3(h, mats[i].data, mats[i].len);
		srv_hex(hex, h, 32);
		if (!rc) {
			int64_t n = eseal_store_run(db, "INSERT INTO materials (application_id, name, sm3, data, created_at) "
						    "VALUES (?1, ?2, ?3, ?4, ?5)", "ittbi", id, srv_jstr(m, "name"), hex,
						    mats[i].data, mats[i].len, (int64_t)r->now);
			rc = n < 0 ? (int)n : 0;
		}
		json_array_append_new(audit_mats, json_pack("{s:s, s:s}", "name", srv_jstr(m, "name"), "sm3", hex));
	}
	if (!rc) {
		json_t *d = json_pack("{s:s, s:s, s:s?, s:o}", "kind", kind, "name", name, "seal", esid, "materials",
				      audit_mats);
		audit_mats = NULL;
		rc = lc_auditf(db, r, "seal.apply", d, "application:%lld", (long long)id);
	}
	json_decref(audit_mats);
	if (!rc)
		rc = eseal_store_commit(db);
	if (rc) {
		eseal_store_rollback(db);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot store the application");
		goto out;
	}
	app_row a;
	if (!app_load(r, db, id, &a)) {
		char loc[64];
		snprintf(loc, sizeof loc, "/api/v1/seal-applications/%lld", (long long)id);
		srv_add_header(r, "Location", loc);
		json_object_set_new(a.json, "materials", materials_json(db, a.id));
		srv_reply_json(r, 201, json_incref(a.json));
		app_row_free(&a);
	}
out:
	for (size_t k = 0; k < MAX_MATERIALS; k++)
		eseal_buf_free(&mats[k]);
	eseal_buf_free(&png);
	eseal_buf_free(&pic64);
	json_decref(details);
	json_decref(old_users);
	lc_db_put(r, db);
}

void srv_h_app_get(srv_req *r)
{
	eseal_store *db = lc_db(r);
	app_row a;
	if (!db || app_load(r, db, 0, &a)) {
		lc_db_put(r, db);
		return;
	}
	json_object_set_new(a.json, "materials", materials_json(db, a.id));
	lc_db_put(r, db);
	srv_reply_json(r, 200, json_incref(a.json));
	app_row_free(&a);
}

void srv_h_app_list(srv_req *r)
{
	char status[24];
	int has_status = !srv_query_get(r, "status", status, sizeof status);
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	eseal_buf sql = ESEAL_BUF_INIT;
	eseal_buf_printf(&sql, "%sWHERE (?1 = '' OR o.credit_code = ?1) AND (?2 = '' OR a.status = ?2) "
			 "ORDER BY a.id DESC LIMIT 500", app_cols);
	eseal_buf_cstr(&sql);
	eseal_stmt *st = NULL;
	json_t *arr = json_array();
	/* only the system administrator sees every organisation's */
	const char *org = r->who.role == SRV_ROLE_SYSTEM_ADMIN ? "" : r->who.org;
	int rc = eseal_store_prepare(db, &st, (const char *)sql.data);
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, org);
	if (!rc)
		rc = eseal_stmt_bind_text(st, 2, has_status ? status : "");
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		app_row a;
		memset(&a, 0, sizeof a);
		json_t *jj = row_json(st, &a);
		json_decref(a.details);
		json_array_append_new(arr, jj);
		rc = 0;
	}
	eseal_stmt_free(st);
	eseal_buf_free(&sql);
	lc_db_put(r, db);
	if (rc < 0) {
		json_decref(arr);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot list applications");
		return;
	}
	srv_reply_json(r, 200, json_pack("{s:o}", "applications", arr));
}

static void review(srv_req *r, int approve)
{
	const char *reason = srv_jstr(r->json, "reason");
	if (!approve && (!reason || !*reason)) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "a rejection needs a reason");
		return;
	}
	eseal_store *db = lc_db(r);
	app_row a;
	if (!db || app_load(r, db, 0, &a)) {
		lc_db_put(r, db);
		return;
	}
	/* separation of duties: nobody reviews their own application */
	const char *applicant = srv_jstr(a.details, "applicant_id");
	if (applicant && !strcmp(applicant, r->who.id)) {
		srv_problem(r, 403, "separation-of-duties", "Forbidden", "you cannot review your own application");
		goto out;
	}
	if (strcmp(a.status, "submitted")) {
		srv_problem(r, 409, "illegal-transition", "Conflict", "the application is %s, not submitted", a.status);
		goto out;
	}
	const char *to = approve ? "approved" : "rejected";
	json_object_set_new(a.details, "reviewer", json_string(r->who.name));
	json_object_set_new(a.details, "reviewer_id", json_string(r->who.id));
	char *dtext = json_dumps(a.details, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = dtext ? eseal_store_begin(db) : ESEAL_ENOMEM;
	if (!rc) {
		int64_t n = eseal_store_run(db, "UPDATE seal_applications SET status = ?1, reviewer_id = (SELECT id FROM "
					    "users WHERE id = ?2), review_note = ?3, details = ?4, updated_at = ?5 "
					    "WHERE id = ?6 AND status = 'submitted'", "titti" "i", to,
					    num_id(r->who.id), reason, dtext, (int64_t)r->now, a.id);
		rc = n < 0 ? (int)n : n == 1 ? 0 : ESEAL_EDENIED;
	}
	free(dtext);
	if (!rc) {
		json_t *d = json_pack("{s:s, s:s?}", "decision", to, "reason", reason);
		rc = lc_auditf(db, r, approve ? "seal.approve" : "seal.reject", d,
			       "application:%lld", (long long)a.id);
	}
	if (!rc)
		rc = eseal_store_commit(db);
	if (rc) {
		eseal_store_rollback(db);
		if (rc == ESEAL_EDENIED)
			srv_problem(r, 409, "illegal-transition", "Conflict", "the application was reviewed meanwhile");
		else
			srv_problem(r, 500, "internal", "Internal Server Error", "cannot store the review");
		goto out;
	}
	app_row b;
	if (!app_load(r, db, a.id, &b)) {
		srv_reply_json(r, 200, json_incref(b.json));
		app_row_free(&b);
	}
out:
	app_row_free(&a);
	lc_db_put(r, db);
}

void srv_h_app_approve(srv_req *r)
{
	review(r, 1);
}

void srv_h_app_reject(srv_req *r)
{
	review(r, 0);
}

/* routes_seal.c reads approved applications through this. */
int lc_app_for_make(srv_req *r, eseal_store *db, int64_t *id, int64_t *org_id, char *kind, size_t klen,
		    json_t **details, char *name, size_t nlen, long *type);
int lc_app_for_make(srv_req *r, eseal_store *db, int64_t *id, int64_t *org_id, char *kind, size_t klen,
		    json_t **details, char *name, size_t nlen, long *type)
{
	app_row a;
	if (app_load(r, db, 0, &a))
		return -1;
	if (strcmp(a.status, "approved")) {
		srv_problem(r, 409, "illegal-transition", "Conflict", "the application is %s, not approved", a.status);
		app_row_free(&a);
		return -1;
	}
	*id = a.id;
	*org_id = a.org_id;
	snprintf(kind, klen, "%s", a.kind);
	snprintf(name, nlen, "%s", srv_jstr(a.json, "name") ? srv_jstr(a.json, "name") : "");
	*type = lc_seal_type(srv_jstr(a.json, "type"));
	*details = json_incref(a.details);
	app_row_free(&a);
	return 0;
}
