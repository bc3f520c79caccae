/*
 * pdfsign.h - signing PDF documents with an electronic seal by incremental
 * update: the original bytes (and every earlier signature) stay untouched,
 * one new revision adds the signature field, its widgets showing the seal
 * picture and the signature value.
 *
 * Formats: GM/T 0010 CMS with SM2/SM3 (/SubFilter /adbe.pkcs7.detached),
 * SES_Signature V4 (/SubFilter /ESEAL.SES.V4) and PAdES (CAdES detached
 * with ECDSA P-256 or RSA, /SubFilter /ETSI.CAdES.detached). Placements use
 * the model of ofdsign.h: mm from the top-left corner of the visible page.
 */
#ifndef ESEAL_PDFSIGN_H
#define ESEAL_PDFSIGN_H

#include "common.h"
#include "crypto.h"
#include "pki.h"
#include "ofdsign.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	ESEAL_PDF_CMS_SM2 = 0, /* default */
	ESEAL_PDF_SES = 1,
	ESEAL_PDF_PADES = 2,
} eseal_pdf_sig_format;

typedef struct eseal_pdf_sign_opts {
	eseal_pdf_sig_format format;
	const uint8_t *seal;         /* the SESeal DER: picture, size, travels in /ESealSeal */
	size_t seal_len;
	const eseal_cert *signer;
	const eseal_key *key;
	eseal_cert *const *chain;    /* extra certificates for CMS/PAdES (may be NULL) */
	size_t nchain;
	const eseal_placement *places;
	size_t nplaces;              /* 0 => invisible signature */
	int certify;                 /* DocMDP P=2 certification signature */
	const char *reason, *location, *name;
	time_t when;                 /* 0 = now */
	/* RFC 3161 time-stamp over the signature value: an unsigned
	 * signature-time-stamp attribute (CMS and PAdES, as
	 * eseal_cms_sign_opts.timestamp) or SES_Signature.timeStamp (SES);
	 * tsa.h has a callback. */
	int (*timestamp)(void *ctx, const char *hash, const uint8_t *sig, size_t siglen, eseal_buf *token);
	void *timestamp_ctx;
} eseal_pdf_sign_opts;

/* One widget as written (visible-page mm, top-left origin). */
typedef struct eseal_pdf_placed {
	int page;                    /* 1-based */
	eseal_box box;               /* the widget's visible area */
	double rect[4];              /* its /Rect in default user space */
} eseal_pdf_placed;

typedef struct eseal_pdf_sign_result {
	char field[32];              /* the field name (/T) */
	uint64_t byte_range[4];
	size_t contents_capacity;    /* bytes reserved for the signature */
	size_t sig_len;              /* bytes used */
	eseal_pdf_placed *placed;    /* malloc'd */
	size_t nplaced;
} eseal_pdf_sign_result;

/*
 * Signs the PDF file `in` into `out` (a temporary file renamed at the end;
 * out may equal in). res may be NULL; otherwise free it with
 * eseal_pdf_sign_result_free. ESEAL_EDENIED when the document's
 * permissions or a DocMDP certification forbid signing, ESEAL_EUNSUPPORTED
 * for encryption we cannot reproduce, ESEAL_ENOTFOUND for a missing keyword
 * or page.
 */
int eseal_pdf_sign(const char *in, const char *out, const eseal_pdf_sign_opts *o,
		   eseal_pdf_sign_result *res);
void eseal_pdf_sign_result_free(eseal_pdf_sign_result *res);

#ifdef __cplusplus
}
#endif
#endif
