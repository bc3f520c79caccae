/*
 * test_text.c - the shared text model: line building, keyword search and the
 * JSON shape, on pages built by hand.
 */
#include <jansson.h>
#include <math.h>

#include "eseal/text.h"
#include "harness.h"

/* Adds a UTF-8 string as a run of glyphs of width w starting at (x, top). */
static void run(eseal_text_page *p, const char *s, double x, double top, double w, double h)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		uint32_t c = *u;
		int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
		if (extra)
			c &= 0x3F >> extra;
		u++;
		for (int i = 0; i < extra; i++)
			c = c << 6 | (*u++ & 0x3F);
		eseal_box b = { x, top, w, h };
		CHECK_OK(eseal_text_page_add_char(p, c, b, h));
		x += w;
	}
}

static int near(double a, double b) { return fabs(a - b) < 0.001; }

static void test_lines_order(void)
{
	eseal_text_doc *d;
	eseal_text_page *p;
	CHECK_OK(eseal_text_doc_new(&d));
	CHECK_OK(eseal_text_doc_add_page(d, "7", 210, 297, &p));
	/* Added out of order: second line first, right half before left. */
	run(p, "world", 40, 20, 2, 4);
	run(p, "hello ", 28, 20.3, 2, 4);   /* slightly lower baseline, same line */
	run(p, "第一行", 10, 10, 4, 4);
	run(p, "below  ", 10, 26, 2, 4);    /* 6 mm lower: a new line */
	run(p, "   ", 10, 60, 2, 4);        /* blanks only: no line */
	CHECK_OK(eseal_text_page_finish(p));
	REQUIRE(p->nlines == 3);
	char *s0 = eseal_text_line_utf8(&p->lines[0]);
	char *s1 = eseal_text_line_utf8(&p->lines[1]);
	char *s2 = eseal_text_line_utf8(&p->lines[2]);
	CHECK_EQ_STR(s0, "第一行");
	CHECK_EQ_STR(s1, "hello world");
	CHECK_EQ_STR(s2, "below");
	free(s0);
	free(s1);
	free(s2);
	CHECK(near(p->lines[1].box.x, 28));
	CHECK(near(p->lines[1].box.y, 20));
	CHECK(near(p->lines[1].box.w, 22));
	CHECK(near(p->lines[1].box.h, 4.3));
	CHECK_EQ_INT(p->index, 1);
	CHECK_EQ_STR(p->id, "7");
	eseal_text_doc_free(d);
}

/* Lines with small steps must not chain into one tall line. */
static void test_lines_no_snowball(void)
{
	eseal_text_doc *d;
	eseal_text_page *p;
	CHECK_OK(eseal_text_doc_new(&d));
	CHECK_OK(eseal_text_doc_add_page(d, "1", 100, 100, &p));
	for (int i = 0; i < 10; i++)
		run(p, "ab", 10, 10 + i * 4.2, 2, 4);
	CHECK_OK(eseal_text_page_finish(p));
	CHECK_EQ_INT(p->nlines, 10);
	eseal_text_doc_free(d);
}

static void test_find(void)
{
	eseal_text_doc *d;
	eseal_text_page *p;
	CHECK_OK(eseal_text_doc_new(&d));
	CHECK_OK(eseal_text_doc_add_page(d, "1", 210, 297, &p));
	/* One name in three runs with a gap and a space, as OFD writers do. */
	run(p, "重庆市马", 50, 100, 4, 4);
	run(p, " 上融资", 66, 100, 4, 4);
	run(p, "担保有限公司（盖章）", 82, 100, 4, 4);
	run(p, "重庆市", 50, 200, 4, 4);   /* the start of a second name ... */
	run(p, "马上融资", 50, 206, 4, 4); /* ... broken over two lines */
	CHECK_OK(eseal_text_page_finish(p));
	CHECK_OK(eseal_text_doc_add_page(d, "2", 210, 297, &p));
	run(p, "乙方(盖章)", 20, 30, 4, 4);
	CHECK_OK(eseal_text_page_finish(p));

	eseal_text_hit *h;
	size_t n;
	CHECK_OK(eseal_text_find(d, "重庆市马上融资担保有限公司", &h, &n));
	REQUIRE(n == 1);
	CHECK_EQ_INT(h[0].page, 1);
	CHECK(near(h[0].box.x, 50));
	CHECK(near(h[0].box.y, 100));
	CHECK(near(h[0].box.w, 82 + 6 * 4 - 50));
	CHECK(near(h[0].box.h, 4));
	free(h);
	/* Full-width and ASCII parentheses match each other; whitespace in
	 * the keyword is ignored. */
	CHECK_OK(eseal_text_find(d, "(盖 章)", &h, &n));
	REQUIRE(n == 2);
	CHECK_EQ_INT(h[0].page, 1);
	CHECK_EQ_INT(h[1].page, 2);
	CHECK(near(h[1].box.x, 28));
	free(h);
	/* Never across lines. */
	CHECK_OK(eseal_text_find(d, "重庆市马上融资", &h, &n));
	CHECK_EQ_INT(n, 1);
	free(h);
	CHECK_OK(eseal_text_find(d, "不存在", &h, &n));
	CHECK_EQ_INT(n, 0);
	free(h);
	CHECK(eseal_text_find(d, "  ", &h, &n) == ESEAL_EINVAL);
	CHECK(eseal_text_find(d, "\xff\xfe", &h, &n) == ESEAL_EINVAL);
	eseal_text_doc_free(d);
}

