/*
 * http.c - the libmicrohttpd side of the server: listening socket, thread
 * pool, connection limits and timeouts, body accumulation with hard size
 * limits (413 before reading an announced oversized body), and handing each
 * complete request to srv_dispatch(). Never let a handler run before the
 * whole body arrived and never buffer more than the route's limit.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "server_internal.h"

typedef struct conn {
	srv_server *s;
	char *uri;            /* raw request target, as sent */
	eseal_buf body;
	size_t limit;
	size_t discarded;
	int started, too_big;
} conn;

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *mc)
{
	conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->s = cls;
	c->uri = strdup(uri ? uri : "");
	return c;
}

static void completed(void *cls, struct MHD_Connection *mc, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	conn *c = *con_cls;
	if (!c)
		return;
	if (c->started)
		srv_metrics_inflight(c->s->metrics, -1);
	eseal_buf_free(&c->body);
	free(c->uri);
	free(c);
	*con_cls = NULL;
}

static enum MHD_Result send_req(struct MHD_Connection *mc, srv_req *r)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(r->out.len, r->out.data,
								     MHD_RESPMEM_MUST_FREE);
	if (!resp)
		return MHD_NO;
	r->out.data = NULL; /* MHD owns it now */
	r->out.len = r->out.cap = 0;
	if (r->content_type)
		MHD_add_response_header(resp, "Content-Type", r->content_type);
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (!r->route || !(r->route->flags & SRV_R_RAW))
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	for (int i = 0; i < r->nextra; i++) {
		char *colon = strchr(r->extra_headers[i], ':');
		if (!colon)
			continue;
		*colon = 0;
		MHD_add_response_header(resp, r->extra_headers[i], colon + 2);
	}
	enum MHD_Result ret = MHD_queue_response(mc, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* A bare problem answer outside the pipeline (413 before the body). */
static enum MHD_Result send_problem(struct MHD_Connection *mc, conn *c, int status, const char *slug,
				    const char *title, const char *detail)
{
	srv_req r;
	srv_req_init(&r, c->s);
	char path[512];
	snprintf(path, sizeof path, "%.*s", (int)strcspn(c->uri, "?"), c->uri);
	r.path = path;
	r.method = "";
	unsigned long seq = atomic_fetch_add(&c->s->request_seq, 1) + 1;
	snprintf(r.request_id, sizeof r.request_id, "%s-%08lx", c->s->id_prefix, seq);
	srv_problem(&r, status, slug, title, "%s", detail);
	srv_metrics_record(c->s->metrics, srv_nroutes + 1, NULL, status, 0);
	enum MHD_Result ret = send_req(mc, &r);
	srv_req_free(&r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *mc, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	srv_server *s = cls;
	conn *c = *con_cls;
	if (!c)
		return MHD_NO;
	if (!c->started) {
		c->started = 1;
		srv_metrics_inflight(s->metrics, 1);
		srv_match m;
		char path[2048];
		size_t pl = strcspn(c->uri, "?");
		snprintf(path, sizeof path, "%.*s", (int)pl, c->uri);
		srv_route_match(srv_routes, srv_nroutes, method, path, &m);
		c->limit = (m.route >= 0 && (srv_routes[m.route].flags & SRV_R_UPLOAD)) ? s->cfg.upload_limit
											  : s->cfg.json_limit;
		const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
		if (cl) {
			char *end;
			unsigned long long n = strtoull(cl, &end, 10);
			if (*end || n > c->limit) {
				char d[96];
				c->too_big = 1; /* whatever MHD still hands us is dropped */
				snprintf(d, sizeof d, "the body is larger than %zu bytes", c->limit);
				return send_problem(mc, c, 413, "body-too-large", "Content Too Large", d);
			}
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (c->too_big || c->body.len + n > c->limit) {
			/* a chunked body grew past the limit: drop it, answer 413 at the
			 * end, and hang up on a client that keeps streaming */
			c->too_big = 1;
			eseal_buf_free(&c->body);
			c->discarded += n;
			return c->discarded > 2 * c->limit + (1u << 20) ? MHD_NO : MHD_YES;
		}
		return eseal_buf_put(&c->body, upload_data, n) ? MHD_NO : MHD_YES;
	}
	if (c->too_big) {
		char d[96];
		snprintf(d, sizeof d, "the body is larger than %zu bytes", c->limit);
		return send_problem(mc, c, 413, "body-too-large", "Content Too Large", d);
	}
	if (c->uri[0] != '/')
		return send_problem(mc, c, 400, "bad-request", "Bad Request", "the request target must be a path");

	srv_req r;
	srv_req_init(&r, s);
	size_t pl = strcspn(c->uri, "?");
	char *q = c->uri[pl] ? c->uri + pl + 1 : NULL;
	c->uri[pl] = 0; /* the raw path; the query follows the NUL */
	r.method = method;
	r.path = c->uri;
	r.query = q;
	r.h.authorization = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Authorization");
	r.h.cookie = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Cookie");
	r.h.content_type = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Type");
	r.h.x_requested_with = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-Requested-With");
	r.h.x_csrf_token = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-CSRF-Token");
	r.h.if_none_match = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "If-None-Match");
	r.body = c->body.data;
	r.body_len = c->body.len;
	srv_dispatch(&r);
	enum MHD_Result ret = send_req(mc, &r);
	srv_req_free(&r);
	return ret;
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:0", ":8080" */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sl)
{
	char host[256];
	const char *port;
	if (!listen || !*listen)
		listen = "127.0.0.1:8080";
	if (listen[0] == '[') {
		const char *e = strchr(listen, ']');
		if (!e || e[1] != ':' || (size_t)(e - listen - 1) >= sizeof host)
			return eseal_error_set(ESEAL_EINVAL, "bad listen address '%s'", listen);
		snprintf(host, sizeof host, "%.*s", (int)(e - listen - 1), listen + 1);
		port = e + 2;
	} else {
		const char *colon = strrchr(listen, ':');
		if (!colon || (size_t)(colon - listen) >= sizeof host)
			return eseal_error_set(ESEAL_EINVAL, "bad listen address '%s' (want HOST:PORT)", listen);
		snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
		port = colon + 1;
	}
	char *end;
	long p = strtol(port, &end, 10);
	if (!*port || *end || p < 0 || p > 65535)
		return eseal_error_set(ESEAL_EINVAL, "bad port in '%s'", listen);
	struct addrinfo hints = { 0 }, *res = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host[0] ? host : NULL, port, &hints, &res) || !res)
		return eseal_error_set(ESEAL_EINVAL, "cannot resolve listen address '%s'", listen);
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int srv_http_start(srv_server *s)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int rc = parse_listen(s->cfg.listen, &ss, &sl);
	if (rc)
		return rc;
	unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_TURBO;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	int threads = s->cfg.threads > 0 ? s->cfg.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	struct MHD_OptionItem opts[] = {
		{ MHD_OPTION_SOCK_ADDR, 0, &ss },
		{ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)s->cfg.max_connections, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)s->cfg.timeout_s, NULL },
		{ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_log, s },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, s },
		{ MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL },
		{ threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_ARRAY, opts,
						MHD_OPTION_END);
	if (!d)
		return eseal_error_set(ESEAL_EIO, "cannot listen on %s", s->cfg.listen ? s->cfg.listen : "127.0.0.1:8080");
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	s->daemon = d;
	return 0;
}

void srv_http_stop(srv_server *s, int grace_s)
{
	struct MHD_Daemon *d = s->daemon;
	if (!d)
		return;
	/* no new connections from here. shutdown() takes the socket out of
	 * the listening state so new clients are refused at once instead of
	 * waiting in the backlog; the descriptor itself may only be closed
	 * after MHD's threads are gone */
	MHD_socket lfd = MHD_quiesce_daemon(d);
	if (lfd != MHD_INVALID_SOCKET)
		shutdown(lfd, SHUT_RDWR);
	for (int i = 0; i < grace_s * 100 && srv_metrics_inflight_now(s->metrics) > 0; i++)
		usleep(10000);
	MHD_stop_daemon(d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	s->daemon = NULL;
}
