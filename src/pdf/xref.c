/*
 * xref.c - classic cross-reference tables, the /Prev chain of incremental
 * revisions with their byte boundaries, and the merged object table.
 *
 * Never follows a /Prev offset twice (loops), never allocates entries for
 * more objects than the bytes could describe, and falls back to scanning
 * the file (recover.c) when the chain is unreadable.
 */
#include <stdlib.h>
#include <string.h>

#include "pdf_internal.h"

int pdf_xent_cmp(const void *a, const void *b)
{
	uint32_t x = ((const pdf_xent *)a)->num, y = ((const pdf_xent *)b)->num;
	return x < y ? -1 : x > y;
}

/* Sorts entries and drops duplicated numbers (invalid within a section). */
static void sort_unique(pdf_section *sec)
{
	size_t k = 0;
	if (!sec->nents)
		return;
	qsort(sec->ents, sec->nents, sizeof *sec->ents, pdf_xent_cmp);
	for (size_t i = 0; i < sec->nents; i++) {
		if (k && sec->ents[k - 1].num == sec->ents[i].num)
			continue;
		sec->ents[k++] = sec->ents[i];
	}
	sec->nents = k;
}

static int read_uint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
	size_t i = *pos;
	uint64_t v = 0;
	int n = 0;
	while (i < len && pdf_is_space(p[i]))
		i++;
	while (i < len && p[i] >= '0' && p[i] <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (p[i] - '0');
		i++;
		n++;
	}
	if (!n)
		return -1;
	*pos = i;
	*out = v;
	return 0;
}

int pdf_xref_table_parse(eseal_pdf *pdf, size_t off, pdf_section *sec)
{
	const uint8_t *p = pdf->data;
	size_t len = pdf->len, pos = off + 4, cap = 0;
	/* "xref" already checked by the caller */
	for (;;) {
		uint64_t start, count;
		size_t save = pos;
		while (pos < len && pdf_is_space(p[pos]))
			pos++;
		if (pos + 7 <= len && memcmp(p + pos, "trailer", 7) == 0) {
			pos += 7;
			break;
		}
		pos = save;
		if (read_uint(p, len, &pos, &start) || read_uint(p, len, &pos, &count))
			return eseal_error_set(ESEAL_EFORMAT, "bad cross-reference subsection at offset %zu", save);
		if (start >= PDF_MAX_OBJECTS || count > PDF_MAX_OBJECTS - start || count > (len - pos) / 4)
			return eseal_error_set(ESEAL_ELIMIT, "cross-reference subsection at offset %zu too large", save);
		if (sec->nents + count > cap) {
			size_t nc = cap * 2 > sec->nents + count ? cap * 2 : sec->nents + count + 16;
			pdf_xent *e = realloc(sec->ents, nc * sizeof *e);
			if (!e)
				return eseal_error_set(ESEAL_ENOMEM, "out of memory");
			sec->ents = e;
			cap = nc;
		}
		for (uint64_t i = 0; i < count; i++) {
			uint64_t o, g;
			if (read_uint(p, len, &pos, &o) || read_uint(p, len, &pos, &g))
				return eseal_error_set(ESEAL_EFORMAT, "bad cross-reference entry at offset %zu", pos);
			while (pos < len && pdf_is_space(p[pos]))
				pos++;
			if (pos >= len || (p[pos] != 'n' && p[pos] != 'f'))
				return eseal_error_set(ESEAL_EFORMAT, "bad cross-reference entry at offset %zu", pos);
			pdf_xent *e = &sec->ents[sec->nents++];
			e->num = (uint32_t)(start + i);
			e->gen = g > 65535 ? 65535 : (uint16_t)g;
			e->off = o;
			e->type = p[pos] == 'n' && o > 0 ? XREF_OFFSET : XREF_FREE;
			pos++;
		}
	}
	pdf_lex lx = { p, len, pos };
	eseal_pdf_val *t;
	if (pdf_parse_value(&lx, &pdf->arena, 1, 0, &t) || t->type != ESEAL_PDF_DICT)
		return eseal_error_set(ESEAL_EFORMAT, "bad trailer after the cross-reference table at offset %zu", off);
	sec->trailer = t;
	/* hybrid file: a cross-reference stream adds the compressed objects */
	const eseal_pdf_val *xs = pdf_dict_get(t, "XRefStm");
	if (xs && xs->type == ESEAL_PDF_INT && xs->u.i > 0 && (uint64_t)xs->u.i < len) {
		pdf_section s2;
		memset(&s2, 0, sizeof s2);
		if (pdf_xref_stream_parse(pdf, (size_t)xs->u.i, &s2) == 0) {
			sort_unique(sec);
			/* table entries win unless they are free */
			size_t n = sec->nents;
			pdf_xent *m = realloc(sec->ents, (n + s2.nents + 1) * sizeof *m);
			if (!m) {
				free(s2.ents);
				return eseal_error_set(ESEAL_ENOMEM, "out of memory");
			}
			sec->ents = m;
			for (size_t i = 0; i < s2.nents; i++) {
				pdf_xent *e = n ? bsearch(&s2.ents[i], m, n, sizeof *m, pdf_xent_cmp) : NULL;
				if (e && e->type != XREF_FREE)
					continue;
				if (e)
					*e = s2.ents[i];
				else
					m[sec->nents++] = s2.ents[i];
			}
		} else {
			pdf_warn(pdf, "hybrid file: cannot read the /XRefStm at %lld: %s", (long long)xs->u.i,
				 eseal_error_last());
		}
		free(s2.ents);
	}
	sort_unique(sec);
	return 0;
}

