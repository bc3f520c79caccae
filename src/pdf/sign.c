/*
 * sign.c - signs a PDF by appending one incremental update: signature
 * dictionary with a preallocated /Contents, a signature field whose widgets
 * show the seal, the pages' /Annots, /AcroForm and (for --certify) /Perms.
 * The original bytes are streamed to a temporary file and hashed on the
 * way; the update is hashed from memory, signed, and the signature hex is
 * filled in before it is written. It must never rewrite an earlier
 * revision nor load a large input twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "eseal/cms.h"
#include "eseal/pdfsign.h"
#include "eseal/ses.h"
#include "pdfsign_internal.h"

#define PT_PER_MM (72.0 / 25.4)
#define BR_WIDTH 10 /* digits reserved for each ByteRange number */

void eseal_pdf_sign_result_free(eseal_pdf_sign_result *res)
{
	if (!res)
		return;
	free(res->placed);
	res->placed = NULL;
	res->nplaced = 0;
}

/* Refuses documents we must not or cannot sign. */
static int check_signable(eseal_pdf *pdf, int certify)
{
	uint64_t off;
	int is_stream;
	if (eseal_pdf_recovered(pdf) || eseal_pdf_startxref(pdf, &off, &is_stream))
		return eseal_error_set(ESEAL_EUNSUPPORTED,
				       "the cross-reference data is damaged (rebuilt by scanning): an "
				       "incremental update could not chain to it; repair the file first");
	eseal_pdf_crypt_info ci;
	if (eseal_pdf_crypt_info_get(pdf, &ci))
		return ESEAL_EFORMAT;
	if (ci.encrypted) {
		if (strcmp(ci.filter, "Standard"))
			return eseal_error_set(ESEAL_EUNSUPPORTED,
					       "encrypted with the %s handler: only the standard handler can be signed",
					       ci.filter);
		if (!ci.empty_user_password)
			return eseal_error_set(ESEAL_EUNSUPPORTED,
					       "encrypted with a user password: cannot sign without opening it%s%s",
					       ci.reason && *ci.reason ? ": " : "", ci.reason ? ci.reason : "");
		if (!(ci.p & 32))
			return eseal_error_set(ESEAL_EDENIED,
					       "the document's permissions (P=%lld) forbid adding annotations and "
					       "form fields, so it cannot be signed", (long long)ci.p);
	}
	const eseal_pdf_val *cat = eseal_pdf_catalog(pdf);
	if (!cat || eseal_pdf_val_type(cat) != ESEAL_PDF_DICT)
		return eseal_error_set(ESEAL_EFORMAT, "the document has no catalog");
	const eseal_pdf_val *perms = eseal_pdf_resolve(pdf, eseal_pdf_val_get(cat, "Perms"));
	const eseal_pdf_val *mdp = perms ? eseal_pdf_resolve(pdf, eseal_pdf_val_get(perms, "DocMDP")) : NULL;
	if (mdp && eseal_pdf_val_type(mdp) == ESEAL_PDF_DICT) {
		if (certify)
			return eseal_error_set(ESEAL_EDENIED,
					       "the document is already certified: only one certification signature is allowed");
		const eseal_pdf_val *refs = eseal_pdf_resolve(pdf, eseal_pdf_val_get(mdp, "Reference"));
		for (size_t i = 0; refs && i < eseal_pdf_val_len(refs); i++) {
			const eseal_pdf_val *r = eseal_pdf_resolve(pdf, eseal_pdf_val_at(refs, i));
			const eseal_pdf_val *tm = eseal_pdf_resolve(pdf, eseal_pdf_val_get(r, "TransformMethod"));
			if (strcmp(eseal_pdf_val_name(tm), "DocMDP"))
				continue;
			const eseal_pdf_val *tp = eseal_pdf_resolve(pdf, eseal_pdf_val_get(r, "TransformParams"));
			const eseal_pdf_val *p = eseal_pdf_resolve(pdf, eseal_pdf_val_get(tp, "P"));
			if (p && eseal_pdf_val_type(p) == ESEAL_PDF_INT && eseal_pdf_val_int(p) == 1)
				return eseal_error_set(ESEAL_EDENIED,
						       "the document is certified with no changes allowed (DocMDP P=1)");
		}
	}
	return 0;
}

