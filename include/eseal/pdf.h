/*
 * pdf.h - reading PDF files: revisions, objects, pages, streams,
 * encryption, and text with positions.
 *
 * The document keeps the file's bytes unchanged (a copy or a read-only
 * mapping). Objects are parsed on demand from the cross-reference data and
 * stay owned by the document: values returned here are valid until
 * eseal_pdf_free. Revisions are counted oldest first; revision i covers the
 * bytes [0, eseal_pdf_revision_end(pdf, i)). A document caches what it has
 * read, so one handle must not be used by two threads at once.
 */
#ifndef ESEAL_PDF_H
#define ESEAL_PDF_H

#include "common.h"
#include "text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct eseal_pdf eseal_pdf;
typedef struct eseal_pdf_val eseal_pdf_val;

/* Parses the cross-reference data of data[0..len) (copied). */
int eseal_pdf_open(eseal_pdf **out, const uint8_t *data, size_t len);
/* Maps the file read-only (or reads it when it cannot be mapped). */
int eseal_pdf_load(eseal_pdf **out, const char *path);
void eseal_pdf_free(eseal_pdf *pdf);

/* The bytes the document was read from. */
const uint8_t *eseal_pdf_data(const eseal_pdf *pdf, size_t *len);
/* Header version, e.g. 1 and 7 for "%PDF-1.7". */
void eseal_pdf_version(const eseal_pdf *pdf, int *major, int *minor);

/* Per-stream limit on decoded bytes (default 256 MiB); larger is ESEAL_ELIMIT. */
void eseal_pdf_set_max_stream(eseal_pdf *pdf, size_t max);

/* Warnings recorded while reading (e.g. a rebuilt cross-reference table). */
size_t eseal_pdf_warning_count(const eseal_pdf *pdf);
const char *eseal_pdf_warning(const eseal_pdf *pdf, size_t i);
/* 1 when the cross-reference data was rebuilt by scanning the file. */
int eseal_pdf_recovered(const eseal_pdf *pdf);

/* ---- revisions (oldest first) ---- */
typedef struct eseal_pdf_revision {
	uint64_t xref_offset;   /* the section its startxref names (an update's /Prev) */
	uint64_t end;           /* offset just after its %%EOF line */
	int xref_stream;        /* 1 when the section is an xref stream */
} eseal_pdf_revision;

size_t eseal_pdf_revision_count(const eseal_pdf *pdf);
int eseal_pdf_revision_get(const eseal_pdf *pdf, size_t i, eseal_pdf_revision *out);
uint64_t eseal_pdf_revision_end(const eseal_pdf *pdf, size_t i);
/* Where the newest cross-reference section starts (the /Prev of an update)
 * and whether it is a stream (then an update must use one too). 0 and
 * ESEAL_ENOTFOUND when the table was rebuilt by scanning. */
int eseal_pdf_startxref(const eseal_pdf *pdf, uint64_t *off, int *is_stream);

/* ---- values ---- */
typedef enum eseal_pdf_type {
	ESEAL_PDF_NULL, ESEAL_PDF_BOOL, ESEAL_PDF_INT, ESEAL_PDF_REAL, ESEAL_PDF_STRING,
	ESEAL_PDF_NAME, ESEAL_PDF_ARRAY, ESEAL_PDF_DICT, ESEAL_PDF_REF, ESEAL_PDF_STREAM
} eseal_pdf_type;

