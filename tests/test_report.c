/*
 * test_report.c - the verification report model: conclusion rules, the
 * overall verdict, facts, and the JSON and text forms read back.
 */
#include <jansson.h>

#include "eseal/report.h"
#include "harness.h"

static void test_conclude_rules(void)
{
	eseal_report *r;
	CHECK_OK(eseal_report_new(&r, "ofd", "a.ofd"));

	eseal_report_item *ok = eseal_report_add(r, "1");
	REQUIRE(ok);
	eseal_item_check(ok, "data_hash", ESEAL_CHECK_PASSED, NULL, "matches");
	eseal_item_check(ok, "seal_validity", ESEAL_CHECK_WARNING, ESEAL_SUB_EXPIRED, "expired");
	eseal_item_check(ok, "timestamp", ESEAL_CHECK_SKIPPED, NULL, "none");
	eseal_item_conclude(ok);
	CHECK_EQ_INT(eseal_item_indication(ok), ESEAL_TOTAL_PASSED);
	CHECK(eseal_item_subindication(ok) == NULL);

	/* the first FAILED wins over an earlier INDETERMINATE and a later FAILED */
	eseal_report_item *bad = eseal_report_add(r, "2");
	REQUIRE(bad);
	eseal_item_check(bad, "signer_chain", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NO_TRUST_ANCHOR, "no anchor");
	eseal_item_check(bad, "references", ESEAL_CHECK_FAILED, ESEAL_SUB_HASH_FAILURE, "/OFD.xml differs");
	eseal_item_check(bad, "signature_value", ESEAL_CHECK_FAILED, ESEAL_SUB_SIG_CRYPTO_FAILURE, "bad");
	eseal_item_conclude(bad);
	CHECK_EQ_INT(eseal_item_indication(bad), ESEAL_TOTAL_FAILED);
	CHECK_EQ_STR(eseal_item_subindication(bad), ESEAL_SUB_HASH_FAILURE);

	/* a failure without a sub-indication is a format failure */
	eseal_report_item *nosub = eseal_report_add(r, "3");
	REQUIRE(nosub);
	eseal_item_check(nosub, "format", ESEAL_CHECK_FAILED, NULL, "truncated");
	eseal_item_conclude(nosub);
	CHECK_EQ_INT(eseal_item_indication(nosub), ESEAL_TOTAL_FAILED);
	CHECK_EQ_STR(eseal_item_subindication(nosub), ESEAL_SUB_FORMAT_FAILURE);

	/* first INDETERMINATE gives the sub-indication; not concluded: lazy */
	eseal_report_item *ind = eseal_report_add(r, "4");
	REQUIRE(ind);
	eseal_item_check(ind, "signature_value", ESEAL_CHECK_PASSED, NULL, "ok");
	eseal_item_check(ind, "signer_chain", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NO_TRUST_ANCHOR, "x");
	eseal_item_check(ind, "seal_status", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_TRY_LATER, "y");
	CHECK_EQ_INT(eseal_item_indication(ind), ESEAL_INDETERMINATE);
	CHECK_EQ_STR(eseal_item_subindication(ind), ESEAL_SUB_NO_TRUST_ANCHOR);

	/* a check added after conclude still counts */
	eseal_item_conclude(ok);
	eseal_item_check(ok, "revision_diff", ESEAL_CHECK_FAILED, ESEAL_SUB_MODIFIED_AFTER, "page 2 changed");
	CHECK_EQ_INT(eseal_item_indication(ok), ESEAL_TOTAL_FAILED);
	CHECK_EQ_STR(eseal_item_subindication(ok), ESEAL_SUB_MODIFIED_AFTER);

	CHECK_EQ_INT(eseal_item_check_status(bad, "references"), ESEAL_CHECK_FAILED);
	CHECK_EQ_INT(eseal_item_check_status(ind, "signer_chain"), ESEAL_CHECK_INDETERMINATE);
	CHECK_EQ_INT(eseal_item_check_status(ind, "no_such_check"), -1);

	CHECK_EQ_INT(eseal_report_count(r), 4);
	CHECK(eseal_report_get(r, 1) == bad);
	CHECK(eseal_report_get(r, 4) == NULL);
	eseal_report_free(r);
}

