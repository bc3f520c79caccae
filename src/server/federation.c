/*
 * federation.c - the subordinate side of the hierarchy: the instance's
 * system key, registration with the parent and the thread that pushes seal
 * events upward. The outbox is the database itself: this instance's own
 * seal_events (origin = its name, sequence = the event id) and the events
 * its children pushed (federation_events, relayed with their own origin and
 * sequence), each read past a cursor kept in settings. A cursor moves only
 * after the parent accepted the batch, so a batch is retried (with
 * exponential backoff) until it lands, and the parent's unique (origin,
 * sequence) key makes the retries harmless. Never sign anything but the
 * batch payload with the system key.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "eseal/crypto.h"
#include "eseal/net.h"
#include "eseal/store.h"
#include "federation.h"
#include "lifecycle.h"

#define BATCH 200
#define POLL_MS 200
#define UP_SLOTS 64
#define UP_TTL 5     /* seconds an answer from the parent is reused */

/* Answers from the parent, so a burst of questions about one seal costs
 * one round trip; short-lived, so a loss still shows within seconds. */
typedef struct up_slot {
	char key[200];               /* esid?query */
	time_t until;
	char ctype[128];
	eseal_buf body;
} up_slot;

struct eseal_federation {
	char dir[4096], name[64], region[16], self_url[512], parent[512];
	char *pass;
	char *db_url;
	int accept_children, max_backoff_ms;
	eseal_key *key;              /* the system key */
	eseal_cert *cert;            /* issued by the parent's CA, once registered */
	eseal_store *db;             /* the pushing thread's connection */
	pthread_t thread;
	int running, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_mutex_t up_mu;
	up_slot up[UP_SLOTS];
};

int eseal_federation_accepts_children(const eseal_federation *f)
{
	return f && f->accept_children;
}

const char *eseal_federation_region(const eseal_federation *f)
{
	return f && f->region[0] ? f->region : NULL;
}

size_t eseal_federation_region_prefix(const char *region)
{
	size_t n = strlen(region);
	while (n >= 2 && region[n - 1] == '0' && region[n - 2] == '0')
		n -= 2;
	return n;
}

/* 1 when esid belongs to this instance's region (the parent would refuse
 * the whole batch otherwise, and the outbox would stall on it). */
static int in_region(const eseal_federation *f, const char *esid)
{
	return esid && !strncmp(esid, f->region, eseal_federation_region_prefix(f->region));
}

static int file_exists(const char *p)
{
	struct stat st;
	return !stat(p, &st);
}

/* Sleeps ms unless asked to stop; 1 when stopping. */
static int nap(eseal_federation *f, int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&f->mu);
	while (!f->stop && pthread_cond_timedwait(&f->cv, &f->mu, &ts) == 0)
		;
	int stop = f->stop;
	pthread_mutex_unlock(&f->mu);
	return stop;
}

static int64_t cursor_get(eseal_store *db, const char *key)
{
	char *v = NULL;
	int64_t n = 0;
	if (!eseal_store_setting_get(db, key, &v) && v)
		n = strtoll(v, NULL, 10);
	free(v);
	return n;
}

static int cursor_set(eseal_store *db, const char *key, int64_t n)
{
	char v[32];
	snprintf(v, sizeof v, "%lld", (long long)n);
	return eseal_store_setting_set(db, key, v);
}

/* The answer's JSON body, or NULL. */
static json_t *answer_json(const eseal_http_answer *a)
{
	return json_loadb((const char *)a->body.data, a->body.len, 0, NULL);
}

/* Takes the certificate (base64 DER) from a registration answer. */
static int take_certificate(eseal_federation *f, json_t *j)
{
	const char *b64 = json_string_value(json_object_get(j, "certificate"));
	if (!b64)
		return ESEAL_ENOTFOUND;
	eseal_buf der = ESEAL_BUF_INIT;
	eseal_cert *c = NULL;
	char path[4200];
	int rc = lc_b64_decode(&der, b64, strlen(b64));
	if (!rc)
		rc = eseal_cert_parse(&c, der.data, der.len);
	eseal_buf_free(&der);
	snprintf(path, sizeof path, "%s/system.pem", f->dir);
	if (!rc)
		rc = eseal_cert_save_pem(c, path);
	if (rc) {
		eseal_cert_free(c);
		return rc;
	}
	f->cert = c;
	fprintf(stderr, "eseal: federation: registered with %s as %s\n", f->parent, f->name);
	return 0;
}

/* One registration step: ask (first time) or look up the answer. 0 once
 * the certificate is here. */
