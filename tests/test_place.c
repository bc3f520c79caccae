/*
 * test_place.c - the placement engine on synthetic layouts built here: one
 * test per convention (official document, contract, certificate, form,
 * receipt), a made-up habit learned from three examples, and honest
 * answers for documents with no text or nothing recognisable.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/place.h"
#include "eseal/text.h"
#include "harness.h"

/* Lays out a line of text: CJK glyphs are `size` wide, ASCII half that.
 * Returns the x after the last glyph. */
static double put(eseal_text_page *p, double x, double y, double size, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		uint32_t c;
		if (*u < 0x80)
			c = *u++;
		else if ((*u & 0xe0) == 0xc0)
			c = ((uint32_t)(u[0] & 0x1f) << 6) | (u[1] & 0x3f), u += 2;
		else
			c = ((uint32_t)(u[0] & 0x0f) << 12) | ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f), u += 3;
		double w = c < 0x80 ? size / 2 : size;
		if (c != ' ')
			eseal_text_page_add_char(p, c, (eseal_box){ x, y, w, size }, size);
		x += w;
	}
	return x;
}

static eseal_text_page *page(eseal_text_doc *d)
{
	eseal_text_page *p = NULL;
	char id[8];
	snprintf(id, sizeof id, "%zu", d->npages + 1);
	if (eseal_text_doc_add_page(d, id, 210, 297, &p))
		return NULL;
	return p;
}

static void rule(eseal_text_page *p, double x, double y, double w, double h)
{
	eseal_text_page_add_rule(p, (eseal_box){ x, y, w, h });
}

static int near(const eseal_place_item *it, int pg, double x, double y, double tol)
{
	return it->page == pg && hypot(it->x - x, it->y - y) <= tol;
}

static int CHECK_REASON(const char *reason, const char *word)
{
	int ok = strstr(reason, word) != NULL;
	CHECK(ok);
	return ok;
}

static size_t normals(const eseal_place_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += !r->items[i].perforation;
	return n;
}

