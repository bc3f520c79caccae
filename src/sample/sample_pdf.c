/*
 * sample_pdf.c - the sample contract as a PDF (same text and layout as the
 * OFD sample): a Type0 font STSong-Light with /UniGB-UCS2-H, not embedded
 * (viewers substitute a CJK font), each character placed explicitly so
 * positions do not depend on the substitute's widths. Never embeds fonts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_internal.h"

#define PT (72.0 / 25.4)
#define PAGE_W 595.276
#define PAGE_H 841.89

typedef struct {
	eseal_buf *pages;
} pdf_ctx;

static uint32_t utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c = *p;
	int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (n > 1)
		c &= 0x7Fu >> n;
	for (int i = 1; i < n; i++)
		c = p[i] ? c << 6 | (p[i] & 0x3F) : c;
	for (int i = 0; i < n && **s; i++)
		(*s)++;
	return c;
}

static void fmt(char *b, size_t n, double v)
{
	snprintf(b, n, "%.2f", v);
	for (char *c = b; *c; c++)
		if (*c == ',')
			*c = '.';
}

static int pdf_line(void *vctx, int page, double x, double y, double size, const char *text, int centred)
{
	pdf_ctx *c = vctx;
	eseal_buf *b = &c->pages[page - 1];
	double width = 0;
	size_t n;
	for (const char *p = text; *p; p += n)
		width += sample_char_advance(p, &n) * size;
	if (centred)
		x = (210.0 - width) / 2;
	char fs[32], xs[32], ys[32];
	fmt(fs, sizeof fs, size * PT);
	fmt(ys, sizeof ys, PAGE_H - (y + size) * PT);
	eseal_buf_printf(b, "BT /F1 %s Tf\n", fs);
	const char *p = text;
	while (*p) {
		const char *q = p;
		double adv = sample_char_advance(p, &n) * size;
		uint32_t cp = utf8_next(&q);
		p = q;
		fmt(xs, sizeof xs, x * PT);
		if (cp != ' ' && cp < 0x10000)
			eseal_buf_printf(b, "1 0 0 1 %s %s Tm <%04X> Tj\n", xs, ys, (unsigned)cp);
		x += adv;
	}
	return eseal_buf_puts(b, "ET\n");
}

int eseal_sample_pdf(const char *path, const eseal_sample_opts *in)
{
	eseal_sample_opts o = in ? *in : (eseal_sample_opts){ 0 };
	sample_defaults(&o);
	if (o.pages > 10000)
		return eseal_error_set(ESEAL_EINVAL, "sample: at most 10000 pages");
	pdf_ctx c = { 0 };
	c.pages = calloc((size_t)o.pages, sizeof *c.pages);
	if (!c.pages)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int rc = sample_layout(&o, pdf_line, &c);
	eseal_buf b = ESEAL_BUF_INIT;
	size_t nobj = 4 + 2 * (size_t)o.pages;
	uint64_t *off = calloc(nobj + 1, sizeof *off);
	if (!off)
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (!rc) {
		eseal_buf_puts(&b, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
		off[1] = b.len;
		eseal_buf_puts(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang (zh-CN) >>\nendobj\n");
		off[2] = b.len;
		eseal_buf_printf(&b, "2 0 obj\n<< /Type /Pages /Count %d /Kids [", o.pages);
		for (int i = 0; i < o.pages; i++)
			eseal_buf_printf(&b, "%s%d 0 R", i ? " " : "", 5 + 2 * i);
		eseal_buf_puts(&b, "] >>\nendobj\n");
		off[3] = b.len;
		eseal_buf_puts(&b, "3 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light "
				   "/Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>\nendobj\n");
		off[4] = b.len;
		eseal_buf_puts(&b, "4 0 obj\n<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
				   "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
				   "/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
				   "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
				   "/CapHeight 880 /StemV 93 >> /DW 1000 /W [1 95 500] >>\nendobj\n");
		for (int i = 0; i < o.pages; i++) {
			off[5 + 2 * i] = b.len;
			eseal_buf_printf(&b, "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.3f %.3f] "
					 "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>\nendobj\n",
					 5 + 2 * i, PAGE_W, PAGE_H, 6 + 2 * i);
			off[6 + 2 * i] = b.len;
			eseal_buf_printf(&b, "%d 0 obj\n<< /Length %zu >>\nstream\n", 6 + 2 * i, c.pages[i].len);
			eseal_buf_put(&b, c.pages[i].data, c.pages[i].len);
			eseal_buf_puts(&b, "\nendstream\nendobj\n");
		}
		size_t xref = b.len;
		eseal_buf_printf(&b, "xref\n0 %zu\n0000000000 65535 f\r\n", nobj + 1);
		for (size_t i = 1; i <= nobj; i++)
			eseal_buf_printf(&b, "%010llu 00000 n\r\n", (unsigned long long)off[i]);
		uint8_t id[16];
		for (size_t i = 0; i < sizeof id; i++)
			id[i] = (uint8_t)(b.len >> (i % 8) ^ (size_t)o.date >> (i % 4 * 8));
		eseal_buf_printf(&b, "trailer\n<< /Size %zu /Root 1 0 R /ID [<", nobj + 1);
		for (size_t i = 0; i < sizeof id; i++)
			eseal_buf_printf(&b, "%02X", id[i]);
		eseal_buf_puts(&b, "> <");
		for (size_t i = 0; i < sizeof id; i++)
			eseal_buf_printf(&b, "%02X", id[i]);
		rc = eseal_buf_printf(&b, "> ] >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	}
	if (!rc)
		rc = eseal_file_write_atomic(path, b.data, b.len, 0644);
	for (int i = 0; i < o.pages; i++)
		eseal_buf_free(&c.pages[i]);
	free(c.pages);
	free(off);
	eseal_buf_free(&b);
	return rc;
}
