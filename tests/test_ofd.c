/*
 * test_ofd.c - the OFD reader: real packages from other producers (pages,
 * IDs, signatures, text) and hand-made hostile zips that must be refused or
 * reported (duplicate names, traversal, DOCTYPE, absurd sizes, local/central
 * mismatch, data around the archive).
 */
#include <math.h>
#include <zlib.h>

#include "eseal/ofd.h"
#include "harness.h"
#include "ofd/ofd_internal.h"

/* ---- a tiny zip writer with knobs for breaking things ---- */

typedef struct {
	const char *name;
	const char *data;
	const char *local_name;   /* a different name in the local header */
	uint32_t local_crc_xor;   /* corrupt the local header's CRC */
	uint32_t data_crc_xor;    /* corrupt both CRCs (data no longer matches) */
	uint64_t claim_size;      /* claimed uncompressed size (both headers) */
	int method;               /* written as is; data is never compressed */
} zent;

static void p16(eseal_buf *b, unsigned v) { uint8_t x[2] = { v & 255, (v >> 8) & 255 }; eseal_buf_put(b, x, 2); }
static void p32(eseal_buf *b, uint32_t v) { p16(b, v & 0xFFFF); p16(b, v >> 16); }

static void build_zip(eseal_buf *out, const zent *e, size_t n, const char *prefix, const char *suffix)
{
	eseal_buf cd = ESEAL_BUF_INIT;
	uint32_t offs[32];
	if (prefix)
		eseal_buf_puts(out, prefix);
	size_t base = out->len;
	for (size_t i = 0; i < n; i++) {
		size_t dl = strlen(e[i].data);
		uint32_t crc = (uint32_t)crc32(0, (const Bytef *)e[i].data, (uInt)dl) ^ e[i].data_crc_xor;
		uint32_t usize = e[i].claim_size ? (uint32_t)e[i].claim_size : (uint32_t)dl;
		const char *ln = e[i].local_name ? e[i].local_name : e[i].name;
		offs[i] = (uint32_t)(out->len - base);
		p32(out, 0x04034b50); p16(out, 20); p16(out, 0); p16(out, (unsigned)e[i].method);
		p16(out, 0); p16(out, 0x5021);
		p32(out, crc ^ e[i].local_crc_xor); p32(out, (uint32_t)dl); p32(out, usize);
		p16(out, (unsigned)strlen(ln)); p16(out, 0);
		eseal_buf_puts(out, ln);
		eseal_buf_put(out, e[i].data, dl);

		p32(&cd, 0x02014b50); p16(&cd, 20); p16(&cd, 20); p16(&cd, 0); p16(&cd, (unsigned)e[i].method);
		p16(&cd, 0); p16(&cd, 0x5021);
		p32(&cd, crc); p32(&cd, (uint32_t)dl); p32(&cd, usize);
		p16(&cd, (unsigned)strlen(e[i].name)); p16(&cd, 0); p16(&cd, 0); p16(&cd, 0); p16(&cd, 0);
		p32(&cd, 0); p32(&cd, offs[i]);
		eseal_buf_puts(&cd, e[i].name);
	}
	size_t cd_off = out->len - base;
	eseal_buf_put(out, cd.data, cd.len);
	p32(out, 0x06054b50); p16(out, 0); p16(out, 0); p16(out, (unsigned)n); p16(out, (unsigned)n);
	p32(out, (uint32_t)cd.len); p32(out, (uint32_t)cd_off); p16(out, 0);
	if (suffix)
		eseal_buf_puts(out, suffix);
	eseal_buf_free(&cd);
}