static void test_overall(void)
{
	eseal_report *r;
	CHECK_OK(eseal_report_new(&r, "pdf", "b.pdf"));
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);

	eseal_report_item *a = eseal_report_add(r, "1");
	eseal_item_check(a, "cms_signature", ESEAL_CHECK_PASSED, NULL, "ok");
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);

	eseal_report_item *b = eseal_report_add(r, "2");
	eseal_item_check(b, "signer_chain", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NO_TRUST_ANCHOR, "no anchor");
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_INDETERMINATE);

	eseal_report_item *c = eseal_report_add(r, "3");
	eseal_item_check(c, "byte_range", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE, "gap");
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_FAILED);

	CHECK_EQ_STR(eseal_indication_name(ESEAL_TOTAL_PASSED), "TOTAL-PASSED");
	CHECK_EQ_STR(eseal_indication_name(ESEAL_TOTAL_FAILED), "TOTAL-FAILED");
	CHECK_EQ_STR(eseal_indication_name(ESEAL_INDETERMINATE), "INDETERMINATE");
	eseal_report_free(r);
}

static void test_facts_replace(void)
{
	eseal_report *r;
	CHECK_OK(eseal_report_new(&r, "seal", "x.esl"));
	eseal_report_item *it = eseal_report_add(r, "seal");
	REQUIRE(it);
	eseal_item_fact(it, "signer", "%s", "first");
	eseal_item_fact(it, "page", "%d", 3);
	eseal_item_fact(it, "signer", "%s-%d", "second", 2);
	CHECK_EQ_STR(eseal_item_fact_get(it, "signer"), "second-2");
	CHECK_EQ_STR(eseal_item_fact_get(it, "page"), "3");
	CHECK(eseal_item_fact_get(it, "nothing") == NULL);

	/* NULL items (out of memory upstream) are ignored, not crashed on */
	eseal_item_fact(NULL, "k", "v");
	eseal_item_check(NULL, "format", ESEAL_CHECK_FAILED, NULL, "x");
	eseal_item_conclude(NULL);
	CHECK_EQ_INT(eseal_item_check_status(NULL, "format"), -1);
	eseal_report_free(r);
}

/* A report like one OFD verification produces. */
static eseal_report *sample(void)
{
	eseal_report *r;
	if (eseal_report_new(&r, "ofd", "a.ofd"))
		return NULL;
	eseal_report_fact(r, "pages", "%d", 2);
	eseal_report_fact(r, "producer", "Suwell");
	eseal_report_warning(r, "duplicate entry %s", "Doc_0/Document.xml");
	eseal_report_warning(r, "duplicate entry %s", "Doc_0/Document.xml");

	eseal_report_item *it = eseal_report_add(r, "1");
	eseal_item_fact(it, "zz_extra", "last-recorded-first");
	eseal_item_fact(it, "signer", "张三");
	eseal_item_fact(it, "seal_name", "测试专用章");
	eseal_item_fact(it, "valid_to", "2023-10-07");
	eseal_item_fact(it, "valid_from", "2020-10-07");
	eseal_item_check(it, "signature_value", ESEAL_CHECK_PASSED, NULL, "SM2 signature verifies");
	eseal_item_check(it, "signer_chain", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NO_TRUST_ANCHOR,
			 "no trust anchor configured");
	eseal_item_check(it, "seal_validity", ESEAL_CHECK_WARNING, ESEAL_SUB_EXPIRED, "expired");
	eseal_item_check(it, "timestamp", ESEAL_CHECK_SKIPPED, NULL, "none");
	eseal_item_check(it, "vendor_quirk", ESEAL_CHECK_PASSED, NULL, "raw r||s");

	eseal_report_item *b = eseal_report_add(r, "4");
	eseal_item_check(b, "references", ESEAL_CHECK_FAILED, ESEAL_SUB_HASH_FAILURE, "/OFD.xml differs");
	eseal_item_conclude(b);
	return r;
}