eseal_pdf_type eseal_pdf_val_type(const eseal_pdf_val *v);
int eseal_pdf_val_bool(const eseal_pdf_val *v);
int64_t eseal_pdf_val_int(const eseal_pdf_val *v);
/* INT or REAL as a double (0 for other types). */
double eseal_pdf_val_real(const eseal_pdf_val *v);
/* Name without the slash ("" for other types). */
const char *eseal_pdf_val_name(const eseal_pdf_val *v);
/* String bytes (decrypted); NULL for other types. */
const uint8_t *eseal_pdf_val_string(const eseal_pdf_val *v, size_t *len);
size_t eseal_pdf_val_len(const eseal_pdf_val *v);             /* array or dict size */
const eseal_pdf_val *eseal_pdf_val_at(const eseal_pdf_val *v, size_t i); /* array item */
const char *eseal_pdf_val_key(const eseal_pdf_val *v, size_t i);         /* dict key */
const eseal_pdf_val *eseal_pdf_val_value(const eseal_pdf_val *v, size_t i);
/* Dict entry (of a dict or of a stream's dict), not resolved. */
const eseal_pdf_val *eseal_pdf_val_get(const eseal_pdf_val *v, const char *key);
void eseal_pdf_val_ref(const eseal_pdf_val *v, uint32_t *num, uint16_t *gen);
/* Follows references (bounded); NULL object for dangling ones. */
const eseal_pdf_val *eseal_pdf_resolve(eseal_pdf *pdf, const eseal_pdf_val *v);
/* PDF syntax of a value (streams as their dictionary plus "stream"). */
int eseal_pdf_val_serialize(const eseal_pdf_val *v, eseal_buf *out);

/* ---- objects ---- */
/* The trailer of the newest revision (for xref streams: the stream's dict). */
const eseal_pdf_val *eseal_pdf_trailer(const eseal_pdf *pdf);
/* Highest object number + 1 (the trailer's /Size). */
uint32_t eseal_pdf_object_count(const eseal_pdf *pdf);
/* Object num as in the newest revision; ESEAL_ENOTFOUND for free/missing. */
int eseal_pdf_object(eseal_pdf *pdf, uint32_t num, const eseal_pdf_val **out);
/* Object num as of revision rev (0 = oldest). */
int eseal_pdf_object_at(eseal_pdf *pdf, size_t rev, uint32_t num, const eseal_pdf_val **out);
/* Where object num lives now: offset of "n g obj", or (in_objstm = 1) the
 * number of its object stream. */
int eseal_pdf_object_offset(const eseal_pdf *pdf, uint32_t num, uint64_t *off,
			    uint16_t *gen, int *in_objstm);
/* Decoded stream data (filters applied, decrypted). */
int eseal_pdf_stream_decode(eseal_pdf *pdf, const eseal_pdf_val *stream, eseal_buf *out);
/* The document catalog (/Root). */
const eseal_pdf_val *eseal_pdf_catalog(eseal_pdf *pdf);

/* ---- pages ---- */
typedef struct eseal_pdf_page_info {
	uint32_t num;           /* page object number */
	uint16_t gen;
	double media[4];        /* inherited MediaBox (llx lly urx ury) */
	double crop[4];         /* CropBox clipped to MediaBox */
	int rotate;             /* 0, 90, 180, 270 */
	double width_mm, height_mm; /* visible size after CropBox and rotation */
	const eseal_pdf_val *dict;
	const eseal_pdf_val *resources; /* inherited, resolved (may be NULL) */
} eseal_pdf_page_info;

int eseal_pdf_page_count(eseal_pdf *pdf, size_t *count);
/* Page i (0-based) with its inherited attributes. */
int eseal_pdf_page(eseal_pdf *pdf, size_t i, eseal_pdf_page_info *out);

/* ---- encryption ---- */
typedef struct eseal_pdf_crypt_info {
	int encrypted;
	char filter[32];        /* "Standard" ... */
	int v, r, length;       /* /V, /R, key length in bits */
	int64_t p;              /* permissions */
	const char *method;     /* "RC4", "AESV2", "AESV3", "Identity" */
	int empty_user_password; /* 1 when the empty user password opens it */
	const char *reason;     /* why it cannot be opened ("" when it can) */
} eseal_pdf_crypt_info;

int eseal_pdf_crypt_info_get(const eseal_pdf *pdf, eseal_pdf_crypt_info *out);

/* ---- text ---- */
/* Text with positions of every page (mm, top-left of the visible page). */
int eseal_pdf_text(eseal_text_doc **out, eseal_pdf *pdf);
/* The same for one page (0-based) into a page of the shared model. */
int eseal_pdf_text_page(eseal_pdf *pdf, size_t i, eseal_text_page *out);

#ifdef __cplusplus
}
#endif
#endif
