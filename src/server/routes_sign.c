/*
 * routes_sign.c - centralized signing (集中式用章) over HTTP: sign requests
 * with one or many documents, their review (approve / reject by a reviewer
 * of the same organisation who is not the requester), signing with the
 * seal's server-held key on approval or at once when the seal's policy
 * approves automatically, hash-only signing, signed document download and
 * the per-seal signing policy. A use of the seal is counted in the same
 * transaction that marks the request signed, so a request is signed and
 * counted exactly once. Never sign with a seal that is not valid, past its
 * uses limit, or for someone outside its allowed users; never return a key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/crypto.h"
#include "routes_sign.h"
#include "signing.h"

#define SIGN_DOC_MAX (12u << 20)  /* base64 characters of one document */
#define SIGN_BATCH_MAX 50

const srv_field srv_sign_body[] = {
	{ "esid", SRV_J_STRING, 1, 32, "the seal's code (its key must be held by the service)" },
	{ "document", SRV_J_STRING, 0, SIGN_DOC_MAX, "one document (PDF or OFD), base64" },
	{ "documents", SRV_J_ARRAY, 0, 0,
	  "batch: documents (base64 strings, or objects {document, placement, pdf_format}) under one approval" },
	{ "digests", SRV_J_ARRAY, 0, 0,
	  "hash-only: [{sm3 (hex), form: ses|cms}] signed on approval (SES_Signature V4 or detached CMS)" },
	{ "format", SRV_J_STRING, 0, 8, "ofd or pdf (checked against the document's first bytes)" },
	{ "placement", SRV_J_OBJECT, 0, 0,
	  "{at:{page,x,y}} | {keyword, occurrence} | {perforation: right|left} | {auto: true}; none = invisible" },
	{ "pdf_format", SRV_J_STRING, 0, 16, "PDF signature format: cms-sm2 (default) or ses" },
	{ "note", SRV_J_STRING, 0, 1000, "what the documents are for" },
	{ 0 }
};

const srv_field srv_sign_hash_body[] = {
	{ "esid", SRV_J_STRING, 1, 32, "the seal's code (automatic approval policy required)" },
	{ "sm3", SRV_J_STRING, 1, 64, "the SM3 digest to sign, hex" },
	{ "form", SRV_J_STRING, 0, 8, "ses (SES_Signature V4, default) or cms (detached GM/T 0010 SignedData)" },
	{ 0 }
};

const srv_field srv_sign_policy_body[] = {
	{ "auto_approve", SRV_J_BOOLEAN, 1, 0, "sign requests for this seal without review" },
	{ 0 }
};

/* ---- the seal behind a request ---- */
void srv_seal_row_free(srv_seal_row *s)
{
	eseal_buf_free(&s->seal_der);
	eseal_buf_free(&s->cert_der);
	if (s->key_blob.data)
		eseal_wipe(s->key_blob.data, s->key_blob.len);
	eseal_buf_free(&s->key_blob);
}

static void copy_text(char *out, size_t n, const char *v)
{
	snprintf(out, n, "%s", v ? v : "");
}

int srv_seal_row_load(srv_req *r, eseal_store *db, const char *esid, int64_t id, srv_seal_row *s)
{
	eseal_stmt *st = NULL;
	memset(s, 0, sizeof *s);
	int rc = eseal_store_prepare(db, &st,
				     esid ? "SELECT s.id, s.org_id, s.application_id, s.valid_end, s.uses_limit, "
					    "s.uses_count, s.type, s.esid, o.credit_code, o.name, s.status, "
					    "(SELECT auto_approve FROM sign_policies p WHERE p.seal_id = s.id), "
					    "s.seal_der, s.cert_der, s.key_blob FROM seals s JOIN organisations o "
					    "ON o.id = s.org_id WHERE s.esid = ?1"
					  : "SELECT s.id, s.org_id, s.application_id, s.valid_end, s.uses_limit, "
					    "s.uses_count, s.type, s.esid, o.credit_code, o.name, s.status, "
					    "(SELECT auto_approve FROM sign_policies p WHERE p.seal_id = s.id), "
					    "s.seal_der, s.cert_der, s.key_blob FROM seals s JOIN organisations o "
					    "ON o.id = s.org_id WHERE s.id = ?1");
	if (!rc)
		rc = esid ? eseal_stmt_bind_text(st, 1, esid) : eseal_stmt_bind_int64(st, 1, id);
	if (!rc)
		rc = eseal_stmt_step(st);
	if (rc == 1) {
		size_t n;
		const uint8_t *p;
		s->id = eseal_stmt_int64(st, 0);
		s->org_id = eseal_stmt_int64(st, 1);
		s->app_id = eseal_stmt_int64(st, 2);
		s->valid_end = eseal_stmt_int64(st, 3);
		s->uses_limit = eseal_stmt_int64(st, 4);
		s->uses_count = eseal_stmt_int64(st, 5);
		s->type = (long)eseal_stmt_int64(st, 6);
		copy_text(s->esid, sizeof s->esid, eseal_stmt_text(st, 7));
		copy_text(s->org, sizeof s->org, eseal_stmt_text(st, 8));
		copy_text(s->org_name, sizeof s->org_name, eseal_stmt_text(st, 9));
		copy_text(s->stored, sizeof s->stored, eseal_stmt_text(st, 10));
		copy_text(s->state, sizeof s->state, lc_effective_state(s->stored, s->valid_end, r->now));
		s->auto_approve = eseal_stmt_int64(st, 11) != 0;
		rc = 0;
		if ((p = eseal_stmt_blob(st, 12, &n)))
			rc |= eseal_buf_put(&s->seal_der, p, n);
		if ((p = eseal_stmt_blob(st, 13, &n)))
			rc |= eseal_buf_put(&s->cert_der, p, n);
		if ((p = eseal_stmt_blob(st, 14, &n)))
			rc |= eseal_buf_put(&s->key_blob, p, n);
		if (!rc && !srv_org_allowed(&r->who, s->org))
			rc = ESEAL_ENOTFOUND;
	} else if (rc == 0) {
		rc = ESEAL_ENOTFOUND;
	}
	eseal_stmt_free(st);
	if (rc)
		srv_seal_row_free(s);
	if (rc == ESEAL_ENOTFOUND)
		srv_problem(r, 404, "not-found", "Not Found", "no such seal");
	else if (rc)
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the seal");
	return rc;
}

