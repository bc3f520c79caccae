/*
 * cmd_seal.c - `eseal seal make|show|verify`: electronic seals (SESeal)
 * from the command line.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seal_show.h"

static const cli_opt make_opts[] = {
	{ "maker-cert", 1, N_("maker (制章者) certificate, PEM or DER"), "FILE" },
	{ "maker-key", 1, N_("maker private key (encrypted PKCS#8)"), "FILE" },
	{ "signer-cert", 1, N_("certificate allowed to use the seal (repeatable)"), "FILE" },
	{ "name", 1, N_("seal name, e.g. 某某有限公司合同专用章"), "TEXT" },
	{ "type", 1, N_("seal type number (default 1)"), "N" },
	{ "esid", 1, N_("seal code: 6-digit region code + 8-digit serial"), "CODE" },
	{ "no-check-esid", 0, N_("accept a seal code that is not 14 digits"), NULL },
	{ "picture", 1, N_("seal picture: png, jpg, svg or ofd"), "FILE" },
	{ "picture-type", 1, N_("picture type (default: from the file's bytes)"), "TYPE" },
	{ "width", 1, N_("picture width in mm (default: from the picture, else 40)"), "MM" },
	{ "height", 1, N_("picture height in mm (default: from the picture, else 40)"), "MM" },
	{ "valid-from", 1, N_("start of validity (default now)"), "TIME" },
	{ "valid-to", 1, N_("end of validity (default: the signer certificate's end)"), "TIME" },
	{ "cert-list-type", 1, N_("1 = certificates (default), 2 = SM3 digests"), "N" },
	{ "vid", 1, N_("vendor id written in the seal (default ESEAL)"), "TEXT" },
	{ "pass-file", 1, N_("file holding the maker key's passphrase"), "FILE" },
	{ "out", 1, N_("output seal file (.esl)"), "FILE" },
	{ 0 }
};

static int read_cert(eseal_cert **c, const char *path)
{
	if (eseal_cert_load(c, path))
		return cli_fail(path);
	return 0;
}

static int seal_make(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(argc, argv, make_opts, "--maker-cert F --maker-key F --signer-cert F "
			   "--name TEXT --esid CODE --picture F --width MM --height MM --out seal.esl",
			   N_("Make an electronic seal (SESeal V4, GB/T 38540) signed by the maker."), &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	const char *need[] = { "maker-cert", "maker-key", "signer-cert", "name", "esid", "picture", "out" };
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (!cli_has(&a, make_opts, need[i]))
			return cli_usage(_("--%s is required"), need[i]);
	long type, w, h, clt;
	if ((rc = cli_get_int(&a, make_opts, "type", 1, 0, 1000000, &type)) ||
	    (rc = cli_get_int(&a, make_opts, "width", 0, 1, 500, &w)) ||
	    (rc = cli_get_int(&a, make_opts, "height", 0, 1, 500, &h)) ||
	    (rc = cli_get_int(&a, make_opts, "cert-list-type", 1, 1, 2, &clt)))
		return rc;
	const char *esid = cli_get(&a, make_opts, "esid");
	if (!cli_has(&a, make_opts, "no-check-esid") && eseal_esid_check(esid))
		return cli_usage("%s", eseal_error_last());

	eseal_cert *maker = NULL, *signers[32] = { 0 };
	eseal_key *mkey = NULL;
	eseal_buf pic = ESEAL_BUF_INIT, out = ESEAL_BUF_INIT;
	char *pass = NULL;
	const char **sfiles;
	int ns = cli_get_all(&a, make_opts, "signer-cert", &sfiles);
	const char *picpath = cli_get(&a, make_opts, "picture");
	eseal_seal_params p = { 0 };

	if ((rc = read_cert(&maker, cli_get(&a, make_opts, "maker-cert"))))
		goto done;
	for (int i = 0; i < ns; i++)
		if ((rc = read_cert(&signers[i], sfiles[i])))
			goto done;
	if (eseal_file_read(&pic, picpath, 32u << 20)) {
		rc = cli_fail(NULL);
		goto done;
	}
	const char *ptype = cli_get(&a, make_opts, "picture-type");
	if (!ptype)
		ptype = eseal_picture_detect(pic.data, pic.len);
	if (!ptype) {
		cli_err(_("%s: not a png, jpg, svg or ofd picture"), picpath);
		rc = EXIT_INPUT;
		goto done;
	}
	if (eseal_picture_check(ptype, pic.data, pic.len)) {
		rc = cli_fail(picpath);
		goto done;
	}
	/* Without --width/--height the picture's own physical size (pHYs, JFIF)
	 * is the seal's size; 40 mm when the file does not say. */
	eseal_picture_info pi;
	if ((!w || !h) && eseal_picture_info_get(&pi, pic.data, pic.len) == 0 && pi.width_mm > 0) {
		if (!w)
			w = lround(pi.width_mm);
		if (!h)
			h = lround(pi.height_mm);
	}
	if (!w)
		w = 40;
	if (!h)
		h = 40;
	if ((rc = cli_passphrase(cli_get(&a, make_opts, "pass-file"), _("Maker key passphrase: "), 0, &pass)))
		goto done;
	if (eseal_key_load(&mkey, cli_get(&a, make_opts, "maker-key"), pass, strlen(pass))) {
		rc = cli_fail(cli_get(&a, make_opts, "maker-key"));
		goto done;
	}
	p.vid = cli_get(&a, make_opts, "vid");
	p.esid = esid;
	p.type = type;
	p.name = cli_get(&a, make_opts, "name");
	p.cert_list_type = (int)clt;
	p.signers = signers;
	p.nsigners = (size_t)ns;
	p.picture_type = ptype;
	p.picture = pic.data;
	p.picture_len = pic.len;
	p.width_mm = w;
	p.height_mm = h;
	p.create_date = time(NULL);
	p.valid_start = p.create_date;
	p.valid_end = eseal_cert_not_after(signers[0]);
	const char *vf = cli_get(&a, make_opts, "valid-from"), *vt = cli_get(&a, make_opts, "valid-to");
	if ((vf && eseal_time_parse(&p.valid_start, vf)) || (vt && eseal_time_parse(&p.valid_end, vt))) {
		rc = cli_usage("%s", eseal_error_last());
		goto done;
	}
	if (eseal_seal_make(&out, &p, maker, mkey)) {
		rc = cli_fail(NULL);
		goto done;
	}
	rc = cli_write_output(cli_get(&a, make_opts, "out"), out.data, out.len, 0644);