static void test_json(void)
{
	eseal_report *r = sample();
	REQUIRE(r);
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_buf_puts(&b, "prefix"));
	CHECK_OK(eseal_report_json(r, &b));
	REQUIRE(b.len > 6 && memcmp(b.data, "prefix", 6) == 0);
	CHECK(b.data[b.len - 1] == '\n');
	CHECK(strstr((char *)b.data, "\n  \"kind\": \"ofd\"") != NULL); /* 2-space indent */

	json_error_t err;
	json_t *j = json_loadb((char *)b.data + 6, b.len - 6, 0, &err);
	REQUIRE(j);
	CHECK_EQ_STR(json_string_value(json_object_get(j, "kind")), "ofd");
	CHECK_EQ_STR(json_string_value(json_object_get(j, "subject")), "a.ofd");
	CHECK_EQ_STR(json_string_value(json_object_get(j, "indication")), "TOTAL-FAILED");

	/* top-level key order is part of the stable shape */
	const char *order[] = { "kind", "subject", "indication", "facts", "warnings", "signatures" };
	void *iter = json_object_iter(j);
	for (size_t i = 0; i < 6; i++) {
		REQUIRE(iter);
		CHECK_EQ_STR(json_object_iter_key(iter), order[i]);
		iter = json_object_iter_next(j, iter);
	}
	CHECK(iter == NULL);

	json_t *facts = json_object_get(j, "facts");
	CHECK_EQ_STR(json_string_value(json_object_get(facts, "pages")), "2");
	json_t *w = json_object_get(j, "warnings");
	CHECK_EQ_INT(json_array_size(w), 1);
	CHECK_EQ_STR(json_string_value(json_array_get(w, 0)), "duplicate entry Doc_0/Document.xml");

	json_t *sigs = json_object_get(j, "signatures");
	REQUIRE(json_array_size(sigs) == 2);
	json_t *s0 = json_array_get(sigs, 0);
	CHECK_EQ_STR(json_string_value(json_object_get(s0, "id")), "1");
	CHECK_EQ_STR(json_string_value(json_object_get(s0, "indication")), "INDETERMINATE");
	CHECK_EQ_STR(json_string_value(json_object_get(s0, "subindication")), "NO_TRUST_ANCHOR");
	json_t *checks = json_object_get(s0, "checks");
	REQUIRE(json_array_size(checks) == 5);
	json_t *c0 = json_array_get(checks, 0);
	CHECK_EQ_STR(json_string_value(json_object_get(c0, "check")), "signature_value");
	CHECK_EQ_STR(json_string_value(json_object_get(c0, "status")), "passed");
	CHECK(json_is_null(json_object_get(c0, "subindication")));
	CHECK_EQ_STR(json_string_value(json_object_get(c0, "detail")), "SM2 signature verifies");
	const char *st[] = { "passed", "indeterminate", "warning", "skipped", "passed" };
	for (size_t i = 0; i < 5; i++)
		CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(checks, i), "status")), st[i]);
	CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(checks, 2), "subindication")), "EXPIRED");

	/* facts keep insertion order */
	const char *fk[] = { "zz_extra", "signer", "seal_name", "valid_to", "valid_from" };
	json_t *f0 = json_object_get(s0, "facts");
	iter = json_object_iter(f0);
	for (size_t i = 0; i < 5; i++) {
		REQUIRE(iter);
		CHECK_EQ_STR(json_object_iter_key(iter), fk[i]);
		iter = json_object_iter_next(f0, iter);
	}
	CHECK(iter == NULL);
	CHECK_EQ_STR(json_string_value(json_object_get(f0, "signer")), "张三");

	json_t *s1 = json_array_get(sigs, 1);
	CHECK_EQ_STR(json_string_value(json_object_get(s1, "indication")), "TOTAL-FAILED");
	CHECK_EQ_STR(json_string_value(json_object_get(s1, "subindication")), "HASH_FAILURE");
	CHECK_EQ_INT(json_object_size(json_object_get(s1, "facts")), 0);

	json_decref(j);
	eseal_buf_free(&b);
	eseal_report_free(r);
}

static void test_json_bad_utf8(void)
{
	eseal_report *r;
	CHECK_OK(eseal_report_new(&r, "seal", "x.esl"));
	eseal_report_item *it = eseal_report_add(r, "seal");
	eseal_item_fact(it, "seal_name", "GBK \xb2\xe2\xca\xd4 end");
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_report_json(r, &b));
	json_error_t err;
	json_t *j = json_loadb((char *)b.data, b.len, 0, &err);
	REQUIRE(j);
	const char *v = json_string_value(json_object_get(json_object_get(
		json_array_get(json_object_get(j, "signatures"), 0), "facts"), "seal_name"));
	REQUIRE(v);
	CHECK(strncmp(v, "GBK ", 4) == 0);
	CHECK(strstr(v, "\xef\xbf\xbd") != NULL);
	CHECK(strstr(v, " end") != NULL);
	json_decref(j);
	eseal_buf_free(&b);
	eseal_report_free(r);
}

