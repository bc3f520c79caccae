/*
 * sigs.c - the signature files of an OFD document: Signatures.xml (the list)
 * and each Signature.xml (SignedInfo: provider, method, time, References,
 * StampAnnots, Seal, SignedValue).
 *
 * The raw Signature.xml bytes are kept exactly as read: dataHash covers them,
 * so this file must never re-serialise the XML. A broken Signature.xml makes
 * that one signature's status an error; it never stops the package opening,
 * because a verifier has to report it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofd/ofd_internal.h"

#define MAX_SIGS 1000

static void sig_free(eseal_ofd_sig *s)
{
	free(s->id);
	free(s->type_attr);
	free(s->base_loc);
	free(s->path);
	free(s->relative);
	free(s->error);
	free(s->xml);
	free(s->provider_name);
	free(s->provider_company);
	free(s->provider_version);
	free(s->signature_method);
	free(s->signature_date_time);
	free(s->check_method);
	for (size_t i = 0; i < s->nrefs; i++) {
		free(s->refs[i].file_ref);
		free(s->refs[i].path);
		free(s->refs[i].check_value);
	}
	free(s->refs);
	for (size_t i = 0; i < s->nstamps; i++) {
		free(s->stamps[i].id);
		free(s->stamps[i].page_ref);
	}
	free(s->stamps);
	free(s->seal_path);
	free(s->signed_value);
	free(s->signed_value_path);
}

void ofd_sigs_free(eseal_ofd *d)
{
	for (size_t i = 0; i < d->nsigs; i++)
		sig_free(&d->sigs[i]);
	free(d->sigs);
	free(d->sigs_path);
	free(d->max_sign_id);
}

/* Decodes base64, skipping whitespace; -1 when malformed. */
static int b64_decode(const char *s, uint8_t **out, size_t *outlen)
{
	size_t n = strlen(s), k = 0, pad = 0;
	uint8_t *o = malloc(n / 4 * 3 + 3);
	uint32_t acc = 0;
	int bits = 0;
	if (!o)
		return -1;
	for (; *s; s++) {
		int v;
		char c = *s;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad)
			goto bad; /* data after padding */
		if (c >= 'A' && c <= 'Z') v = c - 'A';
		else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
		else if (c >= '0' && c <= '9') v = c - '0' + 52;
		else if (c == '+' || c == '-') v = 62;
		else if (c == '/' || c == '_') v = 63;
		else goto bad;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (uint8_t)(acc >> bits);
		}
	}
	if (pad > 2 || bits >= 6)
		goto bad;
	*out = o;
	*outlen = k;
	return 0;
bad:
	free(o);
	return -1;
}

static int sig_fail(eseal_ofd_sig *s, int code)
{
	s->status = code;
	free(s->error);
	s->error = strdup(eseal_error_last());
	return code == ESEAL_ENOMEM ? code : 0;
}

static int read_refs(eseal_ofd_sig *s, xmlNodePtr refs)
{
	size_t n = 0;
	for (xmlNodePtr r = ofd_xml_child(refs, "Reference"); r; r = ofd_xml_next(r, "Reference"))
		n++;
	if (n > 2 * ESEAL_OFD_MAX_ENTRIES)
		return eseal_error_set(ESEAL_ELIMIT, "%zu References", n);
	s->refs = calloc(n ? n : 1, sizeof *s->refs);
	if (!s->refs)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (xmlNodePtr r = ofd_xml_child(refs, "Reference"); r; r = ofd_xml_next(r, "Reference")) {
		eseal_ofd_ref *ref = &s->refs[s->nrefs++];
		ref->file_ref = ofd_xml_attr(r, "FileRef");
		if (!ref->file_ref)
			return eseal_error_set(ESEAL_EFORMAT, "Reference %zu has no FileRef", s->nrefs);
		/* FileRef is an absolute container path by the standard; one
		 * written without the leading "/" still means the root. */
		int rc = eseal_ofd_path_resolve(&ref->path, NULL, ref->file_ref);
		if (rc)
			return rc;
		char *cv = ofd_xml_child_text(r, "CheckValue");
		if (cv && b64_decode(cv, &ref->check_value, &ref->check_len) != 0) {
			free(cv);
			return eseal_error_set(ESEAL_EFORMAT, "Reference %s: CheckValue is not base64",
					       ref->file_ref);
		}
		free(cv);
		if (!ref->check_value)
			return eseal_error_set(ESEAL_EFORMAT, "Reference %s has no CheckValue", ref->file_ref);
	}
	return 0;
}

