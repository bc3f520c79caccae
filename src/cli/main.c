/*
 * main.c - the eseal command: git-style dispatch to one function per
 * subcommand, listed in commands.def.
 */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

typedef struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} command;

static const command commands[] = {
#define CMD(name, fn, summary) { name, fn, summary },
#include "commands.def"
#undef CMD
};

static void help(FILE *f)
{
	fprintf(f, _("usage: eseal <command> [options]\n\n"
		     "eseal %s - electronic seals (GB/T 38540, GM/T 0031) for OFD and PDF\n\n"
		     "Commands:\n"), eseal_version());
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, _(commands[i].summary));
	fprintf(f, _("\nRun 'eseal <command> --help' for a command's options.\n"
		     "Exit codes: 0 ok, 1 verification failed, 2 indeterminate, 3 usage,\n"
		     "4 bad input, 5 crypto or key error, 6 refused, 7 internal or I/O error.\n"));
}

/* Message catalogues: $ESEAL_LOCALEDIR, else locale/ next to the binary (a
 * build tree), else the installed share/locale. */
static void setup_i18n(void)
{
	const char *dir = getenv("ESEAL_LOCALEDIR");
	static char local[PATH_MAX];
	if (!dir) {
		ssize_t n = readlink("/proc/self/exe", local, sizeof local - 16);
		struct stat st;
		if (n > 0) {
			local[n] = 0;
			char *slash = strrchr(local, '/');
			if (slash) {
				strcpy(slash + 1, "locale");
				if (stat(local, &st) == 0 && S_ISDIR(st.st_mode))
					dir = local;
			}
		}
	}
	if (!setlocale(LC_ALL, "")) {
		/* The asked-for locale is not installed: keep UTF-8 output at least. */
		setlocale(LC_ALL, "C.UTF-8");
	}
	bindtextdomain("eseal", dir ? dir : ESEAL_LOCALEDIR);
	bind_textdomain_codeset("eseal", "UTF-8");
	textdomain("eseal");
}

int main(int argc, char **argv)
{
	setup_i18n();
	if (argc < 2) {
		help(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
		if (argc > 2) {
			for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
				if (!strcmp(commands[i].name, argv[2])) {
					char *hv[] = { argv[2], "--help", NULL };
					static char prog[64];
					snprintf(prog, sizeof prog, "eseal %s", argv[2]);
					cli_prog = prog;
					return commands[i].fn(2, hv);
				}
		}
		help(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("eseal %s\n", eseal_version());
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (!strcmp(commands[i].name, name)) {
			static char prog[64];
			snprintf(prog, sizeof prog, "eseal %s", name);
			cli_prog = prog;
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, _("eseal: '%s' is not an eseal command. See 'eseal help'.\n"), name);
	return EXIT_USAGE;
}
