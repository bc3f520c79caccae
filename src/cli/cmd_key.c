/*
 * cmd_key.c - `eseal key`: generate key files, show what a key file holds,
 * and import a key and certificate from PKCS#12. Never writes a private key
 * in the clear unless --insecure-plain is given, and never leaves a
 * half-written key behind.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli_pki.h"

static const char *type_name(eseal_key_type t)
{
	switch (t) {
	case ESEAL_KEY_SM2: return "sm2";
	case ESEAL_KEY_EC_P256: return "ecdsa-p256";
	case ESEAL_KEY_RSA: return "rsa";
	default: return "unknown";
	}
}

/* A new passphrase for a key about to be written, or NULL on --insecure-plain. */
static int new_pass(const char *pass_file, int plain, char **pass)
{
	*pass = NULL;
	if (plain)
		return 0;
	return cli_passphrase(pass_file, _("Passphrase for the new key: "), 1, pass);
}

static int write_pubkey(const eseal_key *k, const char *path)
{
	eseal_buf der = ESEAL_BUF_INIT, pem = ESEAL_BUF_INIT;
	int rc = eseal_key_spki(k, &der);
	if (rc) {
		eseal_buf_free(&der);
		return cli_fail(NULL);
	}
	/* PEM armour by hand: 64 base64 characters a line. */
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	eseal_buf_puts(&pem, "-----BEGIN PUBLIC KEY-----\n");
	size_t col = 0;
	for (size_t i = 0; i < der.len; i += 3) {
		uint32_t v = (uint32_t)der.data[i] << 16;
		size_t left = der.len - i;
		if (left > 1)
			v |= (uint32_t)der.data[i + 1] << 8;
		if (left > 2)
			v |= der.data[i + 2];
		char q[4] = { b64[(v >> 18) & 63], b64[(v >> 12) & 63],
			      left > 1 ? b64[(v >> 6) & 63] : '=', left > 2 ? b64[v & 63] : '=' };
		eseal_buf_put(&pem, q, 4);
		col += 4;
		if (col == 64) {
			eseal_buf_putc(&pem, '\n');
			col = 0;
		}
	}
	if (col)
		eseal_buf_putc(&pem, '\n');
	rc = eseal_buf_puts(&pem, "-----END PUBLIC KEY-----\n");
	int ex = rc ? cli_fail(NULL) : cli_write_output(path, pem.data, pem.len, 0644);
	eseal_buf_free(&der);
	eseal_buf_free(&pem);
	return ex;
}

