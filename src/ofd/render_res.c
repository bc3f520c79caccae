/*
 * render_res.c - resources the page renderer reads itself: DrawParam
 * (default line width, join, cap and colours shared by many objects) from
 * the document's PublicRes/DocumentRes and the page's PageRes, composite
 * graphic units, and page level MultiMedia that the document-wide list
 * (res.c) does not hold.
 *
 * Never fatal: a missing or broken resource file only means defaults. The
 * number of files is capped so a page cannot make us parse without end.
 */
#include <stdlib.h>
#include <string.h>

#include "ofd/render_internal.h"

#define MAX_RES_FILES 32

static void add_file(rres *r, eseal_ofd *d, const char *from, const char *ref)
{
	char *path = NULL, *base = NULL;
	xmlDocPtr x = NULL;
	if (r->ndocs >= MAX_RES_FILES || eseal_ofd_path_resolve(&path, from, ref) != 0 ||
	    ofd_xml_read(&x, d, path) != 0)
		goto out;
	char *loc = ofd_xml_attr(xmlDocGetRootElement(x), "BaseLoc");
	int rc = eseal_ofd_path_resolve(&base, path, loc && *loc ? loc : ".");
	free(loc);
	if (rc)
		goto out;
	xmlDocPtr *nd = realloc(r->docs, (r->ndocs + 1) * sizeof *nd);
	if (nd)
		r->docs = nd;
	char **nb = nd ? realloc(r->bases, (r->ndocs + 1) * sizeof *nb) : NULL;
	if (nb)
		r->bases = nb;
	if (!nd || !nb)
		goto out;
	r->docs[r->ndocs] = x;
	r->bases[r->ndocs] = base;
	r->ndocs++;
	x = NULL;
	base = NULL;
out:
	eseal_error_clear();
	xmlFreeDoc(x);
	free(path);
	free(base);
}

int rres_load(rres *r, eseal_ofd *d, xmlNodePtr page_root, const char *page_path)
{
	xmlDocPtr x;
	memset(r, 0, sizeof *r);
	if (d->doc_root && ofd_xml_read(&x, d, d->doc_root) == 0) {
		xmlNodePtr common = ofd_xml_child(xmlDocGetRootElement(x), "CommonData");
		for (xmlNodePtr n = common ? common->children : NULL; n; n = n->next) {
			if (!ofd_xml_is(n, "PublicRes") && !ofd_xml_is(n, "DocumentRes"))
				continue;
			char *ref = ofd_xml_text(n);
			if (ref)
				add_file(r, d, d->doc_root, ref);
			free(ref);
		}
		xmlFreeDoc(x);
	}
	for (xmlNodePtr n = ofd_xml_child(page_root, "PageRes"); n; n = ofd_xml_next(n, "PageRes")) {
		char *ref = ofd_xml_text(n);
		if (ref)
			add_file(r, d, page_path, ref);
		free(ref);
	}
	eseal_error_clear();
	return 0;
}

/* The element of kind `list`/`item` with this ID, and the file it is in. */
static xmlNodePtr find(const rres *r, const char *list, const char *item, const char *id, size_t *file)
{
	for (size_t i = 0; id && i < r->ndocs; i++) {
		xmlNodePtr l = ofd_xml_child(xmlDocGetRootElement(r->docs[i]), list);
		for (xmlNodePtr n = ofd_xml_child(l, item); n; n = ofd_xml_next(n, item)) {
			char *nid = ofd_xml_attr(n, "ID");
			int hit = nid && !strcmp(nid, id);
			free(nid);
			if (hit) {
				if (file)
					*file = i;
				return n;
			}
		}
	}
	return NULL;
}

xmlNodePtr rres_draw_param(const rres *r, const char *id)
{
	return find(r, "DrawParams", "DrawParam", id, NULL);
}

xmlNodePtr rres_composite(const rres *r, const char *id)
{
	return find(r, "CompositeGraphicUnits", "CompositeGraphicUnit", id, NULL);
}

char *rres_media_path(const rres *r, const char *id)
{
	size_t i = 0;
	xmlNodePtr n = find(r, "MultiMedias", "MultiMedia", id, &i);
	char *file = n ? ofd_xml_child_text(n, "MediaFile") : NULL, *path = NULL;
	eseal_buf from = ESEAL_BUF_INIT;
	/* resolve() works from a file's folder: name a file inside the base. */
	if (file && *file && eseal_buf_printf(&from, "%s/_", r->bases[i]) == 0 && eseal_buf_cstr(&from) == 0 &&
	    eseal_ofd_path_resolve(&path, (const char *)from.data, file) != 0)
		path = NULL;
	eseal_buf_free(&from);
	free(file);
	eseal_error_clear();
	return path;
}

void rres_free(rres *r)
{
	for (size_t i = 0; i < r->ndocs; i++) {
		xmlFreeDoc(r->docs[i]);
		free(r->bases[i]);
	}
	free(r->docs);
	free(r->bases);
	memset(r, 0, sizeof *r);
}
