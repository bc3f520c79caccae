/*
 * render_stamp.c - the seal pictures of a page's StampAnnots: the picture
 * of the seal in the signature (SignedValue.dat, else Seal/BaseLoc) drawn
 * into the StampAnnot Boundary and cut to its Clip (cross-page seals).
 * PNG, JPEG and BMP pictures are painted; an OFD picture has its first
 * page drawn. Never fatal: a seal that cannot be read is left out, and
 * OFD pictures nest at most MAX_SEAL_NESTING deep.
 */
#include <stdlib.h>
#include <string.h>

#include "eseal/ses.h"
#include "ofd/render_internal.h"

#define MAX_SEAL_NESTING 2    /* an OFD seal picture inside a seal picture ... */

/* Draws a seal's picture into a StampAnnot's Boundary, cut to its Clip. */
static void draw_seal_picture(rctx *c, const eseal_seal *seal, const eseal_ofd_stamp *st)
{
	size_t len = 0;
	const uint8_t *pic = eseal_seal_picture(seal, &len);
	const char *type = pic ? eseal_picture_detect(pic, len) : NULL;
	if (!type || st->boundary.w <= 0 || st->boundary.h <= 0 || !rbox_sane(&st->boundary) ||
	    (st->has_clip && !rbox_sane(&st->clip)))
		return;
	cairo_t *cr = c->cr;
	cairo_save(cr);
	cairo_translate(cr, st->boundary.x, st->boundary.y);
	if (st->has_clip)
		cairo_rectangle(cr, st->clip.x, st->clip.y, st->clip.w, st->clip.h);
	else
		cairo_rectangle(cr, 0, 0, st->boundary.w, st->boundary.h);
	cairo_clip(cr);
	if (!strcmp(type, "ofd")) {
		/* The picture is itself an OFD package: its first page,
		 * scaled into the box. */
		eseal_ofd *sd = NULL;
		if (c->nesting < MAX_SEAL_NESTING && eseal_ofd_open_mem(&sd, pic, len) == 0 && sd->npages > 0) {
			eseal_box pb = sd->pages[0].physical;
			if (pb.w < 0.1 || pb.h < 0.1)
				pb.w = pb.h = 0.1;
			cairo_scale(cr, st->boundary.w / pb.w, st->boundary.h / pb.h);
			rctx sub = { sd, cr, { NULL, 0 }, c->nobjs, c->nesting + 1, { NULL, NULL, 0 }, NULL };
			rdraw_page(&sub, sd, 0);
			c->nobjs = sub.nobjs;
			rfonts_free(&sub.fonts);
		}
		eseal_ofd_free(sd);
	} else {
		cairo_surface_t *sf = rimage_surface(pic, len);
		if (sf) {
			cairo_scale(cr, st->boundary.w, st->boundary.h);
			rimage_paint_unit(cr, sf, 1);
			cairo_surface_destroy(sf);
		}
	}
	eseal_error_clear();
	cairo_restore(cr);
}

/* The seal of signature i: from SignedValue.dat (SES_Signature), else
 * from Seal/BaseLoc. NULL when neither can be read. */
static eseal_seal *sig_seal(eseal_ofd *d, size_t i, eseal_sessig **gout)
{
	eseal_buf v = ESEAL_BUF_INIT;
	eseal_sessig *g = NULL;
	eseal_seal *s = NULL;
	*gout = NULL;
	if (eseal_ofd_sig_value(d, i, &v) == 0 && eseal_sessig_parse(&g, v.data, v.len) == 0) {
		*gout = g;
	} else if (d->sigs[i].seal_path) {
		eseal_buf_clear(&v);
		if (eseal_ofd_read(d, d->sigs[i].seal_path, 0, &v) == 0)
			eseal_seal_parse(&s, v.data, v.len);
	}
	eseal_buf_free(&v);
	eseal_error_clear();
	return s;
}

void rdraw_stamps(rctx *c, const eseal_ofd_page *p)
{
	for (size_t i = 0; i < c->d->nsigs; i++) {
		const eseal_ofd_sig *sg = &c->d->sigs[i];
		eseal_sessig *g = NULL;
		eseal_seal *own = NULL;
		int loaded = 0;
		for (size_t k = 0; k < sg->nstamps; k++) {
			const eseal_ofd_stamp *st = &sg->stamps[k];
			if (!st->page_ref || eseal_ofd_page_by_id(c->d, st->page_ref) != p)
				continue;
			if (!loaded) {
				own = sig_seal(c->d, i, &g);
				loaded = 1;
			}
			const eseal_seal *seal = g ? eseal_sessig_seal(g) : own;
			if (seal)
				draw_seal_picture(c, seal, st);
		}
		eseal_sessig_free(g);
		eseal_seal_free(own);
	}
}
