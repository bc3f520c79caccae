/*
 * font.c - what text extraction needs from a font dictionary: how shown
 * strings split into codes, each code's Unicode and advance, and the em box.
 *
 * Simple fonts (Type1, TrueType, MMType1), Type3 (with FontMatrix) and
 * Type0/CID fonts. Never renders glyphs and never trusts array sizes from
 * the file beyond the 256 codes or the CID range limits.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

void pdf_font_free(pdf_font *f)
{
	while (f) {
		pdf_font *n = f->next;
		if (f->tounicode) {
			pdf_cmap_free(f->tounicode);
			free(f->tounicode);
		}
		if (f->encoding) {
			pdf_cmap_free(f->encoding);
			free(f->encoding);
		}
		free(f->cidw);
		free(f);
		f = n;
	}
}

static pdf_cmap *load_cmap(eseal_pdf *pdf, const eseal_pdf_val *st)
{
	if (!st || st->type != ESEAL_PDF_STREAM)
		return NULL;
	eseal_buf b = ESEAL_BUF_INIT;
	pdf_cmap *cm = calloc(1, sizeof *cm);
	if (!cm || pdf_decode_stream(pdf, st, (size_t)64 << 20, &b) || pdf_cmap_parse(cm, b.data ? b.data : (const uint8_t *)"", b.len)) {
		pdf_warn(pdf, "cannot read a CMap stream (%s)", eseal_error_last());
		eseal_error_clear();
		eseal_buf_free(&b);
		if (cm) {
			pdf_cmap_free(cm);
			free(cm);
		}
		return NULL;
	}
	eseal_buf_free(&b);
	return cm;
}

static void load_descriptor(eseal_pdf *pdf, pdf_font *f, const eseal_pdf_val *fd)
{
	double a = 0, d = 0;
	if (!fd || !pdf_num(pdf_dget(pdf, fd, "Ascent"), &a) || !pdf_num(pdf_dget(pdf, fd, "Descent"), &d))
		return;
	if (d > 0)
		d = -d;
	/* only sane metrics: some writers put 0 or the bbox of one glyph */
	if (a > 300 && a < 1500 && a - d > 600 && a - d < 2500) {
		f->ascent = a / (a - d);
		f->descent = 1 - f->ascent;
	}
}

static void simple_font(eseal_pdf *pdf, pdf_font *f, const eseal_pdf_val *d, const char *subtype)
{
	int base = PDF_ENC_STANDARD;
	const eseal_pdf_val *enc = pdf_dget(pdf, d, "Encoding");
	const eseal_pdf_val *fd = pdf_dget(pdf, d, "FontDescriptor");
	/* symbolic TrueType fonts without an encoding use their own codes */
	const char *bf = f->basefont;
	if (!strcmp(subtype, "TrueType") || strstr(bf, "Arial") || strstr(bf, "Times") || strstr(bf, "Helvetica"))
		base = PDF_ENC_WINANSI;
	if (!strcmp(subtype, "Type3"))
		base = PDF_ENC_STANDARD;
	const eseal_pdf_val *bn = enc && enc->type == ESEAL_PDF_NAME ? enc : pdf_dget(pdf, enc, "BaseEncoding");
	if (pdf_is_name(bn, "WinAnsiEncoding"))
		base = PDF_ENC_WINANSI;
	else if (pdf_is_name(bn, "MacRomanEncoding"))
		base = PDF_ENC_MACROMAN;
	else if (pdf_is_name(bn, "StandardEncoding"))
		base = PDF_ENC_STANDARD;
	pdf_encoding_base(base, f->uni);
	if (strstr(bf, "Dingbats") && (!enc || !pdf_dget(pdf, enc, "Differences")))
		for (int c = 0; c < 256; c++)
			f->uni[c] = pdf_dingbats_unicode((uint8_t)c);
	const eseal_pdf_val *diff = pdf_dget(pdf, enc, "Differences");
	if (diff && diff->type == ESEAL_PDF_ARRAY) {
		int64_t code = 0;
		/* writers repeat one filler name (/g0) hundreds of times: look it up once */
		const char *prev = NULL;
		uint32_t prev_u = 0;
		for (size_t i = 0; i < diff->u.a.n; i++) {
			const eseal_pdf_val *x = pdf_resolve(pdf, diff->u.a.v[i]);
			if (x->type == ESEAL_PDF_INT) {
				code = x->u.i;
			} else if (x->type == ESEAL_PDF_NAME) {
				if (code >= 0 && code < 256) {
					const char *nm = (const char *)x->u.s.p;
					uint32_t u = prev && !strcmp(prev, nm) ? prev_u : pdf_glyph_unicode(nm);
					prev = nm;
					prev_u = u;
					f->uni[code] = u ? u : 0xFFFD;
				}
				code++;
			}
		}
	}
	/* widths */
	int64_t first = eseal_pdf_val_int(pdf_dget(pdf, d, "FirstChar"));
	const eseal_pdf_val *w = pdf_dget(pdf, d, "Widths");
	double missing = 0;
	pdf_num(pdf_dget(pdf, fd, "MissingWidth"), &missing);
	int have = w && w->type == ESEAL_PDF_ARRAY && w->u.a.n > 0;
	for (int c = 0; c < 256; c++) {
		if (have) {
			f->width[c] = missing;
			if (c >= first && (uint64_t)(c - first) < w->u.a.n) {
				double x;
				if (pdf_num(pdf_resolve(pdf, w->u.a.v[c - first]), &x) && isfinite(x))
					f->width[c] = x;
			}
		} else {
			f->width[c] = pdf_std_width(bf, f->uni[c] ? f->uni[c] : (uint32_t)c);
		}
	}
	load_descriptor(pdf, f, fd);
}

