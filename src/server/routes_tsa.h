/*
 * routes_tsa.h - the RFC 3161 time-stamp route (routes_tsa.c).
 */
#ifndef ESEAL_ROUTES_TSA_H
#define ESEAL_ROUTES_TSA_H

#include "server_internal.h"

/* POST /api/v1/tsa: application/timestamp-query in,
 * application/timestamp-reply out (RFC 3161 §3.4). */
void srv_h_tsa(srv_req *r);

#endif
