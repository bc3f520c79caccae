/*
 * server.h - the eseal HTTP service (`eseal serve`): a JSON API under
 * /api/v1, its OpenAPI document, /healthz and Prometheus /metrics.
 *
 * The server owns no storage of its own: users, sessions, API keys and
 * nonces go through an authentication backend (in-memory when none is
 * given). eseal_server_stop() stops accepting, lets in-flight requests
 * finish and then frees everything.
 */
#ifndef ESEAL_SERVER_H
#define ESEAL_SERVER_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct eseal_server eseal_server;

/* Persistence for users, sessions, API keys and nonces (defined in the
 * server's private headers; the store module provides one). */
typedef struct eseal_auth_backend eseal_auth_backend;

/* Answers GET /api/v1/status/{esid}: writes a JSON document to out and
 * returns 0, or ESEAL_ENOTFOUND for an unknown seal code. Called from many
 * threads at once. */
typedef int (*eseal_status_fn)(void *ctx, const char *esid, eseal_buf *out);

/* The making system behind the organisation, application and seal routes:
 * applications, review, making (the CA issues one certificate per seal, the
 * maker certificate signs the SESeal) and the seal lifecycle. */
typedef struct eseal_making eseal_making;
struct eseal_ca;
struct eseal_cert;
struct eseal_key;
struct eseal_kek;
typedef struct eseal_making_config {
	const char *db_url;              /* the service's database (a pool is opened on it) */
	struct eseal_ca *ca;             /* issues seal certificates (borrowed) */
	const struct eseal_cert *maker;  /* maker certificate (borrowed) */
	const struct eseal_key *maker_key;
	const struct eseal_kek *kek;     /* wraps server-held seal keys; NULL: refused */
	int max_validity_days;           /* 0 = 3650 */
	int connections;                 /* pool size; 0 = 4 */
} eseal_making_config;
int eseal_making_new(eseal_making **out, const eseal_making_config *cfg);
/* After the server stopped. NULL is fine. */
void eseal_making_free(eseal_making *m);

typedef struct eseal_server_config {
	const char *listen;        /* "127.0.0.1:8080", "[::1]:8080"; port 0 = any free port */
	int threads;               /* thread pool size; 0 = number of cores */
	unsigned max_connections;  /* 0 = 1024 */
	unsigned timeout_s;        /* idle connection timeout; 0 = 30 s */
	size_t json_limit;         /* largest JSON body; 0 = 1 MiB */
	size_t upload_limit;       /* largest upload body; 0 = 16 MiB */
	int session_ttl;           /* session lifetime in seconds; 0 = 8 hours */
	const char *static_dir;    /* files for the web console, or NULL */
	eseal_status_fn status_fn; /* NULL: every status query is 404 */
	void *status_ctx;
	eseal_auth_backend *auth;  /* NULL: an in-memory backend (lost on exit) */
	int password_cost;         /* scrypt N = 2^this for new hashes; 0 = 15 (tests lower it) */
	time_t (*now)(void *ctx);  /* clock for sessions and signatures; NULL = time() */
	void *now_ctx;
	eseal_making *making;      /* NULL: the seal routes answer 503 */
	struct eseal_tsa *tsa;     /* time-stamp authority (tsa.h, borrowed); NULL: POST /api/v1/tsa answers 503 */
	struct eseal_federation *federation; /* hierarchy (server/federation.h, borrowed); NULL: children refused */
} eseal_server_config;

/* Starts listening; the server runs on its own threads. */
int eseal_server_start(eseal_server **out, const eseal_server_config *cfg);
/* The bound port (useful with port 0). */
int eseal_server_port(const eseal_server *s);
/* Creates user "admin" (system administrator, must change the password on
 * first login) when no system administrator exists. Returns 1 and the
 * one-time password in pw (at least 32 bytes) when it did, 0 when one
 * already existed, or a negative code. */
int eseal_server_bootstrap_admin(eseal_server *s, char *pw, size_t pwlen);
/* Graceful stop: refuse new connections, wait (up to grace_s seconds) for
 * requests in flight, then close everything and free s. */
void eseal_server_stop(eseal_server *s, int grace_s);

#ifdef __cplusplus
}
#endif
#endif
