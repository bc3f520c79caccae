/*
 * status_routes.h - the status publishing routes (routes_status.c) and
 * what they need from the status store (status_store.c): signed answers
 * per seal, full and delta revocation lists, with their ETags.
 */
#ifndef ESEAL_SERVER_STATUS_ROUTES_H
#define ESEAL_SERVER_STATUS_ROUTES_H

#include "eseal/pki.h"
#include "eseal/status.h"
#include "server_internal.h"

/* Handlers for the route table. */
void srv_h_status(srv_req *r);
void srv_h_srl_full(srv_req *r);
void srv_h_srl_delta(srv_req *r);

/* Gives the store its signer: key and certs[0] the status publisher
 * certificate, further certs intermediates (all taken over, also on
 * failure). Without a signer the store answers unsigned JSON only. */
int srv_status_store_set_signer(srv_status_store *s, eseal_key *key, eseal_cert **certs, size_t ncerts);
/* Answer validity, list validity and the shortest time between two list
 * checks, in seconds (0 keeps the default: 3600, 3600, 1). */
void srv_status_store_set_times(srv_status_store *s, int answer_validity, int list_validity, int list_interval);
int srv_status_store_signed(const srv_status_store *s);
/* An instance's data directory: DIR/status.key (encrypted with pass), and
 * DIR/status.pem with the CA certificates of DIR/ca/ca.pem. use_dir takes
 * key (NULL: nothing to do). */
int srv_status_signer_key_load(eseal_key **key, const char *dir, const char *pass);
int srv_status_store_use_dir(srv_status_store *s, eseal_key *key, const char *dir);

/* The signed answer about esid at time at (0 = now): DER in der, its ETag
 * ("\"...\"") and the answer itself. Unknown seals get a signed "unknown". */
int srv_status_store_answer(srv_status_store *s, const char *esid, time_t at, time_t now, eseal_buf *der,
			    char etag[70], eseal_status_answer *a);
/* The latest full list (delta = 0) or the delta from list `since` to the
 * latest (delta = 1; ESEAL_ENOTFOUND when since is unknown, ESEAL_EEXISTS
 * when since is the latest). */
int srv_status_store_list(srv_status_store *s, int delta, int64_t since, time_t now, eseal_buf *der, char etag[70],
			  time_t *next_update, int64_t *number);

#endif
