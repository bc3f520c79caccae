/*
 * test_pdf_sign.c - PDF signing by incremental update: every fixture signs
 * (or is refused for a stated reason), outputs pass `qpdf --check`, earlier
 * revisions stay byte-identical prefixes, the ByteRange covers all but
 * /Contents, PAdES (ECDSA and RSA) verifies in poppler's pdfsig, the seal's
 * pixels appear only inside the widget, cross-page widgets on every page,
 * several seals in one pass and DocMDP certification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "eseal/eseal.h"
#include "eseal/pdf.h"
#include "eseal/pdfsign.h"
#include "harness.h"

/* One CA per key family for the whole file (CA creation is slow). */
static struct {
	int ready;
	char dir[256];
	eseal_cert *maker, *signer, *ec_signer, *rsa_signer;
	eseal_key *maker_key, *signer_key, *ec_key, *rsa_key;
	eseal_buf seal, ec_seal;
	char ec_ca_pem[300];
	eseal_ca *eca;
} E;

static int have(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static const char *tmp(const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", E.dir, name);
	return buf[k];
}

static int make_seal(eseal_cert *signer, eseal_cert *signer2, const char *esid, eseal_buf *out)
{
	eseal_buf png = ESEAL_BUF_INIT;
	eseal_picture_spec spec = { 0 };
	spec.org = "示例科技有限公司";
	int rc = eseal_picture_draw(&png, &spec, NULL, NULL);
	if (rc)
		return rc;
	eseal_seal_params p = { 0 };
	eseal_cert *signers[2] = { signer, signer2 };
	p.esid = esid;
	p.type = 2;
	p.name = "示例科技有限公司合同专用章";
	p.cert_list_type = 1;
	p.signers = signers;
	p.nsigners = signer2 ? 2 : 1;
	p.valid_start = time(NULL) - 3600;
	p.valid_end = time(NULL) + 86400 * 30;
	p.picture_type = "png";
	p.picture = png.data;
	p.picture_len = png.len;
	p.width_mm = 40;
	p.height_mm = 40;
	rc = eseal_seal_make(out, &p, E.maker, E.maker_key);
	eseal_buf_free(&png);
	return rc;
}

static void env(void)
{
	if (E.ready)
		return;
	snprintf(E.dir, sizeof E.dir, "%s", h_tmpdir());
	char cadir[300];
	eseal_ca *ca = NULL, *eca = NULL;
	snprintf(cadir, sizeof cadir, "%s/ca", E.dir);
	REQUIRE(eseal_ca_init(cadir, "eseal test CA", ESEAL_KEY_SM2, "pw", 2, 3650) == 0);
	REQUIRE(eseal_ca_open(&ca, cadir, "pw", 2) == 0);
	eseal_cert_request rq = { 0 };
	rq.role = ESEAL_ROLE_MAKER;
	rq.org = "测试印章制作中心";
	rq.name = "制章者";
	rq.days = 365;
	rq.not_before = time(NULL) - 7200;
	REQUIRE(eseal_key_generate(&E.maker_key, ESEAL_KEY_SM2) == 0);
	REQUIRE(eseal_ca_issue(ca, &rq, E.maker_key, &E.maker) == 0);
	rq.role = ESEAL_ROLE_SEAL;
	rq.org = "示例科技有限公司";
	rq.name = "示例科技有限公司合同专用章";
	REQUIRE(eseal_key_generate(&E.signer_key, ESEAL_KEY_SM2) == 0);
	REQUIRE(eseal_ca_issue(ca, &rq, E.signer_key, &E.signer) == 0);
	REQUIRE(make_seal(E.signer, NULL, "33010600000001", &E.seal) == 0);
	snprintf(cadir, sizeof cadir, "%s/ca-ecdsa", E.dir);
	REQUIRE(eseal_ca_init(cadir, "eseal test ECDSA CA", ESEAL_KEY_EC_P256, "pw", 2, 3650) == 0);
	REQUIRE(eseal_ca_open(&eca, cadir, "pw", 2) == 0);
	snprintf(E.ec_ca_pem, sizeof E.ec_ca_pem, "%s/ca.pem", cadir);
	rq.name = "Sample Signer ECDSA";
	REQUIRE(eseal_key_generate(&E.ec_key, ESEAL_KEY_EC_P256) == 0);
	REQUIRE(eseal_ca_issue(eca, &rq, E.ec_key, &E.ec_signer) == 0);
	rq.name = "Sample Signer RSA";
	if (eseal_key_generate(&E.rsa_key, ESEAL_KEY_RSA) == 0 &&
	    eseal_ca_issue(eca, &rq, E.rsa_key, &E.rsa_signer) != 0) {
		eseal_key_free(E.rsa_key);
		E.rsa_key = NULL;
	}
	REQUIRE(make_seal(E.ec_signer, E.rsa_signer, "33010600000002", &E.ec_seal) == 0);
	eseal_ca_free(ca);
	E.eca = eca; /* its issuing certificate goes into PAdES signatures */
	E.ready = 1;
}

static int sign_fmt(const char *in, const char *out, eseal_pdf_sig_format fmt, const eseal_placement *p,
		    size_t n, int certify, eseal_pdf_sign_result *res)
{
	eseal_pdf_sign_opts o = { 0 };
	o.format = fmt;
	o.seal = fmt == ESEAL_PDF_PADES ? E.ec_seal.data : E.seal.data;
	o.seal_len = fmt == ESEAL_PDF_PADES ? E.ec_seal.len : E.seal.len;
	o.signer = fmt == ESEAL_PDF_PADES ? E.ec_signer : E.signer;
	o.key = fmt == ESEAL_PDF_PADES ? E.ec_key : E.signer_key;
	o.places = p;
	o.nplaces = n;
	o.certify = certify;
	o.reason = "合同签署";
	o.location = "Hangzhou";
	return eseal_pdf_sign(in, out, &o, res);
}

static int run(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int qpdf_check(const char *path)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "qpdf --check '%s' >/dev/null 2>&1", path);
	return run(cmd);
}

