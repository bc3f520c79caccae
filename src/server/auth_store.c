/*
 * auth_store.c - the authentication backend over the service's database
 * (include/eseal/store.h): users, sessions, API keys and used nonces live
 * in the users, sessions, api_keys, organisations and nonces tables. An
 * organisation is known to the server by its credit_code. One connection
 * behind a mutex: a store handle must not be used by two threads at once.
 * Never store a session token (only its SM3) and never let a failed
 * statement leave a transaction open.
 *
 * API key secrets must be readable by the server (HMAC is symmetric), so
 * they cannot be hashed; with a KEK they are stored SM4-GCM wrapped, bound
 * to their key id ("api-key:<id>").
 *
 * Until the schema has columns for them, a user's role and the
 * "must change password" flag share users.roles ("reviewer" or
 * "reviewer must_change_password").
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/store.h"
#include "server_internal.h"

#define MUST_CHANGE_FLAG "must_change_password"

typedef struct sb {
	pthread_mutex_t mu;
	eseal_store *db;
	const eseal_kek *kek;        /* wraps API key secrets; NULL = stored as is */
	unsigned inserts;
} sb;

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* Organisation row id for a credit code; created when create is set. */
static int org_id(sb *b, const char *code, int create, int64_t *id)
{
	int rc = eseal_store_query_int(b->db, id, "SELECT id FROM organisations WHERE credit_code = ?1", "t", code);
	if (rc != ESEAL_ENOTFOUND || !create)
		return rc;
	return eseal_store_query_int(b->db, id,
				     "INSERT INTO organisations (name, credit_code, created_at) VALUES (?1, ?1, ?2) "
				     "RETURNING id", "ti", code, (int64_t)time(NULL));
}

static void roles_to_user(const char *roles, srv_user *u)
{
	char tmp[128];
	copy(tmp, sizeof tmp, roles);
	char *save = NULL;
	u->role = SRV_ROLE_NONE;
	u->must_change = 0;
	for (char *t = strtok_r(tmp, " ,", &save); t; t = strtok_r(NULL, " ,", &save)) {
		if (!strcmp(t, MUST_CHANGE_FLAG))
			u->must_change = 1;
		else if (u->role == SRV_ROLE_NONE)
			u->role = srv_role_from_name(t);
	}
}

static void user_roles(const srv_user *u, char *out, size_t n)
{
	snprintf(out, n, "%s%s", srv_role_name(u->role), u->must_change ? " " MUST_CHANGE_FLAG : "");
}

static const char user_cols[] =
	"SELECT u.id, u.username, o.credit_code, u.roles, u.password_hash, u.created_at, u.disabled "
	"FROM users u LEFT JOIN organisations o ON o.id = u.org_id ";

static void row_user(eseal_stmt *st, srv_user *u)
{
	memset(u, 0, sizeof *u);
	snprintf(u->id, sizeof u->id, "%lld", (long long)eseal_stmt_int64(st, 0));
	copy(u->name, sizeof u->name, eseal_stmt_text(st, 1));
	copy(u->org, sizeof u->org, eseal_stmt_text(st, 2));
	roles_to_user(eseal_stmt_text(st, 3), u);
	copy(u->pwhash, sizeof u->pwhash, eseal_stmt_text(st, 4));
	u->created = (time_t)eseal_stmt_int64(st, 5);
	u->disabled = eseal_stmt_int64(st, 6) != 0;
}

static int parse_id(const char *s, int64_t *out)
{
	char *end;
	if (!s || !*s)
		return ESEAL_ENOTFOUND;
	long long v = strtoll(s, &end, 10);
	if (*end || v <= 0)
		return ESEAL_ENOTFOUND;
	*out = v;
	return 0;
}