/* 1 when name may use the seal: no allowed-users list, or name is on it. */
static int user_allowed(eseal_store *db, const srv_seal_row *s, const char *name)
{
	eseal_stmt *st = NULL;
	char *det = NULL;
	if (!s->app_id)
		return 1;
	if (!eseal_store_prepare(db, &st, "SELECT details FROM seal_applications WHERE id = ?1") &&
	    !eseal_stmt_bind_int64(st, 1, s->app_id) && eseal_stmt_step(st) == 1 && eseal_stmt_text(st, 0))
		det = strdup(eseal_stmt_text(st, 0));
	eseal_stmt_free(st);
	json_t *d = det ? json_loads(det, 0, NULL) : NULL;
	free(det);
	const json_t *users = json_object_get(d, "allowed_users");
	int ok = !json_array_size(users);
	for (size_t i = 0; !ok && i < json_array_size(users); i++)
		ok = json_is_string(json_array_get(users, i)) && !strcmp(json_string_value(json_array_get(users, i)), name);
	json_decref(d);
	return ok;
}

/* The refusals every use of a seal goes through; answers and returns -1. */
static int seal_usable(srv_req *r, eseal_store *db, const srv_seal_row *s, const char *requester, int64_t uses)
{
	if (!s->key_blob.len) {
		srv_problem(r, 409, "no-server-key", "Conflict", "seal %s has no key held by the service", s->esid);
		return -1;
	}
	if (strcmp(s->state, "valid")) {
		srv_problem(r, 409, "seal-not-valid", "Conflict", "seal %s is %s", s->esid, s->state);
		return -1;
	}
	if (s->uses_limit > 0 && s->uses_count + uses > s->uses_limit) {
		srv_problem(r, 409, "uses-limit-reached", "Conflict", "seal %s has %lld of %lld uses left", s->esid,
			    (long long)(s->uses_limit - s->uses_count), (long long)s->uses_limit);
		return -1;
	}
	if (!user_allowed(db, s, requester)) {
		srv_problem(r, 403, "not-allowed-user", "Forbidden", "%s is not among the users allowed to use seal %s",
			    requester, s->esid);
		return -1;
	}
	return 0;
}

/* ---- requests ---- */
static json_t *request_json(eseal_store *db, int64_t id)
{
	eseal_stmt *st = NULL;
	json_t *j = NULL;
	if (eseal_store_prepare(db, &st, "SELECT q.id, s.esid, o.credit_code, q.requester, q.status, q.reviewer, "
				"q.note, q.created_at, q.updated_at FROM sign_requests q JOIN seals s ON s.id = q.seal_id "
				"JOIN organisations o ON o.id = q.org_id WHERE q.id = ?1") ||
	    eseal_stmt_bind_int64(st, 1, id) || eseal_stmt_step(st) != 1) {
		eseal_stmt_free(st);
		return NULL;
	}
	j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:I, s:I}", "id", (json_int_t)eseal_stmt_int64(st, 0),
		      "esid", eseal_stmt_text(st, 1), "org", eseal_stmt_text(st, 2), "requester",
		      eseal_stmt_text(st, 3), "status", eseal_stmt_text(st, 4), "reviewer", eseal_stmt_text(st, 5),
		      "note", eseal_stmt_text(st, 6), "created", (json_int_t)eseal_stmt_int64(st, 7), "updated",
		      (json_int_t)eseal_stmt_int64(st, 8));
	eseal_stmt_free(st);
	json_t *docs = json_array();
	if (!eseal_store_prepare(db, &st, "SELECT n, format, sm3, signed_sm3, LENGTH(original), LENGTH(signed) "
				 "FROM sign_documents WHERE request_id = ?1 ORDER BY n") &&
	    !eseal_stmt_bind_int64(st, 1, id))
		while (eseal_stmt_step(st) == 1)
			json_array_append_new(docs, json_pack("{s:I, s:s, s:s, s:s?, s:I, s:I}", "n",
							      (json_int_t)eseal_stmt_int64(st, 0), "format",
							      eseal_stmt_text(st, 1), "sm3", eseal_stmt_text(st, 2),
							      "signed_sm3", eseal_stmt_text(st, 3), "size",
							      (json_int_t)eseal_stmt_int64(st, 4), "signed_size",
							      (json_int_t)eseal_stmt_int64(st, 5)));
	eseal_stmt_free(st);
	json_object_set_new(j, "documents", docs);
	return j;
}