/* The output starts with the input's bytes, and the ByteRange covers the
 * whole file except the /Contents hex string. */
static void check_structure(const char *in, const char *out, const eseal_pdf_sign_result *r)
{
	eseal_buf a = ESEAL_BUF_INIT, b = ESEAL_BUF_INIT;
	REQUIRE(eseal_file_read(&a, in, 64u << 20) == 0);
	REQUIRE(eseal_file_read(&b, out, 64u << 20) == 0);
	CHECK(b.len > a.len && !memcmp(a.data, b.data, a.len));
	CHECK(r->byte_range[0] == 0);
	CHECK(r->byte_range[2] + r->byte_range[3] == b.len);
	CHECK(r->byte_range[1] < r->byte_range[2]);
	CHECK(b.data[r->byte_range[1]] == '<' && b.data[r->byte_range[2] - 1] == '>');
	CHECK(r->byte_range[1] >= a.len);
	CHECK(r->sig_len > 0 && r->sig_len <= r->contents_capacity);
	eseal_pdf *pdf = NULL;
	CHECK_OK(eseal_pdf_open(&pdf, b.data, b.len));
	if (pdf) {
		eseal_pdf *old = NULL;
		CHECK_OK(eseal_pdf_open(&old, a.data, a.len));
		if (old)
			CHECK_EQ_INT(eseal_pdf_revision_count(pdf), eseal_pdf_revision_count(old) + 1);
		CHECK_EQ_INT(eseal_pdf_revision_end(pdf, eseal_pdf_revision_count(pdf) - 1), b.len);
		const eseal_pdf_val *af = eseal_pdf_resolve(pdf, eseal_pdf_val_get(eseal_pdf_catalog(pdf), "AcroForm"));
		const eseal_pdf_val *sf = eseal_pdf_resolve(pdf, eseal_pdf_val_get(af, "SigFlags"));
		CHECK(sf && eseal_pdf_val_int(sf) == 3);
		eseal_pdf_free(old);
		eseal_pdf_free(pdf);
	}
	eseal_buf_free(&a);
	eseal_buf_free(&b);
}