static int register_step(eseal_federation *f)
{
	char url[1200], id[32];
	eseal_http_answer a;
	int64_t rid = cursor_get(f->db, "federation.registration");
	int rc;
	if (!rid) {
		eseal_buf spki = ESEAL_BUF_INIT, b64 = ESEAL_BUF_INIT;
		rc = eseal_key_spki(f->key, &spki);
		if (!rc)
			rc = lc_b64_encode(&b64, spki.data, spki.len);
		json_t *req = rc ? NULL
				 : json_pack("{s:s, s:s, s:s, s:s%}", "name", f->name, "url", f->self_url, "region",
					     f->region, "public_key", (const char *)b64.data, b64.len);
		char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
		json_decref(req);
		eseal_buf_free(&spki);
		eseal_buf_free(&b64);
		if (!body)
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		snprintf(url, sizeof url, "%s/api/v1/federation/register", f->parent);
		rc = eseal_http_post(url, "application/json", body, strlen(body), 5000, 1 << 20, &a);
		free(body);
	} else {
		snprintf(id, sizeof id, "%lld", (long long)rid);
		snprintf(url, sizeof url, "%s/api/v1/federation/register/%s", f->parent, id);
		rc = eseal_http_get(url, "application/json", 5000, 1 << 20, &a);
	}
	if (rc)
		return rc;
	json_t *j = answer_json(&a);
	if (a.status / 100 != 2 || !j) {
		rc = eseal_error_set(ESEAL_EDENIED, "federation: registration answered %d", a.status);
	} else {
		const char *status = json_string_value(json_object_get(j, "status"));
		json_int_t nid = json_integer_value(json_object_get(j, "id"));
		if (!rid && nid > 0)
			cursor_set(f->db, "federation.registration", nid);
		if (status && !strcmp(status, "refused"))
			rc = eseal_error_set(ESEAL_EDENIED, "federation: the parent refused this instance");
		else
			rc = take_certificate(f, j);
	}
	json_decref(j);
	eseal_http_answer_free(&a);
	return rc;
}

/* Appends up to BATCH events past the cursors to arr; *last_own and
 * *last_relay get the new cursor values. */
static int collect(eseal_federation *f, json_t *arr, int64_t *last_own, int64_t *last_relay)
{
	eseal_stmt *st = NULL;
	int rc = eseal_store_prepare(f->db, &st,
				     "SELECT e.id, s.esid, e.to_state, e.reason, e.at FROM seal_events e"
				     " JOIN seals s ON s.id = e.seal_id WHERE e.id > ?1 ORDER BY e.id LIMIT 200");
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, *last_own);
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		const char *reason = eseal_stmt_text(st, 3);
		*last_own = eseal_stmt_int64(st, 0);
		rc = 0;
		if (!in_region(f, eseal_stmt_text(st, 1)))
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s, s:s, s:I}", "origin", f->name, "seq",
						     (json_int_t)*last_own, "esid", eseal_stmt_text(st, 1), "status",
						     eseal_stmt_text(st, 2), "reason", reason ? reason : "", "at",
						     (json_int_t)eseal_stmt_int64(st, 4)));
		rc = 0;
	}
	eseal_stmt_free(st);
	st = NULL;
	if (rc < 0)
		return rc;
	rc = eseal_store_prepare(f->db, &st,
				 "SELECT id, origin, origin_seq, esid, status, reason, at FROM federation_events"
				 " WHERE id > ?1 ORDER BY id LIMIT 200");
	if (!rc)
		rc = eseal_stmt_bind_int64(st, 1, *last_relay);
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		const char *reason = eseal_stmt_text(st, 5);
		*last_relay = eseal_stmt_int64(st, 0);
		rc = 0;
		if (!in_region(f, eseal_stmt_text(st, 3)))
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s, s:s, s:I}", "origin",
						     eseal_stmt_text(st, 1), "seq", (json_int_t)eseal_stmt_int64(st, 2),
						     "esid", eseal_stmt_text(st, 3), "status", eseal_stmt_text(st, 4),
						     "reason", reason ? reason : "", "at",
						     (json_int_t)eseal_stmt_int64(st, 6)));
		rc = 0;
	}
	eseal_stmt_free(st);
	return rc < 0 ? rc : 0;
}