static void test_text_zh(void)
{
	eseal_report *r = sample();
	REQUIRE(r);
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_report_text(r, 1, &b));
	const char *t = (const char *)b.data;
	REQUIRE(t);
	CHECK(strncmp(t, "OFD 文档 a.ofd：验证失败 (TOTAL-FAILED)", strlen("OFD 文档 a.ofd：验证失败 (TOTAL-FAILED)")) == 0);
	CHECK(strstr(t, "签章 1：无法确定 (INDETERMINATE, NO_TRUST_ANCHOR)") != NULL);
	CHECK(strstr(t, "签章 4：验证失败 (TOTAL-FAILED, HASH_FAILURE)") != NULL);
	CHECK(strstr(t, "签章人：张三") != NULL);
	CHECK(strstr(t, "印章名称：测试专用章") != NULL);
	CHECK(strstr(t, "有效期：2020-10-07 至 2023-10-07") != NULL);
	CHECK(strstr(t, "页数：2") != NULL);
	CHECK(strstr(t, "警告：duplicate entry") != NULL);
	CHECK(strstr(t, "[✓] 签章签名值：SM2 signature verifies") != NULL);
	CHECK(strstr(t, "[?] 签章人证书链") != NULL);
	CHECK(strstr(t, "[!] 印章有效期") != NULL);
	CHECK(strstr(t, "[-] 时间戳") != NULL);
	CHECK(strstr(t, "[✗] 文件摘要：/OFD.xml differs (HASH_FAILURE)") != NULL);
	CHECK(strstr(t, "[✓] vendor_quirk") != NULL); /* unknown names as is */
	/* well-known facts come first, in the fixed order, before others */
	const char *signer = strstr(t, "签章人："), *seal = strstr(t, "印章名称："),
		   *extra = strstr(t, "zz_extra");
	REQUIRE(signer && seal && extra);
	CHECK(signer < seal && seal < extra);
	CHECK(strstr(t, "Signer") == NULL);
	eseal_buf_free(&b);
	eseal_report_free(r);
}

static void test_text_en(void)
{
	eseal_report *r = sample();
	REQUIRE(r);
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_report_text(r, 0, &b));
	const char *t = (const char *)b.data;
	REQUIRE(t);
	CHECK(strstr(t, "OFD document a.ofd: FAILED (TOTAL-FAILED), 2 signatures") == t);
	CHECK(strstr(t, "Signature 1: INDETERMINATE (INDETERMINATE, NO_TRUST_ANCHOR)") != NULL);
	CHECK(strstr(t, "Signer: 张三") != NULL);
	CHECK(strstr(t, "Seal name: 测试专用章") != NULL);
	CHECK(strstr(t, "Valid: 2020-10-07 to 2023-10-07") != NULL);
	CHECK(strstr(t, "[✓] Signature value: SM2 signature verifies") != NULL);
	CHECK(strstr(t, "[✗] File digests") != NULL);
	CHECK(strstr(t, "签章人") == NULL);
	CHECK(strstr(t, "验证") == NULL);
	eseal_buf_free(&b);
	eseal_report_free(r);
}