static void test_every_fixture(void)
{
	SKIP_IF_NO_SHARED();
	env();
	static const struct {
		const char *name;
		int refused; /* expected error, 0 = signs */
		const char *why;
	} fx[] = {
		{ "minimal.pdf", 0, NULL },
		{ "incremental-1.pdf", 0, NULL },
		{ "hybrid-xref.pdf", 0, NULL },
		{ "c-linearized.pdf", 0, NULL },
		{ "form-filled-by-acrobat.pdf", 0, NULL },
		{ "need-appearances-utf8.pdf", 0, NULL },
		{ "digitally-signed.pdf", 0, NULL },
		{ "V4-aes.pdf", 0, NULL },
		{ "rotated.pdf", 0, NULL },
		{ "boxes.pdf", 0, NULL },
		{ "issue12823.pdf", 0, NULL },
		{ "prefilled_f1040.pdf", 0, NULL },
		{ "minimal-signed-restricted.pdf", ESEAL_EDENIED, "permissions" },
		{ "enc-XI-R6_V5_O-master.pdf", ESEAL_EDENIED, "permissions" },
		{ "bad-xref-entry.pdf", ESEAL_EUNSUPPORTED, "damaged" },
	};
	eseal_placement at = { .kind = ESEAL_PLACE_AT, .page = 1, .x = 60, .y = 60 };
	for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "fixtures/pdf/%s", fx[i].name);
		const char *in = h_shared(rel);
		REQUIRE(in);
		char inp[512];
		snprintf(inp, sizeof inp, "%s", in);
		const char *out = tmp("fixture-out.pdf");
		remove(out);
		eseal_pdf_sign_result r;
		int rc = sign_fmt(inp, out, ESEAL_PDF_CMS_SM2, &at, 1, 0, &r);
		if (fx[i].refused) {
			if (rc != fx[i].refused || !strstr(eseal_error_last(), fx[i].why))
				fprintf(stderr, "  %s: rc %d: %s\n", fx[i].name, rc, eseal_error_last());
			CHECK_EQ_INT(rc, fx[i].refused);
			CHECK(strstr(eseal_error_last(), fx[i].why) != NULL);
			struct stat st;
			CHECK(stat(out, &st) != 0); /* no partial output */
			continue;
		}
		if (rc)
			fprintf(stderr, "  %s: %s\n", fx[i].name, eseal_error_last());
		CHECK_OK(rc);
		if (rc)
			continue;
		check_structure(inp, out, &r);
		if (have("qpdf")) {
			int q0 = qpdf_check(inp), q = qpdf_check(out);
			if (q != 0 && !(q == 3 && q0 == 3))
				fprintf(stderr, "  %s: qpdf --check %d (input %d)\n", fx[i].name, q, q0);
			CHECK(q == 0 || (q == 3 && q0 == 3));
		}
		eseal_pdf_sign_result_free(&r);
	}
}

/* pdfsig's report of file into buf. */
static void pdfsig(const char *nssdir, const char *file, eseal_buf *buf)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "pdfsig %s%s '%s' > '%s' 2>&1", nssdir ? "-nssdir sql:" : "",
		 nssdir ? nssdir : "", file, tmp("pdfsig.txt"));
	run(cmd);
	eseal_buf_clear(buf);
	eseal_file_read(buf, tmp("pdfsig.txt"), 1u << 20);
	eseal_buf_cstr(buf);
}

