/*
 * test_pdf_verify.c - PDF signature verification: third-party signed
 * fixtures, and attack files this test builds itself byte by byte from a
 * PDF it signs (incremental saving, signature wrapping, universal signature
 * forgery, shadow and evil-annotation attacks). Every attack must fail.
 * With PDFV_KEEP=DIR the generated files and the CA certificate are also
 * written there (the CLI test uses them).
 */
#include <stdarg.h>
#include <time.h>

#include "eseal/cms.h"
#include "eseal/pdf.h"
#include "eseal/crypto.h"
#include "eseal/pdfsign.h"
#include "eseal/pdfverify.h"
#include "eseal/ses.h"
#include "eseal/pki.h"
#include "harness.h"

static struct {
	int ready;
	char dir[256];
	eseal_ca *ca;
	eseal_key *key;
	eseal_cert *cert;
	eseal_trust *trust;
} E;

static void env(void)
{
	if (E.ready)
		return;
	snprintf(E.dir, sizeof E.dir, "%s", h_tmpdir());
	char cadir[300];
	snprintf(cadir, sizeof cadir, "%s/ca", E.dir);
	CHECK_OK(eseal_ca_init(cadir, "pdf verify test CA", ESEAL_KEY_EC_P256, "pw", 2, 3650));
	CHECK_OK(eseal_ca_open(&E.ca, cadir, "pw", 2));
	eseal_cert_request rq = { 0 };
	rq.role = ESEAL_ROLE_SEAL;
	rq.org = "Example Ltd";
	rq.name = "Example contract seal";
	rq.days = 365;
	rq.not_before = time(NULL) - 7200;
	CHECK_OK(eseal_key_generate(&E.key, ESEAL_KEY_EC_P256));
	CHECK_OK(eseal_ca_issue(E.ca, &rq, E.key, &E.cert));
	CHECK_OK(eseal_trust_new(&E.trust));
	CHECK_OK(eseal_trust_add_cert(E.trust, eseal_ca_root(E.ca)));
	CHECK_OK(eseal_trust_add_cert(E.trust, eseal_ca_issuing(E.ca)));
	const char *keep = getenv("PDFV_KEEP");
	if (keep) {
		char p[512];
		snprintf(p, sizeof p, "%s/ca.pem", keep);
		CHECK_OK(eseal_cert_save_pem(eseal_ca_root(E.ca), p));
		snprintf(p, sizeof p, "%s/issuing.pem", keep);
		CHECK_OK(eseal_cert_save_pem(eseal_ca_issuing(E.ca), p));
	}
	E.ready = 1;
}

/* ---- a tiny PDF writer: revisions with classic xref tables ---- */
typedef struct W {
	eseal_buf b;
	uint64_t prev;          /* offset of the last xref section */
	uint32_t nums[64];
	uint64_t offs[64];
	int n;
	int revs;
} W;

static void w_puts(W *w, const char *s) { eseal_buf_puts(&w->b, s); }

