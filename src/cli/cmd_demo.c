/*
 * cmd_demo.c - `eseal demo --out DIR`: the main job a newcomer runs. Makes a
 * CA, a maker certificate, a signer certificate and a seal, shows and
 * verifies the seal, and lists what it wrote. Keys are encrypted with a
 * random passphrase kept in DIR/passphrase (mode 0600).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "eseal/ofdsign.h"
#include "eseal/picture.h"
#include "eseal/sample.h"
#include "eseal/pdfsign.h"
#include "eseal/pdfverify.h"
#include "seal_show.h"

static const cli_opt opts[] = {
	{ "out", 1, N_("directory to write the demo into (created)"), "DIR" },
	{ "json", 0, N_("print the verification report as JSON"), NULL },
	{ 0 }
};

typedef struct {
	const char *dir;
	char pass[48];
	char path[4096];
} demo;

static const char *at(demo *d, const char *name)
{
	snprintf(d->path, sizeof d->path, "%s/%s", d->dir, name);
	return d->path;
}

static int step(int rc, const char *what)
{
	if (rc) {
		cli_err(_("%s: %s"), what, eseal_error_last());
		return cli_exit_for(eseal_error_code()) ? cli_exit_for(eseal_error_code()) : EXIT_INTERNAL;
	}
	return 0;
}

static int issue(demo *d, eseal_ca *ca, eseal_cert_role role, const char *org, const char *name,
		 const char *certfile, const char *keyfile, eseal_cert **cert, eseal_key **key)
{
	eseal_cert_request rq = { 0 };
	rq.role = role;
	rq.org = org;
	rq.name = name;
	rq.days = 730;
	int rc = step(eseal_key_generate(key, ESEAL_KEY_SM2), "key generation");
	if (!rc) rc = step(eseal_ca_issue(ca, &rq, *key, cert), "certificate issue");
	if (!rc) rc = step(eseal_cert_save_pem(*cert, at(d, certfile)), certfile);
	if (!rc) rc = step(eseal_key_save(*key, at(d, keyfile), d->pass, strlen(d->pass)), keyfile);
	return rc;
}

/* The demo's two placements: over party A's name on page 1, and a
 * cross-page seal on the right edge of every page. */
static void demo_places(eseal_placement pl[2])
{
	memset(pl, 0, 2 * sizeof *pl);
	pl[0].kind = ESEAL_PLACE_KEYWORD;
	pl[0].keyword = "示例科技有限公司";
	pl[0].occurrence = 1;
	pl[1].kind = ESEAL_PLACE_PERFORATION;
	pl[1].side = ESEAL_SIDE_RIGHT;
}

/* Verifies a signed OFD or PDF (by verify) against ca_pem [and ca2_pem]. */
static int demo_verify(const char *file, const char *ca_pem, const char *ca2_pem, int json,
		       int (*verify)(const char *, const eseal_trust *, eseal_report **))
{
	printf("\n$ eseal verify %s --trust %s%s%s\n", file, ca_pem, ca2_pem ? " --trust " : "",
	       ca2_pem ? ca2_pem : "");
	eseal_trust *t = NULL;
	eseal_report *r = NULL;
	int rc;
	if ((rc = step(eseal_trust_new(&t), "trust")) ||
	    (rc = step(eseal_trust_add_file(t, ca_pem), ca_pem)) ||
	    (ca2_pem && (rc = step(eseal_trust_add_file(t, ca2_pem), ca2_pem))) ||
	    (rc = step(verify(file, t, &r), "verify")))
		goto done;
	if ((rc = print_report(r, json)))
		goto done;
	rc = exit_for_indication(eseal_report_overall(r));
	if (rc)
		cli_err(_("the signed demo document %s did not verify"), file);
done:
	eseal_report_free(r);
	eseal_trust_free(t);
	return rc;
}

/* Writes sample.ofd, signs it into signed.ofd (a seal over party A's name on
 * page 1, and a cross-page seal over every page) and verifies it. */
