/*
 * cli.h - shared pieces of the eseal command: messages, exit codes, option
 * parsing helpers and passphrase input. One file per subcommand (cmd_*.c).
 */
#ifndef ESEAL_CLI_H
#define ESEAL_CLI_H

#include <libintl.h>
#include <stdio.h>

#include "eseal/eseal.h"

#define _(s) gettext(s)
#define N_(s) (s)

/*
 * Exit codes, the same for every command (listed in the README):
 *   0  success (verify: every signature TOTAL-PASSED)
 *   1  verification failed (a signature or seal TOTAL-FAILED)
 *   2  verification indeterminate (e.g. no trust anchor)
 *   3  usage error
 *   4  input error (unreadable, malformed or unsupported file)
 *   5  crypto or key error (wrong passphrase, bad key)
 *   6  refused by policy or state (expired, locked document, limits)
 *   7  internal or I/O error (cannot write output, out of memory)
 */
enum {
	EXIT_OK_ = 0,
	EXIT_FAILED = 1,
	EXIT_INDETERMINATE = 2,
	EXIT_USAGE = 3,
	EXIT_INPUT = 4,
	EXIT_CRYPTO = 5,
	EXIT_REFUSED = 6,
	EXIT_INTERNAL = 7,
};

/* The name the user typed, e.g. "eseal seal make" (set by the dispatcher). */
extern const char *cli_prog;

/* A command with subcommands ("eseal seal") enters one ("make"): messages
 * and help then name "eseal seal make". */
void cli_enter(const char *sub);
/* "eseal seal make: <message>" on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the library's last error with the command name and returns the
 * exit code that matches the error code. */
int cli_fail(const char *object);
/* Maps a library error code to an exit code. */
int cli_exit_for(int code);
/* Usage error: prints the message and a hint to --help; returns EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Options: a small getopt_long wrapper. Every command accepts --help.
 * An option table ends with {0}. has_arg: 0 flag, 1 value.
 */
typedef struct cli_opt {
	const char *name;   /* long name without dashes */
	int has_arg;
	const char *help;   /* one line for --help; NULL hides it */
	const char *metavar;
} cli_opt;

typedef struct cli_args {
	const char *values[64];   /* per option: value, "" for a set flag, NULL unset */
	const char *multi[64][32]; /* repeated options */
	int nmulti[64];
	char **pos;               /* positional arguments */
	int npos;
} cli_args;

/* Parses argv (argv[0] is the command name). Returns 0, EXIT_USAGE on a bad
 * option, or -1 when --help was printed (caller exits 0). */
int cli_parse(int argc, char **argv, const cli_opt *opts, const char *usage,
	      const char *summary, cli_args *a);
/* Value of an option by name (NULL when unset). */
const char *cli_get(const cli_args *a, const cli_opt *opts, const char *name);
int cli_has(const cli_args *a, const cli_opt *opts, const char *name);
/* All values of a repeated option. */
int cli_get_all(const cli_args *a, const cli_opt *opts, const char *name, const char ***out);
/* Integer option with bounds; returns 0 or EXIT_USAGE (message printed). */
int cli_get_int(const cli_args *a, const cli_opt *opts, const char *name, long def,
		long min, long max, long *out);

/*
 * Passphrase from --pass-file FILE, then $ESEAL_PASS, then the terminal
 * (prompt, no echo; confirm when `confirm`). Returns 0 and a heap string the
 * caller wipes with cli_pass_free, or an exit code.
 */
int cli_passphrase(const char *pass_file, const char *prompt, int confirm, char **out);
void cli_pass_free(char *p);

/* Writes data to path atomically (or to stdout when path is "-"). */
int cli_write_output(const char *path, const void *data, size_t len, int mode);

/* Localised text switch for human reports: 1 when LANG/LC_ALL/LC_MESSAGES
 * asks for Chinese. */
int cli_lang_zh(void);

/* Each subcommand: int cmd_NAME(int argc, char **argv) where argv[0] is the
 * subcommand's own name. */
#define CMD(name, fn, summary) int fn(int argc, char **argv);
#include "commands.def"
#undef CMD

#endif
