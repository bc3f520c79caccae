/*
 * seal_show.h - descriptions of seals and signatures shared by commands.
 */
#ifndef ESEAL_CLI_SEAL_SHOW_H
#define ESEAL_CLI_SEAL_SHOW_H

#include <jansson.h>

#include "cli.h"

json_t *show_cert_json(const uint8_t *der, size_t len);
json_t *show_seal_json(const eseal_seal *s);
json_t *show_sessig_json(const eseal_sessig *g);
void show_seal_text(eseal_buf *b, json_t *o, const char *indent);
void show_sessig_text(eseal_buf *b, json_t *o);

/* Prints a JSON value to stdout, indented, with a newline. */
int print_json(json_t *o);
/* Loads every --trust file (and --crl) into a trust store. */
int load_trust(eseal_trust **out, const char **files, int nfiles, const char **crls, int ncrls);
/* Exit code for a verification indication. */
int exit_for_indication(eseal_indication ind);
/* Prints a report as JSON or as a human summary. */
int print_report(const eseal_report *r, int json);

#endif
