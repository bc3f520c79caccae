/*
 * routes_tsa.c - the service's time-stamp authority over HTTP (RFC 3161
 * §3.4): a DER TimeStampReq posted as application/timestamp-query is
 * answered with a DER TimeStampResp as application/timestamp-reply. A
 * malformed request gets a rejection response, as the RFC wants, not a
 * JSON problem; only HTTP-level mistakes (wrong media type, no TSA
 * configured) are problems. Never answers with anything but a complete
 * TimeStampResp.
 */
#include <string.h>
#include <strings.h>

#include "eseal/tsa.h"
#include "routes_tsa.h"

static int is_query_type(const char *ct)
{
	static const char want[] = "application/timestamp-query";
	size_t n = sizeof want - 1;
	return ct && !strncasecmp(ct, want, n) && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

void srv_h_tsa(srv_req *r)
{
	eseal_tsa *tsa = r->srv->cfg.tsa;
	if (!tsa) {
		srv_problem(r, 503, "no-tsa", "Service Unavailable", "this instance has no time-stamp authority");
		return;
	}
	if (!is_query_type(r->h.content_type)) {
		srv_problem(r, 415, "unsupported-media-type", "Unsupported Media Type",
			    "send a DER TimeStampReq as application/timestamp-query");
		return;
	}
	eseal_buf_clear(&r->out);
	/* oversized requests are refused by the parser with a rejection */
	if (eseal_tsa_respond(tsa, r->body ? r->body : (const uint8_t *)"", r->body_len, &r->out)) {
		eseal_buf_clear(&r->out);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot answer the time-stamp request");
		return;
	}
	r->status = 200;
	r->content_type = "application/timestamp-reply";
}
