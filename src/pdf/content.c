/*
 * content.c - the content-stream interpreter for text extraction: graphics
 * and text state, text showing operators, Form XObjects, inline images
 * (skipped), and ruling lines / thin filled rectangles for table borders.
 *
 * Never recurses into a Form XObject that is already being drawn and
 * never deeper than PDF_MAX_XOBJ_DEPTH; a syntax error ends the stream
 * with a warning but keeps the text found before it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

#define MAX_OPERANDS 32
#define MAX_GSTACK 256
#define MAX_PATH 4096
#define MAX_RULES 50000
#define MAX_OPS_PER_PAGE 50000000u

typedef struct gstate {
	double ctm[6];
	pdf_font *font;
	double fs, tc, tw, th, tl, rise;
	double lw;
	int fill_white, stroke_white;
} gstate;

typedef struct seg {
	int rect;
	double x[4], y[4];      /* mm; a line uses two points */
} seg;

typedef struct interp {
	pdf_text_ctx *c;
	const eseal_pdf_val *res;
	gstate gs;
	gstate *stack;
	int sp, overflow;
	double tm[6], tlm[6];
	eseal_pdf_val *ops[MAX_OPERANDS];
	int nops;
	seg *path;
	int npath;
	double cur_x, cur_y, start_x, start_y; /* user space */
} interp;

static int run(pdf_text_ctx *c, const uint8_t *p, size_t n, const eseal_pdf_val *resources,
	       const double ctm[6], const gstate *from);

void pdf_mat_mul(const double a[6], const double b[6], double o[6])
{
	double r[6];
	r[0] = a[0] * b[0] + a[1] * b[2];
	r[1] = a[0] * b[1] + a[1] * b[3];
	r[2] = a[2] * b[0] + a[3] * b[2];
	r[3] = a[2] * b[1] + a[3] * b[3];
	r[4] = a[4] * b[0] + a[5] * b[2] + b[4];
	r[5] = a[4] * b[1] + a[5] * b[3] + b[5];
	memcpy(o, r, sizeof r);
}

static void apply(const double m[6], double x, double y, double *ox, double *oy)
{
	*ox = m[0] * x + m[2] * y + m[4];
	*oy = m[1] * x + m[3] * y + m[5];
}

static double num(const eseal_pdf_val *v)
{
	double d = 0;
	if (!pdf_num(v, &d) || !isfinite(d))
		return 0;
	return d;
}

static const double ident[6] = { 1, 0, 0, 1, 0, 0 };

/* ---- fonts ---- */
static pdf_font *font_for(pdf_text_ctx *c, const eseal_pdf_val *d)
{
	/* move-to-front: pages switch between a few fonts many times */
	for (pdf_font *f = c->fonts, *prev = NULL; f; prev = f, f = f->next)
		if (f->dict == d) {
			if (prev) {
				prev->next = f->next;
				f->next = c->fonts;
				c->fonts = f;
			}
			return f;
		}
	pdf_font *f;
	if (pdf_font_load(c->pdf, d, &f))
		return NULL;
	f->next = c->fonts;
	c->fonts = f;
	return f;
}

