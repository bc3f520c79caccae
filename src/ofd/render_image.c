/*
 * render_image.c - images for the page renderer: PNG, JPEG and BMP bytes
 * decoded into cairo surfaces and painted over a unit square.
 *
 * Decoders bound the pixel count (src/picture, render_bmp.c); this file
 * never paints an image it could not fully decode.
 */
#include <stdlib.h>
#include <string.h>

#include "eseal/ses.h"
#include "ofd/render_internal.h"
#include "picture/picture_internal.h"

/* A cairo surface for PNG, JPEG or BMP bytes, NULL when it cannot be decoded. */
cairo_surface_t *rimage_surface(const uint8_t *data, size_t len)
{
	uint8_t *rgba = NULL;
	int w = 0, h = 0, rc;
	const char *type = eseal_picture_detect(data, len);
	if (type && !strcmp(type, "png"))
		rc = eseal_png_decode(&rgba, &w, &h, NULL, data, len);
	else if (type && !strcmp(type, "jpg"))
		rc = pic_jpeg_decode(&rgba, &w, &h, NULL, data, len);
	else if (type && !strcmp(type, "bmp"))
		rc = rbmp_decode(&rgba, &w, &h, data, len);
	else
		return NULL;
	if (rc || !rgba || w <= 0 || h <= 0) {
		free(rgba);
		eseal_error_clear();
		return NULL;
	}
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
		free(rgba);
		cairo_surface_destroy(sf);
		return NULL;
	}
	cairo_surface_flush(sf);
	uint8_t *px = cairo_image_surface_get_data(sf);
	int stride = cairo_image_surface_get_stride(sf);
	for (int y = 0; y < h; y++) {
		uint32_t *row = (uint32_t *)(px + (size_t)y * stride);
		for (int x = 0; x < w; x++) {
			const uint8_t *p = rgba + ((size_t)y * w + x) * 4;
			unsigned a = p[3];
			row[x] = (uint32_t)a << 24 | (p[0] * a / 255) << 16 | (p[1] * a / 255) << 8 | (p[2] * a / 255);
		}
	}
	cairo_surface_mark_dirty(sf);
	free(rgba);
	return sf;
}

/* Paints a surface over the unit square of the current user space. */
void rimage_paint_unit(cairo_t *cr, cairo_surface_t *sf, double alpha)
{
	int w = cairo_image_surface_get_width(sf), h = cairo_image_surface_get_height(sf);
	cairo_scale(cr, 1.0 / w, 1.0 / h);
	cairo_set_source_surface(cr, sf, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
	/* Edge pixels repeat outward (then the clip cuts): without it the
	 * filter fades every edge of an enlarged image into the paper. */
	cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
	cairo_rectangle(cr, 0, 0, w, h);
	cairo_clip(cr);
	cairo_paint_with_alpha(cr, alpha);
}
