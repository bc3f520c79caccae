/*
 * routes_stats.c - GET /api/v1/stats, the numbers behind the console's
 * dashboard (统计): seals by state, signings per day over the last 30 days
 * and per organisation, applications by state. Counted with plain SQL that
 * SQLite and PostgreSQL both run (integer day numbers, no date functions);
 * days are the server's local calendar days. Never count another
 * organisation's records for anyone but the system administrator.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lifecycle.h"
#include "routes_stats.h"

#define STATS_DAYS 30

/* Seconds east of UTC of the server's local time now. */
static long utc_offset(time_t now)
{
	struct tm lt;
	if (!localtime_r(&now, &lt))
		return 0;
	return lt.tm_gmtoff;
}

static void day_name(int64_t day, char out[16])
{
	time_t t = (time_t)(day * 86400);
	struct tm g;
	if (gmtime_r(&t, &g))
		strftime(out, 16, "%Y-%m-%d", &g);
	else
		snprintf(out, 16, "?");
}

/* Runs sql with ?1 = the organisation filter ('' = all) and the integers
 * ?2, ?3 when nint says so, calling row(st, ctx) per row. 0 or a negative
 * code. */
static int each_row(eseal_store *db, const char *sql, const char *org, int nint, int64_t a, int64_t b,
		    void (*row)(eseal_stmt *, void *), void *ctx)
{
	eseal_stmt *st = NULL;
	int rc = eseal_store_prepare(db, &st, sql);
	if (!rc)
		rc = eseal_stmt_bind_text(st, 1, org);
	if (!rc && nint > 0)
		rc = eseal_stmt_bind_int64(st, 2, a);
	if (!rc && nint > 1)
		rc = eseal_stmt_bind_int64(st, 3, b);
	while (!rc && (rc = eseal_stmt_step(st)) == 1) {
		row(st, ctx);
		rc = 0;
	}
	eseal_stmt_free(st);
	return rc < 0 ? rc : 0;
}

/* status, expired flag, count -> {"valid": n, ...} */
static void seal_row(eseal_stmt *st, void *ctx)
{
	json_t *o = ctx;
	const char *status = eseal_stmt_text(st, 0);
	const char *k = eseal_stmt_int64(st, 1) ? "expired" : status ? status : "unknown";
	json_int_t n = json_integer_value(json_object_get(o, k)) + (json_int_t)eseal_stmt_int64(st, 2);
	json_object_set_new(o, k, json_integer(n));
}

static void app_row(eseal_stmt *st, void *ctx)
{
	const char *status = eseal_stmt_text(st, 0);
	json_object_set_new(ctx, status ? status : "unknown", json_integer((json_int_t)eseal_stmt_int64(st, 1)));
}

typedef struct day_ctx {
	int64_t first;
	json_int_t counts[STATS_DAYS];
} day_ctx;

static void day_row(eseal_stmt *st, void *ctx)
{
	day_ctx *d = ctx;
	int64_t i = eseal_stmt_int64(st, 0) - d->first;
	if (i >= 0 && i < STATS_DAYS)
		d->counts[i] += (json_int_t)eseal_stmt_int64(st, 1);
}

static void org_row(eseal_stmt *st, void *ctx)
{
	json_array_append_new(ctx, json_pack("{s:s?, s:s?, s:I}", "org", eseal_stmt_text(st, 0), "name",
					     eseal_stmt_text(st, 1), "count", (json_int_t)eseal_stmt_int64(st, 2)));
}

/* Signings are the audit log's entries for the service's own signings
 * (sign.document, sign.hash) and for uses made offline and reported later
 * (seal.use-reported, counted on the day of the report); their object names
 * the seal ("seal:<esID>": the esID from the 6th character on, so the
 * seals' unique index finds it). The log has them whatever else the store
 * holds. */
