/*
 * test_ofd_sign.c - OFD signing and verification: the verdicts on the real
 * signed fixtures, our own signatures (positions, keyword, cross-page,
 * invisible, two signatures, lock) and tampering caught with the right
 * check and sub-indication.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "eseal/eseal.h"
#include "eseal/asn1.h"
#include "eseal/ofd.h"
#include "eseal/ofdsign.h"
#include "harness.h"
#include "ofd/sign_internal.h"

static const uint8_t tiny_png[] = {
	0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a,0x00,0x00,0x00,0x0d,0x49,0x48,0x44,0x52,0x00,0x00,0x00,0x01,
	0x00,0x00,0x00,0x01,0x08,0x06,0x00,0x00,0x00,0x1f,0x15,0xc4,0x89,0x00,0x00,0x00,0x0d,0x49,0x44,0x41,
	0x54,0x78,0x9c,0x63,0x78,0xc6,0x20,0xf4,0x1f,0x00,0x04,0xc0,0x01,0xf8,0x03,0xd7,0xe7,0xb3,0x00,0x00,
	0x00,0x00,0x49,0x45,0x4e,0x44,0xae,0x42,0x60,0x82,
};

/* One CA, signer and two seals for the whole file (CA creation is slow). */
static struct {
	int ready;
	char dir[256];
	eseal_ca *ca;
	eseal_cert *maker, *signer;
	eseal_key *maker_key, *signer_key;
	eseal_buf seal, seal2, seal_digests;
	eseal_trust *trust;
} E;

static int make_seal(const char *esid, const char *name, int clt, eseal_buf *out)
{
	eseal_seal_params p = { 0 };
	eseal_cert *signers[1] = { E.signer };
	p.esid = esid;
	p.type = 2;
	p.name = name;
	p.cert_list_type = clt;
	p.signers = signers;
	p.nsigners = 1;
	p.valid_start = time(NULL) - 3600;
	p.valid_end = time(NULL) + 86400 * 30;
	p.picture_type = "png";
	p.picture = tiny_png;
	p.picture_len = sizeof tiny_png;
	p.width_mm = 42;
	p.height_mm = 42;
	return eseal_seal_make(out, &p, E.maker, E.maker_key);
}

static void env(void)
{
	if (E.ready)
		return;
	snprintf(E.dir, sizeof E.dir, "%s", h_tmpdir());
	char cadir[300];
	snprintf(cadir, sizeof cadir, "%s/ca", E.dir);
	CHECK_OK(eseal_ca_init(cadir, "eseal test CA", ESEAL_KEY_SM2, "pw", 2, 3650));
	CHECK_OK(eseal_ca_open(&E.ca, cadir, "pw", 2));
	eseal_cert_request rq = { 0 };
	rq.role = ESEAL_ROLE_MAKER;
	rq.org = "测试印章制作中心";
	rq.name = "制章者";
	rq.days = 365;
	rq.not_before = time(NULL) - 7200;
	CHECK_OK(eseal_key_generate(&E.maker_key, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(E.ca, &rq, E.maker_key, &E.maker));
	rq.role = ESEAL_ROLE_SEAL;
	rq.org = "示例科技有限公司";
	rq.name = "示例科技有限公司合同专用章";
	CHECK_OK(eseal_key_generate(&E.signer_key, ESEAL_KEY_SM2));
	CHECK_OK(eseal_ca_issue(E.ca, &rq, E.signer_key, &E.signer));
	CHECK_OK(make_seal("33010600000001", "示例科技有限公司合同专用章", 1, &E.seal));
	CHECK_OK(make_seal("33010600000002", "示例科技有限公司财务专用章", 1, &E.seal2));
	CHECK_OK(make_seal("33010600000003", "示例科技有限公司公章", 2, &E.seal_digests));
	CHECK_OK(eseal_trust_new(&E.trust));
	CHECK_OK(eseal_trust_add_cert(E.trust, eseal_ca_root(E.ca)));
	CHECK_OK(eseal_trust_add_cert(E.trust, eseal_ca_issuing(E.ca)));
	E.ready = 1;
}

static const char *tmp(const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", E.dir, name);
	return buf[k];
}

static int sign(const char *in, const char *out, const eseal_placement *p, size_t n, int lock,
		eseal_ofd_sign_result *res)
{
	eseal_ofd_sign_opts o = { 0 };
	o.seal = E.seal.data;
	o.seal_len = E.seal.len;
	o.signer = E.signer;
	o.key = E.signer_key;
	o.places = p;
	o.nplaces = n;
	o.lock = lock;
	return eseal_ofd_sign(in, out, &o, res);
}

static eseal_placement at(int page, double x, double y)
{
	eseal_placement p = { 0 };
	p.kind = ESEAL_PLACE_AT;
	p.page = page;
	p.x = x;
	p.y = y;
	return p;
}

static int exists(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f)
		fclose(f);
	return f != NULL;
}

static eseal_report *verify(const char *path, const eseal_trust *t)
{
	eseal_report *r = NULL;
	int rc = eseal_ofd_verify(path, t, &r);
	if (rc)
		fprintf(stderr, "  verify %s: %s\n", path, eseal_error_last());
	return rc ? NULL : r;
}

#define PASSED(it, check) CHECK_EQ_INT(eseal_item_check_status(it, check), ESEAL_CHECK_PASSED)
#define FAILED(it, check) CHECK_EQ_INT(eseal_item_check_status(it, check), ESEAL_CHECK_FAILED)

/* ---- the fixtures ---- */

static void crypto_valid(const char *name, int seal_file)
{
	const char *p = h_shared(name);
	REQUIRE(p);
	eseal_report *r = verify(p, NULL);
	REQUIRE(r);
	CHECK_EQ_INT(eseal_report_count(r), 1);
	eseal_report_item *it = eseal_report_get(r, 0);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_INDETERMINATE);
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_NO_TRUST_ANCHOR);
	PASSED(it, "references");
	PASSED(it, "uncovered_files");
	PASSED(it, "data_hash");
	PASSED(it, "signature_value");
	PASSED(it, "seal_signature");
	PASSED(it, "signer_in_seal");
	CHECK_EQ_INT(eseal_item_check_status(it, "signer_chain"), ESEAL_CHECK_INDETERMINATE);
	CHECK_EQ_INT(eseal_item_check_status(it, "seal_file_match"),
		     seal_file ? ESEAL_CHECK_PASSED : ESEAL_CHECK_SKIPPED);
	eseal_report_free(r);
}

