/*
 * status_store.c - status publishing from the seals table: signed answers
 * per seal ("status at T" from seal_events), signed full and delta seal
 * revocation lists numbered in status_lists. Each server thread reads
 * through its own database connection (opened on first use, closed when
 * the store is freed) so queries run in parallel; SQLite's WAL lets readers
 * run beside the writer. Signed answers are cached per seal until the
 * seal's row changes or half their validity passed, so the hot path is one
 * indexed query and a copy. The only writes are new lists in status_lists;
 * never write seals or events from here.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/store.h"
#include "server_internal.h"
#include "status_routes.h"

#define CACHE_SLOTS 4096
#define DELTA_SLOTS 8

/* One thread's connection and its prepared queries. */
typedef struct reader {
	eseal_store *db;
	eseal_stmt *query;
	eseal_stmt *events;
} reader;

typedef struct cache_slot {
	char esid[ESEAL_STATUS_ESID_MAX + 1];
	int64_t updated;            /* the seal row's updated_at when signed */
	char status[16];
	time_t this_update;
	eseal_buf der;
	char etag[70];
	eseal_status_answer a;
} cache_slot;

typedef struct delta_slot {
	int64_t since, number;
	eseal_buf der;
	char etag[70];
} delta_slot;

struct srv_status_store {
	char *url;
	pthread_key_t key;
	pthread_mutex_t mu;          /* guards the list of readers */
	reader **all;
	size_t nall, capall;

	eseal_key *sign_key;
	eseal_cert *certs[ESEAL_STATUS_MAX_CERTS];
	size_t ncerts;
	int answer_validity, list_validity, list_interval;

	pthread_mutex_t cache_mu;
	cache_slot *cache;

	pthread_mutex_t list_mu;     /* guards everything below */
	eseal_store *writer;
	time_t last_check;
	int have_list;
	eseal_srl cur;               /* entries of the latest full list */
	eseal_buf full_der;
	char full_etag[70];
	delta_slot deltas[DELTA_SLOTS];
	unsigned next_delta;
};

static const char query_sql[] =
	"SELECT status, valid_start, valid_end, updated_at, id, created_at FROM seals WHERE esid = ?1";
static const char events_sql[] =
	"SELECT to_state, reason, at FROM seal_events WHERE seal_id = ?1 ORDER BY at, id";
/* the revoked seals with the time and reason of the event that made them so */
static const char revoked_sql[] =
	"SELECT s.esid, s.status, s.updated_at,"
	" (SELECT e.at FROM seal_events e WHERE e.seal_id = s.id AND e.to_state = s.status"
	"  ORDER BY e.at DESC, e.id DESC LIMIT 1),"
	" (SELECT e.reason FROM seal_events e WHERE e.seal_id = s.id AND e.to_state = s.status"
	"  ORDER BY e.at DESC, e.id DESC LIMIT 1)"
	" FROM seals s WHERE s.status IN ('lost', 'cancelled') ORDER BY s.esid";

static void forget(void *p)
{
	/* the thread ends: its connection stays listed and is closed by free */
	(void)p;
}

int srv_status_store_new(srv_status_store **out, const char *url)
{
	srv_status_store *s = calloc(1, sizeof *s);
	if (!s || !(s->url = strdup(url)) || !(s->cache = calloc(CACHE_SLOTS, sizeof *s->cache))) {
		if (s)
			free(s->url);
		free(s);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	if (pthread_key_create(&s->key, forget)) {
		free(s->cache);
		free(s->url);
		free(s);
		return eseal_error_set(ESEAL_ENOMEM, "no thread key");
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->cache_mu, NULL);
	pthread_mutex_init(&s->list_mu, NULL);
	eseal_srl_init(&s->cur);
	srv_status_store_set_times(s, 0, 0, 0);
	*out = s;
	return 0;
}

void srv_status_store_free(srv_status_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nall; i++) {
		eseal_stmt_free(s->all[i]->query);
		eseal_stmt_free(s->all[i]->events);
		eseal_store_close(s->all[i]->db);
		free(s->all[i]);
	}
	free(s->all);
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		eseal_buf_free(&s->cache[i].der);
	free(s->cache);
	for (size_t i = 0; i < DELTA_SLOTS; i++)
		eseal_buf_free(&s->deltas[i].der);
	eseal_buf_free(&s->full_der);
	eseal_srl_clear(&s->cur);
	eseal_store_close(s->writer);
	eseal_key_free(s->sign_key);
	for (size_t i = 0; i < s->ncerts; i++)
		eseal_cert_free(s->certs[i]);
	pthread_key_delete(s->key);
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->cache_mu);
	pthread_mutex_destroy(&s->list_mu);
	free(s->url);
	free(s);
}

