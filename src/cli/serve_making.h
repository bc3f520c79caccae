/*
 * serve_making.h - the making system of `eseal serve` (CA, maker
 * certificate and key from the data directory). Never keep the passphrase.
 */
#ifndef ESEAL_CLI_SERVE_MAKING_H
#define ESEAL_CLI_SERVE_MAKING_H

#include "eseal/pki.h"
#include "eseal/server.h"
#include "eseal/store.h"

typedef struct serve_making {
	eseal_ca *ca;
	eseal_cert *maker;
	eseal_key *maker_key;
	eseal_making *making;
} serve_making;

/* Opens DIR/ca, DIR/maker.pem and DIR/maker.key with pass and a making
 * system over db_url; 0 or an exit code (message printed). */
int serve_making_open(serve_making *m, const char *dir, const char *pass, const char *db_url,
		      const eseal_kek *kek);
/* After the server stopped. */
void serve_making_close(serve_making *m);

#endif
