/*
 * lex.c - the PDF tokenizer and the value parser built on it.
 *
 * Works on a (pointer, length) view of bytes it never modifies; every read
 * is bounds-checked because the input is hostile. Nesting is limited by
 * PDF_MAX_DEPTH so deep arrays cannot exhaust the stack.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_internal.h"

int pdf_is_space(uint8_t c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

int pdf_is_delim(uint8_t c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' ||
	       c == '{' || c == '}' || c == '/' || c == '%';
}

void pdf_lex_skip_space(pdf_lex *lx)
{
	while (lx->pos < lx->len) {
		uint8_t c = lx->p[lx->pos];
		if (pdf_is_space(c)) {
			lx->pos++;
		} else if (c == '%') {
			while (lx->pos < lx->len && lx->p[lx->pos] != '\n' && lx->p[lx->pos] != '\r')
				lx->pos++;
		} else {
			break;
		}
	}
}

/* Numbers: [+-]digits[.digits]; PDF has no exponents. */
static void lex_number(pdf_lex *lx, pdf_tok *t)
{
	size_t i = lx->pos;
	int neg = 0, real = 0, digits = 0;
	double v = 0, scale = 1;
	int64_t iv = 0;
	int overflow = 0;
	if (i < lx->len && (lx->p[i] == '+' || lx->p[i] == '-')) {
		neg = lx->p[i] == '-';
		i++;
	}
	/* a doubled sign ("--5") is tolerated like other readers do */
	while (i < lx->len && (lx->p[i] == '-' || lx->p[i] == '+'))
		i++;
	for (; i < lx->len; i++) {
		uint8_t c = lx->p[i];
		if (c >= '0' && c <= '9') {
			digits++;
			if (real) {
				scale /= 10;
				v += (c - '0') * scale;
			} else {
				v = v * 10 + (c - '0');
				if (iv > (INT64_MAX - 9) / 10)
					overflow = 1;
				else
					iv = iv * 10 + (c - '0');
			}
		} else if (c == '.' && !real) {
			real = 1;
		} else {
			break;
		}
	}
	lx->pos = i;
	t->end = i;
	if (!digits && !real) {
		t->type = TK_KEYWORD; /* a lone sign: let the caller reject it */
		return;
	}
	if (real || overflow) {
		t->type = TK_REAL;
		t->r = neg ? -v : v;
	} else {
		t->type = TK_INT;
		t->i = neg ? -iv : iv;
		t->r = (double)t->i;
	}
}

pdf_tok pdf_lex_next(pdf_lex *lx)
{
	pdf_tok t;
	memset(&t, 0, sizeof t);
	pdf_lex_skip_space(lx);
	t.start = lx->pos;
	if (lx->pos >= lx->len) {
		t.type = TK_EOF;
		t.end = lx->pos;
		return t;
	}
	uint8_t c = lx->p[lx->pos];
	switch (c) {
	case '[': t.type = TK_ARRAY_OPEN; lx->pos++; break;
	case ']': t.type = TK_ARRAY_CLOSE; lx->pos++; break;
	case '{': t.type = TK_BRACE_OPEN; lx->pos++; break;
	case '}': t.type = TK_BRACE_CLOSE; lx->pos++; break;
	case '<':
		if (lx->pos + 1 < lx->len && lx->p[lx->pos + 1] == '<') {
			t.type = TK_DICT_OPEN;
			lx->pos += 2;
		} else {
			t.type = TK_HEXSTRING;
			lx->pos++;
			while (lx->pos < lx->len && lx->p[lx->pos] != '>')
				lx->pos++;
			if (lx->pos >= lx->len)
				t.type = TK_ERROR;
			else
				lx->pos++;
		}
		break;
	case '>':
		if (lx->pos + 1 < lx->len && lx->p[lx->pos + 1] == '>') {
			t.type = TK_DICT_CLOSE;
			lx->pos += 2;
		} else {
			t.type = TK_ERROR;
			lx->pos++;
		}
		break;
	case '(': {
		int depth = 0;
		t.type = TK_ERROR;
		while (lx->pos < lx->len) {
			uint8_t d = lx->p[lx->pos++];
			if (d == '\\') {
				lx->pos++;
			} else if (d == '(') {
				depth++;
			} else if (d == ')') {
				if (--depth == 0) {
					t.type = TK_STRING;
					break;
				}
			}
		}
		if (lx->pos > lx->len)
			lx->pos = lx->len;
		break;
	}
	case '/':
		t.type = TK_NAME;
		lx->pos++;
		while (lx->pos < lx->len && !pdf_is_space(lx->p[lx->pos]) && !pdf_is_delim(lx->p[lx->pos]))
			lx->pos++;
		break;
	case ')':
		t.type = TK_ERROR;
		lx->pos++;
		break;
	default:
		if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
			lex_number(lx, &t);
			return t;
		}
		t.type = TK_KEYWORD;
		while (lx->pos < lx->len && !pdf_is_space(lx->p[lx->pos]) && !pdf_is_delim(lx->p[lx->pos]))
			lx->pos++;
		break;
	}
	t.end = lx->pos;
	return t;
}

