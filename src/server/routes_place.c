/*
 * routes_place.c - intelligent placement over HTTP: POST /api/v1/place
 * proposes where and which seal to stamp on a document (base64 PDF or OFD),
 * for the caller's organisation; POST /api/v1/place/feedback stores where
 * a person accepted or moved the seals, as that organisation's history,
 * which later proposals learn from.
 *
 * Never mixes organisations: history is read and written only for the
 * caller's own organisation, and nothing is stored from a proposal alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/ofd.h"
#include "eseal/pdf.h"
#include "eseal/place.h"
#include "lifecycle.h"
#include "routes_place.h"

#define PLACE_DOC_MAX (12u << 20)  /* base64 characters */
#define PLACE_HISTORY_MAX 8        /* most recent documents learned from */

const srv_field srv_place_body[] = {
	{ "document", SRV_J_STRING, 1, PLACE_DOC_MAX, "the document (PDF or OFD), base64" },
	{ "org_name", SRV_J_STRING, 0, 200,
	  "the organisation's name as written in the document (default: its registered name)" },
	{ "seals", SRV_J_ARRAY, 0, 0,
	  "seal types it owns: official, contract, finance, invoice, personal (default: its valid seals)" },
	{ 0 }
};

const srv_field srv_place_feedback_body[] = {
	{ "document", SRV_J_STRING, 1, PLACE_DOC_MAX, "the document (PDF or OFD), base64" },
	{ "placements", SRV_J_ARRAY, 1, 0,
	  "where the seals went: [{page, x, y, seal_type, kind}] (mm, top-left origin, seal centre)" },
	{ "action", SRV_J_STRING, 0, 16, "accepted (the proposal as is) or moved (default accepted)" },
	{ 0 }
};

/* The text layout of a PDF or OFD held in memory. */
static int doc_text(const uint8_t *p, size_t n, eseal_text_doc **out)
{
	*out = NULL;
	if (n >= 4 && !memcmp(p, "PK\x03\x04", 4)) {
		eseal_ofd *o;
		int rc = eseal_ofd_open_mem(&o, p, n);
		if (rc)
			return rc;
		rc = eseal_ofd_text(out, o);
		eseal_ofd_free(o);
		return rc;
	}
	for (size_t i = 0; i + 4 <= n && i < 1024; i++)
		if (!memcmp(p + i, "%PDF", 4)) {
			eseal_pdf *d;
			int rc = eseal_pdf_open(&d, p, n);
			if (rc)
				return rc;
			rc = eseal_pdf_text(out, d);
			eseal_pdf_free(d);
			return rc;
		}
	return eseal_error_set(ESEAL_EFORMAT, "neither a PDF nor an OFD document");
}

/* Decodes and reads the "document" field; answers 400 itself on failure. */
static int body_doc(srv_req *r, eseal_buf *raw, eseal_text_doc **doc)
{
	json_t *d = json_object_get(r->json, "document");
	if (lc_b64_decode(raw, json_string_value(d), json_string_length(d))) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "document is not base64");
		return -1;
	}
	if (doc_text(raw->data, raw->len, doc)) {
		srv_problem(r, 400, "invalid-document", "Bad Request", "document: %s", eseal_error_last());
		return -1;
	}
	return 0;
}

/* Seal types from a JSON list of names; -1 after answering 400. */
static int seal_list(srv_req *r, json_t *a, unsigned *out)
{
	size_t i;
	json_t *v;
	*out = 0;
	json_array_foreach(a, i, v) {
		unsigned b = eseal_seal_type_bit(json_string_value(v));
		if (!b) {
			srv_problem(r, 400, "invalid-body", "Bad Request",
				    "seals[%zu]: expected official, contract, finance, invoice or personal", i);
			return -1;
		}
		*out |= b;
	}
	return 0;
}

/* The seal types of the organisation's valid seals. */
static unsigned org_seals(eseal_store *db, int64_t org_id)
{
	unsigned bits = 0;
	eseal_stmt *st = NULL;
	if (eseal_store_prepare(db, &st, "SELECT DISTINCT type FROM seals WHERE org_id = ?1 AND status = 'valid'") ||
	    eseal_stmt_bind_int64(st, 1, org_id)) {
		eseal_stmt_free(st);
		return 0;
	}
	while (eseal_stmt_step(st) == 1)
		bits |= eseal_seal_type_bit(lc_seal_type_name((long)eseal_stmt_int64(st, 0)));
	eseal_stmt_free(st);
	return bits;
}

