/*
 * util.c - option parsing, messages, passphrases and output for all
 * subcommands.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

const char *cli_prog = "eseal";

void cli_enter(const char *sub)
{
	static char prog[128];
	char prev[96];
	snprintf(prev, sizeof prev, "%s", cli_prog);
	snprintf(prog, sizeof prog, "%s %s", prev, sub);
	cli_prog = prog;
}

void cli_err(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_exit_for(int code)
{
	switch (code) {
	case 0: return 0;
	case ESEAL_EINVAL: return EXIT_USAGE;
	case ESEAL_EFORMAT: case ESEAL_EUNSUPPORTED: case ESEAL_ELIMIT: case ESEAL_ENOTFOUND:
		return EXIT_INPUT;
	case ESEAL_ECRYPTO: case ESEAL_EPASS: return EXIT_CRYPTO;
	case ESEAL_EVERIFY: return EXIT_FAILED;
	case ESEAL_EEXPIRED: case ESEAL_EDENIED: case ESEAL_EEXISTS: return EXIT_REFUSED;
	case ESEAL_EIO: case ESEAL_ENOMEM: default: return EXIT_INTERNAL;
	}
}

int cli_fail(const char *object)
{
	const char *msg = eseal_error_last();
	if (!msg || !*msg)
		msg = eseal_strerror(eseal_error_code());
	if (object && *object && strncmp(msg, object, strlen(object)))
		fprintf(stderr, "%s: %s: %s\n", cli_prog, object, msg);
	else
		fprintf(stderr, "%s: %s\n", cli_prog, msg);
	int code = eseal_error_code();
	int ex = cli_exit_for(code);
	/* A usage-class code from deep inside the library is bad input. */
	return ex == EXIT_USAGE ? EXIT_INPUT : (ex ? ex : EXIT_INTERNAL);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, _("\n(see '%s --help')\n"), cli_prog);
	return EXIT_USAGE;
}

static void print_help(const cli_opt *opts, const char *usage, const char *summary)
{
	printf(_("usage: %s %s\n"), cli_prog, usage ? usage : "");
	if (summary)
		printf("\n%s\n", _(summary));
	printf(_("\nOptions:\n"));
	for (const cli_opt *o = opts; o && o->name; o++) {
		if (!o->help)
			continue;
		char left[64];
		if (o->has_arg)
			snprintf(left, sizeof left, "--%s %s", o->name, o->metavar ? o->metavar : "VALUE");
		else
			snprintf(left, sizeof left, "--%s", o->name);
		printf("  %-28s %s\n", left, _(o->help));
	}
	printf("  %-28s %s\n", "--help", _("show this help"));
}

int cli_parse(int argc, char **argv, const cli_opt *opts, const char *usage,
	      const char *summary, cli_args *a)
{
	struct option lo[66];
	int n = 0;
	memset(a, 0, sizeof *a);
	for (; opts && opts[n].name; n++) {
		if (n >= 63)
			abort();
		lo[n].name = opts[n].name;
		lo[n].has_arg = opts[n].has_arg ? required_argument : no_argument;
		lo[n].flag = NULL;
		lo[n].val = 1000 + n;
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 999 };
	lo[n + 1] = (struct option){ 0, 0, 0, 0 };
	optind = 1;
	opterr = 0;
	for (;;) {
		int li = 0;
		int c = getopt_long(argc, argv, "h", lo, &li);
		if (c == -1)
			break;
		if (c == 999 || c == 'h') {
			print_help(opts, usage, summary);
			return -1;
		}
		if (c == '?' || c == ':') {
			if (optopt >= 1000)
				return cli_usage(_("option '--%s' needs a value"), opts[optopt - 1000].name);
			return cli_usage(_("unknown option '%s'"), argv[optind - 1]);
		}
		int i = c - 1000;
		const char *v = opts[i].has_arg ? optarg : "";
		a->values[i] = v;
		if (a->nmulti[i] < 32)
			a->multi[i][a->nmulti[i]++] = v;
		else
			return cli_usage(_("option '--%s' given too many times"), opts[i].name);
	}
	a->pos = argv + optind;
	a->npos = argc - optind;
	return 0;
}

