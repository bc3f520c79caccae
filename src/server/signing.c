/*
 * signing.c - the centralized signing core: unwraps a seal's server-held
 * key, signs one PDF or OFD document held in memory (the signing
 * libraries work on files, so a private temporary directory holds the
 * input and output for the duration of the call), and verifies documents
 * for the verification service. Never leaves key material or temporary
 * files behind, on success or failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eseal/cms.h"
#include "eseal/ofd.h"
#include "eseal/pdf.h"
#include "eseal/pdfverify.h"
#include "eseal/place.h"
#include "eseal/ses.h"
#include "signing.h"

int sg_signer_load(sg_signer *s, eseal_making *m, const char *esid, const uint8_t *seal_der, size_t seal_len,
		   const uint8_t *cert_der, size_t cert_len, const uint8_t *key_blob, size_t key_len)
{
	char ctx[64];
	eseal_buf pem = ESEAL_BUF_INIT;
	int rc;
	memset(s, 0, sizeof *s);
	if (!m->kek)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "this instance holds no key-encryption key");
	if (!key_blob || !key_len)
		return eseal_error_set(ESEAL_EINVAL, "seal %s has no server-held key", esid);
	snprintf(ctx, sizeof ctx, "seal-key:%s", esid);
	rc = eseal_kek_unwrap(m->kek, ctx, key_blob, key_len, &pem);
	if (!rc)
		rc = eseal_key_from_pem(&s->key, pem.data, pem.len, NULL, 0);
	if (pem.data)
		eseal_wipe(pem.data, pem.len);
	eseal_buf_free(&pem);
	if (!rc)
		rc = eseal_cert_parse(&s->cert, cert_der, cert_len);
	if (!rc)
		rc = eseal_buf_put(&s->seal, seal_der, seal_len);
	if (rc)
		sg_signer_free(s);
	return rc;
}

void sg_signer_free(sg_signer *s)
{
	eseal_key_free(s->key);
	eseal_cert_free(s->cert);
	eseal_buf_free(&s->seal);
	memset(s, 0, sizeof *s);
}

const char *sg_doc_format(const uint8_t *p, size_t n)
{
	if (n >= 4 && !memcmp(p, "PK\x03\x04", 4))
		return "ofd";
	for (size_t i = 0; i + 5 <= n && i < 1024; i++)
		if (!memcmp(p + i, "%PDF-", 5))
			return "pdf";
	return NULL;
}

int sg_placement_check(const json_t *pl)
{
	if (!pl)
		return 0;
	if (!json_is_object(pl))
		return eseal_error_set(ESEAL_EINVAL, "placement must be an object");
	const json_t *at = json_object_get(pl, "at"), *kw = json_object_get(pl, "keyword");
	const json_t *pf = json_object_get(pl, "perforation"), *au = json_object_get(pl, "auto");
	int kinds = !!at + !!kw + !!pf + !!au;
	if (kinds != 1)
		return eseal_error_set(ESEAL_EINVAL, "placement needs exactly one of at, keyword, perforation, auto");
	if (at) {
		json_int_t page = json_integer_value(json_object_get(at, "page"));
		if (!json_is_object(at) || !json_is_integer(json_object_get(at, "page")) || page < 1 ||
		    !json_is_number(json_object_get(at, "x")) || !json_is_number(json_object_get(at, "y")))
			return eseal_error_set(ESEAL_EINVAL, "placement.at needs page (1-based), x and y (mm)");
	} else if (kw) {
		const json_t *occ = json_object_get(pl, "occurrence");
		if (!json_is_string(kw) || !json_string_length(kw) || json_string_length(kw) > 200)
			return eseal_error_set(ESEAL_EINVAL, "placement.keyword must be a non-empty string");
		if (occ && (!json_is_integer(occ) || json_integer_value(occ) < 0))
			return eseal_error_set(ESEAL_EINVAL, "placement.occurrence must be a number >= 0");
	} else if (pf) {
		const char *side = json_string_value(pf);
		if (!side || (strcmp(side, "right") && strcmp(side, "left")))
			return eseal_error_set(ESEAL_EINVAL, "placement.perforation must be right or left");
	} else if (!json_is_true(au)) {
		return eseal_error_set(ESEAL_EINVAL, "placement.auto must be true");
	}
	return 0;
}

/* The text layout of a document in memory (automatic placement). */
static int doc_text(const uint8_t *p, size_t n, int is_pdf, eseal_text_doc **out)
{
	int rc;
	*out = NULL;
	if (is_pdf) {
		eseal_pdf *d;
		if ((rc = eseal_pdf_open(&d, p, n)))
			return rc;
		rc = eseal_pdf_text(out, d);
		eseal_pdf_free(d);
		return rc;
	}
	eseal_ofd *o;
	if ((rc = eseal_ofd_open_mem(&o, p, n)))
		return rc;
	rc = eseal_ofd_text(out, o);
	eseal_ofd_free(o);
	return rc;
}