int srv_status_store_set_signer(srv_status_store *s, eseal_key *key, eseal_cert **certs, size_t ncerts)
{
	if (!key || ncerts < 1 || ncerts > ESEAL_STATUS_MAX_CERTS) {
		eseal_key_free(key);
		for (size_t i = 0; i < ncerts; i++)
			eseal_cert_free(certs[i]);
		return eseal_error_set(ESEAL_EINVAL, "a status signer needs a key and 1..%d certificates",
				       ESEAL_STATUS_MAX_CERTS);
	}
	s->sign_key = key;
	for (size_t i = 0; i < ncerts; i++)
		s->certs[i] = certs[i];
	s->ncerts = ncerts;
	return 0;
}

void srv_status_store_set_times(srv_status_store *s, int answer_validity, int list_validity, int list_interval)
{
	s->answer_validity = answer_validity > 0 ? answer_validity : 3600;
	s->list_validity = list_validity > 0 ? list_validity : 3600;
	s->list_interval = list_interval > 0 ? list_interval : 1;
}

int srv_status_store_signed(const srv_status_store *s)
{
	return s && s->sign_key;
}

static reader *thread_reader(srv_status_store *s)
{
	reader *r = pthread_getspecific(s->key);
	if (r)
		return r;
	if (!(r = calloc(1, sizeof *r)))
		return NULL;
	if (eseal_store_open_ex(&r->db, s->url, ESEAL_STORE_NO_MIGRATE) ||
	    eseal_store_prepare(r->db, &r->query, query_sql) || eseal_store_prepare(r->db, &r->events, events_sql))
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
	eseal_stmt_free(r->events);
	eseal_store_close(r->db);
	free(r);
	return NULL;
}

/* The unsigned JSON view (an eseal_status_fn; kept for instances without
 * a status certificate). */
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

static eseal_seal_state state_of(const char *s, int *known)
{
	eseal_seal_state st = ESEAL_SEAL_GOOD;
	*known = s && !eseal_seal_state_from_name(s, &st) && st != ESEAL_SEAL_UNKNOWN && st != ESEAL_SEAL_LIFTED;
	return *known ? st : ESEAL_SEAL_GOOD;
}

/* Status at t from the seal's history: the last status-changing event at
 * or before t. A status set without an event (imports, tools) counts from
 * the row's updated_at. */
static int history_at(reader *rd, int64_t seal_id, const char *cur_status, int64_t updated, time_t t,
		      eseal_status_answer *a)
{
	eseal_stmt *ev = rd->events;
	eseal_seal_state st = ESEAL_SEAL_GOOD, last = ESEAL_SEAL_GOOD;
	time_t since = 0;
	int known, rc = eseal_stmt_bind_int64(ev, 1, seal_id);
	while (!rc && (rc = eseal_stmt_step(ev)) == 1) {
		eseal_seal_state s2 = state_of(eseal_stmt_text(ev, 0), &known);
		time_t at = (time_t)eseal_stmt_int64(ev, 2);
		if (!known)
			continue;
		last = s2;
		if (at > t)
			continue;
		if (s2 != st || !since) {
			since = at;
			const char *reason = eseal_stmt_text(ev, 1);
			snprintf(a->reason, sizeof a->reason, "%s", reason ? reason : "");
		}
		st = s2;
	}
	eseal_stmt_reset(ev);
	if (rc < 0)
		return rc;
	eseal_seal_state now_st = state_of(cur_status, &known);
	if (now_st != last && updated <= t) {
		st = now_st;
		since = (time_t)updated;
		a->reason[0] = 0;
	}
	a->state = st;
	a->revocation_time = st == ESEAL_SEAL_GOOD ? 0 : since;
	if (st == ESEAL_SEAL_GOOD)
		a->reason[0] = 0;
	return 0;
}

static void make_etag(const eseal_buf *der, char etag[70])
{
	uint8_t d[32];
	eseal_sm3(d, der->data, der->len);
	etag[0] = '"';
	for (int i = 0; i < 16; i++)
		snprintf(etag + 1 + 2 * i, 3, "%02x", d[i]);
	etag[33] = '"';
	etag[34] = 0;
}