#define NS "xmlns:ofd=\"http://www.ofdspec.org/2016\""
static const char OFD_XML[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:OFD " NS " Version=\"1.0\" DocType=\"OFD\">"
	"<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
	"<ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>";
/* Default namespace, no prefix, and the old namespace URI: found by local name. */
static const char DOC_XML[] =
	"<Document xmlns=\"http://www.ofdspec.org\"><CommonData><PageArea><PhysicalBox>0 0 200 100</PhysicalBox>"
	"</PageArea><TemplatePage ID=\"9\" BaseLoc=\"Tpls/T.xml\"/></CommonData>"
	"<Pages><Page ID=\"5\" BaseLoc=\"Pages/P0/Content.xml\"/><Page ID=\"8\" BaseLoc=\"./Pages/../Pages/P1/Content.xml\"/></Pages></Document>";
static const char TPL_XML[] =
	"<ofd:Page " NS "><ofd:Content><ofd:Layer><ofd:TextObject Boundary=\"10 80 50 10\" Size=\"4\">"
	"<ofd:TextCode X=\"0\" Y=\"4\" DeltaX=\"4\">模板</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>";
/* Page 1: "g" shorthand, a second TextCode without Y (repeats the first's), a nested
 * PageBlock, a scaling CTM, and a rule. */
static const char PAGE0_XML[] =
	"<ofd:Page " NS "><ofd:Template TemplateID=\"9\"/><ofd:Content><ofd:Layer ID=\"1\">"
	"<ofd:TextObject ID=\"2\" Boundary=\"20 30 100 10\" Size=\"5\">"
	"<ofd:TextCode X=\"1\" Y=\"5\" DeltaX=\"g 2 5 2.5\">甲方盖</ofd:TextCode>"
	"<ofd:TextCode X=\"13.5\" DeltaX=\"5\">章处</ofd:TextCode></ofd:TextObject>"
	"<ofd:PageBlock><ofd:PageBlock><ofd:TextObject Boundary=\"20 50 100 20\" Size=\"2\" CTM=\"2 0 0 2 0 0\">"
	"<ofd:TextCode X=\"0\" Y=\"2\">AB</ofd:TextCode></ofd:TextObject></ofd:PageBlock></ofd:PageBlock>"
	"<ofd:PathObject Boundary=\"10 70 100 1\" LineWidth=\"0.3\"><ofd:AbbreviatedData>M 0 0 L 100 0</ofd:AbbreviatedData></ofd:PathObject>"
	"</ofd:Layer></ofd:Content></ofd:Page>";
/* Page 2 overrides the page size and writes DeltaY. */
static const char PAGE1_XML[] =
	"<ofd:Page " NS "><ofd:Area><ofd:PhysicalBox>0 0 297 210</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer>"
	"<ofd:TextObject Boundary=\"0 0 100 100\" Size=\"4\">"
	"<ofd:TextCode X=\"10\" Y=\"10\" DeltaX=\"4 -4\" DeltaY=\"0 10\">上下一</ofd:TextCode></ofd:TextObject>"
	"</ofd:Layer></ofd:Content></ofd:Page>";
/* Type absent (Seal), BaseLoc relative to Signatures.xml (KingGrid style). */
static const char SIGS_XML[] =
	"<ofd:Signatures " NS "><ofd:MaxSignId>2</ofd:MaxSignId>"
	"<ofd:Signature ID=\"1\" BaseLoc=\"Sign_0/Signature.xml\"/>"
	"<ofd:Signature ID=\"2\" Type=\"Sign\" BaseLoc=\"/Doc_0/Signs/Sign_1/Signature.xml\"/></ofd:Signatures>";
static const char SIG0_XML[] =
	"<ofd:Signature " NS "><ofd:SignedInfo><ofd:Provider ProviderName=\"p\" Company=\"c\" Version=\"1\"/>"
	"<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod><ofd:SignatureDateTime>20240101</ofd:SignatureDateTime>"
	"<ofd:References CheckMethod=\"SM3\"><ofd:Reference FileRef=\"Doc_0/Document.xml\"><ofd:CheckValue>\n AAEC\n/w== </ofd:CheckValue></ofd:Reference></ofd:References>"
	"<ofd:StampAnnot ID=\"3\" PageRef=\"8\" Boundary=\"1 2 3 4\" Clip=\"0 0 1 4\"/>"
	"<ofd:Seal><ofd:BaseLoc>Seal.esl</ofd:BaseLoc></ofd:Seal></ofd:SignedInfo>"
	"<ofd:SignedValue>SignedValue.dat</ofd:SignedValue></ofd:Signature>";
static const char SIG1_XML[] = "<ofd:Signature " NS "><ofd:SignedInfo/></ofd:Signature>";

/* A valid package; `bad` replaces the entry with that name (NULL: none). */
static void good_package(eseal_buf *out, const zent *bad, const char *prefix, const char *suffix)
{
	zent e[] = {
		{ .name = "OFD.xml", .data = OFD_XML },
		{ .name = "Doc_0/", .data = "" },
		{ .name = "Doc_0/Document.xml", .data = DOC_XML },
		{ .name = "Doc_0/Tpls/T.xml", .data = TPL_XML },
		{ .name = "Doc_0/Pages/P0/Content.xml", .data = PAGE0_XML },
		{ .name = "Doc_0/Pages/P1/Content.xml", .data = PAGE1_XML },
		{ .name = "Doc_0/Signs/Signatures.xml", .data = SIGS_XML },
		{ .name = "Doc_0/Signs/Sign_0/Signature.xml", .data = SIG0_XML },
		{ .name = "Doc_0/Signs/Sign_0/SignedValue.dat", .data = "\x30\x03\x02\x01\x05" },
		{ .name = "Doc_0/Signs/Sign_1/Signature.xml", .data = SIG1_XML },
	};
	size_t n = sizeof e / sizeof e[0];
	for (size_t i = 0; bad && i < n; i++)
		if (strcmp(e[i].name, bad->name) == 0)
			e[i] = *bad;
	build_zip(out, e, n, prefix, suffix);
}

static int near(double a, double b) { return fabs(a - b) < 0.01; }

static int collect(void *ctx, const uint8_t *p, size_t n)
{
	return eseal_buf_put(ctx, p, n);
}

static void test_synthetic_package(void)
{
	eseal_buf z = ESEAL_BUF_INIT;
	eseal_ofd *d;
	good_package(&z, NULL, NULL, NULL);
	CHECK_OK(eseal_ofd_open_mem(&d, z.data, z.len));
	CHECK_EQ_INT(eseal_ofd_anomaly_count(d), 0);
	CHECK_EQ_INT(eseal_ofd_entry_count(d), 10);
	CHECK(eseal_ofd_entry_find(d, "/Doc_0/Document.xml") != NULL);
	CHECK(eseal_ofd_entry_find(d, "Doc_0/Document.xml") != NULL);
	CHECK(eseal_ofd_entry_find(d, "/Doc_0/document.xml") == NULL);
	CHECK_EQ_STR(eseal_ofd_doc_root(d), "/Doc_0/Document.xml");
	REQUIRE(eseal_ofd_page_count(d) == 2);
	const eseal_ofd_page *p0 = eseal_ofd_page_at(d, 0), *p1 = eseal_ofd_page_at(d, 1);
	CHECK_EQ_STR(p0->id, "5");
	CHECK_EQ_STR(p1->id, "8");
	CHECK_EQ_STR(p1->path, "/Doc_0/Pages/P1/Content.xml");
	CHECK(near(p0->physical.w, 200) && near(p0->physical.h, 100));
	CHECK(near(p1->physical.w, 297) && near(p1->physical.h, 210));
	CHECK(eseal_ofd_page_by_id(d, "8") == p1);

	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_ofd_read(d, "/OFD.xml", 0, &b));
	CHECK(b.len == strlen(OFD_XML) && memcmp(b.data, OFD_XML, b.len) == 0);
	CHECK(eseal_ofd_read(d, "/OFD.xml", 10, &b) == ESEAL_ELIMIT);
	CHECK(eseal_ofd_read(d, "/nope", 0, &b) == ESEAL_ENOTFOUND);
	eseal_buf_free(&b);

	/* Signatures: Type absent means Seal; relative paths resolved. */
	CHECK_EQ_STR(eseal_ofd_signatures_path(d), "/Doc_0/Signs/Signatures.xml");
	CHECK_EQ_STR(eseal_ofd_max_sign_id(d), "2");
	REQUIRE(eseal_ofd_sig_count(d) == 2);
	const eseal_ofd_sig *s = eseal_ofd_sig_at(d, 0);
	CHECK_EQ_INT(s->status, 0);
	CHECK_EQ_INT(s->type, ESEAL_OFD_SEAL);
	CHECK(s->type_attr == NULL);
	CHECK_EQ_STR(s->path, "/Doc_0/Signs/Sign_0/Signature.xml");
	CHECK(s->xml_len == strlen(SIG0_XML) && memcmp(s->xml, SIG0_XML, s->xml_len) == 0);
	CHECK_EQ_STR(s->provider_name, "p");
	CHECK_EQ_STR(s->provider_company, "c");
	CHECK_EQ_STR(s->signature_method, "1.2.156.10197.1.501");
	CHECK_EQ_STR(s->signature_date_time, "20240101");
	CHECK_EQ_STR(s->check_method, "SM3");
	REQUIRE(s->nrefs == 1);
	CHECK_EQ_STR(s->refs[0].path, "/Doc_0/Document.xml");
	CHECK(s->refs[0].check_len == 4 && memcmp(s->refs[0].check_value, "\x00\x01\x02\xff", 4) == 0);
	REQUIRE(s->nstamps == 1);
	CHECK_EQ_STR(s->stamps[0].page_ref, "8");
	CHECK(s->stamps[0].has_clip && near(s->stamps[0].clip.w, 1));
	CHECK(near(s->stamps[0].boundary.h, 4));
	CHECK_EQ_STR(s->seal_path, "/Doc_0/Signs/Sign_0/Seal.esl");
	CHECK_EQ_STR(s->signed_value_path, "/Doc_0/Signs/Sign_0/SignedValue.dat");
	CHECK_OK(eseal_ofd_sig_value(d, 0, &b));
	CHECK(b.len == 5);
	eseal_buf_free(&b);
	/* The second one is broken but the package still opened. */
	s = eseal_ofd_sig_at(d, 1);
	CHECK_EQ_INT(s->type, ESEAL_OFD_SIGN);
	CHECK(s->status == ESEAL_EFORMAT);
	CHECK(s->error && strstr(s->error, "References"));

	/* Text: template first, "g" shorthand, continuation, CTM, PageBlock. */
	eseal_text_doc *t;
	CHECK_OK(eseal_ofd_text(&t, d));
	REQUIRE(t->npages == 2);
	eseal_text_page *tp = &t->pages[0];
	CHECK_EQ_STR(tp->id, "5");
	CHECK(near(tp->width, 200));
	REQUIRE(tp->nlines == 3);
	char *l0 = eseal_text_line_utf8(&tp->lines[0]);
	char *l1 = eseal_text_line_utf8(&tp->lines[1]);
	char *l2 = eseal_text_line_utf8(&tp->lines[2]);
	CHECK_EQ_STR(l0, "甲方盖章处");
	CHECK_EQ_STR(l1, "AB");
	CHECK_EQ_STR(l2, "模板");
	free(l0);
	free(l1);
	free(l2);
	/* 甲 at 20+1, 方 +5, 盖 +5, then 章 at 20+13.5 on the same Y, 处 +5. */
	REQUIRE(tp->lines[0].nchars == 5);
	CHECK(near(tp->lines[0].chars[0].box.x, 21));
	CHECK(near(tp->lines[0].chars[2].box.x, 31));
	CHECK(near(tp->lines[0].chars[3].box.x, 33.5));
	CHECK(near(tp->lines[0].chars[4].box.x, 38.5));
	CHECK(near(tp->lines[0].chars[0].box.y, 30 + 5 - 0.86 * 5));
	CHECK(near(tp->lines[0].chars[0].box.h, 5));
	/* CTM doubles: A at x 20, y 50 + 2*(2 - 0.86*2), 2 mm glyphs become 4. */
	CHECK(near(tp->lines[1].chars[0].box.x, 20));
	CHECK(near(tp->lines[1].chars[0].box.h, 4));
	CHECK(near(tp->lines[1].chars[0].size, 4));
	CHECK(near(tp->lines[1].chars[1].box.x, 22));
	REQUIRE(tp->nrules == 1);
	CHECK(near(tp->rules[0].box.x, 10) && near(tp->rules[0].box.w, 100) && near(tp->rules[0].box.y, 70));
	/* Page 2: DeltaY moves the third glyph down a line. */
	tp = &t->pages[1];
	CHECK(near(tp->width, 297));
	REQUIRE(tp->nlines == 2);
	CHECK_EQ_INT(tp->lines[0].nchars, 2);
	CHECK(near(tp->lines[1].chars[0].box.x, 10));
	CHECK(near(tp->lines[1].box.y - tp->lines[0].box.y, 10));

	eseal_text_hit *h;
	size_t nh;
	CHECK_OK(eseal_text_find(t, "盖章", &h, &nh));
	REQUIRE(nh == 1);
	CHECK(near(h[0].box.x, 31) && near(h[0].box.w, 7.5));
	free(h);
	eseal_text_doc_free(t);
	eseal_ofd_free(d);
	eseal_buf_free(&z);
}

