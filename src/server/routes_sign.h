/*
 * routes_sign.h - centralized signing and verification routes
 * (routes_sign.c, routes_verify.c): sign requests, their review, signed
 * document download, hash-only signing, the per-seal signing policy and
 * the verification service.
 */
#ifndef ESEAL_ROUTES_SIGN_H
#define ESEAL_ROUTES_SIGN_H

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

extern const srv_field srv_sign_body[];
extern const srv_field srv_sign_hash_body[];
extern const srv_field srv_sign_policy_body[];
extern const srv_field srv_verify_body[];

#endif
