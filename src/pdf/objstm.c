/*
 * objstm.c - objects stored inside object streams (/Type /ObjStm).
 *
 * Each object stream is decoded once and kept; its header (pairs of object
 * number and offset) is checked against the decoded length. An object
 * stream that (directly or not) contains itself is caught by the loading
 * guard in obj.c and reported, never followed.
 */
#include <stdlib.h>
#include <string.h>

#include "pdf_internal.h"

static int objstm_open(eseal_pdf *pdf, uint32_t stmnum, pdf_objstm **out)
{
	if (stmnum >= pdf->size)
		return eseal_error_set(ESEAL_EFORMAT, "object stream %u does not exist", stmnum);
	if (!pdf->objstm_index) {
		pdf->objstm_index = calloc(pdf->size, sizeof *pdf->objstm_index);
		if (!pdf->objstm_index)
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	if (pdf->objstm_index[stmnum]) {
		*out = pdf->objstm_index[stmnum];
		return 0;
	}
	const eseal_pdf_val *st;
	int rc = eseal_pdf_object(pdf, stmnum, &st);
	if (rc)
		return eseal_error_wrap("object stream %u", stmnum);
	if (st->type != ESEAL_PDF_STREAM)
		return eseal_error_set(ESEAL_EFORMAT, "object %u is not an object stream", stmnum);
	const eseal_pdf_val *n = pdf_dict_get(st, "N"), *first = pdf_dict_get(st, "First");
	if (!n || n->type != ESEAL_PDF_INT || n->u.i < 0 || n->u.i > 10000000 ||
	    !first || first->type != ESEAL_PDF_INT || first->u.i < 0)
		return eseal_error_set(ESEAL_EFORMAT, "object stream %u: bad /N or /First", stmnum);
	eseal_buf data = ESEAL_BUF_INIT;
	if ((rc = pdf_decode_stream(pdf, st, pdf->max_stream, &data))) {
		eseal_buf_free(&data);
		return eseal_error_wrap("object stream %u", stmnum);
	}
	pdf_objstm *o = calloc(1, sizeof *o);
	if (!o) {
		eseal_buf_free(&data);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	o->num = stmnum;
	o->data = data.data;
	o->len = data.len;
	o->first = (size_t)first->u.i;
	if (o->first > o->len)
		o->first = o->len;
	/* each header pair takes at least 4 bytes */
	uint32_t cnt = (uint32_t)n->u.i;
	if (cnt > o->first / 4 + 1)
		cnt = (uint32_t)(o->first / 4 + 1);
	o->nums = malloc((cnt + 1) * sizeof *o->nums);
	o->offs = malloc((cnt + 1) * sizeof *o->offs);
	if (!o->nums || !o->offs) {
		free(o->nums);
		free(o->offs);
		free(o->data);
		free(o);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	pdf_lex lx = { o->data, o->first, 0 };
	for (uint32_t i = 0; i < cnt; i++) {
		pdf_tok a = pdf_lex_next(&lx), b = pdf_lex_next(&lx);
		if (a.type != TK_INT || b.type != TK_INT || a.i < 0 || b.i < 0)
			break;
		o->nums[o->n] = (uint32_t)a.i;
		o->offs[o->n] = (size_t)b.i;
		o->n++;
	}
	o->next = pdf->objstms;
	pdf->objstms = o;
	pdf->objstm_index[stmnum] = o;
	/* objects are copied out when parsed: keep only the newest few
	 * decoded streams so memory stays bounded on huge files */
	if (++pdf->nobjstms > PDF_KEEP_OBJSTMS) {
		pdf_objstm *prev = o, *last = o->next;
		while (last->next) {
			prev = last;
			last = last->next;
		}
		prev->next = NULL;
		pdf->objstm_index[last->num] = NULL;
		free(last->data);
		free(last->nums);
		free(last->offs);
		free(last);
		pdf->nobjstms--;
	}
	*out = o;
	return 0;
}

int pdf_objstm_get(eseal_pdf *pdf, uint32_t stmnum, uint32_t idx, uint32_t num, eseal_pdf_val **out)
{
	pdf_objstm *o = NULL;
	int rc = objstm_open(pdf, stmnum, &o);
	if (rc)
		return rc;
	if (idx >= o->n || o->nums[idx] != num) {
		/* a wrong index: find the object by number instead */
		uint32_t i;
		for (i = 0; i < o->n && o->nums[i] != num; i++)
			;
		if (i == o->n)
			return eseal_error_set(ESEAL_EFORMAT, "object %u not in object stream %u", num, stmnum);
		idx = i;
	}
	size_t off = o->first + o->offs[idx];
	if (o->offs[idx] > o->len || off > o->len)
		return eseal_error_set(ESEAL_EFORMAT, "object %u: offset beyond object stream %u", num, stmnum);
	pdf_lex lx = { o->data, o->len, off };
	if ((rc = pdf_parse_value(&lx, &pdf->arena, 1, 0, out)))
		return eseal_error_wrap("object %u in object stream %u", num, stmnum);
	return 0;
}

void pdf_objstm_drop(eseal_pdf *pdf)
{
	for (pdf_objstm *o = pdf->objstms; o;) {
		pdf_objstm *n = o->next;
		free(o->data);
		free(o->nums);
		free(o->offs);
		free(o);
		o = n;
	}
	pdf->objstms = NULL;
	pdf->nobjstms = 0;
	free(pdf->objstm_index);
	pdf->objstm_index = NULL;
}