typedef struct req_row {
	int64_t id, seal_id, org_id;
	char requester_id[SRV_ID_MAX], requester[SRV_NAME_MAX], status[16], org[SRV_ORG_MAX];
} req_row;

static int request_load(srv_req *r, eseal_store *db, req_row *q)
{
	const char *idp = srv_param(r, "id");
	char *end = NULL;
	long long id = idp ? strtoll(idp, &end, 10) : 0;
	eseal_stmt *st = NULL;
	memset(q, 0, sizeof *q);
	int rc = (!idp || !*idp || *end || id <= 0) ? ESEAL_ENOTFOUND : 0;
	if (!rc)
		rc = eseal_store_prepare(db, &st, "SELECT q.id, q.seal_id, q.org_id, q.requester_id, q.requester, "
					 "q.status, o.credit_code FROM sign_requests q JOIN organisations o ON "
					 "o.id = q.org_id WHERE q.id = ?1");
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, id);
	if (!rc)
		rc = eseal_stmt_step(st);
	if (rc == 1) {
		q->id = eseal_stmt_int64(st, 0);
		q->seal_id = eseal_stmt_int64(st, 1);
		q->org_id = eseal_stmt_int64(st, 2);
		copy_text(q->requester_id, sizeof q->requester_id, eseal_stmt_text(st, 3));
		copy_text(q->requester, sizeof q->requester, eseal_stmt_text(st, 4));
		copy_text(q->status, sizeof q->status, eseal_stmt_text(st, 5));
		copy_text(q->org, sizeof q->org, eseal_stmt_text(st, 6));
		rc = srv_org_allowed(&r->who, q->org) ? 0 : ESEAL_ENOTFOUND;
	} else if (rc == 0) {
		rc = ESEAL_ENOTFOUND;
	}
	eseal_stmt_free(st);
	if (rc == ESEAL_ENOTFOUND)
		srv_problem(r, 404, "not-found", "Not Found", "no such sign request");
	else if (rc)
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the sign request");
	return rc;
}

typedef struct sdoc {
	int64_t n;
	char sm3[65], signed_sm3[65], format[16];
	json_t *options;
	eseal_buf original, signed_doc;
} sdoc;

static void sdocs_free(sdoc *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++) {
		json_decref(d[i].options);
		eseal_buf_free(&d[i].original);
		eseal_buf_free(&d[i].signed_doc);
	}
	free(d);
}

static void sm3_hex(const uint8_t *p, size_t n, char out[65])
{
	uint8_t h[32];
	eseal_sm3(h, p, n);
	srv_hex(out, h, 32);
}

/*
 * Signs the pending request q with its seal: checks the seal, signs every
 * document, then in one transaction moves the request from pending to
 * signed (compare-and-set), counts the uses, stores the signed documents
 * and audits each. Answers the request itself (200) or a problem.
 */