static void test_existing_signature_kept(void)
{
	SKIP_IF_NO_SHARED();
	if (!have("pdfsig"))
		SKIP("pdfsig not installed");
	env();
	eseal_placement at = { .kind = ESEAL_PLACE_AT, .page = 1, .x = 60, .y = 60 };
	eseal_pdf_sign_result r;
	char in[512];
	snprintf(in, sizeof in, "%s", h_shared("fixtures/pdf/digitally-signed.pdf"));
	CHECK_OK(sign_fmt(in, tmp("ds.pdf"), ESEAL_PDF_CMS_SM2, &at, 1, 0, &r));
	eseal_pdf_sign_result_free(&r);
	eseal_buf b = ESEAL_BUF_INIT;
	pdfsig(NULL, tmp("ds.pdf"), &b);
	const char *s1 = strstr((char *)b.data, "Signature #1"), *s2 = strstr((char *)b.data, "Signature #2");
	CHECK(s1 && s2);
	if (s1 && s2) {
		const char *v = strstr(s1, "Signature is Valid");
		CHECK(v && v < s2);
		CHECK(strstr(s2, "eseal-1") != NULL);
		CHECK(strstr(s2, "Total document signed") != NULL);
	}
	eseal_buf_free(&b);
}

static void pades_case(eseal_cert *signer, eseal_key *key, const char *name)
{
	char nss[400], cmd[1200];
	snprintf(nss, sizeof nss, "%s/nss", E.dir);
	mkdir(nss, 0700);
	snprintf(cmd, sizeof cmd,
		 "test -f '%s/cert9.db' || (certutil -N -d sql:'%s' --empty-password && "
		 "certutil -A -d sql:'%s' -n ca -t CT,C,C -i '%s') >/dev/null 2>&1",
		 nss, nss, nss, E.ec_ca_pem);
	REQUIRE(run(cmd) == 0);
	eseal_pdf_sign_opts o = { 0 };
	eseal_placement at = { .kind = ESEAL_PLACE_AT, .page = 1, .x = 60, .y = 60 };
	o.format = ESEAL_PDF_PADES;
	o.seal = E.ec_seal.data;
	o.seal_len = E.ec_seal.len;
	o.signer = signer;
	o.key = key;
	o.places = &at;
	o.nplaces = 1;
	eseal_cert *chain[1] = { (eseal_cert *)eseal_ca_issuing(E.eca) };
	o.chain = chain;
	o.nchain = 1;
	char in[512];
	snprintf(in, sizeof in, "%s", h_shared("fixtures/pdf/minimal.pdf"));
	const char *out = tmp(name);
	int rc = eseal_pdf_sign(in, out, &o, NULL);
	if (rc)
		fprintf(stderr, "  pades: %s\n", eseal_error_last());
	REQUIRE(rc == 0);
	if (have("qpdf"))
		CHECK_EQ_INT(qpdf_check(out), 0);
	eseal_buf b = ESEAL_BUF_INIT;
	pdfsig(nss, out, &b);
	if (!strstr((char *)b.data, "Signature is Valid"))
		fprintf(stderr, "%s", (char *)b.data);
	CHECK(strstr((char *)b.data, "Signature is Valid") != NULL);
	CHECK(strstr((char *)b.data, "Total document signed") != NULL);
	CHECK(strstr((char *)b.data, "ETSI.CAdES.detached") != NULL);
	CHECK(strstr((char *)b.data, "Certificate is Trusted") != NULL);
	eseal_buf_free(&b);
}

static void test_pades_ecdsa(void)
{
	SKIP_IF_NO_SHARED();
	if (!have("pdfsig") || !have("certutil"))
		SKIP("pdfsig or certutil (libnss3-tools) not installed");
	env();
	pades_case(E.ec_signer, E.ec_key, "pades-ec.pdf");
}

static void test_pades_rsa(void)
{
	SKIP_IF_NO_SHARED();
	if (!have("pdfsig") || !have("certutil"))
		SKIP("pdfsig or certutil (libnss3-tools) not installed");
	env();
	if (!E.rsa_key)
		SKIP("the CA cannot issue for RSA keys");
	pades_case(E.rsa_signer, E.rsa_key, "pades-rsa.pdf");
}

