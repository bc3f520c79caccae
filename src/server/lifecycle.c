/*
 * lifecycle.c - the making system's context and the rules every lifecycle
 * route shares: the seal state machine, seal types, esID allocation, seal
 * events and audit entries, base64 and PEM. Never write a seal state that is
 * not one of 'valid', 'lost', 'cancelled', 'expired' (the status publisher
 * reads them) and never skip the seal event of a change.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/audit.h"
#include "lifecycle.h"

int eseal_making_new(eseal_making **out, const eseal_making_config *cfg)
{
	*out = NULL;
	if (!cfg || !cfg->db_url || !cfg->ca || !cfg->maker || !cfg->maker_key)
		return eseal_error_set(ESEAL_EINVAL, "making: database, CA and maker certificate are required");
	eseal_making *m = calloc(1, sizeof *m);
	if (!m)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int rc = eseal_store_pool_new(&m->pool, cfg->db_url, cfg->connections > 0 ? cfg->connections : 4);
	if (rc) {
		free(m);
		return rc;
	}
	pthread_mutex_init(&m->ca_mu, NULL);
	m->ca = cfg->ca;
	m->maker = cfg->maker;
	m->maker_key = cfg->maker_key;
	m->kek = cfg->kek;
	m->max_days = cfg->max_validity_days > 0 ? cfg->max_validity_days : 3650;
	*out = m;
	return 0;
}

void eseal_making_free(eseal_making *m)
{
	if (!m)
		return;
	eseal_store_pool_free(m->pool);
	pthread_mutex_destroy(&m->ca_mu);
	free(m);
}

/* ---- the state machine ---- */
static const struct {
	lc_op op;
	const char *from, *to;
} transitions[] = {
	{ LC_REPORT_LOSS, "valid", "lost" },
	{ LC_LIFT_LOSS, "lost", "valid" },
	{ LC_CANCEL, "valid", "cancelled" },
	{ LC_CANCEL, "lost", "cancelled" },
	{ LC_CANCEL, "expired", "cancelled" },
	{ LC_RENEW, "valid", "valid" },
	{ LC_RENEW, "expired", "valid" },
	/* a lost seal is typically replaced: the new one has a new key */
	{ LC_REPLACE, "valid", "cancelled" },
	{ LC_REPLACE, "lost", "cancelled" },
	{ LC_REPLACE, "expired", "cancelled" },
	{ LC_CHANGE, "valid", "cancelled" },
};

const char *lc_op_name(lc_op op)
{
	switch (op) {
	case LC_REPORT_LOSS: return "report_loss";
	case LC_LIFT_LOSS: return "lift_loss";
	case LC_CANCEL: return "cancel";
	case LC_RENEW: return "renew";
	case LC_REPLACE: return "replace";
	case LC_CHANGE: return "change";
	}
	return "?";
}

const char *lc_next_state(lc_op op, const char *from)
{
	for (size_t i = 0; from && i < sizeof transitions / sizeof transitions[0]; i++)
		if (transitions[i].op == op && !strcmp(transitions[i].from, from))
			return transitions[i].to;
	return NULL;
}

const char *lc_effective_state(const char *stored, int64_t valid_end, time_t now)
{
	if (stored && !strcmp(stored, "valid") && valid_end && valid_end < (int64_t)now)
		return "expired";
	return stored ? stored : "unknown";
}

int lc_kind_op(const char *kind)
{
	if (!kind)
		return -1;
	if (!strcmp(kind, "new"))
		return 0;
	if (!strcmp(kind, "change"))
		return LC_CHANGE;
	if (!strcmp(kind, "renew"))
		return LC_RENEW;
	if (!strcmp(kind, "replace"))
		return LC_REPLACE;
	return -1;
}

static const struct {
	const char *name;
	long type;
} seal_types[] = {
	{ "official", 1 },  /* 法定名称章 (公章) */
	{ "finance", 2 },   /* 财务专用章 */
	{ "invoice", 3 },   /* 发票专用章 (the samples use 3) */
	{ "contract", 4 },  /* 合同专用章 */
	{ "personal", 5 },  /* 个人名章 */
	{ "business", 6 },  /* 业务专用章 */
	{ "other", 99 },
};

