/*
 * cmd_sign.c - `eseal sign`: stamps an OFD or PDF document with a seal
 * (visible at a position, on a keyword, across pages, or invisible); PDF
 * signatures are CMS SM2 (default), SES or PAdES, optionally certifying; optionally
 * time-stamped (--timestamp). Each signature is recorded in the holder's journal of
 * uses for `eseal report-use`. Never writes a partial output: the library writes a
 * temporary file and renames it.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "eseal/ofdsign.h"
#include "eseal/pdfsign.h"
#include "place_cli.h"
#include "seal_show.h"
#include "eseal/tsa.h"
#include "eseal/ofd.h"
#include "eseal/ses.h"
#include "seal_package.h"
#include "use_journal.h"

static const cli_opt opts[] = {
	{ "package", 1, N_("the seal package from the service (seal, encrypted key and certificate)"), "FILE" },
	{ "seal", 1, N_("the seal file (.esl, SESeal)"), "FILE" },
	{ "key", 1, N_("the signer's private key file"), "FILE" },
	{ "cert", 1, N_("the signer's certificate (must be in the seal's certificate list)"), "FILE" },
	{ "pass-file", 1, N_("read the key passphrase from FILE"), "FILE" },
	{ "out", 1, N_("output file (-o); may equal the input"), "FILE" },
	{ "at", 1, N_("seal centre PAGE:X:Y in mm from the top-left corner (repeatable)"), "PAGE:X:Y" },
	{ "keyword", 1, N_("centre the seal on this text (repeatable)"), "TEXT" },
	{ "occurrence", 1, N_("which keyword occurrence: N or all (default all)"), "N|all" },
	{ "perforation", 1, N_("cross-page seal on the right or left edge"), "right|left" },
	{ "pages", 1, N_("pages of the cross-page seal, e.g. 1-3,5 (default all)"), "RANGE" },
	{ "invisible", 0, N_("sign without a visible stamp"), NULL },
	{ "lock", 0, N_("protect the signature list: no later signature allowed"), NULL },
	{ "format", 1, N_("PDF signature format: cms-sm2 (default), ses or pades"), "FORMAT" },
	{ "certify", 0, N_("PDF: certify the document (DocMDP, form filling and signing allowed)"), NULL },
	{ "reason", 1, N_("PDF: the signature's reason"), "TEXT" },
	{ "location", 1, N_("PDF: the signature's location"), "TEXT" },
	{ "chain", 1, N_("PDF: extra certificates (PEM) to embed in a CMS signature"), "FILE" },
	{ "timestamp", 1, N_("time-stamp the signature value at this RFC 3161 TSA (http://...)"), "URL" },
	{ "tsa", 1, N_("the same as --timestamp"), "URL" },
	{ "auto", 0, N_("stamp where the placement engine proposes (needs --org)"), NULL },
	{ "org", 1, N_("--auto: the signing organisation, as written in the document"), "NAME" },
	{ "seals", 1, N_("--auto: seal types it owns (default official)"), "LIST" },
	{ "history", 1, N_("--auto: JSON list of earlier documents and their placements"), "FILE" },
	{ "min-confidence", 1, N_("--auto: lowest confidence accepted (default 0.6)"), "P" },
	{ "json", 0, N_("print what was placed where as JSON"), NULL },
	{ "journal", 1, N_("journal of uses for `eseal report-use` (default $ESEAL_USE_JOURNAL, 'off' for "
			   "none, or ~/.local/share/eseal/uses.jsonl)"), "FILE" },
	{ "no-journal", 0, N_("do not record this use in the journal"), NULL },
	{ 0 }
};

/* Appends the new signature of out to the journal of uses (分散式用章):
 * the document is signed either way, so a failure here is reported but
 * leaves it in place. sig_path (OFD) or br (PDF) name the signature. */