/* Placements from JSON; n = 0 and -1 when one is malformed (why set). */
static int items_from_json(json_t *a, size_t npages, eseal_place_item **out, size_t *n, char *why, size_t wl)
{
	size_t cnt = json_array_size(a), i;
	json_t *p;
	*n = 0;
	*out = calloc(cnt + 1, sizeof **out);
	if (!*out) {
		snprintf(why, wl, "out of memory");
		return -1;
	}
	json_array_foreach(a, i, p) {
		eseal_place_item *q = &(*out)[*n];
		json_t *pg = json_object_get(p, "page"), *x = json_object_get(p, "x"), *y = json_object_get(p, "y");
		const char *t = json_string_value(json_object_get(p, "seal_type"));
		const char *kind = json_string_value(json_object_get(p, "kind"));
		if (!json_is_integer(pg) || json_integer_value(pg) < 1 || (npages && (size_t)json_integer_value(pg) > npages) ||
		    !json_is_number(x) || !json_is_number(y) || (t && !eseal_seal_type_bit(t)) ||
		    (kind && strcmp(kind, "normal") && strcmp(kind, "perforation"))) {
			snprintf(why, wl,
				 "placements[%zu]: expected {page (1..%zu), x, y (mm), seal_type, kind normal|perforation}", i,
				 npages);
			free(*out);
			*out = NULL;
			return -1;
		}
		q->page = (int)json_integer_value(pg);
		q->x = json_number_value(x);
		q->y = json_number_value(y);
		q->perforation = kind && !strcmp(kind, "perforation");
		snprintf(q->seal_type, sizeof q->seal_type, "%s", t ? t : "official");
		/* cross-page seals are not part of a layout habit */
		if (!q->perforation)
			(*n)++;
	}
	return 0;
}

typedef struct hist {
	eseal_place_history h[PLACE_HISTORY_MAX];
	eseal_text_doc *docs[PLACE_HISTORY_MAX];
	eseal_place_item *items[PLACE_HISTORY_MAX];
	size_t n;
} hist;

static void hist_free(hist *h)
{
	for (size_t i = 0; i < h->n; i++) {
		eseal_text_doc_free(h->docs[i]);
		free(h->items[i]);
	}
	h->n = 0;
}

/* The organisation's most recent feedback, newest first. Rows that no
 * longer parse are skipped: history only ever helps. */
static int load_history(eseal_store *db, const char *org, hist *h)
{
	eseal_stmt *st = NULL;
	memset(h, 0, sizeof *h);
	int rc = eseal_store_prepare(db, &st, "SELECT document, placements FROM place_history WHERE org = ?1 "
					      "ORDER BY id DESC LIMIT 8");
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, org);
	while (!rc && h->n < PLACE_HISTORY_MAX && (rc = eseal_stmt_step(st)) == 1) {
		rc = 0;
		size_t len = 0;
		const uint8_t *p = eseal_stmt_blob(st, 0, &len);
		json_t *pl = json_loads(eseal_stmt_text(st, 1) ? eseal_stmt_text(st, 1) : "", 0, NULL);
		eseal_text_doc *d = NULL;
		char why[160];
		size_t k = h->n;
		if (p && pl && !doc_text(p, len, &d) &&
		    !items_from_json(pl, d->npages, &h->items[k], &h->h[k].nplacements, why, sizeof why)) {
			h->docs[k] = d;
			h->h[k].doc = d;
			h->h[k].placements = h->items[k];
			h->n++;
		} else {
			eseal_text_doc_free(d);
		}
		json_decref(pl);
	}
	eseal_stmt_free(st);
	return rc < 0 ? rc : 0;
}

static json_t *result_json(const eseal_place_result *res, size_t nhistory)
{
	eseal_buf b = ESEAL_BUF_INIT;
	json_t *j = NULL;
	if (!eseal_place_result_json(res, &b))
		j = json_loadb((const char *)b.data, b.len, 0, NULL);
	eseal_buf_free(&b);
	if (j)
		json_object_set_new(j, "history_used", json_integer((json_int_t)nhistory));
	return j;
}