static void execute(srv_req *r, eseal_store *db, const req_row *q)
{
	srv_seal_row s;
	sg_signer sg;
	sdoc *docs = NULL;
	size_t nd = 0;
	eseal_stmt *st = NULL;
	eseal_making *m = r->srv->cfg.making;
	memset(&sg, 0, sizeof sg);
	if (srv_seal_row_load(r, db, NULL, q->seal_id, &s))
		return;
	int rc = eseal_store_prepare(db, &st, "SELECT n, format, options, sm3, original FROM sign_documents "
				     "WHERE request_id = ?1 ORDER BY n");
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, q->id);
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		sdoc *nw = realloc(docs, (nd + 1) * sizeof *docs);
		size_t len;
		const uint8_t *p;
		rc = 0;
		if (!nw) {
			rc = ESEAL_ENOMEM;
			break;
		}
		docs = nw;
		sdoc *d = &docs[nd++];
		memset(d, 0, sizeof *d);
		d->n = eseal_stmt_int64(st, 0);
		copy_text(d->format, sizeof d->format, eseal_stmt_text(st, 1));
		d->options = json_loads(eseal_stmt_text(st, 2) ? eseal_stmt_text(st, 2) : "{}", 0, NULL);
		copy_text(d->sm3, sizeof d->sm3, eseal_stmt_text(st, 3));
		if ((p = eseal_stmt_blob(st, 4, &len)))
			rc = eseal_buf_put(&d->original, p, len);
	}
	eseal_stmt_free(st);
	if (rc) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the documents");
		goto out;
	}
	if (seal_usable(r, db, &s, q->requester, (int64_t)nd))
		goto out;
	if (!m || sg_signer_load(&sg, m, s.esid, s.seal_der.data, s.seal_der.len, s.cert_der.data, s.cert_der.len,
				 s.key_blob.data, s.key_blob.len)) {
		srv_problem(r, 500, "key-unavailable", "Internal Server Error", "cannot unwrap the seal's key: %s",
			    eseal_error_last());
		goto out;
	}
	copy_text(sg.org_name, sizeof sg.org_name, s.org_name);
	sg.type = s.type;
	for (size_t i = 0; i < nd; i++) {
		const json_t *pl = json_object_get(docs[i].options, "placement");
		int hash = !strncmp(docs[i].format, "hash-", 5);
		if (hash ? docs[i].original.len != 32 ||
				   sg_sign_hash(&sg, docs[i].original.data, docs[i].format + 5, r->now, &docs[i].signed_doc)
			 : sg_sign_doc(&sg, docs[i].original.data, docs[i].original.len, json_is_object(pl) ? pl : NULL,
				       srv_jstr(docs[i].options, "pdf_format"), r->now, &docs[i].signed_doc)) {
			char note[300];
			snprintf(note, sizeof note, "document %lld: %s", (long long)docs[i].n, eseal_error_last());
			eseal_store_run(db, "UPDATE sign_requests SET status = 'failed', note = ?1, updated_at = ?2 "
				    "WHERE id = ?3 AND status = 'pending'", "tii", note, (int64_t)r->now, q->id);
			srv_problem(r, 422, "signing-failed", "Unprocessable Content", "%s", note);
			goto out;
		}
		sm3_hex(docs[i].signed_doc.data, docs[i].signed_doc.len, docs[i].signed_sm3);
	}
	char reviewer[SRV_NAME_MAX + 16];
	int self = !strcmp(r->who.id, q->requester_id);
	snprintf(reviewer, sizeof reviewer, "%s", self ? "auto" : r->who.name);
	rc = eseal_store_begin(db);
	if (!rc) {
		int64_t n = eseal_store_run(db, "UPDATE sign_requests SET status = 'signed', reviewer = ?1, "
					    "updated_at = ?2 WHERE id = ?3 AND status = 'pending'", "tii", reviewer,
					    (int64_t)r->now, q->id);
		rc = n < 0 ? (int)n : n == 1 ? 0 : ESEAL_EEXISTS;
	}
	if (!rc) {
		/* the seal may have been lost or used up since it was read */
		int64_t n = eseal_store_run(db, "UPDATE seals SET uses_count = uses_count + ?1, updated_at = ?2 "
					    "WHERE id = ?3 AND status = 'valid' AND (valid_end IS NULL OR valid_end > ?2) "
					    "AND (uses_limit IS NULL OR uses_limit <= 0 OR uses_count + ?1 <= uses_limit)",
					    "iii", (int64_t)nd, (int64_t)r->now, s.id);
		rc = n < 0 ? (int)n : n == 1 ? 0 : ESEAL_EDENIED;
	}
	for (size_t i = 0; !rc && i < nd; i++) {
		int64_t n = eseal_store_run(db, "UPDATE sign_documents SET signed = ?1, signed_sm3 = ?2 "
					    "WHERE request_id = ?3 AND n = ?4", "btii", docs[i].signed_doc.data,
					    docs[i].signed_doc.len, docs[i].signed_sm3, q->id, docs[i].n);
		rc = n < 0 ? (int)n : 0;
		if (!rc) {
			json_t *det = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "request", (json_int_t)q->id,
						"document", (json_int_t)docs[i].n, "format", docs[i].format, "sm3",
						docs[i].sm3, "signed_sm3", docs[i].signed_sm3, "requester", q->requester,
						"approver", reviewer, "esid", s.esid, "time", (json_int_t)r->now);
			rc = lc_auditf(db, r, "sign.document", det, "seal:%s", s.esid);
		}
	}
	if (!rc)
		rc = eseal_store_commit(db);
	if (rc) {
		eseal_store_rollback(db);
		if (rc == ESEAL_EEXISTS)
			srv_problem(r, 409, "illegal-transition", "Conflict", "the request was decided meanwhile");
		else if (rc == ESEAL_EDENIED)
			srv_problem(r, 409, "seal-not-usable", "Conflict",
				    "seal %s was lost, cancelled or used up meanwhile", s.esid);
		else
			srv_problem(r, 500, "internal", "Internal Server Error", "cannot store the signed documents");
		goto out;
	}
	json_t *j = request_json(db, q->id);
	if (j)
		srv_reply_json(r, 200, j);
	else
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the sign request");
out:
	sg_signer_free(&sg);
	sdocs_free(docs, nd);
	srv_seal_row_free(&s);
}