static void test_fixtures_crypto_valid(void)
{
	SKIP_IF_NO_SHARED();
	crypto_valid("fixtures/ofd/v4signed.ofd", 0);
	crypto_valid("fixtures/ofd/SESV4SignDoc.ofd", 1);
	crypto_valid("fixtures/ofd/allprotected.ofd", 1);
	crypto_valid("fixtures/ofd/V4RideRight.ofd", 1);
	/* SESV4SignDoc: seal and signer certificate had expired at signing time */
	eseal_report *r = verify(h_shared("fixtures/ofd/SESV4SignDoc.ofd"), NULL);
	REQUIRE(r);
	CHECK_EQ_INT(eseal_item_check_status(eseal_report_get(r, 0), "seal_validity"), ESEAL_CHECK_INDETERMINATE);
	eseal_report_free(r);
	/* the cross-page sample: five stamps */
	r = verify(h_shared("fixtures/ofd/V4RideRight.ofd"), NULL);
	REQUIRE(r);
	const char *pg = eseal_item_fact_get(eseal_report_get(r, 0), "page");
	CHECK(pg && strstr(pg, "5 (ID 83)"));
	eseal_report_free(r);
}

static void test_fixture_keyword_invalid(void)
{
	SKIP_IF_NO_SHARED();
	eseal_report *r = verify(h_shared("fixtures/ofd/keyword.ofd"), NULL);
	REQUIRE(r);
	REQUIRE(eseal_report_count(r) == 2);
	for (size_t i = 0; i < 2; i++) {
		eseal_report_item *it = eseal_report_get(r, i);
		CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
		CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_HASH_FAILURE);
		FAILED(it, "references");
		PASSED(it, "data_hash");
	}
	eseal_buf js = ESEAL_BUF_INIT;
	CHECK_OK(eseal_report_json(r, &js));
	CHECK_OK(eseal_buf_cstr(&js));
	const char *s = (const char *)js.data;
	CHECK(strstr(s, "digest mismatch: /OFD.xml, /Doc_0/Document.xml, /Doc_0/Pages/Page_0/Content.xml"));
	eseal_buf_free(&js);
	eseal_report_item *seal = eseal_report_get(r, 0), *cms = eseal_report_get(r, 1);
	CHECK_EQ_STR(eseal_item_id(seal), "signature 2");
	PASSED(seal, "signature_value");
	PASSED(seal, "seal_file_match");
	CHECK_EQ_STR(eseal_item_fact_get(seal, "signature_encoding"), "raw");
	CHECK_EQ_STR(eseal_item_id(cms), "signature 4");
	CHECK_EQ_STR(eseal_item_fact_get(cms, "type"), "Sign");
	PASSED(cms, "cms_signature");
	eseal_report_free(r);
}

static void test_fixtures_unsigned(void)
{
	SKIP_IF_NO_SHARED();
	const char *f[] = { "fixtures/ofd/helloworld.ofd", "fixtures/ofd/Page5.ofd",
			    "fixtures/ofd/keyword2-unsigned-2pages.ofd" };
	for (size_t i = 0; i < 3; i++) {
		eseal_report *r = verify(h_shared(f[i]), NULL);
		REQUIRE(r);
		CHECK_EQ_INT(eseal_report_count(r), 0);
		eseal_report_free(r);
	}
}

/* ---- our own signatures ---- */

static void test_sign_at_verifies(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *out = tmp("at.ofd");
	eseal_placement p = at(1, 150, 240);
	eseal_ofd_sign_result res;
	CHECK_OK(sign(h_shared("fixtures/ofd/helloworld.ofd"), out, &p, 1, 0, &res));
	CHECK_EQ_INT(res.nplaced, 1);
	CHECK_EQ_STR(res.sig_path, "/Doc_0/Signs/Sign_0/Signature.xml");
	CHECK(fabs(res.placed[0].boundary.x - 129) < 1e-9 && fabs(res.placed[0].boundary.y - 219) < 1e-9);
	CHECK(res.placed[0].boundary.w == 42 && res.placed[0].boundary.h == 42);
	eseal_ofd_sign_result_free(&res);

	eseal_report *r = verify(out, E.trust);
	REQUIRE(r);
	REQUIRE(eseal_report_count(r) == 1);
	eseal_report_item *it = eseal_report_get(r, 0);
	if (eseal_item_indication(it) != ESEAL_TOTAL_PASSED) {
		eseal_buf t = ESEAL_BUF_INIT;
		eseal_report_text(r, 0, &t);
		fprintf(stderr, "%.*s", (int)t.len, (const char *)t.data);
		eseal_buf_free(&t);
	}
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	CHECK_EQ_STR(eseal_item_fact_get(it, "esid"), "33010600000001");
	CHECK_EQ_STR(eseal_item_fact_get(it, "protected"), "5 files");
	eseal_report_free(r);
	/* without a trust anchor: never a pass */
	r = verify(out, NULL);
	REQUIRE(r);
	CHECK_EQ_INT(eseal_item_indication(eseal_report_get(r, 0)), ESEAL_INDETERMINATE);
	CHECK_EQ_STR(eseal_item_subindication(eseal_report_get(r, 0)), ESEAL_SUB_NO_TRUST_ANCHOR);
	eseal_report_free(r);

	/* the written files, as formats.md §4 says */
	eseal_ofd *d = NULL;
	CHECK_OK(eseal_ofd_open(&d, out));
	REQUIRE(eseal_ofd_sig_count(d) == 1);
	const eseal_ofd_sig *s = eseal_ofd_sig_at(d, 0);
	CHECK_EQ_STR(s->check_method, ESEAL_OID_SM3);
	CHECK_EQ_STR(s->signature_method, ESEAL_OID_SM2_SM3);
	CHECK_EQ_STR(s->provider_name, "eseal");
	CHECK(s->signature_date_time && strlen(s->signature_date_time) == 15 && s->signature_date_time[14] == 'Z');
	CHECK_EQ_STR(s->stamps[0].page_ref, "1");
	CHECK_EQ_STR(s->seal_path, "/Doc_0/Signs/Sign_0/Seal.esl");
	CHECK_EQ_STR(eseal_ofd_max_sign_id(d), "1");
	CHECK_EQ_INT(s->nrefs, 5);
	eseal_buf v = ESEAL_BUF_INIT;
	CHECK_OK(eseal_ofd_sig_value(d, 0, &v));
	eseal_sessig *g = NULL;
	CHECK_OK(eseal_sessig_parse(&g, v.data, v.len));
	CHECK_EQ_STR(eseal_sessig_property(g), "/Doc_0/Signs/Sign_0/Signature.xml");
	CHECK(eseal_sessig_time_text(g) && strlen(eseal_sessig_time_text(g)) == 15);
	eseal_sessig_free(g);
	eseal_buf_free(&v);

	/* unchanged entries were copied without recompression */
	eseal_ofd *o = NULL;
	CHECK_OK(eseal_ofd_open(&o, h_shared("fixtures/ofd/helloworld.ofd")));
	eseal_buf a = ESEAL_BUF_INIT, b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_ofd_read_raw(o, "/Doc_0/Pages/Page_0/Content.xml", &a));
	CHECK_OK(eseal_ofd_read_raw(d, "/Doc_0/Pages/Page_0/Content.xml", &b));
	CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len));
	eseal_buf_free(&a);
	eseal_buf_free(&b);
	eseal_ofd_free(o);
	eseal_ofd_free(d);
}