/* ---- text ---- */
static void emit_glyph(interp *in, const pdf_glyph *g)
{
	gstate *s = &in->gs;
	pdf_font *f = s->font;
	double trm[6] = { s->fs * s->th, 0, 0, s->fs, 0, s->rise }, m[6], tc[6];
	pdf_mat_mul(trm, in->tm, m);
	pdf_mat_mul(m, s->ctm, m);
	pdf_mat_mul(m, in->c->pm, m);
	double up = f->up;
	double w = g->w, xs[2] = { 0, w }, ys[2] = { -f->descent * up, f->ascent * up };
	if (f->vertical) {
		/* vertical writing: the origin is the top centre of the em box */
		xs[0] = -w / 2;
		xs[1] = w / 2;
		ys[0] = -1;
		ys[1] = 0;
	}
	double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
	for (int i = 0; i < 4; i++) {
		double px, py;
		apply(m, xs[i & 1], ys[i >> 1], &px, &py);
		x0 = fmin(x0, px);
		x1 = fmax(x1, px);
		y0 = fmin(y0, py);
		y1 = fmax(y1, py);
	}
	pdf_mat_mul(in->tm, s->ctm, tc);
	double size = s->fs * sqrt(fabs(tc[0] * tc[3] - tc[1] * tc[2])) * 25.4 / 72;
	if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1) || !isfinite(size))
		return;
	/* glyphs far outside the page are not part of the visible text */
	if (x1 < -in->c->page_w || x0 > 2 * in->c->page_w || y1 < -in->c->page_h || y0 > 2 * in->c->page_h)
		return;
	uint32_t cps[8];
	int n = g->ncp;
	if (n == 0) {
		cps[0] = 0xFFFD;
		n = 1;
	} else {
		memcpy(cps, g->cp, (size_t)n * sizeof *cps);
	}
	double cw = (x1 - x0) / n;
	for (int i = 0; i < n; i++) {
		uint32_t cp = pdf_unicode_fold(cps[i]);
		if (cp == 0 || (cp < 0x20 && cp != '\t') || cp == 0xFEFF)
			continue;
		eseal_box b = { x0 + cw * i, y0, cw, y1 - y0 };
		if (eseal_text_page_add_char(in->c->page, cp, b, size))
			return;
	}
}

static void show(interp *in, const uint8_t *p, size_t n)
{
	gstate *s = &in->gs;
	if (!s->font)
		return;
	for (size_t i = 0; i < n;) {
		pdf_glyph g;
		int k = pdf_font_next(s->font, p + i, n - i, &g);
		if (k <= 0)
			break;
		i += (size_t)k;
		emit_glyph(in, &g);
		double extra = s->tc + (g.nbytes == 1 && g.code == 32 ? s->tw : 0);
		if (s->font->vertical) {
			double ty = -s->fs + extra; /* default vertical advance: one em down */
			in->tm[4] += ty * in->tm[2];
			in->tm[5] += ty * in->tm[3];
			continue;
		}
		double tx = (g.w * s->fs + extra) * s->th;
		in->tm[4] += tx * in->tm[0];
		in->tm[5] += tx * in->tm[1];
	}
}

static void td(interp *in, double tx, double ty)
{
	double t[6] = { 1, 0, 0, 1, tx, ty };
	pdf_mat_mul(t, in->tlm, in->tlm);
	memcpy(in->tm, in->tlm, sizeof in->tm);
}

/* ---- rules ---- */
static void add_rule(interp *in, double x0, double y0, double x1, double y1)
{
	eseal_text_page *p = in->c->page;
	if (p->nrules >= MAX_RULES)
		return;
	eseal_box b = { fmin(x0, x1), fmin(y0, y1), fabs(x1 - x0), fabs(y1 - y0) };
	if (!isfinite(b.x) || !isfinite(b.y) || !isfinite(b.w) || !isfinite(b.h))
		return;
	eseal_text_page_add_rule(p, b);
}

static double lw_mm(interp *in)
{
	const double *m = in->gs.ctm;
	double s = sqrt(fabs(m[0] * m[3] - m[1] * m[2])) * 25.4 / 72;
	double w = in->gs.lw * s;
	return w < 0.1 ? 0.1 : w;
}

static void paint(interp *in, int fill, int stroke)
{
	if (fill && in->gs.fill_white)
		fill = 0;
	if (stroke && in->gs.stroke_white)
		stroke = 0;
	for (int i = 0; i < in->npath && (fill || stroke); i++) {
		seg *s = &in->path[i];
		if (s->rect) {
			double x0 = fmin(fmin(s->x[0], s->x[1]), fmin(s->x[2], s->x[3]));
			double x1 = fmax(fmax(s->x[0], s->x[1]), fmax(s->x[2], s->x[3]));
			double y0 = fmin(fmin(s->y[0], s->y[1]), fmin(s->y[2], s->y[3]));
			double y1 = fmax(fmax(s->y[0], s->y[1]), fmax(s->y[2], s->y[3]));
			if (fill && fmin(x1 - x0, y1 - y0) <= 2.5) {
				add_rule(in, x0, y0, x1, y1);
			} else if (stroke) {
				double h = lw_mm(in) / 2;
				add_rule(in, x0 - h, y0 - h, x1 + h, y0 + h);
				add_rule(in, x0 - h, y1 - h, x1 + h, y1 + h);
				add_rule(in, x0 - h, y0 - h, x0 + h, y1 + h);
				add_rule(in, x1 - h, y0 - h, x1 + h, y1 + h);
			}
		} else if (stroke) {
			double dx = fabs(s->x[1] - s->x[0]), dy = fabs(s->y[1] - s->y[0]);
			double h = lw_mm(in) / 2;
			if (dy < 0.3 && dx > 0.5)
				add_rule(in, s->x[0], s->y[0] - h, s->x[1], s->y[1] + h);
			else if (dx < 0.3 && dy > 0.5)
				add_rule(in, s->x[0] - h, s->y[0], s->x[1] + h, s->y[1]);
		}
	}
	in->npath = 0;
}

