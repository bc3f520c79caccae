/*
 * cli_pki.h - helpers shared by the key, cert, trust and ca commands; they
 * only arrange arguments and never touch key material.
 */
#ifndef ESEAL_CLI_PKI_H
#define ESEAL_CLI_PKI_H

#include "cli.h"

/* Upper-case hex of n bytes into out (2n+1 bytes). */
void cli_pki_hex(char *out, const uint8_t *p, size_t n);

/* Opens a CA directory, asking for the passphrase only when its issuing
 * key is encrypted. Returns 0 or an exit code (message printed). */
int cli_pki_open_ca(const char *dir, const char *pass_file, eseal_ca **ca);

#endif