static int s_user_create(void *ctx, srv_user *u)
{
	sb *b = ctx;
	int64_t org, id;
	char roles[96];
	user_roles(u, roles, sizeof roles);
	pthread_mutex_lock(&b->mu);
	int rc = eseal_store_begin(b->db);
	if (!rc)
		rc = org_id(b, u->org, 1, &org);
	if (!rc)
		rc = eseal_store_query_int(b->db, &id,
					   "INSERT INTO users (org_id, username, password_hash, roles, created_at, disabled) "
					   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id", "itttii", org, u->name,
					   u->pwhash, roles, (int64_t)u->created, (int64_t)u->disabled);
	if (!rc)
		rc = eseal_store_commit(b->db);
	else
		eseal_store_rollback(b->db);
	pthread_mutex_unlock(&b->mu);
	if (!rc)
		snprintf(u->id, sizeof u->id, "%lld", (long long)id);
	return rc;
}

static int s_user_update(void *ctx, const srv_user *u)
{
	sb *b = ctx;
	int64_t id;
	char roles[96];
	if (parse_id(u->id, &id))
		return ESEAL_ENOTFOUND;
	user_roles(u, roles, sizeof roles);
	pthread_mutex_lock(&b->mu);
	int64_t n = eseal_store_run(b->db, "UPDATE users SET password_hash = ?2, roles = ?3, disabled = ?4 WHERE id = ?1",
				    "itti", id, u->pwhash, roles, (int64_t)u->disabled);
	pthread_mutex_unlock(&b->mu);
	return n < 0 ? (int)n : n == 0 ? ESEAL_ENOTFOUND : 0;
}

/* Runs a user query with one bound value; fills out with the first row. */
static int user_query(sb *b, const char *where, const char *text, int64_t num, srv_user *out)
{
	eseal_stmt *st = NULL;
	char sql[512];
	snprintf(sql, sizeof sql, "%s%s", user_cols, where);
	pthread_mutex_lock(&b->mu);
	int rc = eseal_store_prepare(b->db, &st, sql);
	if (!rc)
		rc = text ? eseal_stmt_bind_text(st, 1, text) : eseal_stmt_bind_int64(st, 1, num);
	if (!rc) {
		rc = eseal_stmt_step(st);
		if (rc == 1) {
			row_user(st, out);
			rc = 0;
		} else if (rc == 0) {
			rc = ESEAL_ENOTFOUND;
		}
	}
	eseal_stmt_free(st);
	pthread_mutex_unlock(&b->mu);
	return rc;
}

static int s_user_by_name(void *ctx, const char *name, srv_user *out)
{
	return user_query(ctx, "WHERE u.username = ?1", name, 0, out);
}

static int s_user_by_id(void *ctx, const char *id, srv_user *out)
{
	int64_t v;
	if (parse_id(id, &v))
		return ESEAL_ENOTFOUND;
	return user_query(ctx, "WHERE u.id = ?1", NULL, v, out);
}

static int s_user_list(void *ctx, const char *org, srv_user **out, size_t *n)
{
	sb *b = ctx;
	eseal_stmt *st = NULL;
	char sql[512];
	size_t cap = 16;
	*n = 0;
	*out = malloc(cap * sizeof **out);
	if (!*out)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	snprintf(sql, sizeof sql, "%s%s ORDER BY u.id", user_cols, org ? "WHERE o.credit_code = ?1" : "");
	pthread_mutex_lock(&b->mu);
	int rc = eseal_store_prepare(b->db, &st, sql);
	if (!rc && org)
		rc = eseal_stmt_bind_text(st, 1, org);
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		if (*n == cap) {
			srv_user *p = realloc(*out, (cap *= 2) * sizeof *p);
			if (!p) {
				rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
				break;
			}
			*out = p;
		}
		row_user(st, &(*out)[(*n)++]);
		rc = 0;
	}
	eseal_stmt_free(st);
	pthread_mutex_unlock(&b->mu);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return rc;
	}
	return 0;
}

static int s_session_put(void *ctx, const srv_session *s)
{
	sb *b = ctx;
	int64_t uid;
	char hex[65];
	if (parse_id(s->user_id, &uid))
		return eseal_error_set(ESEAL_EINVAL, "bad user id");
	srv_hex(hex, s->token_hash, 32);
	pthread_mutex_lock(&b->mu);
	int64_t n = eseal_store_run(b->db, "INSERT INTO sessions (user_id, token_hash, created_at, expires_at) "
				    "VALUES (?1, ?2, ?3, ?4)", "itii", uid, hex, (int64_t)time(NULL),
				    (int64_t)s->expires);
	/* expired sessions go now and then */
	if (n >= 0 && (++b->inserts & 63) == 0)
		eseal_store_run(b->db, "DELETE FROM sessions WHERE expires_at < ?1", "i", (int64_t)time(NULL));
	pthread_mutex_unlock(&b->mu);
	return n < 0 ? (int)n : 0;
}