static void test_two_signatures_and_lock(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *one = tmp("one.ofd"), *two = tmp("two.ofd"), *three = tmp("three.ofd");
	eseal_placement p = at(1, 60, 60), q = at(1, 150, 200);
	CHECK_OK(sign(h_shared("fixtures/ofd/helloworld.ofd"), one, &p, 1, 0, NULL));
	CHECK_OK(sign(one, two, &q, 1, 1, NULL));
	eseal_report *r = verify(two, E.trust);
	REQUIRE(r);
	REQUIRE(eseal_report_count(r) == 2);
	CHECK_EQ_INT(eseal_item_indication(eseal_report_get(r, 0)), ESEAL_TOTAL_PASSED);
	CHECK_EQ_INT(eseal_item_indication(eseal_report_get(r, 1)), ESEAL_TOTAL_PASSED);
	CHECK_EQ_STR(eseal_item_id(eseal_report_get(r, 1)), "signature 2");
	eseal_report_free(r);
	/* the second locked the document */
	int rc = sign(two, three, &p, 1, 0, NULL);
	CHECK_EQ_INT(rc, ESEAL_EDENIED);
	CHECK(!exists(three));
	/* signing in place keeps the first one valid too */
	CHECK_OK(sign(one, one, NULL, 0, 0, NULL));
	r = verify(one, E.trust);
	REQUIRE(r);
	CHECK_EQ_INT(eseal_report_count(r), 2);
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);
	eseal_report_free(r);
}

/* certList type 2: the seal lists the SM3 digest of the signer certificate */
static void test_cert_list_digests(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *out = tmp("clt2.ofd");
	eseal_placement p = at(1, 100, 100);
	eseal_ofd_sign_opts o = { 0 };
	o.seal = E.seal_digests.data;
	o.seal_len = E.seal_digests.len;
	o.signer = E.signer;
	o.key = E.signer_key;
	o.places = &p;
	o.nplaces = 1;
	CHECK_OK(eseal_ofd_sign(h_shared("fixtures/ofd/helloworld.ofd"), out, &o, NULL));
	eseal_report *r = verify(out, E.trust);
	REQUIRE(r);
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);
	PASSED(eseal_report_get(r, 0), "signer_in_seal");
	eseal_report_free(r);
}

/* An earlier third-party signature stays as it was after we sign; the
 * invoice's annotations are covered by its signature. */
static void test_sign_after_third_party(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *out = tmp("v4-2.ofd");
	eseal_placement p = at(1, 100, 100);
	eseal_ofd_sign_result res;
	CHECK_OK(sign(h_shared("fixtures/ofd/v4signed.ofd"), out, &p, 1, 0, &res));
	CHECK_EQ_STR(res.sig_id, "2");
	eseal_ofd_sign_result_free(&res);
	eseal_report *r = verify(out, E.trust);
	REQUIRE(r);
	REQUIRE(eseal_report_count(r) == 2);
	eseal_report_item *first = eseal_report_get(r, 0), *ours = eseal_report_get(r, 1);
	CHECK_EQ_STR(eseal_item_subindication(first), ESEAL_SUB_NO_TRUST_ANCHOR);
	PASSED(first, "references");
	PASSED(first, "uncovered_files");
	PASSED(first, "annotations");
	CHECK_EQ_INT(eseal_item_indication(ours), ESEAL_TOTAL_PASSED);
	eseal_report_free(r);
	/* documents whose signature protects Signatures.xml are locked */
	CHECK_EQ_INT(sign(h_shared("fixtures/ofd/allprotected.ofd"), out, &p, 1, 0, NULL), ESEAL_EDENIED);
}

static void test_refusals_leave_no_output(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *out = tmp("refused.ofd");
	eseal_placement p = at(3, 10, 10);
	CHECK_EQ_INT(sign(h_shared("fixtures/ofd/helloworld.ofd"), out, &p, 1, 0, NULL), ESEAL_ENOTFOUND);
	eseal_placement k = { 0 };
	k.kind = ESEAL_PLACE_KEYWORD;
	k.keyword = "不存在的文字";
	CHECK_EQ_INT(sign(h_shared("fixtures/ofd/helloworld.ofd"), out, &k, 1, 0, NULL), ESEAL_ENOTFOUND);
	CHECK(!exists(out));
	/* the ofdrw test seal expired in 2022: refused */
	eseal_key *key = NULL;
	eseal_cert *cert = NULL;
	eseal_buf seal = ESEAL_BUF_INIT;
	CHECK_OK(eseal_pkcs12_load(h_shared("fixtures/keys/USER.p12"), "777777", &key, &cert));
	CHECK_OK(eseal_file_read(&seal, h_shared("fixtures/seals/UserV4.esl"), 0));
	eseal_ofd_sign_opts o = { 0 };
	o.seal = seal.data;
	o.seal_len = seal.len;
	o.signer = cert;
	o.key = key;
	CHECK(eseal_ofd_sign(h_shared("fixtures/ofd/helloworld.ofd"), out, &o, NULL) != 0);
	CHECK(!exists(out));
	/* a signer that is not in the seal */
	o.seal = E.seal.data;
	o.seal_len = E.seal.len;
	CHECK(eseal_ofd_sign(h_shared("fixtures/ofd/helloworld.ofd"), out, &o, NULL) != 0);
	CHECK(!exists(out));
	eseal_buf_free(&seal);
	eseal_key_free(key);
	eseal_cert_free(cert);
}

