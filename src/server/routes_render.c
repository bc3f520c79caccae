/*
 * routes_render.c - POST /api/v1/render: one page of an OFD document (base64
 * in JSON) drawn as a PNG, for the console's previews. The answer is
 * image/png with X-Page-Count, X-Page-Width-Mm and X-Page-Height-Mm.
 *
 * Never stores the document and never answers with a partial picture: bad
 * input is a 400 or 422 problem, limits come from eseal_ofd_render_page.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eseal/ofd.h"
#include "eseal/render.h"
#include "lifecycle.h"
#include "routes_render.h"

const srv_field srv_render_body[] = {
	{ "document", SRV_J_STRING, 1, 12u << 20, "the OFD document, base64" },
	{ "page", SRV_J_INTEGER, 0, 0, "page to draw, 1-based (default 1)" },
	{ "dpi", SRV_J_NUMBER, 0, 0, "resolution in dots per inch (default 96, at most 600)" },
	{ 0 }
};

void srv_h_render(srv_req *r)
{
	const json_t *doc = json_object_get(r->json, "document");
	const json_t *jp = json_object_get(r->json, "page"), *jd = json_object_get(r->json, "dpi");
	json_int_t page = jp ? json_integer_value(jp) : 1;
	double dpi = jd ? json_number_value(jd) : 96;
	eseal_buf raw = ESEAL_BUF_INIT, png = ESEAL_BUF_INIT;
	eseal_ofd *d = NULL;
	if (page < 1 || page > 1000000) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "page must be 1 or more");
		return;
	}
	if (!(dpi >= ESEAL_RENDER_MIN_DPI && dpi <= ESEAL_RENDER_MAX_DPI)) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "dpi must be between %g and %g",
			    ESEAL_RENDER_MIN_DPI, ESEAL_RENDER_MAX_DPI);
		return;
	}
	if (lc_b64_decode(&raw, json_string_value(doc), json_string_length(doc))) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "document is not base64");
		goto out;
	}
	if (raw.len < 4 || memcmp(raw.data, "PK\x03\x04", 4) != 0) {
		srv_problem(r, 400, "invalid-document", "Bad Request", "the document is not an OFD package");
		goto out;
	}
	if (eseal_ofd_open_mem(&d, raw.data, raw.len)) {
		srv_problem(r, 422, "invalid-document", "Unprocessable Content", "%s", eseal_error_last());
		goto out;
	}
	double w_mm, h_mm;
	if (eseal_ofd_render_page(d, (int)page, dpi, &png, &w_mm, &h_mm)) {
		int code = eseal_error_code();
		if (code == ESEAL_EINVAL || code == ESEAL_ELIMIT)
			srv_problem(r, 422, code == ESEAL_ELIMIT ? "too-large" : "no-such-page", "Unprocessable Content",
				    "%s", eseal_error_last());
		else if (code == ESEAL_ENOMEM)
			srv_problem(r, 500, "internal", "Internal Server Error", "%s", eseal_error_last());
		else
			srv_problem(r, 422, "invalid-document", "Unprocessable Content", "%s", eseal_error_last());
		goto out;
	}
	eseal_buf_free(&r->out);
	r->out = png;
	png = (eseal_buf)ESEAL_BUF_INIT;
	r->status = 200;
	r->content_type = "image/png";
	char v[64];
	snprintf(v, sizeof v, "%zu", eseal_ofd_page_count(d));
	srv_add_header(r, "X-Page-Count", v);
	snprintf(v, sizeof v, "%.2f", w_mm);
	srv_add_header(r, "X-Page-Width-Mm", v);
	snprintf(v, sizeof v, "%.2f", h_mm);
	srv_add_header(r, "X-Page-Height-Mm", v);
	/* a preview of someone's document: never kept by a cache */
	srv_add_header(r, "Cache-Control", "no-store");
out:
	eseal_ofd_free(d);
	eseal_buf_free(&raw);
	eseal_buf_free(&png);
}
