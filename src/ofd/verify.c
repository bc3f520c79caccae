/*
 * verify.c - verifies every signature of an OFD document into a report:
 * package integrity, the References, files not covered, the SES signature
 * (through eseal_sessig_verify) or the CMS signature (Type="Sign"), the
 * Seal.esl copy and annotations on signed pages (design.md §4).
 * This file must never pass a signature whose References were not all
 * recomputed from the bytes in the package, and never trust a path it did
 * not resolve canonically.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/ses.h"
#include "ofd/ofd_internal.h"
#include "ofd/sign_internal.h"

/* A growing list of short strings, joined for facts and messages. */
typedef struct {
	eseal_buf b;
	size_t n;
} name_list;

static void list_add(name_list *l, const char *s)
{
	if (l->n++)
		eseal_buf_puts(&l->b, ", ");
	eseal_buf_puts(&l->b, s);
	eseal_buf_cstr(&l->b);
}

static const char *list_str(name_list *l)
{
	if (!l->b.data)
		return "";
	return (const char *)l->b.data;
}

static int ref_covers(const eseal_ofd_sig *s, const char *path)
{
	for (size_t i = 0; i < s->nrefs; i++)
		if (s->refs[i].path && !strcmp(s->refs[i].path, path))
			return 1;
	return 0;
}

static int in_folder(const char *path, const char *file_in_folder)
{
	const char *slash = file_in_folder ? strrchr(file_in_folder, '/') : NULL;
	if (!slash)
		return 0;
	size_t n = (size_t)(slash - file_in_folder) + 1;
	return n > 1 && !strncmp(path, file_in_folder, n);
}

static int has_dotdot(const char *ref)
{
	const char *p = ref;
	while ((p = strstr(p, "..")) != NULL) {
		int start = p == ref || p[-1] == '/' || p[-1] == '\\';
		int end = p[2] == 0 || p[2] == '/' || p[2] == '\\';
		if (start && end)
			return 1;
		p += 2;
	}
	return 0;
}

static void check_package(const eseal_ofd *d, eseal_report_item *it)
{
	size_t n = eseal_ofd_anomaly_count(d);
	if (n == 0) {
		eseal_item_check(it, "package_integrity", ESEAL_CHECK_PASSED, NULL,
				 "zip container read strictly: no duplicate names, headers consistent");
		return;
	}
	name_list l = { ESEAL_BUF_INIT, 0 };
	for (size_t i = 0; i < n; i++)
		list_add(&l, eseal_ofd_anomaly(d, i));
	eseal_item_check(it, "package_integrity", ESEAL_CHECK_WARNING, NULL,
			 "package anomalies: %s", list_str(&l));
	eseal_buf_free(&l.b);
}

