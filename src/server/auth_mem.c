/*
 * auth_mem.c - the in-memory authentication backend: users, sessions, API
 * keys and nonces in plain arrays behind one mutex. For tests and for a
 * server started without a store; everything is lost on exit. Never use it
 * where a restart must not forget users or accept an old nonce again.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_internal.h"

#define NONCE_BUCKETS 4096

typedef struct nonce_ent {
	struct nonce_ent *next;
	time_t expires;
	char key[SRV_ID_MAX];
	char nonce[65];
} nonce_ent;

typedef struct mem {
	pthread_mutex_t mu;
	srv_user *users;
	size_t nusers, capusers;
	srv_session *sessions;
	size_t nsessions, capsessions;
	srv_apikey *keys;
	size_t nkeys, capkeys;
	nonce_ent *nonces[NONCE_BUCKETS];
} mem;

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	void *p = realloc(*arr, nc * size);
	if (!p)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	*arr = p;
	*cap = nc;
	return 0;
}

static int m_user_create(void *ctx, srv_user *u)
{
	mem *m = ctx;
	int rc = 0;
	if (!u->id[0] && (rc = srv_new_id(u->id, sizeof u->id, "u")))
		return rc;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nusers; i++)
		if (!strcmp(m->users[i].name, u->name) || !strcmp(m->users[i].id, u->id)) {
			rc = ESEAL_EEXISTS;
			goto out;
		}
	if (!(rc = grow((void **)&m->users, &m->capusers, m->nusers, sizeof *u)))
		m->users[m->nusers++] = *u;
out:
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static int m_user_update(void *ctx, const srv_user *u)
{
	mem *m = ctx;
	int rc = ESEAL_ENOTFOUND;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nusers; i++)
		if (!strcmp(m->users[i].id, u->id)) {
			m->users[i] = *u;
			rc = 0;
		}
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static int m_user_find(mem *m, const char *name, const char *id, srv_user *out)
{
	int rc = ESEAL_ENOTFOUND;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nusers; i++)
		if ((name && !strcmp(m->users[i].name, name)) || (id && !strcmp(m->users[i].id, id))) {
			*out = m->users[i];
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static int m_user_by_name(void *ctx, const char *name, srv_user *out)
{
	return m_user_find(ctx, name, NULL, out);
}

static int m_user_by_id(void *ctx, const char *id, srv_user *out)
{
	return m_user_find(ctx, NULL, id, out);
}

static int m_user_list(void *ctx, const char *org, srv_user **out, size_t *n)
{
	mem *m = ctx;
	pthread_mutex_lock(&m->mu);
	*out = malloc((m->nusers + 1) * sizeof **out);
	*n = 0;
	for (size_t i = 0; *out && i < m->nusers; i++)
		if (!org || !strcmp(m->users[i].org, org))
			(*out)[(*n)++] = m->users[i];
	pthread_mutex_unlock(&m->mu);
	return *out ? 0 : eseal_error_set(ESEAL_ENOMEM, "out of memory");
}

static int m_session_put(void *ctx, const srv_session *s)
{
	mem *m = ctx;
	pthread_mutex_lock(&m->mu);
	int rc = grow((void **)&m->sessions, &m->capsessions, m->nsessions, sizeof *s);
	if (!rc)
		m->sessions[m->nsessions++] = *s;
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static int m_session_get(void *ctx, const uint8_t hash[32], srv_session *out)
{
	mem *m = ctx;
	int rc = ESEAL_ENOTFOUND;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nsessions; i++)
		if (!memcmp(m->sessions[i].token_hash, hash, 32)) {
			*out = m->sessions[i];
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static int m_session_delete(void *ctx, const uint8_t hash[32])
{
	mem *m = ctx;
	int rc = ESEAL_ENOTFOUND;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nsessions; i++)
		if (!memcmp(m->sessions[i].token_hash, hash, 32)) {
			m->sessions[i] = m->sessions[--m->nsessions];
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static int m_session_delete_user(void *ctx, const char *user_id)
{
	mem *m = ctx;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nsessions;)
		if (!strcmp(m->sessions[i].user_id, user_id))
			m->sessions[i] = m->sessions[--m->nsessions];
		else
			i++;
	pthread_mutex_unlock(&m->mu);
	return 0;
}

static int m_apikey_put(void *ctx, const srv_apikey *k)
{
	mem *m = ctx;
	int rc = 0;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nkeys; i++)
		if (!strcmp(m->keys[i].id, k->id)) {
			rc = ESEAL_EEXISTS;
			goto out;
		}
	if (!(rc = grow((void **)&m->keys, &m->capkeys, m->nkeys, sizeof *k)))
		m->keys[m->nkeys++] = *k;
out:
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static int m_apikey_get(void *ctx, const char *id, srv_apikey *out)
{
	mem *m = ctx;
	int rc = ESEAL_ENOTFOUND;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nkeys; i++)
		if (!strcmp(m->keys[i].id, id)) {
			*out = m->keys[i];
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static unsigned nonce_bucket(const char *key, const char *nonce)
{
	unsigned h = 2166136261u; /* FNV-1a: nonces are random already */
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (const char *p = nonce; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % NONCE_BUCKETS;
}