static void cid_widths(eseal_pdf *pdf, pdf_font *f, const eseal_pdf_val *cidfont)
{
	f->dw = 1000;
	pdf_num(pdf_dget(pdf, cidfont, "DW"), &f->dw);
	const eseal_pdf_val *w = pdf_dget(pdf, cidfont, "W");
	if (!w || w->type != ESEAL_PDF_ARRAY)
		return;
	size_t cap = 0;
	for (size_t i = 0; i + 1 < w->u.a.n;) {
		const eseal_pdf_val *a = pdf_resolve(pdf, w->u.a.v[i]);
		const eseal_pdf_val *b = pdf_resolve(pdf, w->u.a.v[i + 1]);
		if (a->type != ESEAL_PDF_INT || a->u.i < 0)
			break;
		if (b->type == ESEAL_PDF_ARRAY) {
			/* c [w1 w2 ...] */
			for (size_t k = 0; k < b->u.a.n; k++) {
				if (f->ncidw == cap) {
					cap = cap ? cap * 2 : 64;
					void *p = realloc(f->cidw, cap * sizeof *f->cidw);
					if (!p)
						return;
					f->cidw = p;
				}
				double x = 0;
				pdf_num(pdf_resolve(pdf, b->u.a.v[k]), &x);
				f->cidw[f->ncidw].lo = f->cidw[f->ncidw].hi = (uint32_t)(a->u.i + (int64_t)k);
				f->cidw[f->ncidw].w = x;
				f->ncidw++;
			}
			i += 2;
		} else if (i + 2 < w->u.a.n) {
			/* c1 c2 w */
			const eseal_pdf_val *c = pdf_resolve(pdf, w->u.a.v[i + 2]);
			double x = 0;
			if (b->type != ESEAL_PDF_INT || b->u.i < a->u.i || !pdf_num(c, &x))
				break;
			if (f->ncidw == cap) {
				cap = cap ? cap * 2 : 64;
				void *p = realloc(f->cidw, cap * sizeof *f->cidw);
				if (!p)
					return;
				f->cidw = p;
			}
			f->cidw[f->ncidw].lo = (uint32_t)a->u.i;
			f->cidw[f->ncidw].hi = (uint32_t)b->u.i;
			f->cidw[f->ncidw].w = x;
			f->ncidw++;
			i += 3;
		} else {
			break;
		}
	}
}

static double cid_width(const pdf_font *f, uint32_t cid)
{
	/* binary search for the last range starting at or before cid */
	size_t lo = 0, hi = f->ncidw;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->cidw[mid].lo <= cid)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* sorted by lo; a few steps back cover overlapping ranges */
	for (size_t i = lo, k = 0; i-- > 0 && k < 8; k++)
		if (f->cidw[i].lo <= cid && cid <= f->cidw[i].hi)
			return f->cidw[i].w;
	return f->dw;
}