long lc_seal_type(const char *name)
{
	for (size_t i = 0; name && i < sizeof seal_types / sizeof seal_types[0]; i++)
		if (!strcmp(seal_types[i].name, name))
			return seal_types[i].type;
	return 0;
}

const char *lc_seal_type_name(long type)
{
	for (size_t i = 0; i < sizeof seal_types / sizeof seal_types[0]; i++)
		if (seal_types[i].type == type)
			return seal_types[i].name;
	return "other";
}

/* ---- handler helpers ---- */
eseal_making *lc_making(srv_req *r)
{
	eseal_making *m = r->srv->cfg.making;
	if (!m)
		srv_problem(r, 503, "no-making-system", "Service Unavailable",
			    "this instance has no making system configured");
	return m;
}

eseal_store *lc_db(srv_req *r)
{
	eseal_making *m = lc_making(r);
	eseal_store *db = NULL;
	if (m && eseal_store_pool_get(m->pool, &db)) {
		srv_problem(r, 503, "store-unavailable", "Service Unavailable", "the database is unavailable");
		return NULL;
	}
	return db;
}

void lc_db_put(srv_req *r, eseal_store *db)
{
	if (db)
		eseal_store_pool_put(r->srv->cfg.making->pool, db);
}

void lc_actor(const srv_req *r, char *out, size_t outlen)
{
	if (r->who.kind == SRV_AUTH_HMAC)
		snprintf(out, outlen, "api:%s", r->who.id);
	else
		snprintf(out, outlen, "%s", r->who.name);
}

int lc_audit(eseal_store *db, srv_req *r, const char *action, const char *object, json_t *details)
{
	char actor[SRV_NAME_MAX + SRV_ID_MAX + 8];
	char *d = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	lc_actor(r, actor, sizeof actor);
	eseal_audit_event ev = { 0 };
	ev.actor = actor;
	ev.role = srv_role_name(r->who.role);
	ev.action = action;
	ev.object = object;
	ev.details = d;
	ev.request_id = r->request_id;
	ev.time = r->now;
	int rc = eseal_audit_append(db, &ev, NULL);
	free(d);
	return rc;
}

int lc_auditf(eseal_store *db, srv_req *r, const char *action, json_t *details, const char *objfmt, ...)
{
	char obj[160];
	va_list ap;
	va_start(ap, objfmt);
	vsnprintf(obj, sizeof obj, objfmt, ap);
	va_end(ap);
	int rc = lc_audit(db, r, action, obj, details);
	json_decref(details);
	return rc;
}

int lc_event(eseal_store *db, srv_req *r, int64_t seal_id, const char *from, const char *to,
	     const char *reason)
{
	char actor[SRV_NAME_MAX + SRV_ID_MAX + 8];
	lc_actor(r, actor, sizeof actor);
	int64_t n = eseal_store_run(db, "INSERT INTO seal_events (seal_id, from_state, to_state, actor, reason, at) "
				    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "itttti", seal_id, from, to, actor, reason,
				    (int64_t)r->now);
	return n < 0 ? (int)n : 0;
}

int lc_transition(eseal_store *db, srv_req *r, int64_t seal_id, const char *esid, const char *stored_from,
		  const char *from, const char *to, const char *action, const char *reason)
{
	int64_t n = eseal_store_run(db, "UPDATE seals SET status = ?1, updated_at = ?2 WHERE id = ?3 AND status = ?4",
				    "tiit", to, (int64_t)r->now, seal_id, stored_from);
	if (n < 0)
		return (int)n;
	if (n != 1)
		return eseal_error_set(ESEAL_EDENIED, "the seal was changed by another request");
	int rc = lc_event(db, r, seal_id, from, to, reason);
	if (!rc) {
		json_t *d = json_pack("{s:s, s:s, s:s}", "from", from, "to", to, "reason", reason ? reason : "");
		rc = lc_auditf(db, r, action, d, "seal:%s", esid);
	}
	return rc;
}