static unsigned slot_of(const char *esid)
{
	unsigned h = 2166136261u;
	for (const char *p = esid; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % CACHE_SLOTS;
}

/* A seal of a subordinate instance (federation_seals, written by the
 * federation routes): its latest reported status, signed here. Unknown
 * seals get a signed "unknown". */
static int federated_answer(srv_status_store *s, reader *rd, const char *esid, time_t at, time_t now,
			    eseal_buf *der, char etag[70], eseal_status_answer *a)
{
	eseal_stmt *q = NULL;
	memset(a, 0, sizeof *a);
	snprintf(a->esid, sizeof a->esid, "%s", esid);
	a->this_update = now;
	a->next_update = now + s->answer_validity;
	a->at = at;
	a->state = ESEAL_SEAL_UNKNOWN;
	int rc = eseal_store_prepare(rd->db, &q, "SELECT status, reason, at FROM federation_seals WHERE esid = ?1");
	if (!rc)
		rc = eseal_stmt_bind_text(q, 1, esid);
	if (!rc && (rc = eseal_stmt_step(q)) == 1) {
		int known;
		eseal_seal_state st = state_of(eseal_stmt_text(q, 0), &known);
		time_t since = (time_t)eseal_stmt_int64(q, 2);
		const char *reason = eseal_stmt_text(q, 1);
		/* only the latest state is known here: "at" before it is unknown */
		if (known && (!at || at >= since)) {
			a->state = st;
			a->revocation_time = st == ESEAL_SEAL_GOOD ? 0 : since;
			if (st != ESEAL_SEAL_GOOD)
				snprintf(a->reason, sizeof a->reason, "%s", reason ? reason : "");
		}
		rc = 0;
	}
	eseal_stmt_free(q);
	if (rc < 0)
		return rc;
	eseal_buf out = ESEAL_BUF_INIT;
	rc = eseal_status_answer_sign(a, s->sign_key, (const eseal_cert *const *)s->certs, s->ncerts, &out);
	if (!rc)
		rc = eseal_buf_put(der, out.data, out.len);
	if (!rc)
		make_etag(&out, etag);
	eseal_buf_free(&out);
	return rc;
}

int srv_status_store_answer(srv_status_store *s, const char *esid, time_t at, time_t now, eseal_buf *der,
			    char etag[70], eseal_status_answer *a)
{
	if (!s->sign_key)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "no status publisher key configured");
	reader *rd = thread_reader(s);
	if (!rd)
		return eseal_error_set(ESEAL_EIO, "status store unavailable");
	eseal_stmt *st = rd->query;
	char status[16] = "";
	int64_t valid_end = 0, updated = 0, id = 0, created = 0;
	int rc = eseal_stmt_bind_text(st, 1, esid);
	int found = 0;
	if (!rc && (rc = eseal_stmt_step(st)) == 1) {
		found = 1;
		const char *t = eseal_stmt_text(st, 0);
		snprintf(status, sizeof status, "%s", t ? t : "");
		valid_end = eseal_stmt_int64(st, 2);
		updated = eseal_stmt_int64(st, 3);
		id = eseal_stmt_int64(st, 4);
		created = eseal_stmt_int64(st, 5);
		rc = 0;
	}
	eseal_stmt_reset(st);
	if (rc < 0)
		return rc;
	if (!found)
		return federated_answer(s, rd, esid, at, now, der, etag, a);
	/* expiry depends on the clock, not only on the row */
	int expired_now = found && valid_end && valid_end < now;
	unsigned slot = slot_of(esid);
	if (!at) {
		pthread_mutex_lock(&s->cache_mu);
		cache_slot *c = &s->cache[slot];
		int hit = c->der.len && !strcmp(c->esid, esid) && c->updated == updated && !strcmp(c->status, status) &&
			  now - c->this_update < s->answer_validity / 2 && now >= c->this_update &&
			  (c->a.state == ESEAL_SEAL_EXPIRED) == expired_now;
		if (hit) {
			rc = eseal_buf_put(der, c->der.data, c->der.len);
			memcpy(etag, c->etag, 70);
			*a = c->a;
		}
		pthread_mutex_unlock(&s->cache_mu);
		if (hit)
			return rc;
	}
	time_t t = at ? at : now;
	memset(a, 0, sizeof *a);
	snprintf(a->esid, sizeof a->esid, "%s", esid);
	a->this_update = now;
	a->next_update = now + s->answer_validity;
	a->at = at;
	if (!found || (at && at < created)) {
		a->state = ESEAL_SEAL_UNKNOWN;
	} else if ((rc = history_at(rd, id, status, updated, t, a))) {
		return rc;
	}
	if (found && a->state == ESEAL_SEAL_GOOD && valid_end && valid_end < t) {
		a->state = ESEAL_SEAL_EXPIRED;
		a->revocation_time = (time_t)valid_end;
	}
	eseal_buf out = ESEAL_BUF_INIT;
	rc = eseal_status_answer_sign(a, s->sign_key, (const eseal_cert *const *)s->certs, s->ncerts, &out);
	if (!rc)
		rc = eseal_buf_put(der, out.data, out.len);
	if (!rc)
		make_etag(&out, etag);
	if (!rc && !at && found) {
		pthread_mutex_lock(&s->cache_mu);
		cache_slot *c = &s->cache[slot];
		eseal_buf_clear(&c->der);
		if (!eseal_buf_put(&c->der, out.data, out.len)) {
			snprintf(c->esid, sizeof c->esid, "%s", esid);
			snprintf(c->status, sizeof c->status, "%s", status);
			c->updated = updated;
			c->this_update = a->this_update;
			memcpy(c->etag, etag, 70);
			c->a = *a;
		}
		pthread_mutex_unlock(&s->cache_mu);
	}
	eseal_buf_free(&out);
	return rc;
}

