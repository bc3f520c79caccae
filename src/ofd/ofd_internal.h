/*
 * ofd_internal.h - what the OFD files share inside the library: the package
 * object, the XML helpers and the number parser. Not a public header.
 */
#ifndef ESEAL_OFD_INTERNAL_H
#define ESEAL_OFD_INTERNAL_H

#include <stdio.h>

#include <libxml/tree.h>

#include "eseal/ofd.h"

struct zip;

/* What the package writer needs to copy an entry byte for byte. */
typedef struct ofd_zraw {
	uint64_t data_off;       /* compressed data, absolute in the file or bytes */
	uint16_t dos_time, dos_date, flags;
} ofd_zraw;

struct eseal_ofd {
	/* container (zip.c) */
	uint8_t *mem;            /* the bytes, when opened from memory */
	size_t memlen;
	FILE *fp;                /* the file, when opened from a path */
	uint64_t file_size;
	struct zip *za;
	uint64_t zip_start, zip_len; /* the archive inside the bytes or file */
	eseal_ofd_entry *entries;
	struct ofd_zraw *raw;    /* per entry: where its bytes lie, for raw copies */
	size_t nentries;
	size_t *by_path;         /* entry indexes sorted by path */
	size_t *by_path_ci;      /* the same, ignoring case */
	char **anomalies;
	size_t nanomalies;

	/* document (doc.c) */
	char *doc_root;
	char *annots_path;
	eseal_ofd_page *pages;
	size_t npages;
	size_t *pages_by_id;     /* page indexes sorted by ID */
	eseal_box default_box;   /* CommonData PageArea/PhysicalBox */
	struct ofd_tpl *tpls;    /* CommonData TemplatePage list */
	size_t ntpls;
	char **page_tpls;        /* per page: space-separated template IDs, or NULL */
	eseal_ofd_res *res;      /* res.c */
	size_t nres;
	eseal_ofd_annot *annots; /* annots.c */
	size_t nannots;

	/* signatures (sigs.c) */
	char *sigs_path;
	char *max_sign_id;
	eseal_ofd_sig *sigs;
	size_t nsigs;
};

struct ofd_tpl {
	char *id;
	char *path;
};

/* zip.c */
int ofd_zip_open(eseal_ofd *d, const char *path);
void ofd_zip_close(eseal_ofd *d);
int ofd_anomaly(eseal_ofd *d, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* zip.c: the one entry matching path ignoring case, NULL when none or
 * several do. */
const eseal_ofd_entry *ofd_entry_find_ci(const eseal_ofd *d, const char *path);

/* path.c: canonical form of a zip entry name; refuses absolute names and "..". */
int ofd_entry_canon(char **out, const char *name);

/* xml.c */
/* Parses an XML file with entities, DTDs and network access off; a document
 * with a DOCTYPE is refused. `what` names the file in messages. */
int ofd_xml_parse(xmlDocPtr *out, const uint8_t *data, size_t len, const char *what);
/* Reads and parses a package file (canonical path). */
int ofd_xml_read(xmlDocPtr *out, const eseal_ofd *d, const char *path);
/* First child element with this local name (any namespace), or NULL. */
xmlNodePtr ofd_xml_child(xmlNodePtr parent, const char *local);
/* Next sibling element with this local name after n, or NULL. */
xmlNodePtr ofd_xml_next(xmlNodePtr n, const char *local);
int ofd_xml_is(xmlNodePtr n, const char *local);
/* Attribute value (no namespace or any), strdup'd, or NULL. */
char *ofd_xml_attr(xmlNodePtr n, const char *name);
/* Element text content, strdup'd ("" when empty), NULL on no memory. */
char *ofd_xml_text(xmlNodePtr n);
/* Text of a child element, trimmed, strdup'd, or NULL when absent. */
char *ofd_xml_child_text(xmlNodePtr parent, const char *local);

/* doc.c: resolves a BaseLoc like eseal_ofd_path_resolve, then, when no such
 * entry exists, tries it from the package root and ignoring case, reporting
 * an anomaly when either fallback finds the file. For document structure and
 * signature files; never for Reference FileRefs. */
int ofd_locate(eseal_ofd *d, char **out, const char *from, const char *ref);
/* doc.c: path of a CommonData TemplatePage by ID, or NULL. */
const char *ofd_tpl_path(const eseal_ofd *d, const char *id, size_t idlen);

/* res.c: reads one PublicRes/DocumentRes file (canonical path). */
int ofd_res_read(eseal_ofd *d, const char *path);
void ofd_res_free(eseal_ofd *d);

/* annots.c: reads Annotations.xml (d->annots_path) and the page files. */
int ofd_annots_read(eseal_ofd *d);
void ofd_annots_free(eseal_ofd *d);

/* sigs.c */
int ofd_sigs_read(eseal_ofd *d);
void ofd_sigs_free(eseal_ofd *d);

/* page.c: adds the text (and rules) of page i, templates first. */
int ofd_page_text(const eseal_ofd *d, size_t i, eseal_text_page *tp);

/* textobj.c: one TextObject / PathObject in page coordinates; origin is
 * the page's PhysicalBox corner. */
int ofd_textobj(xmlNodePtr obj, eseal_text_page *tp, double ox, double oy);
int ofd_pathobj(xmlNodePtr obj, eseal_text_page *tp, double ox, double oy);

/* Locale-independent number parsing. ofd_num reads one number at *s and
 * advances it; 0 or -1. ofd_box parses "x y w h"; 0 or -1. */
int ofd_num(const char **s, double *v);
int ofd_box(const char *s, eseal_box *b);

/* UTF-8 (as libxml2 hands it out) to at most max code points (textobj.c). */
size_t ofd_utf8_decode(const char *s, uint32_t *out, size_t max);

/* One TextCode (textobj.c): at most max characters as code points and its
 * DeltaX/DeltaY values ("g N V" expanded); its X and Y, when present,
 * replace *x and *y. */
typedef struct ofd_textcode {
	uint32_t *cps;
	double *dx, *dy;
	size_t n, ndx, ndy;
} ofd_textcode;
int ofd_textcode_read(xmlNodePtr tc, size_t max, double *x, double *y, ofd_textcode *out);
void ofd_textcode_free(ofd_textcode *t);

#endif