void srv_h_place(srv_req *r)
{
	eseal_buf raw = ESEAL_BUF_INIT;
	eseal_text_doc *doc = NULL;
	eseal_store *db = NULL;
	hist h = { 0 };
	char name[256] = "";
	unsigned seals = 0;
	json_t *sl = json_object_get(r->json, "seals");
	const char *given = json_string_value(json_object_get(r->json, "org_name"));
	if (sl && seal_list(r, sl, &seals))
		goto done;
	if (body_doc(r, &raw, &doc))
		goto done;
	/* without a store (no making system) proposals still work, without history */
	if (r->srv->cfg.making) {
		if (!(db = lc_db(r)))
			goto done;
		int64_t org_id = 0;
		if (!lc_org_get(db, r->who.org, &org_id, name, sizeof name, NULL, 0) && !sl)
			seals = org_seals(db, org_id);
		if (load_history(db, r->who.org, &h)) {
			srv_problem(r, 500, "store-error", "Internal Server Error", "reading the placement history failed");
			goto done;
		}
	}
	if (given && *given)
		snprintf(name, sizeof name, "%s", given);
	if (!name[0]) {
		srv_problem(r, 400, "invalid-body", "Bad Request",
			    "org_name is required: the organisation %s has no registered name", r->who.org);
		goto done;
	}
	if (!seals)
		seals = ESEAL_SEAL_OFFICIAL;
	eseal_place_request req = { name, seals, h.h, h.n };
	eseal_place_result res;
	if (eseal_place_propose(doc, &req, &res)) {
		srv_problem(r, 500, "place-failed", "Internal Server Error", "%s", eseal_error_last());
		goto done;
	}
	json_t *j = result_json(&res, h.n);
	eseal_place_result_free(&res);
	if (!j)
		srv_problem(r, 500, "internal", "Internal Server Error", "out of memory");
	else
		srv_reply_json(r, 200, j);
done:
	hist_free(&h);
	lc_db_put(r, db);
	eseal_text_doc_free(doc);
	eseal_buf_free(&raw);
}

void srv_h_place_feedback(srv_req *r)
{
	eseal_buf raw = ESEAL_BUF_INIT;
	eseal_text_doc *doc = NULL;
	eseal_place_item *items = NULL;
	eseal_store *db = NULL;
	char *pl = NULL;
	const char *action = json_string_value(json_object_get(r->json, "action"));
	if (!action)
		action = "accepted";
	if (strcmp(action, "accepted") && strcmp(action, "moved")) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "action must be accepted or moved");
		goto done;
	}
	if (!r->srv->cfg.making) {
		srv_problem(r, 503, "no-making-system", "Service Unavailable", "this service keeps no history");
		goto done;
	}
	if (body_doc(r, &raw, &doc))
		goto done;
	json_t *a = json_object_get(r->json, "placements");
	size_t n;
	char why[200];
	if (items_from_json(a, doc->npages, &items, &n, why, sizeof why)) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "%s", why);
		goto done;
	}
	if (!n) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "placements: at least one normal seal is needed");
		goto done;
	}
	/* stored normalised: what the engine reads back */
	json_t *norm = json_array();
	for (size_t i = 0; norm && i < n; i++)
		json_array_append_new(norm, json_pack("{s:i, s:f, s:f, s:s, s:s}", "page", items[i].page, "x", items[i].x,
						      "y", items[i].y, "seal_type", items[i].seal_type, "kind", "normal"));
	pl = norm ? json_dumps(norm, JSON_COMPACT) : NULL;
	json_decref(norm);
	if (!pl) {
		srv_problem(r, 500, "internal", "Internal Server Error", "out of memory");
		goto done;
	}
	if (!(db = lc_db(r)))
		goto done;
	char actor[SRV_NAME_MAX + SRV_ID_MAX + 8];
	lc_actor(r, actor, sizeof actor);
	int64_t id = 0, count = 0;
	/* the history row and its audit entry together, or neither */
	int rc = eseal_store_begin(db);
	if (!rc)
		rc = eseal_store_query_int(db, &id,
					   "INSERT INTO place_history (org, action, document, placements, actor, created_at) "
					   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
					   "ttbtti", r->who.org, action, raw.data, raw.len, pl, actor, (int64_t)r->now);
	if (!rc)
		rc = eseal_store_query_int(db, &count, "SELECT COUNT(*) FROM place_history WHERE org = ?1", "t",
					   r->who.org);
	if (!rc) {
		json_t *det = json_pack("{s:s, s:s, s:i, s:I}", "org", r->who.org, "action", action, "placements", (int)n,
					"document_bytes", (json_int_t)raw.len);
		rc = lc_auditf(db, r, "place.feedback", det, "place:%lld", (long long)id);
	}
	if (!rc)
		rc = eseal_store_commit(db);
	if (rc) {
		eseal_store_rollback(db);
		srv_problem(r, 500, "store-error", "Internal Server Error", "storing the placement failed");
		goto done;
	}
	srv_reply_json(r, 201, json_pack("{s:I, s:s, s:s, s:I, s:i}", "id", (json_int_t)id, "org", r->who.org,
					 "action", action, "history", (json_int_t)count, "placements", (int)n));
done:
	lc_db_put(r, db);
	free(pl);
	free(items);
	eseal_text_doc_free(doc);
	eseal_buf_free(&raw);
}
