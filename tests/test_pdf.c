/*
 * test_pdf.c - the PDF engine: every shared fixture (pages, revisions,
 * encryption, recovery), text extraction with positions, the placement
 * documents, stream filters, and hostile inputs that must fail cleanly.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <jansson.h>

#include "harness.h"
#include "eseal/pdf.h"
#include "eseal/text.h"
#include "pdf/pdf_internal.h"

static eseal_pdf *open_fixture(const char *name)
{
	char rel[256];
	snprintf(rel, sizeof rel, "fixtures/pdf/%s", name);
	const char *p = h_shared(rel);
	if (!p)
		return NULL;
	eseal_pdf *pdf = NULL;
	if (eseal_pdf_load(&pdf, p) != 0) {
		fprintf(stderr, "  %s: %s\n", name, eseal_error_last());
		return NULL;
	}
	return pdf;
}

/* All text of a document, lines joined with newlines. */
static char *all_text(eseal_pdf *pdf)
{
	eseal_text_doc *d;
	if (eseal_pdf_text(&d, pdf))
		return NULL;
	eseal_buf b = ESEAL_BUF_INIT;
	for (size_t i = 0; i < d->npages; i++)
		for (size_t l = 0; l < d->pages[i].nlines; l++) {
			char *s = eseal_text_line_utf8(&d->pages[i].lines[l]);
			eseal_buf_puts(&b, s ? s : "");
			eseal_buf_putc(&b, '\n');
			free(s);
		}
	eseal_buf_cstr(&b);
	eseal_text_doc_free(d);
	return (char *)b.data;
}

static void test_fixture_pages(void)
{
	SKIP_IF_NO_SHARED();
	static const struct { const char *name; size_t pages, revs; } t[] = {
		{ "minimal.pdf", 1, 1 }, { "incremental-1.pdf", 1, 3 }, { "hybrid-xref.pdf", 30, 2 },
		{ "c-linearized.pdf", 30, 1 }, { "form-filled-by-acrobat.pdf", 3, 2 },
		{ "need-appearances-utf8.pdf", 1, 1 }, { "digitally-signed.pdf", 1, 1 },
		{ "minimal-signed-restricted.pdf", 2, 1 }, { "V4-aes.pdf", 30, 1 },
		{ "enc-XI-R6_V5_O-master.pdf", 30, 1 }, { "rotated.pdf", 20, 1 }, { "boxes.pdf", 8, 1 },
		{ "issue12823.pdf", 1, 1 }, { "bad-xref-entry.pdf", 1, 1 },
		/* 7 %%EOF markers, but the first ends the linearization
		 * first-page section: 6 revisions a signature could cover */
		{ "prefilled_f1040.pdf", 2, 6 },
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		eseal_pdf *pdf = open_fixture(t[i].name);
		CHECK(pdf != NULL);
		if (!pdf)
			continue;
		size_t n = 0;
		CHECK_OK(eseal_pdf_page_count(pdf, &n));
		if (n != t[i].pages)
			fprintf(stderr, "  %s: %zu pages\n", t[i].name, n);
		CHECK_EQ_INT(n, t[i].pages);
		CHECK_EQ_INT(eseal_pdf_revision_count(pdf), t[i].revs);
		/* revision ends grow and the last one is the end of the file */
		size_t len;
		eseal_pdf_data(pdf, &len);
		for (size_t r = 1; r < eseal_pdf_revision_count(pdf); r++)
			CHECK(eseal_pdf_revision_end(pdf, r - 1) < eseal_pdf_revision_end(pdf, r));
		CHECK_EQ_INT(eseal_pdf_revision_end(pdf, eseal_pdf_revision_count(pdf) - 1), len);
		/* every page's text can be extracted */
		char *s = all_text(pdf);
		CHECK(s != NULL);
		free(s);
		eseal_pdf_free(pdf);
	}
}

static void test_revisions(void)
{
	SKIP_IF_NO_SHARED();
	eseal_pdf *pdf = open_fixture("incremental-1.pdf");
	REQUIRE(pdf);
	CHECK_EQ_INT(eseal_pdf_revision_end(pdf, 0), 763); /* the original minimal.pdf */
	/* the newest section is the one the last startxref names */
	uint64_t sx;
	int sx_stream;
	eseal_pdf_revision rv;
	CHECK_OK(eseal_pdf_startxref(pdf, &sx, &sx_stream));
	CHECK_OK(eseal_pdf_revision_get(pdf, 2, &rv));
	CHECK_EQ_INT(sx, rv.xref_offset);
	CHECK(!sx_stream);
	size_t flen;
	const uint8_t *fd = eseal_pdf_data(pdf, &flen);
	CHECK(sx + 4 < flen && !memcmp(fd + sx, "xref", 4));
	/* the first revision's content says Potato, the last one Salad */
	int found_old = 0, found_new = 0;
	for (uint32_t n = 1; n < eseal_pdf_object_count(pdf); n++) {
		const eseal_pdf_val *v;
		eseal_buf b = ESEAL_BUF_INIT;
		if (eseal_pdf_object_at(pdf, 0, n, &v) == 0 && eseal_pdf_val_type(v) == ESEAL_PDF_STREAM &&
		    eseal_pdf_stream_decode(pdf, v, &b) == 0 && b.len && memmem(b.data, b.len, "Potato", 6))
			found_old = 1;
		eseal_buf_clear(&b);
		if (eseal_pdf_object(pdf, n, &v) == 0 && eseal_pdf_val_type(v) == ESEAL_PDF_STREAM &&
		    eseal_pdf_stream_decode(pdf, v, &b) == 0 && b.len && memmem(b.data, b.len, "Salad", 5))
			found_new = 1;
		eseal_buf_free(&b);
	}
	CHECK(found_old);
	CHECK(found_new);
	char *s = all_text(pdf);
	REQUIRE(s);
	CHECK(strstr(s, "Salad") != NULL);
	free(s);
	uint64_t off;
	uint16_t gen;
	int in_stm;
	CHECK_OK(eseal_pdf_object_offset(pdf, 1, &off, &gen, &in_stm));
	CHECK(!in_stm);
	eseal_pdf_free(pdf);
}