/* ---- revocation lists (all under list_mu) ---- */

static int writer_db(srv_status_store *s)
{
	return s->writer ? 0 : eseal_store_open_ex(&s->writer, s->url, ESEAL_STORE_NO_MIGRATE);
}

/* The revoked seals now, as list entries. */
static int current_entries(srv_status_store *s, eseal_srl *l)
{
	eseal_stmt *st = NULL;
	int rc = eseal_store_prepare(s->writer, &st, revoked_sql);
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		eseal_srl_entry e;
		memset(&e, 0, sizeof e);
		const char *esid = eseal_stmt_text(st, 0), *status = eseal_stmt_text(st, 1);
		if (!esid || !eseal_esid_ok(esid))
			continue; /* not publishable; the seal row is broken */
		snprintf(e.esid, sizeof e.esid, "%s", esid);
		e.state = status && !strcmp(status, "lost") ? ESEAL_SEAL_LOST : ESEAL_SEAL_CANCELLED;
		e.revocation_time = eseal_stmt_is_null(st, 3) ? (time_t)eseal_stmt_int64(st, 2)
							      : (time_t)eseal_stmt_int64(st, 3);
		if (e.revocation_time <= 0)
			e.revocation_time = 1;
		char reason[ESEAL_STATUS_REASON_MAX + 1] = "";
		const char *rs = eseal_stmt_is_null(st, 3) ? NULL : eseal_stmt_text(st, 4);
		if (rs) {
			size_t n = strlen(rs);
			if (n > ESEAL_STATUS_REASON_MAX) {
				/* cut before a UTF-8 sequence, not inside it */
				n = ESEAL_STATUS_REASON_MAX;
				while (n && ((unsigned char)rs[n] & 0xc0) == 0x80)
					n--;
			}
			/* control characters are not allowed in the list */
			for (size_t i = 0; i < n; i++)
				reason[i] = (unsigned char)rs[i] < 0x20 || rs[i] == 0x7f ? ' ' : rs[i];
			reason[n] = 0;
			e.reason = reason;
		}
		rc = eseal_srl_put(l, &e);
	}
	eseal_stmt_free(st);
	if (rc == 0 || rc == 1)
		rc = 0;
	eseal_store_rollback(s->writer);
	return rc;
}

static int same_entries(const eseal_srl *a, const eseal_srl *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const eseal_srl_entry *x = &a->entries[i], *y = &b->entries[i];
		if (strcmp(x->esid, y->esid) || x->state != y->state || x->revocation_time != y->revocation_time ||
		    strcmp(x->reason ? x->reason : "", y->reason ? y->reason : ""))
			return 0;
	}
	return 1;
}