/* One document entry of the body into d (answers 400 itself). */
static int take_doc(srv_req *r, const json_t *entry, size_t i, sdoc *d)
{
	const json_t *doc = json_is_object(entry) ? json_object_get(entry, "document") : entry;
	const json_t *pl = json_is_object(entry) ? json_object_get(entry, "placement") : NULL;
	const char *pf = json_is_object(entry) ? srv_jstr(entry, "pdf_format") : NULL;
	const char *want = srv_jstr(r->json, "format");
	memset(d, 0, sizeof *d);
	d->n = (int64_t)i + 1;
	if (!pl)
		pl = json_object_get(r->json, "placement");
	if (!pf)
		pf = srv_jstr(r->json, "pdf_format");
	if (!json_is_string(doc) || json_string_length(doc) > SIGN_DOC_MAX ||
	    lc_b64_decode(&d->original, json_string_value(doc), json_string_length(doc))) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "document %zu is not base64", i + 1);
		return -1;
	}
	const char *fmt = sg_doc_format(d->original.data, d->original.len);
	if (!fmt) {
		srv_problem(r, 400, "invalid-document", "Bad Request", "document %zu is neither a PDF nor an OFD", i + 1);
		return -1;
	}
	if (want && strcmp(want, fmt)) {
		srv_problem(r, 400, "invalid-document", "Bad Request", "document %zu is %s, not %s", i + 1, fmt, want);
		return -1;
	}
	if (pf && strcmp(pf, "cms-sm2") && strcmp(pf, "ses")) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "pdf_format must be cms-sm2 or ses");
		return -1;
	}
	if (sg_placement_check(pl)) {
		srv_problem(r, 400, "invalid-placement", "Bad Request", "document %zu: %s", i + 1, eseal_error_last());
		return -1;
	}
	snprintf(d->format, sizeof d->format, "%s", fmt);
	d->options = json_object();
	if (pl)
		json_object_set(d->options, "placement", (json_t *)pl);
	if (pf)
		json_object_set_new(d->options, "pdf_format", json_string(pf));
	sm3_hex(d->original.data, d->original.len, d->sm3);
	return 0;
}

/* One hash-only entry {sm3, form} into d (answers 400 itself). */
static int take_digest(srv_req *r, const json_t *entry, size_t i, sdoc *d)
{
	const char *hex = srv_jstr(entry, "sm3"), *form = srv_jstr(entry, "form");
	memset(d, 0, sizeof *d);
	d->n = (int64_t)i + 1;
	if (!form)
		form = "ses";
	if (!hex || strlen(hex) != 64 || eseal_buf_reserve(&d->original, 32) ||
	    srv_unhex(d->original.data, 32, hex)) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "digests[%zu].sm3 must be 64 hex digits", i);
		return -1;
	}
	d->original.len = 32;
	if (strcmp(form, "ses") && strcmp(form, "cms")) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "digests[%zu].form must be ses or cms", i);
		return -1;
	}
	snprintf(d->format, sizeof d->format, "hash-%s", form);
	srv_hex(d->sm3, d->original.data, 32);
	d->options = json_object();
	return 0;
}