static void w_obj(W *w, uint32_t num, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void w_obj(W *w, uint32_t num, const char *fmt, ...)
{
	char body[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	w->nums[w->n] = num;
	w->offs[w->n++] = w->b.len;
	eseal_buf_printf(&w->b, "%u 0 obj\n%s\nendobj\n", num, body);
}

static void w_stream(W *w, uint32_t num, const char *data)
{
	w->nums[w->n] = num;
	w->offs[w->n++] = w->b.len;
	eseal_buf_printf(&w->b, "%u 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", num,
			 strlen(data), data);
}

static void w_end(W *w, uint32_t size, const char *extra)
{
	uint64_t xref = w->b.len;
	w_puts(w, "xref\n");
	if (!w->revs)
		w_puts(w, "0 1\n0000000000 65535 f \n");
	for (int i = 0; i < w->n; i++)
		eseal_buf_printf(&w->b, "%u 1\n%010llu 00000 n \n", w->nums[i], (unsigned long long)w->offs[i]);
	eseal_buf_printf(&w->b, "trailer\n<< /Size %u /Root 1 0 R", size);
	if (w->revs)
		eseal_buf_printf(&w->b, " /Prev %llu", (unsigned long long)w->prev);
	eseal_buf_printf(&w->b, "%s >>\nstartxref\n%llu\n%%%%EOF\n", extra ? extra : "", (unsigned long long)xref);
	w->prev = xref;
	w->n = 0;
	w->revs++;
}

static void w_base(W *w)
{
	memset(w, 0, sizeof *w);
	w_puts(w, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	w_obj(w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	w_obj(w, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	w_obj(w, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
		    "/Resources << /Font << /F1 5 0 R >> >> >>");
	w_stream(w, 4, "BT /F1 24 Tf 72 700 Td (Pay 100 EUR to Alice) Tj ET");
	w_obj(w, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
	w_end(w, 6, NULL);
}

#define PLACEHOLDER 6000   /* hex digits */

/*
 * Appends a signature revision: sig dict sig_num, widget sig_num + 1 on
 * page 3, catalog with /AcroForm (and /Perms /DocMDP when mdp_p), then
 * patches /ByteRange and signs with CAdES P-256. fields lists existing
 * field references ("" for none), annots the page's existing annotations.
 */
static void w_sign(W *w, uint32_t sig_num, const char *fields, const char *annots, int mdp_p)
{
	char ref[256] = "";
	if (mdp_p)
		snprintf(ref, sizeof ref, "/Reference [<< /Type /SigRef /TransformMethod /DocMDP "
			 "/TransformParams << /Type /TransformParams /P %d /V /1.2 >> >>] ", mdp_p);
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "D:%Y%m%d%H%M%SZ", &tm);
	char *zeros = malloc(PLACEHOLDER + 1);
	memset(zeros, '0', PLACEHOLDER);
	zeros[PLACEHOLDER] = 0;
	w->nums[w->n] = sig_num;
	w->offs[w->n++] = w->b.len;
	eseal_buf_printf(&w->b, "%u 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
			 "%s/M (%s) /ByteRange [0 0000000000 0000000000 0000000000] "
			 "/Contents <%s> >>\nendobj\n", sig_num, ref, now, zeros);
	free(zeros);
	w_obj(w, sig_num + 1, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature%u) /V %u 0 R "
		  "/Rect [100 100 200 150] /P 3 0 R /F 132 >>", sig_num, sig_num);
	char perms[64] = "";
	if (mdp_p)
		snprintf(perms, sizeof perms, " /Perms << /DocMDP %u 0 R >>", sig_num);
	w_obj(w, 1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [%s%u 0 R] /SigFlags 3 >>%s >>",
	      fields, sig_num + 1, perms);
	w_obj(w, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
		    "/Resources << /Font << /F1 5 0 R >> >> /Annots [%s%u 0 R] >>", annots, sig_num + 1);
	w_end(w, sig_num + 2, NULL);

	/* patch the ByteRange, hash, sign, patch the Contents */
	char *d = (char *)w->b.data;
	char *br = NULL, *p = d;
	for (;;) {
		char *q = memmem(p, w->b.len - (size_t)(p - d), "/ByteRange [0 0000000000", 24);
		if (!q)
			break;
		br = q;
		p = q + 1;
	}
	REQUIRE(br);
	char *lt = strchr(br, '<');
	long long a = lt - d, b = a + PLACEHOLDER + 2, c = (long long)w->b.len - b;
	char tmp[64];
	snprintf(tmp, sizeof tmp, "[0 %010lld %010lld %010lld]", a, b, c);
	memcpy(br + 11, tmp, strlen(tmp));
	eseal_buf data = ESEAL_BUF_INIT;
	eseal_buf_put(&data, d, (size_t)a);
	eseal_buf_put(&data, d + b, (size_t)c);
	uint8_t dg[32];
	eseal_sha256(dg, data.data, data.len);
	eseal_buf_free(&data);
	eseal_cms_sign_opts o = { .profile = ESEAL_CMS_CADES, .signer = E.cert, .key = E.key };
	eseal_buf sig = ESEAL_BUF_INIT;
	CHECK_OK(eseal_cms_sign_detached(&sig, &o, dg, sizeof dg));
	REQUIRE(sig.len * 2 <= PLACEHOLDER);
	for (size_t i = 0; i < sig.len; i++) {
		char hx[3];
		snprintf(hx, sizeof hx, "%02X", sig.data[i]);
		memcpy(d + a + 1 + 2 * i, hx, 2);
	}
	eseal_buf_free(&sig);
}

static void add_freetext(W *w);

static W signed_doc(int mdp_p)
{
	W w;
	w_base(&w);
	w_sign(&w, 6, "", "", mdp_p);
	return w;
}

static const char *save(const W *w, const char *name)
{
	static char path[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/%s.pdf", E.dir, name);
	CHECK_OK(eseal_file_write_atomic(path[k], w->b.data, w->b.len, 0644));
	const char *keep = getenv("PDFV_KEEP");
	if (keep) {
		char p[512];
		snprintf(p, sizeof p, "%s/%s.pdf", keep, name);
		CHECK_OK(eseal_file_write_atomic(p, w->b.data, w->b.len, 0644));
	}
	return path[k];
}

static eseal_report *verify(const W *w, const char *name, int trusted)
{
	eseal_report *r = NULL;
	CHECK_OK(eseal_pdf_verify(save(w, name), trusted ? E.trust : NULL, &r));
	if (getenv("PDFV_DEBUG")) {
		eseal_buf t = ESEAL_BUF_INIT;
		eseal_report_text(r, 0, &t);
		eseal_buf_cstr(&t);
		fprintf(stderr, "%s\n", (char *)t.data);
		eseal_buf_free(&t);
	}
	return r;
}

/* The one signature item of interest is TOTAL-FAILED because of check. */
static void expect_fail(eseal_report *r, size_t item, const char *check)
{
	REQUIRE(eseal_report_count(r) > item);
	eseal_report_item *it = eseal_report_get(r, item);
	if (eseal_item_check_status(it, check) != ESEAL_CHECK_FAILED) {
		eseal_buf t = ESEAL_BUF_INIT;
		eseal_report_text(r, 0, &t);
		eseal_buf_cstr(&t);
		fprintf(stderr, "%s\n", (char *)t.data);
		eseal_buf_free(&t);
	}
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
	CHECK_EQ_INT(eseal_item_check_status(it, check), ESEAL_CHECK_FAILED);
	eseal_report_free(r);
}

/* ---- good signatures ---- */

static void test_own_signature_passes(void)
{
	env();
	W w = signed_doc(0);
	eseal_report *r = verify(&w, "good", 1);
	REQUIRE(eseal_report_count(r) == 1);
	eseal_report_item *it = eseal_report_get(r, 0);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "byte_range"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "contents_format"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "cms_signature"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "data_hash"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "revision_diff"), ESEAL_CHECK_PASSED);
	CHECK_EQ_STR(eseal_item_fact_get(it, "signed_revision"), "2 of 2");
	CHECK_EQ_STR(eseal_item_fact_get(it, "covers_whole_file"), "yes");
	CHECK_EQ_STR(eseal_item_fact_get(it, "page"), "1");
	eseal_report_free(r);
	/* without a trust anchor: never a pass */
	r = verify(&w, "good", 0);
	it = eseal_report_get(r, 0);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_INDETERMINATE);
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_NO_TRUST_ANCHOR);
	eseal_report_free(r);
	eseal_buf_free(&w.b);
}

static void test_second_signature_allowed(void)
{
	env();
	W w = signed_doc(0);
	w_sign(&w, 8, "7 0 R ", "7 0 R ", 0);
	eseal_report *r = verify(&w, "two", 1);
	REQUIRE(eseal_report_count(r) == 2);
	eseal_report_item *first = eseal_report_get(r, 0), *second = eseal_report_get(r, 1);
	CHECK_EQ_INT(eseal_item_indication(first), ESEAL_TOTAL_PASSED);
	CHECK_EQ_INT(eseal_item_indication(second), ESEAL_TOTAL_PASSED);
	CHECK_EQ_STR(eseal_item_fact_get(first, "signed_revision"), "2 of 3");
	CHECK_EQ_STR(eseal_item_fact_get(first, "covers_whole_file"), "no");
	CHECK_EQ_STR(eseal_item_fact_get(second, "covers_whole_file"), "yes");
	eseal_report_free(r);
	eseal_buf_free(&w.b);
}

static void test_allowed_updates(void)
{
	env();
	/* a /DSS added later (PAdES LTV) changes nothing that was signed */
	W w = signed_doc(0);
	w_obj(&w, 8, "<< /Certs [] /OCSPs [] /CRLs [] >>");
	w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [7 0 R] /SigFlags 3 >> /DSS 8 0 R >>");
	w_end(&w, 9, NULL);
	eseal_report *r = verify(&w, "dss", 1);
	CHECK_EQ_INT(eseal_item_indication(eseal_report_get(r, 0)), ESEAL_TOTAL_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(eseal_report_get(r, 0), "revision_diff"), ESEAL_CHECK_PASSED);
	eseal_report_free(r);
	eseal_buf_free(&w.b);
	/* an annotation on a document that is not certified: allowed, but
	 * flagged because it can cover signed content */
	w = signed_doc(0);
	add_freetext(&w);
	r = verify(&w, "annot", 1);
	CHECK_EQ_INT(eseal_item_indication(eseal_report_get(r, 0)), ESEAL_TOTAL_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(eseal_report_get(r, 0), "revision_diff"), ESEAL_CHECK_WARNING);
	eseal_report_free(r);
	eseal_buf_free(&w.b);
}

/* ---- incremental saving attacks ---- */

static void test_isa_content_changed(void)
{
	env();
	W w = signed_doc(0);
	w_stream(&w, 4, "BT /F1 24 Tf 72 700 Td (Pay 999 EUR to Mallory) Tj ET");
	w_end(&w, 8, NULL);
	expect_fail(verify(&w, "isa-content", 1), 0, "revision_diff");
	eseal_buf_free(&w.b);
}

static void test_isa_page_added(void)
{
	env();
	W w = signed_doc(0);
	w_obj(&w, 2, "<< /Type /Pages /Kids [3 0 R 8 0 R] /Count 2 >>");
	w_obj(&w, 8, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 9 0 R >>");
	w_stream(&w, 9, "BT /F1 24 Tf 72 700 Td (Annex: all rights to Mallory) Tj ET");
	w_end(&w, 10, NULL);
	expect_fail(verify(&w, "isa-page", 1), 0, "revision_diff");
	eseal_buf_free(&w.b);
}

static void test_isa_object_replaced(void)
{
	env();
	W w = signed_doc(0);
	w_obj(&w, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>");
	w_end(&w, 8, NULL);
	expect_fail(verify(&w, "isa-object", 1), 0, "revision_diff");
	eseal_buf_free(&w.b);
}

static void test_isa_open_action(void)
{
	env();
	W w = signed_doc(0);
	w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [7 0 R] /SigFlags 3 >> "
		  "/OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>");
	w_end(&w, 8, NULL);
	expect_fail(verify(&w, "isa-openaction", 1), 0, "revision_diff");
	eseal_buf_free(&w.b);
}

/* ---- signature wrapping ---- */

static void test_swa_gap_holds_more(void)
{
	env();
	W w = signed_doc(0);
	/* keep every signed byte; inside the gap, end the hex string early and
	 * hide an object after it */
	char *d = (char *)w.b.data;
	char *lt = NULL;
	for (char *p = d; (p = memmem(p, w.b.len - (size_t)(p - d), "/Contents <", 11)); p++)
		lt = p + 10;
	REQUIRE(lt);
	const char *inj = "3082> /Injected (";
	memcpy(lt + 1, inj, strlen(inj));
	memset(lt + 1 + strlen(inj), ' ', PLACEHOLDER - strlen(inj));
	lt[PLACEHOLDER + 1] = ')';
	expect_fail(verify(&w, "swa-gap", 1), 0, "byte_range");
	eseal_buf_free(&w.b);
}

static void test_swa_moved_contents(void)
{
	env();
	W w = signed_doc(0);
	/* a later revision redefines the signature dictionary so that its
	 * /Contents is somewhere else; the original range still hashes fine */
	w_obj(&w, 6, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
		  "/ByteRange [0 10 20 30] /Contents <3000> >>");
	w_end(&w, 8, NULL);
	eseal_report *r = verify(&w, "swa-moved", 1);
	REQUIRE(eseal_report_count(r) == 1);
	CHECK_EQ_INT(eseal_item_indication(eseal_report_get(r, 0)), ESEAL_TOTAL_FAILED);
	eseal_report_free(r);
	eseal_buf_free(&w.b);

	/* the same, keeping the signed ByteRange: the original signature still
	 * verifies, and its dictionary being redefined afterwards is caught */
	w = signed_doc(0);
	char *br = strstr((char *)w.b.data, "/ByteRange [");
	REQUIRE(br);
	char range[64];
	size_t n = (size_t)(strchr(br, ']') - br) + 1;
	REQUIRE(n < sizeof range);
	memcpy(range, br, n);
	range[n] = 0;
	w_obj(&w, 6, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
		  "%s /Contents <30030201FF> >>", range);
	w_end(&w, 8, NULL);
	r = verify(&w, "swa-moved2", 1);
	REQUIRE(eseal_report_count(r) == 1);
	eseal_report_item *it = eseal_report_get(r, 0);
	CHECK_EQ_INT(eseal_item_check_status(it, "byte_range"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "cms_signature"), ESEAL_CHECK_PASSED);
	CHECK_EQ_STR(eseal_item_fact_get(it, "signed_revision"), "2 of 3");
	expect_fail(r, 0, "revision_diff");
	eseal_buf_free(&w.b);
}

/* ---- universal signature forgery ---- */

static char *find_last(W *w, const char *needle)
{
	char *d = (char *)w->b.data, *last = NULL;
	size_t n = strlen(needle);
	for (char *p = d; (p = memmem(p, w->b.len - (size_t)(p - d), needle, n)); p++)
		last = p;
	return last;
}

static void set_range(W *w, const char *range)
{
	char *br = find_last(w, "/ByteRange [");
	REQUIRE(br);
	char *end = strchr(br, ']');
	size_t room = (size_t)(end - br) - 11 + 1;
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%-*s", (int)room, range);
	memcpy(br + 11, tmp, room);
}

static void test_usf_variants(void)
{
	env();
	W w;
	/* no /Contents at all */
	w = signed_doc(0);
	memcpy(find_last(&w, "/Contents <"), "/Contentz", 9);
	expect_fail(verify(&w, "usf-nocontents", 1), 0, "byte_range");
	eseal_buf_free(&w.b);
	/* empty /Contents, range around it */
	w = signed_doc(0);
	char *lt = find_last(&w, "/Contents <") + 10;
	memcpy(lt, "<>", 2);
	memset(lt + 2, ' ', PLACEHOLDER);
	char r[64];
	long long a = lt - (char *)w.b.data;
	snprintf(r, sizeof r, "[0 %lld %lld %lld]", a, a + 2, (long long)w.b.len - a - 2);
	set_range(&w, r);
	expect_fail(verify(&w, "usf-empty", 1), 0, "contents_format");
	eseal_buf_free(&w.b);
	/* all zeros */
	w = signed_doc(0);
	lt = find_last(&w, "/Contents <") + 10;
	memset(lt + 1, '0', PLACEHOLDER);
	expect_fail(verify(&w, "usf-zeros", 1), 0, "contents_format");
	eseal_buf_free(&w.b);
	/* broken ranges */
	const char *ranges[] = { "[0 0 0 0]", "[0 -1 10 20]", "[0 100 50 10]", "[0 10 20 99999999]", "[1 10 20 30]",
				 "[0 10 20]", "[0 10 20 30 40]" };
	for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++) {
		w = signed_doc(0);
		set_range(&w, ranges[i]);
		expect_fail(verify(&w, "usf-range", 1), 0, "byte_range");
		eseal_buf_free(&w.b);
	}
	/* the range stops short of the end of its revision */
	w = signed_doc(0);
	lt = find_last(&w, "/Contents <") + 10;
	a = lt - (char *)w.b.data;
	snprintf(r, sizeof r, "[0 %lld %lld %lld]", a, a + PLACEHOLDER + 2,
		 (long long)w.b.len - a - PLACEHOLDER - 2 - 10);
	set_range(&w, r);
	expect_fail(verify(&w, "usf-short", 1), 0, "byte_range");
	eseal_buf_free(&w.b);
}

/* ---- shadow attacks ---- */

static void test_shadow_hide_oc(void)
{
	env();
	W w = signed_doc(0);
	/* hide the text by switching an optional content group off later */
	w_obj(&w, 8, "<< /Type /OCG /Name (text) >>");
	w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [7 0 R] /SigFlags 3 >> "
		  "/OCProperties << /OCGs [8 0 R] /D << /OFF [8 0 R] >> >> >>");
	w_end(&w, 9, NULL);
	expect_fail(verify(&w, "shadow-hide", 1), 0, "revision_diff");
	eseal_buf_free(&w.b);
}

