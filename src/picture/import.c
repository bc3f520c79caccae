/*
 * import.c - lifts a red seal impression from a scan or photo of paper.
 *
 * Steps: estimate the paper colour and lighting over large blocks (the
 * brightest pixels of each block are paper), divide it out, measure
 * redness as r - max(g, b) of the evened-out colour (black and grey print
 * score near zero), threshold with hysteresis, keep the largest red
 * component (the ring) and every red component within its box, crop, and
 * write one uniform ink colour with alpha from the redness.
 *
 * Must never keep black or grey print, and never return a picture when no
 * red impression was found.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "picture_internal.h"

/* Redness is kept as 0..255 for 0..1. Thresholds follow the strength of
 * the strongest ink in the scan, within these bounds, so a faint stamp is
 * still found while paper noise (a few hundredths) never is. */
#define T_HIGH_MAX 64 /* ~0.25: surely ink */
#define T_HIGH_MIN 36 /* ~0.14 */
#define T_LOW_MAX 28  /* ~0.11: edge of ink */
#define T_LOW_MIN 16  /* ~0.06 */

typedef struct {
	size_t count;
	int x0, y0, x1, y1;
	int maxm;
	int keep;
} comp;

typedef struct {
	float r, g, b;
	int ok;
} bgcell;

/* Paper colour per block: the mean of the pixels whose g + b is in the top
 * tenth of the block (paper is the brightest thing in green and blue; red
 * ink and black print are not). */
static void block_paper(bgcell *out, const uint8_t *rgba, int W, int x0, int y0, int x1, int y1)
{
	unsigned hist[511];
	memset(hist, 0, sizeof hist);
	size_t n = 0;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			const uint8_t *p = rgba + ((size_t)y * W + x) * 4;
			hist[p[1] + p[2]]++;
			n++;
		}
	size_t want = n / 10 + 1, acc = 0;
	int cut = 510;
	for (; cut > 0; cut--) {
		acc += hist[cut];
		if (acc >= want)
			break;
	}
	double r = 0, g = 0, b = 0;
	size_t k = 0;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			const uint8_t *p = rgba + ((size_t)y * W + x) * 4;
			if (p[1] + p[2] >= cut) {
				r += p[0]; g += p[1]; b += p[2];
				k++;
			}
		}
	out->r = (float)(r / k);
	out->g = (float)(g / k);
	out->b = (float)(b / k);
	out->ok = 1;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* Fills the redness map m (0..255). */
