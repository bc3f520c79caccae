/*
 * render_bmp.c - Windows BMP images in OFD resources (scanners and some
 * producers embed them): uncompressed 8-bit palette, 24-bit and 32-bit.
 *
 * Every offset and size comes from the file, so each is checked against
 * the buffer before use; it must never read outside it nor allocate more
 * than RBMP_MAX_PIXELS pixels.
 */
#include <stdlib.h>
#include <string.h>

#include "ofd/render_internal.h"

#define RBMP_MAX_PIXELS 40000000u

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

int rbmp_decode(uint8_t **rgba, int *w, int *h, const uint8_t *d, size_t len)
{
	*rgba = NULL;
	if (len < 54 || d[0] != 'B' || d[1] != 'M')
		return eseal_error_set(ESEAL_EFORMAT, "not a BMP image");
	uint32_t off = le32(d + 10), hdr = le32(d + 14);
	if (hdr < 40 || hdr > len - 14)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "BMP header of %u bytes is not supported", hdr);
	int32_t bw = (int32_t)le32(d + 18), bh = (int32_t)le32(d + 22);
	uint16_t bpp = le16(d + 28);
	uint32_t comp = le32(d + 30), ncolors = le32(d + 46);
	int top_down = bh < 0;
	if (bh < 0)
		bh = bh == INT32_MIN ? 0 : -bh;
	if (bw <= 0 || bh <= 0 || (uint64_t)bw * (uint64_t)bh > RBMP_MAX_PIXELS)
		return eseal_error_set(ESEAL_ELIMIT, "BMP image of %dx%d pixels is empty or too large", bw, bh);
	/* BI_BITFIELDS with 32 bits is read as BGRA: the masks writers use */
	if (!(comp == 0 || (comp == 3 && bpp == 32)) || (bpp != 8 && bpp != 24 && bpp != 32))
		return eseal_error_set(ESEAL_EUNSUPPORTED, "BMP with %u bits and compression %u is not supported",
				       bpp, comp);
	const uint8_t *pal = d + 14 + hdr;
	if (bpp == 8) {
		if (ncolors == 0 || ncolors > 256)
			ncolors = 256;
		if ((size_t)(pal - d) + (size_t)ncolors * 4 > len)
			return eseal_error_set(ESEAL_EFORMAT, "BMP palette is truncated");
	}
	size_t stride = (((size_t)bw * bpp + 31) / 32) * 4;
	if (off > len || (size_t)bh > (len - off) / stride)
		return eseal_error_set(ESEAL_EFORMAT, "BMP pixel data is truncated");
	uint8_t *out = malloc((size_t)bw * bh * 4);
	if (!out)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (int32_t y = 0; y < bh; y++) {
		const uint8_t *row = d + off + (size_t)(top_down ? y : bh - 1 - y) * stride;
		uint8_t *o = out + (size_t)y * bw * 4;
		for (int32_t x = 0; x < bw; x++, o += 4) {
			const uint8_t *p;
			if (bpp == 8) {
				uint8_t i = row[x];
				p = i < ncolors ? pal + (size_t)i * 4 : pal;
			} else {
				p = row + (size_t)x * (bpp / 8);
			}
			o[0] = p[2];
			o[1] = p[1];
			o[2] = p[0];
			/* 32-bit BI_RGB leaves the fourth byte unused: opaque */
			o[3] = bpp == 32 && comp == 3 ? p[3] : 255;
		}
	}
	*rgba = out;
	*w = bw;
	*h = bh;
	return 0;
}