static void test_shadow_replace_contents(void)
{
	env();
	W w = signed_doc(0);
	/* the page now points at a new content stream */
	w_stream(&w, 8, "BT /F1 24 Tf 72 700 Td (Pay 999 EUR to Mallory) Tj ET");
	w_obj(&w, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 8 0 R "
		     "/Resources << /Font << /F1 5 0 R >> >> /Annots [7 0 R] >>");
	w_end(&w, 9, NULL);
	expect_fail(verify(&w, "shadow-replace", 1), 0, "revision_diff");
	eseal_buf_free(&w.b);
}

/* ---- certification attacks ---- */

static void add_freetext(W *w)
{
	w_obj(w, 8, "<< /Type /Annot /Subtype /FreeText /Rect [72 690 400 730] "
		    "/Contents (Pay 999 EUR to Mallory) /DA (/Helv 24 Tf 0 g) >>");
	w_obj(w, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
		    "/Resources << /Font << /F1 5 0 R >> >> /Annots [7 0 R 8 0 R] >>");
	w_end(w, 9, NULL);
}

static void test_evil_annotation(void)
{
	env();
	W w = signed_doc(2);
	eseal_report *r = verify(&w, "certified", 1);
	CHECK_EQ_INT(eseal_item_indication(eseal_report_get(r, 0)), ESEAL_TOTAL_PASSED);
	CHECK_EQ_STR(eseal_item_fact_get(eseal_report_get(r, 0), "certification"), "DocMDP P=2");
	eseal_report_free(r);
	add_freetext(&w);
	expect_fail(verify(&w, "eaa", 1), 0, "revision_diff");
	eseal_buf_free(&w.b);
	/* P=3 allows annotations */
	w = signed_doc(3);
	add_freetext(&w);
	r = verify(&w, "eaa-p3", 1);
	CHECK_EQ_INT(eseal_item_check_status(eseal_report_get(r, 0), "revision_diff"), ESEAL_CHECK_WARNING);
	CHECK_EQ_INT(eseal_item_indication(eseal_report_get(r, 0)), ESEAL_TOTAL_PASSED);
	eseal_report_free(r);
	eseal_buf_free(&w.b);
	/* P=1 allows no further signature */
	w = signed_doc(1);
	w_sign(&w, 8, "7 0 R ", "7 0 R ", 0);
	expect_fail(verify(&w, "p1-signed", 1), 0, "revision_diff");
	eseal_buf_free(&w.b);
}