void srv_h_sign_create(srv_req *r)
{
	const json_t *one = json_object_get(r->json, "document"), *many = json_object_get(r->json, "documents");
	const json_t *digests = json_object_get(r->json, "digests");
	sdoc *docs = NULL;
	size_t nd = one ? 1 : many ? json_array_size(many) : json_array_size(digests);
	if (!!one + !!many + !!digests != 1 || !nd || nd > SIGN_BATCH_MAX) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "give document, documents or digests (1 to %d)",
			    SIGN_BATCH_MAX);
		return;
	}
	if (!(docs = calloc(nd, sizeof *docs))) {
		srv_problem(r, 500, "internal", "Internal Server Error", "out of memory");
		return;
	}
	for (size_t i = 0; i < nd; i++)
		if (digests ? take_digest(r, json_array_get(digests, i), i, &docs[i])
			    : take_doc(r, one ? one : json_array_get(many, i), i, &docs[i])) {
			sdocs_free(docs, nd);
			return;
		}
	eseal_store *db = lc_db(r);
	srv_seal_row s;
	memset(&s, 0, sizeof s);
	if (!db || srv_seal_row_load(r, db, srv_jstr(r->json, "esid"), 0, &s)) {
		lc_db_put(r, db);
		sdocs_free(docs, nd);
		return;
	}
	/* refuse early what signing would refuse anyway */
	if (seal_usable(r, db, &s, r->who.name, (int64_t)nd))
		goto out;
	int64_t id = 0;
	int rc = eseal_store_begin(db);
	if (!rc)
		rc = eseal_store_query_int(db, &id, "INSERT INTO sign_requests (org_id, seal_id, requester_id, requester, "
					   "status, note, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6, ?6) "
					   "RETURNING id", "iittti", s.org_id, s.id, r->who.id, r->who.name,
					   srv_jstr(r->json, "note"), (int64_t)r->now);
	for (size_t i = 0; !rc && i < nd; i++) {
		char *opt = json_dumps(docs[i].options, JSON_COMPACT | JSON_SORT_KEYS);
		int64_t n = opt ? eseal_store_run(db, "INSERT INTO sign_documents (request_id, n, format, options, sm3, "
						  "original) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "iitttb", id, docs[i].n,
						  docs[i].format, opt, docs[i].sm3, docs[i].original.data,
						  docs[i].original.len)
				: ESEAL_ENOMEM;
		free(opt);
		rc = n < 0 ? (int)n : 0;
	}
	if (!rc) {
		json_t *det = json_pack("{s:s, s:I, s:b}", "esid", s.esid, "documents", (json_int_t)nd, "auto_approve",
					s.auto_approve);
		rc = lc_auditf(db, r, "sign.request", det, "sign-request:%lld", (long long)id);
	}
	if (!rc)
		rc = eseal_store_commit(db);
	if (rc) {
		eseal_store_rollback(db);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot store the sign request: %s",
			    eseal_error_last());
		goto out;
	}
	if (s.auto_approve) {
		req_row q;
		memset(&q, 0, sizeof q);
		q.id = id;
		q.seal_id = s.id;
		q.org_id = s.org_id;
		copy_text(q.requester_id, sizeof q.requester_id, r->who.id);
		copy_text(q.requester, sizeof q.requester, r->who.name);
		execute(r, db, &q);
		if (r->status == 200)
			r->status = 201;
	} else {
		json_t *j = request_json(db, id);
		if (j)
			srv_reply_json(r, 201, j);
		else
			srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the sign request");
	}
	if (r->status < 300) {
		char loc[64];
		snprintf(loc, sizeof loc, "/api/v1/sign-requests/%lld", (long long)id);
		srv_add_header(r, "Location", loc);
	}
out:
	srv_seal_row_free(&s);
	sdocs_free(docs, nd);
	lc_db_put(r, db);
}

static void review(srv_req *r, int approve)
{
	const char *reason = srv_jstr(r->json, "reason");
	if (!approve && (!reason || !*reason)) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "a rejection needs a reason");
		return;
	}
	eseal_store *db = lc_db(r);
	req_row q;
	if (!db || request_load(r, db, &q)) {
		lc_db_put(r, db);
		return;
	}
	/* separation of duties: nobody approves their own request */
	if (!strcmp(q.requester_id, r->who.id)) {
		srv_problem(r, 403, "separation-of-duties", "Forbidden", "you cannot review your own sign request");
	} else if (strcmp(q.status, "pending")) {
		srv_problem(r, 409, "illegal-transition", "Conflict", "the sign request is %s, not pending", q.status);
	} else if (approve) {
		execute(r, db, &q);
	} else {
		int rc = eseal_store_begin(db);
		if (!rc) {
			int64_t n = eseal_store_run(db, "UPDATE sign_requests SET status = 'rejected', reviewer = ?1, "
						    "note = ?2, updated_at = ?3 WHERE id = ?4 AND status = 'pending'",
						    "ttii", r->who.name, reason, (int64_t)r->now, q.id);
			rc = n < 0 ? (int)n : n == 1 ? 0 : ESEAL_EEXISTS;
		}
		if (!rc) {
			json_t *det = json_pack("{s:s}", "reason", reason);
			rc = lc_auditf(db, r, "sign.reject", det, "sign-request:%lld", (long long)q.id);
		}
		if (!rc)
			rc = eseal_store_commit(db);
		if (rc) {
			eseal_store_rollback(db);
			if (rc == ESEAL_EEXISTS)
				srv_problem(r, 409, "illegal-transition", "Conflict", "the request was decided meanwhile");
			else
				srv_problem(r, 500, "internal", "Internal Server Error", "cannot store the review");
		} else {
			json_t *j = request_json(db, q.id);
			if (j)
				srv_reply_json(r, 200, j);
			else
				srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the sign request");
		}
	}
	lc_db_put(r, db);
}

void srv_h_sign_approve(srv_req *r) { review(r, 1); }
void srv_h_sign_reject(srv_req *r) { review(r, 0); }