/* pdftoppm output as RGB. */
static int read_ppm(const char *path, int *w, int *h, eseal_buf *px)
{
	eseal_buf f = ESEAL_BUF_INIT;
	if (eseal_file_read(&f, path, 64u << 20))
		return -1;
	int maxv, n = 0;
	if (sscanf((char *)f.data, "P6 %d %d %d%n", w, h, &maxv, &n) != 3 || maxv != 255) {
		eseal_buf_free(&f);
		return -1;
	}
	size_t need = (size_t)*w * (size_t)*h * 3;
	if ((size_t)n + 1 + need > f.len) {
		eseal_buf_free(&f);
		return -1;
	}
	eseal_buf_clear(px);
	eseal_buf_put(px, f.data + n + 1, need);
	eseal_buf_free(&f);
	return 0;
}

static void test_pixels_only_in_widget(void)
{
	SKIP_IF_NO_SHARED();
	if (!have("pdftoppm"))
		SKIP("pdftoppm not installed");
	env();
	/* a rotated page: the rect must follow /Rotate */
	char in[512];
	snprintf(in, sizeof in, "%s", h_shared("fixtures/pdf/rotated.pdf"));
	for (int page = 1; page <= 4; page++) {
		eseal_placement at = { .kind = ESEAL_PLACE_AT, .page = page, .x = 70, .y = 90 };
		eseal_pdf_sign_result r;
		CHECK_OK(sign_fmt(in, tmp("px.pdf"), ESEAL_PDF_CMS_SM2, &at, 1, 0, &r));
		REQUIRE(r.nplaced == 1);
		char cmd[1500];
		snprintf(cmd, sizeof cmd, "pdftoppm -r 50 -f %d -l %d '%s' > '%s' && pdftoppm -r 50 -f %d -l %d '%s' > '%s'",
			 page, page, in, tmp("a.ppm"), page, page, tmp("px.pdf"), tmp("b.ppm"));
		REQUIRE(run(cmd) == 0);
		int w1, h1, w2, h2;
		eseal_buf a = ESEAL_BUF_INIT, b = ESEAL_BUF_INIT;
		REQUIRE(read_ppm(tmp("a.ppm"), &w1, &h1, &a) == 0);
		REQUIRE(read_ppm(tmp("b.ppm"), &w2, &h2, &b) == 0);
		REQUIRE(w1 == w2 && h1 == h2);
		/* the widget's visible box in pixels (50 dpi), one pixel of slack */
		double s = 50 / 25.4;
		double x0 = r.placed[0].box.x * s - 1, y0 = r.placed[0].box.y * s - 1;
		double x1 = (r.placed[0].box.x + r.placed[0].box.w) * s + 1;
		double y1 = (r.placed[0].box.y + r.placed[0].box.h) * s + 1;
		size_t diff = 0, outside = 0, reddish = 0;
		for (int y = 0; y < h1; y++)
			for (int x = 0; x < w1; x++) {
				const uint8_t *p = a.data + ((size_t)y * (size_t)w1 + (size_t)x) * 3;
				const uint8_t *q = b.data + ((size_t)y * (size_t)w1 + (size_t)x) * 3;
				if (!memcmp(p, q, 3))
					continue;
				diff++;
				if (x < x0 || x > x1 || y < y0 || y > y1)
					outside++;
				if (q[0] > q[1] + 40 && q[0] > q[2] + 40)
					reddish++;
			}
		CHECK(diff > 100);
		CHECK_EQ_INT(outside, 0);
		CHECK(reddish * 2 > diff);
		eseal_buf_free(&a);
		eseal_buf_free(&b);
		eseal_pdf_sign_result_free(&r);
	}
}

static size_t annots_on(eseal_pdf *pdf, size_t page)
{
	eseal_pdf_page_info pg;
	if (eseal_pdf_page(pdf, page, &pg))
		return 0;
	const eseal_pdf_val *a = eseal_pdf_resolve(pdf, eseal_pdf_val_get(pg.dict, "Annots"));
	return a ? eseal_pdf_val_len(a) : 0;
}

