/*
 * status_list.c - revocation lists in memory: sorted entries, deltas
 * (made by diffing two full lists, applied in place) and "status of a seal
 * at time T" from a list or from one answer. Pure data: never signs,
 * parses or trusts anything here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status_internal.h"

static const char *const state_names[] = { "good", "lost", "cancelled", "expired", "unknown", "lifted" };

const char *eseal_seal_state_name(eseal_seal_state s)
{
	return (unsigned)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "?";
}

int eseal_seal_state_from_name(const char *name, eseal_seal_state *out)
{
	if (name && !strcmp(name, "valid")) {
		*out = ESEAL_SEAL_GOOD;
		return 0;
	}
	for (size_t i = 0; name && i < sizeof state_names / sizeof state_names[0]; i++)
		if (!strcmp(name, state_names[i])) {
			*out = (eseal_seal_state)i;
			return 0;
		}
	return eseal_error_set(ESEAL_EINVAL, "unknown seal state '%s'", name ? name : "");
}

int eseal_esid_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > ESEAL_STATUS_ESID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
			return 0;
	return 1;
}

void eseal_srl_init(eseal_srl *l)
{
	memset(l, 0, sizeof *l);
}

void eseal_srl_clear(eseal_srl *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->entries[i].reason);
	free(l->entries);
	eseal_srl_init(l);
}

/* Index of esid, or where it would go (with *found = 0). */
static size_t locate(const eseal_srl *l, const char *esid, int *found)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->entries[mid].esid, esid);
		if (!c) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

const eseal_srl_entry *eseal_srl_find(const eseal_srl *l, const char *esid)
{
	int found;
	size_t i = locate(l, esid, &found);
	return found ? &l->entries[i] : NULL;
}

int eseal_srl_put(eseal_srl *l, const eseal_srl_entry *e)
{
	if (!eseal_esid_ok(e->esid))
		return eseal_error_set(ESEAL_EINVAL, "bad esID");
	char *reason = NULL;
	if (e->reason && e->reason[0] && !(reason = strdup(e->reason)))
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int found;
	size_t i = locate(l, e->esid, &found);
	if (found) {
		free(l->entries[i].reason);
	} else {
		if (l->n >= ESEAL_SRL_MAX_ENTRIES) {
			free(reason);
			return eseal_error_set(ESEAL_ELIMIT, "more than %d list entries", ESEAL_SRL_MAX_ENTRIES);
		}
		if (l->n == l->cap) {
			size_t nc = l->cap ? l->cap * 2 : 16;
			eseal_srl_entry *p = realloc(l->entries, nc * sizeof *p);
			if (!p) {
				free(reason);
				return eseal_error_set(ESEAL_ENOMEM, "out of memory");
			}
			l->entries = p;
			l->cap = nc;
		}
		memmove(&l->entries[i + 1], &l->entries[i], (l->n - i) * sizeof *l->entries);
		l->n++;
	}
	l->entries[i] = *e;
	l->entries[i].reason = reason;
	return 0;
}

int eseal_srl_remove(eseal_srl *l, const char *esid)
{
	int found;
	size_t i = locate(l, esid, &found);
	if (!found)
		return ESEAL_ENOTFOUND;
	free(l->entries[i].reason);
	memmove(&l->entries[i], &l->entries[i + 1], (l->n - i - 1) * sizeof *l->entries);
	l->n--;
	return 0;
}

static int same_entry(const eseal_srl_entry *a, const eseal_srl_entry *b)
{
	const char *ra = a->reason ? a->reason : "", *rb = b->reason ? b->reason : "";
	return a->state == b->state && a->revocation_time == b->revocation_time && !strcmp(ra, rb);
}