static int demo_ofd(demo *d, const uint8_t *seal, size_t seal_len, const eseal_cert *signer,
		    const eseal_key *key, int json)
{
	char in[4096], out[4096];
	snprintf(in, sizeof in, "%s", at(d, "sample.ofd"));
	snprintf(out, sizeof out, "%s", at(d, "signed.ofd"));
	eseal_sample_opts so = { 0 };
	so.pages = 3;
	int rc = step(eseal_sample_ofd(in, &so), "sample.ofd");
	if (rc)
		return rc;
	eseal_placement pl[2];
	demo_places(pl);
	eseal_ofd_sign_opts o = { 0 };
	o.seal = seal;
	o.seal_len = seal_len;
	o.signer = signer;
	o.key = key;
	o.places = pl;
	o.nplaces = 2;
	printf(_("\n$ eseal sign %s --seal seal.esl --keyword 示例科技有限公司 --occurrence 1 "
		 "--perforation right --out %s\n"), in, out);
	eseal_ofd_sign_result res = { 0 };
	if ((rc = step(eseal_ofd_sign(in, out, &o, &res), "sign sample.ofd")))
		return rc;
	for (size_t i = 0; i < res.nplaced; i++)
		printf(_("  stamp on page %d at %.1f %.1f mm (%.0f x %.0f mm)%s\n"), res.placed[i].page,
		       res.placed[i].boundary.x, res.placed[i].boundary.y, res.placed[i].boundary.w,
		       res.placed[i].boundary.h, res.placed[i].has_clip ? _(", cross-page slice") : "");
	eseal_ofd_sign_result_free(&res);
	return demo_verify(out, at(d, "ca.pem"), NULL, json, eseal_ofd_verify);
}

static int demo_pdf_sign(const char *in, const char *out, eseal_pdf_sig_format fmt, const uint8_t *seal,
			 size_t seal_len, const eseal_cert *signer, const eseal_key *key,
			 eseal_cert *const *chain, size_t nchain)
{
	eseal_placement pl[2];
	demo_places(pl);
	eseal_pdf_sign_opts o = { 0 };
	o.format = fmt;
	o.seal = seal;
	o.seal_len = seal_len;
	o.signer = signer;
	o.key = key;
	o.chain = chain;
	o.nchain = nchain;
	o.places = pl;
	o.nplaces = fmt == ESEAL_PDF_PADES ? 1 : 2;
	eseal_pdf_sign_result res = { 0 };
	int rc = step(eseal_pdf_sign(in, out, &o, &res), out);
	if (rc)
		return rc;
	for (size_t i = 0; i < res.nplaced; i++)
		printf(_("  stamp on page %d at %.1f %.1f mm (%.1f x %.0f mm)\n"), res.placed[i].page,
		       res.placed[i].box.x, res.placed[i].box.y, res.placed[i].box.w, res.placed[i].box.h);
	eseal_pdf_sign_result_free(&res);
	return 0;
}

/* sample.pdf signed with SM2 CMS (signed.pdf), and with PAdES ECDSA P-256
 * by a signer of a second CA (ca-ecdsa.pem, signed-pades.pdf); both verified. */
