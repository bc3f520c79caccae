/*
 * status.h - seal status publishing: signed status answers (one seal,
 * modelled on OCSP) and signed seal revocation lists (full and delta,
 * modelled on CRLs), both DER and SM2-signed by a status publisher
 * certificate. The formats are specified byte by byte in docs/status.md.
 *
 * Parsing is strict (DER only, bounded sizes) because answers and lists
 * come from the network; a parsed object is only trusted after
 * eseal_status_signed_verify() said so.
 */
#ifndef ESEAL_STATUS_H
#define ESEAL_STATUS_H

#include "common.h"
#include "crypto.h"
#include "pki.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESEAL_STATUS_ESID_MAX 64        /* esID: 1..64 letters and digits */
#define ESEAL_STATUS_REASON_MAX 256     /* reason text, UTF-8 bytes */
#define ESEAL_STATUS_MAX_DER (64u * 1024u * 1024u)
#define ESEAL_SRL_MAX_ENTRIES 1000000
#define ESEAL_STATUS_MAX_CERTS 8

/* OID arc of the formats (a private arc under the eseal project). */
#define ESEAL_OID_SM2_SM3 "1.2.156.10197.1.501"

typedef enum {
	ESEAL_SEAL_GOOD = 0,
	ESEAL_SEAL_LOST = 1,       /* 挂失: reported lost (may be lifted later) */
	ESEAL_SEAL_CANCELLED = 2,  /* 注销: final */
	ESEAL_SEAL_EXPIRED = 3,
	ESEAL_SEAL_UNKNOWN = 4,    /* the publisher knows no such seal */
	ESEAL_SEAL_LIFTED = 5,     /* delta lists only: the entry leaves the list */
} eseal_seal_state;

/* "good", "lost", "cancelled", "expired", "unknown", "lifted". */
const char *eseal_seal_state_name(eseal_seal_state s);
/* 0 and *out, or ESEAL_EINVAL; also accepts the store's "valid". */
int eseal_seal_state_from_name(const char *name, eseal_seal_state *out);

/* One seal's status (SealStatusResponse). */
typedef struct eseal_status_answer {
	char esid[ESEAL_STATUS_ESID_MAX + 1];
	eseal_seal_state state;
	time_t revocation_time;    /* lost/cancelled/expired: since when; else 0 */
	char reason[ESEAL_STATUS_REASON_MAX + 1]; /* "" = none */
	time_t this_update, next_update;
	time_t at;                 /* the time asked about ("status at T"); 0 = now */
} eseal_status_answer;

/* One entry of a revocation list. */
typedef struct eseal_srl_entry {
	char esid[ESEAL_STATUS_ESID_MAX + 1];
	eseal_seal_state state;    /* lost, cancelled (full); also lifted (delta) */
	time_t revocation_time;    /* lifted: when the loss was lifted */
	char *reason;              /* heap, NULL = none */
} eseal_srl_entry;

/* A seal revocation list; entries sorted by esID (byte order), unique. */
typedef struct eseal_srl {
	int delta;                 /* 0 full, 1 delta */
	int64_t number;            /* grows with every list the publisher signs */
	int64_t base_number;       /* delta: applies to a full list numbered >= this */
	time_t this_update, next_update;
	eseal_srl_entry *entries;
	size_t n, cap;
} eseal_srl;

void eseal_srl_init(eseal_srl *l);
void eseal_srl_clear(eseal_srl *l);
/* Adds or replaces the entry for e->esid (reason copied); keeps the order. */
int eseal_srl_put(eseal_srl *l, const eseal_srl_entry *e);
/* Removes the entry for esid; 0 or ESEAL_ENOTFOUND. */
int eseal_srl_remove(eseal_srl *l, const char *esid);
const eseal_srl_entry *eseal_srl_find(const eseal_srl *l, const char *esid);
/* The delta that turns full list `base` into full list `cur` (numbers and
 * times taken from cur; base_number = base->number). */
int eseal_srl_diff(const eseal_srl *base, const eseal_srl *cur, eseal_srl *delta_out);
/* Applies a delta to a full list in place: the delta's base number must be
 * <= full->number < delta->number. */
int eseal_srl_apply_delta(eseal_srl *full, const eseal_srl *delta);

