/*
 * sample_ofd.c - writes the sample contract as an OFD package (GB/T 33190):
 * OFD.xml, Document.xml, PublicRes.xml with one font referenced by name,
 * and one Content.xml per A4 page holding a TextObject per line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "sample_internal.h"

#define NS "http://www.ofdspec.org/2016"

typedef struct {
	eseal_buf *pages;   /* one Content.xml body per page */
	int npages;
	int next_id;
} ofd_ctx;

double sample_char_advance(const char *s, size_t *len)
{
	unsigned char c = (unsigned char)s[0];
	*len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	return c < 0x80 ? 0.5 : 1.0;
}

static void xml_escape(eseal_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': eseal_buf_puts(b, "&amp;"); break;
		case '<': eseal_buf_puts(b, "&lt;"); break;
		case '>': eseal_buf_puts(b, "&gt;"); break;
		case '"': eseal_buf_puts(b, "&quot;"); break;
		default: eseal_buf_putc(b, (uint8_t)*s);
		}
	}
}

static int ofd_line(void *vctx, int page, double x, double y, double size, const char *text, int centred)
{
	ofd_ctx *c = vctx;
	eseal_buf *b = &c->pages[page - 1];
	eseal_buf dx = ESEAL_BUF_INIT;
	double width = 0, last = 0;
	size_t n;
	/* DeltaX[i] is the step from character i to i+1, i.e. the advance of i. */
	for (const char *p = text; *p; p += n) {
		if (p != text)
			eseal_buf_printf(&dx, "%s%.2f", dx.len ? " " : "", last);
		last = sample_char_advance(p, &n) * size;
		width += last;
	}
	if (centred)
		x = (210.0 - width) / 2;
	eseal_buf_printf(b, "<ofd:TextObject ID=\"%d\" Boundary=\"%.2f %.2f %.2f %.2f\" Font=\"1\" Size=\"%.2f\">"
			 "<ofd:TextCode X=\"0\" Y=\"%.2f\"", c->next_id++, x, y, width, size * 1.25, size, size);
	if (dx.len)
		eseal_buf_printf(b, " DeltaX=\"%s\"", (char *)dx.data);
	eseal_buf_putc(b, '>');
	xml_escape(b, text);
	int rc = eseal_buf_puts(b, "</ofd:TextCode></ofd:TextObject>");
	eseal_buf_free(&dx);
	return rc;
}

static int add(zip_t *z, const char *name, eseal_buf *b)
{
	/* libzip keeps the pointer until zip_close: hand over a copy it frees. */
	void *copy = malloc(b->len ? b->len : 1);
	if (!copy)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	memcpy(copy, b->data, b->len);
	zip_source_t *s = zip_source_buffer(z, copy, b->len, 1);
	if (!s) {
		free(copy);
		return eseal_error_set(ESEAL_EIO, "zip: %s", zip_strerror(z));
	}
	if (zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(s);
		return eseal_error_set(ESEAL_EIO, "zip: %s", zip_strerror(z));
	}
	return 0;
}

int eseal_sample_ofd(const char *path, const eseal_sample_opts *in)
{
	eseal_sample_opts o = in ? *in : (eseal_sample_opts){ 0 };
	sample_defaults(&o);
	if (o.pages > 1000)
		return eseal_error_set(ESEAL_EINVAL, "sample: at most 1000 pages");
	ofd_ctx c = { 0 };
	c.npages = o.pages;
	c.next_id = 10;
	c.pages = calloc((size_t)o.pages, sizeof *c.pages);
	if (!c.pages)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = sample_layout(&o, ofd_line, &c);
	int err = 0;
	zip_t *z = NULL;
	if (!rc) {
		z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
		if (!z)
			rc = eseal_error_set(ESEAL_EIO, "%s: cannot create (libzip error %d)", path, err);
	}
	char date[16];
	struct tm tm;
	gmtime_r(&o.date, &tm);
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	if (!rc) {
		eseal_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				 "<ofd:OFD xmlns:ofd=\"" NS "\" Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody>"
				 "<ofd:DocInfo><ofd:DocID>eseal-sample</ofd:DocID><ofd:Title>");
		xml_escape(&b, o.title);
		eseal_buf_printf(&b, "</ofd:Title><ofd:CreationDate>%s</ofd:CreationDate><ofd:Creator>eseal</ofd:Creator>"
				 "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>", date);
		rc = add(z, "OFD.xml", &b);
	}
	if (!rc) {
		eseal_buf_clear(&b);
		eseal_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				 "<ofd:Document xmlns:ofd=\"" NS "\"><ofd:CommonData><ofd:MaxUnitID>%d</ofd:MaxUnitID>"
				 "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
				 "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>", c.next_id);
		for (int i = 0; i < o.pages; i++)
			eseal_buf_printf(&b, "<ofd:Page ID=\"%d\" BaseLoc=\"Pages/Page_%d/Content.xml\"/>", i + 2, i);
		eseal_buf_puts(&b, "</ofd:Pages></ofd:Document>");
		rc = add(z, "Doc_0/Document.xml", &b);
	}
	if (!rc) {
		eseal_buf_clear(&b);
		eseal_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			       "<ofd:Res xmlns:ofd=\"" NS "\" BaseLoc=\"Res\"><ofd:Fonts>"
			       "<ofd:Font ID=\"1\" FontName=\"宋体\" FamilyName=\"宋体\"/></ofd:Fonts></ofd:Res>");
		rc = add(z, "Doc_0/PublicRes.xml", &b);
	}
	for (int i = 0; !rc && i < o.pages; i++) {
		char name[64];
		eseal_buf_clear(&b);
		eseal_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				 "<ofd:Page xmlns:ofd=\"" NS "\"><ofd:Content><ofd:Layer ID=\"%d\">", 1000 + i);
		eseal_buf_put(&b, c.pages[i].data, c.pages[i].len);
		eseal_buf_puts(&b, "</ofd:Layer></ofd:Content></ofd:Page>");
		snprintf(name, sizeof name, "Doc_0/Pages/Page_%d/Content.xml", i);
		rc = add(z, name, &b);
	}
	if (z) {
		if (rc)
			zip_discard(z);
		else if (zip_close(z) != 0) {
			rc = eseal_error_set(ESEAL_EIO, "%s: %s", path, zip_strerror(z));
			zip_discard(z);
		}
	}
	for (int i = 0; i < o.pages; i++)
		eseal_buf_free(&c.pages[i]);
	free(c.pages);
	eseal_buf_free(&b);
	return rc;
}
