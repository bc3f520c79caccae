/*
 * annots.c - the document's annotations: Annotations.xml lists one file per
 * page (Page@PageID, FileLoc), each holding Annot elements.
 *
 * Annotations are not covered by OFD signatures by design, so they are only
 * listed here for a verifier to report. Missing or broken files are
 * anomalies, never fatal.
 */
#include <stdlib.h>
#include <string.h>

#include "ofd/ofd_internal.h"

#define MAX_ANNOTS 100000

void ofd_annots_free(eseal_ofd *d)
{
	for (size_t i = 0; i < d->nannots; i++) {
		eseal_ofd_annot *a = &d->annots[i];
		free((char *)a->page_id);
		free((char *)a->path);
		free((char *)a->id);
		free((char *)a->type);
		free((char *)a->subtype);
	}
	free(d->annots);
}

/* Adds the Annot elements of one page's annotation file. */
static int read_page_file(eseal_ofd *d, const char *page_id, const char *path)
{
	xmlDocPtr x;
	if (!eseal_ofd_entry_find(d, path))
		return ofd_anomaly(d, "annotations of page %s: %s is missing", page_id, path);
	int rc = ofd_xml_read(&x, d, path);
	if (rc)
		return rc == ESEAL_ENOMEM ? rc : ofd_anomaly(d, "%s", eseal_error_last());
	xmlNodePtr root = xmlDocGetRootElement(x);
	for (xmlNodePtr n = ofd_xml_child(root, "Annot"); n && rc == 0; n = ofd_xml_next(n, "Annot")) {
		if (d->nannots >= MAX_ANNOTS) {
			rc = eseal_error_set(ESEAL_ELIMIT, "more than %d annotations", MAX_ANNOTS);
			break;
		}
		eseal_ofd_annot *a = realloc(d->annots, (d->nannots + 1) * sizeof *a);
		if (!a) {
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			break;
		}
		d->annots = a;
		a = &d->annots[d->nannots++];
		memset(a, 0, sizeof *a);
		a->page_id = strdup(page_id);
		a->path = strdup(path);
		a->id = ofd_xml_attr(n, "ID");
		a->type = ofd_xml_attr(n, "Type");
		a->subtype = ofd_xml_attr(n, "Subtype");
		if (!a->page_id || !a->path) {
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			break;
		}
		char *b = ofd_xml_attr(ofd_xml_child(n, "Appearance"), "Boundary");
		a->has_boundary = b && ofd_box(b, &a->boundary) == 0;
		free(b);
	}
	xmlFreeDoc(x);
	return rc;
}

int ofd_annots_read(eseal_ofd *d)
{
	if (!d->annots_path || !eseal_ofd_entry_find(d, d->annots_path))
		return 0; /* a missing file was reported with the Document */
	xmlDocPtr x;
	int rc = ofd_xml_read(&x, d, d->annots_path);
	if (rc)
		return rc == ESEAL_ENOMEM ? rc : ofd_anomaly(d, "%s", eseal_error_last());
	xmlNodePtr root = xmlDocGetRootElement(x);
	for (xmlNodePtr p = ofd_xml_child(root, "Page"); p && rc == 0; p = ofd_xml_next(p, "Page")) {
		char *id = ofd_xml_attr(p, "PageID"), *loc = ofd_xml_child_text(p, "FileLoc"), *path = NULL;
		if (!id || !loc || !*loc)
			rc = ofd_anomaly(d, "%s: a Page without PageID or FileLoc", d->annots_path);
		else if (ofd_locate(d, &path, d->annots_path, loc) != 0)
			rc = ofd_anomaly(d, "%s: unusable FileLoc \"%s\"", d->annots_path, loc);
		else
			rc = read_page_file(d, id, path);
		if (rc == 0 && id && !eseal_ofd_page_by_id(d, id))
			rc = ofd_anomaly(d, "%s: annotations for page ID %s, which does not exist",
					 d->annots_path, id);
		free(id);
		free(loc);
		free(path);
	}
	xmlFreeDoc(x);
	return rc;
}

size_t eseal_ofd_annot_count(const eseal_ofd *d) { return d->nannots; }

const eseal_ofd_annot *eseal_ofd_annot_at(const eseal_ofd *d, size_t i)
{
	return i < d->nannots ? &d->annots[i] : NULL;
}
