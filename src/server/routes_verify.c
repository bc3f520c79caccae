/*
 * routes_verify.c - the verification service: POST a document (PDF or
 * OFD, base64) and get the report `eseal verify --json` prints, checked
 * against this instance's CA and, when the instance publishes signed seal
 * revocation lists, each seal's status at signing time; plus a human
 * summary in English or Chinese. Never stores the document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routes_sign.h"
#include "signing.h"
#include "status_routes.h"

const srv_field srv_verify_body[] = {
	{ "document", SRV_J_STRING, 1, 12u << 20, "the document (PDF or OFD), base64" },
	{ "lang", SRV_J_STRING, 0, 4, "language of the summary: en (default) or zh" },
	{ 0 }
};

void srv_h_verify(srv_req *r)
{
	const json_t *doc = json_object_get(r->json, "document");
	const char *lang = json_string_value(json_object_get(r->json, "lang"));
	eseal_buf raw = ESEAL_BUF_INIT, js = ESEAL_BUF_INIT, txt = ESEAL_BUF_INIT, srl = ESEAL_BUF_INIT;
	eseal_report *rep = NULL;
	json_t *out = NULL;
	if (lang && strcmp(lang, "en") && strcmp(lang, "zh")) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "lang must be en or zh");
		return;
	}
	if (lc_b64_decode(&raw, json_string_value(doc), json_string_length(doc))) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "document is not base64");
		goto out;
	}
	if (!sg_doc_format(raw.data, raw.len)) {
		srv_problem(r, 400, "invalid-document", "Bad Request", "the document is neither a PDF nor an OFD");
		goto out;
	}
	eseal_making *m = lc_making(r);
	if (!m)
		goto out;
	pthread_mutex_lock(&m->ca_mu);
	const eseal_cert *anchors[2] = { eseal_ca_root(m->ca), eseal_ca_issuing(m->ca) };
	pthread_mutex_unlock(&m->ca_mu);
	/* the latest signed full list of this instance: seal status at
	 * signing time without a network round trip */
	int status_checked = 0;
	if (r->srv->cfg.status_fn == srv_status_store_lookup && srv_status_store_signed(r->srv->cfg.status_ctx)) {
		char etag[70];
		time_t next;
		int64_t number;
		status_checked = !srv_status_store_list(r->srv->cfg.status_ctx, 0, 0, r->now, &srl, etag, &next, &number);
	}
	if (sg_verify_doc(raw.data, raw.len, anchors, 2, status_checked ? srl.data : NULL, srl.len, &rep)) {
		srv_problem(r, 422, "verify-failed", "Unprocessable Content", "%s", eseal_error_last());
		goto out;
	}
	if (eseal_report_json(rep, &js) || eseal_report_text(rep, lang && !strcmp(lang, "zh"), &txt) ||
	    eseal_buf_cstr(&txt)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot render the report");
		goto out;
	}
	out = json_loadb((const char *)js.data, js.len, 0, NULL);
	if (!json_is_object(out)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot render the report");
		goto out;
	}
	json_object_set_new(out, "summary", json_string((const char *)txt.data));
	json_object_set_new(out, "status_checked", json_boolean(status_checked));
	if (eseal_report_count(rep) == 0)
		json_object_set_new(out, "note", json_string("no signatures found"));
	srv_reply_json(r, 200, out);
	out = NULL;
out:
	json_decref(out);
	eseal_report_free(rep);
	eseal_buf_free(&raw);
	eseal_buf_free(&js);
	eseal_buf_free(&txt);
	eseal_buf_free(&srl);
}
