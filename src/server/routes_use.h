/*
 * routes_use.h - decentralized use (routes_use.c): reporting signatures made
 * offline with a seal package, and listing them.
 */
#ifndef ESEAL_ROUTES_USE_H
#define ESEAL_ROUTES_USE_H

#include "server_internal.h"

void srv_h_use_report(srv_req *r);
void srv_h_use_list(srv_req *r);

extern const srv_field srv_use_body[];

#endif
