/*
 * draw.c - eseal_picture_draw: checks the request, opens the font, and
 * renders one shape to PNG (with pHYs) and optionally SVG.
 *
 * Must never return a picture whose printed size differs from the seal's:
 * pixels = mm * dpi / 25.4 and the PNG says so.
 */
#include <cairo-svg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "picture_internal.h"

static int shape_draw(pic_ctx *c, const eseal_picture_spec *s)
{
	switch (s->shape) {
	case ESEAL_PICTURE_ROUND: return pic_draw_round(c, s);
	case ESEAL_PICTURE_OVAL: return pic_draw_oval(c, s);
	case ESEAL_PICTURE_SQUARE: return pic_draw_square(c, s);
	}
	return eseal_error_set(ESEAL_EINVAL, "unknown seal shape %d", (int)s->shape);
}

/* ARGB32 (premultiplied, native endian) to straight RGBA bytes. */
static void surface_to_rgba(uint8_t *out, cairo_surface_t *sf)
{
	int w = cairo_image_surface_get_width(sf), h = cairo_image_surface_get_height(sf);
	int stride = cairo_image_surface_get_stride(sf);
	const uint8_t *data = cairo_image_surface_get_data(sf);
	for (int y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(data + (size_t)y * stride);
		for (int x = 0; x < w; x++) {
			uint32_t p = row[x];
			unsigned a = p >> 24, r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255;
			uint8_t *o = out + ((size_t)y * w + x) * 4;
			if (a == 0) {
				o[0] = o[1] = o[2] = o[3] = 0;
				continue;
			}
			o[0] = (uint8_t)((r * 255 + a / 2) / a);
			o[1] = (uint8_t)((g * 255 + a / 2) / a);
			o[2] = (uint8_t)((b * 255 + a / 2) / a);
			o[3] = (uint8_t)a;
		}
	}
}

