/*
 * fuzz_picture.c - picture files from strangers: the PNG/JPEG size reader
 * and the scan importer must reject bad bytes cleanly, never crash.
 */
#include <stdint.h>
#include <stdlib.h>

#include "eseal/picture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	eseal_picture_info pi;
	eseal_picture_info_get(&pi, data, len);
	/* Keep runs short: the importer is linear in the pixel count. */
	if (pi.width_px > 0 && pi.height_px > 0 && (uint64_t)pi.width_px * (uint64_t)pi.height_px <= 1u << 20) {
		eseal_buf out = ESEAL_BUF_INIT;
		eseal_picture_import(&out, data, len, NULL, NULL);
		eseal_buf_free(&out);
	}
	return 0;
}