/* ---- files signed by eseal_pdf_sign: SM2 CMS with /ESealSeal, SES ---- */

static const uint8_t tiny_png[] = {
	0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a,0x00,0x00,0x00,0x0d,0x49,0x48,0x44,0x52,0x00,0x00,0x00,0x01,
	0x00,0x00,0x00,0x01,0x08,0x06,0x00,0x00,0x00,0x1f,0x15,0xc4,0x89,0x00,0x00,0x00,0x0d,0x49,0x44,0x41,
	0x54,0x78,0x9c,0x63,0x78,0xc6,0x20,0xf4,0x1f,0x00,0x04,0xc0,0x01,0xf8,0x03,0xd7,0xe7,0xb3,0x00,0x00,
	0x00,0x00,0x49,0x45,0x4e,0x44,0xae,0x42,0x60,0x82,
};

static struct {
	int ready;
	eseal_ca *ca;
	eseal_key *maker_key, *key, *other_key;
	eseal_cert *maker, *cert, *other;
	eseal_trust *trust;
	eseal_buf seal;
} G;

static void gm_env(void)
{
	env();
	if (G.ready)
		return;
	char cadir[300];
	snprintf(cadir, sizeof cadir, "%s/gmca", E.dir);
	CHECK_OK(eseal_ca_init(cadir, "pdf verify SM2 CA", ESEAL_KEY_SM2, "pw", 2, 3650));
	CHECK_OK(eseal_ca_open(&G.ca, cadir, "pw", 2));
	eseal_cert_request rq = { 0 };
	rq.role = ESEAL_ROLE_MAKER;
	rq.org = "Seal maker";
	rq.name = "Maker";
	rq.days = 365;
	rq.not_before = time(NULL) - 7200;
	CHECK_OK(eseal_key_generate(&G.maker_key, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(G.ca, &rq, G.maker_key, &G.maker));
	rq.role = ESEAL_ROLE_SEAL;
	rq.org = "Example Ltd";
	rq.name = "Example contract seal";
	CHECK_OK(eseal_key_generate(&G.key, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(G.ca, &rq, G.key, &G.cert));
	rq.name = "Someone else";
	CHECK_OK(eseal_key_generate(&G.other_key, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(G.ca, &rq, G.other_key, &G.other));
	eseal_seal_params p = { 0 };
	eseal_cert *signers[1] = { G.cert };
	p.esid = "33010600000001";
	p.type = 2;
	p.name = "Example contract seal";
	p.cert_list_type = 1;
	p.signers = signers;
	p.nsigners = 1;
	p.valid_start = time(NULL) - 3600;
	p.valid_end = time(NULL) + 86400 * 30;
	p.picture_type = "png";
	p.picture = tiny_png;
	p.picture_len = sizeof tiny_png;
	p.width_mm = 40;
	p.height_mm = 40;
	CHECK_OK(eseal_seal_make(&G.seal, &p, G.maker, G.maker_key));
	CHECK_OK(eseal_trust_new(&G.trust));
	CHECK_OK(eseal_trust_add_cert(G.trust, eseal_ca_root(G.ca)));
	CHECK_OK(eseal_trust_add_cert(G.trust, eseal_ca_issuing(G.ca)));
	G.ready = 1;
}

static eseal_report *gm_sign_verify(eseal_pdf_sig_format fmt, int other_signer, const char *name)
{
	W w;
	w_base(&w);
	const char *in = save(&w, "unsigned");
	eseal_buf_free(&w.b);
	char out[512];
	snprintf(out, sizeof out, "%s/%s.pdf", E.dir, name);
	eseal_placement pl = { .kind = ESEAL_PLACE_AT, .page = 1, .x = 100, .y = 100 };
	eseal_pdf_sign_opts o = { .format = fmt, .seal = G.seal.data, .seal_len = G.seal.len,
				  .signer = other_signer ? G.other : G.cert,
				  .key = other_signer ? G.other_key : G.key, .places = &pl, .nplaces = 1 };
	eseal_pdf_sign_result res;
	memset(&res, 0, sizeof res);
	int rc = eseal_pdf_sign(in, out, &o, &res);
	eseal_pdf_sign_result_free(&res);
	if (rc)
		return NULL;
	eseal_report *r = NULL;
	CHECK_OK(eseal_pdf_verify(out, G.trust, &r));
	if (getenv("PDFV_DEBUG")) {
		eseal_buf t = ESEAL_BUF_INIT;
		eseal_report_text(r, 0, &t);
		eseal_buf_cstr(&t);
		fprintf(stderr, "%s\n", (char *)t.data);
		eseal_buf_free(&t);
	}
	return r;
}

/* Our own signature appended to third-party files: the earlier signature's
 * revision_diff must accept it, and ours must pass. */
static void test_sign_fixtures(void)
{
	SKIP_IF_NO_SHARED();
	gm_env();
	const char *files[] = { "digitally-signed.pdf", "minimal-signed-restricted.pdf", "hybrid-xref.pdf",
				"c-linearized.pdf", "form-filled-by-acrobat.pdf" };
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char rel[128], out[512];
		snprintf(rel, sizeof rel, "fixtures/pdf/%s", files[i]);
		const char *in = h_shared(rel);
		REQUIRE(in);
		snprintf(out, sizeof out, "%s/resigned-%s", E.dir, files[i]);
		eseal_placement pl = { .kind = ESEAL_PLACE_AT, .page = 1, .x = 60, .y = 60 };
		eseal_pdf_sign_opts o = { .format = ESEAL_PDF_CMS_SM2, .seal = G.seal.data, .seal_len = G.seal.len,
					  .signer = G.cert, .key = G.key, .places = &pl, .nplaces = 1 };
		eseal_pdf_sign_result res;
		memset(&res, 0, sizeof res);
		int rc = eseal_pdf_sign(in, out, &o, &res);
		eseal_pdf_sign_result_free(&res);
		if (rc) {
			/* a document that forbids changes (P=1, permissions) may be refused */
			fprintf(stderr, "  note: %s not signed: %s\n", files[i], eseal_error_last());
			continue;
		}
		eseal_report *r = NULL;
		CHECK_OK(eseal_pdf_verify(out, G.trust, &r));
		size_t n = eseal_report_count(r);
		REQUIRE(n >= 1);
		eseal_report_item *ours = eseal_report_get(r, n - 1);
		if (eseal_item_indication(ours) != ESEAL_TOTAL_PASSED || getenv("PDFV_DEBUG")) {
			eseal_buf t = ESEAL_BUF_INIT;
			eseal_report_text(r, 0, &t);
			eseal_buf_cstr(&t);
			fprintf(stderr, "%s: %s\n", files[i], (char *)t.data);
			eseal_buf_free(&t);
		}
		CHECK_EQ_INT(eseal_item_indication(ours), ESEAL_TOTAL_PASSED);
		for (size_t k = 0; k + 1 < n; k++)
			CHECK_EQ_INT(eseal_item_check_status(eseal_report_get(r, k), "revision_diff"),
				     ESEAL_CHECK_PASSED);
		eseal_report_free(r);
	}
	/* a second signature of ours through an xref-stream file */
	char in[512], out[512];
	snprintf(in, sizeof in, "%s/resigned-c-linearized.pdf", E.dir);
	snprintf(out, sizeof out, "%s/twice-c-linearized.pdf", E.dir);
	eseal_placement pl = { .kind = ESEAL_PLACE_AT, .page = 2, .x = 60, .y = 60 };
	eseal_pdf_sign_opts o = { .format = ESEAL_PDF_SES, .seal = G.seal.data, .seal_len = G.seal.len,
				  .signer = G.cert, .key = G.key, .places = &pl, .nplaces = 1 };
	eseal_pdf_sign_result res;
	memset(&res, 0, sizeof res);
	CHECK_OK(eseal_pdf_sign(in, out, &o, &res));
	eseal_pdf_sign_result_free(&res);
	eseal_report *r = NULL;
	CHECK_OK(eseal_pdf_verify(out, G.trust, &r));
	REQUIRE(eseal_report_count(r) == 2);
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);
	CHECK_EQ_STR(eseal_item_fact_get(eseal_report_get(r, 0), "covers_whole_file"), "no");
	CHECK_EQ_STR(eseal_item_fact_get(eseal_report_get(r, 1), "page"), "2");
	eseal_report_free(r);
}

static void test_gm_cms_with_seal(void)
{
	gm_env();
	eseal_report *r = gm_sign_verify(ESEAL_PDF_CMS_SM2, 0, "gm-cms");
	REQUIRE(r);
	REQUIRE(eseal_report_count(r) == 1);
	eseal_report_item *it = eseal_report_get(r, 0);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "seal_signature"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "signer_in_seal"), ESEAL_CHECK_PASSED);
	CHECK_EQ_STR(eseal_item_fact_get(it, "seal_name"), "Example contract seal");
	CHECK_EQ_STR(eseal_item_fact_get(it, "esid"), "33010600000001");
	CHECK_EQ_STR(eseal_item_fact_get(it, "page"), "1");
	/* placed with its centre at (100, 100) mm from the top left: 40 mm wide */
	CHECK_EQ_STR(eseal_item_fact_get(it, "position"), "x=80.0mm y=80.0mm 40.0x40.0mm");
	eseal_report_free(r);
}