static int journal_use(cli_args *a, const char *out, const eseal_buf *seal, const char *sig_path,
		       const uint64_t *br)
{
	const char *env = getenv("ESEAL_USE_JOURNAL");
	if (cli_has(a, opts, "no-journal") || (!cli_get(a, opts, "journal") && env && !strcmp(env, "off")))
		return 0;
	char path[4096];
	eseal_buf v = ESEAL_BUF_INIT;
	eseal_seal *s = NULL;
	json_t *rec = NULL;
	int fd = -1, rc = uj_path(cli_get(a, opts, "journal"), path, sizeof path);
	if (!rc)
		rc = eseal_seal_parse(&s, seal->data, seal->len);
	if (!rc && br) {
		rc = uj_pdf_contents(out, br, &v);
	} else if (!rc) {
		eseal_ofd *d = NULL;
		rc = eseal_ofd_open(&d, out);
		for (size_t i = 0; !rc && i < eseal_ofd_sig_count(d); i++)
			if (eseal_ofd_sig_at(d, i)->path && !strcmp(eseal_ofd_sig_at(d, i)->path, sig_path)) {
				rc = eseal_ofd_sig_value(d, i, &v);
				break;
			}
		eseal_ofd_free(d);
		if (!rc && !v.len)
			rc = eseal_error_set(ESEAL_ENOTFOUND, "the new signature is not in %s", out);
	}
	if (!rc && !(rec = uj_record(v.data, v.len, eseal_seal_esid(s), out, 0)))
		rc = ESEAL_EFORMAT;
	if (!rc)
		rc = uj_lock(path, &fd);
	if (!rc)
		rc = uj_append(path, rec);
	uj_unlock(fd);
	json_decref(rec);
	eseal_seal_free(s);
	eseal_buf_free(&v);
	if (rc) {
		cli_err(_("%s is signed, but the use could not be recorded in the journal %s: %s"), out, path,
			eseal_error_last());
		return EXIT_INTERNAL;
	}
	return 0;
}

/* "-o F" becomes "--out F"; a bare "--perforation" gets "right". */
static char **normalise_args(int argc, char **argv, int *nargc)
{
	char **v = calloc((size_t)argc * 2 + 1, sizeof *v);
	int n = 0;
	if (!v)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i > 0 && !strcmp(argv[i], "-o")) {
			v[n++] = "--out";
		} else if (i > 0 && !strcmp(argv[i], "--perforation") &&
			   (i + 1 >= argc || (strcmp(argv[i + 1], "right") && strcmp(argv[i + 1], "left")))) {
			v[n++] = argv[i];
			v[n++] = "right";
		} else {
			v[n++] = argv[i];
		}
	}
	*nargc = n;
	return v;
}

static int parse_at(const char *s, eseal_placement *p)
{
	char *end;
	memset(p, 0, sizeof *p);
	p->kind = ESEAL_PLACE_AT;
	long page = strtol(s, &end, 10);
	if (end == s || *end != ':')
		return -1;
	const char *q = end + 1;
	/* numbers with '.' whatever the locale */
	double xy[2];
	for (int k = 0; k < 2; k++) {
		char buf[32];
		size_t n = strcspn(q, ":");
		if (n == 0 || n >= sizeof buf)
			return -1;
		memcpy(buf, q, n);
		buf[n] = 0;
		double ip = 0, frac = 0, scale = 1;
		const char *c = buf;
		int neg = *c == '-';
		if (neg)
			c++;
		if (!*c)
			return -1;
		for (; *c >= '0' && *c <= '9'; c++)
			ip = ip * 10 + (*c - '0');
		if (*c == '.')
			for (c++; *c >= '0' && *c <= '9'; c++)
				frac += (*c - '0') / (scale *= 10);
		if (*c)
			return -1;
		xy[k] = (neg ? -1 : 1) * (ip + frac);
		q += n;
		if (k == 0) {
			if (*q != ':')
				return -1;
			q++;
		}
	}
	if (*q || page < 1 || page > 100000)
		return -1;
	p->page = (int)page;
	p->x = xy[0];
	p->y = xy[1];
	return 0;
}

static int parse_occurrence(const char *s, int *out)
{
	if (!strcmp(s, "all")) {
		*out = 0;
		return 0;
	}
	char *end;
	long n = strtol(s, &end, 10);
	if (end == s || *end || n < 1 || n > 100000)
		return -1;
	*out = (int)n;
	return 0;
}