static seg *path_add(interp *in)
{
	if (in->npath >= MAX_PATH)
		return NULL;
	if (!in->path) {
		in->path = malloc(MAX_PATH * sizeof *in->path);
		if (!in->path)
			return NULL;
	}
	return &in->path[in->npath++];
}

static void to_mm(interp *in, double x, double y, double *ox, double *oy)
{
	double m[6];
	pdf_mat_mul(in->gs.ctm, in->c->pm, m);
	apply(m, x, y, ox, oy);
}

static void line_to(interp *in, double x, double y)
{
	seg *s = path_add(in);
	if (s) {
		s->rect = 0;
		to_mm(in, in->cur_x, in->cur_y, &s->x[0], &s->y[0]);
		to_mm(in, x, y, &s->x[1], &s->y[1]);
	}
	in->cur_x = x;
	in->cur_y = y;
}

static int is_white(interp *in, int ncomp, int cmyk)
{
	if (in->nops < ncomp || ncomp == 0)
		return 0;
	for (int i = in->nops - ncomp; i < in->nops; i++) {
		double v;
		if (!pdf_num(in->ops[i], &v))
			return 0;
		if (cmyk ? v > 0.05 : v < 0.95)
			return 0;
	}
	return 1;
}

/* ---- XObjects and inline images ---- */
static void run_form(interp *in, const char *name)
{
	pdf_text_ctx *c = in->c;
	const eseal_pdf_val *xo = pdf_dget(c->pdf, pdf_dget(c->pdf, in->res, "XObject"), name);
	eseal_error_clear();
	if (!xo || xo->type != ESEAL_PDF_STREAM || !pdf_is_name(pdf_dget(c->pdf, xo, "Subtype"), "Form"))
		return;
	if (c->xobj_depth >= PDF_MAX_XOBJ_DEPTH) {
		pdf_warn(c->pdf, "Form XObjects nested deeper than %d levels; skipped", PDF_MAX_XOBJ_DEPTH);
		return;
	}
	for (int i = 0; i < c->xobj_depth; i++)
		if (c->xobj_stack[i] == xo) {
			pdf_warn(c->pdf, "Form XObject /%s draws itself; skipped", name);
			return;
		}
	double m[6];
	memcpy(m, ident, sizeof m);
	const eseal_pdf_val *mv = pdf_dget(c->pdf, xo, "Matrix");
	if (mv && mv->type == ESEAL_PDF_ARRAY && mv->u.a.n >= 6)
		for (int i = 0; i < 6; i++)
			m[i] = num(pdf_resolve(c->pdf, mv->u.a.v[i]));
	pdf_mat_mul(m, in->gs.ctm, m);
	const eseal_pdf_val *r = pdf_dget(c->pdf, xo, "Resources");
	if (!r || r->type != ESEAL_PDF_DICT)
		r = in->res;
	eseal_buf b = ESEAL_BUF_INIT;
	if (pdf_decode_stream(c->pdf, xo, 0, &b)) {
		pdf_warn(c->pdf, "Form XObject /%s: %s", name, eseal_error_last());
		eseal_error_clear();
		eseal_buf_free(&b);
		return;
	}
	c->xobj_stack[c->xobj_depth++] = xo;
	run(c, b.data ? b.data : (const uint8_t *)"", b.len, r, m, &in->gs);
	c->xobj_depth--;
	eseal_buf_free(&b);
}

