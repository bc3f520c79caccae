/*
 * server_internal.h - the pieces of the HTTP service shared between its
 * files: roles and permissions, the route table, the request being served,
 * the principal it runs as, JSON schemas and metrics. Nothing here knows
 * about sockets except http.c, so the request pipeline can run in-process
 * (tests, fuzzing).
 */
#ifndef ESEAL_SERVER_INTERNAL_H
#define ESEAL_SERVER_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "eseal/common.h"
#include "eseal/server.h"
#include "auth_backend.h"

/* ---- roles and permissions (roles.c) ---- */
typedef enum {
	SRV_ROLE_NONE = 0,
	SRV_ROLE_SYSTEM_ADMIN = 1,
	SRV_ROLE_BUSINESS_ADMIN = 2,
	SRV_ROLE_REVIEWER = 3,
	SRV_ROLE_SEAL_KEEPER = 4,
	SRV_ROLE_APPLICANT = 5,
	SRV_ROLE_AUDIT_ADMIN = 6,
	SRV_ROLE_API_CLIENT = 7,
	SRV_ROLE_COUNT
} srv_role;

/* Permission bits; a route requires exactly one (0 = public). */
enum {
	SRV_P_PUBLIC = 0,
	SRV_P_SELF = 1u << 0,          /* own account: me, logout */
	SRV_P_PASSWORD = 1u << 1,      /* change own password (people only) */
	SRV_P_USER_READ = 1u << 2,
	SRV_P_USER_MANAGE = 1u << 3,
	SRV_P_APIKEY_MANAGE = 1u << 4,
	SRV_P_ORG_MANAGE = 1u << 5,
	SRV_P_SEAL_READ = 1u << 6,
	SRV_P_SEAL_APPLY = 1u << 7,
	SRV_P_SEAL_REVIEW = 1u << 8,
	SRV_P_SEAL_MAKE = 1u << 9,
	SRV_P_SEAL_KEEP = 1u << 10,    /* report loss, deliver, hold keys */
	SRV_P_SIGN_APPLY = 1u << 11,
	SRV_P_SIGN_REVIEW = 1u << 12,
	SRV_P_SIGN_EXECUTE = 1u << 13,
	SRV_P_AUDIT_READ = 1u << 14,
	SRV_P_VERIFY = 1u << 15,
};

const char *srv_role_name(int role);
int srv_role_from_name(const char *name);      /* SRV_ROLE_NONE when unknown */
uint32_t srv_role_perms(int role);
const char *srv_perm_name(uint32_t perm);

/* ---- the principal a request runs as ---- */
typedef enum { SRV_AUTH_NONE = 0, SRV_AUTH_SESSION, SRV_AUTH_COOKIE, SRV_AUTH_HMAC } srv_auth_kind;

typedef struct srv_principal {
	srv_auth_kind kind;
	char id[SRV_ID_MAX];        /* user id or API key id */
	char name[SRV_NAME_MAX];
	char org[SRV_ORG_MAX];
	int role;
	uint32_t perms;
	int must_change;
	uint8_t session_hash[32];
} srv_principal;

/* 1 when p may act on records of org: its own org, or any for system admins. */
int srv_org_allowed(const srv_principal *p, const char *org);

/* ---- JSON request schemas (json_in.c) ---- */
typedef enum { SRV_J_STRING = 1, SRV_J_INTEGER, SRV_J_BOOLEAN, SRV_J_NUMBER, SRV_J_OBJECT, SRV_J_ARRAY } srv_jtype;

typedef struct srv_field {
	const char *name;
	srv_jtype type;
	int required;
	size_t max_len;             /* strings: bytes; 0 = 1024 */
	const char *description;
} srv_field;

#define SRV_JSON_MAX_DEPTH 16

/* Parses body as one JSON object and checks it against fields (NULL-name
 * terminated): unknown fields, wrong types, missing required fields and
 * duplicate keys are refused with a reason in why. */
int srv_json_parse(json_t **out, const uint8_t *body, size_t len, const srv_field *fields,
		   char *why, size_t whylen);
const char *srv_jtype_name(srv_jtype t);

/* ---- the request ---- */
typedef struct srv_server srv_server;
typedef struct srv_req srv_req;

typedef void (*srv_handler)(srv_req *r);