done:
	eseal_cert_free(maker);
	for (int i = 0; i < 32; i++)
		eseal_cert_free(signers[i]);
	eseal_key_free(mkey);
	eseal_buf_free(&pic);
	eseal_buf_free(&out);
	cli_pass_free(pass);
	return rc;
}

/* A seal file, or a SES_Signature (SignedValue.dat): whichever parses. */
typedef struct {
	eseal_seal *seal;
	eseal_sessig *sig;
} seal_or_sig;

static int load_either(seal_or_sig *x, const char *path)
{
	eseal_buf b = ESEAL_BUF_INIT;
	memset(x, 0, sizeof *x);
	if (eseal_file_read(&b, path, 64u << 20)) {
		eseal_buf_free(&b);
		return cli_fail(NULL);
	}
	int rc = eseal_seal_parse(&x->seal, b.data, b.len);
	if (rc) {
		char seal_err[1024];
		snprintf(seal_err, sizeof seal_err, "%s", eseal_error_last());
		if (eseal_sessig_parse(&x->sig, b.data, b.len) == 0) {
			rc = 0;
		} else if (strstr(eseal_error_last(), "TBS_Sign.eseal")) {
			/* It was a signature: its own error says more. */
		} else {
			eseal_error_set(rc, "not a seal (%s)", seal_err);
		}
	}
	eseal_buf_free(&b);
	return rc ? cli_fail(path) : 0;
}

static const cli_opt show_opts[] = {
	{ "json", 0, N_("print JSON"), NULL },
	{ "extract-picture", 1, N_("write the seal picture to FILE"), "FILE" },
	{ 0 }
};

