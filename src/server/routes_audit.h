/*
 * routes_audit.h - the audit log routes (routes_audit.c) for the route
 * table. Read-only except for the 'audit.export' entry an export leaves.
 */
#ifndef ESEAL_SERVER_ROUTES_AUDIT_H
#define ESEAL_SERVER_ROUTES_AUDIT_H

#include "server_internal.h"

void srv_h_audit_list(srv_req *r);
void srv_h_audit_head(srv_req *r);
void srv_h_audit_proof(srv_req *r);
void srv_h_audit_consistency(srv_req *r);

#endif