enum {
	SRV_R_UPLOAD = 1 << 0,       /* body may be up to upload_limit (not JSON) */
	SRV_R_MUST_CHANGE_OK = 1 << 1, /* allowed before a one-time password is changed */
	SRV_R_ORG_SCOPED = 1 << 2,   /* acts on records of one organisation */
	SRV_R_RAW = 1 << 3,          /* answer is not JSON (metrics) */
};

typedef struct srv_route {
	const char *method;
	const char *pattern;         /* "/api/v1/users/{id}" */
	srv_handler handler;
	uint32_t perm;               /* SRV_P_*; 0 = public */
	const srv_field *body;       /* request schema, NULL = no body allowed */
	const char *summary;
	int flags;
} srv_route;

#define SRV_MAX_PARAMS 4

typedef struct srv_match {
	int route;                   /* index, or -1 */
	int path_known;              /* a route has this path (405 rather than 404) */
	char allow[64];              /* methods for the path, for 405 */
	int nparams;
	const char *pnames[SRV_MAX_PARAMS];
	char pvalues[SRV_MAX_PARAMS][256];
} srv_match;

/* Matches method and raw path (percent-decoded per segment into params). */
void srv_route_match(const srv_route *table, size_t n, const char *method, const char *path,
		     srv_match *m);
/* Path parameter by name ("id"), NULL when absent. */
const char *srv_param(const srv_req *r, const char *name);
/* A string member of a JSON object, or NULL. */
static inline const char *srv_jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The route table (routes_basic.c and the lifecycle files append here). */
extern const srv_route srv_routes[];
extern const size_t srv_nroutes;

/* Headers the pipeline looks at. */
typedef struct srv_headers {
	const char *authorization;
	const char *cookie;
	const char *content_type;
	const char *x_requested_with;
	const char *x_csrf_token;
	const char *content_length;
	const char *if_none_match;    /* status answers and lists (304) */
} srv_headers;

struct srv_req {
	srv_server *srv;
	const char *method;
	const char *path;            /* raw path, no query */
	const char *query;           /* raw query string without '?', or NULL */
	srv_headers h;
	const uint8_t *body;
	size_t body_len;
	const srv_route *route;
	srv_match m;
	srv_principal who;
	json_t *json;                /* parsed body when the route has a schema */
	time_t now;
	char request_id[40];

	/* the answer */
	int status;
	const char *content_type;
	eseal_buf out;
	char extra_headers[4][512];  /* "Name: value" */
	int nextra;
};

/* Runs one request through match, auth, permission, body check and
 * handler; fills r->status, r->out ... */
void srv_dispatch(srv_req *r);
void srv_req_init(srv_req *r, srv_server *s);
void srv_req_free(srv_req *r);
/* Query parameter (percent-decoded) into out; 0 when present. */
int srv_query_get(const srv_req *r, const char *name, char *out, size_t outlen);
void srv_add_header(srv_req *r, const char *name, const char *value);