static cairo_status_t svg_write(void *closure, const unsigned char *data, unsigned int len)
{
	return eseal_buf_put(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int eseal_picture_draw(eseal_buf *png, const eseal_picture_spec *spec, eseal_buf *svg,
		       eseal_picture_layout *layout)
{
	if (!png || !spec)
		return eseal_error_set(ESEAL_EINVAL, "no picture specification");
	eseal_picture_spec s = *spec;
	double defw = s.shape == ESEAL_PICTURE_ROUND ? 42 : s.shape == ESEAL_PICTURE_OVAL ? 40 : 18;
	double minw = s.shape == ESEAL_PICTURE_SQUARE ? 5 : 10;
	double maxw = s.shape == ESEAL_PICTURE_SQUARE ? 60 : 100;
	if (s.width_mm == 0 && s.height_mm != 0 && s.shape != ESEAL_PICTURE_OVAL)
		s.width_mm = s.height_mm;
	if (s.width_mm == 0)
		s.width_mm = defw;
	if (s.height_mm == 0)
		s.height_mm = s.shape == ESEAL_PICTURE_OVAL ? s.width_mm * 0.75 : s.width_mm;
	if (!(s.width_mm >= minw && s.width_mm <= maxw))
		return eseal_error_set(ESEAL_EINVAL, "seal width %g mm is out of range (%g to %g mm)",
				       s.width_mm, minw, maxw);
	if (!(s.height_mm >= minw && s.height_mm <= maxw))
		return eseal_error_set(ESEAL_EINVAL, "seal height %g mm is out of range (%g to %g mm)",
				       s.height_mm, minw, maxw);
	if (s.dpi == 0)
		s.dpi = ESEAL_PICTURE_DPI;
	if (!(s.dpi >= 72 && s.dpi <= 1200))
		return eseal_error_set(ESEAL_EINVAL, "resolution %g dpi is out of range (72 to 1200)", s.dpi);
	if (s.color > 0xFFFFFF)
		return eseal_error_set(ESEAL_EINVAL, "bad colour %#x", (unsigned)s.color);
	if (s.color == 0)
		s.color = ESEAL_PICTURE_RED;
	if (!s.org || !*s.org)
		return eseal_error_set(ESEAL_EINVAL, s.shape == ESEAL_PICTURE_SQUARE ?
				       "the name is empty" : "the organisation name is empty");

	const double ppmm = s.dpi / 25.4;
	const int wpx = (int)lround(s.width_mm * ppmm), hpx = (int)lround(s.height_mm * ppmm);
	pic_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int rc = pic_font_open(&c->font, s.font);
	if (rc) {
		free(c);
		return rc;
	}
	c->w_mm = s.width_mm;
	c->h_mm = s.height_mm;
	c->px_per_mm = ppmm;
	c->r = ((s.color >> 16) & 255) / 255.0;
	c->g = ((s.color >> 8) & 255) / 255.0;
	c->b = (s.color & 255) / 255.0;
	if (layout) {
		memset(layout, 0, sizeof *layout);
		layout->width_px = wpx;
		layout->height_px = hpx;
		layout->dpi = s.dpi;
		layout->cx = wpx / 2.0;
		layout->cy = hpx / 2.0;
	}

	/* Lay out first, so bad text fails before any rendering. */
	if ((rc = shape_draw(c, &s)))
		goto out;

	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, wpx, hpx);
	if (cairo_surface_status(sf)) {
		cairo_surface_destroy(sf);
		rc = eseal_error_set(ESEAL_ENOMEM, "cannot make a %dx%d image", wpx, hpx);
		goto out;
	}
	cairo_t *cr = cairo_create(sf);
	/* Whole pixels round the size; keep the seal centred in them. */
	c->off_x = (wpx - s.width_mm * ppmm) / 2;
	c->off_y = (hpx - s.height_mm * ppmm) / 2;
	cairo_translate(cr, c->off_x, c->off_y);
	cairo_scale(cr, ppmm, ppmm);
	c->cr = cr;
	c->layout = layout;
	rc = shape_draw(c, &s);
	c->cr = NULL;
	c->layout = NULL;
	if (!rc && cairo_status(cr))
		rc = eseal_error_set(ESEAL_EIO, "drawing failed: %s", cairo_status_to_string(cairo_status(cr)));
	cairo_destroy(cr);
	cairo_surface_flush(sf);
	uint8_t *rgba = NULL;
	if (!rc) {
		rgba = malloc((size_t)wpx * hpx * 4);
		if (!rgba)
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	if (!rc) {
		surface_to_rgba(rgba, sf);
		eseal_buf tmp = ESEAL_BUF_INIT;
		/* Pixels per metre from the rounded pixel size, so that printing
		 * at 1:1 gives exactly the seal's millimetres on both axes. */
		rc = pic_png_encode(&tmp, rgba, wpx, hpx, (uint32_t)lround(wpx * 1000.0 / s.width_mm),
				    (uint32_t)lround(hpx * 1000.0 / s.height_mm));
		if (!rc && svg) {
			/* The SVG is measured in points so it prints at size. */
			eseal_buf sv = ESEAL_BUF_INIT;
			cairo_surface_t *ss = cairo_svg_surface_create_for_stream(svg_write, &sv,
				s.width_mm * 72 / 25.4, s.height_mm * 72 / 25.4);
			cairo_t *sc = cairo_create(ss);
			cairo_scale(sc, 72 / 25.4, 72 / 25.4);
			c->cr = sc;
			rc = shape_draw(c, &s);
			c->cr = NULL;
			cairo_destroy(sc);
			cairo_surface_finish(ss);
			if (!rc && cairo_surface_status(ss))
				rc = eseal_error_set(ESEAL_EIO, "cannot write SVG");
			cairo_surface_destroy(ss);
			if (!rc)
				rc = eseal_buf_put(svg, sv.data, sv.len);
			eseal_buf_free(&sv);
		}
		if (!rc)
			rc = eseal_buf_put(png, tmp.data, tmp.len);
		eseal_buf_free(&tmp);
	}
	free(rgba);
	cairo_surface_destroy(sf);
out:
	pic_font_close(c->font);
	free(c);
	return rc;
}
