/*
 * doc.c - opening a package and reading its document model: OFD.xml, then
 * DocBody/DocRoot (Document.xml), CommonData (page area, templates) and the
 * page list with each page's ID, Content.xml path and physical size.
 *
 * Only the first DocBody is read (the others are reported as an anomaly).
 * A page whose Content.xml is missing or broken does not stop the document
 * from opening: a verifier must still be able to report on it. Paths are
 * always resolved through path.c, never concatenated by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "ofd/ofd_internal.h"

#define MAX_PAGES 100000
#define MAX_TPLS 1000
#define MAX_PAGE_TPLS 16

static void page_free(eseal_ofd_page *p)
{
	free((char *)p->id);
	free((char *)p->path);
}

void eseal_ofd_free(eseal_ofd *d)
{
	if (!d)
		return;
	ofd_sigs_free(d);
	for (size_t i = 0; i < d->npages; i++) {
		page_free(&d->pages[i]);
		free(d->page_tpls[i]);
	}
	free(d->pages);
	free(d->pages_by_id);
	free(d->page_tpls);
	for (size_t i = 0; i < d->ntpls; i++) {
		free(d->tpls[i].id);
		free(d->tpls[i].path);
	}
	free(d->tpls);
	free(d->doc_root);
	free(d->annots_path);
	ofd_res_free(d);
	ofd_annots_free(d);
	ofd_zip_close(d);
	free(d);
}

/* When a referenced path is missing but one entry matches it ignoring case
 * (producers on Windows write "TPLS/..." for "Tpls/..."), use that entry
 * and report it. Only for reading the document structure: signature
 * References are always matched exactly. */
static int fix_case(eseal_ofd *d, char **path)
{
	if (eseal_ofd_entry_find(d, *path))
		return 0;
	const eseal_ofd_entry *hit = ofd_entry_find_ci(d, *path);
	if (!hit)
		return 0;
	int rc = ofd_anomaly(d, "%s is spelled %s in the package", *path, hit->path);
	char *n = strdup(hit->path);
	if (!n)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	free(*path);
	*path = n;
	return rc;
}

int ofd_locate(eseal_ofd *d, char **out, const char *from, const char *ref)
{
	int rc = eseal_ofd_path_resolve(out, from, ref);
	if (rc || eseal_ofd_entry_find(d, *out))
		return rc;
	/* Some producers write root-relative paths without the leading "/"
	 * ("Doc_0/Pages/..." inside Doc_0/Document.xml). */
	const char *r = ref + strspn(ref, " \t\r\n");
	char *alt = NULL;
	if (from && *r != '/' && *r != '\\' && eseal_ofd_path_resolve(&alt, NULL, ref) == 0 &&
	    eseal_ofd_entry_find(d, alt)) {
		rc = ofd_anomaly(d, "\"%s\" in %s is relative to the package root, not to its folder",
				 r, from);
		free(*out);
		*out = alt;
		return rc;
	}
	free(alt);
	return fix_case(d, out);
}

