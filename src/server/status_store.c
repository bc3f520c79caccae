/*
 * status_store.c - answers status queries (GET /api/v1/status/{esid}) from
 * the seals table. Each server thread reads through its own database
 * connection (opened on first use, closed when the thread ends) so
 * queries run in parallel; SQLite's WAL lets readers run beside the writer.
 * Read-only: never write to the store from here.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/store.h"
#include "server_internal.h"

/* One thread's connection and its prepared query. */
typedef struct reader {
	eseal_store *db;
	eseal_stmt *query;
} reader;

struct srv_status_store {
	char *url;
	pthread_key_t key;
	pthread_mutex_t mu;          /* guards the list of readers */
	reader **all;
	size_t nall, capall;
};

static const char query_sql[] =
	"SELECT status, valid_start, valid_end, updated_at FROM seals WHERE esid = ?1";

static void forget(void *p)
{
	/* the thread ends: its connection stays listed and is closed by free */
	(void)p;
}

int srv_status_store_new(srv_status_store **out, const char *url)
{
	srv_status_store *s = calloc(1, sizeof *s);
	if (!s || !(s->url = strdup(url))) {
		free(s);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	if (pthread_key_create(&s->key, forget)) {
		free(s->url);
		free(s);
		return eseal_error_set(ESEAL_ENOMEM, "no thread key");
	}
	pthread_mutex_init(&s->mu, NULL);
	*out = s;
	return 0;
}

void srv_status_store_free(srv_status_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nall; i++) {
		eseal_stmt_free(s->all[i]->query);
		eseal_store_close(s->all[i]->db);
		free(s->all[i]);
	}
	free(s->all);
	pthread_key_delete(s->key);
	pthread_mutex_destroy(&s->mu);
	free(s->url);
	free(s);
}

static reader *thread_reader(srv_status_store *s)
{
	reader *r = pthread_getspecific(s->key);
	if (r)
		return r;
	if (!(r = calloc(1, sizeof *r)))
		return NULL;
	if (eseal_store_open_ex(&r->db, s->url, ESEAL_STORE_NO_MIGRATE) ||
	    eseal_store_prepare(r->db, &r->query, query_sql))
		goto fail;
	pthread_mutex_lock(&s->mu);
	if (s->nall == s->capall) {
		size_t nc = s->capall ? s->capall * 2 : 8;
		reader **p = realloc(s->all, nc * sizeof *p);
		if (!p) {
			pthread_mutex_unlock(&s->mu);
			goto fail;
		}
		s->all = p;
		s->capall = nc;
	}
	s->all[s->nall++] = r;
	pthread_mutex_unlock(&s->mu);
	pthread_setspecific(s->key, r);
	return r;
fail:
	eseal_stmt_free(r->query);
	eseal_store_close(r->db);
	free(r);
	return NULL;
}

int srv_status_store_lookup(void *ctx, const char *esid, eseal_buf *out)
{
	srv_status_store *s = ctx;
	reader *rd = thread_reader(s);
	if (!rd)
		return eseal_error_set(ESEAL_EIO, "status store unavailable");
	eseal_stmt *st = rd->query;
	int rc = eseal_stmt_bind_text(st, 1, esid);
	if (!rc) {
		rc = eseal_stmt_step(st);
		if (rc == 1) {
			const char *status = eseal_stmt_text(st, 0);
			long long from = eseal_stmt_int64(st, 1), to = eseal_stmt_int64(st, 2);
			long long upd = eseal_stmt_int64(st, 3), now = (long long)time(NULL);
			if (status && !strcmp(status, "valid") && to && to < now)
				status = "expired";
			rc = eseal_buf_printf(out,
					      "{\"esid\":\"%s\",\"status\":\"%s\",\"valid_from\":%lld,\"valid_to\":%lld,"
					      "\"updated\":%lld,\"checked_at\":%lld}",
					      esid, status ? status : "unknown", from, to, upd, now);
		} else if (rc == 0) {
			rc = ESEAL_ENOTFOUND;
		}
	}
	/* ends the read transaction so the writer's changes are seen next time */
	eseal_stmt_reset(st);
	return rc;
}