int pdf_tok_is(const pdf_lex *lx, const pdf_tok *t, const char *kw)
{
	size_t n = strlen(kw);
	return t->type == TK_KEYWORD && t->end - t->start == n && memcmp(lx->p + t->start, kw, n) == 0;
}

int pdf_lex_string(const pdf_lex *lx, const pdf_tok *t, pdf_arena *a, uint8_t **out, size_t *outlen)
{
	const uint8_t *s = lx->p + t->start + 1;
	size_t n = t->end - t->start;
	n = n >= 2 ? n - 2 : 0;
	uint8_t *o = pdf_arena_alloc(a, n + 1);
	size_t k = 0;
	if (!o)
		return ESEAL_ENOMEM;
	if (t->type == TK_HEXSTRING) {
		int hi = -1;
		for (size_t i = 0; i < n; i++) {
			int v = eseal_hex_digit(s[i]);
			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
			} else {
				o[k++] = (uint8_t)(hi << 4 | v);
				hi = -1;
			}
		}
		if (hi >= 0)
			o[k++] = (uint8_t)(hi << 4);
	} else {
		for (size_t i = 0; i < n; i++) {
			uint8_t c = s[i];
			if (c == '\r') {    /* end-of-line in a string is a single \n */
				if (i + 1 < n && s[i + 1] == '\n')
					i++;
				o[k++] = '\n';
				continue;
			}
			if (c != '\\') {
				o[k++] = c;
				continue;
			}
			if (++i >= n)
				break;
			c = s[i];
			switch (c) {
			case 'n': o[k++] = '\n'; break;
			case 'r': o[k++] = '\r'; break;
			case 't': o[k++] = '\t'; break;
			case 'b': o[k++] = '\b'; break;
			case 'f': o[k++] = '\f'; break;
			case '\r':
				if (i + 1 < n && s[i + 1] == '\n')
					i++;
				break;
			case '\n':
				break;
			default:
				if (c >= '0' && c <= '7') {
					int v = c - '0';
					for (int j = 0; j < 2 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7'; j++)
						v = v * 8 + (s[++i] - '0');
					o[k++] = (uint8_t)v;
				} else {
					o[k++] = c;
				}
			}
		}
	}
	o[k] = 0;
	*out = o;
	*outlen = k;
	return 0;
}

char *pdf_lex_name(const pdf_lex *lx, const pdf_tok *t, pdf_arena *a)
{
	const uint8_t *s = lx->p + t->start + 1;
	size_t n = t->end - t->start - 1;
	char *o = pdf_arena_alloc(a, n + 1);
	size_t k = 0;
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '#' && i + 2 < n && eseal_hex_digit(s[i + 1]) >= 0 && eseal_hex_digit(s[i + 2]) >= 0) {
			o[k++] = (char)(eseal_hex_digit(s[i + 1]) << 4 | eseal_hex_digit(s[i + 2]));
			i += 2;
		} else {
			o[k++] = (char)s[i];
		}
	}
	o[k] = 0;
	return o;
}

static int grow(pdf_arena *a, void **items, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 8;
	void *p = pdf_arena_alloc(a, nc * size);
	if (!p)
		return ESEAL_ENOMEM;
	if (n)
		memcpy(p, *items, n * size);
	*items = p;
	*cap = nc;
	return 0;
}

static int parse_tok(pdf_lex *lx, pdf_tok t, pdf_arena *a, int allow_refs, int depth, eseal_pdf_val **out);

int pdf_parse_value(pdf_lex *lx, pdf_arena *a, int allow_refs, int depth, eseal_pdf_val **out)
{
	return parse_tok(lx, pdf_lex_next(lx), a, allow_refs, depth, out);
}

/* After an integer: "n g R" makes a reference; otherwise rewind. */
static int try_ref(pdf_lex *lx, const pdf_tok *first, pdf_arena *a, eseal_pdf_val **out)
{
	size_t save = lx->pos;
	pdf_tok g = pdf_lex_next(lx);
	if (g.type == TK_INT && g.i >= 0 && g.i <= 65535 && first->i >= 0 && first->i < (int64_t)PDF_MAX_OBJECTS) {
		pdf_tok r = pdf_lex_next(lx);
		if (pdf_tok_is(lx, &r, "R")) {
			eseal_pdf_val *v = pdf_val_new(a, ESEAL_PDF_REF);
			if (!v)
				return ESEAL_ENOMEM;
			v->u.ref.num = (uint32_t)first->i;
			v->u.ref.gen = (uint16_t)g.i;
			*out = v;
			return 1;
		}
	}
	lx->pos = save;
	return 0;
}