static int s_session_get(void *ctx, const uint8_t hash[32], srv_session *out)
{
	sb *b = ctx;
	eseal_stmt *st = NULL;
	char hex[65];
	srv_hex(hex, hash, 32);
	pthread_mutex_lock(&b->mu);
	int rc = eseal_store_prepare(b->db, &st, "SELECT user_id, expires_at FROM sessions WHERE token_hash = ?1");
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, hex);
	if (!rc) {
		rc = eseal_stmt_step(st);
		if (rc == 1) {
			memset(out, 0, sizeof *out);
			memcpy(out->token_hash, hash, 32);
			snprintf(out->user_id, sizeof out->user_id, "%lld", (long long)eseal_stmt_int64(st, 0));
			out->expires = (time_t)eseal_stmt_int64(st, 1);
			rc = 0;
		} else if (rc == 0) {
			rc = ESEAL_ENOTFOUND;
		}
	}
	eseal_stmt_free(st);
	pthread_mutex_unlock(&b->mu);
	return rc;
}

static int s_session_delete(void *ctx, const uint8_t hash[32])
{
	sb *b = ctx;
	char hex[65];
	srv_hex(hex, hash, 32);
	pthread_mutex_lock(&b->mu);
	int64_t n = eseal_store_run(b->db, "DELETE FROM sessions WHERE token_hash = ?1", "t", hex);
	pthread_mutex_unlock(&b->mu);
	return n < 0 ? (int)n : n == 0 ? ESEAL_ENOTFOUND : 0;
}

static int s_session_delete_user(void *ctx, const char *user_id)
{
	sb *b = ctx;
	int64_t uid;
	if (parse_id(user_id, &uid))
		return 0;
	pthread_mutex_lock(&b->mu);
	int64_t n = eseal_store_run(b->db, "DELETE FROM sessions WHERE user_id = ?1", "i", uid);
	pthread_mutex_unlock(&b->mu);
	return n < 0 ? (int)n : 0;
}

static int s_apikey_put(void *ctx, const srv_apikey *k)
{
	sb *b = ctx;
	int64_t org;
	char context[SRV_ID_MAX + 16];
	eseal_buf wrapped = ESEAL_BUF_INIT;
	const void *secret = k->secret;
	size_t secret_len = sizeof k->secret;
	snprintf(context, sizeof context, "api-key:%s", k->id);
	if (b->kek) {
		int rc = eseal_kek_wrap(b->kek, context, k->secret, sizeof k->secret, &wrapped);
		if (rc)
			return rc;
		secret = wrapped.data;
		secret_len = wrapped.len;
	}
	pthread_mutex_lock(&b->mu);
	int rc = eseal_store_begin(b->db);
	if (!rc)
		rc = org_id(b, k->org, 1, &org);
	if (!rc) {
		int64_t n = eseal_store_run(b->db, "INSERT INTO api_keys (org_id, key_id, secret, roles, created_at, disabled) "
					    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "itbtii", org, k->id, secret, secret_len,
					    srv_role_name(k->role), (int64_t)k->created, (int64_t)k->disabled);
		rc = n < 0 ? (int)n : 0;
	}
	if (!rc)
		rc = eseal_store_commit(b->db);
	else
		eseal_store_rollback(b->db);
	pthread_mutex_unlock(&b->mu);
	eseal_buf_free(&wrapped);
	return rc;
}