/* Every signature of the signed fixtures covers exactly one revision:
 * its /ByteRange ends where a revision ends. */
static void test_signed_revisions(void)
{
	SKIP_IF_NO_SHARED();
	static const char *const names[] = { "digitally-signed.pdf", "minimal-signed-restricted.pdf", "prefilled_f1040.pdf" };
	for (size_t i = 0; i < 3; i++) {
		eseal_pdf *pdf = open_fixture(names[i]);
		CHECK(pdf != NULL);
		if (!pdf)
			continue;
		size_t len;
		const uint8_t *d = eseal_pdf_data(pdf, &len);
		const uint8_t *br = memmem(d, len, "/ByteRange", 10);
		REQUIRE(br);
		char tmp[128];
		size_t k = (size_t)(len - (size_t)(br - d)) < sizeof tmp - 1 ? (size_t)(len - (size_t)(br - d)) : sizeof tmp - 1;
		memcpy(tmp, br, k);
		tmp[k] = 0;
		unsigned long long a, b, c, e;
		REQUIRE(sscanf(tmp, "/ByteRange [ %llu %llu %llu %llu", &a, &b, &c, &e) == 4 ||
			sscanf(tmp, "/ByteRange[ %llu %llu %llu %llu", &a, &b, &c, &e) == 4);
		int match = 0;
		for (size_t r = 0; r < eseal_pdf_revision_count(pdf); r++)
			if (eseal_pdf_revision_end(pdf, r) == c + e)
				match = 1;
		if (!match)
			fprintf(stderr, "  %s: ByteRange ends at %llu, no revision ends there\n", names[i], c + e);
		CHECK(match);
		eseal_pdf_free(pdf);
	}
}

static void test_recovery(void)
{
	SKIP_IF_NO_SHARED();
	/* linearized: the startxref names the first-page section, which
	 * belongs to the one revision */
	eseal_pdf *pdf = open_fixture("c-linearized.pdf");
	REQUIRE(pdf);
	uint64_t sx;
	int sx_stream;
	eseal_pdf_revision rv;
	CHECK_OK(eseal_pdf_startxref(pdf, &sx, &sx_stream));
	CHECK_OK(eseal_pdf_revision_get(pdf, 0, &rv));
	CHECK_EQ_INT(sx, rv.xref_offset);
	eseal_pdf_free(pdf);

	pdf = open_fixture("bad-xref-entry.pdf");
	REQUIRE(pdf);
	CHECK(eseal_pdf_recovered(pdf));
	CHECK(eseal_pdf_warning_count(pdf) > 0);
	int damaged = 0;
	for (size_t i = 0; i < eseal_pdf_warning_count(pdf); i++)
		if (strstr(eseal_pdf_warning(pdf, i), "damaged"))
			damaged = 1;
	CHECK(damaged);
	char *s = all_text(pdf);
	REQUIRE(s);
	CHECK(strstr(s, "Potato") != NULL);
	free(s);
	eseal_pdf_free(pdf);
	/* intact files raise no such warning */
	pdf = open_fixture("hybrid-xref.pdf");
	REQUIRE(pdf);
	CHECK(!eseal_pdf_recovered(pdf));
	eseal_pdf_free(pdf);
}