static int parse_tok(pdf_lex *lx, pdf_tok t, pdf_arena *a, int allow_refs, int depth, eseal_pdf_val **out)
{
	eseal_pdf_val *v = NULL;
	int rc;
	if (depth > PDF_MAX_DEPTH)
		return eseal_error_set(ESEAL_ELIMIT, "PDF objects nested deeper than %d levels at offset %zu",
				       PDF_MAX_DEPTH, t.start);
	switch (t.type) {
	case TK_INT:
		if (allow_refs) {
			rc = try_ref(lx, &t, a, out);
			if (rc)
				return rc < 0 ? rc : 0;
		}
		v = pdf_val_new(a, ESEAL_PDF_INT);
		if (v)
			v->u.i = t.i;
		break;
	case TK_REAL:
		v = pdf_val_new(a, ESEAL_PDF_REAL);
		if (v)
			v->u.r = isfinite(t.r) ? t.r : 0;
		break;
	case TK_STRING:
	case TK_HEXSTRING:
		v = pdf_val_new(a, ESEAL_PDF_STRING);
		if (v && pdf_lex_string(lx, &t, a, &v->u.s.p, &v->u.s.n))
			return ESEAL_ENOMEM;
		break;
	case TK_NAME:
		v = pdf_val_new(a, ESEAL_PDF_NAME);
		if (v) {
			v->u.s.p = (uint8_t *)pdf_lex_name(lx, &t, a);
			if (!v->u.s.p)
				return ESEAL_ENOMEM;
			v->u.s.n = strlen((char *)v->u.s.p);
		}
		break;
	case TK_ARRAY_OPEN: {
		size_t cap = 0;
		v = pdf_val_new(a, ESEAL_PDF_ARRAY);
		if (!v)
			return ESEAL_ENOMEM;
		for (;;) {
			pdf_tok n = pdf_lex_next(lx);
			if (n.type == TK_ARRAY_CLOSE)
				break;
			if (n.type == TK_EOF || n.type == TK_ERROR || n.type == TK_DICT_CLOSE)
				return eseal_error_set(ESEAL_EFORMAT, "unterminated array at offset %zu", t.start);
			eseal_pdf_val *item;
			if ((rc = parse_tok(lx, n, a, allow_refs, depth + 1, &item)))
				return rc;
			if (grow(a, (void **)&v->u.a.v, &cap, v->u.a.n, sizeof(eseal_pdf_val *)))
				return ESEAL_ENOMEM;
			v->u.a.v[v->u.a.n++] = item;
		}
		break;
	}
	case TK_DICT_OPEN: {
		size_t cap = 0;
		v = pdf_val_new(a, ESEAL_PDF_DICT);
		if (!v)
			return ESEAL_ENOMEM;
		for (;;) {
			pdf_tok k = pdf_lex_next(lx);
			if (k.type == TK_DICT_CLOSE)
				break;
			if (k.type != TK_NAME) {
				if (k.type == TK_EOF || k.type == TK_ERROR || k.type == TK_ARRAY_CLOSE ||
				    pdf_tok_is(lx, &k, "endobj") || pdf_tok_is(lx, &k, "stream"))
					return eseal_error_set(ESEAL_EFORMAT, "unterminated dictionary at offset %zu", t.start);
				continue; /* stray token where a key should be: skip it */
			}
			char *key = pdf_lex_name(lx, &k, a);
			if (!key)
				return ESEAL_ENOMEM;
			pdf_tok n = pdf_lex_next(lx);
			if (n.type == TK_DICT_CLOSE)
				break; /* key without value: ignore */
			eseal_pdf_val *val;
			if ((rc = parse_tok(lx, n, a, allow_refs, depth + 1, &val)))
				return rc;
			if (grow(a, (void **)&v->u.d.kv, &cap, v->u.d.n, sizeof(pdf_kv)))
				return ESEAL_ENOMEM;
			v->u.d.kv[v->u.d.n].key = key;
			v->u.d.kv[v->u.d.n].val = val;
			v->u.d.n++;
		}
		break;
	}
	case TK_KEYWORD:
		if (pdf_tok_is(lx, &t, "true") || pdf_tok_is(lx, &t, "false")) {
			v = pdf_val_new(a, ESEAL_PDF_BOOL);
			if (v)
				v->u.b = lx->p[t.start] == 't';
		} else if (pdf_tok_is(lx, &t, "null")) {
			v = pdf_val_new(a, ESEAL_PDF_NULL);
		} else {
			return eseal_error_set(ESEAL_EFORMAT, "unexpected keyword \"%.*s\" at offset %zu",
					       (int)(t.end - t.start > 20 ? 20 : t.end - t.start),
					       (const char *)lx->p + t.start, t.start);
		}
		break;
	case TK_EOF:
		return eseal_error_set(ESEAL_EFORMAT, "unexpected end of data at offset %zu", t.start);
	default:
		return eseal_error_set(ESEAL_EFORMAT, "unexpected token at offset %zu", t.start);
	}
	if (!v)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	*out = v;
	return 0;
}