static int redness_map(uint8_t *m, const uint8_t *rgba, int W, int H)
{
	int B = (W < H ? W : H) / 10;
	if (B < 16) B = 16;
	if (B > 256) B = 256;
	int nx = (W + B - 1) / B, ny = (H + B - 1) / B;
	bgcell *cells = calloc((size_t)nx * ny, sizeof *cells);
	float *lum = malloc(sizeof(float) * (size_t)nx * ny);
	if (!cells || !lum) {
		free(cells);
		free(lum);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	for (int j = 0; j < ny; j++)
		for (int i = 0; i < nx; i++) {
			int x1 = (i + 1) * B, y1 = (j + 1) * B;
			block_paper(&cells[j * nx + i], rgba, W, i * B, j * B, x1 > W ? W : x1, y1 > H ? H : y1);
			bgcell *c = &cells[j * nx + i];
			lum[j * nx + i] = c->g + c->b;
		}
	/* Blocks whose "paper" is far darker than the typical paper are all
	 * ink or print: take their paper from the neighbours instead. */
	qsort(lum, (size_t)nx * ny, sizeof *lum, cmp_float);
	float med = lum[(size_t)nx * ny / 2];
	free(lum);
	for (int k = 0; k < nx * ny; k++)
		if (cells[k].g + cells[k].b < 0.6f * med)
			cells[k].ok = 0;
	for (int pass = 0; pass < nx + ny; pass++) {
		int missing = 0;
		for (int j = 0; j < ny; j++)
			for (int i = 0; i < nx; i++) {
				bgcell *c = &cells[j * nx + i];
				if (c->ok)
					continue;
				float r = 0, g = 0, b = 0;
				int k = 0;
				for (int dj = -1; dj <= 1; dj++)
					for (int di = -1; di <= 1; di++) {
						int a = i + di, bb = j + dj;
						if (a < 0 || bb < 0 || a >= nx || bb >= ny || cells[bb * nx + a].ok != 1)
							continue;
						r += cells[bb * nx + a].r; g += cells[bb * nx + a].g; b += cells[bb * nx + a].b;
						k++;
					}
				if (k) {
					c->r = r / k; c->g = g / k; c->b = b / k;
					c->ok = 2; /* filled this pass; usable next pass */
				} else {
					missing = 1;
				}
			}
		for (int k = 0; k < nx * ny; k++)
			if (cells[k].ok == 2)
				cells[k].ok = 1;
		if (!missing)
			break;
	}
	for (int k = 0; k < nx * ny; k++)
		if (!cells[k].ok) {
			cells[k].r = cells[k].g = cells[k].b = 255;
		}
	/* Bilinear between block centres, then divide out. */
	for (int y = 0; y < H; y++) {
		double fy = (y + 0.5) / B - 0.5;
		int j0 = (int)floor(fy);
		double ty = fy - j0;
		int ja = j0 < 0 ? 0 : j0 >= ny ? ny - 1 : j0;
		int jb = j0 + 1 < 0 ? 0 : j0 + 1 >= ny ? ny - 1 : j0 + 1;
		for (int x = 0; x < W; x++) {
			double fx = (x + 0.5) / B - 0.5;
			int i0 = (int)floor(fx);
			double tx = fx - i0;
			int ia = i0 < 0 ? 0 : i0 >= nx ? nx - 1 : i0;
			int ib = i0 + 1 < 0 ? 0 : i0 + 1 >= nx ? nx - 1 : i0 + 1;
			const bgcell *c00 = &cells[ja * nx + ia], *c10 = &cells[ja * nx + ib];
			const bgcell *c01 = &cells[jb * nx + ia], *c11 = &cells[jb * nx + ib];
			double w00 = (1 - tx) * (1 - ty), w10 = tx * (1 - ty), w01 = (1 - tx) * ty, w11 = tx * ty;
			double br = w00 * c00->r + w10 * c10->r + w01 * c01->r + w11 * c11->r;
			double bg = w00 * c00->g + w10 * c10->g + w01 * c01->g + w11 * c11->g;
			double bb = w00 * c00->b + w10 * c10->b + w01 * c01->b + w11 * c11->b;
			const uint8_t *p = rgba + ((size_t)y * W + x) * 4;
			double nr = fmin(1.0, p[0] / fmax(br, 8.0));
			double ng = fmin(1.0, p[1] / fmax(bg, 8.0));
			double nb = fmin(1.0, p[2] / fmax(bb, 8.0));
			double red = nr - fmax(ng, nb);
			m[(size_t)y * W + x] = red <= 0 ? 0 : (uint8_t)lround(fmin(red, 1.0) * 255);
		}
	}
	free(cells);
	return 0;
}

/* Labels the 8-connected components of m >= t_low. */
static int components(int32_t *lab, comp **out, size_t *nout, const uint8_t *m, int W, int H,
		      int t_low)
{
	size_t npx = (size_t)W * H, nmask = 0;
	for (size_t i = 0; i < npx; i++)
		if (m[i] >= t_low)
			nmask++;
	*out = NULL;
	*nout = 0;
	memset(lab, 0, npx * sizeof *lab);
	if (!nmask)
		return 0;
	int32_t *stack = malloc(nmask * sizeof *stack);
	eseal_buf cs = ESEAL_BUF_INIT;
	if (!stack)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (size_t s0 = 0; s0 < npx; s0++) {
		if (m[s0] < t_low || lab[s0])
			continue;
		comp c = { 0, W, H, -1, -1, 0, 0 };
		int32_t id = (int32_t)(cs.len / sizeof c) + 1;
		size_t sp = 0;
		stack[sp++] = (int32_t)s0;
		lab[s0] = id;
		while (sp) {
			int32_t p = stack[--sp];
			int x = p % W, y = p / W;
			c.count++;
			if (x < c.x0) c.x0 = x;
			if (x > c.x1) c.x1 = x;
			if (y < c.y0) c.y0 = y;
			if (y > c.y1) c.y1 = y;
			if (m[p] > c.maxm) c.maxm = m[p];
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++) {
					int xx = x + dx, yy = y + dy;
					if (xx < 0 || yy < 0 || xx >= W || yy >= H)
						continue;
					size_t q = (size_t)yy * W + xx;
					if (m[q] >= t_low && !lab[q]) {
						lab[q] = id;
						stack[sp++] = (int32_t)q;
					}
				}
		}
		if (eseal_buf_put(&cs, &c, sizeof c)) {
			free(stack);
			eseal_buf_free(&cs);
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		}
	}
	free(stack);
	*out = (comp *)cs.data;
	*nout = cs.len / sizeof(comp);
	return 0;
}

