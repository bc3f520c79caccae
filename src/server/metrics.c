/*
 * metrics.c - Prometheus text exposition: requests by route, method and
 * status, a latency histogram per route, and requests in flight. Counters
 * are lock-free atomics so recording costs a few instructions on the hot
 * path. Never put user input (paths, names) into a label: routes are
 * labelled by their pattern only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_internal.h"

static const char *methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "OTHER" };
#define NMETHODS (sizeof methods / sizeof methods[0])
static const int statuses[] = { 200, 201, 204, 301, 304, 400, 401, 403, 404, 405, 409, 413,
				415, 422, 429, 500, 503, 0 /* other */ };
#define NSTATUS (sizeof statuses / sizeof statuses[0])
static const double bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
				 0.5, 1, 2.5, 5, 10 };
#define NBOUNDS (sizeof bounds / sizeof bounds[0])

struct srv_metrics {
	size_t nslots;               /* routes + static + unmatched */
	uint64_t *count;             /* [slot][method][status] */
	uint64_t *hist;              /* [slot][NBOUNDS + 1] */
	uint64_t *sum_us;            /* [slot] */
	long inflight;
};

int srv_metrics_new(srv_metrics **out, size_t nroutes)
{
	srv_metrics *m = calloc(1, sizeof *m);
	if (!m)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	m->nslots = nroutes + 2;
	m->count = calloc(m->nslots * NMETHODS * NSTATUS, sizeof *m->count);
	m->hist = calloc(m->nslots * (NBOUNDS + 1), sizeof *m->hist);
	m->sum_us = calloc(m->nslots, sizeof *m->sum_us);
	if (!m->count || !m->hist || !m->sum_us) {
		srv_metrics_free(m);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

void srv_metrics_free(srv_metrics *m)
{
	if (!m)
		return;
	free(m->count);
	free(m->hist);
	free(m->sum_us);
	free(m);
}

void srv_metrics_record(srv_metrics *m, size_t route, const char *method, int status, double seconds)
{
	size_t mi = NMETHODS - 1, si = NSTATUS - 1, bi = NBOUNDS;
	if (route >= m->nslots)
		route = m->nslots - 1;
	for (size_t i = 0; method && i + 1 < NMETHODS; i++)
		if (!strcmp(methods[i], method)) {
			mi = i;
			break;
		}
	for (size_t i = 0; i + 1 < NSTATUS; i++)
		if (statuses[i] == status) {
			si = i;
			break;
		}
	for (size_t i = 0; i < NBOUNDS; i++)
		if (seconds <= bounds[i]) {
			bi = i;
			break;
		}
	__atomic_fetch_add(&m->count[(route * NMETHODS + mi) * NSTATUS + si], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->hist[route * (NBOUNDS + 1) + bi], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->sum_us[route], (uint64_t)(seconds * 1e6), __ATOMIC_RELAXED);
}

void srv_metrics_inflight(srv_metrics *m, int delta)
{
	__atomic_fetch_add(&m->inflight, delta, __ATOMIC_RELAXED);
}

long srv_metrics_inflight_now(srv_metrics *m)
{
	return __atomic_load_n(&m->inflight, __ATOMIC_RELAXED);
}

static const char *slot_name(const srv_route *routes, size_t n, size_t slot)
{
	if (slot < n)
		return routes[slot].pattern;
	return slot == n ? "static" : "unmatched";
}

int srv_metrics_render(srv_metrics *m, const srv_route *routes, size_t n, eseal_buf *out)
{
	int rc = 0;
	rc |= eseal_buf_puts(out, "# HELP eseal_http_requests_total HTTP requests answered.\n"
				  "# TYPE eseal_http_requests_total counter\n");
	for (size_t s = 0; s < m->nslots; s++)
		for (size_t mi = 0; mi < NMETHODS; mi++)
			for (size_t si = 0; si < NSTATUS; si++) {
				uint64_t v = __atomic_load_n(&m->count[(s * NMETHODS + mi) * NSTATUS + si],
							     __ATOMIC_RELAXED);
				if (!v)
					continue;
				char st[8];
				if (statuses[si])
					snprintf(st, sizeof st, "%d", statuses[si]);
				else
					snprintf(st, sizeof st, "other");
				rc |= eseal_buf_printf(out,
						       "eseal_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} %llu\n",
						       slot_name(routes, n, s), methods[mi], st, (unsigned long long)v);
			}
	rc |= eseal_buf_puts(out, "# HELP eseal_http_request_duration_seconds Time to answer a request.\n"
				  "# TYPE eseal_http_request_duration_seconds histogram\n");
	for (size_t s = 0; s < m->nslots; s++) {
		uint64_t total = 0;
		for (size_t b = 0; b <= NBOUNDS; b++)
			total += __atomic_load_n(&m->hist[s * (NBOUNDS + 1) + b], __ATOMIC_RELAXED);
		if (!total)
			continue;
		const char *name = slot_name(routes, n, s);
		uint64_t cum = 0;
		for (size_t b = 0; b <= NBOUNDS; b++) {
			cum += __atomic_load_n(&m->hist[s * (NBOUNDS + 1) + b], __ATOMIC_RELAXED);
			if (b < NBOUNDS)
				rc |= eseal_buf_printf(out,
						       "eseal_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
						       name, bounds[b], (unsigned long long)cum);
			else
				rc |= eseal_buf_printf(out,
						       "eseal_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
						       name, (unsigned long long)cum);
		}
		rc |= eseal_buf_printf(out, "eseal_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name,
				       (double)__atomic_load_n(&m->sum_us[s], __ATOMIC_RELAXED) / 1e6);
		rc |= eseal_buf_printf(out, "eseal_http_request_duration_seconds_count{route=\"%s\"} %llu\n", name,
				       (unsigned long long)cum);
	}
	rc |= eseal_buf_printf(out, "# HELP eseal_http_requests_in_flight Requests being answered now.\n"
				    "# TYPE eseal_http_requests_in_flight gauge\n"
				    "eseal_http_requests_in_flight %ld\n", srv_metrics_inflight_now(m));
	return rc ? eseal_error_set(ESEAL_ENOMEM, "out of memory") : 0;
}
