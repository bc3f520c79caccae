/*
 * png_io.c - PNG in and out of memory with libpng, with the pHYs chunk that
 * fixes a picture's physical size, and the size facts of picture files.
 *
 * Must never return a partial image: any libpng error frees everything and
 * reports ESEAL_EFORMAT.
 */
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "picture_internal.h"

typedef struct {
	const uint8_t *p;
	size_t len, pos;
} mem_in;

static void read_mem(png_structp png, png_bytep out, png_size_t n)
{
	mem_in *m = png_get_io_ptr(png);
	if (n > m->len - m->pos)
		png_error(png, "truncated");
	memcpy(out, m->p + m->pos, n);
	m->pos += n;
}

static void write_mem(png_structp png, png_bytep in, png_size_t n)
{
	eseal_buf *b = png_get_io_ptr(png);
	if (eseal_buf_put(b, in, n))
		png_error(png, "out of memory");
}

static void flush_mem(png_structp png)
{
}

static void quiet_warning(png_structp png, png_const_charp msg)
{
}

static void error_fn(png_structp png, png_const_charp msg)
{
	char *dst = png_get_error_ptr(png);
	if (dst)
		snprintf(dst, 128, "%s", msg);
	png_longjmp(png, 1);
}

int eseal_png_decode(uint8_t **rgba, int *width, int *height, double *dpi,
		     const uint8_t *data, size_t len)
{
	*rgba = NULL;
	*width = *height = 0;
	if (dpi)
		*dpi = 0;
	if (!data || len < 8 || png_sig_cmp(data, 0, 8))
		return eseal_error_set(ESEAL_EFORMAT, "not a PNG image");
	char msg[128] = "";
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, msg, error_fn, quiet_warning);
	if (!png)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	png_infop info = png_create_info_struct(png);
	mem_in m = { data, len, 0 };
	/* volatile: these change between setjmp and a possible longjmp. */
	uint8_t *volatile pix = NULL;
	png_bytep *volatile rows = NULL;
	volatile int rc = 0;
	if (!info) {
		png_destroy_read_struct(&png, NULL, NULL);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	if (setjmp(png_jmpbuf(png))) {
		free(pix);
		free(rows);
		png_destroy_read_struct(&png, &info, NULL);
		if (rc)
			return rc;
		return eseal_error_set(ESEAL_EFORMAT, "bad PNG image: %s", msg[0] ? msg : "corrupt data");
	}
	png_set_read_fn(png, &m, read_mem);
	png_set_user_limits(png, PIC_MAX_SIDE, PIC_MAX_SIDE);
	png_read_info(png, info);
	png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
	if ((uint64_t)w * h > PIC_MAX_PIXELS) {
		rc = eseal_error_set(ESEAL_ELIMIT, "image of %ux%u pixels is too large", (unsigned)w, (unsigned)h);
		png_error(png, "too large");
	}
	int ct = png_get_color_type(png, info);
	png_set_expand(png);
	png_set_strip_16(png);
	if (ct == PNG_COLOR_TYPE_GRAY || ct == PNG_COLOR_TYPE_GRAY_ALPHA)
		png_set_gray_to_rgb(png);
	png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if (png_get_rowbytes(png, info) != (size_t)w * 4)
		png_error(png, "unexpected pixel layout");
	pix = malloc((size_t)w * h * 4);
	rows = malloc(sizeof(png_bytep) * h);
	if (!pix || !rows) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		png_error(png, "out of memory");
	}
	for (png_uint_32 y = 0; y < h; y++)
		rows[y] = pix + (size_t)y * w * 4;
	png_read_image(png, rows);
	png_read_end(png, NULL);
	if (dpi) {
		png_uint_32 rx, ry;
		int unit;
		if (png_get_pHYs(png, info, &rx, &ry, &unit) && unit == PNG_RESOLUTION_METER && rx > 0)
			*dpi = rx * 0.0254;
	}
	free(rows);
	png_destroy_read_struct(&png, &info, NULL);
	*rgba = pix;
	*width = (int)w;
	*height = (int)h;
	return 0;
}