static int s_apikey_get(void *ctx, const char *id, srv_apikey *out)
{
	sb *b = ctx;
	eseal_stmt *st = NULL;
	pthread_mutex_lock(&b->mu);
	int rc = eseal_store_prepare(b->db, &st,
				     "SELECT a.key_id, o.credit_code, a.secret, a.created_at, a.disabled "
				     "FROM api_keys a LEFT JOIN organisations o ON o.id = a.org_id WHERE a.key_id = ?1");
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, id);
	if (!rc) {
		rc = eseal_stmt_step(st);
		if (rc == 1) {
			size_t len = 0;
			const uint8_t *sec = eseal_stmt_blob(st, 2, &len);
			memset(out, 0, sizeof *out);
			copy(out->id, sizeof out->id, eseal_stmt_text(st, 0));
			copy(out->org, sizeof out->org, eseal_stmt_text(st, 1));
			copy(out->name, sizeof out->name, out->id);
			out->role = SRV_ROLE_API_CLIENT;
			out->created = (time_t)eseal_stmt_int64(st, 3);
			out->disabled = eseal_stmt_int64(st, 4) != 0;
			rc = 0;
			if (b->kek) {
				char context[SRV_ID_MAX + 16];
				eseal_buf plain = ESEAL_BUF_INIT;
				snprintf(context, sizeof context, "api-key:%s", out->id);
				rc = sec ? eseal_kek_unwrap(b->kek, context, sec, len, &plain) : ESEAL_EFORMAT;
				if (!rc && plain.len == sizeof out->secret)
					memcpy(out->secret, plain.data, plain.len);
				else
					rc = eseal_error_set(ESEAL_EFORMAT, "stored API key secret does not unwrap");
				eseal_buf_free(&plain);
			} else if (len == sizeof out->secret && sec) {
				memcpy(out->secret, sec, len);
			} else {
				rc = eseal_error_set(ESEAL_EFORMAT, "stored API key secret is damaged");
			}
		} else if (rc == 0) {
			rc = ESEAL_ENOTFOUND;
		}
	}
	eseal_stmt_free(st);
	pthread_mutex_unlock(&b->mu);
	return rc;
}

static int s_nonce_use(void *ctx, const char *key_id, const char *nonce, time_t expires, time_t now)
{
	sb *b = ctx;
	char value[SRV_ID_MAX + 70];
	snprintf(value, sizeof value, "%s:%s", key_id, nonce);
	pthread_mutex_lock(&b->mu);
	int64_t n = eseal_store_run(b->db, "INSERT INTO nonces (value, expires_at) VALUES (?1, ?2)", "ti", value,
				    (int64_t)expires);
	if (n == ESEAL_EEXISTS) {
		/* seen before: only a forgotten (expired) entry may be reused */
		int64_t gone = eseal_store_run(b->db, "DELETE FROM nonces WHERE value = ?1 AND expires_at < ?2", "ti",
					       value, (int64_t)now);
		if (gone == 1)
			n = eseal_store_run(b->db, "INSERT INTO nonces (value, expires_at) VALUES (?1, ?2)", "ti", value,
					    (int64_t)expires);
	}
	if (n >= 0 && (++b->inserts & 255) == 0)
		eseal_store_run(b->db, "DELETE FROM nonces WHERE expires_at < ?1", "i", (int64_t)now);
	pthread_mutex_unlock(&b->mu);
	if (n == ESEAL_EEXISTS)
		eseal_error_clear();
	return n < 0 ? (int)n : 0;
}

static void s_close(void *ctx)
{
	sb *b = ctx;
	if (!b)
		return;
	eseal_store_close(b->db);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

int srv_auth_store_new(eseal_auth_backend **out, struct eseal_store *db, const struct eseal_kek *kek)
{
	eseal_auth_backend *a = calloc(1, sizeof *a);
	sb *b = calloc(1, sizeof *b);
	if (!a || !b) {
		free(a);
		free(b);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&b->mu, NULL);
	b->db = db;
	b->kek = kek;
	a->ctx = b;
	a->user_create = s_user_create;
	a->user_update = s_user_update;
	a->user_by_name = s_user_by_name;
	a->user_by_id = s_user_by_id;
	a->user_list = s_user_list;
	a->session_put = s_session_put;
	a->session_get = s_session_get;
	a->session_delete = s_session_delete;
	a->session_delete_user = s_session_delete_user;
	a->apikey_put = s_apikey_put;
	a->apikey_get = s_apikey_get;
	a->nonce_use = s_nonce_use;
	a->close = s_close;
	*out = a;
	return 0;
}