/* 1 when s is 1..64 ASCII letters and digits. */
int eseal_esid_ok(const char *s);

/* Signing: certs[0] is the status publisher certificate (its key is key),
 * further certificates are intermediates shipped for chain building. */
int eseal_status_answer_sign(const eseal_status_answer *a, const eseal_key *key,
			     const eseal_cert *const *certs, size_t ncerts, eseal_buf *out);
int eseal_srl_sign(const eseal_srl *l, const eseal_key *key, const eseal_cert *const *certs,
		   size_t ncerts, eseal_buf *out);

/* What a parsed answer or list was signed with. */
typedef struct eseal_status_signed eseal_status_signed;

/* Strict parsers. sig may be NULL when the caller only wants the contents
 * (never trust them without verifying). */
int eseal_status_answer_parse(const uint8_t *der, size_t len, eseal_status_answer *out,
			      eseal_status_signed **sig);
int eseal_srl_parse(const uint8_t *der, size_t len, eseal_srl *out, eseal_status_signed **sig);
/* 1 when der looks like a SealRevocationList, 2 a SealStatusResponse, 0
 * neither (cheap sniffing, nothing is verified). */
int eseal_status_sniff(const uint8_t *der, size_t len);

/*
 * Checks the SM2 signature (SM3, ID 1234567812345678) over the exact tbs
 * bytes with the embedded responder certificate, that the certificate may
 * publish status (extended key usage OCSPSigning, digitalSignature, not a
 * CA) and that it chains to an anchor in trust at time at. Returns 0 when
 * all hold, ESEAL_EVERIFY with a reason in why otherwise.
 */
int eseal_status_signed_verify(const eseal_status_signed *s, const eseal_trust *trust, time_t at,
			       char *why, size_t whylen);
/* The responder certificate (owned by s), NULL when none was embedded. */
const eseal_cert *eseal_status_signed_cert(const eseal_status_signed *s);
void eseal_status_signed_free(eseal_status_signed *s);

/*
 * Status of a seal at time t. From a (full, deltas applied) list: a seal
 * not listed is good; a listed seal is good before its revocation time.
 * From an answer: the answer's state if the revocation time is not after t,
 * good before it; an answer for another esID or about another time than t
 * is refused (ESEAL_EINVAL). out gets state, revocation time and reason.
 */
int eseal_srl_status_at(const eseal_srl *l, const char *esid, time_t t, eseal_status_answer *out);
int eseal_status_answer_at(const eseal_status_answer *a, const char *esid, time_t t,
			   eseal_status_answer *out);

/*
 * Where a verifier gets seal status from: revocation lists given as files
 * (a full list and any deltas, in any order) and/or an online status
 * service. Lists and answers are verified against trust (borrowed; must
 * outlive the source).
 */
typedef struct eseal_status_source eseal_status_source;
int eseal_status_source_new(eseal_status_source **out, const eseal_trust *trust);
/* A DER SealRevocationList; 0, or ESEAL_EFORMAT when it is not one. Its
 * signature is checked when the source is used, not here. */
int eseal_status_source_add_list(eseal_status_source *s, const uint8_t *der, size_t len);
/* Base URL of a status service ("http://host:port/"; "{esid}" in it is
 * replaced by the seal code, otherwise api/v1/status/ESID is appended). */
int eseal_status_source_set_url(eseal_status_source *s, const char *url, int timeout_ms);
void eseal_status_source_free(eseal_status_source *s);
/* Status of esid at t from the source (the online service first, then the
 * lists). 0 and *out; a negative code (message set) when no trustworthy
 * status could be had. */
int eseal_status_source_query(eseal_status_source *s, const char *esid, time_t t, eseal_status_answer *out,
			      char *note, size_t notelen);
/*
 * Adds a "seal_status" check to every item of r that names a seal (fact
 * "esid") at its signing time (fact "time"): lost or cancelled at signing
 * time fails (REVOKED), expired fails (EXPIRED), unknown or unavailable
 * status is INDETERMINATE (TRY_LATER); a loss after signing passes with a
 * note. Then concludes the items again.
 */
int eseal_status_check_report(eseal_status_source *s, eseal_report *r);

#ifdef __cplusplus
}
#endif
#endif