static void test_json(void)
{
	eseal_text_doc *d;
	eseal_text_page *p;
	CHECK_OK(eseal_text_doc_new(&d));
	CHECK_OK(eseal_text_doc_add_page(d, "1", 210, 297, &p));
	run(p, "盖章", 10.004, 20, 4, 4);
	CHECK_OK(eseal_text_page_add_rule(p, (eseal_box){ 5, 30, 100, 0.2 }));
	CHECK_OK(eseal_text_page_finish(p));
	CHECK_OK(eseal_text_doc_add_page(d, "9", 100, 50, &p));
	CHECK_OK(eseal_text_page_finish(p));

	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_text_doc_json(d, 1, &b));
	CHECK_OK(eseal_buf_cstr(&b));
	json_error_t err;
	json_t *j = json_loads((const char *)b.data, 0, &err);
	REQUIRE(j != NULL);
	json_t *pages = json_object_get(j, "pages");
	REQUIRE(json_array_size(pages) == 2);
	json_t *p0 = json_array_get(pages, 0);
	CHECK_EQ_INT(json_integer_value(json_object_get(p0, "page")), 1);
	CHECK_EQ_STR(json_string_value(json_object_get(p0, "id")), "1");
	CHECK(near(json_number_value(json_object_get(p0, "width")), 210));
	json_t *l0 = json_array_get(json_object_get(p0, "lines"), 0);
	CHECK_EQ_STR(json_string_value(json_object_get(l0, "text")), "盖章");
	CHECK(near(json_number_value(json_object_get(l0, "x")), 10.0));
	CHECK(near(json_number_value(json_object_get(l0, "w")), 8.0));
	json_t *c1 = json_array_get(json_object_get(l0, "chars"), 1);
	CHECK_EQ_STR(json_string_value(json_object_get(c1, "c")), "章");
	CHECK(near(json_number_value(json_object_get(c1, "x")), 14.0));
	CHECK(json_array_size(json_object_get(p0, "rules")) == 1);
	json_t *p1 = json_array_get(pages, 1);
	CHECK(json_array_size(json_object_get(p1, "lines")) == 0);
	json_decref(j);

	/* Without characters the per-glyph boxes are left out. */
	b.len = 0;
	CHECK_OK(eseal_text_doc_json(d, 0, &b));
	CHECK_OK(eseal_buf_cstr(&b));
	CHECK(strstr((const char *)b.data, "\"chars\"") == NULL);
	CHECK(strstr((const char *)b.data, "\"text\"") != NULL);
	eseal_buf_free(&b);
	eseal_text_doc_free(d);
}

static void test_empty_page(void)
{
	eseal_text_doc *d;
	eseal_text_page *p;
	CHECK_OK(eseal_text_doc_new(&d));
	CHECK_OK(eseal_text_doc_add_page(d, NULL, 1, 1, &p));
	CHECK_OK(eseal_text_page_finish(p));
	CHECK_EQ_INT(p->nlines, 0);
	eseal_text_hit *h;
	size_t n;
	CHECK_OK(eseal_text_find(d, "x", &h, &n));
	CHECK_EQ_INT(n, 0);
	free(h);
	eseal_text_doc_free(d);
}

TESTS(T(test_lines_order), T(test_lines_no_snowball), T(test_find), T(test_json), T(test_empty_page))
