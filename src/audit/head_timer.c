/*
 * head_timer.c - the service's scheduled signing of audit tree heads.
 * A head is signed only when the log has grown past the newest head, so an
 * idle service adds nothing. Failures are reported on stderr and retried at
 * the next tick: they must never stop the service, and the thread must
 * never outlive eseal_audit_timer_stop.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/head_timer.h"

struct eseal_audit_timer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	int interval;
	eseal_store *db;
	eseal_key *key;
};

int eseal_audit_head_if_grown(eseal_store *s, const eseal_key *key, eseal_audit_head *out)
{
	int64_t size;
	eseal_audit_head last;
	int rc = eseal_audit_size(s, &size);
	if (rc)
		return rc;
	rc = eseal_audit_head_latest(s, &last);
	if (rc && rc != ESEAL_ENOTFOUND)
		return rc;
	/* an empty log, or nothing new since the newest head */
	if (size == 0 || (!rc && last.tree_size >= size))
		return 0;
	rc = eseal_audit_sign_head(s, key, out ? out : &last);
	return rc ? rc : 1;
}

static void tick(eseal_audit_timer *t)
{
	int rc = eseal_audit_head_if_grown(t->db, t->key, NULL);
	if (rc < 0)
		fprintf(stderr, "eseal: audit tree head not signed (retried later): %s\n", eseal_error_last());
}

/* Waits one interval; 1 when asked to stop. */
static int nap(eseal_audit_timer *t)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += t->interval;
	pthread_mutex_lock(&t->mu);
	while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu, &ts) == 0)
		;
	int stop = t->stop;
	pthread_mutex_unlock(&t->mu);
	return stop;
}

static void *run(void *arg)
{
	eseal_audit_timer *t = arg;
	while (!nap(t))
		tick(t);
	return NULL;
}

int eseal_audit_timer_start(eseal_audit_timer **out, const char *db_url, eseal_key *key, int interval_s)
{
	*out = NULL;
	if (!key || !eseal_key_has_private(key) || interval_s <= 0) {
		eseal_key_free(key);
		return eseal_error_set(ESEAL_EINVAL, "audit heads: a private key and a positive interval are needed");
	}
	eseal_audit_timer *t = calloc(1, sizeof *t);
	if (!t) {
		eseal_key_free(key);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	t->key = key;
	t->interval = interval_s;
	int rc = eseal_store_open(&t->db, db_url);
	if (rc) {
		eseal_key_free(key);
		free(t);
		return rc;
	}
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	if (pthread_create(&t->thread, NULL, run, t)) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		eseal_store_close(t->db);
		eseal_key_free(key);
		free(t);
		return eseal_error_set(ESEAL_EIO, "audit heads: cannot start a thread");
	}
	*out = t;
	return 0;
}

void eseal_audit_timer_stop(eseal_audit_timer *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->thread, NULL);
	/* the entries of the last interval get their head too */
	tick(t);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	eseal_store_close(t->db);
	eseal_key_free(t->key);
	free(t);
}