/* After "ID": skips the image data up to "EI" between white-space. */
static void skip_inline_image(pdf_lex *lx)
{
	size_t i = lx->pos + 1;
	for (; i + 1 < lx->len; i++) {
		if (lx->p[i] == 'E' && lx->p[i + 1] == 'I' && pdf_is_space(lx->p[i - 1]) &&
		    (i + 2 >= lx->len || pdf_is_space(lx->p[i + 2]) || pdf_is_delim(lx->p[i + 2]))) {
			lx->pos = i + 2;
			return;
		}
	}
	lx->pos = lx->len;
}

/* ---- the operator loop ---- */
static void operator(interp *in, pdf_lex *lx, const pdf_tok *t)
{
	gstate *s = &in->gs;
	eseal_pdf_val **o = in->ops;
	int n = in->nops;
	const char *k = (const char *)lx->p + t->start;
	size_t kl = t->end - t->start;
	if (kl > 3)
		return;
	char op[4] = { 0 };
	memcpy(op, k, kl);
	switch (op[0]) {
	case 'q':
		if (!op[1]) {
			if (in->sp >= MAX_GSTACK) {
				in->overflow++;
				return;
			}
			in->stack[in->sp++] = *s;
		}
		return;
	case 'Q':
		if (!op[1]) {
			if (in->overflow)
				in->overflow--;
			else if (in->sp > 0)
				*s = in->stack[--in->sp];
		}
		return;
	case 'c':
		if (!strcmp(op, "cm") && n >= 6) {
			double m[6];
			for (int i = 0; i < 6; i++)
				m[i] = num(o[n - 6 + i]);
			pdf_mat_mul(m, s->ctm, s->ctm);
		} else if (!strcmp(op, "c") && n >= 6) {
			in->cur_x = num(o[n - 2]);
			in->cur_y = num(o[n - 1]);
		}
		return;
	case 'B':
		if (!strcmp(op, "BT")) {
			memcpy(in->tm, ident, sizeof in->tm);
			memcpy(in->tlm, ident, sizeof in->tlm);
		} else if (!strcmp(op, "B") || !strcmp(op, "B*")) {
			paint(in, 1, 1);
		}
		return;
	case 'b':
		if (!strcmp(op, "b") || !strcmp(op, "b*"))
			paint(in, 1, 1);
		return;
	case 'T':
		switch (op[1]) {
		case 'f':
			if (n >= 2 && o[n - 2]->type == ESEAL_PDF_NAME) {
				const eseal_pdf_val *fonts = pdf_dget(in->c->pdf, in->res, "Font");
				const eseal_pdf_val *d = pdf_dget(in->c->pdf, fonts, (const char *)o[n - 2]->u.s.p);
				eseal_error_clear();
				s->font = d && d->type == ESEAL_PDF_DICT ? font_for(in->c, d) : NULL;
				s->fs = num(o[n - 1]);
			}
			return;
		case 'c': if (n >= 1) s->tc = num(o[n - 1]); return;
		case 'w': if (n >= 1) s->tw = num(o[n - 1]); return;
		case 'z': if (n >= 1) s->th = num(o[n - 1]) / 100; return;
		case 'L': if (n >= 1) s->tl = num(o[n - 1]); return;
		case 's': if (n >= 1) s->rise = num(o[n - 1]); return;
		case 'd': if (n >= 2) td(in, num(o[n - 2]), num(o[n - 1])); return;
		case 'D':
			if (n >= 2) {
				s->tl = -num(o[n - 1]);
				td(in, num(o[n - 2]), num(o[n - 1]));
			}
			return;
		case 'm':
			if (n >= 6) {
				for (int i = 0; i < 6; i++)
					in->tlm[i] = num(o[n - 6 + i]);
				memcpy(in->tm, in->tlm, sizeof in->tm);
			}
			return;
		case '*': td(in, 0, -s->tl); return;
		case 'j':
			if (n >= 1 && o[n - 1]->type == ESEAL_PDF_STRING)
				show(in, o[n - 1]->u.s.p, o[n - 1]->u.s.n);
			return;
		case 'J':
			if (n >= 1 && o[n - 1]->type == ESEAL_PDF_ARRAY) {
				const eseal_pdf_val *a = o[n - 1];
				for (size_t i = 0; i < a->u.a.n; i++) {
					const eseal_pdf_val *x = a->u.a.v[i];
					if (x->type == ESEAL_PDF_STRING) {
						show(in, x->u.s.p, x->u.s.n);
					} else if (s->font && s->font->vertical) {
						double ty = -num(x) / 1000 * s->fs;
						in->tm[4] += ty * in->tm[2];
						in->tm[5] += ty * in->tm[3];
					} else {
						double tx = -num(x) / 1000 * s->fs * s->th;
						in->tm[4] += tx * in->tm[0];
						in->tm[5] += tx * in->tm[1];
					}
				}
			}
			return;
		}
		return;
	case '\'':
		td(in, 0, -s->tl);
		if (n >= 1 && o[n - 1]->type == ESEAL_PDF_STRING)
			show(in, o[n - 1]->u.s.p, o[n - 1]->u.s.n);
		return;
	case '"':
		if (n >= 3) {
			s->tw = num(o[n - 3]);
			s->tc = num(o[n - 2]);
			td(in, 0, -s->tl);
			if (o[n - 1]->type == ESEAL_PDF_STRING)
				show(in, o[n - 1]->u.s.p, o[n - 1]->u.s.n);
		}
		return;
	case 'D':
		if (!strcmp(op, "Do") && n >= 1 && o[n - 1]->type == ESEAL_PDF_NAME)
			run_form(in, (const char *)o[n - 1]->u.s.p);
		return;
	case 'g':
		if (!strcmp(op, "gs") && n >= 1 && o[n - 1]->type == ESEAL_PDF_NAME) {
			const eseal_pdf_val *eg = pdf_dget(in->c->pdf, pdf_dget(in->c->pdf, in->res, "ExtGState"),
							   (const char *)o[n - 1]->u.s.p);
			const eseal_pdf_val *fa = pdf_dget(in->c->pdf, eg, "Font");
			const eseal_pdf_val *lwv = pdf_dget(in->c->pdf, eg, "LW");
			if (fa && fa->type == ESEAL_PDF_ARRAY && fa->u.a.n >= 2) {
				const eseal_pdf_val *d = pdf_resolve(in->c->pdf, fa->u.a.v[0]);
				if (d->type == ESEAL_PDF_DICT) {
					s->font = font_for(in->c, d);
					s->fs = num(pdf_resolve(in->c->pdf, fa->u.a.v[1]));
				}
			}
			if (lwv)
				s->lw = num(lwv);
			eseal_error_clear();
		} else if (!strcmp(op, "g")) {
			s->fill_white = is_white(in, 1, 0);
		}
		return;
	case 'G': if (!op[1]) s->stroke_white = is_white(in, 1, 0); return;
	case 'r':
		if (!strcmp(op, "rg")) {
			s->fill_white = is_white(in, 3, 0);
		} else if (!strcmp(op, "re") && n >= 4) {
			double x = num(o[n - 4]), y = num(o[n - 3]), w = num(o[n - 2]), h = num(o[n - 1]);
			seg *sg = path_add(in);
			if (sg) {
				sg->rect = 1;
				to_mm(in, x, y, &sg->x[0], &sg->y[0]);
				to_mm(in, x + w, y, &sg->x[1], &sg->y[1]);
				to_mm(in, x + w, y + h, &sg->x[2], &sg->y[2]);
				to_mm(in, x, y + h, &sg->x[3], &sg->y[3]);
			}
			in->cur_x = in->start_x = x;
			in->cur_y = in->start_y = y;
		}
		return;
	case 'R': if (!strcmp(op, "RG")) s->stroke_white = is_white(in, 3, 0); return;
	case 'k': if (!op[1]) s->fill_white = is_white(in, 4, 1); return;
	case 'K': if (!op[1]) s->stroke_white = is_white(in, 4, 1); return;
	case 's':
		if (!strcmp(op, "sc") || !strcmp(op, "scn"))
			s->fill_white = is_white(in, n, n == 4);
		else if (!strcmp(op, "s"))
			paint(in, 0, 1);
		return;
	case 'S':
		if (!strcmp(op, "SC") || !strcmp(op, "SCN"))
			s->stroke_white = is_white(in, n, n == 4);
		else if (!strcmp(op, "S"))
			paint(in, 0, 1);
		return;
	case 'f': case 'F':
		if (!op[1] || !strcmp(op, "f*"))
			paint(in, 1, 0);
		return;
	case 'n':
		if (!op[1])
			in->npath = 0;
		return;
	case 'w': if (!op[1] && n >= 1) s->lw = num(o[n - 1]); return;
	case 'm':
		if (!op[1] && n >= 2) {
			in->cur_x = in->start_x = num(o[n - 2]);
			in->cur_y = in->start_y = num(o[n - 1]);
		}
		return;
	case 'l':
		if (!op[1] && n >= 2)
			line_to(in, num(o[n - 2]), num(o[n - 1]));
		return;
	case 'h':
		if (!op[1])
			line_to(in, in->start_x, in->start_y);
		return;
	case 'v': case 'y':
		if (!op[1] && n >= 4) {
			in->cur_x = num(o[n - 2]);
			in->cur_y = num(o[n - 1]);
		}
		return;
	default:
		return;
	}
}