/* A PDF text string: bytes when ASCII, UTF-16BE with a BOM otherwise. */
static int text_string(pdf_incr *w, eseal_buf *o, uint32_t num, const char *s)
{
	int ascii = 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80)
			ascii = 0;
	if (ascii)
		return pdf_incr_string(w, o, num, 0, s, strlen(s));
	eseal_buf u = ESEAL_BUF_INIT;
	eseal_buf_put(&u, "\xFE\xFF", 2);
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		int n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		cp = n == 1 ? *p : *p & (0x7F >> n);
		for (int i = 1; i < n; i++)
			cp = p[i] ? cp << 6 | (p[i] & 0x3F) : cp;
		for (int i = 0; i < n && *p; i++)
			p++;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			uint16_t hi = (uint16_t)(0xD800 | cp >> 10), lo = (uint16_t)(0xDC00 | (cp & 0x3FF));
			uint8_t b[4] = { (uint8_t)(hi >> 8), (uint8_t)hi, (uint8_t)(lo >> 8), (uint8_t)lo };
			eseal_buf_put(&u, b, 4);
		} else {
			uint8_t b[2] = { (uint8_t)(cp >> 8), (uint8_t)cp };
			eseal_buf_put(&u, b, 2);
		}
	}
	int rc = pdf_incr_string(w, o, num, 0, u.data, u.len);
	eseal_buf_free(&u);
	return rc;
}

static void fmt_num(char *b, size_t n, double v)
{
	snprintf(b, n, "%.3f", v);
	for (char *c = b; *c; c++)
		if (*c == ',')
			*c = '.';
}

/* Drawn when the seal's picture cannot be embedded (OFD or SVG pictures):
 * a red ring, so the stamp stays visible. */
static void placeholder_ops(eseal_buf *o, double wpt, double hpt)
{
	double cx = wpt / 2, cy = hpt / 2, rx = wpt / 2 - 2, ry = hpt / 2 - 2, k = 0.5523;
	/* four quarter arcs: (dx, dy) of the start, control points and end */
	static const double q[4][6] = { { 1, 1, 1, 1, 0, 1 }, { -1, 1, -1, 1, -1, 0 },
					{ -1, -1, -1, -1, 0, -1 }, { 1, -1, 1, -1, 1, 0 } };
	char a[32], b[32];
	fmt_num(a, sizeof a, cx + rx);
	fmt_num(b, sizeof b, cy);
	eseal_buf_printf(o, "0.85 0.1 0.1 RG 3 w %s %s m", a, b);
	for (int i = 0; i < 4; i++) {
		/* control points at k along the tangents */
		double px[3], py[3];
		double sx = i == 0 ? 1 : i == 1 ? 0 : i == 2 ? -1 : 0, sy = i == 0 ? 0 : i == 1 ? 1 : i == 2 ? 0 : -1;
		double ex = q[i][4], ey = q[i][5];
		px[0] = sx + (sx == 0 ? q[i][0] * k : 0);
		py[0] = sy + (sy == 0 ? q[i][1] * k : 0);
		px[1] = ex + (ex == 0 ? q[i][2] * k : 0);
		py[1] = ey + (ey == 0 ? q[i][3] * k : 0);
		px[2] = ex;
		py[2] = ey;
		for (int j = 0; j < 3; j++) {
			fmt_num(a, sizeof a, cx + rx * px[j]);
			fmt_num(b, sizeof b, cy + ry * py[j]);
			eseal_buf_printf(o, " %s %s", a, b);
		}
		eseal_buf_puts(o, " c");
	}
	eseal_buf_puts(o, " S\n");
}