static int print_result(const char *in, const char *out, const eseal_ofd_sign_result *r, int json)
{
	if (!json) {
		printf(_("signed %s -> %s: signature %s, %zu files protected, %zu stamp(s)\n"), in, out,
		       r->sig_id, r->nrefs, r->nplaced);
		for (size_t i = 0; i < r->nplaced; i++) {
			const eseal_ofd_placed *p = &r->placed[i];
			printf(_("  page %d (ID %s): x %.2f y %.2f w %.2f h %.2f mm"), p->page, p->page_id,
			       p->boundary.x, p->boundary.y, p->boundary.w, p->boundary.h);
			if (p->has_clip)
				printf(_(" clip x %.2f w %.2f"), p->clip.x, p->clip.w);
			printf("\n");
		}
		return 0;
	}
	json_t *o = json_object(), *a = json_array();
	json_object_set_new(o, "input", json_string(in));
	json_object_set_new(o, "output", json_string(out));
	json_object_set_new(o, "signature_id", json_string(r->sig_id));
	json_object_set_new(o, "signature_file", json_string(r->sig_path));
	json_object_set_new(o, "protected_files", json_integer((json_int_t)r->nrefs));
	for (size_t i = 0; i < r->nplaced; i++) {
		const eseal_ofd_placed *p = &r->placed[i];
		json_t *s = json_object();
		json_object_set_new(s, "page", json_integer(p->page));
		json_object_set_new(s, "page_id", json_string(p->page_id));
		json_object_set_new(s, "boundary", json_pack("[ffff]", p->boundary.x, p->boundary.y,
							      p->boundary.w, p->boundary.h));
		if (p->has_clip)
			json_object_set_new(s, "clip", json_pack("[ffff]", p->clip.x, p->clip.y, p->clip.w,
								  p->clip.h));
		json_array_append_new(a, s);
	}
	json_object_set_new(o, "stamps", a);
	int rc = print_json(o);
	json_decref(o);
	return rc;
}

static int print_pdf_result(const char *in, const char *out, const eseal_pdf_sign_result *r, int json)
{
	if (!json) {
		printf(_("signed %s -> %s: field %s, signature %zu of %zu bytes reserved, %zu widget(s)\n"),
		       in, out, r->field, r->sig_len, r->contents_capacity, r->nplaced);
		for (size_t i = 0; i < r->nplaced; i++) {
			const eseal_pdf_placed *p = &r->placed[i];
			printf(_("  page %d: x %.2f y %.2f w %.2f h %.2f mm\n"), p->page, p->box.x, p->box.y,
			       p->box.w, p->box.h);
		}
		return 0;
	}
	json_t *o = json_object(), *a = json_array();
	json_object_set_new(o, "input", json_string(in));
	json_object_set_new(o, "output", json_string(out));
	json_object_set_new(o, "field", json_string(r->field));
	json_object_set_new(o, "byte_range", json_pack("[IIII]", (json_int_t)r->byte_range[0],
						       (json_int_t)r->byte_range[1], (json_int_t)r->byte_range[2],
						       (json_int_t)r->byte_range[3]));
	json_object_set_new(o, "signature_bytes", json_integer((json_int_t)r->sig_len));
	json_object_set_new(o, "reserved_bytes", json_integer((json_int_t)r->contents_capacity));
	for (size_t i = 0; i < r->nplaced; i++) {
		const eseal_pdf_placed *p = &r->placed[i];
		json_t *s = json_object();
		json_object_set_new(s, "page", json_integer(p->page));
		json_object_set_new(s, "boundary", json_pack("[ffff]", p->box.x, p->box.y, p->box.w, p->box.h));
		json_object_set_new(s, "rect", json_pack("[ffff]", p->rect[0], p->rect[1], p->rect[2], p->rect[3]));
		json_array_append_new(a, s);
	}
	json_object_set_new(o, "stamps", a);
	int rc = print_json(o);
	json_decref(o);
	return rc;
}

/* "ofd", "pdf" or NULL from the first bytes. */
static const char *detect_format(const char *path)
{
	unsigned char m[5] = { 0 };
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t n = fread(m, 1, sizeof m, f);
	fclose(f);
	if (n >= 4 && !memcmp(m, "PK\x03\x04", 4))
		return "ofd";
	if (n >= 5 && !memcmp(m, "%PDF-", 5))
		return "pdf";
	return "unknown";
}

/* --auto: the engine's proposals at or above min as placements appended to
 * *pl (which holds n). Refuses (EXIT_REFUSED) when there is none, unless the
 * caller gave its own placements (have > 0). */
