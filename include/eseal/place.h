/*
 * place.h - intelligent seal placement: where, and which seal, to stamp.
 *
 * Works on the text model of text.h only (mm, origin top-left, y down), so
 * OFD and PDF are treated alike. The engine proposes; it never stamps, and
 * it never presents a guess as certain: a document it does not recognise
 * gets no placement, a low confidence and a reason.
 */
#ifndef ESEAL_PLACE_H
#define ESEAL_PLACE_H

#include "common.h"
#include "text.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Seal types, as a bit set of the types an organisation owns. */
enum {
	ESEAL_SEAL_OFFICIAL = 1 << 0, /* 公章 */
	ESEAL_SEAL_CONTRACT = 1 << 1, /* 合同专用章 */
	ESEAL_SEAL_FINANCE = 1 << 2,  /* 财务专用章 */
	ESEAL_SEAL_INVOICE = 1 << 3,  /* 发票专用章 */
	ESEAL_SEAL_PERSONAL = 1 << 4  /* 名章 */
};

/* "official" -> ESEAL_SEAL_OFFICIAL ...; 0 when unknown. */
unsigned eseal_seal_type_bit(const char *name);
/* Comma-separated list ("official,contract") to a bit set; -1 on an unknown name. */
int eseal_seal_types_parse(const char *list, unsigned *out);

typedef struct eseal_place_item {
	int page;               /* 1-based */
	double x, y;            /* seal centre, mm, top-left origin */
	int perforation;        /* 1 for a cross-page seal (骑缝章) */
	char seal_type[16];     /* "official", "contract", ... */
	double confidence;      /* 0..1 */
	char reason[320];       /* English, for people */
	char reason_zh[320];    /* Chinese, for people */
} eseal_place_item;

/* One earlier signed document of the organisation and where it stamped it. */
typedef struct eseal_place_history {
	const eseal_text_doc *doc;
	const eseal_place_item *placements; /* page, x, y, seal_type used */
	size_t nplacements;
} eseal_place_history;

typedef struct eseal_place_request {
	const char *org;        /* the signer's name as written in the document */
	unsigned seals;         /* ESEAL_SEAL_* owned */
	const eseal_place_history *history;
	size_t nhistory;
} eseal_place_request;

typedef struct eseal_place_result {
	eseal_place_item *items; /* malloc'd; normal seals first */
	size_t n;
	char doc_class[16];     /* official, contract, certificate, form, receipt, habit, unknown */
	double confidence;      /* overall */
	char reason[320];       /* overall, English */
	char reason_zh[320];
} eseal_place_result;

/* Proposes placements. Returns 0 (possibly with n = 0 and a reason when
 * nothing is recognisable) or a negative ESEAL_E* code. */
int eseal_place_propose(const eseal_text_doc *doc, const eseal_place_request *req,
			eseal_place_result *out);
void eseal_place_result_free(eseal_place_result *r);

/* {"placements":[{"page","x","y","kind","seal_type","confidence","reason","reason_zh"}],
 *  "class":..,"confidence":..,"reason":..} appended to out. */
int eseal_place_result_json(const eseal_place_result *r, eseal_buf *out);

#ifdef __cplusplus
}
#endif
#endif
