/*
 * pdfverify.h - verifying every signature of a PDF document: exact
 * ByteRange and /Contents rules, the CMS or SES_Signature inside, the seal,
 * and a diff of every later revision against what may change after signing.
 */
#ifndef ESEAL_PDFVERIFY_H
#define ESEAL_PDFVERIFY_H

#include "common.h"
#include "pki.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Verifies every document signature of the PDF at path into a new report
 * (kind "pdf", one item "signature N" per signature, oldest first). Each
 * item says which revision it signs ("signed_revision" N of M) and whether
 * that is the whole file. trust may be NULL: chains then end
 * INDETERMINATE/NO_TRUST_ANCHOR. Returns a negative code only when the file
 * cannot be read or parsed as PDF at all.
 */
int eseal_pdf_verify(const char *path, const eseal_trust *trust, eseal_report **out);

#ifdef __cplusplus
}
#endif
#endif