static int auto_places(const char *in, cli_args *a, int have, eseal_placement **pl, int *n)
{
	const char *org = cli_get(a, opts, "org");
	if (!org || !*org)
		return cli_usage(_("--auto needs --org NAME"));
	unsigned seals = ESEAL_SEAL_OFFICIAL;
	const char *sl = cli_get(a, opts, "seals");
	if (sl && eseal_seal_types_parse(sl, &seals))
		return cli_usage("%s", eseal_error_last());
	double min = 0.6;
	const char *mc = cli_get(a, opts, "min-confidence");
	if (mc) {
		char *end;
		min = strtod(mc, &end);
		if (*end || end == mc || !(min >= 0 && min <= 1))
			return cli_usage(_("--min-confidence: expected a number from 0 to 1"));
	}
	eseal_place_result r;
	if (place_propose_file(in, org, seals, cli_get(a, opts, "history"), &r))
		return cli_fail(NULL);
	size_t ok = 0;
	for (size_t i = 0; i < r.n; i++)
		ok += r.items[i].confidence >= min;
	if (!ok) {
		if (!have) {
			cli_err(_("%s: no placement with confidence >= %.2f (%s); give --at or --keyword"), in, min,
				cli_lang_zh() ? r.reason_zh : r.reason);
			eseal_place_result_free(&r);
			return EXIT_REFUSED;
		}
		eseal_place_result_free(&r);
		return 0;
	}
	eseal_placement *v = realloc(*pl, ((size_t)*n + ok + 1) * sizeof *v);
	if (!v) {
		eseal_place_result_free(&r);
		return EXIT_INTERNAL;
	}
	*pl = v;
	for (size_t i = 0; i < r.n; i++) {
		const eseal_place_item *it = &r.items[i];
		if (it->confidence < min)
			continue;
		eseal_placement *p = &v[(*n)++];
		memset(p, 0, sizeof *p);
		if (it->perforation) {
			p->kind = ESEAL_PLACE_PERFORATION;
			p->side = ESEAL_SIDE_RIGHT;
		} else {
			p->kind = ESEAL_PLACE_AT;
			p->page = it->page;
			p->x = it->x;
			p->y = it->y;
		}
		/* people read why: on stderr, so --json output stays clean */
		fprintf(stderr, _("auto: page %d  x %.1f  y %.1f  %s seal%s  confidence %.2f: %s\n"), it->page, it->x,
			it->y, it->seal_type, it->perforation ? _(" (cross-page)") : "", it->confidence,
			cli_lang_zh() ? it->reason_zh : it->reason);
	}
	eseal_place_result_free(&r);
	return 0;
}