/* Reads a page's own Area/PhysicalBox and Template references. */
static int page_scan(eseal_ofd *d, size_t i)
{
	eseal_ofd_page *p = &d->pages[i];
	xmlDocPtr x;
	p->physical = d->default_box;
	if (!eseal_ofd_entry_find(d, p->path))
		return ofd_anomaly(d, "page %d (ID %s): %s is missing", p->index, p->id, p->path);
	int rc = ofd_xml_read(&x, d, p->path);
	if (rc) {
		if (rc == ESEAL_ENOMEM)
			return rc;
		return ofd_anomaly(d, "page %d (ID %s): %s", p->index, p->id, eseal_error_last());
	}
	xmlNodePtr root = xmlDocGetRootElement(x);
	char *s = ofd_xml_child_text(ofd_xml_child(root, "Area"), "PhysicalBox");
	if (s && (ofd_box(s, &p->physical) != 0 || p->physical.w <= 0 || p->physical.h <= 0)) {
		p->physical = d->default_box;
		rc = ofd_anomaly(d, "page %d (ID %s): bad PhysicalBox \"%s\"", p->index, p->id, s);
	}
	free(s);
	eseal_buf ids = ESEAL_BUF_INIT;
	int ntpl = 0;
	for (xmlNodePtr t = ofd_xml_child(root, "Template"); t && rc == 0; t = ofd_xml_next(t, "Template")) {
		/* Each template is parsed again for every page that uses it. */
		if (++ntpl > MAX_PAGE_TPLS) {
			rc = ofd_anomaly(d, "page %d (ID %s): more than %d templates, the rest ignored",
					 p->index, p->id, MAX_PAGE_TPLS);
			break;
		}
		char *id = ofd_xml_attr(t, "TemplateID");
		if (id && *id) {
			if (ids.len)
				rc = eseal_buf_putc(&ids, ' ');
			if (rc == 0)
				rc = eseal_buf_puts(&ids, id);
		}
		free(id);
	}
	if (rc == 0 && ids.len) {
		rc = eseal_buf_cstr(&ids);
		if (rc == 0) {
			d->page_tpls[i] = (char *)ids.data;
			ids.data = NULL;
		}
	}
	eseal_buf_free(&ids);
	xmlFreeDoc(x);
	return rc;
}

static int cmp_page_id(const void *a, const void *b, void *ctx)
{
	const eseal_ofd *d = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(d->pages[x].id, d->pages[y].id);
	return c ? c : (x > y) - (x < y);
}

/* Sorts the pages by ID for lookups; two pages with one ID make every
 * StampAnnot PageRef to it ambiguous, which a verifier must hear about. */
static int index_pages(eseal_ofd *d)
{
	int rc = 0;
	d->pages_by_id = malloc((d->npages ? d->npages : 1) * sizeof *d->pages_by_id);
	if (!d->pages_by_id)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (size_t i = 0; i < d->npages; i++)
		d->pages_by_id[i] = i;
	qsort_r(d->pages_by_id, d->npages, sizeof *d->pages_by_id, cmp_page_id, d);
	for (size_t i = 1; i < d->npages && rc == 0; i++) {
		const eseal_ofd_page *a = &d->pages[d->pages_by_id[i - 1]], *b = &d->pages[d->pages_by_id[i]];
		if (strcmp(a->id, b->id) == 0)
			rc = ofd_anomaly(d, "pages %d and %d have the same ID \"%s\"", a->index, b->index, a->id);
	}
	return rc;
}

