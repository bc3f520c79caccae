/*
 * report_text.c - the human summary of a verification report, in Chinese
 * or English: verdicts first, then the facts a reader looks for (signer,
 * seal, time, place, certificates) in a fixed order, then every check.
 * It only presents the model; it must never change a verdict, and it writes
 * nothing to the output unless the whole summary was built.
 */
#include <stdio.h>
#include <string.h>

#include "verify/report_internal.h"

typedef struct {
	const char *key;
	const char *zh;
	const char *en;
} label;

/* Well-known item facts, printed first and in this order. valid_from and
 * valid_to are joined into one line and handled apart. */
static const label fact_order[] = {
	{ "signer", "签章人", "Signer" },
	{ "seal_name", "印章名称", "Seal name" },
	{ "esid", "印章编码", "Seal ID" },
	{ "seal_type", "印章类型", "Seal type" },
	{ "time", "签章时间", "Signing time" },
	{ "page", "页码", "Page" },
	{ "position", "位置", "Position" },
	{ "vendor", "厂商", "Vendor" },
	{ "version", "版本", "Version" },
	{ "maker", "制章者", "Seal maker" },
	{ "protected", "保护范围", "Protected content" },
	{ "signer_cert", "签章人证书", "Signer certificate" },
	{ "maker_cert", "制章者证书", "Maker certificate" },
};

/* Other facts eseal records; printed where they were recorded. */
static const label fact_more[] = {
	{ "pages", "页数", "Pages" },
	{ "revisions", "修订版本数", "Revisions" },
	{ "signed_revision", "签名修订版本", "Signed revision" },
	{ "signatures", "签章数", "Signatures" },
	{ "type", "签名类型", "Signature type" },
	{ "sign_method", "签名算法", "Signature algorithm" },
	{ "digest_method", "杂凑算法", "Digest algorithm" },
	{ "provider", "签章软件", "Signing software" },
	{ "seal_picture", "印章图片", "Seal picture" },
	{ "seal_size", "印章尺寸", "Seal size" },
	{ "seal_status", "印章状态", "Seal status" },
	{ "signer_serial", "签章人证书序列号", "Signer certificate serial" },
	{ "maker_serial", "制章者证书序列号", "Maker certificate serial" },
	{ "uncovered", "未保护文件", "Uncovered files" },
	{ "producer", "生成软件", "Producer" },
	{ "signature_id", "签名标识", "Signature ID" },
	{ "signature_file", "签名文件", "Signature file" },
	{ "protected_files", "受保护文件", "Protected files" },
	{ "signature_date_time", "签名时间(XML)", "SignatureDateTime" },
	{ "cms_variant", "CMS形式", "CMS variant" },
	{ "signature_encoding", "签名值编码", "Signature encoding" },
	{ "seal_version", "印章版本", "Seal version" },
	{ "seal_valid", "印章有效期", "Seal validity" },
	{ "picture", "印章图片", "Seal picture" },
	{ "format", "格式", "Format" },
};

static const label check_labels[] = {
	{ "package_integrity", "文档完整性", "Package integrity" },
	{ "references", "文件摘要", "File digests" },
	{ "uncovered_files", "未保护文件", "Uncovered files" },
	{ "data_hash", "原文杂凑值", "Data hash" },
	{ "signature_value", "签章签名值", "Signature value" },
	{ "seal_signature", "印章制章签名", "Seal maker signature" },
	{ "signer_in_seal", "签章人证书在印章证书列表中", "Signer certificate in seal" },
	{ "seal_validity", "印章有效期", "Seal validity" },
	{ "signer_cert_validity", "签章人证书有效期", "Signer certificate validity" },
	{ "maker_cert_validity", "制章者证书有效期", "Maker certificate validity" },
	{ "signer_chain", "签章人证书链", "Signer certificate chain" },
	{ "maker_chain", "制章者证书链", "Maker certificate chain" },
	{ "seal_status", "印章状态", "Seal status" },
	{ "seal_file_match", "印章文件一致", "Seal file matches" },
	{ "annotations", "签名后注释", "Annotations after signing" },
	{ "byte_range", "签名范围", "Signed byte range" },
	{ "revision_diff", "签名后修改", "Changes after signing" },
	{ "cms_signature", "CMS签名", "CMS signature" },
	{ "timestamp", "时间戳", "Timestamp" },
	{ "format", "格式", "Format" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const label *find(const label *t, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].key, key) == 0)
			return &t[i];
	return NULL;
}

