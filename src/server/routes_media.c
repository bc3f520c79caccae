/*
 * routes_media.c - the pictures and files behind the console's seal list
 * and review view: a seal's picture, one supporting material of an
 * application (as an attachment, with its SM3 in a header), and lifting the
 * red impression out of a scanned seal for a new application (the library's
 * eseal_picture_import). Never serve another organisation's file (404) and
 * never serve a material as something a browser would run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eseal/picture.h"
#include "lifecycle.h"
#include "routes_stats.h"

static int64_t num_id(const char *s)
{
	char *end;
	long long v = s && *s ? strtoll(s, &end, 10) : 0;
	return s && *s && !*end && v > 0 ? v : -1;
}

/* Copies a blob into the answer: 0, or answers 500. */
static int reply_bytes(srv_req *r, const uint8_t *p, size_t n, const char *type)
{
	eseal_buf_clear(&r->out);
	if (eseal_buf_put(&r->out, p, n)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "out of memory");
		return -1;
	}
	r->status = 200;
	r->content_type = type; /* http.c adds nosniff to every answer */
	return 0;
}

void srv_h_seal_picture(srv_req *r)
{
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	eseal_stmt *st = NULL;
	int rc = eseal_store_prepare(db, &st, "SELECT s.picture, s.picture_type, o.credit_code FROM seals s "
				    "JOIN organisations o ON o.id = s.org_id WHERE s.esid = ?1");
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, srv_param(r, "esid"));
	if (!rc)
		rc = eseal_stmt_step(st);
	size_t n = 0;
	const uint8_t *p = rc == 1 ? eseal_stmt_blob(st, 0, &n) : NULL;
	if (rc == 1 && (!srv_org_allowed(&r->who, eseal_stmt_text(st, 2)) || !p || !n))
		rc = 0; /* another organisation's seal does not exist for the caller */
	if (rc == 1) {
		const char *pt = eseal_stmt_text(st, 1);
		const char *type = pt && (!strcmp(pt, "jpg") || !strcmp(pt, "jpeg")) ? "image/jpeg" : "image/png";
		/* the picture never changes once the seal is made */
		if (!reply_bytes(r, p, n, type))
			srv_add_header(r, "Cache-Control", "private, max-age=86400");
	} else if (rc == 0) {
		srv_problem(r, 404, "not-found", "Not Found", "no such seal");
	} else {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the seal");
	}
	eseal_stmt_free(st);
	lc_db_put(r, db);
}

/* Content types a material may be sent as; anything else is bytes. */
static const char *material_type(const char *name)
{
	const char *t = srv_mime_type(name);
	static const char *const safe[] = { "application/pdf", "application/ofd", "image/png", "image/jpeg" };
	for (size_t i = 0; i < sizeof safe / sizeof safe[0]; i++)
		if (!strcmp(t, safe[i]))
			return t;
	return "application/octet-stream";
}

/* Content-Disposition with the name as RFC 8187 UTF-8. */
static void disposition(srv_req *r, const char *name)
{
	char v[512];
	size_t o = (size_t)snprintf(v, sizeof v, "attachment; filename=\"material\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p && o + 4 < sizeof v; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			v[o++] = (char)*p;
		else
			o += (size_t)snprintf(v + o, sizeof v - o, "%%%02X", *p);
	}
	v[o] = 0;
	srv_add_header(r, "Content-Disposition", v);
}

void srv_h_app_material(srv_req *r)
{
	int64_t app = num_id(srv_param(r, "id")), mid = num_id(srv_param(r, "n"));
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	if (app < 0 || mid < 0) {
		srv_problem(r, 404, "not-found", "Not Found", "no such material");
		lc_db_put(r, db);
		return;
	}
	eseal_stmt *st = NULL;
	int rc = eseal_store_prepare(db, &st, "SELECT m.name, m.sm3, m.data, o.credit_code FROM materials m "
				    "JOIN seal_applications a ON a.id = m.application_id JOIN organisations o "
				    "ON o.id = a.org_id WHERE m.id = ?1 AND a.id = ?2");
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, mid);
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 2, app);
	if (!rc)
		rc = eseal_stmt_step(st);
	if (rc == 1 && !srv_org_allowed(&r->who, eseal_stmt_text(st, 3)))
		rc = 0;
	if (rc == 1) {
		size_t n = 0;
		const uint8_t *p = eseal_stmt_blob(st, 2, &n);
		const char *name = eseal_stmt_text(st, 0) ? eseal_stmt_text(st, 0) : "material";
		if (!reply_bytes(r, p ? p : (const uint8_t *)"", n, material_type(name))) {
			disposition(r, name);
			srv_add_header(r, "X-Eseal-SM3", eseal_stmt_text(st, 1) ? eseal_stmt_text(st, 1) : "");
			srv_add_header(r, "Content-Security-Policy", "sandbox");
		}
	} else if (rc == 0) {
		srv_problem(r, 404, "not-found", "Not Found", "no such material");
	} else {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the material");
	}
	eseal_stmt_free(st);
	lc_db_put(r, db);
}