static int read_document(eseal_ofd *d)
{
	xmlDocPtr x;
	int rc = ofd_xml_read(&x, d, d->doc_root);
	if (rc)
		return rc;
	xmlNodePtr root = xmlDocGetRootElement(x);
	if (!ofd_xml_is(root, "Document")) {
		xmlFreeDoc(x);
		return eseal_error_set(ESEAL_EFORMAT, "%s: root element is not Document", d->doc_root);
	}
	xmlNodePtr common = ofd_xml_child(root, "CommonData");
	char *s = ofd_xml_child_text(ofd_xml_child(common, "PageArea"), "PhysicalBox");
	d->default_box = (eseal_box){ 0, 0, 210, 297 };
	if (!s || ofd_box(s, &d->default_box) != 0 || d->default_box.w <= 0 || d->default_box.h <= 0) {
		d->default_box = (eseal_box){ 0, 0, 210, 297 };
		rc = ofd_anomaly(d, "%s: no usable CommonData/PageArea/PhysicalBox, A4 assumed", d->doc_root);
	}
	free(s);

	for (xmlNodePtr t = ofd_xml_child(common, "TemplatePage"); t && rc == 0;
	     t = ofd_xml_next(t, "TemplatePage")) {
		if (d->ntpls >= MAX_TPLS) {
			rc = eseal_error_set(ESEAL_ELIMIT, "%s: more than %d templates", d->doc_root, MAX_TPLS);
			break;
		}
		char *id = ofd_xml_attr(t, "ID"), *loc = ofd_xml_attr(t, "BaseLoc"), *path = NULL;
		if (!id || !loc || ofd_locate(d, &path, d->doc_root, loc)) {
			rc = ofd_anomaly(d, "%s: TemplatePage without a usable ID or BaseLoc", d->doc_root);
		} else {
			if (!eseal_ofd_entry_find(d, path))
				rc = ofd_anomaly(d, "template %s: %s is missing", id, path);
			struct ofd_tpl *n = realloc(d->tpls, (d->ntpls + 1) * sizeof *n);
			if (!n) {
				rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			} else {
				d->tpls = n;
			}
			if (n && rc == 0) {
				d->tpls[d->ntpls].id = id;
				d->tpls[d->ntpls].path = path;
				d->ntpls++;
				id = path = NULL;
			}
		}
		free(id);
		free(loc);
		free(path);
	}

	for (xmlNodePtr r = common ? common->children : NULL; r && rc == 0; r = r->next) {
		if (!ofd_xml_is(r, "PublicRes") && !ofd_xml_is(r, "DocumentRes"))
			continue;
		char *loc = ofd_xml_text(r), *path = NULL;
		if (!loc)
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		else if (ofd_locate(d, &path, d->doc_root, loc) != 0)
			rc = ofd_anomaly(d, "%s: unusable resource path \"%s\"", d->doc_root, loc);
		else
			rc = ofd_res_read(d, path);
		free(loc);
		free(path);
	}

	s = ofd_xml_child_text(root, "Annotations");
	if (rc == 0 && s && *s)
		rc = eseal_ofd_path_resolve(&d->annots_path, d->doc_root, s);
	free(s);
	if (rc == 0 && d->annots_path && !eseal_ofd_entry_find(d, d->annots_path))
		rc = ofd_anomaly(d, "%s names %s, which is missing", d->doc_root, d->annots_path);

	xmlNodePtr pages = ofd_xml_child(root, "Pages");
	size_t cap = 0;
	for (xmlNodePtr pg = ofd_xml_child(pages, "Page"); pg && rc == 0; pg = ofd_xml_next(pg, "Page")) {
		if (d->npages >= MAX_PAGES) {
			rc = eseal_error_set(ESEAL_ELIMIT, "%s: more than %d pages", d->doc_root, MAX_PAGES);
			break;
		}
		if (d->npages == cap) {
			cap = cap ? cap * 2 : 8;
			eseal_ofd_page *np = realloc(d->pages, cap * sizeof *np);
			char **nt = np ? realloc(d->page_tpls, cap * sizeof *nt) : NULL;
			if (np)
				d->pages = np;
			if (nt)
				d->page_tpls = nt;
			if (!np || !nt) {
				rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
				break;
			}
		}
		char *id = ofd_xml_attr(pg, "ID"), *loc = ofd_xml_attr(pg, "BaseLoc"), *path = NULL;
		if (!loc) {
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: page %zu has no BaseLoc", d->doc_root,
					     d->npages + 1);
		} else if ((rc = ofd_locate(d, &path, d->doc_root, loc)) == 0) {
			if (!id && !(id = strdup("")))
				rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			else if (!*id)
				rc = ofd_anomaly(d, "%s: page %zu has no ID", d->doc_root, d->npages + 1);
		}
		free(loc);
		if (rc) {
			free(id);
			free(path);
			break;
		}
		eseal_ofd_page *p = &d->pages[d->npages];
		p->index = (int)d->npages + 1;
		p->id = id;
		p->path = path;
		d->page_tpls[d->npages] = NULL;
		d->npages++;
		rc = page_scan(d, d->npages - 1);
	}
	if (rc == 0 && d->npages == 0)
		rc = ofd_anomaly(d, "%s: the document has no pages", d->doc_root);
	if (rc == 0)
		rc = index_pages(d);
	xmlFreeDoc(x);
	return rc;
}

