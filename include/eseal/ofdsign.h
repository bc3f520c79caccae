/*
 * ofdsign.h - signing OFD documents with an electronic seal (GB/T 33190 §18,
 * GB/T 38540) and verifying every signature of an OFD document.
 *
 * Signing writes a new package: unchanged entries are copied without
 * recompression, OFD.xml and Signatures.xml are edited as text so their
 * other bytes stay the same, and the new Signature.xml is written once and
 * hashed as written. Earlier signatures stay valid unless one of them
 * protects Signatures.xml (a locked document), which refuses signing.
 *
 * Coordinates are millimetres with the origin at the page's top-left corner;
 * a seal position is the seal's centre.
 */
#ifndef ESEAL_OFDSIGN_H
#define ESEAL_OFDSIGN_H

#include "common.h"
#include "crypto.h"
#include "pki.h"
#include "report.h"
#include "text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	ESEAL_PLACE_AT = 1,          /* page + centre */
	ESEAL_PLACE_KEYWORD = 2,     /* centred on a keyword's box */
	ESEAL_PLACE_PERFORATION = 3, /* cross-page seal (骑缝章) */
} eseal_place_kind;

enum { ESEAL_SIDE_RIGHT = 0, ESEAL_SIDE_LEFT = 1 };

typedef struct eseal_placement {
	eseal_place_kind kind;
	int page;             /* AT: 1-based page index */
	double x, y;          /* AT: centre; PERFORATION: y centre (y <= 0: page middle) */
	const char *keyword;  /* KEYWORD: UTF-8 text */
	int occurrence;       /* KEYWORD: 1-based; 0 = every occurrence */
	int side;             /* PERFORATION: ESEAL_SIDE_RIGHT or ESEAL_SIDE_LEFT */
	const char *pages;    /* PERFORATION: "1-3,5"; NULL = every page */
} eseal_placement;

/* Parses a page range ("1-3,5", "2-", "all") for a document of npages
 * pages into a sorted list of distinct 1-based indexes (malloc'd). */
int eseal_page_range_parse(const char *s, int npages, int **pages, size_t *n);

typedef struct eseal_ofd_sign_opts {
	const uint8_t *seal;         /* the SESeal (first TLV of a .esl file) */
	size_t seal_len;
	const eseal_cert *signer;    /* must be in the seal's certList */
	const eseal_key *key;        /* the signer's private key */
	const eseal_placement *places;
	size_t nplaces;              /* 0 => invisible signature */
	int lock;                    /* protect Signatures.xml: no later signature */
	time_t when;                 /* signing time; 0 = now */
	/* RFC 3161 time-stamp over the signature value, stored in
	 * SES_Signature.timeStamp (NULL: none); tsa.h has a callback. */
	int (*timestamp)(void *ctx, const char *hash, const uint8_t *sig, size_t siglen, eseal_buf *token);
	void *timestamp_ctx;
} eseal_ofd_sign_opts;

/* One StampAnnot as written. */
typedef struct eseal_ofd_placed {
	int page;                    /* 1-based index */
	char page_id[64];            /* the Page ID used as PageRef */
	eseal_box boundary;
	int has_clip;
	eseal_box clip;
} eseal_ofd_placed;

typedef struct eseal_ofd_sign_result {
	char sig_id[32];             /* ID in Signatures.xml */
	char sig_path[256];          /* canonical path of the new Signature.xml */
	size_t nrefs;                /* files protected */
	eseal_ofd_placed *placed;    /* malloc'd */
	size_t nplaced;
} eseal_ofd_sign_result;

/*
 * Signs the OFD file `in` into `out` (written atomically; out may equal in).
 * res may be NULL; otherwise free it with eseal_ofd_sign_result_free.
 * ESEAL_EDENIED when the document is locked, ESEAL_ENOTFOUND when a keyword
 * is absent or a page does not exist, ESEAL_EEXPIRED / ESEAL_EVERIFY from
 * the seal checks of eseal_sessig_make.
 */
int eseal_ofd_sign(const char *in, const char *out, const eseal_ofd_sign_opts *o,
		   eseal_ofd_sign_result *res);
void eseal_ofd_sign_result_free(eseal_ofd_sign_result *res);

/*
 * Verifies every signature of an OFD file into a new report (kind "ofd"),
 * one item per signature. A package that cannot be opened safely (duplicate
 * entries, header mismatches, limits) still gives a report: one item
 * "package" TOTAL-FAILED/FORMAT_FAILURE saying why. Returns a negative code
 * only for I/O errors and out of memory. trust may be NULL (chains are then
 * INDETERMINATE/NO_TRUST_ANCHOR).
 */
int eseal_ofd_verify(const char *path, const eseal_trust *trust, eseal_report **out);

#ifdef __cplusplus
}
#endif
#endif