/* Recomputes every Reference. */
static void check_refs(const eseal_ofd *d, const eseal_ofd_sig *s, eseal_report_item *it)
{
	ofd_digest_alg alg = ofd_digest_alg_of(s->check_method);
	if (!alg) {
		eseal_item_check(it, "references", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "unknown CheckMethod '%s'", s->check_method);
		return;
	}
	name_list bad = { ESEAL_BUF_INIT, 0 }, odd = { ESEAL_BUF_INIT, 0 }, missing = { ESEAL_BUF_INIT, 0 };
	size_t ok = 0, ne = 0;
	/* the referenced entries, digested together (two threads when large) */
	const eseal_ofd_entry **es = calloc(s->nrefs ? s->nrefs : 1, sizeof *es);
	uint8_t (*dgs)[64] = calloc(s->nrefs ? s->nrefs : 1, sizeof *dgs);
	int *rcs = calloc(s->nrefs ? s->nrefs : 1, sizeof *rcs);
	size_t *at = calloc(s->nrefs ? s->nrefs : 1, sizeof *at); /* ref -> es index + 1 */
	if (!es || !dgs || !rcs || !at) {
		free(es), free(dgs), free(rcs), free(at);
		eseal_item_check(it, "references", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "out of memory");
		return;
	}
	for (size_t i = 0; i < s->nrefs; i++) {
		const eseal_ofd_ref *r = &s->refs[i];
		if (!r->path || has_dotdot(r->file_ref) || r->file_ref[0] != '/') {
			list_add(&odd, r->file_ref);
			continue;
		}
		const eseal_ofd_entry *e = eseal_ofd_entry_find(d, r->path);
		if (!e || e->is_dir) {
			list_add(&missing, r->path);
			continue;
		}
		es[ne++] = e;
		at[i] = ne;
	}
	(void)ofd_digest_entries(d, es, ne, alg, dgs, rcs);
	for (size_t i = 0; i < s->nrefs; i++) {
		const eseal_ofd_ref *r = &s->refs[i];
		if (!at[i])
			continue;
		size_t k = at[i] - 1;
		if (rcs[k] != 0 || r->check_len != ofd_digest_len(alg) ||
		    memcmp(dgs[k], r->check_value, r->check_len) != 0)
			list_add(&bad, r->path);
		else
			ok++;
	}
	free(es);
	free(at);
	free(dgs);
	free(rcs);
	if (odd.n)
		eseal_item_check(it, "references", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "FileRef not an absolute canonical path (\"..\" or relative): %s", list_str(&odd));
	else if (bad.n || missing.n) {
		char extra[64] = "";
		if (missing.n)
			snprintf(extra, sizeof extra, "%s%zu missing", bad.n ? "; " : "", missing.n);
		eseal_item_check(it, "references", ESEAL_CHECK_FAILED, ESEAL_SUB_HASH_FAILURE,
				 "digest mismatch: %s%s%s%s", list_str(&bad), extra,
				 missing.n ? ": " : "", list_str(&missing));
	} else if (s->nrefs == 0)
		eseal_item_check(it, "references", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "the signature protects no file");
	else if (alg != OFD_DG_SM3)
		eseal_item_check(it, "references", ESEAL_CHECK_WARNING, NULL,
				 "%zu file digests match, but CheckMethod %s is a weak or non-GM algorithm",
				 ok, s->check_method);
	else
		eseal_item_check(it, "references", ESEAL_CHECK_PASSED, NULL,
				 "%zu file digests (SM3, CheckMethod %s) match", ok,
				 s->check_method ? s->check_method : "absent");
	eseal_buf_free(&bad.b);
	eseal_buf_free(&odd.b);
	eseal_buf_free(&missing.b);
}

/* Annotation files named by Annotations.xml, by page ID. */
typedef struct {
	char *page_id;
	char *path;
} annot_file;

static void annots_read(const eseal_ofd *d, annot_file **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const char *ap = eseal_ofd_annotations_path(d);
	xmlDocPtr doc = NULL;
	if (!ap || ofd_xml_read(&doc, d, ap) != 0)
		return;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	for (xmlNodePtr p = root ? ofd_xml_child(root, "Page") : NULL; p; p = ofd_xml_next(p, "Page")) {
		char *id = ofd_xml_attr(p, "PageID");
		char *loc = ofd_xml_child_text(p, "FileLoc");
		char *path = NULL;
		annot_file *v = NULL;
		if (loc && eseal_ofd_path_resolve(&path, ap, loc) == 0 &&
		    (v = realloc(*out, (*n + 1) * sizeof *v))) {
			*out = v;
			v[*n].page_id = id;
			v[*n].path = path;
			(*n)++;
			id = NULL;
			path = NULL;
		}
		free(id);
		free(loc);
		free(path);
	}
	xmlFreeDoc(doc);
}

static int is_annot_file(const eseal_ofd *d, const annot_file *a, size_t na, const char *path)
{
	const char *ap = eseal_ofd_annotations_path(d);
	if (ap && !strcmp(ap, path))
		return 1;
	for (size_t i = 0; i < na; i++)
		if (!strcmp(a[i].path, path))
			return 1;
	return 0;
}