int cmd_sign(int argc, char **argv)
{
	int nargc;
	char **nargv = normalise_args(argc, argv, &nargc);
	if (!nargv) {
		cli_err(_("out of memory"));
		return EXIT_INTERNAL;
	}
	cli_args a;
	int rc = cli_parse(nargc, nargv, opts,
			   "DOC.ofd|DOC.pdf (--seal SEAL.esl --key KEY --cert CERT.pem | --package PKG.pem) -o OUT "
			   "[--at PAGE:X:Y]... [--keyword TEXT [--occurrence N|all]]... "
			   "[--perforation [right|left] [--pages RANGE]] [--invisible] [--lock] "
			   "[--format cms-sm2|ses|pades] [--certify] [--reason TEXT] [--location TEXT] [--timestamp URL] "
			   "[--auto --org NAME [--seals LIST] [--history FILE] [--min-confidence P]] "
			   "[--journal FILE | --no-journal] [--json]",
			   N_("Sign (stamp) an OFD or PDF document with an electronic seal (PDF: by incremental update). Several placements give "
			      "one signature with several stamps. Positions are the seal centre in mm, "
			      "origin at the page's top-left corner; pages count from 1."), &a);
	eseal_placement *pl = NULL;
	eseal_buf seal = ESEAL_BUF_INIT, key_pem = ESEAL_BUF_INIT;
	eseal_cert *cert = NULL;
	eseal_key *key = NULL;
	char *pass = NULL;
	eseal_ofd_sign_result res;
	memset(&res, 0, sizeof res);
	eseal_pdf_sign_result pres;
	memset(&pres, 0, sizeof pres);
	eseal_cert **chain = NULL;
	size_t nchain = 0;
	if (rc) {
		rc = rc < 0 ? 0 : rc;
		goto done;
	}
	if (a.npos != 1) {
		rc = cli_usage(_("give exactly one document to sign"));
		goto done;
	}
	const char *in = a.pos[0];
	const char *out = cli_get(&a, opts, "out");
	const char *sealf = cli_get(&a, opts, "seal"), *keyf = cli_get(&a, opts, "key"),
		   *certf = cli_get(&a, opts, "cert");
	const char *pkgf = cli_get(&a, opts, "package");
	if (pkgf && (sealf || keyf || certf)) {
		rc = cli_usage(_("--package replaces --seal, --key and --cert"));
		goto done;
	}
	if (!out || (!pkgf && (!sealf || !keyf || !certf))) {
		rc = cli_usage(_("--seal, --key, --cert (or --package) and --out are required"));
		goto done;
	}
	const char **ats, **kws, **occs, **perfs, **ranges;
	int nat = cli_get_all(&a, opts, "at", &ats), nkw = cli_get_all(&a, opts, "keyword", &kws);
	int nocc = cli_get_all(&a, opts, "occurrence", &occs);
	int nperf = cli_get_all(&a, opts, "perforation", &perfs);
	int nrange = cli_get_all(&a, opts, "pages", &ranges);
	int invisible = cli_has(&a, opts, "invisible");
	int total = nat + nkw + nperf;
	int autop = cli_has(&a, opts, "auto");
	if (!autop && (cli_get(&a, opts, "org") || cli_get(&a, opts, "seals") || cli_get(&a, opts, "history") ||
		       cli_get(&a, opts, "min-confidence"))) {
		rc = cli_usage(_("--org, --seals, --history and --min-confidence go with --auto"));
		goto done;
	}
	if (invisible && (total || autop)) {
		rc = cli_usage(_("--invisible cannot be combined with a placement"));
		goto done;
	}
	if (!invisible && !total && !autop) {
		rc = cli_usage(_("say where to stamp (--at, --keyword, --perforation, --auto) or give --invisible"));
		goto done;
	}
	if (nocc > 1 && nocc != nkw) {
		rc = cli_usage(_("give one --occurrence, or one per --keyword"));
		goto done;
	}
	if (nrange > 1 && nrange != nperf) {
		rc = cli_usage(_("give one --pages, or one per --perforation"));
		goto done;
	}
	if (nocc && !nkw) {
		rc = cli_usage(_("--occurrence goes with --keyword"));
		goto done;
	}
	if (nrange && !nperf) {
		rc = cli_usage(_("--pages goes with --perforation"));
		goto done;
	}
	pl = calloc((size_t)total + 1, sizeof *pl);
	if (!pl) {
		rc = EXIT_INTERNAL;
		goto done;
	}
	int n = 0;
	for (int i = 0; i < nat; i++, n++)
		if (parse_at(ats[i], &pl[n])) {
			rc = cli_usage(_("--at '%s': expected PAGE:X:Y, e.g. 1:150:240"), ats[i]);
			goto done;
		}
	for (int i = 0; i < nkw; i++, n++) {
		pl[n].kind = ESEAL_PLACE_KEYWORD;
		pl[n].keyword = kws[i];
		if (nocc && parse_occurrence(occs[nocc == 1 ? 0 : i], &pl[n].occurrence)) {
			rc = cli_usage(_("--occurrence: expected a number from 1 or 'all'"));
			goto done;
		}
	}
	for (int i = 0; i < nperf; i++, n++) {
		pl[n].kind = ESEAL_PLACE_PERFORATION;
		if (!strcmp(perfs[i], "left"))
			pl[n].side = ESEAL_SIDE_LEFT;
		else if (!strcmp(perfs[i], "right"))
			pl[n].side = ESEAL_SIDE_RIGHT;
		else {
			rc = cli_usage(_("--perforation: expected right or left"));
			goto done;
		}
		pl[n].pages = nrange ? ranges[nrange == 1 ? 0 : i] : NULL;
	}
	if (autop) {
		if ((rc = auto_places(in, &a, total, &pl, &n)))
			goto done;
		total = n;
	}
	const char *fmt = detect_format(in);
	if (!fmt) {
		cli_err(_("%s: cannot open the document"), in);
		rc = EXIT_INPUT;
		goto done;
	}
	int is_pdf = !strcmp(fmt, "pdf");
	eseal_pdf_sig_format pfmt = ESEAL_PDF_CMS_SM2;
	const char *fopt = cli_get(&a, opts, "format");
	if (fopt) {
		if (!is_pdf) {
			rc = cli_usage(_("--format applies to PDF documents only"));
			goto done;
		}
		if (!strcmp(fopt, "cms-sm2"))
			pfmt = ESEAL_PDF_CMS_SM2;
		else if (!strcmp(fopt, "ses"))
			pfmt = ESEAL_PDF_SES;
		else if (!strcmp(fopt, "pades"))
			pfmt = ESEAL_PDF_PADES;
		else {
			rc = cli_usage(_("--format: expected cms-sm2, ses or pades"));
			goto done;
		}
	}
	if (!is_pdf && (cli_has(&a, opts, "certify") || cli_get(&a, opts, "reason") ||
			cli_get(&a, opts, "location") || cli_get(&a, opts, "chain"))) {
		rc = cli_usage(_("--certify, --reason, --location and --chain apply to PDF documents only"));
		goto done;
	}
	if (is_pdf && cli_has(&a, opts, "lock")) {
		rc = cli_usage(_("--lock applies to OFD documents; for PDF use --certify"));
		goto done;
	}
	if (!is_pdf && strcmp(fmt, "ofd")) {
		cli_err(_("%s: neither an OFD nor a PDF document"), in);
		rc = EXIT_INPUT;
		goto done;
	}
	int krc;
	if (pkgf) {
		/* the package's key is always encrypted */
		if (pkg_load(pkgf, &seal, &key_pem, &cert)) {
			rc = cli_fail(pkgf);
			goto done;
		}
		if ((rc = cli_passphrase(cli_get(&a, opts, "pass-file"), _("Key passphrase: "), 0, &pass)))
			goto done;
		krc = eseal_key_from_pem(&key, key_pem.data, key_pem.len, pass, strlen(pass));
		keyf = pkgf;
	} else {
		if (eseal_file_read(&seal, sealf, 64u << 20)) {
			rc = cli_fail(sealf);
			goto done;
		}
		if (eseal_cert_load(&cert, certf)) {
			rc = cli_fail(certf);
			goto done;
		}
		krc = eseal_key_load(&key, keyf, NULL, 0);
		if (krc == ESEAL_EPASS) {
			if ((rc = cli_passphrase(cli_get(&a, opts, "pass-file"), _("Key passphrase: "), 0, &pass)))
				goto done;
			krc = eseal_key_load(&key, keyf, pass, strlen(pass));
		}
	}
	if (krc) {
		rc = cli_fail(keyf);
		goto done;
	}
	eseal_tsa_source tsrc = { .url = cli_get(&a, opts, "timestamp") };
	if (!tsrc.url)
		tsrc.url = cli_get(&a, opts, "tsa");
	else if (cli_get(&a, opts, "tsa")) {
		rc = cli_usage(_("give --timestamp or --tsa, not both"));
		goto done;
	}
	if (is_pdf) {
		const char *chainf = cli_get(&a, opts, "chain");
		if (chainf && eseal_cert_load_all(&chain, &nchain, chainf)) {
			rc = cli_fail(chainf);
			goto done;
		}
		eseal_pdf_sign_opts po = { 0 };
		po.format = pfmt;
		po.seal = seal.data;
		po.seal_len = seal.len;
		po.signer = cert;
		po.key = key;
		po.chain = chain;
		po.nchain = nchain;
		po.places = pl;
		po.nplaces = (size_t)total;
		po.certify = cli_has(&a, opts, "certify");
		po.reason = cli_get(&a, opts, "reason");
		po.location = cli_get(&a, opts, "location");
		if (tsrc.url) {
			po.timestamp = eseal_tsa_cms_callback;
			po.timestamp_ctx = &tsrc;
		}
		if (eseal_pdf_sign(in, out, &po, &pres)) {
			rc = cli_fail(in);
			goto done;
		}
		rc = print_pdf_result(in, out, &pres, cli_has(&a, opts, "json"));
		if (!rc)
			rc = journal_use(&a, out, &seal, NULL, pres.byte_range);
		goto done;
	}
	eseal_ofd_sign_opts so = { 0 };
	so.seal = seal.data;
	so.seal_len = seal.len;
	so.signer = cert;
	so.key = key;
	so.places = pl;
	so.nplaces = (size_t)total;
	so.lock = cli_has(&a, opts, "lock");
	if (tsrc.url) {
		so.timestamp = eseal_tsa_cms_callback;
		so.timestamp_ctx = &tsrc;
	}
	if (eseal_ofd_sign(in, out, &so, &res)) {
		rc = cli_fail(in);
		goto done;
	}
	rc = print_result(in, out, &res, cli_has(&a, opts, "json"));
	if (!rc)
		rc = journal_use(&a, out, &seal, res.sig_path, NULL);
done:
	eseal_ofd_sign_result_free(&res);
	eseal_pdf_sign_result_free(&pres);
	if (chain)
		eseal_cert_list_free(chain, nchain);
	free(pl);
	free(nargv);
	eseal_buf_free(&seal);
	if (key_pem.data)
		eseal_wipe(key_pem.data, key_pem.len);
	eseal_buf_free(&key_pem);
	eseal_cert_free(cert);
	eseal_key_free(key);
	if (pass)
		cli_pass_free(pass);
	return rc;
}