static void test_keyword_placement(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *out = tmp("kw.ofd");
	eseal_placement k = { 0 };
	k.kind = ESEAL_PLACE_KEYWORD;
	k.keyword = "重庆市马上融资担保有限公司";
	eseal_ofd_sign_result res;
	CHECK_OK(sign(h_shared("fixtures/ofd/keyword2-unsigned-2pages.ofd"), out, &k, 1, 0, &res));
	REQUIRE(res.nplaced == 2); /* every occurrence by default: one per page */
	CHECK_EQ_STR(res.placed[1].page_id, "11");
	eseal_ofd_sign_result_free(&res);
	k.occurrence = 2;
	CHECK_OK(sign(h_shared("fixtures/ofd/keyword2-unsigned-2pages.ofd"), out, &k, 1, 0, &res));
	REQUIRE(res.nplaced == 1);
	CHECK_EQ_INT(res.placed[0].page, 2);
	CHECK_EQ_STR(res.placed[0].page_id, "11");
	/* centred on the keyword's box (page text: x 61.39 w 55.04, y 171.43 h 4.23) */
	double cx = res.placed[0].boundary.x + 21, cy = res.placed[0].boundary.y + 21;
	CHECK(fabs(cx - (61.39 + 55.04 / 2)) < 0.5 && fabs(cy - (171.43 + 4.23 / 2)) < 0.5);
	eseal_ofd_sign_result_free(&res);
	eseal_report *r = verify(out, E.trust);
	REQUIRE(r);
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);
	eseal_report_free(r);
}

static void test_perforation(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *out = tmp("perf.ofd");
	eseal_placement p = { 0 };
	p.kind = ESEAL_PLACE_PERFORATION;
	CHECK_OK(sign(h_shared("fixtures/ofd/Page5.ofd"), out, &p, 1, 0, NULL));
	eseal_ofd *d = NULL;
	CHECK_OK(eseal_ofd_open(&d, out));
	REQUIRE(eseal_ofd_sig_count(d) == 1);
	const eseal_ofd_sig *s = eseal_ofd_sig_at(d, 0);
	REQUIRE(s->nstamps == 5);
	const char *ids[] = { "1", "21", "43", "63", "83" };
	double slice = 42.0 / 5;
	for (size_t i = 0; i < 5; i++) {
		CHECK_EQ_STR(s->stamps[i].page_ref, ids[i]);
		CHECK(fabs(s->stamps[i].boundary.x - (210 - slice * (double)(i + 1))) < 0.001);
		CHECK(fabs(s->stamps[i].boundary.y - (297.0 / 2 - 21)) < 0.001);
		CHECK(s->stamps[i].boundary.w == 42);
		CHECK(s->stamps[i].has_clip);
		CHECK(fabs(s->stamps[i].clip.x - slice * (double)i) < 0.001);
		CHECK(fabs(s->stamps[i].clip.w - slice) < 0.001);
		/* the visible slice always sits at the right edge */
		CHECK(fabs(s->stamps[i].boundary.x + s->stamps[i].clip.x + slice - 210) < 0.001);
	}
	eseal_ofd_free(d);
	eseal_report *r = verify(out, E.trust);
	REQUIRE(r);
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);
	eseal_report_free(r);

	/* left edge, pages 2-4: the visible slice sits at x 0..slice */
	p.side = ESEAL_SIDE_LEFT;
	p.pages = "2-4";
	CHECK_OK(sign(h_shared("fixtures/ofd/Page5.ofd"), out, &p, 1, 0, NULL));
	CHECK_OK(eseal_ofd_open(&d, out));
	s = eseal_ofd_sig_at(d, 0);
	REQUIRE(s->nstamps == 3);
	CHECK_EQ_STR(s->stamps[0].page_ref, "21");
	for (size_t i = 0; i < 3; i++)
		CHECK(fabs(s->stamps[i].boundary.x + s->stamps[i].clip.x) < 0.001);
	eseal_ofd_free(d);
	/* one page is not a cross-page seal */
	p.pages = "3";
	CHECK(sign(h_shared("fixtures/ofd/Page5.ofd"), tmp("perf1.ofd"), &p, 1, 0, NULL) != 0);
}

static void test_invisible_and_several(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *out = tmp("inv.ofd");
	CHECK_OK(sign(h_shared("fixtures/ofd/Page5.ofd"), out, NULL, 0, 0, NULL));
	eseal_report *r = verify(out, E.trust);
	REQUIRE(r);
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);
	CHECK_EQ_STR(eseal_item_fact_get(eseal_report_get(r, 0), "position"), "invisible (no StampAnnot)");
	eseal_report_free(r);
	eseal_placement p[3] = { at(1, 100, 100), at(5, 100, 250), { 0 } };
	p[2].kind = ESEAL_PLACE_PERFORATION;
	p[2].pages = "1-2";
	eseal_ofd_sign_result res;
	CHECK_OK(sign(h_shared("fixtures/ofd/Page5.ofd"), out, p, 3, 0, &res));
	CHECK_EQ_INT(res.nplaced, 4);
	CHECK_EQ_STR(res.placed[1].page_id, "83");
	eseal_ofd_sign_result_free(&res);
	CHECK_EQ_INT(eseal_page_range_parse("1-3,x", 5, &(int *){ 0 }, &(size_t){ 0 }), ESEAL_EINVAL);
}

/* ---- tampering ---- */

/* A signed copy of helloworld.ofd, and a tampered copy of it. */
static const char *signed_hello(void)
{
	static char path[512];
	if (!path[0]) {
		snprintf(path, sizeof path, "%s", tmp("hello-signed.ofd"));
		eseal_placement p = at(1, 100, 100);
		if (sign(h_shared("fixtures/ofd/helloworld.ofd"), path, &p, 1, 0, NULL))
			path[0] = 0;
	}
	return path;
}

static int tamper(const char *in, const char *out, const ofd_new_file *f, size_t n)
{
	eseal_ofd *d = NULL;
	int rc = eseal_ofd_open(&d, in);
	if (rc == 0)
		rc = ofd_write_package(d, out, f, n, NULL);
	eseal_ofd_free(d);
	return rc;
}