static void test_encryption(void)
{
	SKIP_IF_NO_SHARED();
	static const struct { const char *name; int v, r; int64_t p; const char *method; } t[] = {
		{ "V4-aes.pdf", 4, 4, -4, "AESV2" },
		{ "enc-XI-R6_V5_O-master.pdf", 5, 6, -2368, "AESV3" },
		{ "minimal-signed-restricted.pdf", 4, 4, -1324, "AESV2" },
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		eseal_pdf *pdf = open_fixture(t[i].name);
		CHECK(pdf != NULL);
		if (!pdf)
			continue;
		eseal_pdf_crypt_info ci;
		CHECK_OK(eseal_pdf_crypt_info_get(pdf, &ci));
		CHECK(ci.encrypted);
		CHECK_EQ_STR(ci.filter, "Standard");
		CHECK_EQ_INT(ci.v, t[i].v);
		CHECK_EQ_INT(ci.r, t[i].r);
		CHECK_EQ_INT(ci.p, t[i].p);
		CHECK_EQ_STR(ci.method, t[i].method);
		CHECK(ci.empty_user_password);
		/* decrypted content: every one of these says Potato on page 1 */
		char *s = all_text(pdf);
		CHECK(s && strstr(s, "Potato"));
		free(s);
		/* what we encrypt for an update decrypts back (strings and streams) */
		for (int kind = 0; kind < 2; kind++) {
			eseal_buf enc = ESEAL_BUF_INIT, dec = ESEAL_BUF_INIT;
			CHECK_OK(pdf_crypt_encrypt(&pdf->crypt, kind, 42, 0, (const uint8_t *)"Hello, seal", 11, &enc));
			CHECK(enc.len >= 11 && memcmp(enc.data, "Hello, seal", 11) != 0);
			CHECK_OK(pdf_crypt_decrypt(&pdf->crypt, kind, 42, 0, enc.data, enc.len, &dec));
			CHECK(dec.len == 11 && !memcmp(dec.data, "Hello, seal", 11));
			eseal_buf_free(&enc);
			eseal_buf_free(&dec);
		}
		/* the /Encrypt dictionary stays in the trailer */
		CHECK(eseal_pdf_val_get(eseal_pdf_trailer(pdf), "Encrypt") != NULL);
		eseal_pdf_free(pdf);
	}
	/* a file that needs a user password: refused with the reason */
	const char *path = h_shared("fixtures/pdf/V4-aes.pdf");
	eseal_buf raw = ESEAL_BUF_INIT;
	REQUIRE(path && eseal_file_read(&raw, path, 0) == 0);
	uint8_t *u = memmem(raw.data, raw.len, "/U <32c2", 8);
	REQUIRE(u);
	u[5] = '4'; /* a different /U: the empty password no longer matches */
	eseal_pdf *pdf;
	CHECK_OK(eseal_pdf_open(&pdf, raw.data, raw.len));
	eseal_pdf_crypt_info ci;
	CHECK_OK(eseal_pdf_crypt_info_get(pdf, &ci));
	CHECK(ci.encrypted && !ci.empty_user_password);
	CHECK(strstr(ci.reason, "password") != NULL);
	size_t np;
	CHECK(eseal_pdf_page_count(pdf, &np) == ESEAL_EUNSUPPORTED);
	CHECK(strstr(eseal_error_last(), "password") != NULL);
	eseal_text_doc *d = NULL;
	CHECK(eseal_pdf_text(&d, pdf) != 0 && d == NULL);
	eseal_pdf_free(pdf);
	eseal_buf_free(&raw);

	pdf = open_fixture("minimal.pdf");
	REQUIRE(pdf);
	CHECK_OK(eseal_pdf_crypt_info_get(pdf, &ci));
	CHECK(!ci.encrypted);
	eseal_pdf_free(pdf);
}

static int has_line(eseal_pdf *pdf, const char *needle)
{
	char *s = all_text(pdf);
	int r = s && strstr(s, needle) != NULL;
	free(s);
	return r;
}

static void test_text_fixtures(void)
{
	SKIP_IF_NO_SHARED();
	eseal_pdf *pdf = open_fixture("issue12823.pdf");
	REQUIRE(pdf);
	CHECK(has_line(pdf, "描述团队的共同目标"));
	eseal_text_doc *d;
	CHECK_OK(eseal_pdf_text(&d, pdf));
	eseal_text_hit *hits = NULL;
	size_t nh = 0;
	CHECK_OK(eseal_text_find(d, "共同目标", &hits, &nh));
	CHECK_EQ_INT(nh, 1);
	if (nh) {
		/* inside the page, on the left half, a plausible glyph height */
		CHECK(hits[0].box.x > 20 && hits[0].box.x < 120);
		CHECK(hits[0].box.y > 50 && hits[0].box.y < 200);
		CHECK(hits[0].box.h > 2 && hits[0].box.h < 10);
	}
	free(hits);
	eseal_text_doc_free(d);
	eseal_pdf_free(pdf);

	/* minimal.pdf: "Potato" in 24 pt Helvetica at 72 720 Td */
	pdf = open_fixture("minimal.pdf");
	REQUIRE(pdf);
	CHECK_OK(eseal_pdf_text(&d, pdf));
	REQUIRE(d->npages == 1 && d->pages[0].nlines == 1);
	char *s = eseal_text_line_utf8(&d->pages[0].lines[0]);
	CHECK_EQ_STR(s, "Potato");
	free(s);
	eseal_box b = d->pages[0].lines[0].box;
	CHECK(fabs(b.x - 25.4) < 0.05);                      /* 72 pt */
	CHECK(fabs(b.h - 24 * 25.4 / 72) < 0.05);            /* one em */
	CHECK(fabs(b.y - (72 - 0.88 * 24) * 25.4 / 72) < 0.1); /* baseline 72 pt from the top */
	CHECK(fabs(d->pages[0].width - 215.9) < 0.01);
	eseal_text_doc_free(d);
	eseal_pdf_free(pdf);
}