/* Pushes one batch. 0 = pushed or nothing to push (*sent = events). */
static int push_step(eseal_federation *f, int *sent)
{
	int64_t own0 = cursor_get(f->db, "federation.pushed_own");
	int64_t relay0 = cursor_get(f->db, "federation.pushed_relay");
	int64_t own = own0, relay = relay0;
	json_t *arr = json_array();
	int rc = arr ? collect(f, arr, &own, &relay) : ESEAL_ENOMEM;
	*sent = 0;
	if (rc || !json_array_size(arr)) {
		json_decref(arr);
		/* only events outside the region: nothing to send, move past them */
		if (!rc && own != own0)
			rc = cursor_set(f->db, "federation.pushed_own", own);
		if (!rc && relay != relay0)
			rc = cursor_set(f->db, "federation.pushed_relay", relay);
		return rc;
	}
	*sent = (int)json_array_size(arr);
	json_t *payload = json_pack("{s:s, s:I, s:o}", "from", f->name, "sent", (json_int_t)time(NULL), "events", arr);
	char *p = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	json_decref(payload);
	eseal_buf sig = ESEAL_BUF_INIT, sig64 = ESEAL_BUF_INIT, cert64 = ESEAL_BUF_INIT;
	size_t clen = 0;
	const uint8_t *cder = eseal_cert_der(f->cert, &clen);
	rc = p ? eseal_key_sign(f->key, p, strlen(p), &sig) : ESEAL_ENOMEM;
	if (!rc)
		rc = lc_b64_encode(&sig64, sig.data, sig.len);
	if (!rc)
		rc = lc_b64_encode(&cert64, cder, clen);
	json_t *env = rc ? NULL
			 : json_pack("{s:s, s:s%, s:s%}", "payload", p, "signature", (const char *)sig64.data, sig64.len,
				     "certificate", (const char *)cert64.data, cert64.len);
	char *body = env ? json_dumps(env, JSON_COMPACT) : NULL;
	json_decref(env);
	free(p);
	eseal_buf_free(&sig);
	eseal_buf_free(&sig64);
	eseal_buf_free(&cert64);
	if (!body)
		return rc ? rc : eseal_error_set(ESEAL_ENOMEM, "out of memory");
	char url[1200];
	eseal_http_answer a;
	snprintf(url, sizeof url, "%s/api/v1/federation/events", f->parent);
	rc = eseal_http_post(url, "application/json", body, strlen(body), 5000, 1 << 20, &a);
	free(body);
	if (rc)
		return rc;
	if (a.status != 200)
		rc = eseal_error_set(ESEAL_EDENIED, "federation: the parent answered %d: %.*s", a.status,
				     (int)(a.body.len < 200 ? a.body.len : 200), (const char *)a.body.data);
	eseal_http_answer_free(&a);
	if (!rc && own != own0)
		rc = cursor_set(f->db, "federation.pushed_own", own);
	if (!rc && relay != relay0)
		rc = cursor_set(f->db, "federation.pushed_relay", relay);
	return rc;
}

int eseal_federation_parent_status(eseal_federation *f, const char *esid, const char *query, eseal_http_answer *ans)
{
	if (!f || !f->parent[0])
		return ESEAL_ENOTFOUND;
	char url[1200], key[200];
	/* esid is letters and digits (checked by the route); query is passed raw */
	if (snprintf(url, sizeof url, "%s/api/v1/status/%s%s%s", f->parent, esid, query ? "?" : "",
		     query ? query : "") >= (int)sizeof url)
		return eseal_error_set(ESEAL_EINVAL, "URL too long");
	int cacheable = snprintf(key, sizeof key, "%s?%s", esid, query ? query : "") < (int)sizeof key;
	unsigned h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	up_slot *u = &f->up[h % UP_SLOTS];
	time_t now = time(NULL);
	int hit = 0, rc = 0;
	memset(ans, 0, sizeof *ans);
	pthread_mutex_lock(&f->up_mu);
	if (cacheable && u->until > now && !strcmp(u->key, key)) {
		hit = 1;
		ans->status = 200;
		snprintf(ans->content_type, sizeof ans->content_type, "%s", u->ctype);
		rc = eseal_buf_put(&ans->body, u->body.data, u->body.len);
	}
	pthread_mutex_unlock(&f->up_mu);
	if (hit)
		return rc;
	rc = eseal_http_get(url, NULL, 3000, 1 << 20, ans);
	if (!rc && cacheable && ans->status == 200) {
		pthread_mutex_lock(&f->up_mu);
		eseal_buf_clear(&u->body);
		if (!eseal_buf_put(&u->body, ans->body.data, ans->body.len)) {
			snprintf(u->key, sizeof u->key, "%s", key);
			snprintf(u->ctype, sizeof u->ctype, "%s", ans->content_type);
			u->until = now + UP_TTL;
		} else {
			u->until = 0;
		}
		pthread_mutex_unlock(&f->up_mu);
	}
	return rc;
}