/* Paths written from the root without "/" and in the wrong case are found,
 * with an anomaly each. */
static void test_lenient_paths(void)
{
	eseal_buf z = ESEAL_BUF_INIT;
	eseal_ofd *d;
	zent doc = { .name = "Doc_0/Document.xml",
		     .data = "<Document><CommonData><PageArea><PhysicalBox>0 0 200 100</PhysicalBox></PageArea>"
			     "</CommonData><Pages><Page ID=\"5\" BaseLoc=\"Doc_0/Pages/P0/Content.xml\"/>"
			     "<Page ID=\"8\" BaseLoc=\"PAGES/p1/Content.xml\"/></Pages></Document>" };
	good_package(&z, &doc, NULL, NULL);
	CHECK_OK(eseal_ofd_open_mem(&d, z.data, z.len));
	REQUIRE(eseal_ofd_page_count(d) == 2);
	CHECK_EQ_STR(eseal_ofd_page_at(d, 0)->path, "/Doc_0/Pages/P0/Content.xml");
	CHECK_EQ_STR(eseal_ofd_page_at(d, 1)->path, "/Doc_0/Pages/P1/Content.xml");
	REQUIRE(eseal_ofd_anomaly_count(d) == 2);
	CHECK(strstr(eseal_ofd_anomaly(d, 0), "relative to the package root") != NULL);
	CHECK(strstr(eseal_ofd_anomaly(d, 1), "/Doc_0/PAGES/p1/Content.xml is spelled "
			"/Doc_0/Pages/P1/Content.xml") != NULL);
	CHECK(near(eseal_ofd_page_at(d, 1)->physical.w, 297));
	eseal_ofd_free(d);

	/* Two pages with one ID: reported; lookups give the first. */
	z.len = 0;
	zent dup = { .name = "Doc_0/Document.xml",
		     .data = "<Document><CommonData><PageArea><PhysicalBox>0 0 200 100</PhysicalBox></PageArea>"
			     "</CommonData><Pages><Page ID=\"5\" BaseLoc=\"Pages/P1/Content.xml\"/>"
			     "<Page ID=\"5\" BaseLoc=\"Pages/P0/Content.xml\"/></Pages></Document>" };
	good_package(&z, &dup, NULL, NULL);
	CHECK_OK(eseal_ofd_open_mem(&d, z.data, z.len));
	REQUIRE(eseal_ofd_anomaly_count(d) == 1);
	CHECK(strstr(eseal_ofd_anomaly(d, 0), "pages 1 and 2 have the same ID \"5\"") != NULL);
	CHECK(eseal_ofd_page_by_id(d, "5") == eseal_ofd_page_at(d, 0));
	CHECK(eseal_ofd_page_by_id(d, "8") == NULL);
	eseal_ofd_free(d);
	eseal_buf_free(&z);
}

