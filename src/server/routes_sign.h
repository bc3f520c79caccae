/*
 * routes_sign.h - centralized signing and verification routes
 * (routes_sign.c, routes_verify.c): sign requests, their review, signed
 * document download, hash-only signing, the per-seal signing policy and
 * the verification service.
 */
#ifndef ESEAL_ROUTES_SIGN_H
#define ESEAL_ROUTES_SIGN_H

#include "eseal/store.h"
#include "server_internal.h"

void srv_h_sign_create(srv_req *r);
void srv_h_sign_list(srv_req *r);
void srv_h_sign_get(srv_req *r);
void srv_h_sign_approve(srv_req *r);
void srv_h_sign_reject(srv_req *r);
void srv_h_sign_download(srv_req *r);
void srv_h_sign_hash(srv_req *r);
void srv_h_sign_policy(srv_req *r);
void srv_h_verify(srv_req *r);

/* A seal's row with what signing needs (keys included: wiped on free). */
typedef struct srv_seal_row {
	int64_t id, org_id, app_id, valid_end, uses_limit, uses_count;
	long type;
	char esid[32], org[SRV_ORG_MAX], org_name[256], stored[16], state[16];
	int auto_approve;
	eseal_buf seal_der, cert_der, key_blob;
} srv_seal_row;

/* Loads a seal by esid, or by id when esid is NULL, for the caller's
 * organisation; answers 404 / 500 itself and then returns non-zero. */
int srv_seal_row_load(srv_req *r, eseal_store *db, const char *esid, int64_t id, srv_seal_row *s);
void srv_seal_row_free(srv_seal_row *s);

extern const srv_field srv_sign_body[];
extern const srv_field srv_sign_hash_body[];
extern const srv_field srv_sign_policy_body[];
extern const srv_field srv_verify_body[];

#endif