static void test_page_boxes(void)
{
	SKIP_IF_NO_SHARED();
	eseal_pdf *pdf = open_fixture("boxes.pdf");
	REQUIRE(pdf);
	const double cw = 572 * 25.4 / 72, ch = 732 * 25.4 / 72;
	for (size_t i = 0; i < 8; i++) {
		eseal_pdf_page_info pi;
		CHECK_OK(eseal_pdf_page(pdf, i, &pi));
		CHECK_EQ_INT(pi.rotate, (int)(i % 4) * 90);
		CHECK(pi.crop[0] == 10 && pi.crop[1] == 20 && pi.crop[2] == 582 && pi.crop[3] == 752);
		int turned = pi.rotate == 90 || pi.rotate == 270;
		CHECK(fabs(pi.width_mm - (turned ? ch : cw)) < 0.01);
		CHECK(fabs(pi.height_mm - (turned ? cw : ch)) < 0.01);
		if (i >= 4)
			CHECK(pi.media[0] == -10 && pi.media[1] == -20 && pi.media[2] == 642 && pi.media[3] == 832);
	}
	eseal_pdf_free(pdf);

	pdf = open_fixture("rotated.pdf");
	REQUIRE(pdf);
	eseal_text_doc *d;
	CHECK_OK(eseal_pdf_text(&d, pdf));
	REQUIRE(d->npages == 20);
	for (size_t i = 0; i < 4; i++) {
		eseal_pdf_page_info pi;
		CHECK_OK(eseal_pdf_page(pdf, i, &pi));
		int turned = pi.rotate == 90 || pi.rotate == 270;
		CHECK(fabs(d->pages[i].width - (turned ? 279.4 : 215.9)) < 0.01);
		/* every glyph lies inside the visible (rotated) page */
		for (size_t l = 0; l < d->pages[i].nlines; l++) {
			eseal_box b = d->pages[i].lines[l].box;
			CHECK(b.x >= 0 && b.y >= 0 && b.x + b.w <= d->pages[i].width && b.y + b.h <= d->pages[i].height);
		}
	}
	/* page 1 is unrotated: its text reads normally near the top-left */
	REQUIRE(d->pages[0].nlines >= 1);
	char *s = eseal_text_line_utf8(&d->pages[0].lines[0]);
	CHECK(s && strstr(s, "page 1"));
	CHECK(d->pages[0].lines[0].box.y < 40 && d->pages[0].lines[0].box.x < 40);
	free(s);
	eseal_text_doc_free(d);
	eseal_pdf_free(pdf);
}

/* Every placement case: the organisation's name appears in doc.pdf. */
static void test_placement_docs(void)
{
	SKIP_IF_NO_SHARED();
	const char *root = h_shared("placement/dev");
	if (!root)
		SKIP("no placement documents");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", root);
	DIR *dp = opendir(dir);
	REQUIRE(dp);
	struct dirent *e;
	int cases = 0, found = 0;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		char path[8192];
		snprintf(path, sizeof path, "%s/%s/case.json", dir, e->d_name);
		json_t *j = json_load_file(path, 0, NULL);
		if (!j)
			continue;
		const char *org = json_string_value(json_object_get(j, "org"));
		snprintf(path, sizeof path, "%s/%s/doc.pdf", dir, e->d_name);
		eseal_pdf *pdf;
		eseal_text_doc *d = NULL;
		CHECK_OK(eseal_pdf_load(&pdf, path));
		CHECK_OK(eseal_pdf_text(&d, pdf));
		eseal_text_hit *hits = NULL;
		size_t nh = 0;
		CHECK(org != NULL);
		CHECK_OK(eseal_text_find(d, org, &hits, &nh));
		/* some receipts draw the letterhead as an image: the name
		 * is then absent from the text layer, as in other readers */
		const char *family = json_string_value(json_object_get(j, "family"));
		if (nh == 0 && !(family && !strcmp(family, "receipt")))
			fprintf(stderr, "  case %s: \"%s\" not found\n", e->d_name, org);
		CHECK(nh > 0 || (family && !strcmp(family, "receipt")));
		found += nh > 0;
		for (size_t i = 0; i < nh; i++) {
			const eseal_text_page *p = &d->pages[hits[i].page - 1];
			CHECK(hits[i].box.x >= 0 && hits[i].box.x + hits[i].box.w <= p->width + 0.5);
			CHECK(hits[i].box.y >= 0 && hits[i].box.y + hits[i].box.h <= p->height + 0.5);
		}
		/* A4 pages */
		CHECK(fabs(d->pages[0].width - 210) < 0.5 && fabs(d->pages[0].height - 297) < 0.5);
		free(hits);
		eseal_text_doc_free(d);
		eseal_pdf_free(pdf);
		json_decref(j);
		cases++;
	}
	closedir(dp);
	CHECK(cases > 0);
	CHECK(found >= cases - 3);
}