int eseal_srl_diff(const eseal_srl *base, const eseal_srl *cur, eseal_srl *d)
{
	eseal_srl_init(d);
	d->delta = 1;
	d->number = cur->number;
	d->base_number = base->number;
	d->this_update = cur->this_update;
	d->next_update = cur->next_update;
	int rc = 0;
	size_t i = 0, j = 0;
	/* both sorted: one merge pass */
	while (!rc && (i < base->n || j < cur->n)) {
		int c = i == base->n ? 1 : j == cur->n ? -1 : strcmp(base->entries[i].esid, cur->entries[j].esid);
		if (c < 0) {
			/* gone from the list: the loss was lifted */
			eseal_srl_entry e = base->entries[i++];
			e.state = ESEAL_SEAL_LIFTED;
			e.revocation_time = cur->this_update;
			e.reason = NULL;
			rc = eseal_srl_put(d, &e);
		} else if (c > 0) {
			rc = eseal_srl_put(d, &cur->entries[j++]);
		} else {
			if (!same_entry(&base->entries[i], &cur->entries[j]))
				rc = eseal_srl_put(d, &cur->entries[j]);
			i++;
			j++;
		}
	}
	if (rc)
		eseal_srl_clear(d);
	return rc;
}

int eseal_srl_apply_delta(eseal_srl *full, const eseal_srl *delta)
{
	if (full->delta || !delta->delta)
		return eseal_error_set(ESEAL_EINVAL, "a delta applies to a full list");
	if (delta->base_number > full->number || delta->number <= full->number)
		return eseal_error_set(ESEAL_EINVAL,
				       "delta list %lld (base %lld) does not apply to full list %lld",
				       (long long)delta->number, (long long)delta->base_number, (long long)full->number);
	for (size_t i = 0; i < delta->n; i++) {
		const eseal_srl_entry *e = &delta->entries[i];
		int rc = e->state == ESEAL_SEAL_LIFTED ? eseal_srl_remove(full, e->esid) : eseal_srl_put(full, e);
		if (rc && rc != ESEAL_ENOTFOUND)
			return rc;
	}
	full->number = delta->number;
	full->this_update = delta->this_update;
	full->next_update = delta->next_update;
	return 0;
}

static void fill(eseal_status_answer *out, const char *esid, eseal_seal_state st, time_t rt, const char *reason,
		 time_t this_update, time_t next_update, time_t t)
{
	memset(out, 0, sizeof *out);
	snprintf(out->esid, sizeof out->esid, "%s", esid);
	out->state = st;
	out->revocation_time = rt;
	if (reason)
		snprintf(out->reason, sizeof out->reason, "%s", reason);
	out->this_update = this_update;
	out->next_update = next_update;
	out->at = t;
}

int eseal_srl_status_at(const eseal_srl *l, const char *esid, time_t t, eseal_status_answer *out)
{
	if (l->delta)
		return eseal_error_set(ESEAL_EINVAL, "status needs a full list (apply deltas first)");
	const eseal_srl_entry *e = eseal_srl_find(l, esid);
	if (!e || e->revocation_time > t)
		fill(out, esid, ESEAL_SEAL_GOOD, 0, NULL, l->this_update, l->next_update, t);
	else
		fill(out, esid, e->state, e->revocation_time, e->reason, l->this_update, l->next_update, t);
	/* a later loss is still worth telling (the report mentions it) */
	if (e && e->revocation_time > t) {
		out->revocation_time = e->revocation_time;
		if (e->reason)
			snprintf(out->reason, sizeof out->reason, "%s", e->reason);
	}
	return 0;
}

int eseal_status_answer_at(const eseal_status_answer *a, const char *esid, time_t t, eseal_status_answer *out)
{
	if (strcmp(a->esid, esid))
		return eseal_error_set(ESEAL_EINVAL, "the answer is about seal %s, not %s", a->esid, esid);
	if (a->at && a->at != t)
		return eseal_error_set(ESEAL_EINVAL, "the answer is about another time than the one asked");
	*out = *a;
	out->at = t;
	int revoked = a->state == ESEAL_SEAL_LOST || a->state == ESEAL_SEAL_CANCELLED ||
		      a->state == ESEAL_SEAL_EXPIRED;
	/* an answer about now tells that the seal was good before it was lost;
	 * the revocation time is kept so the report can say when */
	if (revoked && a->revocation_time > t)
		out->state = ESEAL_SEAL_GOOD;
	return 0;
}