int lc_org_get(eseal_store *db, const char *code, int64_t *id, char *name, size_t nlen, char *region,
	       size_t rlen)
{
	eseal_stmt *st = NULL;
	int rc = eseal_store_prepare(db, &st, "SELECT id, name, region_code FROM organisations WHERE credit_code = ?1");
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, code);
	if (!rc) {
		rc = eseal_stmt_step(st);
		if (rc == 1) {
			if (id)
				*id = eseal_stmt_int64(st, 0);
			const char *n = eseal_stmt_text(st, 1), *g = eseal_stmt_text(st, 2);
			if (name)
				snprintf(name, nlen, "%s", n ? n : "");
			if (region)
				snprintf(region, rlen, "%s", g ? g : "");
			rc = 0;
		} else if (rc == 0) {
			rc = ESEAL_ENOTFOUND;
		}
	}
	eseal_stmt_free(st);
	return rc;
}

int lc_esid_next(eseal_store *db, const char *region, char out[16])
{
	char key[48];
	snprintf(key, sizeof key, "esid.next.%s", region);
	/* the counter row is locked by the upsert until the transaction ends,
	 * so two makers never draw the same serial */
	for (int tries = 0; tries < 1000; tries++) {
		int64_t serial = 0, taken = 0;
		int rc = eseal_store_query_int(db, &serial,
					       "INSERT INTO settings (key, value) VALUES (?1, '1') ON CONFLICT (key) DO UPDATE "
					       "SET value = CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT) "
					       "RETURNING CAST(value AS BIGINT)", "t", key);
		if (rc)
			return rc;
		if (serial < 1 || serial > 99999999)
			return eseal_error_set(ESEAL_ELIMIT, "region %s has no seal codes left", region);
		snprintf(out, 16, "%s%08lld", region, (long long)serial);
		/* a restored or imported seal may already hold the code */
		if ((rc = eseal_store_query_int(db, &taken, "SELECT COUNT(*) FROM seals WHERE esid = ?1", "t", out)))
			return rc;
		if (!taken)
			return 0;
	}
	return eseal_error_set(ESEAL_ELIMIT, "no free seal code in region %s", region);
}

/* ---- base64 and PEM ---- */
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int lc_b64_decode(eseal_buf *out, const char *in, size_t len)
{
	if (len % 4)
		return eseal_error_set(ESEAL_EFORMAT, "base64 length is not a multiple of 4");
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		for (int k = 0; k < 4; k++) {
			int c = (unsigned char)in[i + k];
			if (c == '=' && i + 4 == len && k >= 2 && (k == 3 || in[i + 3] == '=')) {
				v[k] = 0;
				pad++;
			} else if ((v[k] = b64_val(c)) < 0 || pad) {
				return eseal_error_set(ESEAL_EFORMAT, "not base64");
			}
		}
		uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		uint8_t b[3] = { (uint8_t)(x >> 16), (uint8_t)(x >> 8), (uint8_t)x };
		int rc = eseal_buf_put(out, b, (size_t)(3 - pad));
		if (rc)
			return rc;
	}
	return 0;
}

int lc_b64_encode(eseal_buf *out, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i += 3) {
		size_t left = len - i;
		uint32_t v = (uint32_t)in[i] << 16 | (left > 1 ? (uint32_t)in[i + 1] << 8 : 0) |
			     (left > 2 ? in[i + 2] : 0);
		char q[4] = { b64[(v >> 18) & 63], b64[(v >> 12) & 63], left > 1 ? b64[(v >> 6) & 63] : '=',
			      left > 2 ? b64[v & 63] : '=' };
		int rc = eseal_buf_put(out, q, 4);
		if (rc)
			return rc;
	}
	return 0;
}

int lc_pem(eseal_buf *out, const char *label, const uint8_t *der, size_t len)
{
	eseal_buf t = ESEAL_BUF_INIT;
	int rc = lc_b64_encode(&t, der, len);
	if (!rc)
		rc = eseal_buf_printf(out, "-----BEGIN %s-----\n", label);
	for (size_t i = 0; !rc && i < t.len; i += 64) {
		size_t n = t.len - i < 64 ? t.len - i : 64;
		rc = eseal_buf_put(out, t.data + i, n);
		if (!rc)
			rc = eseal_buf_putc(out, '\n');
	}
	if (!rc)
		rc = eseal_buf_printf(out, "-----END %s-----\n", label);
	eseal_buf_free(&t);
	return rc;
}