static int cmp_u8(const void *a, const void *b)
{
	return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
}

int eseal_picture_import(eseal_buf *png, const uint8_t *scan, size_t len,
			 const eseal_picture_import_opts *opts, eseal_picture_import_info *info)
{
	uint8_t *rgba = NULL, *m = NULL, *out = NULL;
	int32_t *lab = NULL;
	comp *cs = NULL;
	size_t ncs = 0;
	int W = 0, H = 0, rc;
	double in_dpi = 0;
	double size_mm = opts ? opts->size_mm : 0;
	uint32_t color = opts && opts->color ? opts->color : ESEAL_PICTURE_RED;

	if (info)
		memset(info, 0, sizeof *info);
	if (!png || !scan)
		return eseal_error_set(ESEAL_EINVAL, "no scan given");
	if (size_mm != 0 && !(size_mm >= 5 && size_mm <= 100))
		return eseal_error_set(ESEAL_EINVAL, "seal size %g mm is out of range (5 to 100 mm)", size_mm);
	if (color > 0xFFFFFF)
		return eseal_error_set(ESEAL_EINVAL, "bad colour %#x", (unsigned)color);
	if (len >= 8 && !memcmp(scan, "\x89PNG\r\n\x1a\n", 8))
		rc = eseal_png_decode(&rgba, &W, &H, &in_dpi, scan, len);
	else if (len >= 3 && scan[0] == 0xFF && scan[1] == 0xD8 && scan[2] == 0xFF)
		rc = pic_jpeg_decode(&rgba, &W, &H, &in_dpi, scan, len);
	else
		return eseal_error_set(ESEAL_EFORMAT, "not a PNG or JPEG image");
	if (rc)
		return rc;
	if (W < 16 || H < 16) {
		free(rgba);
		return eseal_error_set(ESEAL_EINVAL, "image of %dx%d pixels is too small for a seal", W, H);
	}
	const size_t npx = (size_t)W * H;
	/* Transparent scans: see them on white paper. */
	for (size_t i = 0; i < npx; i++) {
		uint8_t *p = rgba + i * 4;
		if (p[3] != 255) {
			unsigned a = p[3];
			for (int k = 0; k < 3; k++)
				p[k] = (uint8_t)((p[k] * a + 255 * (255 - a) + 127) / 255);
			p[3] = 255;
		}
	}
	m = malloc(npx);
	lab = malloc(npx * sizeof *lab);
	if (!m || !lab) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = redness_map(m, rgba, W, H)))
		goto out;
	/* Ink strength: the redness reached by the reddest few hundred pixels. */
	size_t hist[256] = { 0 }, top = npx / 2000 > 200 ? npx / 2000 : 200, acc = 0;
	for (size_t i = 0; i < npx; i++)
		hist[m[i]]++;
	int strength = 255;
	for (; strength > 0; strength--) {
		acc += hist[strength];
		if (acc >= top)
			break;
	}
	int t_high = strength * 45 / 100;
	if (t_high > T_HIGH_MAX) t_high = T_HIGH_MAX;
	if (t_high < T_HIGH_MIN) t_high = T_HIGH_MIN;
	int t_low = t_high * 45 / 100;
	if (t_low > T_LOW_MAX) t_low = T_LOW_MAX;
	if (t_low < T_LOW_MIN) t_low = T_LOW_MIN;
	if ((rc = components(lab, &cs, &ncs, m, W, H, t_low)))
		goto out;

	/* The seal: the largest clearly red component (its ring), grown by
	 * large pieces that touch its box (a broken ring), then everything red
	 * inside the box (characters, star). */
	size_t best = (size_t)-1;
	for (size_t i = 0; i < ncs; i++)
		if (cs[i].maxm >= t_high && (best == (size_t)-1 || cs[i].count > cs[best].count))
			best = i;
	if (best == (size_t)-1 || cs[best].count < 50) {
		rc = eseal_error_set(ESEAL_ENOTFOUND, "no red seal impression found in the image");
		goto out;
	}
	int bx0 = cs[best].x0, by0 = cs[best].y0, bx1 = cs[best].x1, by1 = cs[best].y1;
	cs[best].keep = 1;
	for (int grow = 1; grow;) {
		grow = 0;
		int mx = (bx1 - bx0) / 50 + 2, my = (by1 - by0) / 50 + 2;
		for (size_t i = 0; i < ncs; i++) {
			comp *c = &cs[i];
			if (c->keep || c->maxm < t_high || c->count * 20 < cs[best].count)
				continue;
			if (c->x1 < bx0 - mx || c->x0 > bx1 + mx || c->y1 < by0 - my || c->y0 > by1 + my)
				continue;
			c->keep = 1;
			if (c->x0 < bx0) bx0 = c->x0;
			if (c->y0 < by0) by0 = c->y0;
			if (c->x1 > bx1) bx1 = c->x1;
			if (c->y1 > by1) by1 = c->y1;
			grow = 1;
		}
	}
	for (size_t i = 0; i < ncs; i++) {
		comp *c = &cs[i];
		if (c->maxm >= t_high && c->x0 >= bx0 && c->x1 <= bx1 && c->y0 >= by0 && c->y1 <= by1)
			c->keep = 1;
	}

	/* Full ink: a little under the typical redness of sure ink. */
	size_t nsure = 0;
	for (size_t i = 0; i < npx; i++)
		if (lab[i] && cs[lab[i] - 1].keep && m[i] >= t_high)
			nsure++;
	uint8_t *sure = malloc(nsure ? nsure : 1);
	if (!sure) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto out;
	}
	size_t k = 0;
	for (size_t i = 0; i < npx; i++)
		if (lab[i] && cs[lab[i] - 1].keep && m[i] >= t_high)
			sure[k++] = m[i];
	qsort(sure, nsure, 1, cmp_u8);
	double full = nsure ? sure[nsure / 2] * 0.75 : t_high;
	free(sure);
	if (full < t_high)
		full = t_high;

	/* Crop with one pixel of clear margin. */
	int cx0 = bx0 > 0 ? bx0 - 1 : 0, cy0 = by0 > 0 ? by0 - 1 : 0;
	int cx1 = bx1 < W - 1 ? bx1 + 1 : W - 1, cy1 = by1 < H - 1 ? by1 + 1 : H - 1;
	int ow = cx1 - cx0 + 1, oh = cy1 - cy0 + 1;
	out = calloc((size_t)ow * oh, 4);
	if (!out) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto out;
	}
	size_t ink = 0;
	for (int y = 0; y < oh; y++)
		for (int x = 0; x < ow; x++) {
			size_t i = (size_t)(y + cy0) * W + (x + cx0);
			if (!lab[i] || !cs[lab[i] - 1].keep)
				continue;
			double a = (m[i] - t_low + 1) / (full - t_low + 1);
			if (a > 1) a = 1;
			if (a <= 0)
				continue;
			uint8_t *o = out + ((size_t)y * ow + x) * 4;
			o[0] = (uint8_t)(color >> 16);
			o[1] = (uint8_t)(color >> 8);
			o[2] = (uint8_t)color;
			o[3] = (uint8_t)lround(a * 255);
			ink++;
		}
	double dpi = size_mm > 0 ? ow * 25.4 / size_mm : in_dpi > 0 ? in_dpi : 300;
	uint32_t ppm = size_mm > 0 ? (uint32_t)lround(ow * 1000.0 / size_mm) : (uint32_t)lround(dpi / 0.0254);
	if ((rc = pic_png_encode(png, out, ow, oh, ppm, ppm)))
		goto out;
	if (info) {
		info->x = cx0;
		info->y = cy0;
		info->width = ow;
		info->height = oh;
		info->dpi = dpi;
		info->ink_pixels = ink;
	}
out:
	free(rgba);
	free(m);
	free(lab);
	free(cs);
	free(out);
	return rc;
}