static int read_entry(const char *ofd, const char *path, eseal_buf *out)
{
	eseal_ofd *d = NULL;
	int rc = eseal_ofd_open(&d, ofd);
	if (rc == 0)
		rc = eseal_ofd_read(d, path, 0, out);
	eseal_ofd_free(d);
	return rc;
}

static eseal_report_item *verify_one(const char *path, eseal_report **r)
{
	*r = verify(path, E.trust);
	if (!*r || eseal_report_count(*r) < 1)
		return NULL;
	return eseal_report_get(*r, 0);
}

static void expect_failed(const char *path, const char *check, const char *sub)
{
	eseal_report *r = NULL;
	eseal_report_item *it = verify_one(path, &r);
	REQUIRE(it);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
	if (check)
		FAILED(it, check);
	CHECK_EQ_STR(eseal_item_subindication(it), sub);
	eseal_report_free(r);
}

static void test_tamper_page_byte(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *src = signed_hello();
	REQUIRE(src[0]);
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(read_entry(src, "/Doc_0/Pages/Page_0/Content.xml", &b));
	b.data[b.len / 2] ^= 0x01;
	ofd_new_file f = { "/Doc_0/Pages/Page_0/Content.xml", b.data, b.len };
	CHECK_OK(tamper(src, tmp("t-byte.ofd"), &f, 1));
	expect_failed(tmp("t-byte.ofd"), "references", ESEAL_SUB_HASH_FAILURE);
	eseal_buf_free(&b);
}

static void test_tamper_added_file_and_page(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *src = signed_hello();
	REQUIRE(src[0]);
	ofd_new_file f = { "/Doc_0/Res/extra.png", tiny_png, sizeof tiny_png };
	CHECK_OK(tamper(src, tmp("t-add.ofd"), &f, 1));
	eseal_report *r = NULL;
	eseal_report_item *it = verify_one(tmp("t-add.ofd"), &r);
	REQUIRE(it);
	PASSED(it, "references");
	FAILED(it, "uncovered_files");
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_UNCOVERED_CONTENT);
	eseal_report_free(r);

	/* a page added: Document.xml lists it and a new Content.xml exists */
	eseal_buf doc = ESEAL_BUF_INIT, page = ESEAL_BUF_INIT, nd = ESEAL_BUF_INIT;
	CHECK_OK(read_entry(src, "/Doc_0/Document.xml", &doc));
	CHECK_OK(read_entry(src, "/Doc_0/Pages/Page_0/Content.xml", &page));
	CHECK_OK(eseal_buf_cstr(&doc));
	char *end = strstr((char *)doc.data, "</ofd:Pages>");
	REQUIRE(end);
	CHECK_OK(eseal_buf_put(&nd, doc.data, (size_t)(end - (char *)doc.data)));
	CHECK_OK(eseal_buf_puts(&nd, "<ofd:Page ID=\"99\" BaseLoc=\"Pages/Page_1/Content.xml\"/>"));
	CHECK_OK(eseal_buf_puts(&nd, end));
	ofd_new_file g[2] = { { "/Doc_0/Document.xml", nd.data, nd.len },
			      { "/Doc_0/Pages/Page_1/Content.xml", page.data, page.len } };
	CHECK_OK(tamper(src, tmp("t-page.ofd"), g, 2));
	it = verify_one(tmp("t-page.ofd"), &r);
	REQUIRE(it);
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
	FAILED(it, "references");
	FAILED(it, "uncovered_files");
	eseal_report_free(r);
	eseal_buf_free(&doc);
	eseal_buf_free(&page);
	eseal_buf_free(&nd);
}

static void test_tamper_seal_and_value(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *src = signed_hello();
	REQUIRE(src[0]);
	/* another seal (other picture and name) in Seal.esl */
	ofd_new_file f = { "/Doc_0/Signs/Sign_0/Seal.esl", E.seal2.data, E.seal2.len };
	CHECK_OK(tamper(src, tmp("t-seal.ofd"), &f, 1));
	expect_failed(tmp("t-seal.ofd"), "seal_file_match", ESEAL_SUB_SEAL_MISMATCH);

	/* SignedValue.dat of another signed document */
	const char *other = tmp("other.ofd");
	eseal_placement p = at(1, 100, 100);
	CHECK_OK(sign(h_shared("fixtures/ofd/keyword2-unsigned-2pages.ofd"), other, &p, 1, 0, NULL));
	eseal_buf v = ESEAL_BUF_INIT;
	CHECK_OK(read_entry(other, "/Doc_0/Signs/Sign_0/SignedValue.dat", &v));
	ofd_new_file g = { "/Doc_0/Signs/Sign_0/SignedValue.dat", v.data, v.len };
	CHECK_OK(tamper(src, tmp("t-value.ofd"), &g, 1));
	eseal_report *r = NULL;
	eseal_report_item *it = verify_one(tmp("t-value.ofd"), &r);
	REQUIRE(it);
	FAILED(it, "data_hash");
	PASSED(it, "signature_value");
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_HASH_FAILURE);
	eseal_report_free(r);
	eseal_buf_free(&v);
}

static void test_tamper_duplicate_entry(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *src = signed_hello();
	REQUIRE(src[0]);
	/* add Doc_0/PublicRes.xmX, then rename it in every header to a
	 * name that already exists */
	ofd_new_file f = { "/Doc_0/PublicRes.xmX", tiny_png, sizeof tiny_png };
	CHECK_OK(tamper(src, tmp("t-dup0.ofd"), &f, 1));
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_file_read(&b, tmp("t-dup0.ofd"), 0));
	int n = 0;
	for (size_t i = 0; i + 19 <= b.len; i++)
		if (!memcmp(b.data + i, "Doc_0/PublicRes.xmX", 19)) {
			b.data[i + 18] = 'l';
			n++;
		}
	CHECK_EQ_INT(n, 2);
	CHECK_OK(eseal_file_write_atomic(tmp("t-dup.ofd"), b.data, b.len, 0600));
	eseal_buf_free(&b);
	eseal_report *r = verify(tmp("t-dup.ofd"), E.trust);
	REQUIRE(r);
	REQUIRE(eseal_report_count(r) == 1);
	eseal_report_item *it = eseal_report_get(r, 0);
	CHECK_EQ_STR(eseal_item_id(it), "package");
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_FAILED);
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_FORMAT_FAILURE);
	eseal_report_free(r);
}