static int key_gen(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "out", 1, N_("write the private key here (PKCS#8 PEM)"), "KEY.pem" },
		{ "type", 1, N_("sm2 (default), ecdsa-p256 or rsa"), "TYPE" },
		{ "pubout", 1, N_("also write the public key (PEM)"), "PUB.pem" },
		{ "pass-file", 1, N_("read the new passphrase from FILE"), "FILE" },
		{ "insecure-plain", 0, N_("write the key unencrypted"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "--out KEY.pem [--type sm2|ecdsa-p256|rsa] [--pubout PUB.pem]",
			   N_("Generate a key pair; the private key is encrypted with SM4 under a passphrase."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *out = cli_get(&a, opts, "out");
	const char *type = cli_get(&a, opts, "type");
	if (!out)
		return cli_usage(_("--out is required"));
	if (a.npos)
		return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	eseal_key_type t = ESEAL_KEY_SM2;
	if (type && !strcmp(type, "ecdsa-p256"))
		t = ESEAL_KEY_EC_P256;
	else if (type && !strcmp(type, "rsa"))
		t = ESEAL_KEY_RSA;
	else if (type && strcmp(type, "sm2"))
		return cli_usage(_("--type must be sm2, ecdsa-p256 or rsa"));
	char *pass = NULL;
	if ((ex = new_pass(cli_get(&a, opts, "pass-file"), cli_has(&a, opts, "insecure-plain"), &pass)))
		return ex;
	eseal_key *k = NULL;
	if (eseal_key_generate(&k, t) || eseal_key_save(k, out, pass, pass ? strlen(pass) : 0)) {
		ex = cli_fail(out);
		goto done;
	}
	const char *pubout = cli_get(&a, opts, "pubout");
	if (pubout && (ex = write_pubkey(k, pubout))) {
		unlink(out);
		goto done;
	}
	printf(_("%s key written to %s%s\n"), type_name(t), out, pass ? "" : _(" (NOT encrypted)"));
done:
	eseal_key_free(k);
	cli_pass_free(pass);
	return ex;
}

static int key_show(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "pass-file", 1, N_("read the passphrase from FILE"), "FILE" },
		{ "json", 0, N_("print JSON"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "KEY.pem [--pass-file F] [--json]",
			   N_("Show the type and public key fingerprint of a key file."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	if (a.npos != 1)
		return cli_usage(_("give one key file"));
	const char *path = a.pos[0];
	eseal_buf b = ESEAL_BUF_INIT;
	if (eseal_file_read(&b, path, 1 << 20)) {
		eseal_buf_free(&b);
		return cli_fail(NULL);
	}
	eseal_buf_cstr(&b);
	int encrypted = strstr((char *)b.data, "-----BEGIN ENCRYPTED PRIVATE KEY") != NULL ||
			strstr((char *)b.data, "Proc-Type: 4,ENCRYPTED") != NULL;
	int pub = strstr((char *)b.data, "-----BEGIN PUBLIC KEY") != NULL;
	eseal_key *k = NULL;
	char *pass = NULL;
	int rc;
	if (pub)
		rc = eseal_pubkey_load(&k, path);
	else {
		if (encrypted && (ex = cli_passphrase(cli_get(&a, opts, "pass-file"), _("Passphrase: "), 0, &pass))) {
			eseal_buf_free(&b);
			return ex;
		}
		rc = eseal_key_from_pem(&k, b.data, b.len, pass, pass ? strlen(pass) : 0);
	}
	eseal_buf_free(&b);
	cli_pass_free(pass);
	if (rc)
		return cli_fail(path);
	eseal_buf spki = ESEAL_BUF_INIT;
	uint8_t fp[32];
	char fph[65];
	if (eseal_key_spki(k, &spki)) {
		eseal_key_free(k);
		eseal_buf_free(&spki);
		return cli_fail(path);
	}
	eseal_sm3(fp, spki.data, spki.len);
	cli_pki_hex(fph, fp, 32);
	const char *tn = type_name(eseal_key_get_type(k));
	const char *kind = pub ? "public" : "private";
	if (cli_has(&a, opts, "json")) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:b, s:s}", "file", path, "type", tn, "kind", kind,
				      "encrypted", encrypted && !pub, "public_key_sm3", fph);
		if (j) {
			json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			putchar('\n');
		}
		json_decref(j);
	} else {
		printf(_("file:       %s\n"), path);
		printf(_("type:       %s (%s)\n"), tn, pub ? _("public key") : _("private key"));
		if (!pub)
			printf(_("encrypted:  %s\n"), encrypted ? _("yes") : _("NO (plain PKCS#8)"));
		printf(_("public key SM3: %s\n"), fph);
	}
	eseal_buf_free(&spki);
	eseal_key_free(k);
	return 0;
}

static int key_import_p12(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{ "out-key", 1, N_("write the private key here"), "KEY.pem" },
		{ "out-cert", 1, N_("write the certificate here"), "CERT.pem" },
		{ "p12-pass-file", 1, N_("read the PKCS#12 password from FILE"), "FILE" },
		{ "pass-file", 1, N_("read the new key passphrase from FILE"), "FILE" },
		{ "insecure-plain", 0, N_("write the key unencrypted"), NULL },
		{ 0 }
	};
	cli_args a;
	int ex = cli_parse(argc, argv, opts, "FILE.p12 --out-key KEY.pem --out-cert CERT.pem",
			   N_("Import a key and certificate from PKCS#12, re-encrypting the key with a new passphrase."), &a);
	if (ex)
		return ex < 0 ? 0 : ex;
	const char *ok = cli_get(&a, opts, "out-key"), *oc = cli_get(&a, opts, "out-cert");
	if (a.npos != 1)
		return cli_usage(_("give one PKCS#12 file"));
	if (!ok || !oc)
		return cli_usage(_("--out-key and --out-cert are required"));
	char *p12pass = NULL, *pass = NULL;
	eseal_key *k = NULL;
	eseal_cert *c = NULL;
	if ((ex = cli_passphrase(cli_get(&a, opts, "p12-pass-file"), _("PKCS#12 password: "), 0, &p12pass)))
		return ex;
	if (eseal_pkcs12_load(a.pos[0], p12pass, &k, &c)) {
		ex = cli_fail(a.pos[0]);
		goto done;
	}
	if ((ex = new_pass(cli_get(&a, opts, "pass-file"), cli_has(&a, opts, "insecure-plain"), &pass)))
		goto done;
	if (eseal_key_save(k, ok, pass, pass ? strlen(pass) : 0)) {
		ex = cli_fail(ok);
		goto done;
	}
	if (eseal_cert_save_pem(c, oc)) {
		ex = cli_fail(oc);
		unlink(ok);
		goto done;
	}
	char serial[80] = "";
	eseal_cert_serial(c, serial, sizeof serial);
	printf(_("imported %s key and certificate %s: %s, %s\n"), type_name(eseal_key_get_type(k)), serial, ok, oc);
done:
	eseal_key_free(k);
	eseal_cert_free(c);
	cli_pass_free(p12pass);
	cli_pass_free(pass);
	return ex;
}

int cmd_key(int argc, char **argv)
{
	static const char *usage =
		"key gen|show|import-p12 ...\n"
		"  eseal key gen --out KEY.pem [--type sm2|ecdsa-p256|rsa] [--pubout PUB.pem]\n"
		"  eseal key show KEY.pem [--pass-file F] [--json]\n"
		"  eseal key import-p12 FILE.p12 --out-key KEY.pem --out-cert CERT.pem";
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf(_("usage: %s %s\n"), "eseal", usage);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	cli_enter(sub);
	if (!strcmp(sub, "gen"))
		return key_gen(argc - 1, argv + 1);
	if (!strcmp(sub, "show"))
		return key_show(argc - 1, argv + 1);
	if (!strcmp(sub, "import-p12"))
		return key_import_p12(argc - 1, argv + 1);
	return cli_usage(_("unknown subcommand '%s'"), sub);
}
