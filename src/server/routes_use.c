/*
 * routes_use.c - decentralized use (分散式用章): a holder signs offline with
 * the seal package and reports each signature later (POST
 * /api/v1/seals/{esid}/uses); GET lists what was reported. A reported
 * signature must really be this seal's: a SES_Signature embedding exactly
 * the seal the service made, whose value verifies with a signer
 * certificate in its list, or a CMS signature by the seal's certificate.
 * A use is keyed by SM3 of the signature value, so reporting it again
 * never counts it twice. Never count a signature that does not verify.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/cms.h"
#include "eseal/crypto.h"
#include "eseal/ses.h"
#include "lifecycle.h"
#include "routes_sign.h"
#include "routes_use.h"

#define USE_SIG_MAX (4u << 20) /* base64 characters of one signature */

const srv_field srv_use_body[] = {
	{ "signature", SRV_J_STRING, 1, USE_SIG_MAX,
	  "the signature, base64: SES_Signature (OFD SignedValue.dat, SES in PDF) or detached CMS" },
	{ "form", SRV_J_STRING, 0, 8, "ses (default) or cms" },
	{ "document_sm3", SRV_J_STRING, 0, 64, "the document digest the signature covers (SES dataHash, CMS messageDigest), hex" },
	{ "document_name", SRV_J_STRING, 0, 255, "the signed document's file name" },
	{ 0 }
};

/*
 * Checks that sig is a signature by seal s: fills the signature value's
 * SM3 (hex) and the signing time. Returns 0, or -1 with why set.
 */
static int check_ses(const srv_seal_row *s, const eseal_buf *sig, char sm3[65], time_t *when, char *why, size_t wl)
{
	eseal_sessig *g = NULL;
	int ok = -1;
	if (eseal_sessig_parse(&g, sig->data, sig->len)) {
		snprintf(why, wl, "not a SES_Signature: %s", eseal_error_last());
		return -1;
	}
	const eseal_seal *seal = eseal_sessig_seal(g);
	size_t sl, cl, vl;
	const uint8_t *sd = eseal_sessig_seal_der(g, &sl);
	const uint8_t *cert = eseal_sessig_signer_cert(g, &cl);
	const uint8_t *v = eseal_sessig_signature(g, &vl);
	if (strcmp(eseal_seal_esid(seal) ? eseal_seal_esid(seal) : "", s->esid))
		snprintf(why, wl, "the signature is by seal %s, not %s", eseal_seal_esid(seal), s->esid);
	else if (sl != s->seal_der.len || memcmp(sd, s->seal_der.data, sl))
		snprintf(why, wl, "the embedded seal is not the one this service made for %s", s->esid);
	else if (eseal_sessig_verify_signature(g))
		snprintf(why, wl, "the signature value does not verify: %s", eseal_error_last());
	else if (!eseal_seal_allows_signer(seal, cert, cl))
		snprintf(why, wl, "the signer certificate is not in the seal's certificate list");
	else if (!eseal_sessig_time(g))
		snprintf(why, wl, "the signing time cannot be read");
	else {
		uint8_t d[32];
		eseal_sm3(d, v, vl);
		eseal_hex_encode(sm3, d, 32, 0);
		*when = eseal_sessig_time(g);
		ok = 0;
	}
	eseal_sessig_free(g);
	return ok;
}

static int check_cms(const srv_seal_row *s, const eseal_buf *sig, char sm3[65], time_t *when, char *why, size_t wl)
{
	eseal_cms *c = NULL;
	eseal_report *rep = NULL;
	eseal_report_item *it = NULL;
	int ok = -1;
	if (eseal_cms_parse(&c, sig->data, sig->len)) {
		snprintf(why, wl, "not a CMS signature: %s", eseal_error_last());
		return -1;
	}
	size_t cl, vl;
	const uint8_t *cert = eseal_cms_signer_cert(c, &cl);
	const uint8_t *v = eseal_cms_signature_value(c, &vl);
	if (!cert || cl != s->cert_der.len || memcmp(cert, s->cert_der.data, cl))
		snprintf(why, wl, "the signer is not the certificate of seal %s", s->esid);
	else if (!v)
		snprintf(why, wl, "the CMS signature has no signature value");
	else if (eseal_report_new(&rep, "use", "cms") || !(it = eseal_report_add(rep, "signature")))
		snprintf(why, wl, "out of memory");
	else {
		/* the document is not here: check the signature over the signed
		 * attributes only (no content digest) */
		eseal_cms_verify(c, NULL, 0, NULL, 0, it);
		if (eseal_item_check_status(it, "cms_signature") != ESEAL_CHECK_PASSED) {
			snprintf(why, wl, "the CMS signature does not verify");
		} else {
			uint8_t d[32];
			eseal_sm3(d, v, vl);
			eseal_hex_encode(sm3, d, 32, 0);
			*when = eseal_cms_signing_time(c) ? eseal_cms_signing_time(c) : 0;
			ok = 0;
		}
	}
	eseal_report_free(rep);
	eseal_cms_free(c);
	return ok;
}

static int hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return 0;
	for (const char *p = s; *p; p++)
		if (eseal_hex_digit((unsigned char)*p) < 0)
			return 0;
	return 1;
}

