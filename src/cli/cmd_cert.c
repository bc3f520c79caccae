/*
 * cmd_cert.c - `eseal cert`: issue certificates from the built-in CA by
 * role, and show certificate files. Never leaves a key without its
 * certificate (or the other way round) when something fails.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli_pki.h"

static eseal_key_type type_from_alg(const char *alg)
{
	if (!strcmp(alg, "ecdsa-p256"))
		return ESEAL_KEY_EC_P256;
	if (!strncmp(alg, "rsa", 3))
		return ESEAL_KEY_RSA;
	return ESEAL_KEY_SM2;
}

static int cert_issue(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "ca", 1, N_("the CA directory"), "DIR" },
		{ "role", 1, N_("maker, seal, status, system or tsa"), "ROLE" },
		{ "org", 1, N_("organisation (subject O)"), "ORG" },
		{ "name", 1, N_("seal or system name (subject CN)"), "NAME" },
		{ "unit", 1, N_("organisational unit (subject OU)"), "OU" },
		{ "country", 1, N_("country code (default CN)"), "C" },
		{ "serial-number", 1, N_("subject serialNumber, e.g. the seal code"), "S" },
		{ "days", 1, N_("validity in days (default 730)"), "N" },
		{ "not-before", 1, N_("start of validity (YYYY-MM-DD[ hh:mm:ss], UTC)"), "TIME" },
		{ "pubkey", 1, N_("certify this public key instead of generating one"), "PUB.pem" },
		{ "key-type", 1, N_("type of the generated key (default: the CA's)"), "TYPE" },
		{ "out-cert", 1, N_("write the certificate here"), "CERT.pem" },
		{ "out-key", 1, N_("write the generated private key here"), "KEY.pem" },
		{ "pass-file", 1, N_("read the CA passphrase from FILE"), "FILE" },
		{ "key-pass-file", 1, N_("read the new key's passphrase from FILE"), "FILE" },
		{ "insecure-plain", 0, N_("write the new key unencrypted"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts,
			   "--ca DIR --role ROLE --org ORG --name NAME --out-cert CERT.pem [--out-key KEY.pem | --pubkey PUB.pem]",
			   N_("Issue a certificate from the built-in CA."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *dir = cli_get(&a, opts, "ca"), *role = cli_get(&a, opts, "role");
	const char *out_cert = cli_get(&a, opts, "out-cert"), *out_key = cli_get(&a, opts, "out-key");
	const char *pubkey = cli_get(&a, opts, "pubkey"), *kt = cli_get(&a, opts, "key-type");
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	if (!dir || !role || !out_cert)
		return cli_usage(_("--ca, --role and --out-cert are required"));
	if (!cli_get(&a, opts, "org") || !cli_get(&a, opts, "name"))
		return cli_usage(_("--org and --name are required"));
	eseal_cert_role r = eseal_cert_role_from_name(role);
	if (!r)
		return cli_usage(_("--role must be maker, seal, status, system or tsa"));
	if (pubkey && out_key)
		return cli_usage(_("give either --pubkey or --out-key, not both"));
	if (!pubkey && !out_key)
		return cli_usage(_("--out-key is required when no --pubkey is given"));
	if (kt && strcmp(kt, "sm2") && strcmp(kt, "ecdsa-p256"))
		return cli_usage(_("--key-type must be sm2 or ecdsa-p256"));
	long days;
	if ((ex = cli_get_int(&a, opts, "days", 730, 1, 36500, &days)))
		return ex;
	eseal_cert_request req = { 0 };
	req.role = r;
	req.org = cli_get(&a, opts, "org");
	req.name = cli_get(&a, opts, "name");
	req.org_unit = cli_get(&a, opts, "unit");
	req.country = cli_get(&a, opts, "country");
	req.serial_number = cli_get(&a, opts, "serial-number");
	req.days = (int)days;
	const char *nbs = cli_get(&a, opts, "not-before");
	if (nbs && eseal_time_parse(&req.not_before, nbs))
		return cli_usage(_("--not-before: '%s' is not a time"), nbs);

	char *keypass = NULL;
	eseal_ca *ca = NULL;
	eseal_key *k = NULL;
	eseal_cert *c = NULL;
	if ((ex = cli_pki_open_ca(dir, cli_get(&a, opts, "pass-file"), &ca)))
		return ex;
	if (pubkey) {
		if (eseal_pubkey_load(&k, pubkey)) {
			ex = cli_fail(pubkey);
			goto done;
		}
	} else {
		eseal_key_type t = kt ? type_from_alg(kt)
				      : type_from_alg(eseal_cert_key_algorithm(eseal_ca_issuing(ca)));
		if (!cli_has(&a, opts, "insecure-plain") &&
		    (ex = cli_passphrase(cli_get(&a, opts, "key-pass-file"), _("Passphrase for the new key: "), 1, &keypass)))
			goto done;
		if (eseal_key_generate(&k, t)) {
			ex = cli_fail(NULL);
			goto done;
		}
	}
	/* The key first: a certificate recorded in the CA index must never
	 * lack its key because the key could not be written. */
	if (out_key && eseal_key_save(k, out_key, keypass, keypass ? strlen(keypass) : 0)) {
		ex = cli_fail(out_key);
		goto done;
	}
	if (eseal_ca_issue(ca, &req, k, &c)) {
		ex = cli_fail(NULL);
		if (out_key)
			unlink(out_key);
		goto done;
	}
	if (eseal_cert_save_pem(c, out_cert)) {
		ex = cli_fail(out_cert);
		if (out_key)
			unlink(out_key);
		goto done;
	}
	char serial[80] = "", subject[1024] = "";
	eseal_cert_serial(c, serial, sizeof serial);
	eseal_cert_subject(c, subject, sizeof subject);
	printf(_("issued %s certificate %s: %s\n"), eseal_cert_role_name(r), serial, subject);
