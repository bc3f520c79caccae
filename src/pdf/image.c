/*
 * image.c - the seal picture as a PDF image XObject: PNG decoded to RGB
 * (Flate) with its alpha channel as a /SMask, JPEG passed through with
 * /DCTDecode. It never trusts the picture's own size claims beyond the
 * decoder's checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "eseal/picture.h"
#include "pdfsign_internal.h"

static int deflate_buf(const uint8_t *in, size_t n, eseal_buf *out)
{
	uLongf cap = compressBound((uLong)n);
	if (eseal_buf_reserve(out, cap))
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (compress2(out->data + out->len, &cap, in, (uLong)n, 6) != Z_OK)
		return eseal_error_set(ESEAL_EIO, "deflate failed");
	out->len += cap;
	return 0;
}

static int write_png(pdf_incr *w, const uint8_t *data, size_t len, uint32_t *num)
{
	uint8_t *rgba = NULL;
	int wd = 0, ht = 0;
	int rc = eseal_png_decode(&rgba, &wd, &ht, NULL, data, len);
	if (rc)
		return rc;
	size_t px = (size_t)wd * (size_t)ht;
	uint8_t *rgb = malloc(px * 3 + 1), *a = malloc(px + 1);
	eseal_buf zr = ESEAL_BUF_INIT, za = ESEAL_BUF_INIT;
	int has_alpha = 0;
	if (!rgb || !a) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < px; i++) {
		memcpy(rgb + i * 3, rgba + i * 4, 3);
		a[i] = rgba[i * 4 + 3];
		if (a[i] != 255)
			has_alpha = 1;
	}
	if ((rc = deflate_buf(rgb, px * 3, &zr)))
		goto done;
	uint32_t inum = pdf_incr_alloc(w), snum = 0;
	char dict[256];
	if (has_alpha) {
		if ((rc = deflate_buf(a, px, &za)))
			goto done;
		snum = pdf_incr_alloc(w);
		snprintf(dict, sizeof dict,
			 " /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
			 " /BitsPerComponent 8 /Filter /FlateDecode", wd, ht);
		if ((rc = pdf_incr_stream(w, snum, dict, za.data, za.len)))
			goto done;
	}
	int k = snprintf(dict, sizeof dict,
			 " /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB"
			 " /BitsPerComponent 8 /Filter /FlateDecode", wd, ht);
	if (snum)
		snprintf(dict + k, sizeof dict - (size_t)k, " /SMask %u 0 R", snum);
	rc = pdf_incr_stream(w, inum, dict, zr.data, zr.len);
	*num = inum;
done:
	free(rgba);
	free(rgb);
	free(a);
	eseal_buf_free(&zr);
	eseal_buf_free(&za);
	return rc;
}

/* Size and components from the first SOF marker. */
static int jpeg_sof(const uint8_t *p, size_t n, int *wd, int *ht, int *comps)
{
	if (n < 4 || p[0] != 0xFF || p[1] != 0xD8)
		return -1;
	size_t i = 2;
	while (i + 4 <= n) {
		if (p[i] != 0xFF)
			return -1;
		uint8_t m = p[i + 1];
		if (m == 0xFF) {
			i++;
			continue;
		}
		size_t seg = (size_t)p[i + 2] << 8 | p[i + 3];
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (i + 10 > n)
				return -1;
			*ht = p[i + 5] << 8 | p[i + 6];
			*wd = p[i + 7] << 8 | p[i + 8];
			*comps = p[i + 9];
			return *wd > 0 && *ht > 0 ? 0 : -1;
		}
		if (m == 0xD9 || m == 0xDA)
			return -1;
		i += 2 + seg;
	}
	return -1;
}

static int write_jpeg(pdf_incr *w, const uint8_t *data, size_t len, uint32_t *num)
{
	int wd, ht, comps;
	if (jpeg_sof(data, len, &wd, &ht, &comps))
		return eseal_error_set(ESEAL_EFORMAT, "the seal's JPEG picture has no readable frame header");
	const char *cs = comps == 1 ? "/DeviceGray" : comps == 4 ? "/DeviceCMYK" : "/DeviceRGB";
	char dict[256];
	snprintf(dict, sizeof dict,
		 " /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s"
		 " /BitsPerComponent 8 /Filter /DCTDecode", wd, ht, cs);
	*num = pdf_incr_alloc(w);
	return pdf_incr_stream(w, *num, dict, data, len);
}

int pdf_image_write(pdf_incr *w, const char *type, const uint8_t *data, size_t len, uint32_t *num)
{
	if (type && !strcmp(type, "png"))
		return write_png(w, data, len, num);
	if (type && (!strcmp(type, "jpg") || !strcmp(type, "jpeg")))
		return write_jpeg(w, data, len, num);
	return eseal_error_set(ESEAL_EUNSUPPORTED, "seal picture type '%s' cannot be drawn in PDF",
			       type ? type : "?");
}
