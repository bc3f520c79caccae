/*
 * ofd.h - reading OFD packages (GB/T 33190): the zip container, the document
 * model (pages, sizes, templates), text with positions, and the signature
 * files (Signatures.xml, Signature.xml, SignedValue.dat).
 *
 * Paths: every package path handed out by this API is canonical, absolute
 * and starts with "/" ("/Doc_0/Document.xml"); functions taking a path accept
 * it with or without the leading "/". Lengths are millimetres, boxes are
 * (x, y, w, h) with the origin at the page's top-left corner.
 *
 * Opening is strict: duplicate entry names, local/central header mismatches,
 * entry names escaping the root, encrypted entries and sizes or ratios over
 * the limits below are refused with ESEAL_EFORMAT or ESEAL_ELIMIT. Oddities
 * that do not stop reading (data before or after the zip, directory entries
 * with data, a missing Signature.xml) are listed as anomalies.
 */
#ifndef ESEAL_OFD_H
#define ESEAL_OFD_H

#include "common.h"
#include "text.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Safety limits applied when a package is opened and read. */
#define ESEAL_OFD_MAX_ENTRIES   20000
#define ESEAL_OFD_MAX_ENTRY     ((uint64_t)512 << 20)  /* uncompressed, per entry */
#define ESEAL_OFD_MAX_TOTAL     ((uint64_t)2 << 30)    /* uncompressed, all entries */
#define ESEAL_OFD_MAX_RATIO     200  /* uncompressed/compressed, for entries over 1 MiB */
#define ESEAL_OFD_MAX_XML       ((size_t)64 << 20)     /* one XML file */

typedef struct eseal_ofd eseal_ofd;

/* Opens a package from a file, or from memory (the bytes are copied). */
int eseal_ofd_open(eseal_ofd **out, const char *path);
int eseal_ofd_open_mem(eseal_ofd **out, const void *data, size_t len);
void eseal_ofd_free(eseal_ofd *d);

/* ---- the container ---- */

typedef struct eseal_ofd_entry {
	const char *path;    /* canonical, "/Doc_0/Document.xml" */
	const char *name;    /* the name as stored in the zip */
	uint64_t size;       /* uncompressed */
	uint64_t csize;      /* compressed */
	uint32_t crc;
	int method;          /* 0 stored, 8 deflate */
	int is_dir;
	uint64_t zip_index;  /* libzip index, for raw copies (ZIP_FL_COMPRESSED) */
	time_t mtime;        /* DOS time from the central directory, as local time */
} eseal_ofd_entry;

size_t eseal_ofd_entry_count(const eseal_ofd *d);
const eseal_ofd_entry *eseal_ofd_entry_at(const eseal_ofd *d, size_t i);
/* The entry for a path (NULL when absent). */
const eseal_ofd_entry *eseal_ofd_entry_find(const eseal_ofd *d, const char *path);
/* Reads an entry's uncompressed bytes into out (appended); max = 0 means
 * ESEAL_OFD_MAX_ENTRY. ESEAL_ENOTFOUND when absent, ESEAL_ELIMIT when larger. */
int eseal_ofd_read(const eseal_ofd *d, const char *path, size_t max, eseal_buf *out);
/* Passes an entry's uncompressed bytes to cb in chunks, so large files can
 * be digested without holding them; a non-zero return from cb stops and is
 * returned. The CRC is checked after the last chunk: on any error, discard
 * what cb saw. */
int eseal_ofd_stream(const eseal_ofd *d, const char *path,
		     int (*cb)(void *ctx, const uint8_t *p, size_t n), void *ctx);
/* Reads an entry's stored bytes as they are in the zip (still compressed
 * with its method), for copying it unchanged into a new package. */
int eseal_ofd_read_raw(const eseal_ofd *d, const char *path, eseal_buf *out);
/* The underlying libzip archive (a `zip_t *`), read-only, for a writer that
 * copies unchanged entries without recompressing them. */
void *eseal_ofd_zip(const eseal_ofd *d);

/* Things that did not stop reading but a verifier should report. */
size_t eseal_ofd_anomaly_count(const eseal_ofd *d);
const char *eseal_ofd_anomaly(const eseal_ofd *d, size_t i);

/* Resolves a FileRef/BaseLoc written in the file `from` (canonical path of the
 * referring file, or NULL for the root) into a canonical path (caller frees).
 * Absolute refs start at the root; others are relative to from's folder; "."
 * and ".." are applied; "\" counts as "/". Escaping the root is ESEAL_EFORMAT. */
int eseal_ofd_path_resolve(char **out, const char *from, const char *ref);

/* ---- the document ---- */

typedef struct eseal_ofd_page {
	int index;           /* 1-based, in Document.xml order */
	const char *id;      /* the Page ID attribute (StampAnnot PageRef uses it) */
	const char *path;    /* canonical path of the page's Content.xml */
	eseal_box physical;  /* PhysicalBox in mm (page Area overrides CommonData) */
} eseal_ofd_page;

