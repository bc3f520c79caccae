/*
 * routes_place.h - the placement routes (routes_place.c): proposals, and
 * the accepted or moved placements kept as each organisation's history.
 */
#ifndef ESEAL_ROUTES_PLACE_H
#define ESEAL_ROUTES_PLACE_H

#include "server_internal.h"

extern const srv_field srv_place_body[];
extern const srv_field srv_place_feedback_body[];

/* POST /api/v1/place: {document (base64), org_name?, seals?} ->
 * {placements:[{page,x,y,kind,seal_type,confidence,reason}], ...}. */
void srv_h_place(srv_req *r);
/* POST /api/v1/place/feedback: {document, placements, action} stored as
 * the caller's organisation's history. */
void srv_h_place_feedback(srv_req *r);

#endif