/* Offset just after the first %%EOF line at or after off (file end if none). */
static uint64_t eof_after(const eseal_pdf *pdf, size_t off)
{
	const uint8_t *e = off < pdf->len ? memmem(pdf->data + off, pdf->len - off, "%%EOF", 5) : NULL;
	if (!e)
		return pdf->len;
	size_t i = (size_t)(e - pdf->data) + 5;
	if (i < pdf->len && pdf->data[i] == '\r')
		i++;
	if (i < pdf->len && pdf->data[i] == '\n')
		i++;
	return i;
}

static int find_startxref(const eseal_pdf *pdf, uint64_t *out)
{
	size_t lim = pdf->len < 4096 ? pdf->len : 4096;
	const uint8_t *base = pdf->data + pdf->len - lim, *hit = NULL;
	for (const uint8_t *p = base; (p = memmem(p, (size_t)(base + lim - p), "startxref", 9)); p += 9)
		hit = p;
	if (!hit)
		return eseal_error_set(ESEAL_EFORMAT, "no startxref at the end of the file");
	size_t pos = (size_t)(hit - pdf->data) + 9;
	if (read_uint(pdf->data, pdf->len, &pos, out))
		return eseal_error_set(ESEAL_EFORMAT, "startxref without an offset");
	return 0;
}

/* Reads one section at off: a table ("xref") or a stream ("n g obj"). */
static int read_section(eseal_pdf *pdf, uint64_t off, pdf_section *sec)
{
	size_t o = (size_t)off;
	memset(sec, 0, sizeof *sec);
	sec->off = off;
	sec->prev = UINT64_MAX;
	if (off >= pdf->len)
		return eseal_error_set(ESEAL_EFORMAT, "cross-reference offset %llu beyond end of file",
				       (unsigned long long)off);
	while (o < pdf->len && pdf_is_space(pdf->data[o]))
		o++;
	int rc;
	if (o + 4 <= pdf->len && memcmp(pdf->data + o, "xref", 4) == 0) {
		rc = pdf_xref_table_parse(pdf, o, sec);
	} else {
		sec->is_stream = 1;
		rc = pdf_xref_stream_parse(pdf, o, sec);
	}
	if (rc)
		return rc;
	const eseal_pdf_val *prev = pdf_dict_get(sec->trailer, "Prev");
	if (prev && prev->type == ESEAL_PDF_INT && prev->u.i >= 0)
		sec->prev = (uint64_t)prev->u.i;
	else if (prev && prev->type == ESEAL_PDF_REAL && prev->u.r >= 0)
		sec->prev = (uint64_t)prev->u.r;
	return 0;
}