static int demo_pdf(demo *d, const uint8_t *seal, size_t seal_len, const eseal_cert *signer,
		    const eseal_key *key, const eseal_cert *maker, const eseal_key *mkey, int json)
{
	char in[4096], out[4096], cadir[4096], capem[4096];
	snprintf(in, sizeof in, "%s", at(d, "sample.pdf"));
	snprintf(out, sizeof out, "%s", at(d, "signed.pdf"));
	eseal_sample_opts so = { 0 };
	so.pages = 3;
	int rc = step(eseal_sample_pdf(in, &so), "sample.pdf");
	if (rc)
		return rc;
	printf(_("\n$ eseal sign %s --seal seal.esl --keyword 示例科技有限公司 --occurrence 1 "
		 "--perforation right --format cms-sm2 --out %s\n"), in, out);
	if ((rc = demo_pdf_sign(in, out, ESEAL_PDF_CMS_SM2, seal, seal_len, signer, key, NULL, 0)) ||
	    (rc = demo_verify(out, at(d, "ca.pem"), NULL, json, eseal_pdf_verify)))
		return rc;

	/* PAdES: an ECDSA P-256 CA, a signer and a seal listing it */
	snprintf(cadir, sizeof cadir, "%s", at(d, "ca-ecdsa"));
	snprintf(capem, sizeof capem, "%s", at(d, "ca-ecdsa.pem"));
	printf(_("\nMaking an ECDSA P-256 CA in %s and a PAdES signer ...\n"), cadir);
	eseal_ca *ca = NULL;
	eseal_cert *ec = NULL;
	eseal_key *eck = NULL;
	eseal_buf pem = ESEAL_BUF_INIT, png = ESEAL_BUF_INIT, es = ESEAL_BUF_INIT;
	eseal_seal *s0 = NULL;
	eseal_cert_request rq = { 0 };
	rq.role = ESEAL_ROLE_SEAL;
	rq.org = "示例科技有限公司";
	rq.name = "示例科技有限公司合同专用章 (ECDSA)";
	rq.days = 730;
	if ((rc = step(eseal_ca_init(cadir, "eseal Demo ECDSA CA", ESEAL_KEY_EC_P256, d->pass, strlen(d->pass), 3650), "CA")) ||
	    (rc = step(eseal_ca_open(&ca, cadir, d->pass, strlen(d->pass)), "CA")))
		goto done;
	snprintf(d->path, sizeof d->path, "%.4000s/ca.pem", cadir);
	if ((rc = step(eseal_file_read(&pem, d->path, 0), "ca.pem")) ||
	    (rc = step(eseal_file_write_atomic(capem, pem.data, pem.len, 0644), "ca-ecdsa.pem")) ||
	    (rc = step(eseal_key_generate(&eck, ESEAL_KEY_EC_P256), "key generation")) ||
	    (rc = step(eseal_ca_issue(ca, &rq, eck, &ec), "certificate issue")) ||
	    (rc = step(eseal_cert_save_pem(ec, at(d, "signer-ecdsa.pem")), "signer-ecdsa.pem")) ||
	    (rc = step(eseal_key_save(eck, at(d, "signer-ecdsa.key"), d->pass, strlen(d->pass)), "signer-ecdsa.key")))
		goto done;
	/* the same picture as the SM2 seal, in a seal that lists the ECDSA signer */
	if ((rc = step(eseal_seal_parse(&s0, seal, seal_len), "seal")))
		goto done;
	size_t plen;
	const uint8_t *pic = eseal_seal_picture(s0, &plen);
	eseal_seal_params p = { 0 };
	eseal_cert *signers[1] = { ec };
	p.esid = "33010600000002";
	p.type = 2;
	p.name = "示例科技有限公司合同专用章";
	p.cert_list_type = 1;
	p.signers = signers;
	p.nsigners = 1;
	p.create_date = time(NULL);
	p.valid_start = p.create_date;
	p.valid_end = eseal_cert_not_after(ec);
	p.picture_type = eseal_seal_picture_type(s0);
	p.picture = pic;
	p.picture_len = plen;
	p.width_mm = eseal_seal_picture_width(s0);
	p.height_mm = eseal_seal_picture_height(s0);
	if ((rc = step(eseal_seal_make(&es, &p, maker, mkey), "seal")) ||
	    (rc = step(eseal_file_write_atomic(at(d, "seal-ecdsa.esl"), es.data, es.len, 0644), "seal-ecdsa.esl")))
		goto done;
	snprintf(out, sizeof out, "%s", at(d, "signed-pades.pdf"));
	printf(_("\n$ eseal sign %s --seal seal-ecdsa.esl --key signer-ecdsa.key --cert signer-ecdsa.pem "
		 "--keyword 示例科技有限公司 --occurrence 1 --format pades --out %s\n"), in, out);
	eseal_cert *chain[1] = { (eseal_cert *)eseal_ca_issuing(ca) };
	if ((rc = demo_pdf_sign(in, out, ESEAL_PDF_PADES, es.data, es.len, ec, eck, chain, 1)))
		goto done;
	/* the seal's maker belongs to the SM2 CA: trust both */
	char sm2pem[4096];
	snprintf(sm2pem, sizeof sm2pem, "%s", at(d, "ca.pem"));
	rc = demo_verify(out, capem, sm2pem, json, eseal_pdf_verify);
done:
	eseal_seal_free(s0);
	eseal_ca_free(ca);
	eseal_cert_free(ec);
	eseal_key_free(eck);
	eseal_buf_free(&pem);
	eseal_buf_free(&png);
	eseal_buf_free(&es);
	return rc;
}