int eseal_png_encode(eseal_buf *out, const uint8_t *rgba, int width, int height, double dpi)
{
	uint32_t ppm = dpi > 0 ? (uint32_t)lround(dpi / 0.0254) : 0;
	return pic_png_encode(out, rgba, width, height, ppm, ppm);
}

int pic_png_encode(eseal_buf *out, const uint8_t *rgba, int width, int height,
		   uint32_t ppm_x, uint32_t ppm_y)
{
	if (width <= 0 || height <= 0 || width > PIC_MAX_SIDE || height > PIC_MAX_SIDE)
		return eseal_error_set(ESEAL_EINVAL, "bad image size %dx%d", width, height);
	char msg[128] = "";
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, msg, error_fn, quiet_warning);
	if (!png)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	png_infop info = png_create_info_struct(png);
	eseal_buf tmp = ESEAL_BUF_INIT;
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		eseal_buf_free(&tmp);
		return eseal_error_set(ESEAL_EIO, "cannot write PNG: %s", msg);
	}
	png_set_write_fn(png, &tmp, write_mem, flush_mem);
	png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB_ALPHA,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (ppm_x > 0 && ppm_y > 0)
		png_set_pHYs(png, info, ppm_x, ppm_y, PNG_RESOLUTION_METER);
	png_set_compression_level(png, 9);
	png_write_info(png, info);
	for (int y = 0; y < height; y++)
		png_write_row(png, (png_const_bytep)(rgba + (size_t)y * width * 4));
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	int rc = eseal_buf_put(out, tmp.data, tmp.len);
	eseal_buf_free(&tmp);
	return rc;
}

/* PNG header facts without decoding the pixels: IHDR and pHYs chunks. */
static int png_header(eseal_picture_info *o, const uint8_t *d, size_t len)
{
	size_t pos = 8;
	int have_ihdr = 0;
	while (pos + 8 <= len) {
		uint32_t n = (uint32_t)d[pos] << 24 | (uint32_t)d[pos + 1] << 16 | (uint32_t)d[pos + 2] << 8 | d[pos + 3];
		const uint8_t *type = d + pos + 4;
		if (n > len - pos - 8)
			break;
		const uint8_t *p = d + pos + 8;
		if (!memcmp(type, "IHDR", 4) && n >= 8) {
			o->width_px = (int)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
			o->height_px = (int)((uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7]);
			have_ihdr = 1;
		} else if (!memcmp(type, "pHYs", 4) && n >= 9 && p[8] == 1) {
			uint32_t rx = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
			uint32_t ry = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
			o->dpi_x = rx * 0.0254;
			o->dpi_y = ry * 0.0254;
		} else if (!memcmp(type, "IDAT", 4) || !memcmp(type, "IEND", 4)) {
			break;
		}
		pos += 12 + (size_t)n;
	}
	if (!have_ihdr || o->width_px <= 0 || o->height_px <= 0)
		return eseal_error_set(ESEAL_EFORMAT, "bad PNG image: no valid IHDR");
	return 0;
}

int eseal_picture_info_get(eseal_picture_info *o, const uint8_t *d, size_t len)
{
	int rc;
	memset(o, 0, sizeof *o);
	if (d && len >= 8 && !png_sig_cmp(d, 0, 8)) {
		strcpy(o->type, "png");
		rc = png_header(o, d, len);
	} else if (d && len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
		strcpy(o->type, "jpg");
		rc = pic_jpeg_header(&o->width_px, &o->height_px, &o->dpi_x, &o->dpi_y, d, len);
	} else {
		return eseal_error_set(ESEAL_EFORMAT, "not a PNG or JPEG image");
	}
	if (rc)
		return rc;
	if (o->dpi_x > 0)
		o->width_mm = o->width_px * 25.4 / o->dpi_x;
	if (o->dpi_y > 0)
		o->height_mm = o->height_px * 25.4 / o->dpi_y;
	return 0;
}