/* Opens the bytes and expects failure with code and a message fragment. */
static void expect_refused(const eseal_buf *z, int code, const char *why)
{
	eseal_ofd *d = NULL;
	int rc = eseal_ofd_open_mem(&d, z->data, z->len);
	if (rc != code || !strstr(eseal_error_last(), why))
		fprintf(stderr, "  got %d \"%s\", expected %d \"%s\"\n", rc, eseal_error_last(), code, why);
	CHECK(rc == code);
	CHECK(strstr(eseal_error_last(), why) != NULL);
	CHECK(d == NULL);
	eseal_ofd_free(d);
}

static void test_duplicate_names(void)
{
	eseal_buf z = ESEAL_BUF_INIT;
	zent e[] = { { .name = "OFD.xml", .data = OFD_XML }, { .name = "a.xml", .data = "<a/>" },
		     { .name = "a.xml", .data = "<b/>" } };
	build_zip(&z, e, 3, NULL, NULL);
	expect_refused(&z, ESEAL_EFORMAT, "duplicate entry name \"/a.xml\"");
	/* Two spellings of one path are the same file. */
	z.len = 0;
	zent f[] = { { .name = "OFD.xml", .data = OFD_XML }, { .name = "d/a.xml", .data = "<a/>" },
		     { .name = "d/./a.xml", .data = "<b/>" } };
	build_zip(&z, f, 3, NULL, NULL);
	expect_refused(&z, ESEAL_EFORMAT, "spelled two ways");
	/* Names differing only in case open, with an anomaly. */
	z.len = 0;
	good_package(&z, &(zent){ .name = "Doc_0/Signs/Sign_1/Signature.xml", .data = SIG1_XML,
				  .local_name = NULL }, NULL, NULL);
	eseal_ofd *d;
	zent g[] = { { .name = "OFD.xml", .data = OFD_XML }, { .name = "Doc_0/Document.xml", .data = DOC_XML },
		     { .name = "Doc_0/document.xml", .data = DOC_XML } };
	z.len = 0;
	build_zip(&z, g, 3, NULL, NULL);
	CHECK_OK(eseal_ofd_open_mem(&d, z.data, z.len));
	CHECK(eseal_ofd_anomaly_count(d) >= 1);
	CHECK(strstr(eseal_ofd_anomaly(d, 0), "differ only in case") != NULL);
	eseal_ofd_free(d);
	eseal_buf_free(&z);
}

static void test_traversal(void)
{
	eseal_buf z = ESEAL_BUF_INIT;
	zent e[] = { { .name = "OFD.xml", .data = OFD_XML }, { .name = "../x", .data = "x" } };
	build_zip(&z, e, 2, NULL, NULL);
	expect_refused(&z, ESEAL_EFORMAT, "path traversal");
	z.len = 0;
	zent f[] = { { .name = "OFD.xml", .data = OFD_XML }, { .name = "/etc/passwd", .data = "x" } };
	build_zip(&z, f, 2, NULL, NULL);
	expect_refused(&z, ESEAL_EFORMAT, "absolute name");
	eseal_buf_free(&z);
}