const char *eseal_report_check_label(const char *check, int zh)
{
	if (!check)
		return "";
	const label *l = find(check_labels, N(check_labels), check);
	if (!l)
		return check;
	return zh ? l->zh : l->en;
}

static const char *fact_label(const char *key, int zh)
{
	const label *l = find(fact_order, N(fact_order), key);
	if (!l)
		l = find(fact_more, N(fact_more), key);
	if (!l)
		return key;
	return zh ? l->zh : l->en;
}

/* The summary is built here first, so errors stick and nothing partial
 * reaches the caller's buffer. */
typedef struct {
	eseal_buf b;
	int rc;
	int zh;
} writer;

static void put(writer *w, const char *s)
{
	if (!w->rc)
		w->rc = eseal_buf_puts(&w->b, s ? s : "");
}

/* Text taken from the verified file. Control bytes become '?' so a crafted
 * name cannot drive the terminal; line breaks keep the indentation. */
static void put_text(writer *w, const char *v, const char *indent)
{
	for (const char *p = v ? v : ""; *p && !w->rc; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n') {
			if (p[1] == 0)
				break;
			put(w, "\n");
			put(w, indent);
		} else if (c == '\r') {
			continue;
		} else {
			w->rc = eseal_buf_putc(&w->b, c < 0x20 || c == 0x7f ? '?' : c);
		}
	}
}

static void put_fact(writer *w, const char *name, const char *value)
{
	put(w, "  ");
	put_text(w, name, "");
	put(w, w->zh ? "：" : ": ");
	put_text(w, value, "    ");
	put(w, "\n");
}

static const char *verdict_word(eseal_indication ind, int zh)
{
	switch (ind) {
	case ESEAL_TOTAL_PASSED: return zh ? "验证通过" : "PASSED";
	case ESEAL_TOTAL_FAILED: return zh ? "验证失败" : "FAILED";
	case ESEAL_INDETERMINATE: return zh ? "无法确定" : "INDETERMINATE";
	}
	return zh ? "无法确定" : "INDETERMINATE";
}

/* "验证失败 (TOTAL-FAILED, HASH_FAILURE)" */
static void put_verdict(writer *w, eseal_indication ind, const char *sub)
{
	put(w, verdict_word(ind, w->zh));
	put(w, " (");
	put(w, eseal_indication_name(ind));
	if (sub) {
		put(w, ", ");
		put_text(w, sub, "");
	}
	put(w, ")");
}

static const char *check_mark(eseal_check_status st)
{
	switch (st) {
	case ESEAL_CHECK_PASSED: return "[✓]";
	case ESEAL_CHECK_FAILED: return "[✗]";
	case ESEAL_CHECK_INDETERMINATE: return "[?]";
	case ESEAL_CHECK_WARNING: return "[!]";
	case ESEAL_CHECK_SKIPPED: return "[-]";
	}
	return "[?]";
}

static int is_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void put_item_title(writer *w, const eseal_report *r, const char *id)
{
	const char *sig = w->zh ? "签章" : "Signature";
	if (strncmp(id, "signature ", 10) == 0) {
		put(w, sig);
		put(w, " ");
		put_text(w, id + 10, "");
	} else if (strcmp(id, "seal") == 0) {
		put(w, w->zh ? "印章" : "Seal");
	} else if (is_digits(id) || strcmp(r->kind, "seal") != 0) {
		put(w, sig);
		put(w, " ");
		put_text(w, id, "");
	} else {
		put_text(w, id, "");
	}
}