/* Every file must be covered except the signature files themselves. */
static void check_uncovered(const eseal_ofd *d, size_t si, const annot_file *a, size_t na,
			    eseal_report_item *it)
{
	const eseal_ofd_sig *s = eseal_ofd_sig_at(d, si);
	const char *sp = eseal_ofd_signatures_path(d);
	name_list bad = { ESEAL_BUF_INIT, 0 }, extra = { ESEAL_BUF_INIT, 0 };
	for (size_t i = 0; i < eseal_ofd_entry_count(d); i++) {
		const eseal_ofd_entry *e = eseal_ofd_entry_at(d, i);
		if (e->is_dir || ref_covers(s, e->path))
			continue;
		if (!strcmp(e->path, "/OFD.xml") || (sp && !strcmp(e->path, sp)) ||
		    (s->path && !strcmp(e->path, s->path)) ||
		    (s->signed_value_path && !strcmp(e->path, s->signed_value_path)))
			continue;
		int sigfile = 0, sigfolder = 0;
		for (size_t k = 0; k < eseal_ofd_sig_count(d); k++) {
			const eseal_ofd_sig *t = eseal_ofd_sig_at(d, k);
			if ((t->path && !strcmp(e->path, t->path)) ||
			    (t->signed_value_path && !strcmp(e->path, t->signed_value_path)) ||
			    (t->seal_path && !strcmp(e->path, t->seal_path)))
				sigfile = 1;
			if (in_folder(e->path, t->path))
				sigfolder = 1;
		}
		if (sigfile || is_annot_file(d, a, na, e->path))
			continue; /* other signatures' files; annotations are reported apart */
		if (sigfolder)
			list_add(&extra, e->path);
		else
			list_add(&bad, e->path);
	}
	if (bad.n)
		eseal_item_check(it, "uncovered_files", ESEAL_CHECK_FAILED, ESEAL_SUB_UNCOVERED_CONTENT,
				 "%zu file(s) not protected by the signature: %s", bad.n, list_str(&bad));
	else if (extra.n)
		eseal_item_check(it, "uncovered_files", ESEAL_CHECK_WARNING, NULL,
				 "extra files in signature folders not protected: %s", list_str(&extra));
	else
		eseal_item_check(it, "uncovered_files", ESEAL_CHECK_PASSED, NULL,
				 "every document file is protected");
	eseal_buf_free(&bad.b);
	eseal_buf_free(&extra.b);
}

static void check_annotations(const eseal_ofd *d, const eseal_ofd_sig *s, const annot_file *a,
			      size_t na, eseal_report_item *it)
{
	name_list l = { ESEAL_BUF_INIT, 0 };
	for (size_t i = 0; i < na; i++) {
		const eseal_ofd_page *pg = a[i].page_id ? eseal_ofd_page_by_id(d, a[i].page_id) : NULL;
		if (!pg || !pg->path || !ref_covers(s, pg->path))
			continue; /* not a signed page */
		if (ref_covers(s, a[i].path))
			continue;
		char buf[64];
		snprintf(buf, sizeof buf, "page %d", pg->index);
		list_add(&l, buf);
	}
	if (l.n)
		eseal_item_check(it, "annotations", ESEAL_CHECK_WARNING, NULL,
				 "annotations not covered by the signature on signed pages: %s", list_str(&l));
	else if (na)
		eseal_item_check(it, "annotations", ESEAL_CHECK_PASSED, NULL,
				 "annotations on signed pages are protected");
	eseal_buf_free(&l.b);
}

static void check_seal_file(const eseal_ofd *d, const eseal_ofd_sig *s, const eseal_sessig *g,
			    eseal_report_item *it)
{
	if (!s->seal_path) {
		eseal_item_check(it, "seal_file_match", ESEAL_CHECK_SKIPPED, NULL,
				 "no Seal/BaseLoc: the seal is only inside SignedValue.dat");
		return;
	}
	eseal_buf b = ESEAL_BUF_INIT;
	size_t len = 0;
	const uint8_t *der = eseal_sessig_seal_der(g, &len);
	if (eseal_ofd_read(d, s->seal_path, 16u << 20, &b) != 0)
		eseal_item_check(it, "seal_file_match", ESEAL_CHECK_FAILED, ESEAL_SUB_SEAL_MISMATCH,
				 "%s cannot be read: %s", s->seal_path, eseal_error_last());
	else if (b.len < len || memcmp(b.data, der, len) != 0)
		eseal_item_check(it, "seal_file_match", ESEAL_CHECK_FAILED, ESEAL_SUB_SEAL_MISMATCH,
				 "%s differs from the seal inside the signature", s->seal_path);
	else
		eseal_item_check(it, "seal_file_match", ESEAL_CHECK_PASSED, NULL,
				 "%s equals the seal inside the signature", s->seal_path);
	eseal_buf_free(&b);
}

