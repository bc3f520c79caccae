/*
 * bench_pdf.c - how the PDF engine scales: builds an N-page document in
 * memory (default 1000 pages of 40 text lines), then times opening it
 * (cross-reference data only), walking the page tree, and extracting the
 * text of every page. Usage: bench_pdf [PAGES] [FILE.pdf]; with a FILE the
 * file is measured instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eseal/pdf.h"
#include "eseal/text.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void build(eseal_buf *b, int pages)
{
	size_t nobj = 3 + 2 * (size_t)pages;
	size_t *off = calloc(nobj + 1, sizeof *off);
	eseal_buf content = ESEAL_BUF_INIT;
	eseal_buf_puts(b, "%PDF-1.4\n");
	off[1] = b->len;
	eseal_buf_puts(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = b->len;
	eseal_buf_puts(b, "2 0 obj\n<< /Type /Pages /Count ");
	eseal_buf_printf(b, "%d /Kids [", pages);
	for (int i = 0; i < pages; i++)
		eseal_buf_printf(b, "%d 0 R ", 4 + 2 * i);
	eseal_buf_puts(b, "] /Resources << /Font << /F1 3 0 R >> >> /MediaBox [0 0 595 842] >>\nendobj\n");
	off[3] = b->len;
	eseal_buf_puts(b, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
	for (int i = 0; i < pages; i++) {
		eseal_buf_clear(&content);
		eseal_buf_puts(&content, "BT /F1 11 Tf 14 TL 56 780 Td\n");
		for (int l = 0; l < 40; l++)
			eseal_buf_printf(&content, "(Page %d line %d: the quick brown fox jumps over the lazy dog) '\n", i + 1, l + 1);
		eseal_buf_puts(&content, "ET\n");
		off[4 + 2 * i] = b->len;
		eseal_buf_printf(b, "%d 0 obj\n<< /Type /Page /Parent 2 0 R /Contents %d 0 R >>\nendobj\n", 4 + 2 * i, 5 + 2 * i);
		off[5 + 2 * i] = b->len;
		eseal_buf_printf(b, "%d 0 obj\n<< /Length %zu >>\nstream\n", 5 + 2 * i, content.len);
		eseal_buf_put(b, content.data, content.len);
		eseal_buf_puts(b, "\nendstream\nendobj\n");
	}
	size_t x = b->len;
	eseal_buf_printf(b, "xref\n0 %zu\n0000000000 65535 f \n", nobj + 1);
	for (size_t i = 1; i <= nobj; i++)
		eseal_buf_printf(b, "%010zu 00000 n \n", off[i]);
	eseal_buf_printf(b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", nobj + 1, x);
	eseal_buf_free(&content);
	free(off);
}

int main(int argc, char **argv)
{
	int pages = argc > 1 ? atoi(argv[1]) : 1000;
	eseal_buf b = ESEAL_BUF_INIT;
	eseal_pdf *pdf;
	double t0 = now();
	if (argc > 2) {
		if (eseal_pdf_load(&pdf, argv[2])) {
			fprintf(stderr, "%s\n", eseal_error_last());
			return 1;
		}
	} else {
		build(&b, pages < 1 ? 1 : pages);
		printf("built %d pages, %zu bytes in %.3f s\n", pages, b.len, now() - t0);
		t0 = now();
		if (eseal_pdf_open(&pdf, b.data, b.len)) {
			fprintf(stderr, "%s\n", eseal_error_last());
			return 1;
		}
	}
	double t1 = now();
	size_t n = 0;
	if (eseal_pdf_page_count(pdf, &n)) {
		fprintf(stderr, "%s\n", eseal_error_last());
		return 1;
	}
	double t2 = now();
	eseal_text_doc *d;
	if (eseal_pdf_text(&d, pdf)) {
		fprintf(stderr, "%s\n", eseal_error_last());
		return 1;
	}
	double t3 = now();
	size_t chars = 0;
	for (size_t i = 0; i < d->npages; i++)
		for (size_t l = 0; l < d->pages[i].nlines; l++)
			chars += d->pages[i].lines[l].nchars;
	printf("open %.3f s, page tree %.3f s (%zu pages), text %.3f s (%zu characters, %.0f pages/s)\n",
	       t1 - t0, t2 - t1, n, t3 - t2, chars, n / (t3 - t2 > 0 ? t3 - t2 : 1e-9));
	eseal_text_doc_free(d);
	eseal_pdf_free(pdf);
	eseal_buf_free(&b);
	return 0;
}
