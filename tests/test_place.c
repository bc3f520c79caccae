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
	if (r.n)
		fprintf(stderr, "    %s %.2f: %s\n", r.doc_class, r.confidence, r.reason);
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

/* 买方/卖方 in a two-column header line, an organisation name with
 * "（集团）" given with ASCII brackets, and a signature page with stacked
 * blocks whose seal label is a bare "盖章：" under the party's name. */
static void test_contract_stacked_buyer(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	put(p, 80, 30, 6, "设备采购合同");
	put(p, 25, 50, 4.2, "买方：东岳机械（集团）有限公司");
	put(p, 120, 50, 4.2, "卖方：西川设备有限公司");
	put(p, 25, 65, 4.2, "第一条 本合同自双方签章之日起生效。");
	eseal_text_page_finish(p);
	p = page(d);
	put(p, 25, 30, 4.2, "第二条 卖方应在收到加盖公章的订单后发货。");
	eseal_text_page_finish(p);
	p = page(d);
	put(p, 25, 60, 4.2, "卖方：西川设备有限公司");
	put(p, 25, 70, 4.2, "盖章：");
	put(p, 25, 100, 4.2, "买方：东岳机械（集团）有限公司");
	put(p, 25, 110, 4.2, "盖章：");
	put(p, 25, 120, 4.2, "日期：2026-03-02");
	eseal_text_page_finish(p);
	eseal_place_request req = { "东岳机械(集团)有限公司", ESEAL_SEAL_OFFICIAL | ESEAL_SEAL_CONTRACT, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(normals(&r) == 1);
	CHECK(near(&r.items[0], 3, 25 + 3 * 4.2 + 14, 112.1, 0.6));
	CHECK_EQ_STR(r.items[0].seal_type, "contract");
	CHECK_EQ_STR(r.doc_class, "contract");
	eseal_place_result_free(&r);
	/* the seller's block is the one above */
	eseal_place_request req2 = { "西川设备有限公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	CHECK_OK(eseal_place_propose(d, &req2, &r));
	REQUIRE(normals(&r) == 1);
	CHECK(near(&r.items[0], 3, 25 + 3 * 4.2 + 14, 72.1, 0.6));
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

/* 委托单位/受托单位 labels, "（公章）", and the organisation's name given
 * without the 市 the contract writes: a close variant is still the party,
 * a sister firm with another word is not. */
static void test_contract_unit_labels_variant_name(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	put(p, 80, 30, 6, "委托检测协议");
	put(p, 25, 50, 4.2, "委托单位：成都市长风贸易有限公司（以下简称甲方）");
	put(p, 25, 60, 4.2, "受托单位：成都长风检测技术有限公司（以下简称乙方）");
	eseal_text_page_finish(p);
	p = page(d);
	put(p, 25, 200, 4.2, "委托单位（公章）：");
	put(p, 115, 200, 4.2, "受托单位（公章）：");
	eseal_text_page_finish(p);
	eseal_place_request req = { "成都长风贸易有限公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(normals(&r) == 1);
	CHECK(near(&r.items[0], 2, 25 + 9 * 4.2 + 14, 202.1, 0.6));
	CHECK_EQ_STR(r.items[0].seal_type, "official");
	eseal_place_result_free(&r);
	eseal_place_request req2 = { "成都长风检测技术有限公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	CHECK_OK(eseal_place_propose(d, &req2, &r));
	REQUIRE(normals(&r) == 1);
	CHECK(near(&r.items[0], 2, 115 + 9 * 4.2 + 14, 202.1, 0.6));
	eseal_place_result_free(&r);
	/* a branch of the client is not the client */
	eseal_place_request req3 = { "成都长风贸易有限公司上海分公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	CHECK_OK(eseal_place_propose(d, &req3, &r));
	CHECK(normals(&r) == 0);
	if (r.n)
		fprintf(stderr, "    %s %.2f: %s\n", r.doc_class, r.confidence, r.reason);
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);

	/* the party's short name defined in the label: 出租方（以下简称“甲方”） */
	CHECK_OK(eseal_text_doc_new(&d));
	p = page(d);
	put(p, 80, 30, 6, "房屋租赁合同");
	put(p, 25, 50, 4.2, "出租方（以下简称“甲方”）：南湖置业有限公司");
	put(p, 25, 60, 4.2, "承租方（以下简称“乙方”）：北塔餐饮管理有限公司");
	eseal_text_page_finish(p);
	p = page(d);
	put(p, 25, 200, 4.2, "甲方（签章）：");
	put(p, 115, 200, 4.2, "乙方（签章）：");
	eseal_text_page_finish(p);
	eseal_place_request req4 = { "北塔餐饮管理有限公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	CHECK_OK(eseal_place_propose(d, &req4, &r));
	REQUIRE(normals(&r) == 1);
	CHECK(near(&r.items[0], 2, 115 + 7 * 4.2 + 14, 202.1, 0.6));
	eseal_place_result_free(&r);
	/* the header abbreviates the tenant; the request gives the full name */
	eseal_place_request req5 = { "上海北塔餐饮管理有限公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	eseal_text_doc_free(d);
	CHECK_OK(eseal_text_doc_new(&d));
	p = page(d);
	put(p, 80, 30, 6, "房屋租赁合同");
	put(p, 25, 50, 4.2, "出租人：南湖置业有限公司");
	put(p, 25, 60, 4.2, "承租人：北塔餐饮");
	eseal_text_page_finish(p);
	p = page(d);
	put(p, 25, 200, 4.2, "出租人（盖章）：");
	put(p, 115, 200, 4.2, "承租人（盖章）：");
	eseal_text_page_finish(p);
	CHECK_OK(eseal_place_propose(d, &req5, &r));
	REQUIRE(normals(&r) == 1);
	CHECK(near(&r.items[0], 2, 115 + 8 * 4.2 + 14, 202.1, 0.6));
	eseal_place_result_free(&r);
	/* a company whose name merely contains the landlord's is not the landlord */
	eseal_place_request req6 = { "南湖置业有限公司物业分公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	CHECK_OK(eseal_place_propose(d, &req6, &r));
	CHECK(normals(&r) == 0);
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

/* A letter (介绍信) on a US Letter page whose date line carries a label. */
static void test_letter_dated_label_other_size(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = NULL;
	CHECK_OK(eseal_text_doc_add_page(d, "1", 215.9, 279.4, &p));
	put(p, 90, 40, 8.5, "介绍信");
	put(p, 30, 60, 5, "兹介绍我单位王五同志前往贵处联系业务，请予接洽。");
	put(p, 30, 70, 5, "此致");
	put(p, 30, 78, 5, "敬礼！");
	put(p, 120, 150, 5, "南岭物流有限公司");
	put(p, 115, 160, 5, "日期：2026年4月8日");
	eseal_text_page_finish(p);
	eseal_place_request req = { "南岭物流有限公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	/* the date line (6 CJK glyphs and 6 digits, 45 mm) is wider than the name (40 mm) */
	double x = 115 + (6 * 5 + 6 * 2.5) / 2;
	CHECK(near(&r.items[0], 1, x, (150 + 165) / 2.0, 0.8));
	CHECK_EQ_STR(r.doc_class, "certificate");
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

/* A two-page agreement without seal labels: the party signs over its name
 * and the date; still a contract (contract seal, cross-page seal). */
static void test_contract_name_over_date(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	put(p, 80, 30, 6, "合作协议");
	put(p, 25, 50, 4.2, "甲方：云帆网络科技有限公司");
	put(p, 25, 60, 4.2, "乙方：海川文化发展有限公司");
	eseal_text_page_finish(p);
	p = page(d);
	put(p, 25, 150, 4.2, "云帆网络科技有限公司");
	put(p, 27, 158, 4.2, "2026年6月1日");
	put(p, 120, 150, 4.2, "海川文化发展有限公司");
	put(p, 122, 158, 4.2, "2026年6月1日");
	eseal_text_page_finish(p);
	eseal_place_request req = { "海川文化发展有限公司", ESEAL_SEAL_OFFICIAL | ESEAL_SEAL_CONTRACT, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(normals(&r) == 1);
	CHECK(r.items[0].page == 2 && r.items[0].x > 120 && r.items[0].x < 165);
	CHECK_EQ_STR(r.items[0].seal_type, "contract");
	CHECK(r.n == 2 && r.items[1].perforation);
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

/* A 登记表 whose seal label sits alone in a narrow header cell: the seal
 * goes in the blank cell to its right, not on the label. */
static void test_form_label_cell_left(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	put(p, 80, 20, 7, "社团活动登记表");
	rule(p, 20, 40, 170, 0.3);
	rule(p, 20, 60, 170, 0.3);
	rule(p, 20, 110, 170, 0.3);
	rule(p, 20, 40, 0.3, 70);
	rule(p, 60, 40, 0.3, 70);
	rule(p, 190, 40, 0.3, 70);
	put(p, 24, 48, 4, "活动名称");
	put(p, 64, 48, 4, "读书会");
	put(p, 24, 80, 4, "主办单位");
	put(p, 24, 86, 4, "（盖章）");
	eseal_text_page_finish(p);
	eseal_place_request req = { "某某协会", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	CHECK(near(&r.items[0], 1, 125, 85, 1.0));
	CHECK_EQ_STR(r.doc_class, "form");
	eseal_place_result_free(&r);
	eseal_text_doc_free(d);
}

/* A 收款收据 whose payee label names the finance seal and whose payer has a
 * seal label too; an organisation without a finance seal uses its official
 * seal. */
static void test_receipt_variant(void)
{
	eseal_text_doc *d;
	CHECK_OK(eseal_text_doc_new(&d));
	eseal_text_page *p = page(d);
	put(p, 85, 25, 7.5, "收款收据");
	put(p, 20, 45, 4.2, "交款单位（盖章）：远航物流有限公司");
	put(p, 20, 55, 4.2, "人民币（大写）：壹万元整");
	put(p, 20, 75, 4.2, "收款单位（财务专用章）：");
	put(p, 120, 75, 4.2, "经手人：");
	eseal_text_page_finish(p);
	eseal_place_request req = { "晨光文化传媒有限公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	CHECK(near(&r.items[0], 1, 20 + 12 * 4.2 + 14, 77.1, 0.6));
	CHECK_EQ_STR(r.items[0].seal_type, "official");
	CHECK_EQ_STR(r.doc_class, "receipt");
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

/* Certificates of one organisation in different layouts: people always
 * moved the proposed seal 3 mm right and 7 mm up, and used the official
 * seal. After two such corrections the proposal follows them. */
static eseal_text_doc *cert(const char *title, double nx, double ny, double dx, const char *date)
{
	eseal_text_doc *d;
	if (eseal_text_doc_new(&d))
		return NULL;
	eseal_text_page *p = page(d);
	put(p, 85, 45, 8.5, title);
	put(p, 41, 62, 5.6, "兹证明某人系青禾教育咨询有限公司员工。");
	put(p, 41, 75, 5.6, "特此证明。");
	put(p, nx, ny, 5.6, "青禾教育咨询有限公司");
	put(p, nx + dx, ny + 11, 5.6, date);
	eseal_text_page_finish(p);
	return d;
}

static void test_learned_correction(void)
{
	const char *titles[] = { "在职证明", "收入证明", "工作证明" };
	const char *dates[] = { "2026年1月5日", "二〇二六年二月九日", "2026年3月12日" };
	double nx[] = { 90, 120, 105 }, ny[] = { 160, 200, 140 }, ddx[] = { 10, 0, 14 };
	eseal_text_doc *h[3];
	eseal_place_item pl[3];
	eseal_place_history hist[3];
	eseal_place_request req = { "青禾教育咨询有限公司", ESEAL_SEAL_OFFICIAL | ESEAL_SEAL_FINANCE, NULL, 0 };
	for (int i = 0; i < 3; i++) {
		h[i] = cert(titles[i], nx[i], ny[i], ddx[i], dates[i]);
		REQUIRE(h[i]);
		eseal_place_result r;
		CHECK_OK(eseal_place_propose(h[i], &req, &r));
		REQUIRE(r.n == 1);
		pl[i] = r.items[0];
		pl[i].x += 3;
		pl[i].y -= 7;
		hist[i] = (eseal_place_history){ h[i], &pl[i], 1 };
		eseal_place_result_free(&r);
	}
	eseal_text_doc *d = cert("收入证明", 100, 180, 6, "2026年5月20日");
	REQUIRE(d);
	eseal_place_result r0, r;
	CHECK_OK(eseal_place_propose(d, &req, &r0));
	REQUIRE(r0.n == 1);
	req.history = hist;
	req.nhistory = 3;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	CHECK(near(&r.items[0], 1, r0.items[0].x + 3, r0.items[0].y - 7, 0.5));
	CHECK(strstr(r.items[0].reason, "earlier documents") != NULL);
	/* one example is no habit: nothing changes */
	req.nhistory = 1;
	eseal_place_result r1;
	CHECK_OK(eseal_place_propose(d, &req, &r1));
	REQUIRE(r1.n == 1);
	CHECK(near(&r1.items[0], 1, r0.items[0].x, r0.items[0].y, 0.1));
	eseal_place_result_free(&r0);
	eseal_place_result_free(&r);
	eseal_place_result_free(&r1);
	for (int i = 0; i < 3; i++)
		eseal_text_doc_free(h[i]);
	eseal_text_doc_free(d);
}

/* An organisation that owns a contract seal but always used its official
 * seal on contracts gets the official seal proposed. */
static void test_learned_seal_type(void)
{
	eseal_text_doc *h[2], *d = contract_doc();
	eseal_place_item pl[2];
	eseal_place_history hist[2];
	REQUIRE(d);
	eseal_place_request req = { "星海科技有限公司", ESEAL_SEAL_OFFICIAL | ESEAL_SEAL_CONTRACT, NULL, 0 };
	for (int i = 0; i < 2; i++) {
		h[i] = contract_doc();
		REQUIRE(h[i]);
		memset(&pl[i], 0, sizeof pl[i]);
		pl[i].page = 3;
		pl[i].x = 25 + 7 * 4.2 + 14 + i; /* by hand: not exactly the same spot */
		pl[i].y = 62.1 - i;
		snprintf(pl[i].seal_type, sizeof pl[i].seal_type, "official");
		hist[i] = (eseal_place_history){ h[i], &pl[i], 1 };
	}
	req.history = hist;
	req.nhistory = 2;
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(normals(&r) == 1);
	CHECK_EQ_STR(r.items[0].seal_type, "official");
	CHECK(near(&r.items[0], 3, 25 + 7 * 4.2 + 14, 62.1, 2));
	eseal_place_result_free(&r);
	for (int i = 0; i < 2; i++)
		eseal_text_doc_free(h[i]);
	eseal_text_doc_free(d);
}

/* Two conventions compete: a seal label near the top and the issuer's name
 * over a date at the end. The ending wins on its own; an organisation whose
 * earlier documents (other wordings, other layouts) were all stamped on the
 * label gets the label. */
static eseal_text_doc *two_way(const char *label, double lx, double ly, double ey)
{
	eseal_text_doc *d;
	if (eseal_text_doc_new(&d))
		return NULL;
	eseal_text_page *p = page(d);
	put(p, 25, 30, 4.2, "关于设备借用的说明");
	put(p, lx, ly, 4.2, label);
	put(p, 120, ey, 4.2, "青松仪器有限公司");
	put(p, 122, ey + 8, 4.2, "2026年7月1日");
	eseal_text_page_finish(p);
	return d;
}

static void test_history_ranker(void)
{
	const char *labels[] = { "经办单位（盖章）：", "承办单位（签章）", "办理单位盖章：" };
	size_t lens[] = { 9, 8, 7 };
	eseal_text_doc *h[3];
	eseal_place_item pl[3];
	eseal_place_history hist[3];
	for (int i = 0; i < 3; i++) {
		double lx = 20 + 5 * i, ly = 60 + 20 * i;
		h[i] = two_way(labels[i], lx, ly, 200 - 12 * i);
		REQUIRE(h[i]);
		memset(&pl[i], 0, sizeof pl[i]);
		pl[i].page = 1;
		pl[i].x = lx + lens[i] * 4.2 + 14;
		pl[i].y = ly + 2.1;
		snprintf(pl[i].seal_type, sizeof pl[i].seal_type, "official");
		hist[i] = (eseal_place_history){ h[i], &pl[i], 1 };
	}
	eseal_text_doc *d = two_way("主办单位（公章）：", 30, 90, 180);
	REQUIRE(d);
	eseal_place_request req = { "青松仪器有限公司", ESEAL_SEAL_OFFICIAL, NULL, 0 };
	eseal_place_result r;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	CHECK(r.items[0].y > 150); /* the ending */
	eseal_place_result_free(&r);
	req.history = hist;
	req.nhistory = 3;
	CHECK_OK(eseal_place_propose(d, &req, &r));
	REQUIRE(r.n == 1);
	CHECK(near(&r.items[0], 1, 30 + 9 * 4.2 + 14, 92.1, 0.6));
	CHECK(strstr(r.items[0].reason, "earlier documents") != NULL && strstr(r.items[0].reason, "habit") == NULL);
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
      T(test_contract_stacked_buyer), T(test_contract_unit_labels_variant_name),
      T(test_letter_dated_label_other_size), T(test_contract_name_over_date),
      T(test_certificate_ending), T(test_form_cell), T(test_receipt_payee), T(test_form_label_cell_left), T(test_receipt_variant), T(test_habit_learned_after_three),
      T(test_learned_correction), T(test_learned_seal_type),
      T(test_history_ranker),
      T(test_no_text_layer), T(test_seal_type_names))