void srv_h_sign_list(srv_req *r)
{
	char status[16];
	int has_status = !srv_query_get(r, "status", status, sizeof status);
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	eseal_stmt *st = NULL;
	int all = r->who.role == SRV_ROLE_SYSTEM_ADMIN;
	int rc = eseal_store_prepare(db, &st, "SELECT q.id FROM sign_requests q JOIN organisations o ON o.id = q.org_id "
				     "WHERE (?1 = 1 OR o.credit_code = ?2) AND (?3 = 0 OR q.status = ?4) "
				     "ORDER BY q.id DESC LIMIT 500");
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, all);
	if (!rc)
		rc = eseal_stmt_bind_text(st, 2, r->who.org);
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 3, has_status);
	if (!rc)
		rc = eseal_stmt_bind_text(st, 4, has_status ? status : "");
	int64_t *ids = NULL;
	size_t n = 0;
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		int64_t *nw = realloc(ids, (n + 1) * sizeof *ids);
		rc = nw ? 0 : ESEAL_ENOMEM;
		if (nw)
			(ids = nw)[n++] = eseal_stmt_int64(st, 0);
	}
	eseal_stmt_free(st);
	json_t *arr = json_array();
	for (size_t i = 0; !rc && i < n; i++) {
		json_t *j = request_json(db, ids[i]);
		if (j)
			json_array_append_new(arr, j);
	}
	free(ids);
	if (rc) {
		json_decref(arr);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot list sign requests");
	} else {
		srv_reply_json(r, 200, json_pack("{s:o}", "sign_requests", arr));
	}
	lc_db_put(r, db);
}

void srv_h_sign_get(srv_req *r)
{
	eseal_store *db = lc_db(r);
	req_row q;
	if (db && !request_load(r, db, &q)) {
		json_t *j = request_json(db, q.id);
		if (j)
			srv_reply_json(r, 200, j);
		else
			srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the sign request");
	}
	lc_db_put(r, db);
}

void srv_h_sign_download(srv_req *r)
{
	eseal_store *db = lc_db(r);
	req_row q;
	if (!db || request_load(r, db, &q)) {
		lc_db_put(r, db);
		return;
	}
	const char *np = srv_param(r, "n");
	char *end = NULL, orig[8] = "";
	long long n = np ? strtoll(np, &end, 10) : 0;
	/* ?original=1: the document as uploaded, for the reviewer to read
	 * before approving */
	int original = srv_query_get(r, "original", orig, sizeof orig) == 0 && !strcmp(orig, "1");
	eseal_stmt *st = NULL;
	int rc = (!np || !*np || *end || n <= 0) ? 0 : eseal_store_prepare(db, &st, original
		? "SELECT format, original FROM sign_documents WHERE request_id = ?1 AND n = ?2"
		: "SELECT format, signed FROM sign_documents WHERE request_id = ?1 AND n = ?2");
	if (st && !rc)
		rc = eseal_stmt_bind_int64(st, 1, q.id);
	if (st && !rc)
		rc = eseal_stmt_bind_int64(st, 2, n);
	if (st && !rc)
		rc = eseal_stmt_step(st);
	size_t len = 0;
	const uint8_t *p = rc == 1 ? eseal_stmt_blob(st, 1, &len) : NULL;
	if (rc < 0) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the document");
	} else if (rc != 1) {
		srv_problem(r, 404, "not-found", "Not Found", "no such document");
	} else if (!p) {
		srv_problem(r, 409, "not-signed", "Conflict", "the sign request is %s: nothing signed yet", q.status);
	} else {
		char cd[96];
		const char *fmt = eseal_stmt_text(st, 0);
		int pdf = !strcmp(fmt, "pdf"), ofd = !strcmp(fmt, "ofd");
		const char *ext = pdf ? "pdf" : ofd ? "ofd" : !strcmp(fmt, "hash-cms") ? "p7s" : "sig";
		eseal_buf_clear(&r->out);
		if (eseal_buf_put(&r->out, p, len)) {
			srv_problem(r, 500, "internal", "Internal Server Error", "out of memory");
		} else {
			r->status = 200;
			r->content_type = pdf ? "application/pdf" : ofd ? "application/ofd" : "application/octet-stream";
			snprintf(cd, sizeof cd, "attachment; filename=\"%s-%lld-%lld.%s\"", original ? "original" : "signed",
				 (long long)q.id, n, ext);
			srv_add_header(r, "Content-Disposition", cd);
		}
	}
	eseal_stmt_free(st);
	lc_db_put(r, db);
}

