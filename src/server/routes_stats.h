/*
 * routes_stats.h - the statistics route (routes_stats.c) and the picture
 * and material routes (routes_media.c) the console's dashboard, seal list
 * and review view read.
 */
#ifndef ESEAL_ROUTES_STATS_H
#define ESEAL_ROUTES_STATS_H

#include "server_internal.h"

/* GET /api/v1/stats: seals by state, signings per day (last 30 days) and
 * per organisation, applications by state; the caller's organisation, or
 * every organisation (?org= narrows) for the system administrator. */
void srv_h_stats(srv_req *r);

/* GET /api/v1/seals/{esid}/picture: the seal's picture (PNG or JPEG). */
void srv_h_seal_picture(srv_req *r);
/* GET /api/v1/seal-applications/{id}/picture: the picture applied for. */
void srv_h_app_picture(srv_req *r);
/* GET /api/v1/seal-applications/{id}/materials/{n}: material n (its id). */
void srv_h_app_material(srv_req *r);
/* POST /api/v1/seal-applications/picture-import: a scan (PNG or JPEG body)
 * in, the red impression lifted out as a transparent PNG (base64) out. */
void srv_h_picture_import(srv_req *r);

#endif
