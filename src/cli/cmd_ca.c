/*
 * cmd_ca.c - `eseal ca`: create the built-in CA, revoke certificates,
 * publish revocation lists and list what the CA issued. Never overwrites an
 * existing CA and never writes CA keys in the clear without
 * --insecure-plain.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cli_pki.h"

static const char *reason_names[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
	"cessationOfOperation", "certificateHold", NULL, "removeFromCRL", "privilegeWithdrawn",
	"aACompromise",
};

static int ca_init(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "dir", 1, N_("the new CA directory"), "DIR" },
		{ "name", 1, N_("CA name (organisation of the CA certificates)"), "NAME" },
		{ "key-type", 1, N_("sm2 (default) or ecdsa-p256"), "TYPE" },
		{ "days", 1, N_("validity in days (default 3650)"), "N" },
		{ "pass-file", 1, N_("read the CA passphrase from FILE"), "FILE" },
		{ "insecure-plain", 0, N_("write the CA keys unencrypted"), NULL },
		{ "json", 0, N_("print JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--dir DIR [--name NAME] [--key-type sm2|ecdsa-p256] [--days N]",
			   N_("Create a root and an issuing CA in a new directory."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *dir = cli_get(&a, opts, "dir"), *kt = cli_get(&a, opts, "key-type");
	if (!dir)
		return cli_usage(_("--dir is required"));
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	eseal_key_type t = ESEAL_KEY_SM2;
	if (kt && !strcmp(kt, "ecdsa-p256"))
		t = ESEAL_KEY_EC_P256;
	else if (kt && strcmp(kt, "sm2"))
		return cli_usage(_("--key-type must be sm2 or ecdsa-p256"));
	long days;
	if ((ex = cli_get_int(&a, opts, "days", 3650, 1, 36500, &days)))
		return ex;
	char *pass = NULL;
	if (!cli_has(&a, opts, "insecure-plain") &&
	    (ex = cli_passphrase(cli_get(&a, opts, "pass-file"), _("New CA passphrase: "), 1, &pass)))
		return ex;
	int rc = eseal_ca_init(dir, cli_get(&a, opts, "name"), t, pass, pass ? strlen(pass) : 0, (int)days);
	cli_pass_free(pass);
	if (rc)
		return cli_fail(dir);
	if (cli_has(&a, opts, "json")) {
		json_t *j = json_pack("{s:s, s:s, s:s}", "dir", dir, "key_type", t == ESEAL_KEY_SM2 ? "sm2" : "ecdsa-p256",
				      "trust", "ca.pem");
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		printf(_("CA created in %s (%s)\n"), dir, t == ESEAL_KEY_SM2 ? "SM2" : "ECDSA P-256");
		printf(_("trust anchors for verifiers: %s/ca.pem\n"), dir);
		printf(_("revocation list: %s/crl.pem\n"), dir);
	}
	return 0;
}

static int ca_revoke(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "dir", 1, N_("the CA directory"), "DIR" },
		{ "serial", 1, N_("serial number (hex) of the certificate"), "HEX" },
		{ "cert", 1, N_("the certificate file to revoke"), "FILE" },
		{ "reason", 1, N_("keyCompromise, superseded, cessationOfOperation, ..."), "REASON" },
		{ "time", 1, N_("revocation time (YYYY-MM-DD[ hh:mm:ss] UTC, default now)"), "TIME" },
		{ "crl-days", 1, N_("validity of the new CRL in days (default 30)"), "N" },
		{ "pass-file", 1, N_("read the CA passphrase from FILE"), "FILE" },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--dir DIR --serial HEX|--cert FILE [--reason R] [--time T]",
			   N_("Revoke a certificate and publish a new CRL."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *dir = cli_get(&a, opts, "dir"), *serial = cli_get(&a, opts, "serial");
	const char *cert = cli_get(&a, opts, "cert"), *rs = cli_get(&a, opts, "reason");
	const char *ts = cli_get(&a, opts, "time");
	if (!dir)
		return cli_usage(_("--dir is required"));
	if (!!serial == !!cert)
		return cli_usage(_("give --serial or --cert"));
	int reason = 0;
	if (rs) {
		reason = -1;
		for (int i = 0; i < (int)(sizeof reason_names / sizeof reason_names[0]); i++)
			if (reason_names[i] && !strcasecmp(reason_names[i], rs))
				reason = i;
		if (reason < 0)
			return cli_usage(_("unknown --reason '%s'"), rs);
	}
	time_t when = 0;
	if (ts && eseal_time_parse(&when, ts))
		return cli_usage(_("--time: '%s' is not a time"), ts);
	long crl_days;
	if ((ex = cli_get_int(&a, opts, "crl-days", 30, 1, 3650, &crl_days)))
		return ex;
	char sbuf[80];
	if (cert) {
		eseal_cert *c;
		if (eseal_cert_load(&c, cert))
			return cli_fail(cert);
		int rc = eseal_cert_serial(c, sbuf, sizeof sbuf);
		eseal_cert_free(c);
		if (rc)
			return cli_fail(cert);
		serial = sbuf;
	}
	eseal_ca *ca = NULL;
	if ((ex = cli_pki_open_ca(dir, cli_get(&a, opts, "pass-file"), &ca)))
		return ex;
	if (eseal_ca_revoke(ca, serial, reason, when) || eseal_ca_crl(ca, (int)crl_days, NULL))
		ex = cli_fail(NULL);
	else
		printf(_("revoked %s (%s); new CRL in %s/crl.pem\n"), serial, reason_names[reason], dir);
	eseal_ca_free(ca);
	return ex;
}

static int ca_crl(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "dir", 1, N_("the CA directory"), "DIR" },
		{ "days", 1, N_("validity in days (default 30)"), "N" },
		{ "out", 1, N_("also write the CRL (PEM) here, - for standard output"), "FILE" },
		{ "pass-file", 1, N_("read the CA passphrase from FILE"), "FILE" },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--dir DIR [--days N] [--out FILE]",
			   N_("Sign a fresh certificate revocation list (DIR/crl.pem)."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *dir = cli_get(&a, opts, "dir"), *out = cli_get(&a, opts, "out");
	if (!dir)
		return cli_usage(_("--dir is required"));
	long days;
	if ((ex = cli_get_int(&a, opts, "days", 30, 1, 3650, &days)))
		return ex;
	eseal_ca *ca = NULL;
	if ((ex = cli_pki_open_ca(dir, cli_get(&a, opts, "pass-file"), &ca)))
		return ex;
	if (eseal_ca_crl(ca, (int)days, NULL)) {
		ex = cli_fail(NULL);
		goto done;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/crl.pem", dir);
	if (out) {
		eseal_buf b = ESEAL_BUF_INIT;
		if (eseal_file_read(&b, path, 64u << 20))
			ex = cli_fail(NULL);
		else
			ex = cli_write_output(out, b.data, b.len, 0644);
		eseal_buf_free(&b);
	}
	if (!ex && (!out || strcmp(out, "-")))
		printf(_("CRL written to %s\n"), out ? out : path);
done:
	eseal_ca_free(ca);
	return ex;
}

static int ca_list(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "dir", 1, N_("the CA directory"), "DIR" },
		{ "json", 0, N_("print JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--dir DIR [--json]",
			   N_("List the certificates the CA issued."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *dir = cli_get(&a, opts, "dir");
	if (!dir)
		return cli_usage(_("--dir is required"));
	char path[4096];
	snprintf(path, sizeof path, "%s/index.json", dir);
	json_error_t err;
	json_t *idx = json_load_file(path, 0, &err);
	json_t *certs = idx ? json_object_get(idx, "certs") : NULL;
	if (!json_is_array(certs)) {
		cli_err(_("%s: not a CA index (%s)"), path, idx ? _("no certificate list") : err.text);
		json_decref(idx);
		return EXIT_INPUT;
	}
	if (cli_has(&a, opts, "json")) {
		json_dumpf(certs, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		size_t i;
		json_t *e;
		json_array_foreach(certs, i, e) {
			const char *rv = json_is_true(json_object_get(e, "revoked")) ? _("REVOKED") : _("valid");
			printf("%-34s %-10s %-8s %s..%s  %s\n",
			       json_string_value(json_object_get(e, "serial")),
			       json_string_value(json_object_get(e, "role")), rv,
			       json_string_value(json_object_get(e, "not_before")),
			       json_string_value(json_object_get(e, "not_after")),
			       json_string_value(json_object_get(e, "subject")));
		}
	}
	json_decref(idx);
	return 0;
}

int cmd_ca(int argc, char **argv)
{
	static const char *usage =
		"ca init|revoke|crl|list ...\n"
		"  eseal ca init --dir DIR [--name NAME] [--key-type sm2|ecdsa-p256] [--days N]\n"
		"                [--pass-file F] [--insecure-plain]\n"
		"  eseal ca revoke --dir DIR --serial HEX|--cert FILE [--reason keyCompromise|...] [--time T]\n"
		"  eseal ca crl --dir DIR [--days N] [--out FILE]\n"
		"  eseal ca list --dir DIR [--json]\n"
		"The passphrase comes from --pass-file, $ESEAL_PASS or the terminal.";
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf(_("usage: %s %s\n"), "eseal", usage);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	cli_enter(argv[1]);
	if (!strcmp(argv[1], "init"))
		return ca_init(argc - 1, argv + 1);
	if (!strcmp(argv[1], "revoke"))
		return ca_revoke(argc - 1, argv + 1);
	if (!strcmp(argv[1], "crl"))
		return ca_crl(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return ca_list(argc - 1, argv + 1);
	return cli_usage(_("unknown subcommand '%s'"), argv[1]);
}
