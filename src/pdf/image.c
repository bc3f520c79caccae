/*
 * image.c - the seal picture as a PDF image XObject: PNG decoded to RGB
 * (Flate) with its alpha channel as a /SMask, JPEG passed through with
 * /DCTDecode. It never trusts the picture's own size claims beyond the
 * decoder's checks.
 *
 * A signing service stamps the same few seal pictures over and over, and
 * decoding plus deflating one is a good part of signing a short document:
 * the last few converted pictures are kept, keyed by the SM3 of the PNG
 * bytes (pictures are public, nothing secret is cached).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "eseal/crypto.h"
#include "eseal/picture.h"
#include "pdfsign_internal.h"

typedef struct {
	uint8_t key[32];
	int wd, ht, used;
	eseal_buf rgb, alpha; /* deflated; alpha empty when opaque */
	unsigned long stamp;
} png_entry;

#define PNG_CACHE 4
static png_entry png_cache[PNG_CACHE];
static unsigned long png_clock;
static pthread_mutex_t png_lock = PTHREAD_MUTEX_INITIALIZER;

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

/* Decodes the PNG into e (deflated RGB and, unless opaque, alpha). */
static int convert_png(png_entry *e, const uint8_t *data, size_t len)
{
	uint8_t *rgba = NULL;
	int rc = eseal_png_decode(&rgba, &e->wd, &e->ht, NULL, data, len);
	if (rc)
		return rc;
	size_t px = (size_t)e->wd * (size_t)e->ht;
	uint8_t *rgb = malloc(px * 3 + 1), *a = malloc(px + 1);
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
	rc = deflate_buf(rgb, px * 3, &e->rgb);
	if (!rc && has_alpha)
		rc = deflate_buf(a, px, &e->alpha);
done:
	free(rgba);
	free(rgb);
	free(a);
	return rc;
}

static void entry_free(png_entry *e)
{
	eseal_buf_free(&e->rgb);
	eseal_buf_free(&e->alpha);
	memset(e, 0, sizeof *e);
}

/* The converted picture, from the cache or converted now (and cached). */
static int cached_png(png_entry *out, const uint8_t *data, size_t len)
{
	uint8_t key[32];
	eseal_sm3(key, data, len);
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&png_lock);
	for (int i = 0; i < PNG_CACHE; i++) {
		png_entry *e = &png_cache[i];
		if (e->used && !memcmp(e->key, key, 32)) {
			int rc = eseal_buf_put(&out->rgb, e->rgb.data, e->rgb.len);
			if (!rc && e->alpha.len)
				rc = eseal_buf_put(&out->alpha, e->alpha.data, e->alpha.len);
			out->wd = e->wd;
			out->ht = e->ht;
			e->stamp = ++png_clock;
			pthread_mutex_unlock(&png_lock);
			return rc;
		}
	}
	pthread_mutex_unlock(&png_lock);
	int rc = convert_png(out, data, len);
	if (rc)
		return rc;
	pthread_mutex_lock(&png_lock);
	png_entry *victim = &png_cache[0];
	for (int i = 1; i < PNG_CACHE; i++)
		if (!png_cache[i].used || (victim->used && png_cache[i].stamp < victim->stamp))
			victim = &png_cache[i];
	entry_free(victim);
	if (!eseal_buf_put(&victim->rgb, out->rgb.data, out->rgb.len) &&
	    (!out->alpha.len || !eseal_buf_put(&victim->alpha, out->alpha.data, out->alpha.len))) {
		memcpy(victim->key, key, 32);
		victim->wd = out->wd;
		victim->ht = out->ht;
		victim->used = 1;
		victim->stamp = ++png_clock;
	} else {
		entry_free(victim); /* out of memory: just not cached */
	}
	pthread_mutex_unlock(&png_lock);
	return 0;
}

static int write_png(pdf_incr *w, const uint8_t *data, size_t len, uint32_t *num)
{
	png_entry e;
	int rc = cached_png(&e, data, len);
	if (rc)
		goto done;
	uint32_t inum = pdf_incr_alloc(w), snum = 0;
	char dict[256];
	if (e.alpha.len) {
		snum = pdf_incr_alloc(w);
		snprintf(dict, sizeof dict,
			 " /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
			 " /BitsPerComponent 8 /Filter /FlateDecode", e.wd, e.ht);
		if ((rc = pdf_incr_stream(w, snum, dict, e.alpha.data, e.alpha.len)))
			goto done;
	}
	int k = snprintf(dict, sizeof dict,
			 " /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB"
			 " /BitsPerComponent 8 /Filter /FlateDecode", e.wd, e.ht);
	if (snum)
		snprintf(dict + k, sizeof dict - (size_t)k, " /SMask %u 0 R", snum);
	rc = pdf_incr_stream(w, inum, dict, e.rgb.data, e.rgb.len);
	*num = inum;
done:
	entry_free(&e);
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