static void sig_facts(const eseal_ofd *d, const eseal_ofd_sig *s, eseal_report_item *it)
{
	eseal_item_fact(it, "signature_id", "%s", s->id ? s->id : "");
	eseal_item_fact(it, "type", "%s", s->type == ESEAL_OFD_SIGN ? "Sign" : "Seal");
	if (s->path)
		eseal_item_fact(it, "signature_file", "%s", s->path);
	if (s->status)
		return;
	if (s->provider_name)
		eseal_item_fact(it, "provider", "%s%s%s%s%s", s->provider_name,
				s->provider_company ? " / " : "", s->provider_company ? s->provider_company : "",
				s->provider_version ? " " : "", s->provider_version ? s->provider_version : "");
	if (s->signature_date_time)
		eseal_item_fact(it, "signature_date_time", "%s", s->signature_date_time);
	if (s->signature_method)
		eseal_item_fact(it, "sign_method", "%s", s->signature_method);
	eseal_item_fact(it, "digest_method", "%s", s->check_method ? s->check_method : "(absent: SM3)");
	name_list files = { ESEAL_BUF_INIT, 0 };
	for (size_t i = 0; i < s->nrefs; i++)
		list_add(&files, s->refs[i].path ? s->refs[i].path : s->refs[i].file_ref);
	eseal_item_fact(it, "protected", "%zu files", s->nrefs);
	eseal_item_fact(it, "protected_files", "%s", list_str(&files));
	eseal_buf_free(&files.b);
	if (s->nstamps == 0) {
		eseal_item_fact(it, "position", "invisible (no StampAnnot)");
		return;
	}
	name_list pages = { ESEAL_BUF_INIT, 0 }, pos = { ESEAL_BUF_INIT, 0 };
	for (size_t i = 0; i < s->nstamps; i++) {
		const eseal_ofd_stamp *st = &s->stamps[i];
		const eseal_ofd_page *pg = st->page_ref ? eseal_ofd_page_by_id(d, st->page_ref) : NULL;
		char a[32], b[32], c[32], e[32], buf[256];
		snprintf(buf, sizeof buf, "%d (ID %s)", pg ? pg->index : 0, st->page_ref ? st->page_ref : "?");
		list_add(&pages, buf);
		ofd_fmt_mm(a, st->boundary.x);
		ofd_fmt_mm(b, st->boundary.y);
		ofd_fmt_mm(c, st->boundary.w);
		ofd_fmt_mm(e, st->boundary.h);
		int k = snprintf(buf, sizeof buf, "page %d: x %s y %s w %s h %s mm", pg ? pg->index : 0, a, b, c, e);
		if (st->has_clip && k > 0 && (size_t)k < sizeof buf) {
			ofd_fmt_mm(a, st->clip.x);
			ofd_fmt_mm(c, st->clip.w);
			snprintf(buf + k, sizeof buf - (size_t)k, " (slice x %s w %s)", a, c);
		}
		list_add(&pos, buf);
	}
	eseal_item_fact(it, "page", "%s", list_str(&pages));
	eseal_item_fact(it, "position", "%s", list_str(&pos));
	eseal_buf_free(&pages.b);
	eseal_buf_free(&pos.b);
}

static void check_stamps(const eseal_ofd *d, const eseal_ofd_sig *s, eseal_report_item *it)
{
	for (size_t i = 0; i < s->nstamps; i++)
		if (!s->stamps[i].page_ref || !eseal_ofd_page_by_id(d, s->stamps[i].page_ref)) {
			eseal_item_check(it, "stamp_pages", ESEAL_CHECK_WARNING, NULL,
					 "StampAnnot %s refers to page ID %s, which does not exist",
					 s->stamps[i].id ? s->stamps[i].id : "?",
					 s->stamps[i].page_ref ? s->stamps[i].page_ref : "?");
			return;
		}
}