static int opt_index(const cli_opt *opts, const char *name)
{
	for (int i = 0; opts[i].name; i++)
		if (!strcmp(opts[i].name, name))
			return i;
	fprintf(stderr, "internal error: no option '%s'\n", name);
	abort();
}

const char *cli_get(const cli_args *a, const cli_opt *opts, const char *name)
{
	return a->values[opt_index(opts, name)];
}

int cli_has(const cli_args *a, const cli_opt *opts, const char *name)
{
	return a->values[opt_index(opts, name)] != NULL;
}

int cli_get_all(const cli_args *a, const cli_opt *opts, const char *name, const char ***out)
{
	int i = opt_index(opts, name);
	*out = (const char **)a->multi[i];
	return a->nmulti[i];
}

int cli_get_int(const cli_args *a, const cli_opt *opts, const char *name, long def,
		long min, long max, long *out)
{
	const char *v = cli_get(a, opts, name);
	if (!v) {
		*out = def;
		return 0;
	}
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || end == v || *end || x < min || x > max)
		return cli_usage(_("--%s: '%s' is not a number from %ld to %ld"), name, v, min, max);
	*out = x;
	return 0;
}

static char *read_tty_line(const char *prompt)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return NULL;
	struct termios old, quiet;
	int fd = fileno(tty);
	int have = tcgetattr(fd, &old) == 0;
	if (have) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	fprintf(tty, "%s", prompt);
	fflush(tty);
	char line[1024];
	char *r = fgets(line, sizeof line, tty);
	if (have)
		tcsetattr(fd, TCSAFLUSH, &old);
	fprintf(tty, "\n");
	fclose(tty);
	if (!r) {
		eseal_wipe(line, sizeof line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = 0;
	char *s = strdup(line);
	eseal_wipe(line, sizeof line);
	return s;
}

int cli_passphrase(const char *pass_file, const char *prompt, int confirm, char **out)
{
	*out = NULL;
	if (pass_file) {
		eseal_buf b = ESEAL_BUF_INIT;
		if (eseal_file_read(&b, pass_file, 4096)) {
			cli_err(_("cannot read passphrase: %s"), eseal_error_last());
			eseal_buf_free(&b);
			return EXIT_INPUT;
		}
		while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
			b.len--;
		if (b.len == 0) {
			eseal_buf_free(&b);
			cli_err(_("%s: passphrase file is empty"), pass_file);
			return EXIT_INPUT;
		}
		*out = strndup((char *)b.data, b.len);
		eseal_buf_free(&b);
		return *out ? 0 : EXIT_INTERNAL;
	}
	const char *env = getenv("ESEAL_PASS");
	if (env && *env) {
		*out = strdup(env);
		return *out ? 0 : EXIT_INTERNAL;
	}
	char *p = read_tty_line(prompt ? prompt : _("Passphrase: "));
	if (!p) {
		cli_err(_("a passphrase is needed: use --pass-file FILE, ESEAL_PASS or a terminal"));
		return EXIT_USAGE;
	}
	if (confirm) {
		char *q = read_tty_line(_("Repeat passphrase: "));
		int same = q && !strcmp(p, q);
		cli_pass_free(q);
		if (!same) {
			cli_pass_free(p);
			cli_err(_("passphrases do not match"));
			return EXIT_USAGE;
		}
	}
	*out = p;
	return 0;
}

void cli_pass_free(char *p)
{
	if (p) {
		eseal_wipe(p, strlen(p));
		free(p);
	}
}

int cli_write_output(const char *path, const void *data, size_t len, int mode)
{
	if (!strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout)) {
			cli_err(_("cannot write to standard output"));
			return EXIT_INTERNAL;
		}
		return 0;
	}
	if (eseal_file_write_atomic(path, data, len, mode))
		return cli_fail(NULL);
	return 0;
}

int cli_lang_zh(void)
{
	const char *vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (int i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return !strncmp(v, "zh", 2);
	}
	return 0;
}