/* The merged table: entries of older sections overwritten by newer ones. */
int pdf_sections_to_table(eseal_pdf *pdf)
{
	uint64_t size = 0;
	for (size_t i = 0; i < pdf->nsecs; i++) {
		const pdf_section *s = &pdf->secs[i];
		if (s->nents && s->ents[s->nents - 1].num + 1ull > size)
			size = s->ents[s->nents - 1].num + 1ull;
	}
	const eseal_pdf_val *sz = pdf_dict_get(pdf->trailer, "Size");
	if (sz && sz->type == ESEAL_PDF_INT && sz->u.i > 0 && (uint64_t)sz->u.i > size &&
	    (uint64_t)sz->u.i <= PDF_MAX_OBJECTS && (uint64_t)sz->u.i <= pdf->len)
		size = (uint64_t)sz->u.i;
	/* a table far larger than the file could describe is an attack on
	 * memory, not a document */
	uint64_t lim = (uint64_t)pdf->len * 8 > (1u << 16) ? (uint64_t)pdf->len * 8 : (1u << 16);
	if (lim > PDF_MAX_OBJECTS)
		lim = PDF_MAX_OBJECTS;
	if (size > lim)
		return eseal_error_set(ESEAL_ELIMIT, "too many objects (%llu) for a file of %zu bytes",
				       (unsigned long long)size, pdf->len);
	if (!size)
		size = 1;
	pdf->table = malloc(size * sizeof *pdf->table);
	pdf->cache = calloc(size, sizeof *pdf->cache);
	pdf->loading = calloc(size, 1);
	if (!pdf->table || !pdf->cache || !pdf->loading)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (uint64_t i = 0; i < size; i++) {
		pdf->table[i].num = (uint32_t)i;
		pdf->table[i].type = XREF_NONE;
	}
	pdf->size = (uint32_t)size;
	for (size_t i = pdf->nsecs; i-- > 0;) {
		const pdf_section *s = &pdf->secs[i];
		for (size_t k = 0; k < s->nents; k++)
			pdf->table[s->ents[k].num] = s->ents[k];
	}
	return 0;
}

/* Groups sections into revisions: a linearized file's first-page section
 * points forward (/Prev > its own offset) and belongs to the revision of
 * the section it points to; sections before the same %%EOF (an update
 * written with two sections) are one revision. */
static int build_revisions(eseal_pdf *pdf)
{
	pdf->revs = calloc(pdf->nsecs ? pdf->nsecs : 1, sizeof *pdf->revs);
	if (!pdf->revs)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	pdf->nrevs = 0;
	for (size_t i = pdf->nsecs; i-- > 0;) {
		pdf_section *s = &pdf->secs[i];
		if (pdf->nrevs && ((s->prev != UINT64_MAX && s->prev > s->off) ||
				   s->end <= pdf->revs[pdf->nrevs - 1].end)) {
			eseal_pdf_revision *r = &pdf->revs[pdf->nrevs - 1];
			if (s->end > r->end)
				r->end = s->end;
			s->end = r->end;
			/* the section a startxref names is the newest of the group */
			r->xref_offset = s->off;
			r->xref_stream = s->is_stream;
			continue;
		}
		eseal_pdf_revision *r = &pdf->revs[pdf->nrevs++];
		r->xref_offset = s->off;
		r->end = s->end;
		r->xref_stream = s->is_stream;
	}
	/* an older revision cannot end after a newer one */
	for (size_t i = pdf->nrevs; i-- > 1;)
		if (pdf->revs[i - 1].end > pdf->revs[i].end)
			pdf->revs[i - 1].end = pdf->revs[i].end;
	return 0;
}

/* Is there "num gen obj" at off? */
static int header_at(const eseal_pdf *pdf, uint64_t off, uint32_t num)
{
	if (off >= pdf->len)
		return 0;
	pdf_lex lx = { pdf->data, pdf->len, (size_t)off };
	pdf_tok a = pdf_lex_next(&lx), b = pdf_lex_next(&lx), c = pdf_lex_next(&lx);
	return a.type == TK_INT && a.i == (int64_t)num && b.type == TK_INT && pdf_tok_is(&lx, &c, "obj");
}

/* Every offset entry must point at its object; wrong ones are repaired
 * from a scan of the file (one pass, only when needed). */