/* ---- stream filters ---- */
static void test_filters(void)
{
	eseal_buf out = ESEAL_BUF_INIT;
	CHECK_OK(pdf_filter_apply("ASCIIHexDecode", NULL, (const uint8_t *)"48 65 6c6C6f>", 13, 100, &out));
	CHECK(out.len == 5 && !memcmp(out.data, "Hello", 5));
	eseal_buf_clear(&out);
	CHECK_OK(pdf_filter_apply("ASCII85Decode", NULL, (const uint8_t *)"87cURD_*#-6q/=~>", 16, 100, &out));
	CHECK(out.len == 11 && !memcmp(out.data, "Hello, PDF!", 11));
	eseal_buf_clear(&out);
	static const uint8_t rl[] = { 4, 'H', 'e', 'l', 'l', 'o', 254, '!', 128 };
	CHECK_OK(pdf_filter_apply("RunLengthDecode", NULL, rl, sizeof rl, 100, &out));
	CHECK(out.len == 8 && !memcmp(out.data, "Hello!!!", 8));
	eseal_buf_clear(&out);
	/* the LZW example of the PDF reference: "-----A---B" */
	static const uint8_t lzw[] = { 0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01 };
	CHECK_OK(pdf_filter_apply("LZWDecode", NULL, lzw, sizeof lzw, 100, &out));
	CHECK(out.len == 10 && !memcmp(out.data, "-----A---B", 10));
	eseal_buf_clear(&out);
	/* Flate with the PNG Up predictor, 3 columns */
	static const uint8_t rows[] = { 2, 1, 2, 3, 2, 1, 1, 1 };
	uint8_t z[64];
	uLongf zl = sizeof z;
	REQUIRE(compress(z, &zl, rows, sizeof rows) == Z_OK);
	pdf_arena a = { 0 };
	pdf_lex lx = { (const uint8_t *)"<</Predictor 12 /Columns 3>>", 28, 0 };
	eseal_pdf_val *parms;
	CHECK_OK(pdf_parse_value(&lx, &a, 0, 0, &parms));
	CHECK_OK(pdf_filter_apply("FlateDecode", parms, z, zl, 100, &out));
	static const uint8_t want[] = { 1, 2, 3, 2, 3, 4 };
	CHECK(out.len == 6 && !memcmp(out.data, want, 6));
	eseal_buf_clear(&out);
	/* image codecs are refused by name */
	CHECK(pdf_filter_apply("DCTDecode", NULL, z, zl, 100, &out) == ESEAL_EUNSUPPORTED);
	CHECK(strstr(eseal_error_last(), "DCTDecode") != NULL);
	pdf_arena_free(&a);
	eseal_buf_free(&out);
}

/* ---- hostile inputs ---- */