static void test_official_document(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	REQUIRE(p);
	put(p, 35, 60, 14, "江城市农业农村局文件");
	put(p, 80, 85, 5.5, "江农发〔2026〕7号");
	put(p, 40, 105, 7.5, "关于做好春耕生产工作的通知");
	put(p, 28, 122, 5.5, "各区农业农村局：");
	put(p, 39, 132, 5.5, "现将有关事项通知如下，请各单位加盖公章后报送材料。");
	put(p, 112, 180, 5.5, "江城市农业农村局");
	put(p, 120, 190, 5.5, "2026年3月2日");
	put(p, 33, 250, 5, "江城市农业农村局办公室2026年3月3日印发");
	CHECK_OK(eseal_text_page_finish(p));
	eseal_place_request req = { "江城市农业农村局", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	/* date line centre; block 180..195.5 centre minus 4 mm */
	double x = 120 + 33.0 / 2, y = (180 + 195.5) / 2 - 4; /* "2026年3月2日" is 33 mm wide */
	CHECK(near(&r.items[0], 1, x, y, 1.0));
	CHECK_EQ_STR(r.items[0].seal_type, "official");
	CHECK_EQ_STR(r.doc_class, "official");
	CHECK(r.items[0].confidence > 0.8);
	CHECK(strstr(r.items[0].reason, "GB/T 9704") != NULL);
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

/* A three-page contract whose parties use 委托方/受托方 labels and whose
 * signature block has both parties on one line. */
static eseal_text_doc *contract_doc(void)
{
	eseal_text_doc *d;
	if (eseal_text_doc_new(&d))
		return NULL;
	eseal_text_page *p = page(d);
	put(p, 80, 30, 6, "技术咨询合同");
	put(p, 25, 50, 4.2, "委托方（甲方）：星海科技有限公司");
	put(p, 25, 58, 4.2, "法定代表人：王明");
	put(p, 25, 70, 4.2, "受托方（乙方）：星海科技有限公司北京分公司");
	put(p, 25, 78, 4.2, "法定代表人：李华");
	put(p, 25, 95, 4.2, "第一条 本合同经双方盖章后生效，受托方应在变更后加盖公章");
	eseal_text_page_finish(p);
	p = page(d);
	put(p, 25, 30, 4.2, "第二条 甲方（盖章）确认的文件为准。");
	eseal_text_page_finish(p);
	p = page(d);
	put(p, 25, 30, 4.2, "（以下无正文）");
	double x = put(p, 25, 60, 4.2, "甲方（盖章）：");
	(void)x;
	put(p, 110, 60, 4.2, "乙方（盖章）：");
	put(p, 25, 80, 4.2, "日期：    年  月  日");
	eseal_text_page_finish(p);
	return d;
}

static void test_contract_party_block(void)
{
	eseal_text_doc *d = contract_doc();
	REQUIRE(d);
	/* the branch is 乙方 (受托方): its label, not the head office's */
	eseal_place_request req = { "星海科技有限公司北京分公司", ESEAL_SEAL_OFFICIAL | ESEAL_SEAL_CONTRACT, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(normals(&r) == 1);
	CHECK(near(&r.items[0], 3, 110 + 7 * 4.2 + 14, 62.1, 0.6));
	CHECK_EQ_STR(r.items[0].seal_type, "contract");
	REQUIRE(r.n == 2);
	CHECK(r.items[1].perforation);
	CHECK(r.items[1].page == 1 && fabs(r.items[1].x - 210) < 0.1 && fabs(r.items[1].y - 148.5) < 0.1);
	eseal_place_result_free(&r);

	/* the head office is 甲方; without a contract seal it uses the official seal */
	eseal_place_request req2 = { "星海科技有限公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	CHECK_OK(eseal_place_propose(d, &req2, &r));
	REQUIRE(normals(&r) == 1);
	CHECK(near(&r.items[0], 3, 25 + 7 * 4.2 + 14, 62.1, 0.6));
	CHECK_EQ_STR(r.items[0].seal_type, "official");
	eseal_place_result_free(&r);

	/* a stranger is no party: no placement, a reason */
	eseal_place_request req3 = { "无关公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	CHECK_OK(eseal_place_propose(d, &req3, &r));
	CHECK(normals(&r) == 0);
	CHECK(r.confidence < 0.3 && r.reason[0]);
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

/* The signer's name written next to a bare label in the signature block. */
static void test_contract_name_in_block(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	put(p, 80, 30, 6, "买卖合同");
	put(p, 25, 50, 4.2, "出卖人：远山贸易有限公司");
	put(p, 25, 60, 4.2, "买受人：近水实业有限公司");
	eseal_text_page_finish(p);
	p = page(d);
	put(p, 25, 100, 4.2, "近水实业有限公司（盖章）：");
	put(p, 25, 140, 4.2, "远山贸易有限公司（盖章）：");
	eseal_text_page_finish(p);
	eseal_place_request req = { "近水实业有限公司", ESEAL_SEAL_CONTRACT | ESEAL_SEAL_OFFICIAL, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(normals(&r) == 1);
	CHECK(near(&r.items[0], 2, 25 + 13 * 4.2 + 14, 102.1, 0.6));
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

static void test_certificate_ending(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	put(p, 85, 45, 8.5, "工作证明");
	put(p, 41, 62, 5.6, "兹证明张三为我单位员工，本证明加盖公章后有效。");
	put(p, 41, 75, 5.6, "特此证明。");
	put(p, 90, 160, 5.6, "青禾教育咨询有限公司");
	put(p, 100, 171, 5.6, "二〇二六年一月五日");
	eseal_text_page_finish(p);
	eseal_place_request req = { "青禾教育咨询有限公司", ESEAL_SEAL_OFFICIAL | ESEAL_SEAL_FINANCE, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	/* the wider line is the name (10 glyphs); block 160..176.6 */
	CHECK(near(&r.items[0], 1, 90 + 5 * 5.6, (160 + 176.6) / 2, 0.6));
	CHECK_EQ_STR(r.items[0].seal_type, "official");
	CHECK_EQ_STR(r.doc_class, "certificate");
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

static void test_form_cell(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	put(p, 75, 20, 7, "人才项目申请表");
	/* a 3-row table: x 20..190; rows at 40, 52, 100, 130 */
	rule(p, 20, 40, 170, 0.3);
	rule(p, 20, 52, 170, 0.3);
	rule(p, 20, 100, 170, 0.3);
	rule(p, 20, 130, 170, 0.3);
	rule(p, 20, 40, 0.3, 90);
	rule(p, 190, 40, 0.3, 90);
	rule(p, 50, 40, 0.3, 12);
	put(p, 25, 44, 4, "姓名");
	put(p, 55, 44, 4, "赵六");
	/* row 2 spans the width: opinion at the top, label and date at the bottom */
	put(p, 23, 55, 4, "所在单位意见：");
	put(p, 140, 88, 4, "单位（盖章）");
	put(p, 148, 94, 4, "年 月 日");
	put(p, 23, 103, 4, "主管部门意见（盖章）：");
	put(p, 20, 135, 3.6, "注：本表须经所在单位盖章后报送。");
	eseal_text_page_finish(p);
	eseal_place_request req = { "某某公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	/* blank band 59..88 of the cell 52..100 */
	CHECK(near(&r.items[0], 1, 105, (59 + 88) / 2.0, 1.0));
	CHECK_EQ_STR(r.doc_class, "form");
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

static void test_receipt_payee(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	put(p, 90, 30, 7.5, "收款凭证");
	put(p, 23, 50, 4.2, "付款单位（盖章）：明远公司");
	put(p, 23, 60, 4.2, "收款事由：服务费");
	put(p, 21, 80, 4.2, "收款方（财务专用章）：收款人：李四");
	eseal_text_page_finish(p);
	eseal_place_request req = { "清风公司", ESEAL_SEAL_OFFICIAL | ESEAL_SEAL_FINANCE, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	CHECK(near(&r.items[0], 1, 21 + 11 * 4.2 + 14, 82.1, 0.6));
	CHECK_EQ_STR(r.items[0].seal_type, "finance");
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

/* A made-up template: an expense slip whose seal the company always puts
 * 35 mm right of and 3 mm below "复核：", wherever the row lands. */
static eseal_text_doc *slip(int rows, const char *who)
{
	eseal_text_doc *d;
	if (eseal_text_doc_new(&d))
		return NULL;
	eseal_text_page *p = page(d);
	put(p, 80, 20, 6, "费用报销单");
	put(p, 20, 35, 4, "部门：研发部");
	double y = 45;
	for (int i = 0; i < rows; i++, y += 8) {
		char line[64];
		snprintf(line, sizeof line, "%d 差旅费 %d00元", i + 1, i + 3);
		put(p, 25, y, 4, line);
	}
	put(p, 20, y + 6, 4, "报销人：");
	put(p, 36, y + 6, 4, who);
	/* an optional remark shifts the rows below it */
	if (strlen(who) > 4) {
		put(p, 20, y + 14, 4, "备注：附件另行提交");
		y += 8;
	}
	put(p, 20, y + 16, 4, "复核：");
	put(p, 110, y + 16, 4, "出纳：");
	eseal_text_page_finish(p);
	return d;
}

static void test_habit_learned_after_three(void)
{
	int rows[] = { 3, 7, 5 };
	const char *who[] = { "甲", "乙乙", "丙丙丙" };
	eseal_text_doc *h[3];
	eseal_place_item pl[3];
	eseal_place_history hist[3];
	for (int i = 0; i < 3; i++) {
		h[i] = slip(rows[i], who[i]);
		REQUIRE(h[i]);
		double ly = 45 + 8 * rows[i] + 16 + (strlen(who[i]) > 4 ? 8 : 0);
		memset(&pl[i], 0, sizeof pl[i]);
		pl[i].page = 1;
		pl[i].x = 20 + 35;
		pl[i].y = ly + 3;
		snprintf(pl[i].seal_type, sizeof pl[i].seal_type, "finance");
		hist[i] = (eseal_place_history){ h[i], &pl[i], 1 };
	}
	eseal_text_doc *d = slip(10, "丁");
	REQUIRE(d);
	eseal_place_request req = { "某某公司", ESEAL_SEAL_OFFICIAL | ESEAL_SEAL_FINANCE, hist, 3 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	CHECK(near(&r.items[0], 1, 55, 45 + 80 + 16 + 3, 0.5));
	CHECK_EQ_STR(r.items[0].seal_type, "finance");
	CHECK_EQ_STR(r.doc_class, "habit");
	CHECK(r.items[0].confidence >= 0.9);
	if (!CHECK_REASON(r.items[0].reason, "复核"))
		fprintf(stderr, "  reason: %s\n", r.items[0].reason);
	eseal_place_result_free(&r);

	/* without the history the slip is unrecognisable: no guess */
	eseal_place_request bare = { "某某公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	CHECK_OK(eseal_place_propose(d, &bare, &r));
	CHECK(r.n == 0);
	CHECK(r.confidence < 0.3);
	CHECK(r.reason[0] && r.reason_zh[0]);
	eseal_place_result_free(&r);
	for (int i = 0; i < 3; i++)
		eseal_text_doc_free(h[i]);
	eseal_text_doc_free(d);
}

static void test_no_text_layer(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	REQUIRE(p);
	CHECK_OK(eseal_text_page_finish(p));
	eseal_place_request req = { "某某公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	CHECK(r.n == 0);
	CHECK(r.confidence < 0.1);
	CHECK(strstr(r.reason, "no text") != NULL);
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_place_result_json(&r, &b));
	CHECK_OK(eseal_buf_cstr(&b));
	CHECK(strstr((char *)b.data, "\"placements\":[]") != NULL);
	eseal_buf_free(&b);
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

static void test_seal_type_names(void)
{
	unsigned s;
	CHECK_OK(eseal_seal_types_parse("official,contract,finance,invoice,personal", &s));
	CHECK(s == 31);
	CHECK(eseal_seal_types_parse("official,stamp", &s) == ESEAL_EINVAL);
}

TESTS(T(test_official_document), T(test_contract_party_block), T(test_contract_name_in_block),
      T(test_certificate_ending), T(test_form_cell), T(test_receipt_payee), T(test_habit_learned_after_three),
      T(test_no_text_layer), T(test_seal_type_names))
