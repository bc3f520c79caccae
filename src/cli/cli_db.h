/*
 * cli_db.h - what the database commands (backup, restore, audit) share:
 * where the database URL comes from and how it is shown without secrets.
 */
#ifndef ESEAL_CLI_DB_H
#define ESEAL_CLI_DB_H

/* The --db value, else $ESEAL_DB, else NULL. */
const char *cli_db_url(const char *opt);
/* The URL with any password replaced by *** (static buffer). */
const char *cli_db_display(const char *url);

#endif