/* Appearance stream of one widget: the full picture, shifted for a slice. */
static int write_appearance(pdf_incr *w, uint32_t num, const pdf_spot *s, double hmm, int rotate,
			    uint32_t img)
{
	double wpt = s->box.w * PT_PER_MM, hpt = s->box.h * PT_PER_MM;
	double fw = s->full_w * PT_PER_MM, fh = hmm * PT_PER_MM, ox = -s->clip_x * PT_PER_MM;
	double m[6];
	pdf_rotate_matrix(rotate, m);
	char a[6][32];
	eseal_buf ops = ESEAL_BUF_INIT, dict = ESEAL_BUF_INIT;
	fmt_num(a[0], sizeof a[0], wpt);
	fmt_num(a[1], sizeof a[1], hpt);
	eseal_buf_printf(&dict, " /Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Matrix [%g %g %g %g 0 0]",
			 a[0], a[1], m[0], m[1], m[2], m[3]);
	fmt_num(a[2], sizeof a[2], fw);
	fmt_num(a[3], sizeof a[3], fh);
	fmt_num(a[4], sizeof a[4], ox);
	if (img) {
		eseal_buf_printf(&dict, " /Resources << /XObject << /Im0 %u 0 R >> >>", img);
		eseal_buf_printf(&ops, "q 0 0 %s %s re W n %s 0 0 %s %s 0 cm /Im0 Do Q\n", a[0], a[1], a[2],
				 a[3], a[4]);
	} else {
		eseal_buf_printf(&dict, " /Resources << >>");
		eseal_buf_printf(&ops, "q 0 0 %s %s re W n 1 0 0 1 %s 0 cm ", a[0], a[1], a[4]);
		placeholder_ops(&ops, fw, fh);
		eseal_buf_puts(&ops, "Q\n");
	}
	int rc = eseal_buf_cstr(&dict);
	if (!rc)
		rc = pdf_incr_stream(w, num, (const char *)dict.data, ops.data, ops.len);
	eseal_buf_free(&ops);
	eseal_buf_free(&dict);
	return rc;
}

/* Whether a top-level field named name exists. */
static int field_exists(eseal_pdf *pdf, const eseal_pdf_val *fields, const char *name)
{
	for (size_t i = 0; fields && i < eseal_pdf_val_len(fields); i++) {
		const eseal_pdf_val *f = eseal_pdf_resolve(pdf, eseal_pdf_val_at(fields, i));
		size_t n;
		const uint8_t *t = eseal_pdf_val_string(eseal_pdf_resolve(pdf, eseal_pdf_val_get(f, "T")), &n);
		if (t && n == strlen(name) && !memcmp(t, name, n))
			return 1;
	}
	return 0;
}

static void put_ref_list(eseal_buf *o, const uint32_t *nums, size_t n)
{
	for (size_t i = 0; i < n; i++)
		eseal_buf_printf(o, " %u 0 R", nums[i]);
}

typedef struct sign_ctx {
	eseal_pdf *pdf;
	const eseal_pdf_sign_opts *o;
	eseal_seal *seal;
	pdf_incr w;
	pdf_spot *spots;
	size_t nspots;
	eseal_pdf_page_info *pinfo; /* per spot */
	size_t contents_off;        /* '<' of /Contents in w.out */
	size_t contents_len;        /* including the angle brackets */
	size_t br_off;              /* first digit of the ByteRange's second number */
	size_t capacity;
	char field[32];
} sign_ctx;