void srv_h_sign_policy(srv_req *r)
{
	eseal_store *db = lc_db(r);
	srv_seal_row s;
	if (!db || srv_seal_row_load(r, db, srv_param(r, "esid"), 0, &s)) {
		lc_db_put(r, db);
		return;
	}
	int on = json_is_true(json_object_get(r->json, "auto_approve"));
	int rc = eseal_store_begin(db);
	if (!rc) {
		int64_t n = eseal_store_run(db, "INSERT INTO sign_policies (seal_id, auto_approve, updated_at) VALUES "
					    "(?1, ?2, ?3) ON CONFLICT (seal_id) DO UPDATE SET auto_approve = ?2, "
					    "updated_at = ?3", "iii", s.id, (int64_t)on, (int64_t)r->now);
		rc = n < 0 ? (int)n : 0;
	}
	if (!rc) {
		json_t *det = json_pack("{s:b}", "auto_approve", on);
		rc = lc_auditf(db, r, "sign.policy", det, "seal:%s", s.esid);
	}
	if (!rc)
		rc = eseal_store_commit(db);
	if (rc) {
		eseal_store_rollback(db);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot store the policy");
	} else {
		srv_reply_json(r, 200, json_pack("{s:s, s:b}", "esid", s.esid, "auto_approve", on));
	}
	srv_seal_row_free(&s);
	lc_db_put(r, db);
}

/* ---- hash-only signing ---- */
void srv_h_sign_hash(srv_req *r)
{
	const char *hex = srv_jstr(r->json, "sm3"), *form = srv_jstr(r->json, "form");
	uint8_t digest[32];
	if (!form)
		form = "ses";
	if (strlen(hex) != 64 || srv_unhex(digest, sizeof digest, hex)) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "sm3 must be 64 hex digits");
		return;
	}
	if (strcmp(form, "ses") && strcmp(form, "cms")) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "form must be ses or cms");
		return;
	}
	eseal_store *db = lc_db(r);
	srv_seal_row s;
	sg_signer sg;
	eseal_buf sig = ESEAL_BUF_INIT, b64 = ESEAL_BUF_INIT;
	memset(&sg, 0, sizeof sg);
	if (!db || srv_seal_row_load(r, db, srv_jstr(r->json, "esid"), 0, &s)) {
		lc_db_put(r, db);
		return;
	}
	if (!s.auto_approve) {
		srv_problem(r, 409, "approval-required", "Conflict",
			    "seal %s signs only after review: submit a sign request", s.esid);
		goto out;
	}
	if (seal_usable(r, db, &s, r->who.name, 1))
		goto out;
	if (sg_signer_load(&sg, r->srv->cfg.making, s.esid, s.seal_der.data, s.seal_der.len, s.cert_der.data,
			   s.cert_der.len, s.key_blob.data, s.key_blob.len)) {
		srv_problem(r, 500, "key-unavailable", "Internal Server Error", "cannot unwrap the seal's key: %s",
			    eseal_error_last());
		goto out;
	}
	int rc = sg_sign_hash(&sg, digest, form, r->now, &sig);
	if (rc) {
		srv_problem(r, 500, "signing-failed", "Internal Server Error", "%s", eseal_error_last());
		goto out;
	}
	rc = eseal_store_begin(db);
	if (!rc) {
		int64_t n = eseal_store_run(db, "UPDATE seals SET uses_count = uses_count + 1, updated_at = ?1 "
					    "WHERE id = ?2 AND status = 'valid' AND (valid_end IS NULL OR valid_end > ?1) "
					    "AND (uses_limit IS NULL OR uses_limit <= 0 OR uses_count < uses_limit)",
					    "ii", (int64_t)r->now, s.id);
		rc = n < 0 ? (int)n : n == 1 ? 0 : ESEAL_EDENIED;
	}
	if (!rc) {
		char obj[48], shex[65];
		snprintf(obj, sizeof obj, "seal:%s", s.esid);
		sm3_hex(sig.data, sig.len, shex);
		json_t *det = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "sm3", hex, "form", form, "signature_sm3", shex,
					"requester", r->who.name, "esid", s.esid, "time", (json_int_t)r->now);
		rc = lc_audit(db, r, "sign.hash", obj, det);
		json_decref(det);
	}
	if (!rc)
		rc = eseal_store_commit(db);
	if (rc) {
		eseal_store_rollback(db);
		if (rc == ESEAL_EDENIED)
			srv_problem(r, 409, "seal-not-usable", "Conflict", "seal %s was lost, cancelled or used up meanwhile",
				    s.esid);
		else
			srv_problem(r, 500, "internal", "Internal Server Error", "cannot count the use");
		goto out;
	}
	if (lc_b64_encode(&b64, sig.data, sig.len) || eseal_buf_cstr(&b64)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "out of memory");
		goto out;
	}
	srv_reply_json(r, 200, json_pack("{s:s, s:s, s:s, s:s}", "esid", s.esid, "form", form, "sm3", hex,
					 "signature", (const char *)b64.data));
out:
	eseal_buf_free(&sig);
	eseal_buf_free(&b64);
	sg_signer_free(&sg);
	srv_seal_row_free(&s);
	lc_db_put(r, db);
}
