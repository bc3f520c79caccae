/*
 * pool.c - a small pool of store connections for threaded callers, and the
 * nonce table used against replays. The pool hands each connection to one
 * thread at a time and never shares one between threads.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

struct eseal_store_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *url;
	eseal_store **idle;
	int nidle, open, max;
};

int eseal_store_pool_new(eseal_store_pool **out, const char *url, int max)
{
	*out = NULL;
	if (max < 1 || max > 1024)
		return eseal_error_set(ESEAL_EINVAL, "store pool: size %d out of range (1..1024)", max);
	eseal_store_pool *p = calloc(1, sizeof *p);
	if (!p || !(p->url = strdup(url)) || !(p->idle = calloc((size_t)max, sizeof *p->idle))) {
		if (p)
			free(p->url);
		free(p);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	p->max = max;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	eseal_store *s = NULL;
	int rc = eseal_store_open(&s, url);
	if (rc) {
		eseal_store_pool_free(p);
		return rc;
	}
	p->idle[p->nidle++] = s;
	p->open = 1;
	*out = p;
	return 0;
}

int eseal_store_pool_get(eseal_store_pool *p, eseal_store **out)
{
	*out = NULL;
	pthread_mutex_lock(&p->mu);
	while (!p->nidle && p->open >= p->max)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->nidle) {
		*out = p->idle[--p->nidle];
		pthread_mutex_unlock(&p->mu);
		return 0;
	}
	/* Open outside the lock: connecting can take a while. */
	p->open++;
	pthread_mutex_unlock(&p->mu);
	int rc = eseal_store_open_ex(out, p->url, ESEAL_STORE_NO_MIGRATE);
	if (rc) {
		pthread_mutex_lock(&p->mu);
		p->open--;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return rc;
}

void eseal_store_pool_put(eseal_store_pool *p, eseal_store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		eseal_store_rollback(s);
	pthread_mutex_lock(&p->mu);
	p->idle[p->nidle++] = s;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void eseal_store_pool_free(eseal_store_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nidle; i++)
		eseal_store_close(p->idle[i]);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->idle);
	free(p->url);
	free(p);
}

int eseal_store_nonce_claim(eseal_store *s, const char *value, int64_t expires_at, int64_t now)
{
	if (!value || !*value)
		return eseal_error_set(ESEAL_EINVAL, "nonce: empty value");
	int64_t n = eseal_store_run(s, "DELETE FROM nonces WHERE expires_at <= ?1", "i", now);
	if (n < 0)
		return (int)n;
	n = eseal_store_run(s, "INSERT INTO nonces (value, expires_at) VALUES (?1, ?2)", "ti", value, expires_at);
	if (n == ESEAL_EEXISTS)
		return eseal_error_set(ESEAL_EEXISTS, "nonce: '%s' was already used", value);
	return n < 0 ? (int)n : 0;
}