int pdf_content_run(pdf_text_ctx *c, const uint8_t *p, size_t n, const eseal_pdf_val *resources,
		    const double ctm[6])
{
	return run(c, p, n, resources, ctm, NULL);
}

/* A Form XObject starts from the graphics state current at its Do. */
static int run(pdf_text_ctx *c, const uint8_t *p, size_t n, const eseal_pdf_val *resources,
	       const double ctm[6], const gstate *from)
{
	interp in;
	pdf_arena a = { 0 };
	memset(&in, 0, sizeof in);
	in.c = c;
	in.res = resources;
	if (from)
		in.gs = *from;
	memcpy(in.gs.ctm, ctm, sizeof in.gs.ctm);
	if (!from) {
		in.gs.th = 1;
		in.gs.lw = 1;
	}
	memcpy(in.tm, ident, sizeof in.tm);
	memcpy(in.tlm, ident, sizeof in.tlm);
	in.stack = malloc(MAX_GSTACK * sizeof *in.stack);
	if (!in.stack)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	pdf_lex lx = { p, n, 0 };
	int rc = 0;
	for (;;) {
		size_t save = lx.pos;
		pdf_tok t = pdf_lex_next(&lx);
		if (t.type == TK_EOF)
			break;
		if (t.type == TK_KEYWORD && !pdf_tok_is(&lx, &t, "true") && !pdf_tok_is(&lx, &t, "false") &&
		    !pdf_tok_is(&lx, &t, "null")) {
			if (++c->ops > MAX_OPS_PER_PAGE) {
				pdf_warn(c->pdf, "page has more than %u operators; the rest is ignored", MAX_OPS_PER_PAGE);
				break;
			}
			if (pdf_tok_is(&lx, &t, "BI")) {
				/* inline image: dictionary entries up to ID, then binary data */
				for (;;) {
					pdf_tok k = pdf_lex_next(&lx);
					if (k.type == TK_EOF || pdf_tok_is(&lx, &k, "ID"))
						break;
				}
				skip_inline_image(&lx);
			} else {
				operator(&in, &lx, &t);
			}
			in.nops = 0;
			pdf_arena_reset(&a);
			continue;
		}
		if (t.type == TK_ERROR || t.type == TK_ARRAY_CLOSE || t.type == TK_DICT_CLOSE ||
		    t.type == TK_BRACE_OPEN || t.type == TK_BRACE_CLOSE) {
			continue; /* stray delimiter: readers skip it */
		}
		lx.pos = save;
		eseal_pdf_val *v;
		if (pdf_parse_value(&lx, &a, 0, 0, &v)) {
			pdf_warn(c->pdf, "content stream: %s; the rest of the stream is ignored", eseal_error_last());
			eseal_error_clear();
			break;
		}
		if (in.nops == MAX_OPERANDS) {
			memmove(in.ops, in.ops + 1, (MAX_OPERANDS - 1) * sizeof *in.ops);
			in.nops--;
		}
		in.ops[in.nops++] = v;
	}
	pdf_arena_free(&a);
	free(in.stack);
	free(in.path);
	return rc;
}