static int read_ofd_xml(eseal_ofd *d)
{
	xmlDocPtr x;
	if (!eseal_ofd_entry_find(d, "/OFD.xml"))
		return eseal_error_set(ESEAL_EFORMAT, "not an OFD package (no OFD.xml)");
	int rc = ofd_xml_read(&x, d, "/OFD.xml");
	if (rc)
		return rc;
	xmlNodePtr root = xmlDocGetRootElement(x);
	xmlNodePtr body = ofd_xml_child(root, "DocBody");
	if (!ofd_xml_is(root, "OFD") || !body) {
		xmlFreeDoc(x);
		return eseal_error_set(ESEAL_EFORMAT, "OFD.xml: no OFD/DocBody element");
	}
	if (ofd_xml_next(body, "DocBody"))
		rc = ofd_anomaly(d, "OFD.xml has several DocBody elements; only the first is read");
	char *s = ofd_xml_child_text(body, "DocRoot");
	if (rc == 0 && !s)
		rc = eseal_error_set(ESEAL_EFORMAT, "OFD.xml: DocBody has no DocRoot");
	if (rc == 0)
		rc = eseal_ofd_path_resolve(&d->doc_root, "/OFD.xml", s);
	free(s);
	s = ofd_xml_child_text(body, "Signatures");
	if (rc == 0 && s)
		rc = eseal_ofd_path_resolve(&d->sigs_path, "/OFD.xml", s);
	free(s);
	xmlFreeDoc(x);
	return rc;
}

static int open_common(eseal_ofd **out, eseal_ofd *d, const char *path)
{
	int rc = ofd_zip_open(d, path);
	if (rc == 0)
		rc = read_ofd_xml(d);
	if (rc == 0)
		rc = read_document(d);
	if (rc == 0)
		rc = ofd_annots_read(d);
	if (rc == 0)
		rc = ofd_sigs_read(d);
	if (rc) {
		eseal_ofd_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int eseal_ofd_open(eseal_ofd **out, const char *path)
{
	*out = NULL;
	eseal_ofd *d = calloc(1, sizeof *d);
	if (!d)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int rc = open_common(out, d, path);
	if (rc && strncmp(eseal_error_last(), path, strlen(path)) != 0)
		eseal_error_wrap("%s: ", path);
	return rc;
}

int eseal_ofd_open_mem(eseal_ofd **out, const void *data, size_t len)
{
	*out = NULL;
	eseal_ofd *d = calloc(1, sizeof *d);
	if (!d)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	d->mem = malloc(len ? len : 1);
	if (!d->mem) {
		free(d);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	memcpy(d->mem, data, len);
	d->memlen = len;
	return open_common(out, d, NULL);
}

const char *eseal_ofd_doc_root(const eseal_ofd *d) { return d->doc_root; }
const char *eseal_ofd_annotations_path(const eseal_ofd *d) { return d->annots_path; }
size_t eseal_ofd_page_count(const eseal_ofd *d) { return d->npages; }

const eseal_ofd_page *eseal_ofd_page_at(const eseal_ofd *d, size_t i)
{
	return i < d->npages ? &d->pages[i] : NULL;
}

const eseal_ofd_page *eseal_ofd_page_by_id(const eseal_ofd *d, const char *id)
{
	size_t lo = 0, hi = d->pages_by_id && id ? d->npages : 0;
	/* The first page with this ID in document order when IDs repeat. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(d->pages[d->pages_by_id[mid]].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->npages && d->pages_by_id && id && strcmp(d->pages[d->pages_by_id[lo]].id, id) == 0)
		return &d->pages[d->pages_by_id[lo]];
	return NULL;
}

const char *ofd_tpl_path(const eseal_ofd *d, const char *id, size_t idlen)
{
	for (size_t i = 0; i < d->ntpls; i++)
		if (strlen(d->tpls[i].id) == idlen && memcmp(d->tpls[i].id, id, idlen) == 0)
			return d->tpls[i].path;
	return NULL;
}