/* The stored full list with this number, parsed (not verified: we wrote it). */
static int stored_full(srv_status_store *s, int64_t number, eseal_srl *out, eseal_buf *der)
{
	eseal_stmt *st = NULL;
	int rc = eseal_store_prepare(s->writer, &st,
				     number ? "SELECT der FROM status_lists WHERE kind = 'full' AND number = ?1"
					    : "SELECT der FROM status_lists WHERE kind = 'full' ORDER BY number DESC LIMIT 1");
	if (!rc && number)
		rc = eseal_stmt_bind_int64(st, 1, number);
	if (!rc)
		rc = eseal_stmt_step(st);
	if (rc == 1) {
		size_t n;
		const uint8_t *p = eseal_stmt_blob(st, 0, &n);
		rc = eseal_srl_parse(p, n, out, NULL);
		if (!rc && der)
			rc = eseal_buf_put(der, p, n);
	} else if (rc == 0) {
		rc = ESEAL_ENOTFOUND;
	}
	eseal_stmt_free(st);
	eseal_store_rollback(s->writer);
	return rc;
}

static void forget_deltas(srv_status_store *s)
{
	for (size_t i = 0; i < DELTA_SLOTS; i++) {
		eseal_buf_free(&s->deltas[i].der);
		s->deltas[i].since = s->deltas[i].number = 0;
	}
}

/* Makes sure cur/full_der are the latest list, signing a new one when the
 * revoked seals changed or the list is half-way to its nextUpdate. */
static int refresh_lists(srv_status_store *s, time_t now)
{
	int rc = writer_db(s);
	if (rc)
		return rc;
	if (!s->have_list) {
		/* continue from the newest stored list */
		eseal_srl l;
		eseal_buf der = ESEAL_BUF_INIT;
		rc = stored_full(s, 0, &l, &der);
		if (!rc) {
			eseal_srl_clear(&s->cur);
			s->cur = l;
			eseal_buf_clear(&s->full_der);
			rc = eseal_buf_put(&s->full_der, der.data, der.len);
			make_etag(&s->full_der, s->full_etag);
			s->have_list = !rc;
		} else if (rc != ESEAL_ENOTFOUND) {
			eseal_buf_free(&der);
			return rc;
		}
		eseal_buf_free(&der);
		s->last_check = 0;
	}
	if (s->have_list && now - s->last_check < s->list_interval && now < s->cur.next_update)
		return 0;
	s->last_check = now;
	eseal_srl fresh;
	eseal_srl_init(&fresh);
	if ((rc = current_entries(s, &fresh))) {
		eseal_srl_clear(&fresh);
		return rc;
	}
	if (s->have_list && same_entries(&fresh, &s->cur) &&
	    now - s->cur.this_update < s->list_validity / 2 && now >= s->cur.this_update) {
		eseal_srl_clear(&fresh);
		return 0;
	}
	int64_t maxn = 0;
	rc = eseal_store_query_int(s->writer, &maxn, "SELECT COALESCE(MAX(number), 0) FROM status_lists", "");
	eseal_store_rollback(s->writer);
	if (rc && rc != ESEAL_ENOTFOUND) {
		eseal_srl_clear(&fresh);
		return rc;
	}
	fresh.number = (maxn > s->cur.number ? maxn : s->cur.number) + 1;
	fresh.this_update = now;
	fresh.next_update = now + s->list_validity;
	eseal_buf full = ESEAL_BUF_INIT, delta = ESEAL_BUF_INIT;
	eseal_srl d;
	eseal_srl_init(&d);
	const eseal_cert *const *certs = (const eseal_cert *const *)s->certs;
	rc = eseal_srl_sign(&fresh, s->sign_key, certs, s->ncerts, &full);
	if (!rc && s->have_list) {
		rc = eseal_srl_diff(&s->cur, &fresh, &d);
		if (!rc)
			rc = eseal_srl_sign(&d, s->sign_key, certs, s->ncerts, &delta);
	}
	if (!rc)
		rc = eseal_store_begin(s->writer);
	if (!rc) {
		int64_t n = eseal_store_run(s->writer,
					    "INSERT INTO status_lists (number, kind, der, this_update, next_update)"
					    " VALUES (?1, 'full', ?2, ?3, ?4)",
					    "ibii", fresh.number, full.data, full.len, (int64_t)fresh.this_update,
					    (int64_t)fresh.next_update);
		if (n >= 0 && delta.len)
			n = eseal_store_run(s->writer,
					    "INSERT INTO status_lists (number, kind, der, this_update, next_update)"
					    " VALUES (?1, 'delta', ?2, ?3, ?4)",
					    "ibii", fresh.number, delta.data, delta.len, (int64_t)fresh.this_update,
					    (int64_t)fresh.next_update);
		rc = n < 0 ? (int)n : eseal_store_commit(s->writer);
		if (rc)
			eseal_store_rollback(s->writer);
	}
	if (!rc) {
		eseal_srl_clear(&s->cur);
		s->cur = fresh;
		eseal_srl_init(&fresh);
		eseal_buf_clear(&s->full_der);
		rc = eseal_buf_put(&s->full_der, full.data, full.len);
		make_etag(&s->full_der, s->full_etag);
		s->have_list = !rc;
		forget_deltas(s);
		if (delta.len) {
			delta_slot *ds = &s->deltas[0];
			ds->since = d.base_number;
			ds->number = d.number;
			if (!eseal_buf_put(&ds->der, delta.data, delta.len))
				make_etag(&ds->der, ds->etag);
			s->next_delta = 1;
		}
	}
	eseal_srl_clear(&fresh);
	eseal_srl_clear(&d);
	eseal_buf_free(&full);
	eseal_buf_free(&delta);
	return rc;
}

