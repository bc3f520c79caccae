/*
 * routes_render.h - the page preview route (routes_render.c) for the route
 * table in routes_basic.c.
 */
#ifndef ESEAL_ROUTES_RENDER_H
#define ESEAL_ROUTES_RENDER_H

#include "server_internal.h"

extern const srv_field srv_render_body[];
void srv_h_render(srv_req *r);

#endif