static void test_perforation_and_several(void)
{
	SKIP_IF_NO_SHARED();
	env();
	char in[512];
	snprintf(in, sizeof in, "%s", h_shared("fixtures/pdf/boxes.pdf"));
	eseal_placement p[3] = {
		{ .kind = ESEAL_PLACE_PERFORATION, .side = ESEAL_SIDE_RIGHT },
		{ .kind = ESEAL_PLACE_AT, .page = 2, .x = 50, .y = 50 },
		{ .kind = ESEAL_PLACE_AT, .page = 3, .x = 80, .y = 120 },
	};
	eseal_pdf_sign_result r;
	CHECK_OK(sign_fmt(in, tmp("perf.pdf"), ESEAL_PDF_SES, p, 3, 0, &r));
	eseal_pdf *a = NULL, *b = NULL;
	REQUIRE(eseal_pdf_load(&a, in) == 0);
	REQUIRE(eseal_pdf_load(&b, tmp("perf.pdf")) == 0);
	size_t np = 0;
	CHECK_OK(eseal_pdf_page_count(a, &np));
	CHECK_EQ_INT(r.nplaced, np + 2);
	for (size_t i = 0; i < np; i++)
		CHECK_EQ_INT(annots_on(b, i), annots_on(a, i) + 1 + (i == 1 || i == 2));
	/* the slices tile the seal's width on the right edge */
	double sum = 0;
	for (size_t i = 0; i < np; i++) {
		eseal_pdf_page_info pg;
		CHECK_OK(eseal_pdf_page(b, i, &pg));
		CHECK(fabs(r.placed[i].box.x + r.placed[i].box.w - pg.width_mm) < 0.01);
		sum += r.placed[i].box.w;
	}
	CHECK(fabs(sum - 40) < 0.01);
	/* one field with a widget per stamp */
	const eseal_pdf_val *af = eseal_pdf_resolve(b, eseal_pdf_val_get(eseal_pdf_catalog(b), "AcroForm"));
	const eseal_pdf_val *fields = eseal_pdf_resolve(b, eseal_pdf_val_get(af, "Fields"));
	REQUIRE(fields && eseal_pdf_val_len(fields) >= 1);
	const eseal_pdf_val *f = eseal_pdf_resolve(b, eseal_pdf_val_at(fields, eseal_pdf_val_len(fields) - 1));
	const eseal_pdf_val *kids = eseal_pdf_resolve(b, eseal_pdf_val_get(f, "Kids"));
	CHECK(kids && eseal_pdf_val_len(kids) == np + 2);
	const eseal_pdf_val *v = eseal_pdf_resolve(b, eseal_pdf_val_get(f, "V"));
	CHECK_EQ_STR(eseal_pdf_val_name(eseal_pdf_resolve(b, eseal_pdf_val_get(v, "SubFilter"))), "ESEAL.SES.V4");
	size_t sl = 0;
	const uint8_t *sd = eseal_pdf_val_string(eseal_pdf_resolve(b, eseal_pdf_val_get(v, "ESealSeal")), &sl);
	CHECK(sd && sl == E.seal.len && !memcmp(sd, E.seal.data, sl));
	eseal_pdf_free(a);
	eseal_pdf_free(b);
	if (have("qpdf"))
		CHECK_EQ_INT(qpdf_check(tmp("perf.pdf")), 0);
	eseal_pdf_sign_result_free(&r);
}

