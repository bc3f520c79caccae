/*
 * auth_backend.h - what the server needs to remember about people and
 * business systems: users, sessions, API keys and used nonces. A backend is
 * a table of functions so the store module (SQLite, PostgreSQL) and the
 * in-memory version for tests plug in the same way. Never put HTTP or
 * policy here: backends only keep records.
 */
#ifndef ESEAL_SERVER_AUTH_BACKEND_H
#define ESEAL_SERVER_AUTH_BACKEND_H

#include <stdint.h>
#include <time.h>

#include "eseal/server.h"

#define SRV_ID_MAX 48
#define SRV_NAME_MAX 64
#define SRV_ORG_MAX 64
#define SRV_PWHASH_MAX 160

typedef struct srv_user {
	char id[SRV_ID_MAX];
	char name[SRV_NAME_MAX];      /* login name, unique */
	char org[SRV_ORG_MAX];        /* organisation id */
	int role;                     /* srv_role */
	char pwhash[SRV_PWHASH_MAX];  /* PHC string, see auth_password.c */
	int must_change;              /* one-time password: change before anything else */
	int disabled;
	time_t created;
} srv_user;

typedef struct srv_session {
	uint8_t token_hash[32];       /* SM3 of the token; the token itself is never stored */
	char user_id[SRV_ID_MAX];
	time_t expires;
} srv_session;

typedef struct srv_apikey {
	char id[SRV_ID_MAX];
	char name[SRV_NAME_MAX];
	char org[SRV_ORG_MAX];
	int role;                     /* always SRV_ROLE_API_CLIENT today */
	uint8_t secret[32];           /* HMAC-SM3 key */
	int disabled;
	time_t created;
} srv_apikey;

/* Every function returns 0, ESEAL_ENOTFOUND, ESEAL_EEXISTS or another
 * negative code; functions must be safe to call from many threads. */
struct eseal_auth_backend {
	void *ctx;
	/* Stores u and sets u->id; EEXISTS when the name is taken. */
	int (*user_create)(void *ctx, srv_user *u);
	/* Password hash, role, flags of the user u->id (not name or org). */
	int (*user_update)(void *ctx, const srv_user *u);
	int (*user_by_name)(void *ctx, const char *name, srv_user *out);
	int (*user_by_id)(void *ctx, const char *id, srv_user *out);
	/* All users of org (NULL: every org); *out is malloc'ed. */
	int (*user_list)(void *ctx, const char *org, srv_user **out, size_t *n);
	int (*session_put)(void *ctx, const srv_session *s);
	int (*session_get)(void *ctx, const uint8_t hash[32], srv_session *out);
	int (*session_delete)(void *ctx, const uint8_t hash[32]);
	int (*session_delete_user)(void *ctx, const char *user_id);
	int (*apikey_put)(void *ctx, const srv_apikey *k);
	int (*apikey_get)(void *ctx, const char *id, srv_apikey *out);
	/* Records (key_id, nonce) until `expires`; EEXISTS when already seen.
	 * Entries older than `now` may be dropped. */
	int (*nonce_use)(void *ctx, const char *key_id, const char *nonce, time_t expires, time_t now);
	void (*close)(void *ctx);
};

/* The in-memory backend (tests, and `serve` until a store is configured). */
int srv_auth_mem_new(eseal_auth_backend **out);
/* A backend over the service's database (takes ownership of db). Users'
 * organisations are organisations.credit_code. With a key-encryption key
 * (borrowed, may be NULL) API key secrets are stored wrapped. */
struct eseal_store;
struct eseal_kek;
int srv_auth_store_new(eseal_auth_backend **out, struct eseal_store *db, const struct eseal_kek *kek);
/* Frees any backend (calls its close). */
void srv_auth_backend_free(eseal_auth_backend *b);

#endif
