/*
 * report.h - the verification report shared by seals, OFD and PDF.
 *
 * Modelled on ETSI EN 319 102-1: every item (a signature, or a seal on its
 * own) gets an indication TOTAL-PASSED, TOTAL-FAILED or INDETERMINATE with a
 * sub-indication, the list of checks that led there, and facts for the
 * human summary (signer, seal, time, position ...).
 */
#ifndef ESEAL_REPORT_H
#define ESEAL_REPORT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	ESEAL_TOTAL_PASSED = 0,
	ESEAL_TOTAL_FAILED = 1,
	ESEAL_INDETERMINATE = 2,
} eseal_indication;

typedef enum {
	ESEAL_CHECK_PASSED = 0,
	ESEAL_CHECK_FAILED = 1,
	ESEAL_CHECK_INDETERMINATE = 2,
	ESEAL_CHECK_WARNING = 3,  /* reported, does not change the indication */
	ESEAL_CHECK_SKIPPED = 4,  /* not applicable or not asked for */
} eseal_check_status;

/* Sub-indications used across eseal. */
#define ESEAL_SUB_FORMAT_FAILURE "FORMAT_FAILURE"
#define ESEAL_SUB_HASH_FAILURE "HASH_FAILURE"
#define ESEAL_SUB_SIG_CRYPTO_FAILURE "SIG_CRYPTO_FAILURE"
#define ESEAL_SUB_SEAL_CRYPTO_FAILURE "SEAL_CRYPTO_FAILURE"
#define ESEAL_SUB_SIGNER_NOT_IN_SEAL "SIGNER_NOT_IN_SEAL"
#define ESEAL_SUB_NO_TRUST_ANCHOR "NO_TRUST_ANCHOR"
#define ESEAL_SUB_CHAIN_FAILURE "CHAIN_CONSTRAINTS_FAILURE"
#define ESEAL_SUB_EXPIRED "EXPIRED"
#define ESEAL_SUB_NOT_YET_VALID "NOT_YET_VALID"
#define ESEAL_SUB_REVOKED "REVOKED"
#define ESEAL_SUB_SEAL_MISMATCH "SEAL_MISMATCH"
#define ESEAL_SUB_UNCOVERED_CONTENT "UNCOVERED_CONTENT"
#define ESEAL_SUB_MODIFIED_AFTER "MODIFIED_AFTER_SIGNING"
#define ESEAL_SUB_TRY_LATER "TRY_LATER"

typedef struct eseal_report eseal_report;
typedef struct eseal_report_item eseal_report_item;

/* kind: "seal", "ofd", "pdf"; subject: usually the file name. */
int eseal_report_new(eseal_report **out, const char *kind, const char *subject);
void eseal_report_free(eseal_report *r);
/* A new item ("signature 1", "seal"); NULL only when out of memory. */
eseal_report_item *eseal_report_add(eseal_report *r, const char *id);
/* Facts about the whole document ("pages", "revisions" ...). */
void eseal_report_fact(eseal_report *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A problem of the whole document (e.g. a zip anomaly), shown once. */
void eseal_report_warning(eseal_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Records one check. sub is the sub-indication a failure leads to (may be
 * NULL for passed checks). */
void eseal_item_check(eseal_report_item *it, const char *check, eseal_check_status st,
		      const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void eseal_item_fact(eseal_report_item *it, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Computes the item's indication from its checks: the first FAILED check
 * gives TOTAL-FAILED with its sub-indication; else the first INDETERMINATE
 * gives INDETERMINATE; else TOTAL-PASSED. */
void eseal_item_conclude(eseal_report_item *it);

size_t eseal_report_count(const eseal_report *r);
eseal_report_item *eseal_report_get(const eseal_report *r, size_t i);
const char *eseal_item_id(const eseal_report_item *it);
eseal_indication eseal_item_indication(const eseal_report_item *it);
const char *eseal_item_subindication(const eseal_report_item *it);
/* Status of a named check (-1 when the check was not recorded). */
int eseal_item_check_status(const eseal_report_item *it, const char *check);
const char *eseal_item_fact_get(const eseal_report_item *it, const char *key);
/* Worst indication over all items (TOTAL-PASSED when there are none). */
eseal_indication eseal_report_overall(const eseal_report *r);
const char *eseal_indication_name(eseal_indication i);

/* JSON (stable, for machines) and a human summary (zh = Chinese). Both
 * append to out, and append nothing when they fail. */
int eseal_report_json(const eseal_report *r, eseal_buf *out);
int eseal_report_text(const eseal_report *r, int zh, eseal_buf *out);
/* Human name of a check ("签章签名值" / "Signature value"); unknown names
 * come back as given. */
const char *eseal_report_check_label(const char *check, int zh);
/* The JSON status word: "passed", "failed", "indeterminate", "warning",
 * "skipped". */
const char *eseal_check_status_name(eseal_check_status st);

#ifdef __cplusplus
}
#endif
#endif
