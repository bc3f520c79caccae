/*
 * use_journal.h - the holder's local journal of seal uses (分散式用章):
 * `eseal sign` appends one record per signature, `eseal report-use` sends
 * the pending ones to the service and marks them. JSON Lines, one object
 * per line: v, esid, form (ses|cms), signature (base64), signature_sm3,
 * document_sm3, document_name, signed_at (unix seconds), state
 * (pending|reported|refused) and note.
 */
#ifndef ESEAL_USE_JOURNAL_H
#define ESEAL_USE_JOURNAL_H

#include <jansson.h>

#include "eseal/common.h"

/* The journal path: opt, $ESEAL_USE_JOURNAL, $XDG_DATA_HOME/eseal/uses.jsonl
 * or ~/.local/share/eseal/uses.jsonl. */
int uj_path(const char *opt, char *out, size_t n);

/* Takes the journal's lock (path.lock, exclusive, waits); uj_unlock
 * releases it. Appends and rewrites happen under it. */
int uj_lock(const char *path, int *fd);
void uj_unlock(int fd);

/* Appends rec as one line (directories and file created 0700/0600) and
 * fsyncs; the caller holds the lock. */
int uj_append(const char *path, const json_t *rec);
/* Every complete record (a torn last line from a crash is ignored) into a
 * new array; an absent journal is empty. */
int uj_load(const char *path, json_t **out);
/* Rewrites the journal atomically with the records of arr. */
int uj_save(const char *path, const json_t *arr);

/*
 * A record for one signature value (SES_Signature or CMS). esid is the
 * seal's code when the signature does not say (CMS); signed_at 0 takes
 * the signature's own time. NULL with the error set when sig is neither.
 */
json_t *uj_record(const uint8_t *sig, size_t len, const char *esid, const char *doc_path, time_t signed_at);

/* Appends to arr a record for each signature in a signed OFD or PDF
 * document (PDF: every /ByteRange's /Contents). esid names the seal of
 * CMS signatures (they do not carry it); those without are skipped. */
int uj_records_of_doc(const char *doc, const char *esid, json_t *arr);

/* The /Contents bytes a PDF signature with this ByteRange holds (DER
 * length, padding removed). */
int uj_pdf_contents(const char *pdf, const uint64_t br[4], eseal_buf *out);

#endif