/* A classic-xref PDF from object bodies (object i+1 = objs[i]). */
static void make_pdf(eseal_buf *b, const char *const *objs, int n, const char *trailer_extra, int self_prev)
{
	size_t offs[64];
	eseal_buf_clear(b);
	eseal_buf_puts(b, "%PDF-1.4\n");
	for (int i = 0; i < n; i++) {
		offs[i] = b->len;
		eseal_buf_printf(b, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	size_t x = b->len;
	eseal_buf_printf(b, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
	for (int i = 0; i < n; i++)
		eseal_buf_printf(b, "%010zu 00000 n \n", offs[i]);
	eseal_buf_printf(b, "trailer\n<< /Size %d /Root 1 0 R %s", n + 1, trailer_extra ? trailer_extra : "");
	if (self_prev)
		eseal_buf_printf(b, " /Prev %zu", x);
	eseal_buf_printf(b, " >>\nstartxref\n%zu\n%%%%EOF\n", x);
}

static const char *const base_objs[] = {
	"<< /Type /Catalog /Pages 2 0 R >>",
	"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
	"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
	"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
	"<< /Length 37 >>\nstream\nBT /F1 12 Tf 100 700 Td (Hello) Tj ET\nendstream",
};

static void test_synthetic_ok(void)
{
	eseal_buf b = ESEAL_BUF_INIT;
	make_pdf(&b, base_objs, 4, NULL, 0);
	eseal_pdf *pdf;
	CHECK_OK(eseal_pdf_open(&pdf, b.data, b.len));
	CHECK(!eseal_pdf_recovered(pdf));
	CHECK(has_line(pdf, "Hello"));
	eseal_pdf_free(pdf);
	/* junk in front of the header: offsets are still found */
	eseal_buf j = ESEAL_BUF_INIT;
	eseal_buf_puts(&j, "JUNK JUNK\n");
	eseal_buf_put(&j, b.data, b.len);
	CHECK_OK(eseal_pdf_open(&pdf, j.data, j.len));
	CHECK(has_line(pdf, "Hello"));
	eseal_pdf_free(pdf);
	eseal_buf_free(&j);
	/* no xref at all: rebuilt by scanning */
	const uint8_t *x = memmem(b.data, b.len, "xref", 4);
	REQUIRE(x);
	CHECK_OK(eseal_pdf_open(&pdf, b.data, (size_t)(x - b.data)));
	CHECK(eseal_pdf_recovered(pdf));
	CHECK(has_line(pdf, "Hello"));
	eseal_pdf_free(pdf);
	eseal_buf_free(&b);
}

/* /Differences with glyph names, and a vertical Identity-V CID font whose
 * ToUnicode uses a bfrange with an array. */
static void test_synthetic_fonts(void)
{
	static const char content[] = "BT /F1 10 Tf 100 700 Td (AB) Tj ET BT /F2 20 Tf 300 700 Td <00010002> Tj ET";
	static const char cmap[] = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
				   "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
				   "1 beginbfrange <0001> <0002> [<4E2D> <6587>] endbfrange\nendcmap end end";
	char o4[256], o6[512];
	snprintf(o4, sizeof o4, "<< /Length %zu >>\nstream\n%s\nendstream", strlen(content), content);
	snprintf(o6, sizeof o6, "<< /Length %zu >>\nstream\n%s\nendstream", strlen(cmap), cmap);
	const char *objs[] = {
		base_objs[0], base_objs[1],
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << "
		"/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Differences [65 /uni4E2D /Adieresis] >> >> "
		"/F2 << /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-V /DescendantFonts [5 0 R] /ToUnicode 6 0 R >> "
		">> >> >>",
		o4,
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 1000 >>",
		o6,
	};
	eseal_buf b = ESEAL_BUF_INIT;
	make_pdf(&b, objs, 6, NULL, 0);
	eseal_pdf *pdf;
	CHECK_OK(eseal_pdf_open(&pdf, b.data, b.len));
	eseal_text_doc *d;
	CHECK_OK(eseal_pdf_text(&d, pdf));
	REQUIRE(d->npages == 1);
	eseal_text_hit *h = NULL;
	size_t n = 0;
	CHECK_OK(eseal_text_find(d, "中Ä", &h, &n));
	CHECK_EQ_INT(n, 1);
	if (n)
		CHECK(fabs(h[0].box.x - 100 * 25.4 / 72) < 0.01);
	free(h);
	/* the vertical pair: 中 above 文, one em (20 pt) apart, same x */
	const eseal_text_char *zh = NULL, *wen = NULL;
	for (size_t l = 0; l < d->pages[0].nlines; l++)
		for (size_t k = 0; k < d->pages[0].lines[l].nchars; k++) {
			const eseal_text_char *c = &d->pages[0].lines[l].chars[k];
			if (c->cp == 0x4E2D && c->box.x > 90)
				zh = c;
			if (c->cp == 0x6587)
				wen = c;
		}
	REQUIRE(zh && wen);
	CHECK(fabs(zh->box.x - wen->box.x) < 0.01);
	CHECK(fabs((wen->box.y - zh->box.y) - 20 * 25.4 / 72) < 0.01);
	CHECK(fabs(zh->box.x - (300 - 10) * 25.4 / 72) < 0.01); /* centred on the origin */
	eseal_text_doc_free(d);
	eseal_pdf_free(pdf);
	eseal_buf_free(&b);
}

/* A Form XObject placed with cm, drawing itself again (a loop). */
static void test_synthetic_form(void)
{
	static const char page[] = "q 1 0 0 1 100 0 cm /Fm1 Do Q";
	static const char form[] = "BT /F1 12 Tf 10 700 Td (Form) Tj ET /Fm1 Do";
	char o4[256], o5[512];
	snprintf(o4, sizeof o4, "<< /Length %zu >>\nstream\n%s\nendstream", strlen(page), page);
	snprintf(o5, sizeof o5, "<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /Fm1 5 0 R >> "
		 "/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Length %zu >>\nstream\n%s\nendstream",
		 strlen(form), form);
	const char *objs[] = {
		base_objs[0], base_objs[1],
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Fm1 5 0 R >> >> >>",
		o4, o5,
	};
	eseal_buf b = ESEAL_BUF_INIT;
	make_pdf(&b, objs, 5, NULL, 0);
	eseal_pdf *pdf;
	CHECK_OK(eseal_pdf_open(&pdf, b.data, b.len));
	eseal_text_doc *d;
	CHECK_OK(eseal_pdf_text(&d, pdf));
	eseal_text_hit *h = NULL;
	size_t n = 0;
	CHECK_OK(eseal_text_find(d, "Form", &h, &n));
	CHECK_EQ_INT(n, 1);
	if (n)
		CHECK(fabs(h[0].box.x - 110 * 25.4 / 72) < 0.01);
	free(h);
	int loop = 0;
	for (size_t i = 0; i < eseal_pdf_warning_count(pdf); i++)
		if (strstr(eseal_pdf_warning(pdf, i), "draws itself"))
			loop = 1;
	CHECK(loop);
	eseal_text_doc_free(d);
	eseal_pdf_free(pdf);
	eseal_buf_free(&b);
}

static void test_xref_loop(void)
{
	eseal_buf b = ESEAL_BUF_INIT;
	make_pdf(&b, base_objs, 4, NULL, 1);
	eseal_pdf *pdf;
	CHECK_OK(eseal_pdf_open(&pdf, b.data, b.len));
	int loop = 0;
	for (size_t i = 0; i < eseal_pdf_warning_count(pdf); i++)
		if (strstr(eseal_pdf_warning(pdf, i), "loops"))
			loop = 1;
	CHECK(loop);
	CHECK_EQ_INT(eseal_pdf_revision_count(pdf), 1);
	CHECK(has_line(pdf, "Hello"));
	eseal_pdf_free(pdf);
	eseal_buf_free(&b);
}

static void test_deep_nesting(void)
{
	eseal_buf deep = ESEAL_BUF_INIT, b = ESEAL_BUF_INIT;
	for (int i = 0; i < 100000; i++)
		eseal_buf_putc(&deep, '[');
	for (int i = 0; i < 100000; i++)
		eseal_buf_putc(&deep, ']');
	eseal_buf_cstr(&deep);
	const char *objs[5] = { "<< /Type /Catalog /Pages 2 0 R /Deep 5 0 R >>", base_objs[1], base_objs[2], base_objs[3],
				(const char *)deep.data };
	make_pdf(&b, objs, 5, NULL, 0);
	eseal_pdf *pdf;
	CHECK_OK(eseal_pdf_open(&pdf, b.data, b.len));
	const eseal_pdf_val *v;
	CHECK(eseal_pdf_object(pdf, 5, &v) == ESEAL_ELIMIT);
	CHECK(strstr(eseal_error_last(), "nested") != NULL);
	CHECK(has_line(pdf, "Hello"));
	eseal_pdf_free(pdf);
	eseal_buf_free(&deep);
	eseal_buf_free(&b);
}

static void test_flate_bomb(void)
{
	/* 64 MiB of zeros in ~64 KiB, against a 1 MiB limit */
	size_t n = (size_t)64 << 20;
	uint8_t *zeros = calloc(1, n);
	uLongf zl = compressBound(n);
	uint8_t *z = malloc(zl);
	REQUIRE(zeros && z);
	REQUIRE(compress2(z, &zl, zeros, n, 9) == Z_OK);
	free(zeros);
	eseal_buf obj = ESEAL_BUF_INIT, b = ESEAL_BUF_INIT;
	eseal_buf_printf(&obj, "<< /Length %lu /Filter /FlateDecode >>\nstream\n", (unsigned long)zl);
	eseal_buf_put(&obj, z, zl);
	eseal_buf_puts(&obj, "\nendstream");
	free(z);
	const char *objs[4] = { base_objs[0], base_objs[1], base_objs[2], (const char *)obj.data };
	/* the stream holds NUL bytes: build the file by hand around it */
	eseal_buf_puts(&b, "%PDF-1.4\n");
	size_t offs[4];
	for (int i = 0; i < 4; i++) {
		offs[i] = b.len;
		eseal_buf_printf(&b, "%d 0 obj\n", i + 1);
		if (i == 3)
			eseal_buf_put(&b, obj.data, obj.len);
		else
			eseal_buf_puts(&b, objs[i]);
		eseal_buf_puts(&b, "\nendobj\n");
	}
	size_t x = b.len;
	eseal_buf_puts(&b, "xref\n0 5\n0000000000 65535 f \n");
	for (int i = 0; i < 4; i++)
		eseal_buf_printf(&b, "%010zu 00000 n \n", offs[i]);
	eseal_buf_printf(&b, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", x);
	eseal_pdf *pdf;
	CHECK_OK(eseal_pdf_open(&pdf, b.data, b.len));
	eseal_pdf_set_max_stream(pdf, (size_t)1 << 20);
	const eseal_pdf_val *v;
	CHECK_OK(eseal_pdf_object(pdf, 4, &v));
	eseal_buf out = ESEAL_BUF_INIT;
	CHECK(eseal_pdf_stream_decode(pdf, v, &out) == ESEAL_ELIMIT);
	CHECK(strstr(eseal_error_last(), "more than") != NULL);
	CHECK(out.len <= ((size_t)1 << 20));
	eseal_text_doc *d = NULL;
	CHECK(eseal_pdf_text(&d, pdf) == ESEAL_ELIMIT);
	CHECK(d == NULL);
	eseal_buf_free(&out);
	eseal_pdf_free(pdf);
	eseal_buf_free(&obj);
	eseal_buf_free(&b);
}

/* An xref-stream file whose object stream 5 is listed as living in itself. */
static void test_objstm_self(void)
{
	eseal_buf b = ESEAL_BUF_INIT;
	size_t offs[7] = { 0 };
	eseal_buf_puts(&b, "%PDF-1.5\n");
	for (int i = 0; i < 4; i++) {
		offs[i + 1] = b.len;
		eseal_buf_printf(&b, "%d 0 obj\n%s\nendobj\n", i + 1, base_objs[i]);
	}
	/* object 5: an object stream holding object 6 (and claiming 5) */
	const char *body = "6 0 (x)";
	offs[5] = b.len;
	eseal_buf_printf(&b, "5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length %zu >>\nstream\n%s\nendstream\nendobj\n",
			 strlen(body), body);
	size_t x = b.len;
	/* rows: type(1) field2(4) field3(2) for objects 0..7 */
	uint8_t rows[8][7];
	memset(rows, 0, sizeof rows);
	for (int i = 1; i <= 4; i++) {
		rows[i][0] = 1;
		rows[i][1] = (uint8_t)(offs[i] >> 24); rows[i][2] = (uint8_t)(offs[i] >> 16);
		rows[i][3] = (uint8_t)(offs[i] >> 8); rows[i][4] = (uint8_t)offs[i];
	}
	rows[5][0] = 2; rows[5][4] = 5; rows[5][6] = 0;   /* 5 is "in" object stream 5 */
	rows[6][0] = 2; rows[6][4] = 5; rows[6][6] = 0;   /* 6 is in object stream 5 */
	rows[7][0] = 1;
	rows[7][1] = (uint8_t)(x >> 24); rows[7][2] = (uint8_t)(x >> 16); rows[7][3] = (uint8_t)(x >> 8); rows[7][4] = (uint8_t)x;
	eseal_buf_printf(&b, "7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length %zu >>\nstream\n", sizeof rows);
	eseal_buf_put(&b, rows, sizeof rows);
	eseal_buf_printf(&b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", x);
	eseal_pdf *pdf;
	CHECK_OK(eseal_pdf_open(&pdf, b.data, b.len));
	const eseal_pdf_val *v;
	int rc = eseal_pdf_object(pdf, 6, &v);
	CHECK(rc == ESEAL_ELIMIT);
	CHECK(strstr(eseal_error_last(), "itself") != NULL);
	CHECK(eseal_pdf_object(pdf, 5, &v) == ESEAL_ELIMIT);
	CHECK(has_line(pdf, "Hello"));
	eseal_pdf_free(pdf);
	eseal_buf_free(&b);
}

static void test_truncated(void)
{
	eseal_buf b = ESEAL_BUF_INIT;
	make_pdf(&b, base_objs, 4, NULL, 0);
	int opened = 0, refused = 0;
	for (size_t cut = 0; cut < b.len; cut += 7) {
		eseal_pdf *pdf;
		if (eseal_pdf_open(&pdf, b.data, cut) != 0) {
			CHECK(eseal_error_last()[0] != 0);
			refused++;
			continue;
		}
		opened++;
		size_t n;
		eseal_text_doc *d = NULL;
		if (eseal_pdf_page_count(pdf, &n) == 0 && eseal_pdf_text(&d, pdf) == 0)
			eseal_text_doc_free(d);
		eseal_pdf_free(pdf);
	}
	CHECK(refused > 0);  /* e.g. an empty file or only a header */
	CHECK(opened > 0);   /* most cuts leave enough to rebuild from */
	CHECK(eseal_pdf_open(&(eseal_pdf *){ NULL }, (const uint8_t *)"hello", 5) == ESEAL_EFORMAT);
	CHECK(strstr(eseal_error_last(), "not a PDF") != NULL);
	eseal_buf_free(&b);
}

static void test_cli_text(void)
{
	SKIP_IF_NO_SHARED();
	const char *bin = getenv("ESEAL_BIN");
	const char *f = h_shared("fixtures/pdf/issue12823.pdf");
	if (!bin || !f)
		SKIP("no eseal binary");
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' text --json '%s'", bin, f);
	FILE *p = popen(cmd, "r");
	REQUIRE(p);
	json_error_t err;
	json_t *j = json_loadf(p, 0, &err);
	CHECK(pclose(p) == 0);
	REQUIRE(j);
	json_t *pages = json_object_get(j, "pages");
	CHECK_EQ_INT(json_array_size(pages), 1);
	json_t *lines = json_object_get(json_array_get(pages, 0), "lines");
	int found = 0;
	for (size_t i = 0; i < json_array_size(lines); i++) {
		const char *t = json_string_value(json_object_get(json_array_get(lines, i), "text"));
		if (t && strstr(t, "描述团队的共同目标"))
			found = 1;
	}
	CHECK(found);
	json_decref(j);
	/* not a document: one error line, exit code 4, no output */
	snprintf(cmd, sizeof cmd, "'%s' text /dev/null 2>/dev/null", bin);
	p = popen(cmd, "r");
	REQUIRE(p);
	char buf[16];
	CHECK(fread(buf, 1, sizeof buf, p) == 0);
	int st = pclose(p);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
}

TESTS(T(test_fixture_pages), T(test_revisions), T(test_signed_revisions), T(test_recovery), T(test_encryption), T(test_text_fixtures),
      T(test_page_boxes), T(test_placement_docs), T(test_filters), T(test_synthetic_ok), T(test_synthetic_fonts), T(test_synthetic_form),
      T(test_xref_loop),
      T(test_deep_nesting), T(test_flate_bomb), T(test_objstm_self), T(test_truncated), T(test_cli_text))
