/*
 * head_timer.h - signs audit tree heads on a schedule inside the service.
 * A background thread wakes every interval and, when the log has grown
 * past the newest signed head, signs a head for the current size with the
 * instance's key (stored where `eseal audit sign-head` stores heads).
 * It never signs twice for one size and never blocks shutdown for long.
 */
#ifndef ESEAL_AUDIT_HEAD_TIMER_H
#define ESEAL_AUDIT_HEAD_TIMER_H

#include "eseal/audit.h"

typedef struct eseal_audit_timer eseal_audit_timer;

/* Starts the thread on its own connection to db_url. key (a private key)
 * is taken over: it is freed by eseal_audit_timer_stop, also on failure. */
int eseal_audit_timer_start(eseal_audit_timer **out, const char *db_url, eseal_key *key, int interval_s);
/* Signs once more when the log grew since the last head, stops the thread
 * and frees everything. NULL is fine. */
void eseal_audit_timer_stop(eseal_audit_timer *t);
/* Signs a head now when the log grew past the newest one: 1 signed, 0 no
 * growth, negative ESEAL_E* on errors. Used by the thread (and tests). */
int eseal_audit_head_if_grown(eseal_store *s, const eseal_key *key, eseal_audit_head *out);

#endif