int srv_status_store_list(srv_status_store *s, int delta, int64_t since, time_t now, eseal_buf *der, char etag[70],
			  time_t *next_update, int64_t *number)
{
	if (!s->sign_key)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "no status publisher key configured");
	pthread_mutex_lock(&s->list_mu);
	int rc = refresh_lists(s, now);
	if (rc)
		goto out;
	*next_update = s->cur.next_update;
	*number = s->cur.number;
	if (!delta) {
		rc = eseal_buf_put(der, s->full_der.data, s->full_der.len);
		memcpy(etag, s->full_etag, 70);
		goto out;
	}
	if (since >= s->cur.number) {
		rc = since == s->cur.number ? ESEAL_EEXISTS : ESEAL_ENOTFOUND;
		goto out;
	}
	for (size_t i = 0; i < DELTA_SLOTS; i++) {
		delta_slot *ds = &s->deltas[i];
		if (ds->der.len && ds->since == since && ds->number == s->cur.number) {
			rc = eseal_buf_put(der, ds->der.data, ds->der.len);
			memcpy(etag, ds->etag, 70);
			goto out;
		}
	}
	eseal_srl base, d;
	eseal_srl_init(&d);
	if ((rc = stored_full(s, since, &base, NULL)))
		goto out;
	eseal_buf out = ESEAL_BUF_INIT;
	rc = eseal_srl_diff(&base, &s->cur, &d);
	if (!rc)
		rc = eseal_srl_sign(&d, s->sign_key, (const eseal_cert *const *)s->certs, s->ncerts, &out);
	if (!rc) {
		delta_slot *ds = &s->deltas[s->next_delta++ % DELTA_SLOTS];
		eseal_buf_clear(&ds->der);
		ds->since = since;
		ds->number = s->cur.number;
		rc = eseal_buf_put(&ds->der, out.data, out.len);
		make_etag(&ds->der, ds->etag);
		memcpy(etag, ds->etag, 70);
		if (!rc)
			rc = eseal_buf_put(der, out.data, out.len);
	}
	eseal_buf_free(&out);
	eseal_srl_clear(&base);
	eseal_srl_clear(&d);
out:
	pthread_mutex_unlock(&s->list_mu);
	return rc;
}

int srv_status_signer_key_load(eseal_key **key, const char *dir, const char *pass)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/status.key", dir);
	return eseal_key_load(key, path, pass, pass ? strlen(pass) : 0);
}

int srv_status_store_use_dir(srv_status_store *s, eseal_key *key, const char *dir)
{
	char path[4200];
	eseal_cert *certs[ESEAL_STATUS_MAX_CERTS] = { 0 }, **chain = NULL;
	size_t n = 0, nchain = 0;
	if (!key)
		return 0;
	snprintf(path, sizeof path, "%s/status.pem", dir);
	int rc = eseal_cert_load(&certs[0], path);
	if (rc) {
		eseal_key_free(key);
		return rc;
	}
	n = 1;
	/* the CA certificates ride along so verifiers trusting only the root
	 * can build the chain */
	snprintf(path, sizeof path, "%s/ca/ca.pem", dir);
	if (!eseal_cert_load_all(&chain, &nchain, path)) {
		for (size_t i = 0; i < nchain; i++) {
			/* a root is the verifier's own anchor: no need to ship it */
			if (n < ESEAL_STATUS_MAX_CERTS && !eseal_cert_signed_by(chain[i], chain[i])) {
				certs[n++] = chain[i];
				chain[i] = NULL;
			}
		}
		eseal_cert_list_free(chain, nchain);
	}
	return srv_status_store_set_signer(s, key, certs, n);
}
