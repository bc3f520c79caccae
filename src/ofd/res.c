/*
 * res.c - document resources (PublicRes.xml, DocumentRes.xml): fonts and
 * multimedia with the files they point to.
 *
 * A resource file's BaseLoc is the folder its FontFile/MediaFile paths are
 * relative to (itself relative to the resource file). A missing or broken
 * resource file is an anomaly, never fatal: text extraction and signature
 * checks do not depend on it.
 */
#include <stdlib.h>
#include <string.h>

#include "ofd/ofd_internal.h"

#define MAX_RES 100000

void ofd_res_free(eseal_ofd *d)
{
	for (size_t i = 0; i < d->nres; i++) {
		free((char *)d->res[i].id);
		free((char *)d->res[i].name);
		free((char *)d->res[i].family);
		free((char *)d->res[i].path);
	}
	free(d->res);
}

/* Resolves a file named in a resource against the resource folder base. */
static int res_path(eseal_ofd *d, const char *base, const char *file, char **out)
{
	eseal_buf from = ESEAL_BUF_INIT;
	/* resolve() works from a file's folder: give it a file inside base. */
	int rc = eseal_buf_printf(&from, "%s/_", base);
	if (rc == 0)
		rc = eseal_buf_cstr(&from);
	if (rc == 0 && eseal_ofd_path_resolve(out, (const char *)from.data, file) != 0)
		rc = ofd_anomaly(d, "resource file \"%s\" has an unusable path", file);
	eseal_buf_free(&from);
	return rc;
}

static int add(eseal_ofd *d, int kind, xmlNodePtr n, const char *base, const char *name_attr,
	       const char *family_attr, const char *file_elem)
{
	if (d->nres >= MAX_RES)
		return eseal_error_set(ESEAL_ELIMIT, "more than %d resources", MAX_RES);
	eseal_ofd_res *r = realloc(d->res, (d->nres + 1) * sizeof *r);
	if (!r)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	d->res = r;
	r = &d->res[d->nres++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->id = ofd_xml_attr(n, "ID");
	r->name = ofd_xml_attr(n, name_attr);
	r->family = ofd_xml_attr(n, family_attr);
	char *file = ofd_xml_child_text(n, file_elem);
	int rc = 0;
	if (file && *file) {
		char *path = NULL;
		rc = res_path(d, base, file, &path);
		if (rc == 0 && path && !eseal_ofd_entry_find(d, path))
			rc = ofd_anomaly(d, "resource %s: %s is missing", r->id ? r->id : "?", path);
		r->path = path;
	}
	free(file);
	return rc;
}

int ofd_res_read(eseal_ofd *d, const char *path)
{
	xmlDocPtr x;
	if (!eseal_ofd_entry_find(d, path))
		return ofd_anomaly(d, "%s names %s, which is missing", d->doc_root, path);
	int rc = ofd_xml_read(&x, d, path);
	if (rc)
		return rc == ESEAL_ENOMEM ? rc : ofd_anomaly(d, "%s", eseal_error_last());
	xmlNodePtr root = xmlDocGetRootElement(x);
	char *loc = ofd_xml_attr(root, "BaseLoc"), *base = NULL;
	if (loc && *loc)
		rc = eseal_ofd_path_resolve(&base, path, loc);
	else
		rc = eseal_ofd_path_resolve(&base, path, ".");
	free(loc);
	if (rc) {
		xmlFreeDoc(x);
		return ofd_anomaly(d, "%s: unusable BaseLoc", path);
	}
	xmlNodePtr fonts = ofd_xml_child(root, "Fonts");
	for (xmlNodePtr f = ofd_xml_child(fonts, "Font"); f && rc == 0; f = ofd_xml_next(f, "Font"))
		rc = add(d, ESEAL_OFD_RES_FONT, f, base, "FontName", "FamilyName", "FontFile");
	xmlNodePtr media = ofd_xml_child(root, "MultiMedias");
	for (xmlNodePtr m = ofd_xml_child(media, "MultiMedia"); m && rc == 0; m = ofd_xml_next(m, "MultiMedia"))
		rc = add(d, ESEAL_OFD_RES_MEDIA, m, base, "Type", "Format", "MediaFile");
	free(base);
	xmlFreeDoc(x);
	return rc;
}

size_t eseal_ofd_res_count(const eseal_ofd *d) { return d->nres; }

const eseal_ofd_res *eseal_ofd_res_at(const eseal_ofd *d, size_t i)
{
	return i < d->nres ? &d->res[i] : NULL;
}

const eseal_ofd_res *eseal_ofd_res_by_id(const eseal_ofd *d, const char *id)
{
	for (size_t i = 0; id && i < d->nres; i++)
		if (d->res[i].id && strcmp(d->res[i].id, id) == 0)
			return &d->res[i];
	return NULL;
}