static void *run(void *arg)
{
	eseal_federation *f = arg;
	int backoff = 0, quiet = 0;
	char last[256] = "";
	while (!f->stop) {
		int sent = 0, rc = f->cert ? push_step(f, &sent) : register_step(f);
		if (rc) {
			/* one line per new kind of failure, not one per retry */
			if (strcmp(last, eseal_error_last())) {
				snprintf(last, sizeof last, "%s", eseal_error_last());
				fprintf(stderr, "eseal: federation: %s (retrying)\n", last);
			}
			backoff = backoff ? backoff * 2 : 100;
			if (backoff > f->max_backoff_ms)
				backoff = f->max_backoff_ms;
			quiet = 0;
			if (nap(f, backoff))
				break;
			continue;
		}
		backoff = 0;
		last[0] = 0;
		/* a full batch means more are waiting: go on at once */
		if (sent < BATCH && nap(f, quiet++ ? POLL_MS : 10))
			break;
	}
	return NULL;
}

int eseal_federation_start(eseal_federation **out, const eseal_federation_config *cfg)
{
	*out = NULL;
	if (cfg->parent && (!cfg->name || !cfg->region))
		return eseal_error_set(ESEAL_EINVAL, "federation: a parent needs the instance name and region");
	if (cfg->region && (strlen(cfg->region) != 6 || strspn(cfg->region, "0123456789") != 6))
		return eseal_error_set(ESEAL_EINVAL, "federation: the region code is 6 digits");
	if (cfg->parent && strncmp(cfg->parent, "http://", 7))
		return eseal_error_set(ESEAL_EINVAL, "federation: the parent URL must start with http://");
	eseal_federation *f = calloc(1, sizeof *f);
	if (!f)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	pthread_mutex_init(&f->up_mu, NULL);
	snprintf(f->dir, sizeof f->dir, "%s", cfg->dir);
	snprintf(f->name, sizeof f->name, "%s", cfg->name ? cfg->name : "");
	snprintf(f->region, sizeof f->region, "%s", cfg->region ? cfg->region : "");
	snprintf(f->self_url, sizeof f->self_url, "%s", cfg->self_url ? cfg->self_url : "");
	snprintf(f->parent, sizeof f->parent, "%s", cfg->parent ? cfg->parent : "");
	size_t pl = strlen(f->parent);
	while (pl && f->parent[pl - 1] == '/')
		f->parent[--pl] = 0;
	f->accept_children = cfg->accept_children;
	f->max_backoff_ms = cfg->max_backoff_ms > 0 ? cfg->max_backoff_ms : 5000;
	f->pass = strdup(cfg->pass ? cfg->pass : "");
	f->db_url = strdup(cfg->db_url ? cfg->db_url : "");
	int rc = f->pass && f->db_url ? 0 : ESEAL_ENOMEM;
	if (rc || !cfg->parent) {
		*out = f;
		return rc ? (eseal_federation_stop(f), eseal_error_set(rc, "out of memory")) : 0;
	}
	char kpath[4200], cpath[4200];
	snprintf(kpath, sizeof kpath, "%s/system.key", f->dir);
	snprintf(cpath, sizeof cpath, "%s/system.pem", f->dir);
	if (file_exists(kpath)) {
		rc = eseal_key_load(&f->key, kpath, f->pass, strlen(f->pass));
	} else {
		rc = eseal_key_generate(&f->key, ESEAL_KEY_SM2);
		if (!rc)
			rc = eseal_key_save(f->key, kpath, f->pass, strlen(f->pass));
	}
	if (!rc && file_exists(cpath))
		rc = eseal_cert_load(&f->cert, cpath);
	if (!rc)
		rc = eseal_store_open(&f->db, f->db_url);
	if (!rc && pthread_create(&f->thread, NULL, run, f))
		rc = eseal_error_set(ESEAL_EIO, "federation: cannot start the pushing thread");
	if (rc) {
		eseal_federation_stop(f);
		return rc;
	}
	f->running = 1;
	*out = f;
	return 0;
}

void eseal_federation_stop(eseal_federation *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	if (f->running)
		pthread_join(f->thread, NULL);
	eseal_store_close(f->db);
	eseal_key_free(f->key);
	eseal_cert_free(f->cert);
	if (f->pass)
		eseal_wipe(f->pass, strlen(f->pass));
	free(f->pass);
	free(f->db_url);
	for (int i = 0; i < UP_SLOTS; i++)
		eseal_buf_free(&f->up[i].body);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->up_mu);
	free(f);
}