int cmd_demo(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(argc, argv, opts, "--out DIR",
			   N_("Make a demo CA (ca.pem), a maker certificate (maker.pem, maker.key), a signer "
			      "certificate (signer.pem, signer.key) and a seal (seal.esl) in DIR, then show and "
			      "verify the seal. The keys' passphrase is in DIR/passphrase."), &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	demo d = { 0 };
	d.dir = cli_get(&a, opts, "out");
	if (!d.dir)
		return cli_usage(_("--out DIR is required"));
	if (mkdir(d.dir, 0700) != 0 && errno != EEXIST) {
		cli_err(_("%s: %s"), d.dir, strerror(errno));
		return EXIT_INTERNAL;
	}
	struct stat st;
	if (stat(at(&d, "seal.esl"), &st) == 0 || stat(at(&d, "ca"), &st) == 0) {
		cli_err(_("%s already holds a demo; choose an empty directory"), d.dir);
		return EXIT_REFUSED;
	}
	uint8_t rnd[18];
	if ((rc = step(eseal_random(rnd, sizeof rnd), "random")))
		return rc;
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(d.pass + 2 * i, 3, "%02x", rnd[i]);
	eseal_wipe(rnd, sizeof rnd);

	eseal_ca *ca = NULL;
	eseal_cert *maker = NULL, *signer = NULL;
	eseal_key *mkey = NULL, *skey = NULL;
	eseal_buf b = ESEAL_BUF_INIT, png = ESEAL_BUF_INIT, pem = ESEAL_BUF_INIT;
	eseal_seal *seal = NULL;
	eseal_trust *trust = NULL;
	eseal_report *r = NULL;
	char cadir[4000];
	snprintf(cadir, sizeof cadir, "%.3990s/ca", d.dir);

	if ((rc = step(eseal_file_write_atomic(at(&d, "passphrase"), d.pass, strlen(d.pass), 0600), "passphrase")))
		goto done;
	printf(_("Making a CA (SM2 root and issuing CA) in %s ...\n"), cadir);
	if ((rc = step(eseal_ca_init(cadir, "eseal Demo CA", ESEAL_KEY_SM2, d.pass, strlen(d.pass), 3650), "CA")) ||
	    (rc = step(eseal_ca_open(&ca, cadir, d.pass, strlen(d.pass)), "CA")))
		goto done;
	if (snprintf(d.path, sizeof d.path, "%.4000s/ca.pem", cadir) < 0)
		goto done;
	if ((rc = step(eseal_file_read(&pem, d.path, 0), "ca.pem")) ||
	    (rc = step(eseal_file_write_atomic(at(&d, "ca.pem"), pem.data, pem.len, 0644), "ca.pem")))
		goto done;
	printf(_("Issuing the maker (制章者) and signer (签章者) certificates ...\n"));
	if ((rc = issue(&d, ca, ESEAL_ROLE_MAKER, "示例市电子印章制作中心", "示例市电子印章制作系统",
			"maker.pem", "maker.key", &maker, &mkey)) ||
	    (rc = issue(&d, ca, ESEAL_ROLE_SEAL, "示例科技有限公司", "示例科技有限公司合同专用章",
			"signer.pem", "signer.key", &signer, &skey)))
		goto done;

	printf(_("Drawing the seal picture and making the seal ...\n"));
	eseal_picture_spec ps = { 0 };
	ps.shape = ESEAL_PICTURE_ROUND;
	ps.org = "示例科技有限公司";
	ps.title = "合同专用章";
	ps.code = "3301060000001";
	if ((rc = step(eseal_picture_draw(&png, &ps, NULL, NULL), "seal picture")) ||
	    (rc = step(eseal_file_write_atomic(at(&d, "seal.png"), png.data, png.len, 0644), "seal.png")))
		goto done;
	eseal_seal_params p = { 0 };
	eseal_cert *signers[1] = { signer };
	p.esid = "33010600000001";
	p.type = 2;
	p.name = "示例科技有限公司合同专用章";
	p.cert_list_type = 1;
	p.signers = signers;
	p.nsigners = 1;
	p.create_date = time(NULL);
	p.valid_start = p.create_date;
	p.valid_end = eseal_cert_not_after(signer);
	p.picture_type = "png";
	p.picture = png.data;
	p.picture_len = png.len;
	p.width_mm = 42;
	p.height_mm = 42;
	if ((rc = step(eseal_seal_make(&b, &p, maker, mkey), "seal")) ||
	    (rc = step(eseal_file_write_atomic(at(&d, "seal.esl"), b.data, b.len, 0644), "seal.esl")))
		goto done;

	if ((rc = step(eseal_seal_parse(&seal, b.data, b.len), "seal.esl")))
		goto done;
	printf("\n$ eseal seal show %s\n", at(&d, "seal.esl"));
	json_t *o = show_seal_json(seal);
	eseal_buf txt = ESEAL_BUF_INIT;
	show_seal_text(&txt, o, "");
	fwrite(txt.data, 1, txt.len, stdout);
	eseal_buf_free(&txt);
	json_decref(o);

	printf("\n$ eseal seal verify %s/seal.esl --trust %s/ca.pem\n", d.dir, d.dir);
	if ((rc = step(eseal_trust_new(&trust), "trust")) ||
	    (rc = step(eseal_trust_add_file(trust, at(&d, "ca.pem")), "ca.pem")) ||
	    (rc = step(eseal_report_new(&r, "seal", "seal.esl"), "report")))
		goto done;
	eseal_report_item *it = eseal_report_add(r, "seal");
	if (!it || (rc = step(eseal_seal_verify(seal, trust, time(NULL), it), "verify")))
		goto done;
	if ((rc = print_report(r, cli_has(&a, opts, "json"))))
		goto done;
	rc = exit_for_indication(eseal_report_overall(r));
	if (rc) {
		cli_err(_("the demo seal did not verify"));
		goto done;
	}
	if ((rc = demo_ofd(&d, b.data, b.len, signer, skey, cli_has(&a, opts, "json"))))
		goto done;
	if ((rc = demo_pdf(&d, b.data, b.len, signer, skey, maker, mkey, cli_has(&a, opts, "json"))))
		goto done;
	printf(_("\nWrote in %s:\n"), d.dir);
	const char *files[][2] = {
		{ "ca.pem", N_("trust anchor: root and issuing CA certificates") },
		{ "ca/", N_("the CA itself (root.key and issuing.key encrypted)") },
		{ "maker.pem", N_("maker (制章者) certificate") },
		{ "maker.key", N_("maker private key, encrypted (SM4, scrypt)") },
		{ "signer.pem", N_("signer (签章者) certificate of the seal") },
		{ "signer.key", N_("signer private key, encrypted") },
		{ "seal.png", N_("seal picture, 42 mm") },
		{ "seal.esl", N_("the electronic seal (SESeal V4)") },
		{ "sample.ofd", N_("a 3-page sample contract (OFD)") },
		{ "signed.ofd", N_("the contract signed: a seal on page 1 and a cross-page seal") },
		{ "sample.pdf", N_("the same contract as PDF") },
		{ "signed.pdf", N_("the PDF signed (SM2 CMS): a seal on page 1 and a cross-page seal") },
		{ "ca-ecdsa.pem", N_("trust anchor of the ECDSA P-256 CA (ca-ecdsa/)") },
		{ "seal-ecdsa.esl", N_("a seal for the ECDSA signer (signer-ecdsa.pem, signer-ecdsa.key)") },
		{ "signed-pades.pdf", N_("the PDF signed with PAdES (ECDSA P-256)") },
		{ "passphrase", N_("passphrase of the demo keys (keep it secret)") },
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		printf("  %-16s %s\n", files[i][0], _(files[i][1]));
done:
	eseal_report_free(r);
	eseal_trust_free(trust);
	eseal_seal_free(seal);
	eseal_ca_free(ca);
	eseal_cert_free(maker);
	eseal_cert_free(signer);
	eseal_key_free(mkey);
	eseal_key_free(skey);
	eseal_buf_free(&b);
	eseal_buf_free(&png);
	eseal_buf_free(&pem);
	eseal_wipe(d.pass, sizeof d.pass);
	return rc;
}