void srv_h_app_picture(srv_req *r)
{
	int64_t app = num_id(srv_param(r, "id"));
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	eseal_stmt *st = NULL;
	json_t *d = NULL;
	int rc = app < 0 ? 0 : eseal_store_prepare(db, &st, "SELECT a.details, o.credit_code FROM seal_applications a "
						   "JOIN organisations o ON o.id = a.org_id WHERE a.id = ?1");
	if (app > 0 && !rc)
		rc = eseal_stmt_bind_int64(st, 1, app);
	if (app > 0 && !rc)
		rc = eseal_stmt_step(st);
	if (rc == 1 && !srv_org_allowed(&r->who, eseal_stmt_text(st, 1)))
		rc = 0;
	if (rc == 1 && eseal_stmt_text(st, 0))
		d = json_loads(eseal_stmt_text(st, 0), 0, NULL);
	eseal_stmt_free(st);
	lc_db_put(r, db);
	/* the picture travels in the application's details as base64 PNG */
	const char *b64 = srv_jstr(d, "picture_png");
	eseal_buf png = ESEAL_BUF_INIT;
	if (rc < 0)
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the application");
	else if (!b64 || !*b64 || lc_b64_decode(&png, b64, strlen(b64)) || !png.len)
		srv_problem(r, 404, "not-found", "Not Found", "no such application or it has no picture");
	else
		reply_bytes(r, png.data, png.len, "image/png");
	eseal_buf_free(&png);
	json_decref(d);
}

static int is_image_type(const char *ct)
{
	return ct && (!strncasecmp(ct, "image/png", 9) || !strncasecmp(ct, "image/jpeg", 10));
}

void srv_h_picture_import(srv_req *r)
{
	/* part of applying for a seal: only where seals are made */
	if (!lc_making(r))
		return;
	if (!is_image_type(r->h.content_type)) {
		srv_problem(r, 415, "unsupported-media-type", "Unsupported Media Type",
			    "send the scan as image/png or image/jpeg");
		return;
	}
	char v[32];
	eseal_picture_import_opts o;
	memset(&o, 0, sizeof o);
	if (!srv_query_get(r, "size_mm", v, sizeof v)) {
		char *end;
		o.size_mm = strtod(v, &end);
		if (*end || !(o.size_mm >= 10 && o.size_mm <= 100)) {
			srv_problem(r, 400, "invalid-query", "Bad Request", "size_mm must be 10 to 100");
			return;
		}
	}
	eseal_buf png = ESEAL_BUF_INIT, b64 = ESEAL_BUF_INIT;
	eseal_picture_import_info info;
	memset(&info, 0, sizeof info);
	int rc = eseal_picture_import(&png, r->body ? r->body : (const uint8_t *)"", r->body_len, &o, &info);
	if (rc == ESEAL_ENOTFOUND) {
		srv_problem(r, 422, "no-impression", "Unprocessable Content", "no red seal impression found in the scan");
	} else if (rc == ESEAL_EFORMAT || rc == ESEAL_ELIMIT || rc == ESEAL_EINVAL) {
		srv_problem(r, 400, "invalid-image", "Bad Request", "%s", eseal_error_last());
	} else if (rc || lc_b64_encode(&b64, png.data, png.len) || eseal_buf_cstr(&b64)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot import the picture");
	} else {
		int w = 0, h = 0;
		eseal_picture_info pi;
		if (!eseal_picture_info_get(&pi, png.data, png.len)) {
			w = pi.width_px;
			h = pi.height_px;
		}
		srv_reply_json(r, 200,
			       json_pack("{s:s, s:i, s:i, s:f, s:I, s:{s:i, s:i, s:i, s:i}}", "png", (const char *)b64.data,
					 "width_px", w, "height_px", h, "dpi", info.dpi, "ink_pixels",
					 (json_int_t)info.ink_pixels, "crop", "x", info.x, "y", info.y, "width",
					 info.width, "height", info.height));
	}
	eseal_buf_free(&png);
	eseal_buf_free(&b64);
}