static void test_empty(void)
{
	eseal_report *r;
	CHECK_OK(eseal_report_new(&r, "ofd", "helloworld.ofd"));
	CHECK_EQ_INT(eseal_report_count(r), 0);
	CHECK(eseal_report_get(r, 0) == NULL);
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_PASSED);

	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_report_json(r, &b));
	json_error_t err;
	json_t *j = json_loadb((char *)b.data, b.len, 0, &err);
	REQUIRE(j);
	CHECK_EQ_STR(json_string_value(json_object_get(j, "indication")), "TOTAL-PASSED");
	CHECK(json_is_array(json_object_get(j, "signatures")));
	CHECK_EQ_INT(json_array_size(json_object_get(j, "signatures")), 0);
	CHECK(json_is_array(json_object_get(j, "warnings")));
	CHECK(json_is_object(json_object_get(j, "facts")));
	json_decref(j);

	eseal_buf_clear(&b);
	CHECK_OK(eseal_report_text(r, 1, &b));
	CHECK(strstr((char *)b.data, "未发现签章") != NULL);
	eseal_buf_clear(&b);
	CHECK_OK(eseal_report_text(r, 0, &b));
	CHECK(strstr((char *)b.data, "no signatures found") != NULL);
	eseal_buf_free(&b);
	eseal_report_free(r);

	/* NULL kind/subject are allowed; NULL out is refused */
	CHECK_OK(eseal_report_new(&r, NULL, NULL));
	eseal_report_free(r);
	CHECK(eseal_report_new(NULL, "ofd", "x") == ESEAL_EINVAL);
	eseal_report_free(NULL);
}

/* Names from a crafted file cannot put escape sequences on a terminal. */
static void test_text_control_bytes(void)
{
	eseal_report *r;
	CHECK_OK(eseal_report_new(&r, "seal", "evil\x1b[2J.esl"));
	eseal_report_item *it = eseal_report_add(r, "seal");
	REQUIRE(it);
	CHECK_EQ_STR(eseal_item_id(it), "seal");
	eseal_item_fact(it, "seal_name", "a\x1b]0;title\x07" "b");
	eseal_item_check(it, "format", ESEAL_CHECK_PASSED, NULL, "line1\nline2");
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_report_text(r, 0, &b));
	const char *t = (const char *)b.data;
	REQUIRE(t);
	CHECK(strchr(t, 0x1b) == NULL && strchr(t, 0x07) == NULL);
	CHECK(strstr(t, "Seal evil?[2J.esl: PASSED (TOTAL-PASSED)\n") == t);
	CHECK(strstr(t, "\nSeal: PASSED (TOTAL-PASSED)\n") != NULL);
	CHECK(strstr(t, "Seal name: a?]0;title?b\n") != NULL);
	CHECK(strstr(t, "[✓] Format: line1\n      line2\n") != NULL);
	eseal_buf_free(&b);
	eseal_report_free(r);
}

static void test_labels(void)
{
	CHECK_EQ_STR(eseal_report_check_label("signer_in_seal", 1), "签章人证书在印章证书列表中");
	CHECK_EQ_STR(eseal_report_check_label("revision_diff", 1), "签名后修改");
	CHECK_EQ_STR(eseal_report_check_label("cms_signature", 0), "CMS signature");
	CHECK_EQ_STR(eseal_report_check_label("whatever", 1), "whatever");
	CHECK_EQ_STR(eseal_check_status_name(ESEAL_CHECK_SKIPPED), "skipped");
}

/* Many items and checks: the arrays grow without losing entries. */
static void test_growth(void)
{
	eseal_report *r;
	CHECK_OK(eseal_report_new(&r, "pdf", "big.pdf"));
	for (int i = 0; i < 100; i++) {
		char id[16];
		snprintf(id, sizeof id, "%d", i + 1);
		eseal_report_item *it = eseal_report_add(r, id);
		REQUIRE(it);
		for (int k = 0; k < 40; k++) {
			char key[16];
			snprintf(key, sizeof key, "k%d", k);
			eseal_item_fact(it, key, "%d", k);
			eseal_item_check(it, key, k == 39 && i == 99 ? ESEAL_CHECK_FAILED : ESEAL_CHECK_PASSED,
					 NULL, "%d", k);
		}
	}
	CHECK_EQ_INT(eseal_report_count(r), 100);
	CHECK_EQ_STR(eseal_item_fact_get(eseal_report_get(r, 57), "k33"), "33");
	CHECK_EQ_INT(eseal_report_overall(r), ESEAL_TOTAL_FAILED);
	CHECK_EQ_STR(eseal_item_subindication(eseal_report_get(r, 99)), ESEAL_SUB_FORMAT_FAILURE);
	eseal_report_free(r);
}

TESTS(T(test_conclude_rules), T(test_overall), T(test_facts_replace), T(test_json),
      T(test_json_bad_utf8), T(test_text_zh), T(test_text_en), T(test_empty), T(test_text_control_bytes),
      T(test_labels),
      T(test_growth))