static void test_tamper_dtd(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *src = signed_hello();
	REQUIRE(src[0]);
	eseal_buf x = ESEAL_BUF_INIT, y = ESEAL_BUF_INIT;
	CHECK_OK(read_entry(src, "/Doc_0/Signs/Sign_0/Signature.xml", &x));
	const char *decl_end = memchr(x.data, '\n', x.len);
	REQUIRE(decl_end);
	size_t k = (size_t)(decl_end - (const char *)x.data) + 1;
	CHECK_OK(eseal_buf_put(&y, x.data, k));
	CHECK_OK(eseal_buf_puts(&y, "<!DOCTYPE ofd:Signature [<!ENTITY e \"/OFD.xml\">]>\n"));
	CHECK_OK(eseal_buf_put(&y, x.data + k, x.len - k));
	ofd_new_file f = { "/Doc_0/Signs/Sign_0/Signature.xml", y.data, y.len };
	CHECK_OK(tamper(src, tmp("t-dtd.ofd"), &f, 1));
	expect_failed(tmp("t-dtd.ofd"), "format", ESEAL_SUB_FORMAT_FAILURE);
	eseal_buf_free(&x);
	eseal_buf_free(&y);
}

/* Rewrites text in signature N's Signature.xml and signs it again with our
 * key, so only the container checks can catch the change. */
static int resign(const char *src, int n, const char *from, const char *to, const char *out)
{
	char sx[128], sv[128];
	snprintf(sx, sizeof sx, "/Doc_0/Signs/Sign_%d/Signature.xml", n);
	snprintf(sv, sizeof sv, "/Doc_0/Signs/Sign_%d/SignedValue.dat", n);
	eseal_buf x = ESEAL_BUF_INIT, y = ESEAL_BUF_INIT, v = ESEAL_BUF_INIT;
	eseal_seal *seal = NULL;
	int rc = read_entry(src, sx, &x);
	if (!rc) rc = eseal_buf_cstr(&x);
	char *at_ = rc ? NULL : strstr((char *)x.data, from);
	if (!rc && !at_)
		rc = ESEAL_ENOTFOUND;
	if (!rc) rc = eseal_buf_put(&y, x.data, (size_t)(at_ - (char *)x.data));
	if (!rc) rc = eseal_buf_puts(&y, to);
	if (!rc) rc = eseal_buf_puts(&y, at_ + strlen(from));
	uint8_t h[32];
	size_t sl = 0;
	if (!rc) {
		eseal_sm3(h, y.data, y.len);
		rc = eseal_seal_parse(&seal, E.seal.data, E.seal.len);
	}
	const uint8_t *sd = rc ? NULL : eseal_seal_der(seal, &sl);
	if (!rc) rc = eseal_sessig_make(&v, sd, sl, E.signer, E.signer_key, time(NULL), h, sx);
	ofd_new_file f[2] = { { sx, y.data, y.len }, { sv, v.data, v.len } };
	if (!rc) rc = tamper(src, out, f, 2);
	eseal_seal_free(seal);
	eseal_buf_free(&x);
	eseal_buf_free(&y);
	eseal_buf_free(&v);
	return rc;
}

/* A FileRef with "..": re-signed, so only the path check can catch it. */
static void test_tamper_dotdot_resigned(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *src = signed_hello();
	REQUIRE(src[0]);
	CHECK_OK(resign(src, 0, "FileRef=\"/OFD.xml\"", "FileRef=\"/Doc_0/../OFD.xml\"", tmp("t-dotdot.ofd")));
	eseal_report *r = NULL;
	eseal_report_item *it = verify_one(tmp("t-dotdot.ofd"), &r);
	REQUIRE(it);
	PASSED(it, "data_hash");
	PASSED(it, "signature_value");
	FAILED(it, "references");
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_FORMAT_FAILURE);
	eseal_report_free(r);
}

/* Annotations of a signed page outside the signature: a warning. */
static void test_unsigned_annotations_warned(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *one = tmp("annot1.ofd"), *two = tmp("annot2.ofd");
	eseal_placement p = at(1, 100, 100);
	CHECK_OK(sign(h_shared("fixtures/ofd/v4signed.ofd"), one, &p, 1, 0, NULL));
	eseal_buf x = ESEAL_BUF_INIT;
	CHECK_OK(read_entry(one, "/Doc_0/Signs/Sign_1/Signature.xml", &x));
	CHECK_OK(eseal_buf_cstr(&x));
	const char *a = strstr((char *)x.data, "<ofd:Reference FileRef=\"/Doc_0/Annots/Page_0/Annotation.xml\">");
	REQUIRE(a);
	const char *e = strstr(a, "</ofd:Reference>\n");
	REQUIRE(e);
	char ref[512];
	size_t n = (size_t)(e - a) + strlen("</ofd:Reference>\n");
	REQUIRE(n < sizeof ref);
	memcpy(ref, a, n);
	ref[n] = 0;
	CHECK_OK(resign(one, 1, ref, "", two));
	eseal_report *r = verify(two, E.trust);
	REQUIRE(r);
	REQUIRE(eseal_report_count(r) == 2);
	eseal_report_item *it = eseal_report_get(r, 1);
	CHECK_EQ_INT(eseal_item_check_status(it, "annotations"), ESEAL_CHECK_WARNING);
	PASSED(it, "uncovered_files");
	CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
	eseal_report_free(r);
	eseal_buf_free(&x);
}

/* ---- Type="Sign": GM/T 0010 CMS built here, both variants ---- */

/* ContentInfo{SignedData} over SM3(Signature.xml): with signed attributes
 * (messageDigest = md) when attrs, else the digest as eContent. */
