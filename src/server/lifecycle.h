/*
 * lifecycle.h - the making system behind the organisation, application and
 * seal routes (routes_org.c, routes_seal.c): its context (connection pool,
 * CA, maker certificate, key-encryption key), the seal state machine, esID
 * allocation and the helpers every lifecycle handler shares. Never change
 * a seal's state except through lc_transition(), so every change lands in
 * seal_events and in the audit log.
 */
#ifndef ESEAL_SERVER_LIFECYCLE_H
#define ESEAL_SERVER_LIFECYCLE_H

#include <pthread.h>

#include "eseal/pki.h"
#include "eseal/store.h"
#include "server_internal.h"

struct eseal_making {
	eseal_store_pool *pool;
	pthread_mutex_t ca_mu;       /* the CA object and its index file are not thread-safe */
	eseal_ca *ca;
	const eseal_cert *maker;
	const eseal_key *maker_key;
	const eseal_kek *kek;        /* NULL: server-held seal keys are refused */
	int max_days;
};

/* ---- seal states (the values the status publisher reads) ---- */
typedef enum {
	LC_REPORT_LOSS = 1, /* 挂失 */
	LC_LIFT_LOSS,       /* 解除挂失 */
	LC_CANCEL,          /* 注销 (terminal) */
	LC_RENEW,           /* 续期: new certificate and SESeal, same seal code */
	LC_REPLACE,         /* 更换: a new seal replaces this one, which is cancelled */
	LC_CHANGE,          /* 变更: new seal data replace this seal, which is cancelled */
} lc_op;

const char *lc_op_name(lc_op op);
/* The state op leads to from state `from`, NULL when the transition is illegal. */
const char *lc_next_state(lc_op op, const char *from);
/* The state as the world sees it: a valid seal past its end is expired. */
const char *lc_effective_state(const char *stored, int64_t valid_end, time_t now);

/* ---- application kinds and states ---- */
/* "new", "change", "renew", "replace"; op for the seal the kind acts on
 * (0 for "new"). */
int lc_kind_op(const char *kind);
/* Seal types by name (official, finance, invoice, contract, personal,
 * business, other) and back; 0 / NULL when unknown. */
long lc_seal_type(const char *name);
const char *lc_seal_type_name(long type);

/* ---- shared helpers for handlers ---- */
/* The making system of r's server, or NULL after answering 503. */
eseal_making *lc_making(srv_req *r);
/* A connection for this request, or NULL after answering 503. */
eseal_store *lc_db(srv_req *r);
void lc_db_put(srv_req *r, eseal_store *db);
/* The audit actor for r ("name" for people, "api:<key id>" for systems). */
void lc_actor(const srv_req *r, char *out, size_t outlen);
/* Appends an audit entry for r; details may be NULL (not stolen). */
int lc_audit(eseal_store *db, srv_req *r, const char *action, const char *object, json_t *details);
/* The same with the object named by a format ("seal:%s"); details (may be
 * NULL) are stolen. */
int lc_auditf(eseal_store *db, srv_req *r, const char *action, json_t *details, const char *objfmt, ...)
	__attribute__((format(printf, 5, 6)));
/*
 * Moves a seal from `from` to `to` if it is still in stored state
 * `stored_from` (compare-and-set, so two requests cannot both win),
 * recording the seal event (from, to, actor, reason, time) and the audit
 * entry. ESEAL_EDENIED when the seal was changed meanwhile.
 */
int lc_transition(eseal_store *db, srv_req *r, int64_t seal_id, const char *esid, const char *stored_from,
		  const char *from, const char *to, const char *action, const char *reason);
/* Records a seal event without a state change check (creation). */
int lc_event(eseal_store *db, srv_req *r, int64_t seal_id, const char *from, const char *to,
	     const char *reason);

/* Organisation row by credit code: id, name and region code (out buffers
 * may be NULL). ESEAL_ENOTFOUND when unknown. */
int lc_org_get(eseal_store *db, const char *code, int64_t *id, char *name, size_t nlen, char *region,
	       size_t rlen);
/* Next seal code of a region: 6-digit region + 8-digit serial, unique. */
int lc_esid_next(eseal_store *db, const char *region, char out[16]);

/* Base64 (RFC 4648, padded, no line breaks on decode). */
int lc_b64_decode(eseal_buf *out, const char *in, size_t len);
int lc_b64_encode(eseal_buf *out, const uint8_t *in, size_t len);
/* PEM armour of DER with the given label (64 characters a line). */
int lc_pem(eseal_buf *out, const char *label, const uint8_t *der, size_t len);

/* ---- making (lifecycle_make.c) ---- */
typedef struct lc_make_in {
	const char *esid;
	const char *org_name;
	const char *name;            /* seal name */
	long type;
	int days;
	const uint8_t *picture;      /* PNG */
	size_t picture_len;
	time_t now;
	int server_key;              /* 1: keep the key wrapped with the KEK */
	const char *passphrase;      /* package mode: encrypts the key */
} lc_make_in;

typedef struct lc_make_out {
	eseal_buf seal_der;
	eseal_buf cert_der;
	eseal_buf key_blob;          /* server mode: the wrapped key */
	eseal_buf package;           /* package mode: the PEM bundle */
	time_t valid_start, valid_end;
	char cert_serial[80];
} lc_make_out;

/* Generates the seal key, has the CA issue the seal certificate (subject
 * serialNumber = esID) and builds the SESeal V4 signed by the maker. */
int lc_make_seal(eseal_making *m, const lc_make_in *in, lc_make_out *out);
void lc_make_out_free(lc_make_out *o);
/* Revokes a seal certificate at the CA (reason: RFC 5280 code). */
int lc_revoke_cert(eseal_making *m, const uint8_t *cert_der, size_t len, int reason, time_t when);

/* ---- handlers (routes_org.c, routes_seal.c) ---- */
void srv_h_org_create(srv_req *r);
void srv_h_org_list(srv_req *r);
void srv_h_app_create(srv_req *r);
void srv_h_app_list(srv_req *r);
void srv_h_app_get(srv_req *r);
void srv_h_app_approve(srv_req *r);
void srv_h_app_reject(srv_req *r);
void srv_h_app_make(srv_req *r);
void srv_h_seal_list(srv_req *r);
void srv_h_seal_get(srv_req *r);
void srv_h_seal_download(srv_req *r);
void srv_h_seal_events(srv_req *r);
void srv_h_seal_report_loss(srv_req *r);
void srv_h_seal_lift_loss(srv_req *r);
void srv_h_seal_cancel(srv_req *r);

extern const srv_field srv_org_body[];
extern const srv_field srv_app_body[];
extern const srv_field srv_review_body[];
extern const srv_field srv_make_body[];
extern const srv_field srv_reason_body[];

#endif
