/*
 * cmd_trust.c - `eseal trust`: a trust store is a directory of PEM files,
 * one certificate each, named by the SM3 fingerprint of the certificate.
 * Never trusts a certificate by its name: files are keyed by their bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli_pki.h"

static void fingerprint(const eseal_cert *c, char out[65])
{
	uint8_t d[32];
	eseal_cert_sm3(c, d);
	cli_pki_hex(out, d, 32);
}

static int trust_add(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "store", 1, N_("the trust store directory"), "DIR" },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "CERT.pem... --store DIR",
			   N_("Add certificates (every one in each file) as trust anchors."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *store = cli_get(&a, opts, "store");
	if (!store)
		return cli_usage(_("--store is required"));
	if (a.npos < 1)
		return cli_usage(_("give at least one certificate file"));
	if (mkdir(store, 0755) != 0 && errno != EEXIST) {
		cli_err(_("%s: cannot create directory: %s"), store, strerror(errno));
		return EXIT_INTERNAL;
	}
	/* Load everything first so a bad file adds nothing. */
	eseal_cert **all[32];
	size_t counts[32];
	int nf = a.npos < 32 ? a.npos : 32;
	if (a.npos > 32)
		return cli_usage(_("too many files (at most 32)"));
	for (int i = 0; i < nf; i++) {
		if (eseal_cert_load_all(&all[i], &counts[i], a.pos[i])) {
			ex = cli_fail(a.pos[i]);
			for (int j = 0; j < i; j++)
				eseal_cert_list_free(all[j], counts[j]);
			return ex;
		}
	}
	for (int i = 0; i < nf && !ex; i++) {
		for (size_t k = 0; k < counts[i] && !ex; k++) {
			char fp[65], path[4096], subject[512] = "";
			fingerprint(all[i][k], fp);
			snprintf(path, sizeof path, "%s/%s.pem", store, fp);
			if (eseal_cert_save_pem(all[i][k], path)) {
				ex = cli_fail(path);
				break;
			}
			eseal_cert_subject(all[i][k], subject, sizeof subject);
			printf(_("added %s  %s\n"), fp, subject);
		}
	}
	for (int i = 0; i < nf; i++)
		eseal_cert_list_free(all[i], counts[i]);
	return ex;
}

static int is_fp_name(const char *n)
{
	size_t l = strlen(n);
	if (l != 68 || strcmp(n + 64, ".pem"))
		return 0;
	for (int i = 0; i < 64; i++)
		if (!strchr("0123456789ABCDEF", n[i]))
			return 0;
	return 1;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fingerprint file names in store (sorted). */
static int list_store(const char *store, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(store);
	if (!d) {
		cli_err(_("%s: cannot open trust store: %s"), store, strerror(errno));
		return EXIT_INPUT;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!is_fp_name(e->d_name))
			continue;
		char **nn = realloc(*out, (*n + 1) * sizeof **out);
		if (!nn) {
			closedir(d);
			return EXIT_INTERNAL;
		}
		*out = nn;
		if (!(nn[*n] = strdup(e->d_name))) {
			closedir(d);
			return EXIT_INTERNAL;
		}
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof **out, name_cmp);
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int trust_list(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "store", 1, N_("the trust store directory"), "DIR" },
		{ "json", 0, N_("print JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--store DIR [--json]", N_("List the trust anchors."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *store = cli_get(&a, opts, "store");
	if (!store)
		return cli_usage(_("--store is required"));
	char **names;
	size_t n;
	if ((ex = list_store(store, &names, &n)))
		return ex;
	json_t *arr = json_array();
	int json = cli_has(&a, opts, "json");
	for (size_t i = 0; i < n; i++) {
		char path[4096], subject[1024] = "", na[32];
		snprintf(path, sizeof path, "%s/%s", store, names[i]);
		eseal_cert *c;
		if (eseal_cert_load(&c, path)) {
			cli_err(_("%s: %s (skipped)"), path, eseal_error_last());
			continue;
		}
		char fp[65];
		fingerprint(c, fp);
		eseal_cert_subject(c, subject, sizeof subject);
		eseal_time_format_human(na, eseal_cert_not_after(c));
		if (strncmp(fp, names[i], 64))
			cli_err(_("%s: file name does not match its fingerprint %s"), path, fp);
		if (json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "sm3_fingerprint", fp,
							     "subject", subject, "not_after", na, "ca", eseal_cert_is_ca(c)));
		else
			printf("%s  %s  (%s %s)\n", fp, subject, _("until"), na);
		eseal_cert_free(c);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (!n)
		printf(_("no trust anchors in %s\n"), store);
	json_decref(arr);
	free_names(names, n);
	return 0;
}

static int trust_remove(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "store", 1, N_("the trust store directory"), "DIR" },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "FINGERPRINT --store DIR",
			   N_("Remove a trust anchor by its SM3 fingerprint (or a unique prefix of 8+ digits)."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *store = cli_get(&a, opts, "store");
	if (!store)
		return cli_usage(_("--store is required"));
	if (a.npos != 1)
		return cli_usage(_("give one fingerprint"));
	const char *want = a.pos[0];
	size_t wl = strlen(want);
	if (wl < 8 || wl > 64)
		return cli_usage(_("a fingerprint has 8 to 64 hex digits"));
	char **names;
	size_t n;
	if ((ex = list_store(store, &names, &n)))
		return ex;
	const char *match = NULL;
	int matches = 0;
	for (size_t i = 0; i < n; i++)
		if (!strncasecmp(names[i], want, wl)) {
			match = names[i];
			matches++;
		}
	if (matches == 0) {
		cli_err(_("%s: no trust anchor with fingerprint %s"), store, want);
		ex = EXIT_INPUT;
	} else if (matches > 1) {
		cli_err(_("%s: fingerprint prefix %s is ambiguous"), store, want);
		ex = EXIT_USAGE;
	} else {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", store, match);
		if (unlink(path) != 0) {
			cli_err(_("%s: %s"), path, strerror(errno));
			ex = EXIT_INTERNAL;
		} else
			printf(_("removed %.64s\n"), match);
	}
	free_names(names, n);
	return ex;
}

int cmd_trust(int argc, char **argv)
{
	static const char *usage =
		"trust add|list|remove ...\n"
		"  eseal trust add CERT.pem --store DIR\n"
		"  eseal trust list --store DIR [--json]\n"
		"  eseal trust remove FINGERPRINT --store DIR";
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf(_("usage: %s %s\n"), "eseal", usage);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	cli_enter(argv[1]);
	if (!strcmp(argv[1], "add"))
		return trust_add(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return trust_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "remove"))
		return trust_remove(argc - 1, argv + 1);
	return cli_usage(_("unknown subcommand '%s'"), argv[1]);
}
