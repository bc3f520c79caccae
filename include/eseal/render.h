/*
 * render.h - drawing one OFD page to a PNG picture: templates, text, paths,
 * images, annotation appearances and the seal pictures of StampAnnots.
 *
 * The picture is (w_mm * dpi / 25.4) x (h_mm * dpi / 25.4) pixels, each
 * rounded to the nearest whole pixel, where w_mm x h_mm is the page's
 * PhysicalBox. Rendering is bounded: more than ESEAL_RENDER_MAX_DPI or a
 * bitmap over ESEAL_RENDER_MAX_PIXELS is refused with ESEAL_ELIMIT.
 */
#ifndef ESEAL_RENDER_H
#define ESEAL_RENDER_H

#include "common.h"
#include "ofd.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESEAL_RENDER_MAX_DPI 600.0
#define ESEAL_RENDER_MIN_DPI 1.0
#define ESEAL_RENDER_MAX_PIXELS 40000000.0

/* Pixel size of page `page` (1-based) at dpi, and its size in mm; any
 * output may be NULL. ESEAL_EINVAL for a page or dpi out of range,
 * ESEAL_ELIMIT when the bitmap would be too large. */
int eseal_ofd_render_size(const eseal_ofd *d, int page, double dpi, int *w_px, int *h_px,
			  double *w_mm, double *h_mm);

/* Renders page `page` (1-based) at dpi into png_out (appended, an RGB PNG
 * on a white page). w_mm and h_mm (may be NULL) receive the page size.
 * A page whose Content.xml is missing or broken is ESEAL_EFORMAT; broken
 * templates, resources and seal pictures are left out, never fatal. */
int eseal_ofd_render_page(eseal_ofd *d, int page, double dpi, eseal_buf *png_out,
			  double *w_mm, double *h_mm);

#ifdef __cplusplus
}
#endif
#endif