/* An incremental saving attack on a file signed by eseal_pdf_sign. */
static void test_isa_on_eseal_signed(void)
{
	gm_env();
	eseal_report *r = gm_sign_verify(ESEAL_PDF_SES, 0, "gm-isa-base");
	REQUIRE(r);
	eseal_report_free(r);
	char path[512];
	snprintf(path, sizeof path, "%s/gm-isa-base.pdf", E.dir);
	eseal_pdf *pdf = NULL;
	CHECK_OK(eseal_pdf_load(&pdf, path));
	W w;
	memset(&w, 0, sizeof w);
	size_t len;
	const uint8_t *d = eseal_pdf_data(pdf, &len);
	eseal_buf_put(&w.b, d, len);
	int is_stream;
	CHECK_OK(eseal_pdf_startxref(pdf, &w.prev, &is_stream));
	uint32_t size = eseal_pdf_object_count(pdf);
	eseal_pdf_free(pdf);
	w.revs = 2;
	if (is_stream)
		SKIP("the signer wrote an xref stream: this test appends a classic table");
	w_stream(&w, 4, "BT /F1 24 Tf 72 700 Td (Pay 999 EUR to Mallory) Tj ET");
	w_end(&w, size, NULL);
	r = NULL;
	CHECK_OK(eseal_pdf_verify(save(&w, "gm-isa"), G.trust, &r));
	REQUIRE(eseal_report_count(r) == 1);
	/* everything else about the signature is fine */
	CHECK_EQ_INT(eseal_item_check_status(eseal_report_get(r, 0), "signature_value"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(eseal_report_get(r, 0), "signer_chain"), ESEAL_CHECK_PASSED);
	expect_fail(r, 0, "revision_diff");
	eseal_buf_free(&w.b);
}

static void test_gm_ses(void)
{
	gm_env();
	eseal_report *r = gm_sign_verify(ESEAL_PDF_SES, 0, "gm-ses");
	REQUIRE(r);
	REQUIRE(eseal_report_count(r) == 1);
	eseal_report_item *it = eseal_report_get(r, 0);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "data_hash"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "signature_value"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(it, "signer_in_seal"), ESEAL_CHECK_PASSED);
	eseal_report_free(r);
}