static void put_item(writer *w, const eseal_report *r, const eseal_report_item *it)
{
	eseal_indication ind;
	const char *sub;
	report_item_verdict(it, &ind, &sub);

	put_item_title(w, r, it->id);
	put(w, w->zh ? "：" : ": ");
	put_verdict(w, ind, sub);
	put(w, "\n");

	const report_facts *f = &it->facts;
	for (size_t k = 0; k < N(fact_order); k++) {
		for (size_t i = 0; i < f->n; i++)
			if (strcmp(f->v[i].key, fact_order[k].key) == 0)
				put_fact(w, w->zh ? fact_order[k].zh : fact_order[k].en, f->v[i].value);
	}
	const char *from = NULL, *to = NULL;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].key, "valid_from") == 0)
			from = f->v[i].value;
		else if (strcmp(f->v[i].key, "valid_to") == 0)
			to = f->v[i].value;
	}
	if (from || to) {
		put(w, "  ");
		put(w, w->zh ? "有效期：" : "Valid: ");
		put_text(w, from ? from : "?", "");
		put(w, w->zh ? " 至 " : " to ");
		put_text(w, to ? to : "?", "");
		put(w, "\n");
	}
	for (size_t i = 0; i < f->n; i++) {
		const char *key = f->v[i].key;
		if (find(fact_order, N(fact_order), key) ||
		    strcmp(key, "valid_from") == 0 || strcmp(key, "valid_to") == 0)
			continue;
		put_fact(w, fact_label(key, w->zh), f->v[i].value);
	}

	for (size_t i = 0; i < it->nchecks; i++) {
		const report_check *c = &it->checks[i];
		put(w, "  ");
		put(w, check_mark(c->status));
		put(w, " ");
		put_text(w, eseal_report_check_label(c->name, w->zh), "");
		if (c->detail && *c->detail) {
			put(w, w->zh ? "：" : ": ");
			put_text(w, c->detail, "      ");
		}
		if (c->sub && (c->status == ESEAL_CHECK_FAILED ||
			       c->status == ESEAL_CHECK_INDETERMINATE)) {
			put(w, " (");
			put_text(w, c->sub, "");
			put(w, ")");
		}
		put(w, "\n");
	}
}

static const char *kind_name(const char *kind, int zh)
{
	if (strcmp(kind, "seal") == 0)
		return zh ? "印章" : "Seal";
	if (strcmp(kind, "ofd") == 0)
		return zh ? "OFD 文档" : "OFD document";
	if (strcmp(kind, "pdf") == 0)
		return zh ? "PDF 文档" : "PDF document";
	return zh ? "文档" : "Document";
}

int eseal_report_text(const eseal_report *r, int zh, eseal_buf *out)
{
	if (!r || !out)
		return eseal_error_set(ESEAL_EINVAL, "report: nothing to write");
	writer w = { ESEAL_BUF_INIT, 0, zh != 0 };

	put(&w, kind_name(r->kind, w.zh));
	if (*r->subject) {
		put(&w, " ");
		put_text(&w, r->subject, "");
	}
	put(&w, w.zh ? "：" : ": ");
	if (r->nitems == 0) {
		/* "passed" would mislead when there was nothing to verify */
		put(&w, w.zh ? "未发现签章" : "no signatures found");
	} else {
		put_verdict(&w, eseal_report_overall(r), NULL);
		if (strcmp(r->kind, "seal") != 0 || r->nitems > 1) {
			char n[64];
			if (w.zh)
				snprintf(n, sizeof n, "，共 %zu 个签章", r->nitems);
			else
				snprintf(n, sizeof n, ", %zu signature%s", r->nitems,
					 r->nitems == 1 ? "" : "s");
			put(&w, n);
		}
	}
	put(&w, "\n");
	for (size_t i = 0; i < r->facts.n; i++)
		put_fact(&w, fact_label(r->facts.v[i].key, w.zh), r->facts.v[i].value);
	for (size_t i = 0; i < r->nwarnings; i++) {
		put(&w, w.zh ? "  [!] 警告：" : "  [!] Warning: ");
		put_text(&w, r->warnings[i], "      ");
		put(&w, "\n");
	}
	for (size_t i = 0; i < r->nitems; i++) {
		put(&w, "\n");
		put_item(&w, r, r->items[i]);
	}

	int rc = w.rc ? w.rc : eseal_buf_put(out, w.b.data, w.b.len);
	eseal_buf_free(&w.b);
	return rc;
}
