/*
 * obj.c - the object model: the value arena, indirect objects read on
 * demand from their offsets, the object cache, and the document handle.
 *
 * Never modifies the file bytes and never trusts an offset or a length
 * from the file without checking it against the buffer; a reference cycle
 * while loading an object is an error, not a recursion.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdf_internal.h"

/* ---- arena ---- */
struct pdf_arena_chunk {
	pdf_arena_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

void *pdf_arena_alloc(pdf_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!n)
		n = 16;
	pdf_arena_chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		c = malloc(sizeof *c + cap);
		if (!c) {
			eseal_error_set(ESEAL_ENOMEM, "out of memory");
			return NULL;
		}
		c->used = 0;
		c->cap = cap;
		/* a big block goes behind the current chunk so its free space stays usable */
		if (a->head && n > 65536) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
		a->total += cap;
	}
	void *p = (uint8_t *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

/* Keeps the newest chunk for reuse and frees the rest. */
void pdf_arena_reset(pdf_arena *a)
{
	if (!a->head)
		return;
	pdf_arena_chunk *c = a->head->next;
	while (c) {
		pdf_arena_chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head->next = NULL;
	a->head->used = 0;
	a->total = a->head->cap;
}

void pdf_arena_free(pdf_arena *a)
{
	pdf_arena_chunk *c = a->head;
	while (c) {
		pdf_arena_chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
	a->total = 0;
}

/* ---- values ---- */
static eseal_pdf_val null_val = { ESEAL_PDF_NULL, { 0 } };

eseal_pdf_val *pdf_val_new(pdf_arena *a, eseal_pdf_type t)
{
	eseal_pdf_val *v = pdf_arena_alloc(a, sizeof *v);
	if (v)
		v->type = t;
	return v;
}

const eseal_pdf_val *pdf_dict_get(const eseal_pdf_val *d, const char *key)
{
	if (!d)
		return NULL;
	if (d->type == ESEAL_PDF_STREAM)
		d = d->u.st.dict;
	if (!d || d->type != ESEAL_PDF_DICT)
		return NULL;
	/* the last duplicate key wins, as in most readers */
	for (size_t i = d->u.d.n; i-- > 0;)
		if (strcmp(d->u.d.kv[i].key, key) == 0)
			return d->u.d.kv[i].val;
	return NULL;
}

int pdf_dict_put(pdf_arena *a, eseal_pdf_val *d, const char *key, eseal_pdf_val *v)
{
	pdf_kv *kv = pdf_arena_alloc(a, (d->u.d.n + 1) * sizeof *kv);
	if (!kv)
		return ESEAL_ENOMEM;
	if (d->u.d.n)
		memcpy(kv, d->u.d.kv, d->u.d.n * sizeof *kv);
	kv[d->u.d.n].key = key;
	kv[d->u.d.n].val = v;
	d->u.d.kv = kv;
	d->u.d.n++;
	return 0;
}

int pdf_is_name(const eseal_pdf_val *v, const char *name)
{
	return v && v->type == ESEAL_PDF_NAME && strcmp((const char *)v->u.s.p, name) == 0;
}

int pdf_num(const eseal_pdf_val *v, double *out)
{
	if (v && v->type == ESEAL_PDF_INT) {
		*out = (double)v->u.i;
		return 1;
	}
	if (v && v->type == ESEAL_PDF_REAL) {
		*out = v->u.r;
		return 1;
	}
	return 0;
}

static void ser_string(const uint8_t *p, size_t n, eseal_buf *out)
{
	eseal_buf_putc(out, '<');
	for (size_t i = 0; i < n; i++)
		eseal_buf_printf(out, "%02X", p[i]);
	eseal_buf_putc(out, '>');
}

void pdf_val_serialize(const eseal_pdf_val *v, eseal_buf *out, int depth)
{
	if (!v || depth > PDF_MAX_DEPTH + 2) {
		eseal_buf_puts(out, "null");
		return;
	}
	switch (v->type) {
	case ESEAL_PDF_NULL: eseal_buf_puts(out, "null"); break;
	case ESEAL_PDF_BOOL: eseal_buf_puts(out, v->u.b ? "true" : "false"); break;
	case ESEAL_PDF_INT: eseal_buf_printf(out, "%lld", (long long)v->u.i); break;
	case ESEAL_PDF_REAL: eseal_buf_printf(out, "%g", v->u.r); break;
	case ESEAL_PDF_STRING: ser_string(v->u.s.p, v->u.s.n, out); break;
	case ESEAL_PDF_NAME:
		eseal_buf_putc(out, '/');
		for (size_t i = 0; i < v->u.s.n; i++) {
			uint8_t c = v->u.s.p[i];
			if (c <= ' ' || c >= 127 || c == '#' || pdf_is_delim(c))
				eseal_buf_printf(out, "#%02X", c);
			else
				eseal_buf_putc(out, c);
		}
		break;
	case ESEAL_PDF_ARRAY:
		eseal_buf_putc(out, '[');
		for (size_t i = 0; i < v->u.a.n; i++) {
			if (i)
				eseal_buf_putc(out, ' ');
			pdf_val_serialize(v->u.a.v[i], out, depth + 1);
		}
		eseal_buf_putc(out, ']');
		break;
	case ESEAL_PDF_DICT:
		eseal_buf_puts(out, "<<");
		for (size_t i = 0; i < v->u.d.n; i++) {
			eseal_pdf_val k = { ESEAL_PDF_NAME, { 0 } };
			k.u.s.p = (uint8_t *)v->u.d.kv[i].key;
			k.u.s.n = strlen(v->u.d.kv[i].key);
			pdf_val_serialize(&k, out, depth + 1);
			eseal_buf_putc(out, ' ');
			pdf_val_serialize(v->u.d.kv[i].val, out, depth + 1);
		}
		eseal_buf_puts(out, ">>");
		break;
	case ESEAL_PDF_REF:
		eseal_buf_printf(out, "%u %u R", v->u.ref.num, v->u.ref.gen);
		break;
	case ESEAL_PDF_STREAM:
		pdf_val_serialize(v->u.st.dict, out, depth + 1);
		eseal_buf_puts(out, " stream");
		break;
	}
}

/* ---- public value accessors ---- */
eseal_pdf_type eseal_pdf_val_type(const eseal_pdf_val *v) { return v ? v->type : ESEAL_PDF_NULL; }
int eseal_pdf_val_bool(const eseal_pdf_val *v) { return v && v->type == ESEAL_PDF_BOOL && v->u.b; }
int64_t eseal_pdf_val_int(const eseal_pdf_val *v)
{
	if (v && v->type == ESEAL_PDF_INT)
		return v->u.i;
	if (v && v->type == ESEAL_PDF_REAL)
		return (int64_t)v->u.r;
	return 0;
}
double eseal_pdf_val_real(const eseal_pdf_val *v)
{
	double d = 0;
	pdf_num(v, &d);
	return d;
}
const char *eseal_pdf_val_name(const eseal_pdf_val *v)
{
	return v && v->type == ESEAL_PDF_NAME ? (const char *)v->u.s.p : "";
}
const uint8_t *eseal_pdf_val_string(const eseal_pdf_val *v, size_t *len)
{
	if (!v || v->type != ESEAL_PDF_STRING)
		return NULL;
	if (len)
		*len = v->u.s.n;
	return v->u.s.p;
}
size_t eseal_pdf_val_len(const eseal_pdf_val *v)
{
	if (v && v->type == ESEAL_PDF_STREAM)
		v = v->u.st.dict;
	if (v && v->type == ESEAL_PDF_ARRAY)
		return v->u.a.n;
	if (v && v->type == ESEAL_PDF_DICT)
		return v->u.d.n;
	return 0;
}
const eseal_pdf_val *eseal_pdf_val_at(const eseal_pdf_val *v, size_t i)
{
	return v && v->type == ESEAL_PDF_ARRAY && i < v->u.a.n ? v->u.a.v[i] : NULL;
}
const char *eseal_pdf_val_key(const eseal_pdf_val *v, size_t i)
{
	if (v && v->type == ESEAL_PDF_STREAM)
		v = v->u.st.dict;
	return v && v->type == ESEAL_PDF_DICT && i < v->u.d.n ? v->u.d.kv[i].key : NULL;
}
const eseal_pdf_val *eseal_pdf_val_value(const eseal_pdf_val *v, size_t i)
{
	if (v && v->type == ESEAL_PDF_STREAM)
		v = v->u.st.dict;
	return v && v->type == ESEAL_PDF_DICT && i < v->u.d.n ? v->u.d.kv[i].val : NULL;
}
const eseal_pdf_val *eseal_pdf_val_get(const eseal_pdf_val *v, const char *key)
{
	return pdf_dict_get(v, key);
}
void eseal_pdf_val_ref(const eseal_pdf_val *v, uint32_t *num, uint16_t *gen)
{
	if (v && v->type == ESEAL_PDF_REF) {
		*num = v->u.ref.num;
		*gen = v->u.ref.gen;
	} else {
		*num = 0;
		*gen = 0;
	}
}
int eseal_pdf_val_serialize(const eseal_pdf_val *v, eseal_buf *out)
{
	pdf_val_serialize(v, out, 0);
	return eseal_buf_cstr(out);
}

/* ---- warnings ---- */
void pdf_warn(eseal_pdf *pdf, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	if (pdf->nwarnings >= 100)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char **w = realloc(pdf->warnings, (pdf->nwarnings + 1) * sizeof *w);
	if (!w)
		return;
	pdf->warnings = w;
	if ((w[pdf->nwarnings] = strdup(msg)))
		pdf->nwarnings++;
}

size_t eseal_pdf_warning_count(const eseal_pdf *pdf) { return pdf->nwarnings; }
const char *eseal_pdf_warning(const eseal_pdf *pdf, size_t i)
{
	return i < pdf->nwarnings ? pdf->warnings[i] : NULL;
}
int eseal_pdf_recovered(const eseal_pdf *pdf) { return pdf->recovered; }

/* ---- indirect objects ---- */

/* Length of a stream whose /Length is missing or wrong: up to "endstream". */
static size_t find_endstream(const uint8_t *p, size_t len, size_t start)
{
	const uint8_t *e = memmem(p + start, len - start, "endstream", 9);
	size_t end = e ? (size_t)(e - p) : len;
	if (end > start && p[end - 1] == '\n')
		end--;
	if (end > start && p[end - 1] == '\r')
		end--;
	return end - start;
}

int pdf_parse_indirect_at(eseal_pdf *pdf, size_t off, uint32_t num, uint16_t gen, int check,
			  eseal_pdf_val **out)
{
	pdf_lex lx = { pdf->data, pdf->len, off };
	pdf_tok a, b, c;
	int rc;
	if (off >= pdf->len)
		return eseal_error_set(ESEAL_EFORMAT, "object %u: offset %zu beyond end of file", num, off);
	a = pdf_lex_next(&lx);
	b = pdf_lex_next(&lx);
	c = pdf_lex_next(&lx);
	if (a.type != TK_INT || b.type != TK_INT || !pdf_tok_is(&lx, &c, "obj"))
		return eseal_error_set(ESEAL_EFORMAT, "object %u: no \"%u %u obj\" at offset %zu", num, num, gen, off);
	if (check && (a.i != (int64_t)num || b.i != gen))
		return eseal_error_set(ESEAL_EFORMAT, "object %u: offset %zu holds object %lld %lld", num, off,
				       (long long)a.i, (long long)b.i);
	eseal_pdf_val *v;
	if ((rc = pdf_parse_value(&lx, &pdf->arena, 1, 0, &v)))
		return eseal_error_wrap("object %u", num);
	size_t save = lx.pos;
	pdf_tok t = pdf_lex_next(&lx);
	if (pdf_tok_is(&lx, &t, "stream")) {
		if (v->type != ESEAL_PDF_DICT)
			return eseal_error_set(ESEAL_EFORMAT, "object %u: stream without a dictionary", num);
		size_t start = lx.pos;
		if (start < pdf->len && pdf->data[start] == '\r')
			start++;
		if (start < pdf->len && pdf->data[start] == '\n')
			start++;
		size_t len = 0;
		int ok = 0;
		const eseal_pdf_val *lv = pdf_dict_get(v, "Length");
		if (lv && lv->type == ESEAL_PDF_REF) {
			const eseal_pdf_val *r = NULL;
			if (pdf->table && lv->u.ref.num != num && eseal_pdf_object(pdf, lv->u.ref.num, &r) == 0)
				lv = r;
			else
				lv = NULL;
			eseal_error_clear();
		}
		if (lv && lv->type == ESEAL_PDF_INT && lv->u.i >= 0 && (uint64_t)lv->u.i <= pdf->len - start) {
			len = (size_t)lv->u.i;
			/* trust /Length only when "endstream" follows it */
			pdf_lex l2 = { pdf->data, pdf->len, start + len };
			pdf_tok e = pdf_lex_next(&l2);
			ok = pdf_tok_is(&l2, &e, "endstream");
		}
		if (!ok)
			len = find_endstream(pdf->data, pdf->len, start);
		eseal_pdf_val *s = pdf_val_new(&pdf->arena, ESEAL_PDF_STREAM);
		if (!s)
			return ESEAL_ENOMEM;
		s->u.st.dict = v;
		s->u.st.off = start;
		s->u.st.len = len;
		s->u.st.base = pdf->data;
		s->u.st.num = num;
		s->u.st.gen = gen;
		v = s;
	} else {
		lx.pos = save;
	}
	if (pdf->crypt.ok && num != pdf->crypt.dict_num)
		pdf_crypt_strings(pdf, v, num, gen, 0);
	*out = v;
	return 0;
}

int pdf_load_object(eseal_pdf *pdf, const pdf_xent *e, uint32_t num, eseal_pdf_val **out)
{
	int rc;
	if (e->type == XREF_COMPRESSED)
		return pdf_objstm_get(pdf, (uint32_t)e->off, e->gen, num, out);
	if (e->type != XREF_OFFSET)
		return eseal_error_set(ESEAL_ENOTFOUND, "object %u is free", num);
	rc = pdf_parse_indirect_at(pdf, e->off < pdf->len ? (size_t)e->off : pdf->len, num, e->gen, 1, out);
	if (rc == 0 || rc != ESEAL_EFORMAT)
		return rc; /* limits and memory errors are final */
	char first[256];
	snprintf(first, sizeof first, "%s", eseal_error_last());
	/* offsets counted from %PDF when junk precedes the header */
	if (pdf->header_off && e->off + pdf->header_off < pdf->len &&
	    pdf_parse_indirect_at(pdf, (size_t)(e->off + pdf->header_off), num, e->gen, 1, out) == 0)
		return 0;
	/* wrong offset: look the object up by scanning the file */
	if (pdf_recover_scan(pdf) == 0 && num < pdf->scan_size && pdf->scan_off[num] != UINT64_MAX &&
	    pdf->scan_off[num] != e->off) {
		size_t off = (size_t)pdf->scan_off[num];
		if (pdf_parse_indirect_at(pdf, off, num, 0, 0, out) == 0) {
			pdf_warn(pdf, "object %u: cross-reference entry points to offset %llu; found the object at %zu by scanning",
				 num, (unsigned long long)e->off, off);
			return 0;
		}
	}
	return eseal_error_set(ESEAL_EFORMAT, "%s", first);
}

int eseal_pdf_object(eseal_pdf *pdf, uint32_t num, const eseal_pdf_val **out)
{
	*out = &null_val;
	if (!pdf->table || num >= pdf->size || pdf->table[num].type == XREF_FREE ||
	    pdf->table[num].type == XREF_NONE)
		return eseal_error_set(ESEAL_ENOTFOUND, "object %u not found", num);
	if (pdf->cache[num]) {
		*out = pdf->cache[num];
		return 0;
	}
	if (pdf->loading[num])
		return eseal_error_set(ESEAL_ELIMIT, "object %u refers to itself while being read", num);
	if (pdf->load_depth >= PDF_MAX_LOAD_DEPTH)
		return eseal_error_set(ESEAL_ELIMIT, "object %u: objects depend on each other more than %d levels deep",
				       num, PDF_MAX_LOAD_DEPTH);
	pdf->loading[num] = 1;
	pdf->load_depth++;
	eseal_pdf_val *v = NULL;
	int rc = pdf_load_object(pdf, &pdf->table[num], num, &v);
	pdf->load_depth--;
	pdf->loading[num] = 0;
	if (rc)
		return rc;
	pdf->cache[num] = v;
	*out = v;
	return 0;
}

/* Entry of num as of revision rev: the newest section not newer than rev. */
int eseal_pdf_object_at(eseal_pdf *pdf, size_t rev, uint32_t num, const eseal_pdf_val **out)
{
	*out = &null_val;
	if (rev >= pdf->nrevs)
		return eseal_error_set(ESEAL_EINVAL, "no revision %zu (the file has %zu)", rev, pdf->nrevs);
	if (rev == pdf->nrevs - 1 || !pdf->nsecs)
		return eseal_pdf_object(pdf, num, out);
	/* sections are newest first; skip those belonging to later revisions */
	uint64_t end = pdf->revs[rev].end;
	for (size_t i = 0; i < pdf->nsecs; i++) {
		const pdf_section *s = &pdf->secs[i];
		if (s->end > end || !s->nents)
			continue;
		pdf_xent key = { .num = num };
		const pdf_xent *e = bsearch(&key, s->ents, s->nents, sizeof *e, pdf_xent_cmp);
		if (!e)
			continue;
		if (e->type != XREF_OFFSET && e->type != XREF_COMPRESSED)
			return eseal_error_set(ESEAL_ENOTFOUND, "object %u is free in revision %zu", num, rev);
		if (num < pdf->size && pdf->table[num].type == e->type && pdf->table[num].off == e->off &&
		    pdf->table[num].gen == e->gen)
			return eseal_pdf_object(pdf, num, out);
		if (num < pdf->size && pdf->loading[num])
			return eseal_error_set(ESEAL_ELIMIT, "object %u refers to itself while being read", num);
		if (pdf->load_depth >= PDF_MAX_LOAD_DEPTH)
			return eseal_error_set(ESEAL_ELIMIT, "object %u: objects depend on each other too deeply", num);
		eseal_pdf_val *v;
		if (num < pdf->size)
			pdf->loading[num] = 1;
		pdf->load_depth++;
		int rc = pdf_load_object(pdf, e, num, &v);
		pdf->load_depth--;
		if (num < pdf->size)
			pdf->loading[num] = 0;
		if (rc)
			return rc;
		*out = v;
		return 0;
	}
	return eseal_error_set(ESEAL_ENOTFOUND, "object %u not found in revision %zu", num, rev);
}

int eseal_pdf_object_offset(const eseal_pdf *pdf, uint32_t num, uint64_t *off, uint16_t *gen, int *in_objstm)
{
	if (!pdf->table || num >= pdf->size ||
	    (pdf->table[num].type != XREF_OFFSET && pdf->table[num].type != XREF_COMPRESSED))
		return eseal_error_set(ESEAL_ENOTFOUND, "object %u not found", num);
	*off = pdf->table[num].off;
	*gen = pdf->table[num].type == XREF_OFFSET ? pdf->table[num].gen : 0;
	*in_objstm = pdf->table[num].type == XREF_COMPRESSED;
	return 0;
}

const eseal_pdf_val *pdf_resolve(eseal_pdf *pdf, const eseal_pdf_val *v)
{
	for (int i = 0; v && v->type == ESEAL_PDF_REF; i++) {
		const eseal_pdf_val *r;
		if (i >= 32 || eseal_pdf_object(pdf, v->u.ref.num, &r))
			return &null_val;
		v = r;
	}
	return v ? v : &null_val;
}

const eseal_pdf_val *eseal_pdf_resolve(eseal_pdf *pdf, const eseal_pdf_val *v)
{
	const eseal_pdf_val *r = pdf_resolve(pdf, v);
	eseal_error_clear();
	return r;
}

/* Resolved dictionary entry; NULL when absent or dangling. */
const eseal_pdf_val *pdf_dget(eseal_pdf *pdf, const eseal_pdf_val *d, const char *key)
{
	const eseal_pdf_val *v = pdf_resolve(pdf, pdf_dict_get(d, key));
	return v->type == ESEAL_PDF_NULL ? NULL : v;
}

/* ---- the document ---- */
const eseal_pdf_val *eseal_pdf_trailer(const eseal_pdf *pdf) { return pdf->trailer; }
uint32_t eseal_pdf_object_count(const eseal_pdf *pdf) { return pdf->size; }
const uint8_t *eseal_pdf_data(const eseal_pdf *pdf, size_t *len)
{
	*len = pdf->len;
	return pdf->data;
}
void eseal_pdf_version(const eseal_pdf *pdf, int *major, int *minor)
{
	*major = pdf->version_major;
	*minor = pdf->version_minor;
}
void eseal_pdf_set_max_stream(eseal_pdf *pdf, size_t max) { pdf->max_stream = max ? max : PDF_MAX_STREAM_DEFAULT; }
size_t eseal_pdf_revision_count(const eseal_pdf *pdf) { return pdf->nrevs; }
int eseal_pdf_revision_get(const eseal_pdf *pdf, size_t i, eseal_pdf_revision *out)
{
	if (i >= pdf->nrevs)
		return eseal_error_set(ESEAL_EINVAL, "no revision %zu", i);
	*out = pdf->revs[i];
	return 0;
}
int eseal_pdf_startxref(const eseal_pdf *pdf, uint64_t *off, int *is_stream)
{
	*off = 0;
	*is_stream = 0;
	if (!pdf->nsecs)
		return eseal_error_set(ESEAL_ENOTFOUND, "no cross-reference section (the table was rebuilt by scanning)");
	*off = pdf->secs[0].off;
	*is_stream = pdf->secs[0].is_stream;
	return 0;
}

uint64_t eseal_pdf_revision_end(const eseal_pdf *pdf, size_t i)
{
	return i < pdf->nrevs ? pdf->revs[i].end : 0;
}

const eseal_pdf_val *eseal_pdf_catalog(eseal_pdf *pdf)
{
	const eseal_pdf_val *r = pdf_dget(pdf, pdf->trailer, "Root");
	eseal_error_clear();
	return r && r->type == ESEAL_PDF_DICT ? r : NULL;
}

static int open_common(eseal_pdf *pdf)
{
	size_t lim = pdf->len < 1024 ? pdf->len : 1024;
	const uint8_t *h = memmem(pdf->data, lim, "%PDF-", 5);
	if (!h)
		return eseal_error_set(ESEAL_EFORMAT, "not a PDF file (no %%PDF- header in the first 1024 bytes)");
	pdf->header_off = (size_t)(h - pdf->data);
	size_t i = pdf->header_off + 5;
	pdf->version_major = 1;
	pdf->version_minor = 0;
	if (i + 2 < pdf->len && pdf->data[i] >= '1' && pdf->data[i] <= '9' && pdf->data[i + 1] == '.') {
		pdf->version_major = pdf->data[i] - '0';
		if (pdf->data[i + 2] >= '0' && pdf->data[i + 2] <= '9')
			pdf->version_minor = pdf->data[i + 2] - '0';
	}
	pdf->max_stream = PDF_MAX_STREAM_DEFAULT;
	int rc = pdf_xref_load(pdf);
	if (rc || (rc = pdf_crypt_init(pdf)))
		return rc;
	if (pdf->recovered || (pdf->crypt.present && !pdf->crypt.ok))
		return 0;
	const eseal_pdf_val *root = pdf_dict_get(pdf->trailer, "Root"), *cat;
	if (root && root->type == ESEAL_PDF_REF && eseal_pdf_object(pdf, root->u.ref.num, &cat) == 0 &&
	    cat->type == ESEAL_PDF_DICT)
		return 0;
	pdf_warn(pdf, "document catalog unreadable through the cross-reference data (%s)", eseal_error_last());
	eseal_wipe(&pdf->crypt, sizeof pdf->crypt);
	if ((rc = pdf_xref_rebuild(pdf)))
		return rc;
	return pdf_crypt_init(pdf);
}

int eseal_pdf_open(eseal_pdf **out, const uint8_t *data, size_t len)
{
	*out = NULL;
	eseal_pdf *pdf = calloc(1, sizeof *pdf);
	if (!pdf)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	pdf->owned = malloc(len ? len : 1);
	if (!pdf->owned) {
		free(pdf);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory (%zu bytes)", len);
	}
	if (len)
		memcpy(pdf->owned, data, len);
	pdf->data = pdf->owned;
	pdf->len = len;
	int rc = open_common(pdf);
	if (rc) {
		eseal_pdf_free(pdf);
		return rc;
	}
	*out = pdf;
	return 0;
}

int eseal_pdf_load(eseal_pdf **out, const char *path)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return eseal_error_set(errno == ENOENT ? ESEAL_ENOTFOUND : ESEAL_EIO, "%s: cannot open (%s)", path,
				       strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return eseal_error_set(ESEAL_EIO, "%s: not a regular file", path);
	}
	eseal_pdf *pdf = calloc(1, sizeof *pdf);
	if (!pdf) {
		close(fd);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	if (st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			pdf->map = m;
			pdf->maplen = (size_t)st.st_size;
			pdf->data = m;
			pdf->len = (size_t)st.st_size;
		}
	}
	close(fd);
	if (!pdf->data) {
		eseal_buf b = ESEAL_BUF_INIT;
		int rc = eseal_file_read(&b, path, 0);
		if (rc) {
			free(pdf);
			return rc;
		}
		pdf->owned = b.data;
		pdf->data = b.data ? b.data : (const uint8_t *)"";
		pdf->len = b.len;
	}
	int rc = open_common(pdf);
	if (rc) {
		eseal_pdf_free(pdf);
		return eseal_error_wrap("%s", path);
	}
	*out = pdf;
	return 0;
}

void eseal_pdf_free(eseal_pdf *pdf)
{
	if (!pdf)
		return;
	pdf_objstm_drop(pdf);
	for (size_t i = 0; i < pdf->nsecs; i++)
		free(pdf->secs[i].ents);
	free(pdf->secs);
	free(pdf->revs);
	free(pdf->table);
	free(pdf->cache);
	free(pdf->loading);
	free(pdf->scan_off);
	for (size_t i = 0; i < pdf->nwarnings; i++)
		free(pdf->warnings[i]);
	free(pdf->warnings);
	free(pdf->pages);
	eseal_wipe(&pdf->crypt, sizeof pdf->crypt);
	pdf_arena_free(&pdf->arena);
	if (pdf->map)
		munmap(pdf->map, pdf->maplen);
	free(pdf->owned);
	free(pdf);
}