static int seal_show(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(argc, argv, show_opts, "FILE [--json] [--extract-picture OUT]",
			   N_("Print every field of a seal (.esl) or of an electronic signature (SignedValue.dat)."), &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.npos != 1)
		return cli_usage(_("give exactly one seal or signature file"));
	seal_or_sig x;
	if ((rc = load_either(&x, a.pos[0])))
		return rc;
	json_t *o = x.seal ? show_seal_json(x.seal) : show_sessig_json(x.sig);
	const eseal_seal *s = x.seal ? x.seal : eseal_sessig_seal(x.sig);
	const char *pic = cli_get(&a, show_opts, "extract-picture");
	if (pic) {
		size_t n;
		const uint8_t *p = eseal_seal_picture(s, &n);
		if ((rc = cli_write_output(pic, p, n, 0644)))
			goto done;
	}
	if (cli_has(&a, show_opts, "json")) {
		rc = print_json(o);
	} else {
		eseal_buf b = ESEAL_BUF_INIT;
		if (x.seal)
			show_seal_text(&b, o, "");
		else
			show_sessig_text(&b, o);
		fwrite(b.data, 1, b.len, stdout);
		eseal_buf_free(&b);
	}
done:
	json_decref(o);
	eseal_seal_free(x.seal);
	eseal_sessig_free(x.sig);
	return rc;
}

static const cli_opt verify_opts[] = {
	{ "trust", 1, N_("trust anchor certificate(s), PEM bundle or directory (repeatable)"), "FILE" },
	{ "crl", 1, N_("certificate revocation list (repeatable)"), "FILE" },
	{ "at", 1, N_("check validity at this time instead of now (seals only)"), "TIME" },
	{ "json", 0, N_("print the report as JSON"), NULL },
	{ 0 }
};

static int seal_verify(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(argc, argv, verify_opts, "FILE [--trust CA.pem]... [--at TIME] [--json]",
			   N_("Verify a seal (maker signature, validity, chain) or an electronic signature "
			      "(signature value, embedded seal, signer in the seal, chains).\n"
			      "Exit code: 0 TOTAL-PASSED, 1 TOTAL-FAILED, 2 INDETERMINATE."), &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.npos != 1)
		return cli_usage(_("give exactly one seal or signature file"));
	time_t at = time(NULL);
	const char *ats = cli_get(&a, verify_opts, "at");
	if (ats && eseal_time_parse(&at, ats))
		return cli_usage("%s", eseal_error_last());
	const char **tf, **cf;
	int nt = cli_get_all(&a, verify_opts, "trust", &tf);
	int nc = cli_get_all(&a, verify_opts, "crl", &cf);
	eseal_trust *trust = NULL;
	seal_or_sig x = { 0 };
	eseal_report *r = NULL;
	if ((rc = load_trust(&trust, tf, nt, cf, nc)) || (rc = load_either(&x, a.pos[0])))
		goto done;
	if (eseal_report_new(&r, "seal", a.pos[0])) {
		rc = cli_fail(NULL);
		goto done;
	}
	eseal_report_item *it = eseal_report_add(r, x.seal ? "seal" : "signature");
	if (!it) {
		rc = EXIT_INTERNAL;
		goto done;
	}
	if (x.seal)
		eseal_seal_verify(x.seal, trust, at, it);
	else
		eseal_sessig_verify(x.sig, NULL, 0, trust, it);
	if ((rc = print_report(r, cli_has(&a, verify_opts, "json"))))
		goto done;
	rc = exit_for_indication(eseal_report_overall(r));
done:
	eseal_report_free(r);
	eseal_trust_free(trust);
	eseal_seal_free(x.seal);
	eseal_sessig_free(x.sig);
	return rc;
}

int cmd_seal(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf(_("usage: eseal seal <make|show|verify> [options]\n\n"
			 "  make    make a seal (SESeal V4) signed by the maker certificate\n"
			 "  show    print every field of a seal or electronic signature\n"
			 "  verify  check a seal's maker signature, validity and chain\n"));
		return argc < 2 ? EXIT_USAGE : 0;
	}
	cli_enter(argv[1]);
	if (!strcmp(argv[1], "make"))
		return seal_make(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return seal_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "verify"))
		return seal_verify(argc - 1, argv + 1);
	return cli_usage(_("unknown subcommand '%s'"), argv[1]);
}
