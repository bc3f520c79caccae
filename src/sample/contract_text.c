/*
 * contract_text.c - the wording of the sample contract, shared by the OFD
 * and PDF samples so both formats carry the same text and layout.
 */
#include <stdio.h>
#include <string.h>

#include "sample_internal.h"

static const char *articles[] = {
	"第一条 标的：乙方向甲方提供办公设备及相关服务，品名、规格、数量见附件清单。",
	"第二条 价款：合同总价款为人民币壹拾贰万元整（￥120,000.00），含税及运输费用。",
	"第三条 交付：乙方应于合同签订后三十日内将货物送达甲方指定地点并负责安装调试。",
	"第四条 验收：甲方应于货物送达后七个工作日内组织验收，验收合格后签署验收单。",
	"第五条 付款：验收合格后十五个工作日内，甲方凭乙方开具的发票支付全部价款。",
	"第六条 质量保证：乙方保证货物为全新正品，质量保证期为验收合格之日起十二个月。",
	"第七条 违约责任：任何一方违反本合同约定的，应向守约方支付合同总价款百分之五的违约金。",
	"第八条 争议解决：因本合同引起的争议，双方应协商解决；协商不成的，提交甲方所在地人民法院诉讼解决。",
	"第九条 其他：本合同一式两份，甲乙双方各执一份，自双方盖章之日起生效。",
};

void sample_defaults(eseal_sample_opts *o)
{
	if (!o->title)
		o->title = "示例采购合同";
	if (!o->party_a)
		o->party_a = "示例科技有限公司";
	if (!o->party_b)
		o->party_b = "示例商贸有限公司";
	if (o->pages < 1)
		o->pages = 3;
	if (!o->date)
		o->date = time(NULL);
}

/* Lays the contract out as lines on A4 pages: 25 mm margins, 5 mm body text. */
int sample_layout(const eseal_sample_opts *o, sample_line_fn emit, void *ctx)
{
	char buf[512];
	int rc;
	struct tm tm;
	time_t d = o->date;
	gmtime_r(&d, &tm);
	size_t narticles = sizeof articles / sizeof articles[0];
	for (int page = 1; page <= o->pages; page++) {
		double y = 30;
		if (page == 1) {
			if ((rc = emit(ctx, page, 0, y, 8, o->title, 1)))
				return rc;
			y += 18;
			snprintf(buf, sizeof buf, "甲方：%s", o->party_a);
			if ((rc = emit(ctx, page, 25, y, 5, buf, 0)))
				return rc;
			y += 9;
			snprintf(buf, sizeof buf, "乙方：%s", o->party_b);
			if ((rc = emit(ctx, page, 25, y, 5, buf, 0)))
				return rc;
			y += 14;
		}
		/* Articles spread over the pages; every page gets some body text. */
		size_t from = narticles * (size_t)(page - 1) / (size_t)o->pages;
		size_t to = narticles * (size_t)page / (size_t)o->pages;
		for (size_t i = from; i < to; i++) {
			/* Wrap at 32 characters (160 mm of 5 mm glyphs). */
			const char *s = articles[i];
			int first = 1;
			while (*s) {
				size_t n = 0, chars = 0;
				while (s[n] && chars < (first ? 30u : 32u)) {
					unsigned char c = (unsigned char)s[n];
					n += c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
					chars++;
				}
				snprintf(buf, sizeof buf, "%.*s", (int)n, s);
				if ((rc = emit(ctx, page, first ? 35 : 25, y, 5, buf, 0)))
					return rc;
				y += 8;
				s += n;
				first = 0;
			}
			y += 4;
		}
		if (page == o->pages) {
			y += 20;
			snprintf(buf, sizeof buf, "甲方（盖章）：%s", o->party_a);
			if ((rc = emit(ctx, page, 25, y, 5, buf, 0)))
				return rc;
			snprintf(buf, sizeof buf, "乙方（盖章）：%s", o->party_b);
			if ((rc = emit(ctx, page, 110, y, 5, buf, 0)))
				return rc;
			y += 12;
			snprintf(buf, sizeof buf, "日期：%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
			if ((rc = emit(ctx, page, 25, y, 5, buf, 0)) || (rc = emit(ctx, page, 110, y, 5, buf, 0)))
				return rc;
		}
		snprintf(buf, sizeof buf, "第 %d 页 共 %d 页", page, o->pages);
		if ((rc = emit(ctx, page, 0, 280, 4, buf, 1)))
			return rc;
	}
	return 0;
}
