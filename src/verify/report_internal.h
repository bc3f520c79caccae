/*
 * report_internal.h - the layout of the report model, shared by report.c
 * (building and concluding) and the two writers (report_json.c,
 * report_text.c). Nothing outside src/verify may include it: callers only
 * see the opaque handles of include/eseal/report.h.
 */
#ifndef ESEAL_REPORT_INTERNAL_H
#define ESEAL_REPORT_INTERNAL_H

#include "eseal/report.h"

/* One ordered key/value pair; setting a key again replaces the value. */
typedef struct {
	char *key;
	char *value;
} report_fact;

typedef struct {
	report_fact *v;
	size_t n, cap;
} report_facts;

typedef struct {
	char *name;
	eseal_check_status status;
	char *sub;    /* sub-indication, may be NULL */
	char *detail; /* human detail, never NULL once recorded */
} report_check;

struct eseal_report_item {
	char *id;
	report_check *checks;
	size_t nchecks, capchecks;
	report_facts facts;
	int concluded;
	eseal_indication indication;
	const char *sub; /* points into a check's sub or a constant */
};

struct eseal_report {
	char *kind;
	char *subject;
	report_facts facts;
	char **warnings;
	size_t nwarnings, capwarnings;
	eseal_report_item **items;
	size_t nitems, capitems;
};

/* The item's verdict without changing it: the cached result when concluded,
 * else the rule of eseal_item_conclude applied on the fly. */
void report_item_verdict(const eseal_report_item *it, eseal_indication *ind, const char **sub);

#endif