/* ---- third-party fixtures: crypto-valid, no trust anchor ---- */

static void fixture(const char *name, size_t nsig)
{
	char rel[128];
	snprintf(rel, sizeof rel, "fixtures/pdf/%s", name);
	const char *p = h_shared(rel);
	REQUIRE(p);
	eseal_report *r = NULL;
	CHECK_OK(eseal_pdf_verify(p, NULL, &r));
	CHECK_EQ_INT(eseal_report_count(r), nsig);
	for (size_t i = 0; i < eseal_report_count(r); i++) {
		eseal_report_item *it = eseal_report_get(r, i);
		CHECK_EQ_INT(eseal_item_indication(it), ESEAL_INDETERMINATE);
		CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_NO_TRUST_ANCHOR);
		CHECK_EQ_INT(eseal_item_check_status(it, "byte_range"), ESEAL_CHECK_PASSED);
		CHECK_EQ_INT(eseal_item_check_status(it, "contents_format"), ESEAL_CHECK_PASSED);
		CHECK_EQ_INT(eseal_item_check_status(it, "cms_signature"), ESEAL_CHECK_PASSED);
		CHECK_EQ_INT(eseal_item_check_status(it, "data_hash"), ESEAL_CHECK_PASSED);
		CHECK_EQ_INT(eseal_item_check_status(it, "revision_diff"), ESEAL_CHECK_PASSED);
		CHECK_EQ_STR(eseal_item_fact_get(it, "covers_whole_file"), "yes");
	}
	eseal_report_free(r);
}

static void test_fixtures(void)
{
	SKIP_IF_NO_SHARED();
	fixture("digitally-signed.pdf", 1);
	fixture("minimal-signed-restricted.pdf", 1);
	fixture("prefilled_f1040.pdf", 0);   /* usage rights only */
}

TESTS(T(test_own_signature_passes), T(test_second_signature_allowed), T(test_allowed_updates), T(test_isa_content_changed),
      T(test_isa_page_added), T(test_isa_object_replaced), T(test_isa_open_action),
      T(test_swa_gap_holds_more), T(test_swa_moved_contents), T(test_usf_variants),
      T(test_shadow_hide_oc), T(test_shadow_replace_contents), T(test_evil_annotation),
      T(test_gm_cms_with_seal), T(test_gm_ses), T(test_isa_on_eseal_signed), T(test_sign_fixtures), T(test_fixtures))