void srv_h_use_report(srv_req *r)
{
	const char *form = srv_jstr(r->json, "form");
	const char *b64 = srv_jstr(r->json, "signature");
	const char *dsm3 = srv_jstr(r->json, "document_sm3");
	const char *dname = srv_jstr(r->json, "document_name");
	if (!form)
		form = "ses";
	if (strcmp(form, "ses") && strcmp(form, "cms")) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "form must be ses or cms");
		return;
	}
	if (dsm3 && !hex64(dsm3)) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "document_sm3 must be 64 hex digits");
		return;
	}
	eseal_buf sig = ESEAL_BUF_INIT;
	if (lc_b64_decode(&sig, b64, strlen(b64)) || !sig.len) {
		eseal_buf_free(&sig);
		srv_problem(r, 400, "invalid-body", "Bad Request", "signature is not base64");
		return;
	}
	eseal_store *db = lc_db(r);
	srv_seal_row s;
	if (!db || srv_seal_row_load(r, db, srv_param(r, "esid"), 0, &s)) {
		eseal_buf_free(&sig);
		lc_db_put(r, db);
		return;
	}
	char sm3[65] = "", why[300] = "";
	time_t when = 0;
	int bad = !strcmp(form, "ses") ? check_ses(&s, &sig, sm3, &when, why, sizeof why)
				       : check_cms(&s, &sig, sm3, &when, why, sizeof why);
	if (bad) {
		srv_problem(r, 422, "not-this-seal", "Unprocessable Content", "%s", why);
		goto out;
	}
	if (!when)
		when = r->now;
	int rc = eseal_store_begin(db);
	int64_t have = 0, id = 0;
	if (!rc)
		rc = eseal_store_query_int(db, &have, "SELECT COUNT(*) FROM seal_uses WHERE sig_sm3 = ?1", "t", sm3);
	int dup = !rc && have > 0;
	if (!rc && !dup) {
		char actor[SRV_NAME_MAX + 16];
		lc_actor(r, actor, sizeof actor);
		rc = eseal_store_query_int(db, &id, "INSERT INTO seal_uses (seal_id, org_id, sig_sm3, form, document_sm3, "
					   "document_name, signed_at, reporter, reported_at, signature) VALUES (?1, ?2, ?3, "
					   "?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id", "iittttitib", s.id, s.org_id, sm3,
					   form, dsm3 ? dsm3 : "", dname ? dname : "", (int64_t)when, actor, (int64_t)r->now, sig.data, sig.len);
		if (!rc) {
			int64_t n = eseal_store_run(db, "UPDATE seals SET uses_count = uses_count + 1, updated_at = ?1 "
						    "WHERE id = ?2", "ii", (int64_t)r->now, s.id);
			rc = n < 0 ? (int)n : 0;
		}
		/* a use is no state change: the event keeps the stored state, so
		 * the status at any time stays what it was */
		if (!rc) {
			char reason[200];
			snprintf(reason, sizeof reason, "use reported: signature %.16s signed at %lld", sm3, (long long)when);
			rc = lc_event(db, r, s.id, s.stored, s.stored, reason);
		}
		if (!rc) {
			json_t *det = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:I, s:I}", "esid", s.esid, "signature_sm3", sm3,
						"document_sm3", dsm3, "document_name", dname, "form", form, "signed_at",
						(json_int_t)when, "reported_at", (json_int_t)r->now);
			rc = lc_auditf(db, r, "seal.use-reported", det, "seal:%s", s.esid);
		}
	}
	if (!rc)
		rc = eseal_store_commit(db);
	if (rc) {
		eseal_store_rollback(db);
		/* the same signature reported at the same moment by another
		 * request: its row won the UNIQUE key, this one is a repeat */
		have = 0;
		if (!dup && !eseal_store_query_int(db, &have, "SELECT COUNT(*) FROM seal_uses WHERE sig_sm3 = ?1", "t",
						   sm3) && have > 0) {
			dup = 1;
			s.uses_count++;
		} else {
			srv_problem(r, 500, "internal", "Internal Server Error", "cannot record the use: %s",
				    eseal_error_last());
			goto out;
		}
	}
	int64_t count = s.uses_count + (dup ? 0 : 1);
	json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:b}", "esid", s.esid, "status",
			      dup ? "duplicate" : "counted", "signature_sm3", sm3, "signed_at", (json_int_t)when,
			      "uses_count", (json_int_t)count, "uses_limit", (json_int_t)s.uses_limit, "over_limit",
			      s.uses_limit > 0 && count > s.uses_limit);
	srv_reply_json(r, dup ? 200 : 201, j);
out:
	eseal_buf_free(&sig);
	srv_seal_row_free(&s);
	lc_db_put(r, db);
}

void srv_h_use_list(srv_req *r)
{
	eseal_store *db = lc_db(r);
	srv_seal_row s;
	if (!db || srv_seal_row_load(r, db, srv_param(r, "esid"), 0, &s)) {
		lc_db_put(r, db);
		return;
	}
	eseal_stmt *st = NULL;
	json_t *arr = json_array();
	int rc = eseal_store_prepare(db, &st, "SELECT sig_sm3, form, document_sm3, document_name, signed_at, reporter, "
				     "reported_at FROM seal_uses WHERE seal_id = ?1 ORDER BY id");
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, s.id);
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		rc = 0;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s?, s:I, s:s, s:I}", "signature_sm3",
						     eseal_stmt_text(st, 0), "form", eseal_stmt_text(st, 1),
						     "document_sm3", eseal_stmt_text(st, 2), "document_name",
						     eseal_stmt_text(st, 3), "signed_at", (json_int_t)eseal_stmt_int64(st, 4),
						     "reporter", eseal_stmt_text(st, 5), "reported_at",
						     (json_int_t)eseal_stmt_int64(st, 6)));
	}
	eseal_stmt_free(st);
	lc_db_put(r, db);
	if (rc < 0) {
		json_decref(arr);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot read the uses");
	} else {
		srv_reply_json(r, 200, json_pack("{s:s, s:I, s:I, s:o}", "esid", s.esid, "uses_count",
						 (json_int_t)s.uses_count, "uses_limit", (json_int_t)s.uses_limit, "uses",
						 arr));
	}
	srv_seal_row_free(&s);
}