static int make_cms(const uint8_t h[32], int attrs, const uint8_t md[32], eseal_buf *out)
{
	size_t cl = 0;
	const uint8_t *cert = eseal_cert_der(E.signer, &cl);
	eseal_der c, tbs, x;
	eseal_der_iter it;
	eseal_der issuer = { 0 }, serial = { 0 };
	int rc = eseal_der_read(&c, cert, cl, 0);
	if (rc) return rc;
	eseal_der_iter_init(&it, &c);
	eseal_der_next(&it, &tbs);
	eseal_der_iter_init(&it, &tbs);
	eseal_der_next(&it, &x);
	if (x.tag == ESEAL_DER_CTX(0))
		eseal_der_next(&it, &x);
	serial = x;
	eseal_der_next(&it, &x); /* signature algorithm */
	eseal_der_next(&it, &issuer);

	eseal_buf sa = ESEAL_BUF_INIT, sig = ESEAL_BUF_INIT;
	size_t m1, m2, m3;
	if (attrs) {
		eseal_der_begin(&sa, ESEAL_DER_CTX(0), &m1);
		eseal_der_begin(&sa, ESEAL_DER_SEQUENCE, &m2);
		eseal_der_put_oid(&sa, "1.2.840.113549.1.9.3");
		eseal_der_begin(&sa, ESEAL_DER_SET, &m3);
		eseal_der_put_oid(&sa, "1.2.156.10197.6.1.4.2.1");
		eseal_der_end(&sa, m3);
		eseal_der_end(&sa, m2);
		eseal_der_begin(&sa, ESEAL_DER_SEQUENCE, &m2);
		eseal_der_put_oid(&sa, "1.2.840.113549.1.9.4");
		eseal_der_begin(&sa, ESEAL_DER_SET, &m3);
		eseal_der_put(&sa, ESEAL_DER_OCTET_STRING, md, 32);
		eseal_der_end(&sa, m3);
		eseal_der_end(&sa, m2);
		eseal_der_end(&sa, m1);
		sa.data[0] = ESEAL_DER_SET; /* signed as a SET */
		rc = eseal_key_sign(E.signer_key, sa.data, sa.len, &sig);
		sa.data[0] = ESEAL_DER_CTX(0);
	} else {
		eseal_buf raw = ESEAL_BUF_INIT;
		rc = eseal_key_sign(E.signer_key, h, 32, &raw);
		uint8_t rs[64];
		if (!rc) rc = eseal_sm2_sig_der_to_raw(rs, raw.data, raw.len);
		if (!rc) rc = eseal_buf_put(&sig, rs, 64); /* raw r||s as Tongzhiweiye writes */
		eseal_buf_free(&raw);
	}
	size_t a, b, d, e, f, g;
	eseal_der_begin(out, ESEAL_DER_SEQUENCE, &a);
	eseal_der_put_oid(out, "1.2.156.10197.6.1.4.2.2");
	eseal_der_begin(out, ESEAL_DER_CTX(0), &b);
	eseal_der_begin(out, ESEAL_DER_SEQUENCE, &d);
	eseal_der_put_int(out, 1);
	eseal_der_begin(out, ESEAL_DER_SET, &e);
	eseal_der_begin(out, ESEAL_DER_SEQUENCE, &f);
	eseal_der_put_oid(out, ESEAL_OID_SM3);
	eseal_der_put(out, ESEAL_DER_NULL, NULL, 0);
	eseal_der_end(out, f);
	eseal_der_end(out, e);
	eseal_der_begin(out, ESEAL_DER_SEQUENCE, &e);
	if (attrs) {
		eseal_der_put_oid(out, "1.2.840.113549.1.7.1");
	} else {
		eseal_der_put_oid(out, "1.2.156.10197.6.1.4.2.1");
		eseal_der_begin(out, ESEAL_DER_CTX(0), &f);
		eseal_der_put(out, ESEAL_DER_OCTET_STRING, h, 32);
		eseal_der_end(out, f);
	}
	eseal_der_end(out, e);
	eseal_der_begin(out, ESEAL_DER_CTX(0), &e);
	eseal_der_put_raw(out, cert, cl);
	eseal_der_end(out, e);
	eseal_der_begin(out, ESEAL_DER_SET, &e);
	eseal_der_begin(out, ESEAL_DER_SEQUENCE, &f);
	eseal_der_put_int(out, 1);
	eseal_der_begin(out, ESEAL_DER_SEQUENCE, &g);
	eseal_der_put_raw(out, issuer.tlv, issuer.tlv_len);
	eseal_der_put_raw(out, serial.tlv, serial.tlv_len);
	eseal_der_end(out, g);
	eseal_der_begin(out, ESEAL_DER_SEQUENCE, &g);
	eseal_der_put_oid(out, ESEAL_OID_SM3);
	eseal_der_end(out, g);
	if (attrs)
		eseal_der_put_raw(out, sa.data, sa.len);
	eseal_der_begin(out, ESEAL_DER_SEQUENCE, &g);
	eseal_der_put_oid(out, ESEAL_OID_SM2_SM3);
	eseal_der_end(out, g);
	eseal_der_put(out, ESEAL_DER_OCTET_STRING, sig.data, sig.len);
	eseal_der_end(out, f);
	eseal_der_end(out, e);
	eseal_der_end(out, d);
	eseal_der_end(out, b);
	rc = rc ? rc : eseal_der_end(out, a);
	eseal_buf_free(&sa);
	eseal_buf_free(&sig);
	return rc;
}

/* Our signed file turned into a Type="Sign" signature carrying cms. */
static eseal_report_item *verify_as_sign(const char *name, const eseal_buf *cms, eseal_report **r)
{
	const char *src = signed_hello();
	eseal_buf sl = ESEAL_BUF_INIT, nl = ESEAL_BUF_INIT;
	if (read_entry(src, "/Doc_0/Signs/Signatures.xml", &sl) || eseal_buf_cstr(&sl))
		return NULL;
	char *t = strstr((char *)sl.data, "Type=\"Seal\"");
	if (!t)
		return NULL;
	eseal_buf_put(&nl, sl.data, (size_t)(t - (char *)sl.data));
	eseal_buf_puts(&nl, "Type=\"Sign\"");
	eseal_buf_puts(&nl, t + 11);
	ofd_new_file f[2] = { { "/Doc_0/Signs/Signatures.xml", nl.data, nl.len },
			      { "/Doc_0/Signs/Sign_0/SignedValue.dat", cms->data, cms->len } };
	int rc = tamper(src, tmp(name), f, 2);
	eseal_buf_free(&sl);
	eseal_buf_free(&nl);
	return rc ? NULL : verify_one(tmp(name), r);
}