static int read_stamps(eseal_ofd_sig *s, xmlNodePtr info)
{
	size_t n = 0;
	for (xmlNodePtr a = ofd_xml_child(info, "StampAnnot"); a; a = ofd_xml_next(a, "StampAnnot"))
		n++;
	if (n > 100000)
		return eseal_error_set(ESEAL_ELIMIT, "%zu StampAnnots", n);
	s->stamps = calloc(n ? n : 1, sizeof *s->stamps);
	if (!s->stamps)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (xmlNodePtr a = ofd_xml_child(info, "StampAnnot"); a; a = ofd_xml_next(a, "StampAnnot")) {
		eseal_ofd_stamp *st = &s->stamps[s->nstamps++];
		st->id = ofd_xml_attr(a, "ID");
		st->page_ref = ofd_xml_attr(a, "PageRef");
		char *b = ofd_xml_attr(a, "Boundary");
		int bad = !st->page_ref || ofd_box(b, &st->boundary) != 0;
		free(b);
		if (bad)
			return eseal_error_set(ESEAL_EFORMAT, "StampAnnot %s lacks a PageRef or Boundary",
					       st->id ? st->id : "?");
		char *c = ofd_xml_attr(a, "Clip");
		if (c) {
			if (ofd_box(c, &st->clip) != 0) {
				free(c);
				return eseal_error_set(ESEAL_EFORMAT, "StampAnnot %s: bad Clip",
						       st->id ? st->id : "?");
			}
			st->has_clip = 1;
		}
		free(c);
	}
	return 0;
}

/* Parses one Signature.xml into s (s->path already set). */
static int read_signature(eseal_ofd *d, eseal_ofd_sig *s)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = eseal_ofd_read(d, s->path, ESEAL_OFD_MAX_XML, &b);
	if (rc) {
		eseal_buf_free(&b);
		return rc;
	}
	s->xml = malloc(b.len ? b.len : 1);
	if (!s->xml) {
		eseal_buf_free(&b);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	memcpy(s->xml, b.data ? b.data : (uint8_t *)"", b.len);
	s->xml_len = b.len;
	eseal_buf_free(&b);

	xmlDocPtr x;
	if ((rc = ofd_xml_parse(&x, s->xml, s->xml_len, s->path)))
		return rc;
	xmlNodePtr root = xmlDocGetRootElement(x);
	xmlNodePtr info = ofd_xml_child(root, "SignedInfo");
	if (!ofd_xml_is(root, "Signature") || !info) {
		xmlFreeDoc(x);
		return eseal_error_set(ESEAL_EFORMAT, "%s: no Signature/SignedInfo", s->path);
	}
	xmlNodePtr prov = ofd_xml_child(info, "Provider");
	if (prov) {
		s->provider_name = ofd_xml_attr(prov, "ProviderName");
		s->provider_company = ofd_xml_attr(prov, "Company");
		s->provider_version = ofd_xml_attr(prov, "Version");
		/* Some producers wrote these as child elements. */
		if (!s->provider_name)
			s->provider_name = ofd_xml_child_text(prov, "ProviderName");
		if (!s->provider_company)
			s->provider_company = ofd_xml_child_text(prov, "Company");
		if (!s->provider_version)
			s->provider_version = ofd_xml_child_text(prov, "Version");
	}
	s->signature_method = ofd_xml_child_text(info, "SignatureMethod");
	s->signature_date_time = ofd_xml_child_text(info, "SignatureDateTime");
	xmlNodePtr refs = ofd_xml_child(info, "References");
	if (!refs) {
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: no References", s->path);
	} else {
		s->check_method = ofd_xml_attr(refs, "CheckMethod");
		rc = read_refs(s, refs);
	}
	if (rc == 0)
		rc = read_stamps(s, info);
	char *seal = rc == 0 ? ofd_xml_child_text(ofd_xml_child(info, "Seal"), "BaseLoc") : NULL;
	if (seal)
		rc = ofd_locate(d, &s->seal_path, s->path, seal);
	free(seal);
	if (rc == 0) {
		s->signed_value = ofd_xml_child_text(root, "SignedValue");
		if (!s->signed_value || !*s->signed_value)
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: no SignedValue", s->path);
		else
			rc = ofd_locate(d, &s->signed_value_path, s->path, s->signed_value);
	}
	if (rc && rc != ESEAL_ENOMEM)
		eseal_error_wrap("%s: ", s->path);
	xmlFreeDoc(x);
	return rc;
}