static int check_offsets(eseal_pdf *pdf)
{
	size_t bad = 0;
	for (uint32_t i = 0; i < pdf->size; i++)
		if (pdf->table[i].type == XREF_OFFSET && !header_at(pdf, pdf->table[i].off, i))
			bad++;
	if (!bad)
		return 0;
	if (pdf_recover_scan(pdf)) {
		eseal_error_clear();
		pdf_warn(pdf, "file is damaged: %zu cross-reference entries point to the wrong offset", bad);
		return 0;
	}
	/* a wrong entry for an xref stream itself is harmless (it is never
	 * read as an object): fix it quietly */
	size_t real = 0;
	for (uint32_t i = 0; i < pdf->size; i++) {
		pdf_xent *e = &pdf->table[i];
		if (e->type != XREF_OFFSET || header_at(pdf, e->off, i))
			continue;
		if (i < pdf->scan_size && pdf->scan_off[i] != UINT64_MAX) {
			size_t o = (size_t)pdf->scan_off[i], w = pdf->len - o < 300 ? pdf->len - o : 300;
			if (!memmem(pdf->data + o, w, "/XRef", 5)) {
				pdf_warn(pdf, "object %u: cross-reference entry says offset %llu, found at %zu", i,
					 (unsigned long long)e->off, o);
				real++;
			}
			e->off = pdf->scan_off[i];
		} else {
			real++;
		}
	}
	if (real) {
		pdf->recovered = 1;
		pdf_warn(pdf, "file is damaged: %zu cross-reference entries point to the wrong offset; repaired by scanning the file", real);
	}
	return 0;
}

int pdf_xref_load(eseal_pdf *pdf)
{
	uint64_t off = 0;
	int rc = find_startxref(pdf, &off);
	size_t cap = 0;
	while (rc == 0) {
		for (size_t i = 0; i < pdf->nsecs; i++)
			if (pdf->secs[i].off == off) {
				rc = eseal_error_set(ESEAL_EFORMAT, "/Prev chain loops back to offset %llu",
						     (unsigned long long)off);
				break;
			}
		if (rc)
			break;
		if (pdf->nsecs >= PDF_MAX_REVISIONS) {
			rc = eseal_error_set(ESEAL_ELIMIT, "more than %d cross-reference sections", PDF_MAX_REVISIONS);
			break;
		}
		if (pdf->nsecs == cap) {
			cap = cap ? cap * 2 : 4;
			pdf_section *s = realloc(pdf->secs, cap * sizeof *s);
			if (!s)
				return eseal_error_set(ESEAL_ENOMEM, "out of memory");
			pdf->secs = s;
		}
		pdf_section *sec = &pdf->secs[pdf->nsecs];
		rc = read_section(pdf, off, sec);
		if (rc && pdf->header_off && off + pdf->header_off < pdf->len) {
			free(sec->ents);
			rc = read_section(pdf, off + pdf->header_off, sec);
		}
		if (rc) {
			free(sec->ents);
			break;
		}
		sec->end = eof_after(pdf, (size_t)sec->off);
		pdf->nsecs++;
		if (sec->prev == UINT64_MAX)
			break;
		off = sec->prev;
	}
	if (rc == ESEAL_ENOMEM)
		return rc;
	if (rc && pdf->nsecs) {
		/* a broken /Prev: keep what was read, older revisions are lost */
		pdf_warn(pdf, "cross-reference chain broken (%s); older revisions ignored", eseal_error_last());
		rc = 0;
	}
	if (rc == 0) {
		pdf->trailer = pdf->secs[0].trailer;
		if ((rc = pdf_sections_to_table(pdf)) || (rc = build_revisions(pdf)))
			return rc;
		return check_offsets(pdf);
	}
	pdf_warn(pdf, "cross-reference data unreadable (%s)", eseal_error_last());
	return pdf_xref_rebuild(pdf);
}

/* Drops what the cross-reference data said and rebuilds it by scanning. */
int pdf_xref_rebuild(eseal_pdf *pdf)
{
	for (size_t i = 0; i < pdf->nsecs; i++)
		free(pdf->secs[i].ents);
	free(pdf->secs);
	pdf->secs = NULL;
	pdf->nsecs = 0;
	free(pdf->revs);
	pdf->revs = NULL;
	pdf->nrevs = 0;
	free(pdf->table);
	pdf->table = NULL;
	free(pdf->cache);
	pdf->cache = NULL;
	free(pdf->loading);
	pdf->loading = NULL;
	pdf->size = 0;
	pdf_objstm_drop(pdf);
	return pdf_recover_rebuild(pdf);
}