static void test_cms_sign_variants(void)
{
	SKIP_IF_NO_SHARED();
	env();
	const char *src = signed_hello();
	REQUIRE(src[0]);
	eseal_buf x = ESEAL_BUF_INIT;
	CHECK_OK(read_entry(src, "/Doc_0/Signs/Sign_0/Signature.xml", &x));
	uint8_t h[32], wrong[32];
	eseal_sm3(h, x.data, x.len);
	memcpy(wrong, h, 32);
	wrong[0] ^= 1;
	for (int attrs = 0; attrs < 2; attrs++) {
		eseal_buf cms = ESEAL_BUF_INIT;
		CHECK_OK(make_cms(h, attrs, h, &cms));
		eseal_report *r = NULL;
		eseal_report_item *it = verify_as_sign(attrs ? "cms-b.ofd" : "cms-a.ofd", &cms, &r);
		REQUIRE(it);
		CHECK_EQ_STR(eseal_item_fact_get(it, "type"), "Sign");
		PASSED(it, "cms_signature");
		PASSED(it, "data_hash");
		PASSED(it, "references");
		CHECK_EQ_INT(eseal_item_indication(it), ESEAL_TOTAL_PASSED);
		eseal_report_free(r);
		eseal_buf_free(&cms);
	}
	/* a digest of something else: the binding fails */
	eseal_buf cms = ESEAL_BUF_INIT;
	CHECK_OK(make_cms(wrong, 0, wrong, &cms));
	eseal_report *r = NULL;
	eseal_report_item *it = verify_as_sign("cms-wrong.ofd", &cms, &r);
	REQUIRE(it);
	PASSED(it, "cms_signature");
	FAILED(it, "data_hash");
	CHECK_EQ_STR(eseal_item_subindication(it), ESEAL_SUB_HASH_FAILURE);
	eseal_report_free(r);
	eseal_buf_free(&cms);
	/* signed attributes altered after signing */
	CHECK_OK(make_cms(h, 1, h, &cms));
	for (size_t i = 0; i + 32 <= cms.len; i++)
		if (!memcmp(cms.data + i, h, 32)) {
			cms.data[i + 31] ^= 1;
			break;
		}
	it = verify_as_sign("cms-attr.ofd", &cms, &r);
	REQUIRE(it);
	FAILED(it, "cms_signature");
	eseal_report_free(r);
	eseal_buf_free(&cms);
	eseal_buf_free(&x);
}

/* No temporary package left next to the output. */
static int temp_left(void)
{
	char cmd[700];
	snprintf(cmd, sizeof cmd, "ls '%s' | grep -q '\\.tmp-'", E.dir);
	return system(cmd) == 0;
}

/* A damaged entry is caught while it is copied and digested: no digest of
 * wrong bytes is ever signed, and nothing is left behind. */
static void test_damaged_entry_refused(void)
{
	SKIP_IF_NO_SHARED();
	env();
	/* a resource nothing parses while signing: only the copy reads it */
	uint8_t blob[65536];
	for (size_t i = 0; i < sizeof blob; i++)
		blob[i] = (uint8_t)(i * 7 + i / 251);
	eseal_ofd *d = NULL;
	CHECK_OK(eseal_ofd_open(&d, h_shared("fixtures/ofd/helloworld.ofd")));
	ofd_new_file f = { "/Doc_0/Res/blob.bin", blob, sizeof blob };
	const char *in = tmp("damaged.ofd"), *out = tmp("damaged-signed.ofd");
	CHECK_OK(ofd_write_package(d, in, &f, 1, NULL));
	eseal_ofd_free(d);
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_file_read(&b, in, 0));
	static const char name[] = "Doc_0/Res/blob.bin";
	size_t i, nlen = sizeof name - 1;
	for (i = 0; i + 30 + nlen < b.len; i++)
		if (!memcmp(b.data + i, "PK\x03\x04", 4) && b.data[i + 26] == nlen && !memcmp(b.data + i + 30, name, nlen))
			break;
	REQUIRE(i + 30 + nlen < b.len);
	size_t data = i + 30 + nlen + (b.data[i + 28] | b.data[i + 29] << 8);
	b.data[data + 8] ^= 0x55;
	CHECK_OK(eseal_file_write_atomic(in, b.data, b.len, 0600));
	eseal_placement p = at(1, 50, 50);
	int rc = sign(in, out, &p, 1, 0, NULL);
	CHECK(rc == ESEAL_EFORMAT);
	CHECK(strstr(eseal_error_last(), "blob.bin") != NULL);
	CHECK(!exists(out));
	CHECK(!temp_left());
	eseal_buf_free(&b);
}

/* Large entries go through the two-thread copy; deflated and stored data
 * both digest to what the verifier recomputes. */
static void test_large_package(void)
{
	SKIP_IF_NO_SHARED();
	env();
	size_t n = 12u << 20;
	uint8_t *big = malloc(n);
	REQUIRE(big != NULL);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		big[i] = (uint8_t)(x >> 16) & (i % 3 ? 0xFF : 0x0F);
	}
	eseal_ofd *d = NULL;
	CHECK_OK(eseal_ofd_open(&d, h_shared("fixtures/ofd/helloworld.ofd")));
	ofd_new_file f[2] = { { "/Doc_0/Res/big1.bin", big, n }, { "/Doc_0/Res/big2.bin", big + 1, n - 1 } };
	const char *in = tmp("large.ofd"), *out = tmp("large-signed.ofd");
	CHECK_OK(ofd_write_package(d, in, f, 2, NULL));
	eseal_ofd_free(d);
	eseal_placement p = at(1, 50, 50);
	eseal_ofd_sign_result res;
	CHECK_OK(sign(in, out, &p, 1, 0, &res));
	eseal_ofd_sign_result_free(&res);
	eseal_report *r = NULL;
	CHECK_OK(eseal_ofd_verify(out, E.trust, &r));
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);
	eseal_report_free(r);
	/* signing again copies the signed package, signature files included */
	CHECK_OK(sign(out, in, &p, 1, 0, NULL));
	CHECK_OK(eseal_ofd_verify(in, E.trust, &r));
	CHECK_EQ_INT(eseal_report_count(r), 2);
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);
	eseal_report_free(r);
	CHECK(!temp_left());
	free(big);
}

TESTS(T(test_fixtures_crypto_valid), T(test_fixture_keyword_invalid), T(test_fixtures_unsigned),
      T(test_sign_at_verifies), T(test_two_signatures_and_lock), T(test_cert_list_digests), T(test_sign_after_third_party),
      T(test_refusals_leave_no_output), T(test_damaged_entry_refused), T(test_large_package),
      T(test_keyword_placement), T(test_perforation), T(test_invisible_and_several),
      T(test_tamper_page_byte), T(test_tamper_added_file_and_page), T(test_tamper_seal_and_value),
      T(test_tamper_duplicate_entry), T(test_tamper_dtd), T(test_tamper_dotdot_resigned),
      T(test_unsigned_annotations_warned), T(test_cms_sign_variants))