int ofd_sigs_read(eseal_ofd *d)
{
	if (!d->sigs_path)
		return 0;
	if (!eseal_ofd_entry_find(d, d->sigs_path))
		return ofd_anomaly(d, "OFD.xml names %s, which is missing", d->sigs_path);
	xmlDocPtr x;
	int rc = ofd_xml_read(&x, d, d->sigs_path);
	if (rc)
		return rc;
	xmlNodePtr root = xmlDocGetRootElement(x);
	if (!ofd_xml_is(root, "Signatures")) {
		xmlFreeDoc(x);
		return eseal_error_set(ESEAL_EFORMAT, "%s: root element is not Signatures", d->sigs_path);
	}
	d->max_sign_id = ofd_xml_child_text(root, "MaxSignId");
	size_t n = 0;
	for (xmlNodePtr s = ofd_xml_child(root, "Signature"); s; s = ofd_xml_next(s, "Signature"))
		n++;
	if (n > MAX_SIGS) {
		xmlFreeDoc(x);
		return eseal_error_set(ESEAL_ELIMIT, "%s: %zu signatures (limit %d)", d->sigs_path, n, MAX_SIGS);
	}
	d->sigs = calloc(n ? n : 1, sizeof *d->sigs);
	if (!d->sigs) {
		xmlFreeDoc(x);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	for (xmlNodePtr e = ofd_xml_child(root, "Signature"); e && rc == 0; e = ofd_xml_next(e, "Signature")) {
		eseal_ofd_sig *s = &d->sigs[d->nsigs++];
		s->id = ofd_xml_attr(e, "ID");
		s->type_attr = ofd_xml_attr(e, "Type");
		s->base_loc = ofd_xml_attr(e, "BaseLoc");
		s->relative = ofd_xml_attr(e, "Relative");
		/* An absent or empty Type means Seal; names are case-insensitive. */
		if (!s->type_attr || !*s->type_attr || strcasecmp(s->type_attr, "Seal") == 0) {
			s->type = ESEAL_OFD_SEAL;
		} else if (strcasecmp(s->type_attr, "Sign") == 0) {
			s->type = ESEAL_OFD_SIGN;
		} else {
			eseal_error_set(ESEAL_EFORMAT, "signature %s: unknown Type \"%s\"",
					s->id ? s->id : "?", s->type_attr);
			rc = sig_fail(s, ESEAL_EFORMAT);
			continue;
		}
		if (!s->id || !s->base_loc) {
			eseal_error_set(ESEAL_EFORMAT, "%s: a Signature lacks ID or BaseLoc", d->sigs_path);
			rc = sig_fail(s, ESEAL_EFORMAT);
			continue;
		}
		/* BaseLoc: absolute, or relative to the Signatures.xml folder. */
		int r = ofd_locate(d, &s->path, d->sigs_path, s->base_loc);
		if (r == 0)
			r = read_signature(d, s);
		if (r)
			rc = sig_fail(s, r);
	}
	xmlFreeDoc(x);
	return rc;
}

const char *eseal_ofd_signatures_path(const eseal_ofd *d) { return d->sigs_path; }
const char *eseal_ofd_max_sign_id(const eseal_ofd *d) { return d->max_sign_id; }
size_t eseal_ofd_sig_count(const eseal_ofd *d) { return d->nsigs; }

const eseal_ofd_sig *eseal_ofd_sig_at(const eseal_ofd *d, size_t i)
{
	return i < d->nsigs ? &d->sigs[i] : NULL;
}

int eseal_ofd_sig_value(const eseal_ofd *d, size_t i, eseal_buf *out)
{
	const eseal_ofd_sig *s = eseal_ofd_sig_at(d, i);
	if (!s)
		return eseal_error_set(ESEAL_EINVAL, "no signature %zu", i);
	if (!s->signed_value_path)
		return eseal_error_set(ESEAL_EFORMAT, "signature %s has no SignedValue",
				       s->id ? s->id : "?");
	/* An SES_Signature carries a seal with its picture; 16 MiB is plenty. */
	return eseal_ofd_read(d, s->signed_value_path, (size_t)16 << 20, out);
}