static int write_sig_dict(sign_ctx *c, uint32_t num)
{
	pdf_incr *w = &c->w;
	const eseal_pdf_sign_opts *o = c->o;
	static const char *const sub[] = { "adbe.pkcs7.detached", "ESEAL.SES.V4", "ETSI.CAdES.detached" };
	int rc = pdf_incr_begin(w, num, 0);
	if (rc)
		return rc;
	eseal_buf *b = &w->out;
	eseal_buf_printf(b, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /%s /ByteRange [0 ",
			 sub[o->format]);
	c->br_off = b->len;
	for (int i = 0; i < 3; i++)
		eseal_buf_printf(b, "%0*d%s", BR_WIDTH, 0, i < 2 ? " " : "");
	eseal_buf_puts(b, "]\n/Contents ");
	c->contents_off = b->len;
	c->contents_len = c->capacity * 2 + 2;
	if ((rc = eseal_buf_reserve(b, c->contents_len)))
		return rc;
	eseal_buf_putc(b, '<');
	memset(b->data + b->len, '0', c->capacity * 2);
	b->len += c->capacity * 2;
	eseal_buf_putc(b, '>');
	time_t t = o->when ? o->when : time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	char m[40];
	snprintf(m, sizeof m, "D:%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec);
	eseal_buf_puts(b, "\n/M ");
	pdf_incr_string(w, b, num, 0, m, strlen(m));
	const char *name = o->name ? o->name : eseal_seal_name(c->seal);
	if (name && *name) {
		eseal_buf_puts(b, " /Name ");
		text_string(w, b, num, name);
	}
	if (o->reason && *o->reason) {
		eseal_buf_puts(b, " /Reason ");
		text_string(w, b, num, o->reason);
	}
	if (o->location && *o->location) {
		eseal_buf_puts(b, " /Location ");
		text_string(w, b, num, o->location);
	}
	if (o->certify)
		eseal_buf_puts(b, "\n/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams "
				  "<< /Type /TransformParams /P 2 /V /1.2 >> >>]");
	eseal_buf_puts(b, "\n/Prop_Build << /Filter << /Name /Adobe.PPKLite >> /App << /Name /eseal >> >>"
			  "\n/ESealSeal ");
	size_t sl;
	const uint8_t *sd = eseal_seal_der(c->seal, &sl);
	rc = pdf_incr_string(w, b, num, 0, sd, sl);
	eseal_buf_puts(b, " >>");
	if (!rc)
		rc = pdf_incr_end(w);
	return rc;
}

/* Builds the whole update into c->w. */
static int build_update(sign_ctx *c, double wmm, double hmm)
{
	eseal_pdf *pdf = c->pdf;
	pdf_incr *w = &c->w;
	const eseal_pdf_sign_opts *o = c->o;
	int rc = 0;
	const eseal_pdf_val *cat = eseal_pdf_catalog(pdf);
	const eseal_pdf_val *root = eseal_pdf_val_get(eseal_pdf_trailer(pdf), "Root");
	if (!root || eseal_pdf_val_type(root) != ESEAL_PDF_REF)
		return eseal_error_set(ESEAL_EFORMAT, "the trailer's /Root is not a reference");
	uint32_t catnum;
	uint16_t catgen;
	eseal_pdf_val_ref(root, &catnum, &catgen);
	const eseal_pdf_val *af = eseal_pdf_resolve(pdf, eseal_pdf_val_get(cat, "AcroForm"));
	if (af && eseal_pdf_val_type(af) != ESEAL_PDF_DICT)
		af = NULL;
	const eseal_pdf_val *fields = af ? eseal_pdf_resolve(pdf, eseal_pdf_val_get(af, "Fields")) : NULL;
	if (fields && eseal_pdf_val_type(fields) != ESEAL_PDF_ARRAY)
		fields = NULL;
	for (int k = 1; k < 100000; k++) {
		snprintf(c->field, sizeof c->field, "eseal-%d", k);
		if (!field_exists(pdf, fields, c->field))
			break;
	}

	/* the picture, once for every widget */
	uint32_t img = 0;
	if (c->nspots) {
		size_t plen;
		const uint8_t *pic = eseal_seal_picture(c->seal, &plen);
		const char *ptype = pic ? eseal_picture_detect(pic, plen) : NULL;
		if (ptype && (!strcmp(ptype, "png") || !strcmp(ptype, "jpg") || !strcmp(ptype, "jpeg"))) {
			if ((rc = pdf_image_write(w, ptype, pic, plen, &img)))
				return rc;
		}
	}
	size_t nw = c->nspots ? c->nspots : 1;
	uint32_t *wnum = calloc(nw, sizeof *wnum);
	if (!wnum)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	uint32_t signum = pdf_incr_alloc(w);
	uint32_t fieldnum = nw == 1 ? 0 : pdf_incr_alloc(w);
	for (size_t i = 0; i < nw; i++)
		wnum[i] = pdf_incr_alloc(w);
	if (nw == 1)
		fieldnum = wnum[0];

	/* widgets with their appearances */
	eseal_pdf_page_info first;
	if (!c->nspots && (rc = eseal_pdf_page(pdf, 0, &first)))
		goto done;
	for (size_t i = 0; rc == 0 && i < nw; i++) {
		const eseal_pdf_page_info *pg = c->nspots ? &c->pinfo[i] : &first;
		double r[4] = { 0, 0, 0, 0 };
		uint32_t ap = 0;
		if (c->nspots) {
			pdf_box_to_rect(pg, c->spots[i].box, r);
			ap = pdf_incr_alloc(w);
			if ((rc = write_appearance(w, ap, &c->spots[i], hmm, pg->rotate, img)))
				break;
		}
		char rs[4][32];
		for (int k = 0; k < 4; k++)
			fmt_num(rs[k], sizeof rs[k], r[k]);
		if ((rc = pdf_incr_begin(w, wnum[i], 0)))
			break;
		eseal_buf *b = &w->out;
		eseal_buf_printf(b, "<< /Type /Annot /Subtype /Widget /Rect [%s %s %s %s] /P %u %u R /F 132",
				 rs[0], rs[1], rs[2], rs[3], pg->num, pg->gen);
		if (ap)
			eseal_buf_printf(b, " /AP << /N %u 0 R >>", ap);
		if (nw == 1) {
			eseal_buf_printf(b, " /FT /Sig /Ff 0 /V %u 0 R /T ", signum);
			pdf_incr_string(w, b, wnum[i], 0, c->field, strlen(c->field));
		} else {
			eseal_buf_printf(b, " /Parent %u 0 R", fieldnum);
		}
		eseal_buf_puts(b, " >>");
		rc = pdf_incr_end(w);
	}
	if (rc)
		goto done;
	if (nw > 1) {
		if ((rc = pdf_incr_begin(w, fieldnum, 0)))
			goto done;
		eseal_buf_printf(&w->out, "<< /FT /Sig /Ff 0 /V %u 0 R /T ", signum);
		pdf_incr_string(w, &w->out, fieldnum, 0, c->field, strlen(c->field));
		eseal_buf_puts(&w->out, " /Kids [");
		put_ref_list(&w->out, wnum, nw);
		eseal_buf_puts(&w->out, " ] >>");
		if ((rc = pdf_incr_end(w)))
			goto done;
	}
	if ((rc = write_sig_dict(c, signum)))
		goto done;

	/* every touched page once, its /Annots extended: the array object
	 * itself when it is indirect, else the page */
	for (size_t i = 0; rc == 0 && i < nw; i++) {
		const eseal_pdf_page_info *pg = c->nspots ? &c->pinfo[i] : &first;
		int seen = 0;
		for (size_t j = 0; j < i; j++)
			if (c->pinfo[j].num == pg->num)
				seen = 1;
		if (seen)
			continue;
		const eseal_pdf_val *araw = eseal_pdf_val_get(pg->dict, "Annots");
		const eseal_pdf_val *annots = eseal_pdf_resolve(pdf, araw);
		int is_arr = annots && eseal_pdf_val_type(annots) == ESEAL_PDF_ARRAY;
		uint32_t onum = pg->num;
		uint16_t ogen = pg->gen;
		int own = is_arr && araw && eseal_pdf_val_type(araw) == ESEAL_PDF_REF;
		if (own)
			eseal_pdf_val_ref(araw, &onum, &ogen);
		if ((rc = pdf_incr_begin(w, onum, ogen)))
			break;
		eseal_buf *b = &w->out;
		if (!own) {
			static const char *const skip[] = { "Annots", NULL };
			eseal_buf_puts(b, "<<");
			if ((rc = pdf_incr_dict_entries(w, b, pg->dict, onum, ogen, skip)))
				break;
			eseal_buf_puts(b, " /Annots");
		}
		eseal_buf_puts(b, " [");
		for (size_t k = 0; is_arr && k < eseal_pdf_val_len(annots); k++) {
			eseal_buf_putc(b, ' ');
			if ((rc = pdf_incr_value(w, b, eseal_pdf_val_at(annots, k), onum, ogen, 1)))
				break;
		}
		for (size_t k = i; k < nw; k++)
			if (!c->nspots || c->pinfo[k].num == pg->num)
				eseal_buf_printf(b, " %u 0 R", wnum[k]);
		eseal_buf_puts(b, own ? " ]" : " ] >>");
		if (!rc)
			rc = pdf_incr_end(w);
	}
	if (rc)
		goto done;

	/* the AcroForm: its own object rewritten when it has one (the catalog
	 * then stays as it is), else a new object and a new catalog */
	const eseal_pdf_val *afraw = eseal_pdf_val_get(cat, "AcroForm");
	uint32_t afnum;
	uint16_t afgen = 0;
	int af_kept = af && afraw && eseal_pdf_val_type(afraw) == ESEAL_PDF_REF;
	if (af_kept)
		eseal_pdf_val_ref(afraw, &afnum, &afgen);
	else
		afnum = pdf_incr_alloc(w);
	const eseal_pdf_val *fraw = af ? eseal_pdf_val_get(af, "Fields") : NULL;
	int fields_own = fields && fraw && eseal_pdf_val_type(fraw) == ESEAL_PDF_REF;
	if ((rc = pdf_incr_begin(w, afnum, afgen)))
		goto done;
	static const char *const afskip[] = { "Fields", "SigFlags", NULL };
	static const char *const afskip1[] = { "SigFlags", NULL };
	eseal_buf_puts(&w->out, "<<");
	if (af && (rc = pdf_incr_dict_entries(w, &w->out, af, afnum, afgen, fields_own ? afskip1 : afskip)))
		goto done;
	uint32_t fnum = afnum;
	uint16_t fgen = afgen;
	if (fields_own) {
		eseal_pdf_val_ref(fraw, &fnum, &fgen);
		eseal_buf_puts(&w->out, " /SigFlags 3 >>");
		if ((rc = pdf_incr_end(w)) || (rc = pdf_incr_begin(w, fnum, fgen)))
			goto done;
		eseal_buf_puts(&w->out, "[");
	} else {
		eseal_buf_puts(&w->out, " /Fields [");
	}
	for (size_t k = 0; fields && k < eseal_pdf_val_len(fields); k++) {
		eseal_buf_putc(&w->out, ' ');
		if ((rc = pdf_incr_value(w, &w->out, eseal_pdf_val_at(fields, k), fnum, fgen, 1)))
			goto done;
	}
	eseal_buf_printf(&w->out, fields_own ? " %u 0 R ]" : " %u 0 R ] /SigFlags 3 >>", fieldnum);
	if ((rc = pdf_incr_end(w)))
		goto done;

	if (!af_kept || o->certify) {
		static const char *const catskip[] = { "AcroForm", "Perms", NULL };
		static const char *const catskip1[] = { "AcroForm", NULL };
		if ((rc = pdf_incr_begin(w, catnum, catgen)))
			goto done;
		eseal_buf_puts(&w->out, "<<");
		if ((rc = pdf_incr_dict_entries(w, &w->out, cat, catnum, catgen, o->certify ? catskip : catskip1)))
			goto done;
		eseal_buf_printf(&w->out, " /AcroForm %u %u R", afnum, afgen);
		if (o->certify) {
			static const char *const pskip[] = { "DocMDP", NULL };
			const eseal_pdf_val *perms = eseal_pdf_resolve(pdf, eseal_pdf_val_get(cat, "Perms"));
			eseal_buf_puts(&w->out, " /Perms <<");
			if (perms && eseal_pdf_val_type(perms) == ESEAL_PDF_DICT &&
			    (rc = pdf_incr_dict_entries(w, &w->out, perms, catnum, catgen, pskip)))
				goto done;
			eseal_buf_printf(&w->out, " /DocMDP %u 0 R >>", signum);
		}
		eseal_buf_puts(&w->out, " >>");
		if ((rc = pdf_incr_end(w)))
			goto done;
	}
	uint64_t prev;
	int xs;
	if ((rc = eseal_pdf_startxref(pdf, &prev, &xs)))
		goto done;
	rc = pdf_incr_finish(w, prev, xs);
done:
	free(wnum);
	return rc;
}

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t k = write(fd, b, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return eseal_error_set(ESEAL_EIO, "write failed: %s", strerror(errno));
		}
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Produces the signature value over digest into sig. */
static int make_signature(sign_ctx *c, const uint8_t *digest, eseal_buf *sig)
{
	const eseal_pdf_sign_opts *o = c->o;
	if (o->format == ESEAL_PDF_SES) {
		int rc = eseal_sessig_make(sig, o->seal, o->seal_len, o->signer, o->key,
					   o->when ? o->when : time(NULL), digest, NULL);
		/* SES_Signature.timeStamp: over the signature value, outside TBS_Sign */
		if (!rc && o->timestamp)
			rc = eseal_sessig_timestamp_add(sig, o->timestamp, o->timestamp_ctx);
		return rc;
	}
	eseal_cms_sign_opts co = { 0 };
	co.profile = o->format == ESEAL_PDF_PADES ? ESEAL_CMS_CADES : ESEAL_CMS_GM;
	co.signer = o->signer;
	co.key = o->key;
	co.chain = o->chain;
	co.nchain = o->nchain;
	co.signing_time = o->when;
	co.timestamp = o->timestamp;
	co.timestamp_ctx = o->timestamp_ctx;
	return eseal_cms_sign_detached(sig, &co, digest, 32);
}

static size_t signature_capacity(const eseal_pdf_sign_opts *o)
{
	if (o->format == ESEAL_PDF_SES) {
		size_t cl = 0;
		eseal_cert_der(o->signer, &cl);
		/* a time-stamp token (TSA certificate included) and its headers */
		return o->seal_len + cl + 1024 + (o->timestamp ? 8192 + 32 : 0);
	}
	eseal_cms_sign_opts co = { 0 };
	co.profile = o->format == ESEAL_PDF_PADES ? ESEAL_CMS_CADES : ESEAL_CMS_GM;
	co.signer = o->signer;
	co.key = o->key;
	co.chain = o->chain;
	co.nchain = o->nchain;
	co.timestamp = o->timestamp;
	return eseal_cms_max_size(&co) + 64;
}

/* Streams the original to fd (hashing it), hashes the update around
 * /Contents, signs, fills /Contents and appends the update. */
static int emit(sign_ctx *c, const char *in, int fd, uint64_t orig_len, int add_nl, size_t *siglen)
{
	int rc = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	const EVP_MD *alg = c->o->format == ESEAL_PDF_PADES ? EVP_sha256() : EVP_sm3();
	uint8_t *chunk = malloc(1u << 20);
	int fin = open(in, O_RDONLY);
	eseal_buf sig = ESEAL_BUF_INIT;
	if (!md || !chunk || !alg || EVP_DigestInit_ex(md, alg, NULL) != 1) {
		rc = eseal_error_set(ESEAL_ECRYPTO, "digest unavailable");
		goto done;
	}
	if (fin < 0) {
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", in, strerror(errno));
		goto done;
	}
	uint64_t left = orig_len;
	while (left) {
		size_t want = left < (1u << 20) ? (size_t)left : (1u << 20);
		ssize_t k = read(fin, chunk, want);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			rc = eseal_error_set(ESEAL_EIO, "%s changed while signing", in);
			goto done;
		}
		EVP_DigestUpdate(md, chunk, (size_t)k);
		if ((rc = write_all(fd, chunk, (size_t)k)))
			goto done;
		left -= (uint64_t)k;
	}
	if (add_nl) {
		EVP_DigestUpdate(md, "\n", 1);
		if ((rc = write_all(fd, "\n", 1)))
			goto done;
	}
	eseal_buf *u = &c->w.out;
	size_t after = c->contents_off + c->contents_len;
	EVP_DigestUpdate(md, u->data, c->contents_off);
	EVP_DigestUpdate(md, u->data + after, u->len - after);
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	EVP_DigestFinal_ex(md, digest, &dl);
	if ((rc = make_signature(c, digest, &sig)))
		goto done;
	if (sig.len > c->capacity) {
		rc = eseal_error_set(ESEAL_ELIMIT, "the signature (%zu bytes) is larger than the space reserved (%zu)",
				     sig.len, c->capacity);
		goto done;
	}
	static const char hx[] = "0123456789ABCDEF";
	for (size_t i = 0; i < sig.len; i++) {
		u->data[c->contents_off + 1 + 2 * i] = (uint8_t)hx[sig.data[i] >> 4];
		u->data[c->contents_off + 2 + 2 * i] = (uint8_t)hx[sig.data[i] & 15];
	}
	*siglen = sig.len;
	rc = write_all(fd, u->data, u->len);
done:
	if (fin >= 0)
		close(fin);
	EVP_MD_CTX_free(md);
	free(chunk);
	eseal_buf_free(&sig);
	return rc;
}

int eseal_pdf_sign(const char *in, const char *out, const eseal_pdf_sign_opts *o,
		   eseal_pdf_sign_result *res)
{
	if (!in || !out || !o || !o->seal || !o->signer || !o->key || o->format > ESEAL_PDF_PADES)
		return eseal_error_set(ESEAL_EINVAL, "missing document, seal, certificate or key");
	if (res)
		memset(res, 0, sizeof *res);
	sign_ctx c;
	memset(&c, 0, sizeof c);
	c.o = o;
	int rc, fd = -1;
	char *tmp = NULL;
	if ((rc = eseal_seal_parse(&c.seal, o->seal, o->seal_len)))
		return rc;
	size_t cl;
	const uint8_t *cd = eseal_cert_der(o->signer, &cl);
	if (eseal_seal_cert_list_type(c.seal) == 1 && !eseal_seal_allows_signer(c.seal, cd, cl)) {
		rc = eseal_error_set(ESEAL_EDENIED, "the signer's certificate is not in the seal's certificate list");
		goto done;
	}
	eseal_key_type kt = eseal_key_get_type(o->key);
	if (o->format == ESEAL_PDF_PADES ? kt == ESEAL_KEY_SM2 : kt != ESEAL_KEY_SM2) {
		rc = eseal_error_set(ESEAL_EINVAL, o->format == ESEAL_PDF_PADES
						     ? "PAdES needs an ECDSA P-256 or RSA key, not SM2"
						     : "this format needs an SM2 key (use --format pades for ECDSA/RSA)");
		goto done;
	}
	if ((rc = eseal_pdf_load(&c.pdf, in)))
		goto done;
	if ((rc = check_signable(c.pdf, o->certify)))
		goto done;
	double wmm = (double)eseal_seal_picture_width(c.seal), hmm = (double)eseal_seal_picture_height(c.seal);
	if (wmm <= 0 || hmm <= 0 || wmm > 500 || hmm > 500) {
		wmm = 40;
		hmm = 40;
	}
	if (o->nplaces && (rc = pdf_place(c.pdf, o->places, o->nplaces, wmm, hmm, &c.spots, &c.nspots)))
		goto done;
	if (c.nspots) {
		c.pinfo = calloc(c.nspots, sizeof *c.pinfo);
		if (!c.pinfo) {
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			goto done;
		}
		for (size_t i = 0; i < c.nspots; i++)
			if ((rc = eseal_pdf_page(c.pdf, (size_t)c.spots[i].page - 1, &c.pinfo[i])))
				goto done;
	}
	size_t dlen;
	const uint8_t *data = eseal_pdf_data(c.pdf, &dlen);
	int add_nl = dlen == 0 || (data[dlen - 1] != '\n' && data[dlen - 1] != '\r');
	uint64_t base = (uint64_t)dlen + (add_nl ? 1 : 0);
	c.capacity = signature_capacity(o);
	pdf_incr_init(&c.w, c.pdf, base);
	if ((rc = build_update(&c, wmm, hmm)))
		goto done;
	/* ByteRange: everything but /Contents (angle brackets included) */
	uint64_t total = base + c.w.out.len;
	uint64_t a = base + c.contents_off, b = a + c.contents_len;
	char br[3 * (BR_WIDTH + 1) + 1];
	int k = snprintf(br, sizeof br, "%llu %llu %llu", (unsigned long long)a, (unsigned long long)b,
			 (unsigned long long)(total - b));
	if (k < 0 || (size_t)k > 3 * BR_WIDTH + 2) {
		rc = eseal_error_set(ESEAL_ELIMIT, "the document is too large for the signature's byte range");
		goto done;
	}
	memset(c.w.out.data + c.br_off, ' ', 3 * BR_WIDTH + 2);
	memcpy(c.w.out.data + c.br_off, br, (size_t)k);

	size_t tl = strlen(out) + 16;
	tmp = malloc(tl);
	if (!tmp) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto done;
	}
	snprintf(tmp, tl, "%s.XXXXXX", out);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", out, strerror(errno));
		goto done;
	}
	fchmod(fd, 0644);
	size_t siglen = 0;
	if ((rc = emit(&c, in, fd, dlen, add_nl, &siglen)))
		goto done;
	if (close(fd)) {
		fd = -1;
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", out, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp, out)) {
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", out, strerror(errno));
		goto done;
	}
	free(tmp);
	tmp = NULL;
	if (res) {
		snprintf(res->field, sizeof res->field, "%s", c.field);
		res->byte_range[0] = 0;
		res->byte_range[1] = a;
		res->byte_range[2] = b;
		res->byte_range[3] = total - b;
		res->contents_capacity = c.capacity;
		res->sig_len = siglen;
		if (c.nspots) {
			res->placed = calloc(c.nspots, sizeof *res->placed);
			if (res->placed) {
				res->nplaced = c.nspots;
				for (size_t i = 0; i < c.nspots; i++) {
					res->placed[i].page = c.spots[i].page;
					res->placed[i].box = c.spots[i].box;
					pdf_box_to_rect(&c.pinfo[i], c.spots[i].box, res->placed[i].rect);
				}
			}
		}
	}
done:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	pdf_incr_free(&c.w);
	free(c.spots);
	free(c.pinfo);
	eseal_pdf_free(c.pdf);
	eseal_seal_free(c.seal);
	return rc;
}