/* Canonical path of Document.xml (the first DocBody's DocRoot). */
const char *eseal_ofd_doc_root(const eseal_ofd *d);
/* Canonical path of Annotations.xml, NULL when the document has none
 * (annotations are outside every signature by design). */
const char *eseal_ofd_annotations_path(const eseal_ofd *d);
size_t eseal_ofd_page_count(const eseal_ofd *d);
const eseal_ofd_page *eseal_ofd_page_at(const eseal_ofd *d, size_t i);
/* The page with this ID (NULL when absent). */
const eseal_ofd_page *eseal_ofd_page_by_id(const eseal_ofd *d, const char *id);

/* Annotations (Annotations.xml and each page's annotation file). They are
 * outside every signature by design, so a verifier lists them per page. */
typedef struct eseal_ofd_annot {
	const char *page_id;  /* the Page ID they belong to */
	const char *path;     /* canonical path of the page's annotation file */
	const char *id, *type, *subtype; /* Annot attributes, NULL when absent */
	int has_boundary;
	eseal_box boundary;   /* Appearance@Boundary in mm */
} eseal_ofd_annot;

size_t eseal_ofd_annot_count(const eseal_ofd *d);
const eseal_ofd_annot *eseal_ofd_annot_at(const eseal_ofd *d, size_t i);

/* Document-wide resources (CommonData PublicRes and DocumentRes): fonts and
 * multimedia (images). Page-level resources are not listed. */
enum { ESEAL_OFD_RES_FONT = 1, ESEAL_OFD_RES_MEDIA = 2 };

typedef struct eseal_ofd_res {
	int kind;            /* ESEAL_OFD_RES_FONT or ESEAL_OFD_RES_MEDIA */
	const char *id;
	const char *name;    /* FontName, or the MultiMedia Type ("Image") */
	const char *family;  /* FamilyName, or the MultiMedia Format ("PNG"); may be NULL */
	const char *path;    /* canonical FontFile/MediaFile, NULL when not embedded */
} eseal_ofd_res;

size_t eseal_ofd_res_count(const eseal_ofd *d);
const eseal_ofd_res *eseal_ofd_res_at(const eseal_ofd *d, size_t i);
/* The resource with this ID (NULL when absent). */
const eseal_ofd_res *eseal_ofd_res_by_id(const eseal_ofd *d, const char *id);

/* Text of every page (template text included), lines in reading order. */
int eseal_ofd_text(eseal_text_doc **out, eseal_ofd *d);
/* Opens path, extracts its text and closes it (the `eseal text` command). */
int eseal_ofd_text_file(eseal_text_doc **out, const char *path);

/* ---- signatures ---- */

enum { ESEAL_OFD_SEAL = 1, ESEAL_OFD_SIGN = 2 };

typedef struct eseal_ofd_ref {
	char *file_ref;      /* FileRef as written */
	char *path;          /* canonical (NULL when it could not be resolved) */
	uint8_t *check_value;/* base64-decoded CheckValue */
	size_t check_len;    /* 0 when the value was missing or not base64 */
} eseal_ofd_ref;

typedef struct eseal_ofd_stamp {
	char *id;
	char *page_ref;      /* a Page ID, not an index */
	eseal_box boundary;
	int has_clip;
	eseal_box clip;      /* in the seal's own coordinates */
} eseal_ofd_stamp;

typedef struct eseal_ofd_sig {
	char *id;
	int type;            /* ESEAL_OFD_SEAL (also when Type is absent) or ESEAL_OFD_SIGN */
	char *type_attr;     /* Type as written, NULL when absent */
	char *base_loc;      /* BaseLoc as written */
	char *path;          /* canonical path of Signature.xml */
	char *relative;      /* Relative attribute (OFD 2.0), NULL when absent */

	/* 0 when Signature.xml was read and parsed; else an ESEAL_E* code and
	 * error says why (the fields below are then partly empty). */
	int status;
	char *error;

	uint8_t *xml;        /* the raw Signature.xml bytes (what dataHash covers) */
	size_t xml_len;
	char *provider_name, *provider_company, *provider_version;
	char *signature_method;
	char *signature_date_time;
	char *check_method;  /* References@CheckMethod, NULL when absent */
	eseal_ofd_ref *refs;
	size_t nrefs;
	eseal_ofd_stamp *stamps;
	size_t nstamps;
	char *seal_path;     /* canonical Seal/BaseLoc, NULL when absent */
	char *signed_value;  /* SignedValue as written */
	char *signed_value_path; /* canonical path of SignedValue.dat */
} eseal_ofd_sig;

/* Canonical path of Signatures.xml, NULL when the document has none. */
const char *eseal_ofd_signatures_path(const eseal_ofd *d);
/* MaxSignId as written (NULL when absent). */
const char *eseal_ofd_max_sign_id(const eseal_ofd *d);
size_t eseal_ofd_sig_count(const eseal_ofd *d);
const eseal_ofd_sig *eseal_ofd_sig_at(const eseal_ofd *d, size_t i);
/* Reads the signature's SignedValue.dat into out (appended). */
int eseal_ofd_sig_value(const eseal_ofd *d, size_t i, eseal_buf *out);

#ifdef __cplusplus
}
#endif
#endif
