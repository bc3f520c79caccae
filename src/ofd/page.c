/*
 * page.c - walking a page's content: its templates first, then its own
 * Content/Layer objects, descending into PageBlocks.
 *
 * PageBlock nesting is capped (a hostile file can nest without end) and a
 * template that is missing or broken is skipped, never fatal: text
 * extraction serves placement and must not fail on decoration.
 */
#include <stdlib.h>
#include <string.h>

#include "ofd/ofd_internal.h"

#define MAX_DEPTH 64

static int walk(xmlNodePtr parent, eseal_text_page *tp, double ox, double oy, int depth)
{
	int rc = 0;
	if (depth > MAX_DEPTH)
		return 0;
	for (xmlNodePtr c = parent ? parent->children : NULL; c && rc == 0; c = c->next) {
		if (ofd_xml_is(c, "TextObject"))
			rc = ofd_textobj(c, tp, ox, oy);
		else if (ofd_xml_is(c, "PathObject"))
			rc = ofd_pathobj(c, tp, ox, oy);
		else if (ofd_xml_is(c, "PageBlock"))
			rc = walk(c, tp, ox, oy, depth + 1);
	}
	return rc;
}

static int content(xmlNodePtr root, eseal_text_page *tp, double ox, double oy)
{
	int rc = 0;
	xmlNodePtr content = ofd_xml_child(root, "Content");
	for (xmlNodePtr l = ofd_xml_child(content, "Layer"); l && rc == 0; l = ofd_xml_next(l, "Layer"))
		rc = walk(l, tp, ox, oy, 0);
	return rc;
}

/* Text of one file (page or template); unreadable files add nothing. */
static int file_text(const eseal_ofd *d, const char *path, eseal_text_page *tp, double ox, double oy)
{
	xmlDocPtr x;
	int rc = ofd_xml_read(&x, d, path);
	if (rc)
		return rc == ESEAL_ENOMEM ? rc : 0;
	rc = content(xmlDocGetRootElement(x), tp, ox, oy);
	xmlFreeDoc(x);
	return rc;
}

int ofd_page_text(const eseal_ofd *d, size_t i, eseal_text_page *tp)
{
	const eseal_ofd_page *p = &d->pages[i];
	double ox = p->physical.x, oy = p->physical.y;
	int rc = 0;
	const char *ids = d->page_tpls[i];
	while (ids && *ids && rc == 0) {
		size_t n = strcspn(ids, " ");
		const char *tpl = ofd_tpl_path(d, ids, n);
		if (tpl)
			rc = file_text(d, tpl, tp, ox, oy);
		ids += n;
		while (*ids == ' ')
			ids++;
	}
	if (rc == 0)
		rc = file_text(d, p->path, tp, ox, oy);
	return rc;
}

int eseal_ofd_text(eseal_text_doc **out, eseal_ofd *d)
{
	eseal_text_doc *t;
	*out = NULL;
	int rc = eseal_text_doc_new(&t);
	if (rc)
		return rc;
	for (size_t i = 0; i < d->npages && rc == 0; i++) {
		const eseal_ofd_page *p = &d->pages[i];
		eseal_text_page *tp;
		rc = eseal_text_doc_add_page(t, p->id, p->physical.w, p->physical.h, &tp);
		if (rc == 0)
			rc = ofd_page_text(d, i, tp);
		if (rc == 0)
			rc = eseal_text_page_finish(tp);
	}
	if (rc) {
		eseal_text_doc_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int eseal_ofd_text_file(eseal_text_doc **out, const char *path)
{
	eseal_ofd *d;
	*out = NULL;
	int rc = eseal_ofd_open(&d, path);
	if (rc)
		return rc;
	rc = eseal_ofd_text(out, d);
	if (rc)
		eseal_error_wrap("%s: ", path);
	eseal_ofd_free(d);
	return rc;
}
