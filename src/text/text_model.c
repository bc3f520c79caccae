/*
 * text_model.c - building and freeing the shared text model (text.h).
 *
 * While a page is under construction its characters live in lines[0] and
 * grow by doubling whenever the count reaches a power of two, so no hidden
 * capacity field is needed in the public struct. Never keep pointers into a
 * page's characters across add_char calls.
 */
#include <stdlib.h>
#include <string.h>

#include "eseal/text.h"

int eseal_text_doc_new(eseal_text_doc **out)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return eseal_error_set(ESEAL_ENOMEM, "text: out of memory");
	return 0;
}

static void page_clear(eseal_text_page *p)
{
	free(p->id);
	for (size_t i = 0; i < p->nlines; i++)
		free(p->lines[i].chars);
	free(p->lines);
	free(p->rules);
}

void eseal_text_doc_free(eseal_text_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->npages; i++)
		page_clear(&d->pages[i]);
	free(d->pages);
	free(d);
}

/* True when n is 0 or a power of two: the points where arrays grow. */
static int grow_point(size_t n)
{
	return (n & (n - 1)) == 0;
}

/* Makes room for element n of an array that grows at powers of two. */
static int grow(void **arr, size_t n, size_t elem)
{
	if (!grow_point(n))
		return 0;
	size_t cap = n ? n * 2 : 4;
	if (cap > SIZE_MAX / elem)
		return eseal_error_set(ESEAL_ENOMEM, "text: too many elements");
	void *p = realloc(*arr, cap * elem);
	if (!p)
		return eseal_error_set(ESEAL_ENOMEM, "text: out of memory");
	*arr = p;
	return 0;
}

int eseal_text_doc_add_page(eseal_text_doc *d, const char *id,
			    double width, double height, eseal_text_page **out)
{
	int rc = grow((void **)&d->pages, d->npages, sizeof *d->pages);
	if (rc)
		return rc;
	eseal_text_page *p = &d->pages[d->npages];
	memset(p, 0, sizeof *p);
	if (id && !(p->id = strdup(id)))
		return eseal_error_set(ESEAL_ENOMEM, "text: out of memory");
	p->index = (int)d->npages + 1;
	p->width = width;
	p->height = height;
	d->npages++;
	if (out)
		*out = p;
	return 0;
}

int eseal_text_page_add_char(eseal_text_page *p, uint32_t cp, eseal_box box, double size)
{
	if (p->nlines == 0) {
		p->lines = calloc(1, sizeof *p->lines);
		if (!p->lines)
			return eseal_error_set(ESEAL_ENOMEM, "text: out of memory");
		p->nlines = 1;
	} else if (p->nlines != 1) {
		return eseal_error_set(ESEAL_EINVAL, "text: page %d is already finished", p->index);
	}
	eseal_text_line *l = &p->lines[0];
	int rc = grow((void **)&l->chars, l->nchars, sizeof *l->chars);
	if (rc)
		return rc;
	l->chars[l->nchars].cp = cp;
	l->chars[l->nchars].box = box;
	l->chars[l->nchars].size = size;
	l->nchars++;
	return 0;
}

int eseal_text_page_add_rule(eseal_text_page *p, eseal_box box)
{
	int rc = grow((void **)&p->rules, p->nrules, sizeof *p->rules);
	if (rc)
		return rc;
	p->rules[p->nrules++].box = box;
	return 0;
}

/* Appends the UTF-8 form of cp; NUL and invalid code points become U+FFFD
 * so the text stays a valid C string. */
static int put_utf8(eseal_buf *b, uint32_t cp)
{
	uint8_t s[4];
	size_t n;
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		s[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (uint8_t)(0xC0 | (cp >> 6));
		s[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (uint8_t)(0xE0 | (cp >> 12));
		s[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		s[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		s[0] = (uint8_t)(0xF0 | (cp >> 18));
		s[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		s[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		s[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return eseal_buf_put(b, s, n);
}

char *eseal_text_line_utf8(const eseal_text_line *l)
{
	eseal_buf b = ESEAL_BUF_INIT;
	for (size_t i = 0; i < l->nchars; i++)
		if (put_utf8(&b, l->chars[i].cp)) {
			eseal_buf_free(&b);
			return NULL;
		}
	if (eseal_buf_cstr(&b)) {
		eseal_buf_free(&b);
		return NULL;
	}
	return (char *)b.data;
}