static int m_nonce_use(void *ctx, const char *key, const char *nonce, time_t expires, time_t now)
{
	mem *m = ctx;
	unsigned b = nonce_bucket(key, nonce);
	int rc = 0;
	pthread_mutex_lock(&m->mu);
	for (nonce_ent **pp = &m->nonces[b]; *pp;) {
		nonce_ent *e = *pp;
		if (e->expires < now) {
			*pp = e->next;
			free(e);
			continue;
		}
		if (!strcmp(e->key, key) && !strcmp(e->nonce, nonce))
			rc = ESEAL_EEXISTS;
		pp = &e->next;
	}
	if (!rc) {
		nonce_ent *e = calloc(1, sizeof *e);
		if (!e) {
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		} else {
			snprintf(e->key, sizeof e->key, "%s", key);
			snprintf(e->nonce, sizeof e->nonce, "%s", nonce);
			e->expires = expires;
			e->next = m->nonces[b];
			m->nonces[b] = e;
		}
	}
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static void m_close(void *ctx)
{
	mem *m = ctx;
	if (!m)
		return;
	for (size_t i = 0; i < NONCE_BUCKETS; i++)
		while (m->nonces[i]) {
			nonce_ent *e = m->nonces[i];
			m->nonces[i] = e->next;
			free(e);
		}
	eseal_wipe(m->users, m->capusers * sizeof *m->users);
	eseal_wipe(m->keys, m->capkeys * sizeof *m->keys);
	free(m->users);
	free(m->sessions);
	free(m->keys);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

int srv_auth_mem_new(eseal_auth_backend **out)
{
	eseal_auth_backend *b = calloc(1, sizeof *b);
	mem *m = calloc(1, sizeof *m);
	if (!b || !m) {
		free(b);
		free(m);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&m->mu, NULL);
	b->ctx = m;
	b->user_create = m_user_create;
	b->user_update = m_user_update;
	b->user_by_name = m_user_by_name;
	b->user_by_id = m_user_by_id;
	b->user_list = m_user_list;
	b->session_put = m_session_put;
	b->session_get = m_session_get;
	b->session_delete = m_session_delete;
	b->session_delete_user = m_session_delete_user;
	b->apikey_put = m_apikey_put;
	b->apikey_get = m_apikey_get;
	b->nonce_use = m_nonce_use;
	b->close = m_close;
	*out = b;
	return 0;
}

void srv_auth_backend_free(eseal_auth_backend *b)
{
	if (!b)
		return;
	if (b->close)
		b->close(b->ctx);
	free(b);
}