static void test_doctype(void)
{
	eseal_buf z = ESEAL_BUF_INIT;
	zent bad = { .name = "Doc_0/Document.xml",
		     .data = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
			     "<Document>&x;</Document>" };
	good_package(&z, &bad, NULL, NULL);
	expect_refused(&z, ESEAL_EFORMAT, "DOCTYPE is refused");
	/* The same in UTF-16 (with a BOM) is caught by the parser itself. */
	static const char u16[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>";
	char raw[2 * sizeof u16 + 2];
	raw[0] = (char)0xFF;
	raw[1] = (char)0xFE;
	for (size_t i = 0; i < sizeof u16 - 1; i++) {
		raw[2 + 2 * i] = u16[i];
		raw[3 + 2 * i] = 0;
	}
	xmlDocPtr x;
	CHECK(ofd_xml_parse(&x, (const uint8_t *)raw, 2 * (sizeof u16 - 1) + 2, "u16.xml") == ESEAL_EFORMAT);
	CHECK(strstr(eseal_error_last(), "u16.xml: XML with a DOCTYPE is refused") != NULL);
	CHECK(x == NULL);
	/* Without the DOCTYPE the same encoding parses. */
	static const char ok16[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>b</a>";
	for (size_t i = 0; i < sizeof ok16 - 1; i++) {
		raw[2 + 2 * i] = ok16[i];
		raw[3 + 2 * i] = 0;
	}
	CHECK_OK(ofd_xml_parse(&x, (const uint8_t *)raw, 2 * (sizeof ok16 - 1) + 2, "ok16.xml"));
	xmlFreeDoc(x);
	/* Plain malformed XML gets the parser's reason and the file name. */
	z.len = 0;
	zent bad2 = { .name = "Doc_0/Document.xml", .data = "<Document><Pages></Document>" };
	good_package(&z, &bad2, NULL, NULL);
	expect_refused(&z, ESEAL_EFORMAT, "/Doc_0/Document.xml: XML error");
	eseal_buf_free(&z);
}

static void test_sizes(void)
{
	eseal_buf z = ESEAL_BUF_INIT;
	zent huge = { .name = "Doc_0/Signs/Sign_0/SignedValue.dat", .data = "xx", .method = 8,
		      .claim_size = (uint64_t)3 << 30 };
	good_package(&z, &huge, NULL, NULL);
	expect_refused(&z, ESEAL_ELIMIT, "claims 3221225472 bytes");
	z.len = 0;
	zent bomb = { .name = "Doc_0/Signs/Sign_0/SignedValue.dat", .data = "0123456789", .method = 8,
		      .claim_size = (uint64_t)100 << 20 };
	good_package(&z, &bomb, NULL, NULL);
	expect_refused(&z, ESEAL_ELIMIT, "expands");
	eseal_buf_free(&z);
}

static void test_header_mismatch(void)
{
	eseal_buf z = ESEAL_BUF_INIT;
	zent name = { .name = "Doc_0/Tpls/T.xml", .data = TPL_XML, .local_name = "Doc_0/Tpls/X.xml" };
	good_package(&z, &name, NULL, NULL);
	expect_refused(&z, ESEAL_EFORMAT, "disagree (name)");
	z.len = 0;
	zent crc = { .name = "Doc_0/Tpls/T.xml", .data = TPL_XML, .local_crc_xor = 1 };
	good_package(&z, &crc, NULL, NULL);
	expect_refused(&z, ESEAL_EFORMAT, "disagree (CRC)");
	z.len = 0;
	/* Data that does not match the CRC both headers agree on opens (the
	 * file is not read yet) but fails when read. */
	zent data = { .name = "Doc_0/Signs/Sign_0/SignedValue.dat", .data = "\x30\x03\x02\x01\x05",
		      .data_crc_xor = 0x10 };
	good_package(&z, &data, NULL, NULL);
	eseal_ofd *d;
	CHECK_OK(eseal_ofd_open_mem(&d, z.data, z.len));
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK(eseal_ofd_sig_value(d, 0, &b) == ESEAL_EFORMAT);
	CHECK(strstr(eseal_error_last(), "CRC") != NULL);
	CHECK_EQ_INT(b.len, 0);
	CHECK(eseal_ofd_stream(d, "/Doc_0/Signs/Sign_0/SignedValue.dat", collect, &b) == ESEAL_EFORMAT);
	CHECK(strstr(eseal_error_last(), "CRC") != NULL);
	eseal_buf_free(&b);
	eseal_ofd_free(d);
	eseal_buf_free(&z);
}

static void test_data_around(void)
{
	eseal_buf z = ESEAL_BUF_INIT;
	eseal_ofd *d;
	good_package(&z, NULL, "PREPENDED-STUFF", "TRAILING");
	CHECK_OK(eseal_ofd_open_mem(&d, z.data, z.len));
	REQUIRE(eseal_ofd_anomaly_count(d) == 2);
	CHECK(strstr(eseal_ofd_anomaly(d, 0), "15 bytes of data before") != NULL);
	CHECK(strstr(eseal_ofd_anomaly(d, 1), "8 bytes of data after") != NULL);
	CHECK_EQ_INT(eseal_ofd_page_count(d), 2);
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_ofd_read(d, "Doc_0/Tpls/T.xml", 0, &b));
	CHECK(b.len == strlen(TPL_XML));
	eseal_buf_free(&b);
	eseal_ofd_free(d);

	/* Not a zip at all, and a truncated one. */
	expect_refused(&(eseal_buf){ (uint8_t *)"hello world, not a zip", 22, 0 }, ESEAL_EFORMAT, "not a zip");
	z.len -= 30;
	expect_refused(&z, ESEAL_EFORMAT, "zip");
	eseal_buf_free(&z);
}

static void test_paths(void)
{
	static const struct { const char *from, *ref, *want; } v[] = {
		{ "/Doc_0/Document.xml", "Pages/Page_0/Content.xml", "/Doc_0/Pages/Page_0/Content.xml" },
		{ "/Doc_0/Document.xml", "/Doc_0/Res/a.png", "/Doc_0/Res/a.png" },
		{ "/Doc_0/Signs/Signatures.xml", "Sign_0/Signature.xml", "/Doc_0/Signs/Sign_0/Signature.xml" },
		{ "/Doc_0/Signs/Sign_0/Signature.xml", "../../Res/./x.dat", "/Doc_0/Res/x.dat" },
		{ "/OFD.xml", "Doc_0/Document.xml", "/Doc_0/Document.xml" },
		{ NULL, "Doc_0//Document.xml", "/Doc_0/Document.xml" },
		{ NULL, " \\Doc_0\\Signs\\Signatures.xml\n", "/Doc_0/Signs/Signatures.xml" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *out;
		CHECK_OK(eseal_ofd_path_resolve(&out, v[i].from, v[i].ref));
		CHECK_EQ_STR(out, v[i].want);
		free(out);
	}
	char *out;
	CHECK(eseal_ofd_path_resolve(&out, "/Doc_0/Document.xml", "../../x") == ESEAL_EFORMAT);
	CHECK(strstr(eseal_error_last(), "escapes") != NULL);
	CHECK(eseal_ofd_path_resolve(&out, NULL, "/..") == ESEAL_EFORMAT);
	CHECK(eseal_ofd_path_resolve(&out, NULL, "") == ESEAL_EFORMAT);
	CHECK(eseal_ofd_path_resolve(&out, NULL, "./") == ESEAL_EFORMAT);
}

/* ---- real files ---- */

static eseal_ofd *open_fixture(const char *name)
{
	char rel[256];
	snprintf(rel, sizeof rel, "fixtures/ofd/%s", name);
	const char *path = h_shared(rel);
	eseal_ofd *d = NULL;
	if (!path) {
		fprintf(stderr, "  missing fixture %s\n", name);
		return NULL;
	}
	int rc = eseal_ofd_open(&d, path);
	if (rc)
		fprintf(stderr, "  %s: %s\n", name, eseal_error_last());
	return d;
}

static void test_fixtures_open(void)
{
	SKIP_IF_NO_SHARED();
	static const char *const all[] = { "Page5.ofd", "SESV4SignDoc.ofd", "V4RideRight.ofd", "allprotected.ofd",
					   "helloworld.ofd", "keyword.ofd", "keyword2-unsigned-2pages.ofd",
					   "v4signed.ofd" };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		eseal_ofd *d = open_fixture(all[i]);
		CHECK(d != NULL);
		if (!d)
			continue;
		CHECK(eseal_ofd_page_count(d) >= 1);
		/* keyword.ofd was edited after signing; its Document.xml names an
		 * Annotations.xml that is not in the package. v4signed.ofd
		 * (GOMAIN) writes its template path as "TPLS/..." for "Tpls/...". */
		if (strcmp(all[i], "keyword.ofd") == 0) {
			CHECK_EQ_INT(eseal_ofd_anomaly_count(d), 1);
			CHECK(strstr(eseal_ofd_anomaly(d, 0), "/Doc_0/Annotations.xml, which is missing") != NULL);
		} else if (strcmp(all[i], "Page5.ofd") == 0 || strcmp(all[i], "V4RideRight.ofd") == 0) {
			/* ofdrw names a PublicRes.xml it never wrote. */
			CHECK_EQ_INT(eseal_ofd_anomaly_count(d), 1);
			CHECK(strstr(eseal_ofd_anomaly(d, 0), "/Doc_0/PublicRes.xml, which is missing") != NULL);
		} else if (strcmp(all[i], "v4signed.ofd") == 0) {
			CHECK_EQ_INT(eseal_ofd_anomaly_count(d), 1);
			CHECK(strstr(eseal_ofd_anomaly(d, 0), "/Doc_0/TPLS/Tpl_0/Content.xml is spelled "
					"/Doc_0/Tpls/Tpl_0/Content.xml") != NULL);
		} else {
			CHECK_EQ_INT(eseal_ofd_anomaly_count(d), 0);
		}
		for (size_t k = 0; k < eseal_ofd_sig_count(d); k++)
			CHECK_EQ_INT(eseal_ofd_sig_at(d, k)->status, 0);
		/* Every entry can be read and matches its CRC, and its raw
		 * bytes inflate to the same content. */
		for (size_t k = 0; k < eseal_ofd_entry_count(d); k++) {
			const eseal_ofd_entry *e = eseal_ofd_entry_at(d, k);
			if (e->is_dir)
				continue;
			eseal_buf b = ESEAL_BUF_INIT, raw = ESEAL_BUF_INIT;
			CHECK_OK(eseal_ofd_read(d, e->path, 0, &b));
			CHECK(b.len == e->size);
			CHECK_OK(eseal_ofd_read_raw(d, e->path, &raw));
			CHECK(raw.len == e->csize);
			if (e->method == 0) {
				CHECK(raw.len == b.len && memcmp(raw.data, b.data, b.len) == 0);
			} else {
				uint8_t *plain = malloc(e->size + 1);
				z_stream zs = { 0 };
				REQUIRE(plain && inflateInit2(&zs, -15) == Z_OK);
				zs.next_in = raw.data;
				zs.avail_in = (uInt)raw.len;
				zs.next_out = plain;
				zs.avail_out = (uInt)e->size + 1;
				CHECK(inflate(&zs, Z_FINISH) == Z_STREAM_END);
				CHECK(zs.total_out == e->size && memcmp(plain, b.data, b.len) == 0);
				inflateEnd(&zs);
				free(plain);
			}
			/* Streaming gives the same bytes. */
			eseal_buf st = ESEAL_BUF_INIT;
			CHECK_OK(eseal_ofd_stream(d, e->path, collect, &st));
			CHECK(st.len == b.len && (b.len == 0 || memcmp(st.data, b.data, b.len) == 0));
			eseal_buf_free(&st);
			eseal_buf_free(&b);
			eseal_buf_free(&raw);
		}
		eseal_ofd_free(d);
	}
}

static void test_fixture_pages(void)
{
	SKIP_IF_NO_SHARED();
	static const char *const ids[] = { "1", "21", "43", "63", "83" };
	static const char *const files[] = { "Page5.ofd", "V4RideRight.ofd" };
	for (int f = 0; f < 2; f++) {
		eseal_ofd *d = open_fixture(files[f]);
		REQUIRE(d);
		REQUIRE(eseal_ofd_page_count(d) == 5);
		for (size_t i = 0; i < 5; i++) {
			const eseal_ofd_page *p = eseal_ofd_page_at(d, i);
			CHECK_EQ_STR(p->id, ids[i]);
			CHECK_EQ_INT(p->index, (int)i + 1);
			CHECK(near(p->physical.w, 210) && near(p->physical.h, 297));
		}
		eseal_ofd_free(d);
	}
	/* keyword.ofd: the page's own Area (283 x 196) overrides CommonData. */
	eseal_ofd *d = open_fixture("keyword.ofd");
	REQUIRE(d);
	CHECK(near(eseal_ofd_page_at(d, 0)->physical.w, 283));
	CHECK(near(eseal_ofd_page_at(d, 0)->physical.h, 196));
	/* Document.xml names an Annotations.xml that the package lacks. */
	CHECK_EQ_STR(eseal_ofd_annotations_path(d), "/Doc_0/Annotations.xml");
	/* It embeds its font and an image under Doc_0/Res (BaseLoc="Res"). */
	const eseal_ofd_res *r = eseal_ofd_res_by_id(d, "7");
	REQUIRE(r);
	CHECK_EQ_INT(r->kind, ESEAL_OFD_RES_FONT);
	CHECK_EQ_STR(r->name, "宋体");
	CHECK_EQ_STR(r->path, "/Doc_0/Res/Font7.ttf");
	r = eseal_ofd_res_by_id(d, "5");
	REQUIRE(r);
	CHECK_EQ_INT(r->kind, ESEAL_OFD_RES_MEDIA);
	CHECK_EQ_STR(r->name, "Image");
	CHECK_EQ_STR(r->path, "/Doc_0/Res/image_1_5.png");
	eseal_ofd_free(d);
	/* v4signed.ofd: fonts without files, one annotation (GOMAIN's
	 * SignatureInFile stamp annotation on page 1). */
	d = open_fixture("v4signed.ofd");
	REQUIRE(d);
	CHECK_EQ_STR(eseal_ofd_annotations_path(d), "/Doc_0/Annots/Annotations.xml");
	REQUIRE(eseal_ofd_annot_count(d) == 1);
	const eseal_ofd_annot *an = eseal_ofd_annot_at(d, 0);
	CHECK_EQ_STR(an->page_id, "1");
	CHECK_EQ_STR(an->path, "/Doc_0/Annots/Page_0/Annotation.xml");
	CHECK_EQ_STR(an->id, "117");
	CHECK_EQ_STR(an->type, "Stamp");
	CHECK_EQ_STR(an->subtype, "SignatureInFile");
	CHECK(an->has_boundary && near(an->boundary.x, 4.5) && near(an->boundary.w, 115));
	r = eseal_ofd_res_by_id(d, "91");
	REQUIRE(r);
	CHECK_EQ_STR(r->family, "Courier New");
	CHECK(r->path == NULL);
	CHECK_EQ_STR(eseal_ofd_res_by_id(d, "106")->path, "/Doc_0/Res/qr.png");
	eseal_ofd_free(d);
}

static void test_fixture_signatures(void)
{
	SKIP_IF_NO_SHARED();
	eseal_ofd *d = open_fixture("v4signed.ofd");
	REQUIRE(d);
	REQUIRE(eseal_ofd_sig_count(d) == 1);
	const eseal_ofd_sig *s = eseal_ofd_sig_at(d, 0);
	CHECK_EQ_STR(s->id, "1");
	CHECK(s->type_attr == NULL);
	CHECK_EQ_INT(s->type, ESEAL_OFD_SEAL);
	CHECK_EQ_INT(s->nrefs, 13);
	CHECK_EQ_STR(s->check_method, "1.2.156.10197.1.401");
	CHECK_EQ_STR(s->provider_name, "gomain_eseal");
	CHECK_EQ_STR(s->provider_company, "BW");
	CHECK_EQ_STR(s->signature_date_time, "20201010151120");
	REQUIRE(s->nstamps == 1);
	CHECK_EQ_STR(s->stamps[0].page_ref, "1");
	CHECK(near(s->stamps[0].boundary.x, 90) && near(s->stamps[0].boundary.w, 30));
	CHECK(s->seal_path == NULL);
	for (size_t i = 0; i < s->nrefs; i++) {
		CHECK_EQ_INT(s->refs[i].check_len, 32);
		CHECK(eseal_ofd_entry_find(d, s->refs[i].path) != NULL);
		CHECK(strcmp(s->refs[i].path, "/Doc_0/Signs/Signatures.xml") != 0);
	}
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_ofd_sig_value(d, 0, &b));
	CHECK_EQ_INT(b.len, 6439);
	eseal_buf_free(&b);
	/* The raw Signature.xml bytes are kept as they are in the zip. */
	CHECK_OK(eseal_ofd_read(d, s->path, 0, &b));
	CHECK(b.len == s->xml_len && memcmp(b.data, s->xml, b.len) == 0);
	eseal_buf_free(&b);
	eseal_ofd_free(d);

	d = open_fixture("keyword.ofd");
	REQUIRE(d);
	REQUIRE(eseal_ofd_sig_count(d) == 2);
	CHECK_EQ_STR(eseal_ofd_max_sign_id(d), "s4");
	CHECK_EQ_STR(eseal_ofd_sig_at(d, 0)->id, "2");
	CHECK_EQ_INT(eseal_ofd_sig_at(d, 0)->type, ESEAL_OFD_SEAL);
	CHECK_EQ_STR(eseal_ofd_sig_at(d, 0)->seal_path, "/Doc_0/Signs/Sign_1/Seal.esl");
	CHECK_EQ_STR(eseal_ofd_sig_at(d, 1)->id, "4");
	CHECK_EQ_INT(eseal_ofd_sig_at(d, 1)->type, ESEAL_OFD_SIGN);
	CHECK_EQ_INT(eseal_ofd_sig_at(d, 1)->nstamps, 0);
	eseal_ofd_free(d);

	d = open_fixture("V4RideRight.ofd");
	REQUIRE(d);
	REQUIRE(eseal_ofd_sig_count(d) == 1);
	s = eseal_ofd_sig_at(d, 0);
	CHECK_EQ_STR(s->id, "s001");
	CHECK_EQ_INT(s->nrefs, 9);
	REQUIRE(s->nstamps == 5);
	static const char *const pages[] = { "1", "21", "43", "63", "83" };
	for (int i = 0; i < 5; i++) {
		CHECK_EQ_STR(s->stamps[i].page_ref, pages[i]);
		CHECK(eseal_ofd_page_by_id(d, s->stamps[i].page_ref) != NULL);
		CHECK(s->stamps[i].has_clip);
		CHECK(near(s->stamps[i].boundary.x, 202 - 8 * i));
		CHECK(near(s->stamps[i].clip.x, 8 * i) && near(s->stamps[i].clip.w, 8));
	}
	eseal_ofd_free(d);

	d = open_fixture("allprotected.ofd");
	REQUIRE(d);
	REQUIRE(eseal_ofd_sig_count(d) == 1);
	s = eseal_ofd_sig_at(d, 0);
	CHECK_EQ_STR(s->id, "001");
	CHECK_EQ_INT(s->nrefs, 6);
	int found = 0;
	for (size_t i = 0; i < s->nrefs; i++)
		found |= strcmp(s->refs[i].path, "/Doc_0/Signs/Signatures.xml") == 0;
	CHECK(found);
	eseal_ofd_free(d);

	d = open_fixture("SESV4SignDoc.ofd");
	REQUIRE(d);
	REQUIRE(eseal_ofd_sig_count(d) == 1);
	CHECK_EQ_STR(eseal_ofd_sig_at(d, 0)->check_method, "SM3");
	CHECK_EQ_INT(eseal_ofd_sig_at(d, 0)->nrefs, 5);
	eseal_ofd_free(d);

	/* Unsigned files have no Signatures. */
	d = open_fixture("helloworld.ofd");
	REQUIRE(d);
	CHECK(eseal_ofd_signatures_path(d) == NULL);
	CHECK_EQ_INT(eseal_ofd_sig_count(d), 0);
	eseal_ofd_free(d);
}