static void test_certify(void)
{
	SKIP_IF_NO_SHARED();
	env();
	char in[512];
	snprintf(in, sizeof in, "%s", h_shared("fixtures/pdf/hybrid-xref.pdf"));
	eseal_placement at = { .kind = ESEAL_PLACE_AT, .page = 1, .x = 60, .y = 60 };
	eseal_pdf_sign_result r;
	CHECK_OK(sign_fmt(in, tmp("cert.pdf"), ESEAL_PDF_CMS_SM2, &at, 1, 1, &r));
	eseal_pdf_sign_result_free(&r);
	eseal_pdf *b = NULL;
	REQUIRE(eseal_pdf_load(&b, tmp("cert.pdf")) == 0);
	const eseal_pdf_val *perms = eseal_pdf_resolve(b, eseal_pdf_val_get(eseal_pdf_catalog(b), "Perms"));
	const eseal_pdf_val *sig = eseal_pdf_resolve(b, eseal_pdf_val_get(perms, "DocMDP"));
	const eseal_pdf_val *ref = eseal_pdf_resolve(b, eseal_pdf_val_get(sig, "Reference"));
	REQUIRE(ref && eseal_pdf_val_len(ref) == 1);
	const eseal_pdf_val *tp = eseal_pdf_resolve(b, eseal_pdf_val_get(eseal_pdf_val_at(ref, 0), "TransformParams"));
	CHECK_EQ_INT(eseal_pdf_val_int(eseal_pdf_resolve(b, eseal_pdf_val_get(tp, "P"))), 2);
	eseal_pdf_free(b);
	/* an approval signature is still allowed, a second certification is not */
	CHECK_OK(sign_fmt(tmp("cert.pdf"), tmp("cert2.pdf"), ESEAL_PDF_CMS_SM2, &at, 1, 0, &r));
	eseal_pdf_sign_result_free(&r);
	CHECK_EQ_INT(sign_fmt(tmp("cert.pdf"), tmp("cert3.pdf"), ESEAL_PDF_CMS_SM2, &at, 1, 1, &r), ESEAL_EDENIED);
	if (have("qpdf"))
		CHECK_EQ_INT(qpdf_check(tmp("cert2.pdf")), 0);
}

static void test_bad_input(void)
{
	SKIP_IF_NO_SHARED();
	env();
	char in[512];
	snprintf(in, sizeof in, "%s", h_shared("fixtures/pdf/minimal.pdf"));
	eseal_placement at = { .kind = ESEAL_PLACE_AT, .page = 9, .x = 60, .y = 60 };
	eseal_pdf_sign_result r;
	CHECK_EQ_INT(sign_fmt(in, tmp("bad.pdf"), ESEAL_PDF_CMS_SM2, &at, 1, 0, &r), ESEAL_ENOTFOUND);
	eseal_placement kw = { .kind = ESEAL_PLACE_KEYWORD, .keyword = "no such words" };
	CHECK_EQ_INT(sign_fmt(in, tmp("bad.pdf"), ESEAL_PDF_CMS_SM2, &kw, 1, 0, &r), ESEAL_ENOTFOUND);
	/* PAdES refuses an SM2 key */
	eseal_pdf_sign_opts o = { 0 };
	o.format = ESEAL_PDF_PADES;
	o.seal = E.seal.data;
	o.seal_len = E.seal.len;
	o.signer = E.signer;
	o.key = E.signer_key;
	CHECK_EQ_INT(eseal_pdf_sign(in, tmp("bad.pdf"), &o, NULL), ESEAL_EINVAL);
	struct stat st;
	CHECK(stat(tmp("bad.pdf"), &st) != 0);
}

static void test_keyword(void)
{
	SKIP_IF_NO_SHARED();
	env();
	char in[512];
	snprintf(in, sizeof in, "%s", h_shared("fixtures/pdf/issue12823.pdf"));
	eseal_placement kw = { .kind = ESEAL_PLACE_KEYWORD, .keyword = "共同目标", .occurrence = 1 };
	eseal_pdf_sign_result r;
	int rc = sign_fmt(in, tmp("kw.pdf"), ESEAL_PDF_CMS_SM2, &kw, 1, 0, &r);
	if (rc)
		fprintf(stderr, "  keyword: %s\n", eseal_error_last());
	CHECK_OK(rc);
	if (!rc) {
		CHECK_EQ_INT(r.nplaced, 1);
		CHECK_EQ_INT(r.placed[0].page, 1);
		eseal_pdf_sign_result_free(&r);
	}
}

TESTS(T(test_every_fixture), T(test_existing_signature_kept), T(test_pades_ecdsa), T(test_pades_rsa),
      T(test_pixels_only_in_widget), T(test_perforation_and_several), T(test_certify), T(test_bad_input),
      T(test_keyword))