/* Asks the placement engine where a seal of this kind goes. */
static int auto_place(const sg_signer *s, const uint8_t *doc, size_t n, int is_pdf, eseal_placement *out)
{
	eseal_text_doc *td = NULL;
	eseal_place_result res;
	unsigned types = 0;
	const char *tname = lc_seal_type_name(s->type);
	if (!tname || eseal_seal_types_parse(tname, &types) || !types)
		types = ESEAL_SEAL_OFFICIAL;
	int rc = doc_text(doc, n, is_pdf, &td);
	if (rc)
		return rc;
	eseal_place_request req = { s->org_name, types, NULL, 0 };
	rc = eseal_place_propose(td, &req, &res);
	eseal_text_doc_free(td);
	if (rc)
		return rc;
	rc = eseal_error_set(ESEAL_ENOTFOUND, "automatic placement found no place for the seal");
	for (size_t i = 0; i < res.n; i++)
		if (!res.items[i].perforation) {
			out->kind = ESEAL_PLACE_AT;
			out->page = res.items[i].page;
			out->x = res.items[i].x;
			out->y = res.items[i].y;
			rc = 0;
			break;
		}
	eseal_place_result_free(&res);
	return rc;
}

int sg_sign_doc(const sg_signer *s, const uint8_t *doc, size_t n, const json_t *pl, const char *pdf_format,
		time_t when, eseal_buf *out)
{
	const char *fmt = sg_doc_format(doc, n);
	if (!fmt)
		return eseal_error_set(ESEAL_EFORMAT, "the document is neither a PDF nor an OFD");
	int is_pdf = !strcmp(fmt, "pdf");
	eseal_placement place;
	memset(&place, 0, sizeof place);
	size_t nplaces = 0;
	int rc = 0;
	if (pl) {
		const json_t *at = json_object_get(pl, "at"), *kw = json_object_get(pl, "keyword");
		const json_t *pf = json_object_get(pl, "perforation");
		nplaces = 1;
		if (at) {
			place.kind = ESEAL_PLACE_AT;
			place.page = (int)json_integer_value(json_object_get(at, "page"));
			place.x = json_number_value(json_object_get(at, "x"));
			place.y = json_number_value(json_object_get(at, "y"));
		} else if (kw) {
			place.kind = ESEAL_PLACE_KEYWORD;
			place.keyword = json_string_value(kw);
			place.occurrence = (int)json_integer_value(json_object_get(pl, "occurrence"));
			if (!json_object_get(pl, "occurrence"))
				place.occurrence = 1;
		} else if (pf) {
			place.kind = ESEAL_PLACE_PERFORATION;
			place.side = !strcmp(json_string_value(pf), "left") ? ESEAL_SIDE_LEFT : ESEAL_SIDE_RIGHT;
		} else {
			rc = auto_place(s, doc, n, is_pdf, &place);
		}
	}
	if (rc)
		return rc;
	const char *tmp = getenv("TMPDIR");
	char dir[512], in[600], outp[600];
	snprintf(dir, sizeof dir, "%s/eseal-sign-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return eseal_error_set(ESEAL_EIO, "cannot create a temporary directory");
	snprintf(in, sizeof in, "%s/in.%s", dir, fmt);
	snprintf(outp, sizeof outp, "%s/out.%s", dir, fmt);
	rc = eseal_file_write_atomic(in, doc, n, 0600);
	if (!rc && is_pdf) {
		eseal_pdf_sign_opts o;
		memset(&o, 0, sizeof o);
		o.format = pdf_format && !strcmp(pdf_format, "ses") ? ESEAL_PDF_SES : ESEAL_PDF_CMS_SM2;
		o.seal = s->seal.data;
		o.seal_len = s->seal.len;
		o.signer = s->cert;
		o.key = s->key;
		o.places = nplaces ? &place : NULL;
		o.nplaces = nplaces;
		o.when = when;
		rc = eseal_pdf_sign(in, outp, &o, NULL);
	} else if (!rc) {
		eseal_ofd_sign_opts o;
		memset(&o, 0, sizeof o);
		o.seal = s->seal.data;
		o.seal_len = s->seal.len;
		o.signer = s->cert;
		o.key = s->key;
		o.places = nplaces ? &place : NULL;
		o.nplaces = nplaces;
		o.when = when;
		rc = eseal_ofd_sign(in, outp, &o, NULL);
	}
	if (!rc)
		rc = eseal_file_read(out, outp, 256u << 20);
	unlink(in);
	unlink(outp);
	rmdir(dir);
	return rc;
}

int sg_sign_hash(const sg_signer *s, const uint8_t digest[32], const char *form, time_t when, eseal_buf *out)
{
	if (!strcmp(form, "ses"))
		return eseal_sessig_make(out, s->seal.data, s->seal.len, s->cert, s->key, when, digest, NULL);
	if (strcmp(form, "cms"))
		return eseal_error_set(ESEAL_EINVAL, "form must be ses or cms");
	eseal_cms_sign_opts o;
	memset(&o, 0, sizeof o);
	o.profile = ESEAL_CMS_GM;
	o.signer = s->cert;
	o.key = s->key;
	o.signing_time = when;
	return eseal_cms_sign_detached(out, &o, digest, 32);
}

int sg_verify_doc(const uint8_t *doc, size_t n, const eseal_cert *const *anchors, size_t nanchors,
		  const uint8_t *srl_der,
		  size_t srl_len, eseal_report **out)
{
	const char *fmt = sg_doc_format(doc, n);
	*out = NULL;
	if (!fmt)
		return eseal_error_set(ESEAL_EFORMAT, "the document is neither a PDF nor an OFD");
	eseal_trust *trust = NULL;
	eseal_status_source *src = NULL;
	int rc = eseal_trust_new(&trust);
	for (size_t i = 0; !rc && i < nanchors; i++)
		if (anchors[i])
			rc = eseal_trust_add_cert(trust, anchors[i]);
	if (!rc && srl_der && srl_len) {
		rc = eseal_status_source_new(&src, trust);
		if (!rc)
			rc = eseal_status_source_add_list(src, srl_der, srl_len);
	}
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600];
	snprintf(dir, sizeof dir, "%s/eseal-verify-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!rc && !mkdtemp(dir))
		rc = eseal_error_set(ESEAL_EIO, "cannot create a temporary directory");
	else if (!rc) {
		snprintf(path, sizeof path, "%s/doc.%s", dir, fmt);
		rc = eseal_file_write_atomic(path, doc, n, 0600);
		if (!rc)
			rc = !strcmp(fmt, "pdf") ? eseal_pdf_verify(path, trust, out) : eseal_ofd_verify(path, trust, out);
		unlink(path);
		rmdir(dir);
	}
	if (!rc && src)
		rc = eseal_status_check_report(src, *out);
	if (rc) {
		eseal_report_free(*out);
		*out = NULL;
	}
	eseal_status_source_free(src);
	eseal_trust_free(trust);
	return rc;
}