static int cmp_cidw(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int pdf_font_load(eseal_pdf *pdf, const eseal_pdf_val *d, pdf_font **out)
{
	pdf_font *f = calloc(1, sizeof *f);
	if (!f)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	f->dict = d;
	f->ascent = 0.88;
	f->descent = 0.12;
	f->fm[0] = f->fm[3] = 0.001;
	f->up = 1;
	const eseal_pdf_val *sub = pdf_dget(pdf, d, "Subtype");
	const char *subtype = eseal_pdf_val_name(sub);
	const eseal_pdf_val *bf = pdf_dget(pdf, d, "BaseFont");
	snprintf(f->basefont, sizeof f->basefont, "%s", eseal_pdf_val_name(bf));
	if (!strcmp(subtype, "Type0")) {
		f->kind = FONT_TYPE0;
		const eseal_pdf_val *enc = pdf_dget(pdf, d, "Encoding");
		if (enc && enc->type == ESEAL_PDF_NAME) {
			const char *n = (const char *)enc->u.s.p;
			f->identity = !strcmp(n, "Identity-H") || !strcmp(n, "Identity-V");
			f->ucs2 = strstr(n, "UCS2") || strstr(n, "UTF16");
			f->euc = strstr(n, "EUC") || strstr(n, "GBK") || strstr(n, "GB-") || strstr(n, "RKSJ");
			f->vertical = n[0] && n[strlen(n) - 1] == 'V';
			/* other predefined CMaps are not built in: their codes are
			 * split by the ToUnicode codespace (or the EUC rule), and
			 * CIDs are unknown, so widths fall back to /DW */
		} else if (enc && enc->type == ESEAL_PDF_STREAM) {
			f->encoding = load_cmap(pdf, enc);
			if (!f->encoding)
				f->identity = 1;
		} else {
			f->identity = 1;
		}
		const eseal_pdf_val *df = pdf_dget(pdf, d, "DescendantFonts");
		const eseal_pdf_val *cf = pdf_resolve(pdf, eseal_pdf_val_at(df, 0));
		cid_widths(pdf, f, cf);
		if (f->ncidw > 1)
			qsort(f->cidw, f->ncidw, sizeof *f->cidw, cmp_cidw);
		load_descriptor(pdf, f, pdf_dget(pdf, cf, "FontDescriptor"));
	} else if (!strcmp(subtype, "Type3")) {
		f->kind = FONT_TYPE3;
		const eseal_pdf_val *fm = pdf_dget(pdf, d, "FontMatrix");
		double m[6];
		int ok = fm && fm->type == ESEAL_PDF_ARRAY && fm->u.a.n >= 6;
		for (int i = 0; ok && i < 6; i++)
			ok = pdf_num(pdf_resolve(pdf, fm->u.a.v[i]), &m[i]) && isfinite(m[i]);
		if (ok && fabs(m[0]) > 1e-9 && fabs(m[3]) > 1e-9)
			memcpy(f->fm, m, sizeof m);
		/* glyphs may be designed y-down with a flipping FontMatrix: the
		 * FontBBox tells which way is up in text space */
		const eseal_pdf_val *bb = pdf_dget(pdf, d, "FontBBox");
		double b1 = 0, b3 = 0;
		if (bb && bb->type == ESEAL_PDF_ARRAY && bb->u.a.n >= 4 &&
		    pdf_num(pdf_resolve(pdf, bb->u.a.v[1]), &b1) && pdf_num(pdf_resolve(pdf, bb->u.a.v[3]), &b3) &&
		    f->fm[3] * b1 + f->fm[3] * b3 < 0)
			f->up = -1;
		simple_font(pdf, f, d, subtype);
		f->ascent = 0.88;
		f->descent = 0.12;
	} else {
		f->kind = FONT_SIMPLE;
		simple_font(pdf, f, d, subtype);
	}
	const eseal_pdf_val *tu = pdf_dget(pdf, d, "ToUnicode");
	if (tu && tu->type == ESEAL_PDF_STREAM)
		f->tounicode = load_cmap(pdf, tu);
	eseal_error_clear();
	*out = f;
	return 0;
}

int pdf_font_next(const pdf_font *f, const uint8_t *s, size_t n, pdf_glyph *g)
{
	memset(g, 0, sizeof *g);
	if (f->kind != FONT_TYPE0) {
		uint8_t c = s[0];
		g->code = c;
		g->nbytes = 1;
		if (f->tounicode)
			g->ncp = pdf_cmap_unicode(f->tounicode, c, g->cp, 8);
		if (!g->ncp && f->uni[c]) {
			g->cp[0] = f->uni[c];
			g->ncp = 1;
		}
		if (f->kind == FONT_TYPE3)
			g->w = f->width[c] * f->fm[0];
		else
			g->w = f->width[c] / 1000.0;
		return 1;
	}
	int len;
	uint32_t cid = 0;
	int known_cid = 1;
	if (f->encoding) {
		len = pdf_cmap_code_len(f->encoding, s, n);
	} else if (f->identity || f->ucs2) {
		len = 2;
	} else {
		known_cid = 0;
		if (f->tounicode && f->tounicode->nspace > 0)
			len = pdf_cmap_code_len(f->tounicode, s, n);
		else if (f->euc)
			len = s[0] <= 0x80 ? 1 : 2;
		else
			len = 2;
	}
	if (len < 1)
		len = 1;
	if ((size_t)len > n)
		len = (int)n;
	uint32_t code = 0;
	for (int i = 0; i < len; i++)
		code = code << 8 | s[i];
	g->code = code;
	g->nbytes = len;
	if (f->encoding) {
		int64_t c = pdf_cmap_cid(f->encoding, code);
		cid = c < 0 ? 0 : (uint32_t)c;
	} else if (f->identity) {
		cid = code;
	}
	if (f->tounicode)
		g->ncp = pdf_cmap_unicode(f->tounicode, g->code, g->cp, 8);
	if (!g->ncp && f->ucs2 && g->code) {
		g->cp[0] = g->code;
		g->ncp = 1;
	}
	g->w = (f->ucs2 || !known_cid ? f->dw : cid_width(f, cid)) / 1000.0;
	return len;
}
