/*
 * routes_org.c - organisations: the system administrator registers an
 * organisation (name, unified social credit code, administrative-division
 * code of its region) and lists them. Users belong to an organisation by its
 * credit code; seal codes start with its region code. Never let anyone but
 * the holder of org.manage create or see the list.
 */
#include <stdio.h>
#include <string.h>

#include "lifecycle.h"

const srv_field srv_org_body[] = {
	{ "name", SRV_J_STRING, 1, 200, "the organisation's registered name" },
	{ "credit_code", SRV_J_STRING, 1, 18, "unified social credit code (18 digits or capital letters)" },
	{ "region_code", SRV_J_STRING, 1, 6, "GB/T 2260 administrative-division code (6 digits)" },
	{ 0 }
};

static int all_of(const char *s, size_t n, const char *set)
{
	if (strlen(s) != n)
		return 0;
	for (; *s; s++)
		if (!strchr(set, *s))
			return 0;
	return 1;
}

static json_t *org_json(int64_t id, const char *name, const char *code, const char *region, int64_t created)
{
	return json_pack("{s:I, s:s, s:s, s:s?, s:I}", "id", (json_int_t)id, "name", name ? name : "",
			 "credit_code", code ? code : "", "region_code", region && *region ? region : NULL,
			 "created", (json_int_t)created);
}

void srv_h_org_create(srv_req *r)
{
	const char *name = json_string_value(json_object_get(r->json, "name"));
	const char *code = json_string_value(json_object_get(r->json, "credit_code"));
	const char *region = json_string_value(json_object_get(r->json, "region_code"));
	if (!*name) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "name must not be empty");
		return;
	}
	if (!all_of(code, 18, "0123456789ABCDEFGHJKLMNPQRTUWXY")) {
		srv_problem(r, 400, "invalid-body", "Bad Request",
			    "credit_code must be 18 digits or capital letters (GB 32100)");
		return;
	}
	if (!all_of(region, 6, "0123456789") || !strcmp(region, "000000")) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "region_code must be 6 digits (GB/T 2260)");
		return;
	}
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	int64_t id = 0;
	char have_region[16];
	int rc = eseal_store_begin(db);
	int st = 201;
	if (!rc) {
		rc = lc_org_get(db, code, &id, NULL, 0, have_region, sizeof have_region);
		if (!rc && have_region[0]) {
			eseal_store_rollback(db);
			lc_db_put(r, db);
			srv_problem(r, 409, "conflict", "Conflict", "organisation %s already exists", code);
			return;
		}
		if (!rc) {
			/* made on the fly when its first user was created: complete it */
			int64_t n = eseal_store_run(db, "UPDATE organisations SET name = ?1, region_code = ?2 WHERE id = ?3",
						    "tti", name, region, id);
			rc = n < 0 ? (int)n : 0;
			st = 200;
		} else if (rc == ESEAL_ENOTFOUND) {
			rc = eseal_store_query_int(db, &id, "INSERT INTO organisations (name, credit_code, region_code, "
						   "created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id", "ttti", name, code,
						   region, (int64_t)r->now);
		}
	}
	if (!rc) {
		json_t *d = json_pack("{s:s, s:s}", "name", name, "region_code", region);
		rc = lc_auditf(db, r, "org.create", d, "org:%s", code);
	}
	if (!rc)
		rc = eseal_store_commit(db);
	if (rc) {
		eseal_store_rollback(db);
		lc_db_put(r, db);
		if (rc == ESEAL_EEXISTS)
			srv_problem(r, 409, "conflict", "Conflict", "organisation %s already exists", code);
		else
			srv_problem(r, 500, "internal", "Internal Server Error", "cannot store the organisation");
		return;
	}
	lc_db_put(r, db);
	char loc[96];
	snprintf(loc, sizeof loc, "/api/v1/orgs/%s", code);
	srv_add_header(r, "Location", loc);
	srv_reply_json(r, st, org_json(id, name, code, region, r->now));
}

void srv_h_org_list(srv_req *r)
{
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	eseal_stmt *st = NULL;
	json_t *arr = json_array();
	int rc = eseal_store_prepare(db, &st, "SELECT id, name, credit_code, region_code, created_at FROM organisations "
				    "ORDER BY id LIMIT 1000");
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		rc = 0;
		json_array_append_new(arr, org_json(eseal_stmt_int64(st, 0), eseal_stmt_text(st, 1),
						    eseal_stmt_text(st, 2), eseal_stmt_text(st, 3),
						    eseal_stmt_int64(st, 4)));
	}
	eseal_stmt_free(st);
	lc_db_put(r, db);
	if (rc < 0) {
		json_decref(arr);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot list organisations");
		return;
	}
	srv_reply_json(r, 200, json_pack("{s:o}", "organisations", arr));
}