done:
	eseal_cert_free(c);
	eseal_key_free(k);
	eseal_ca_free(ca);
	cli_pass_free(keypass);
	return ex;
}

static json_t *cert_json(const eseal_cert *c)
{
	char subject[1024] = "", issuer[1024] = "", serial[80] = "", nb[32], na[32], fp[65];
	uint8_t d[32];
	eseal_cert_subject(c, subject, sizeof subject);
	eseal_cert_issuer(c, issuer, sizeof issuer);
	eseal_cert_serial(c, serial, sizeof serial);
	eseal_time_format_human(nb, eseal_cert_not_before(c));
	eseal_time_format_human(na, eseal_cert_not_after(c));
	eseal_cert_sm3(c, d);
	cli_pki_hex(fp, d, 32);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "subject", subject, "issuer", issuer,
			 "serial", serial, "not_before", nb, "not_after", na,
			 "key_algorithm", eseal_cert_key_algorithm(c), "ca", eseal_cert_is_ca(c),
			 "sm3_fingerprint", fp);
}

static int cert_show(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "json", 0, N_("print JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "CERT.pem [--json]",
			   N_("Show the certificates of a PEM or DER file."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	if (a.npos != 1)
		return cli_usage(_("give one certificate file"));
	eseal_cert **list;
	size_t n;
	if (eseal_cert_load_all(&list, &n, a.pos[0]))
		return cli_fail(a.pos[0]);
	int json = cli_has(&a, opts, "json");
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *j = cert_json(list[i]);
		if (!j)
			continue;
		if (json) {
			json_array_append_new(arr, j);
			continue;
		}
		if (i)
			putchar('\n');
		printf(_("subject:     %s\n"), json_string_value(json_object_get(j, "subject")));
		printf(_("issuer:      %s\n"), json_string_value(json_object_get(j, "issuer")));
		printf(_("serial:      %s\n"), json_string_value(json_object_get(j, "serial")));
		printf(_("valid from:  %s\n"), json_string_value(json_object_get(j, "not_before")));
		printf(_("valid until: %s\n"), json_string_value(json_object_get(j, "not_after")));
		printf(_("key:         %s\n"), json_string_value(json_object_get(j, "key_algorithm")));
		printf(_("CA:          %s\n"), eseal_cert_is_ca(list[i]) ? _("yes") : _("no"));
		printf(_("SM3:         %s\n"), json_string_value(json_object_get(j, "sm3_fingerprint")));
		json_decref(j);
	}
	if (json) {
		json_t *out = n == 1 ? json_incref(json_array_get(arr, 0)) : json_incref(arr);
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(out);
	}
	json_decref(arr);
	eseal_cert_list_free(list, n);
	return 0;
}

int cmd_cert(int argc, char **argv)
{
	static const char *usage =
		"cert issue|show ...\n"
		"  eseal cert issue --ca DIR --role maker|seal|status|system|tsa --org ORG --name NAME\n"
		"                   [--serial-number S] [--days N] [--pubkey PUB.pem] --out-cert CERT.pem\n"
		"                   [--out-key KEY.pem] [--pass-file F] [--key-pass-file F] [--insecure-plain]\n"
		"  eseal cert show CERT.pem [--json]";
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf(_("usage: %s %s\n"), "eseal", usage);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	cli_enter(argv[1]);
	if (!strcmp(argv[1], "issue"))
		return cert_issue(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return cert_show(argc - 1, argv + 1);
	return cli_usage(_("unknown subcommand '%s'"), argv[1]);
}
