/*
 * verify_internal.h - what the PDF signature verification files share: one
 * signature as found, values as of a given revision, the DocMDP level.
 * Nothing here may trust the newest revision for what an older one said.
 */
#ifndef ESEAL_PDF_VERIFY_INTERNAL_H
#define ESEAL_PDF_VERIFY_INTERNAL_H

#include "eseal/pdfverify.h"
#include "pdf/pdf_internal.h"

typedef struct pdfv_sig {
	uint32_t num;               /* signature dictionary object */
	uint32_t field;             /* its field (0 when unknown) */
	const eseal_pdf_val *dict;  /* as of the newest revision */
	int64_t br[4];
	int br_ok;                  /* ByteRange well formed (br[] valid) */
	size_t rev;                 /* signed revision (valid when range_ok) */
	int range_ok;               /* byte_range check passed */
	uint8_t *contents;          /* hex-decoded /Contents bytes (malloc) */
	size_t ncontents;
	size_t der_len;             /* length of the DER object in contents */
} pdfv_sig;

/* Trailer of revision rev (oldest = 0); NULL when unknown. */
const eseal_pdf_val *pdfv_trailer_at(const eseal_pdf *pdf, size_t rev);
/* Follows references as of revision rev (bounded); NULL for dangling. */
const eseal_pdf_val *pdfv_resolve_at(eseal_pdf *pdf, size_t rev, const eseal_pdf_val *v);
/* Dict entry resolved as of rev. */
const eseal_pdf_val *pdfv_get_at(eseal_pdf *pdf, size_t rev, const eseal_pdf_val *d, const char *key);
/* Object number of a reference entry (0 when the entry is not a reference). */
uint32_t pdfv_ref_num(const eseal_pdf_val *d, const char *key);
/* Where object num was written as of revision rev. */
int pdfv_offset_at(const eseal_pdf *pdf, size_t rev, uint32_t num, uint64_t *off, int *in_objstm);

/* verify_range.c: byte_range and contents_format checks. */
void pdfv_check_range(eseal_pdf *pdf, pdfv_sig *s, eseal_report_item *it);
void pdfv_check_contents(pdfv_sig *s, eseal_report_item *it);

/* verify_mdp.c: the certification signature and its P (0 = not certified). */
int pdfv_docmdp(eseal_pdf *pdf, uint32_t *sig_num);
/* 1 when sig_num is a usage-rights (/Perms /UR3 or /UR) signature. */
int pdfv_is_usage_rights(eseal_pdf *pdf, uint32_t sig_num);

/* verify_diff.c: revision_diff check for everything after s->rev. p is the
 * DocMDP level in force (0 = not certified). */
void pdfv_check_diff(eseal_pdf *pdf, const pdfv_sig *s, int p, eseal_report_item *it);
/* Page object numbers as of revision rev (malloc'd array). */
int pdfv_pages_at(eseal_pdf *pdf, size_t rev, uint32_t **out, size_t *n);

#endif
