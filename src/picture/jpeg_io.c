/*
 * jpeg_io.c - JPEG scans: size and density from the markers (always), pixels
 * through libjpeg (when built with ESEAL_HAVE_JPEG).
 *
 * Must never trust marker lengths: every read is bounded by the buffer.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "picture_internal.h"

#ifdef ESEAL_HAVE_JPEG
#include <jpeglib.h>
#include <jerror.h>
#endif

int pic_jpeg_header(int *w, int *h, double *dpi_x, double *dpi_y, const uint8_t *d, size_t len)
{
	size_t pos = 2;
	*w = *h = 0;
	*dpi_x = *dpi_y = 0;
	while (pos + 4 <= len) {
		if (d[pos] != 0xFF)
			break;
		uint8_t mk = d[pos + 1];
		if (mk == 0xFF) { pos++; continue; }
		if (mk == 0xD8 || (mk >= 0xD0 && mk <= 0xD7) || mk == 0x01) { pos += 2; continue; }
		size_t n = (size_t)d[pos + 2] << 8 | d[pos + 3];
		if (n < 2 || n > len - pos - 2)
			break;
		const uint8_t *p = d + pos + 4;
		if (mk == 0xE0 && n >= 14 && !memcmp(p, "JFIF", 5)) {
			unsigned unit = p[7], xd = (unsigned)p[8] << 8 | p[9], yd = (unsigned)p[10] << 8 | p[11];
			if (unit == 1) { *dpi_x = xd; *dpi_y = yd; }
			else if (unit == 2) { *dpi_x = xd * 2.54; *dpi_y = yd * 2.54; }
		}
		/* SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
		if (mk >= 0xC0 && mk <= 0xCF && mk != 0xC4 && mk != 0xC8 && mk != 0xCC && n >= 7) {
			*h = (int)((unsigned)p[1] << 8 | p[2]);
			*w = (int)((unsigned)p[3] << 8 | p[4]);
			return (*w > 0 && *h > 0) ? 0 : eseal_error_set(ESEAL_EFORMAT, "bad JPEG image: zero size");
		}
		if (mk == 0xDA)
			break;
		pos += 2 + n;
	}
	return eseal_error_set(ESEAL_EFORMAT, "bad JPEG image: no frame header");
}

#ifdef ESEAL_HAVE_JPEG
typedef struct {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
	char msg[JMSG_LENGTH_MAX];
	int truncated;
} jerr;

static void jerr_exit(j_common_ptr ci)
{
	jerr *e = (jerr *)ci->err;
	(*ci->err->format_message)(ci, e->msg);
	longjmp(e->jb, 1);
}

/* Warnings are quiet, except that a truncated file is an error: libjpeg
 * would fill the rest with grey and we would lift half a seal. */
static void jerr_emit(j_common_ptr ci, int level)
{
	if (level < 0 && ci->err->msg_code == JWRN_JPEG_EOF)
		((jerr *)ci->err)->truncated = 1;
}

int pic_jpeg_decode(uint8_t **rgba, int *w, int *h, double *dpi, const uint8_t *d, size_t len)
{
	struct jpeg_decompress_struct ci;
	jerr e;
	uint8_t *volatile pix = NULL;
	uint8_t *volatile row = NULL;
	volatile int rc = 0;
	int hw, hh;
	double dx, dy;
	*rgba = NULL;
	if ((rc = pic_jpeg_header(&hw, &hh, &dx, &dy, d, len)))
		return rc;
	if (hw > PIC_MAX_SIDE || hh > PIC_MAX_SIDE || (uint64_t)hw * hh > PIC_MAX_PIXELS)
		return eseal_error_set(ESEAL_ELIMIT, "image of %dx%d pixels is too large", hw, hh);
	memset(&ci, 0, sizeof ci);
	ci.err = jpeg_std_error(&e.pub);
	e.pub.error_exit = jerr_exit;
	e.pub.emit_message = jerr_emit;
	e.truncated = 0;
	if (setjmp(e.jb)) {
		jpeg_destroy_decompress(&ci);
		free(pix);
		free(row);
		if (rc)
			return rc;
		return eseal_error_set(ESEAL_EFORMAT, "bad JPEG image: %s", e.msg);
	}
	jpeg_create_decompress(&ci);
	jpeg_mem_src(&ci, d, (unsigned long)len);
	jpeg_read_header(&ci, TRUE);
	ci.out_color_space = JCS_RGB;
	jpeg_start_decompress(&ci);
	int W = (int)ci.output_width, H = (int)ci.output_height;
	if (ci.output_components != 3 || W <= 0 || H <= 0) {
		rc = eseal_error_set(ESEAL_EUNSUPPORTED, "unsupported JPEG colour layout");
		longjmp(e.jb, 1);
	}
	pix = malloc((size_t)W * H * 4);
	row = malloc((size_t)W * 3);
	if (!pix || !row) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		longjmp(e.jb, 1);
	}
	while (ci.output_scanline < ci.output_height) {
		JSAMPROW r = row;
		int y = (int)ci.output_scanline;
		jpeg_read_scanlines(&ci, &r, 1);
		uint8_t *o = pix + (size_t)y * W * 4;
		for (int x = 0; x < W; x++) {
			o[4 * x] = row[3 * x];
			o[4 * x + 1] = row[3 * x + 1];
			o[4 * x + 2] = row[3 * x + 2];
			o[4 * x + 3] = 255;
		}
	}
	free(row);
	row = NULL;
	if (e.truncated) {
		rc = eseal_error_set(ESEAL_EFORMAT, "bad JPEG image: truncated");
		longjmp(e.jb, 1);
	}
	jpeg_finish_decompress(&ci);
	jpeg_destroy_decompress(&ci);
	*rgba = pix;
	*w = W;
	*h = H;
	if (dpi)
		*dpi = dx;
	return 0;
}
#else
int pic_jpeg_decode(uint8_t **rgba, int *w, int *h, double *dpi, const uint8_t *d, size_t len)
{
	*rgba = NULL;
	return eseal_error_set(ESEAL_EUNSUPPORTED,
		"JPEG scans need a build with libjpeg; convert the scan to PNG");
}
#endif
