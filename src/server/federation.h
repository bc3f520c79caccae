/*
 * federation.h - the city → province → ministry hierarchy: a subordinate
 * instance registers with its parent (which issues its system certificate)
 * and then pushes every seal event upward, signed with its system key;
 * the parent applies each (origin, sequence) once and relays it further up.
 * See docs/federation.md. Never apply an event that is not signed by a
 * registered, approved child's certificate issued by this instance's CA.
 */
#ifndef ESEAL_SERVER_FEDERATION_H
#define ESEAL_SERVER_FEDERATION_H

#include "eseal/net.h"
#include "eseal/pki.h"
#include "server_internal.h"

typedef struct eseal_federation_config {
	const char *dir;             /* data directory: system.key, system.pem */
	const char *pass;            /* encrypts system.key */
	const char *db_url;
	const char *name;            /* this instance's name (required with parent) */
	const char *region;          /* its 6-digit region code */
	const char *self_url;        /* where the parent can reach it (informational) */
	const char *parent;          /* parent's base URL, NULL: top of the hierarchy */
	int accept_children;         /* approve registrations at once */
	int max_backoff_ms;          /* 0 = 5000 */
} eseal_federation_config;

typedef struct eseal_federation eseal_federation;

/* Loads or generates the system key; with a parent, starts the thread that
 * registers and pushes events. */
int eseal_federation_start(eseal_federation **out, const eseal_federation_config *cfg);
/* Stops the thread and frees f (NULL is fine). */
void eseal_federation_stop(eseal_federation *f);
int eseal_federation_accepts_children(const eseal_federation *f);
/* This instance's region code, NULL at the top of the hierarchy. */
const char *eseal_federation_region(const eseal_federation *f);
/* The region code without trailing "00" pairs: the prefix of the esIDs it
 * covers ("110000" → 2, "110100" → 4). */
size_t eseal_federation_region_prefix(const char *region);
/* Asks the parent for the status of a seal this instance does not know:
 * GET parent/api/v1/status/ESID?QUERY (query may be NULL). ESEAL_ENOTFOUND
 * without a parent; any HTTP status is a success (see ans->status). */
int eseal_federation_parent_status(eseal_federation *f, const char *esid, const char *query,
				   eseal_http_answer *ans);

/* Route handlers (routes_federation.c). */
void srv_h_fed_register(srv_req *r);
void srv_h_fed_register_get(srv_req *r);
void srv_h_fed_children(srv_req *r);
void srv_h_fed_approve(srv_req *r);
void srv_h_fed_refuse(srv_req *r);
void srv_h_fed_events(srv_req *r);
void srv_h_fed_seal_events(srv_req *r);
extern const srv_field srv_fed_register_body[];
extern const srv_field srv_fed_events_body[];

#endif