#define SIGNINGS                                                                   \
	"FROM audit_entries e JOIN seals s ON s.esid = substr(e.object, 6) "           \
	"JOIN organisations o ON o.id = s.org_id "                                     \
	"WHERE e.action IN ('sign.document', 'sign.hash', 'seal.use-reported') "       \
	"AND e.object LIKE 'seal:%' AND (?1 = '' OR o.credit_code = ?1) AND e.at >= ?2 "

void srv_h_stats(srv_req *r)
{
	char org[SRV_ORG_MAX] = "";
	if (r->who.role == SRV_ROLE_SYSTEM_ADMIN) {
		/* the system administrator sees everything, or one organisation */
		if (srv_query_get(r, "org", org, sizeof org))
			org[0] = 0;
	} else {
		if (!r->who.org[0]) {
			srv_problem(r, 403, "forbidden", "Forbidden", "you belong to no organisation");
			return;
		}
		snprintf(org, sizeof org, "%s", r->who.org);
	}
	eseal_store *db = lc_db(r);
	if (!db)
		return;
	long off = utc_offset(r->now);
	day_ctx days;
	memset(&days, 0, sizeof days);
	int64_t today = ((int64_t)r->now + off) / 86400;
	days.first = today - (STATS_DAYS - 1);
	int64_t since = days.first * 86400 - off;
	json_t *seals = json_object(), *apps = json_object(), *orgs = json_array(), *per_day = json_array();
	for (const char *const *s = (const char *const[]){ "valid", "lost", "expired", "cancelled", NULL }; *s; s++)
		json_object_set_new(seals, *s, json_integer(0));
	/* one snapshot, so the numbers agree with each other */
	int rc = eseal_store_begin_snapshot(db);
	if (!rc)
		rc = each_row(db,
			      "SELECT s.status, CASE WHEN s.status = 'valid' AND s.valid_end IS NOT NULL AND "
			      "s.valid_end <> 0 AND s.valid_end < ?2 THEN 1 ELSE 0 END, COUNT(*) FROM seals s "
			      "JOIN organisations o ON o.id = s.org_id WHERE (?1 = '' OR o.credit_code = ?1) "
			      "GROUP BY 1, 2",
			      org, 1, (int64_t)r->now, 0, seal_row, seals);
	if (!rc)
		rc = each_row(db,
			      "SELECT a.status, COUNT(*) FROM seal_applications a JOIN organisations o ON o.id = a.org_id "
			      "WHERE (?1 = '' OR o.credit_code = ?1) GROUP BY a.status",
			      org, 0, 0, 0, app_row, apps);
	if (!rc)
		rc = each_row(db, "SELECT (e.at + ?3) / 86400, COUNT(*) " SIGNINGS "GROUP BY 1", org, 2, since, off,
			      day_row, &days);
	if (!rc)
		rc = each_row(db,
			      "SELECT o.credit_code, o.name, COUNT(*) " SIGNINGS
			      "GROUP BY o.credit_code, o.name ORDER BY 3 DESC, 1 LIMIT 100",
			      org, 1, since, 0, org_row, orgs);
	eseal_store_rollback(db);
	lc_db_put(r, db);
	if (rc) {
		json_decref(seals);
		json_decref(apps);
		json_decref(orgs);
		json_decref(per_day);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot count: %s", eseal_error_last());
		return;
	}
	for (int i = 0; i < STATS_DAYS; i++) {
		char name[16];
		day_name(days.first + i, name);
		json_array_append_new(per_day, json_pack("{s:s, s:I}", "day", name, "count", days.counts[i]));
	}
	char tz[24];
	long aoff = (off < 0 ? -off : off) % 86400;
	snprintf(tz, sizeof tz, "%c%02d:%02d", off < 0 ? '-' : '+', (int)(aoff / 3600), (int)(aoff % 3600 / 60));
	srv_reply_json(r, 200, json_pack("{s:s?, s:I, s:s, s:o, s:o, s:o, s:o}", "org", org[0] ? org : NULL, "days",
					 (json_int_t)STATS_DAYS, "utc_offset", tz, "seals_by_status", seals,
					 "signings_per_day", per_day, "signings_per_org", orgs,
					 "applications_by_state", apps));
}