static void test_fixture_text(void)
{
	SKIP_IF_NO_SHARED();
	eseal_text_doc *t;
	CHECK_OK(eseal_ofd_text_file(&t, h_shared("fixtures/ofd/helloworld.ofd")));
	REQUIRE(t->npages == 1 && t->pages[0].nlines == 1);
	char *s = eseal_text_line_utf8(&t->pages[0].lines[0]);
	CHECK_EQ_STR(s, "你好呀，OFD Reader&Writer！");
	free(s);
	/* Boundary 31.7 25.4, Y 3, size 3: top = 25.4 + 3 - 0.86 * 3. */
	eseal_box b = t->pages[0].lines[0].box;
	CHECK(near(b.x, 31.7) && near(b.y, 25.82) && near(b.h, 3));
	eseal_text_doc_free(t);

	/* keyword2: the company name is split over four TextObjects of one line. */
	CHECK_OK(eseal_ofd_text_file(&t, h_shared("fixtures/ofd/keyword2-unsigned-2pages.ofd")));
	REQUIRE(t->npages == 2);
	CHECK_EQ_STR(t->pages[1].id, "11");
	/* The leading blanks of the second line are trimmed. */
	REQUIRE(t->pages[0].nlines == 2);
	s = eseal_text_line_utf8(&t->pages[0].lines[1]);
	CHECK_EQ_STR(s, "重庆市马上融资担保有限公司");
	free(s);
	CHECK(near(t->pages[0].lines[1].box.x, 57.16 + 4 * 1.0585));
	eseal_text_hit *h;
	size_t n;
	CHECK_OK(eseal_text_find(t, "重庆市马上融资担保有限公司", &h, &n));
	REQUIRE(n == 2);
	CHECK_EQ_INT(h[0].page, 1);
	CHECK_EQ_INT(h[1].page, 2);
	/* From 重 (57.16 + 4 * 1.0585) to the end of 司 (112.20 + 4.234). */
	CHECK(near(h[0].box.x, 57.16 + 4 * 1.0585));
	CHECK(fabs(h[0].box.x + h[0].box.w - (112.20 + 4.234)) < 0.02);
	free(h);
	eseal_text_doc_free(t);

	/* keyword.ofd: "g" shorthand and multi-line TextCodes (DeltaY). */
	CHECK_OK(eseal_ofd_text_file(&t, h_shared("fixtures/ofd/keyword.ofd")));
	CHECK_OK(eseal_text_find(t, "鲁(2020)泰安市不动产权第0009455号", &h, &n));
	CHECK_EQ_INT(n, 1);
	free(h);
	CHECK_OK(eseal_text_find(t, "中国建设银行股份有限公司泰安分行", &h, &n));
	REQUIRE(n == 1);
	CHECK(near(h[0].box.x, 191.75) && near(h[0].box.w, 16 * 4.2333));
	free(h);
	/* Left out: the 45° watermark and the text hidden in an empty box. */
	CHECK_OK(eseal_text_find(t, "事由户籍", &h, &n));
	CHECK_EQ_INT(n, 0);
	free(h);
	CHECK_OK(eseal_text_find(t, "MB", &h, &n));
	CHECK_EQ_INT(n, 0);
	free(h);
	eseal_text_doc_free(t);

	/* The JSON form of a real file parses and carries the page size. */
	CHECK_OK(eseal_ofd_text_file(&t, h_shared("fixtures/ofd/v4signed.ofd")));
	eseal_buf j = ESEAL_BUF_INIT;
	CHECK_OK(eseal_text_doc_json(t, 1, &j));
	CHECK_OK(eseal_buf_cstr(&j));
	CHECK(strstr((const char *)j.data, "\"height\": 140") != NULL);
	CHECK(strstr((const char *)j.data, "杭州融易算企业管理咨询有限公司") != NULL);
	/* Template text (found through the case-insensitive fallback). */
	CHECK(strstr((const char *)j.data, "价税合计（大写）") != NULL);
	eseal_buf_free(&j);
	eseal_text_doc_free(t);

	CHECK(eseal_ofd_text_file(&t, "/nonexistent.ofd") == ESEAL_EIO);
	CHECK(t == NULL);
}

TESTS(T(test_synthetic_package), T(test_lenient_paths), T(test_duplicate_names), T(test_traversal), T(test_doctype), T(test_sizes),
      T(test_header_mismatch), T(test_data_around), T(test_paths), T(test_fixtures_open), T(test_fixture_pages),
      T(test_fixture_signatures), T(test_fixture_text))