static void verify_one(const eseal_ofd *d, size_t si, const annot_file *a, size_t na,
		       const eseal_trust *trust, eseal_report_item *it)
{
	const eseal_ofd_sig *s = eseal_ofd_sig_at(d, si);
	sig_facts(d, s, it);
	check_package(d, it);
	if (s->status) {
		eseal_item_check(it, "format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "Signature.xml cannot be used: %s", s->error ? s->error : eseal_strerror(s->status));
		return;
	}
	eseal_buf v = ESEAL_BUF_INIT;
	eseal_sessig *g = NULL;
	int vrc = eseal_ofd_sig_value(d, si, &v);
	int prc = -1;
	if (vrc == 0 && s->type == ESEAL_OFD_SEAL)
		prc = eseal_sessig_parse(&g, v.data, v.len);
	if (g)
		check_seal_file(d, s, g, it);
	check_refs(d, s, it);
	check_uncovered(d, si, a, na, it);
	if (vrc != 0) {
		eseal_item_check(it, "format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "SignedValue cannot be read: %s", eseal_error_last());
	} else if (s->type == ESEAL_OFD_SIGN) {
		ofd_verify_cms(v.data, v.len, s->xml, s->xml_len, trust, it);
	} else if (prc != 0) {
		eseal_item_check(it, "format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "SignedValue.dat is not a SES_Signature: %s", eseal_error_last());
	} else {
		uint8_t h[32];
		eseal_sm3(h, s->xml, s->xml_len);
		eseal_sessig_verify(g, h, sizeof h, trust, it);
		const char *prop = eseal_sessig_property(g);
		if (prop && s->path && strcmp(prop, s->path) && !(prop[0] != '/' && !strcmp(prop, s->path + 1)))
			eseal_item_check(it, "property_info", ESEAL_CHECK_WARNING, NULL,
					 "propertyInfo '%s' is not the Signature.xml path %s", prop, s->path);
	}
	check_stamps(d, s, it);
	check_annotations(d, s, a, na, it);
	eseal_sessig_free(g);
	eseal_buf_free(&v);
}

int eseal_ofd_verify(const char *path, const eseal_trust *trust, eseal_report **out)
{
	*out = NULL;
	const char *base = strrchr(path, '/');
	eseal_report *r = NULL;
	int rc = eseal_report_new(&r, "ofd", base ? base + 1 : path);
	if (rc)
		return rc;
	eseal_ofd *d = NULL;
	rc = eseal_ofd_open(&d, path);
	if (rc == ESEAL_EIO || rc == ESEAL_ENOMEM || rc == ESEAL_ENOTFOUND) {
		eseal_report_free(r);
		return rc;
	}
	if (rc) {
		eseal_report_item *it = eseal_report_add(r, "package");
		if (!it) {
			eseal_report_free(r);
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		}
		eseal_item_check(it, "package_integrity", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "the package cannot be opened safely: %s", eseal_error_last());
		eseal_item_conclude(it);
		*out = r;
		return 0;
	}
	eseal_report_fact(r, "format", "OFD");
	eseal_report_fact(r, "pages", "%zu", eseal_ofd_page_count(d));
	eseal_report_fact(r, "signatures", "%zu", eseal_ofd_sig_count(d));
	for (size_t i = 0; i < eseal_ofd_anomaly_count(d); i++)
		eseal_report_warning(r, "%s", eseal_ofd_anomaly(d, i));
	annot_file *a = NULL;
	size_t na = 0;
	annots_read(d, &a, &na);
	for (size_t i = 0; i < eseal_ofd_sig_count(d); i++) {
		const eseal_ofd_sig *s = eseal_ofd_sig_at(d, i);
		char id[160];
		snprintf(id, sizeof id, "signature %s", s->id ? s->id : "?");
		eseal_report_item *it = eseal_report_add(r, id);
		if (!it) {
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			break;
		}
		verify_one(d, i, a, na, trust, it);
		eseal_item_conclude(it);
	}
	for (size_t i = 0; i < na; i++) {
		free(a[i].page_id);
		free(a[i].path);
	}
	free(a);
	eseal_ofd_free(d);
	if (rc) {
		eseal_report_free(r);
		return rc;
	}
	*out = r;
	return 0;
}