/* ---- answers (problem.c, routes) ---- */
/* RFC 9457 problem: slug makes the type URI "urn:eseal:problem:<slug>". */
void srv_problem(srv_req *r, int status, const char *slug, const char *title,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Takes a reference to j (steals it). */
void srv_reply_json(srv_req *r, int status, json_t *j);
void srv_reply_empty(srv_req *r, int status);

/* ---- authentication (auth_*.c) ---- */
/* Password hashing: scrypt N=2^15 r=8 p=1, PHC string
 * "$scrypt$ln=15,r=8,p=1$<salt b64>$<hash b64>". */
#define SRV_SCRYPT_LN 15
/* ln: log2 of scrypt's N (0 = SRV_SCRYPT_LN). */
int srv_password_hash(const char *pw, size_t len, int ln, char *out, size_t outlen);
/* 0 when pw matches, ESEAL_EPASS when not, other codes when the hash is bad.
 * *rehash is set when the hash is weaker than ln (0 = SRV_SCRYPT_LN). */
int srv_password_verify(const char *pw, size_t len, const char *phc, int ln, int *rehash);
/* Length and variety rules for new passwords; 0 or EINVAL with a message. */
int srv_password_acceptable(const char *pw);
/* Random printable password (one-time passwords). */
int srv_password_random(char *out, size_t len);

/* Sessions */
int srv_session_create(srv_server *s, const srv_user *u, time_t now, char token_hex[65],
		       srv_session *out);
/* Authenticates from Authorization: Bearer or the eseal_session cookie;
 * 0 = authenticated, ESEAL_ENOTFOUND = no credentials, other = refused
 * (message set). */
int srv_session_authenticate(srv_req *r);
/* The CSRF token of a session: HMAC-SM3 keyed by the token's hash, so it
 * needs no storage and cannot be guessed without the session. */
void srv_session_csrf(const uint8_t token_hash[32], char out[65]);
/* Extracts the session token from a Cookie header; 0 when found. */
int srv_cookie_token(const char *cookie, char token[65]);

/* HMAC-signed requests from API clients. */
typedef struct srv_hmac_auth {
	char key[SRV_ID_MAX];
	long long ts;
	char nonce[65];
	uint8_t sig[32];
} srv_hmac_auth;
#define SRV_HMAC_SCHEME "ESEAL-HMAC-SM3"
#define SRV_HMAC_SKEW 300
/* Parses the Authorization value; 0 or EFORMAT with a message. */
int srv_hmac_parse(const char *value, srv_hmac_auth *out);
/* sig = HMAC-SM3(secret, METHOD\nPATH[?QUERY]\nhex(SM3(body))\nTS\nNONCE) */
int srv_hmac_sign(uint8_t sig[32], const uint8_t *secret, size_t secret_len, const char *method,
		  const char *path_and_query, const uint8_t *body, size_t body_len, long long ts,
		  const char *nonce);
int srv_hmac_authenticate(srv_req *r);

/* ---- metrics (metrics.c) ---- */
typedef struct srv_metrics srv_metrics;
int srv_metrics_new(srv_metrics **out, size_t nroutes);
void srv_metrics_free(srv_metrics *m);
/* route: index, or nroutes for static files, nroutes+1 for unmatched. */
void srv_metrics_record(srv_metrics *m, size_t route, const char *method, int status, double seconds);
void srv_metrics_inflight(srv_metrics *m, int delta);
long srv_metrics_inflight_now(srv_metrics *m);
int srv_metrics_render(srv_metrics *m, const srv_route *routes, size_t n, eseal_buf *out);

/* ---- OpenAPI (openapi.c) ---- */
int srv_openapi_build(const srv_route *routes, size_t n, eseal_buf *out);

/* ---- static files (static_files.c) ---- */
/* Serves path below dir into r (404 / 403 problems otherwise). */
void srv_static_serve(srv_req *r, const char *dir);
const char *srv_mime_type(const char *path);

/* ---- status answers from the store (status_store.c) ---- */
typedef struct srv_status_store srv_status_store;
int srv_status_store_new(srv_status_store **out, const char *url);
/* An eseal_status_fn; ctx is the srv_status_store. */
int srv_status_store_lookup(void *ctx, const char *esid, eseal_buf *out);
/* After the server stopped (closes every thread's connection). */
void srv_status_store_free(srv_status_store *s);

/* ---- the server ---- */
struct srv_server {
	eseal_server_config cfg;
	eseal_auth_backend *auth;
	int own_auth;
	srv_metrics *metrics;
	eseal_buf openapi;
	char static_dir[4096];
	int has_static;
	atomic_ulong request_seq;
	char id_prefix[9];
	char dummy_hash[SRV_PWHASH_MAX]; /* login checks unknown names against it (same cost) */
	void *daemon;                /* struct MHD_Daemon * */
	int port;
};

time_t srv_now(const srv_server *s);
/* Creates a user with a hashed password (checks nothing about who asks). */
int srv_user_add(srv_server *s, const char *name, const char *org, int role, const char *password,
		 int must_change, srv_user *out);
/* New random id "<prefix>-<16 hex>". */
int srv_new_id(char *out, size_t outlen, const char *prefix);
void srv_hex(char *out, const uint8_t *in, size_t n);
int srv_unhex(uint8_t *out, size_t outlen, const char *hex);

/* The listening side (http.c). */
int srv_http_start(srv_server *s);
void srv_http_stop(srv_server *s, int grace_s);

/* The server inside a public handle (tests). */
srv_server *srv_server_of(eseal_server *sv);

/* For in-process use without sockets (tests, fuzzing). */
int srv_server_init(srv_server *s, const eseal_server_config *cfg);
void srv_server_fini(srv_server *s);

#endif
