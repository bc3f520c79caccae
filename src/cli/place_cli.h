/*
 * place_cli.h - the placement engine as the commands use it: a document file,
 * an organisation and an optional history file in, proposals out. Shared by
 * `eseal place` and `eseal sign --auto`.
 *
 * Read-only over the files; never prints.
 */
#ifndef ESEAL_PLACE_CLI_H
#define ESEAL_PLACE_CLI_H

#include "eseal/place.h"

/* Proposes placements for the document at path (PDF or OFD). history may be
 * NULL: a JSON list of {document, placements}. 0 or a negative ESEAL_E*
 * code with the message in eseal_error_last() (prefixed by the file). */
int place_propose_file(const char *path, const char *org, unsigned seals, const char *history,
		       eseal_place_result *out);

#endif
