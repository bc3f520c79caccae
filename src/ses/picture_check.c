/*
 * picture_check.c - makes sure the bytes of a seal picture are what its
 * type says, so a seal never carries a "png" that is something else.
 * Parsing here is shallow and safe: headers for bitmaps, a network-free,
 * entity-free XML parse for SVG, the zip directory for OFD.
 */
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <zip.h>

#include "eseal/ses.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int check_png(const uint8_t *d, size_t n)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	if (n < 33 || memcmp(d, sig, 8) || memcmp(d + 12, "IHDR", 4) || be32(d + 8) != 13)
		return eseal_error_set(ESEAL_EFORMAT, "picture is not a PNG image");
	uint32_t w = be32(d + 16), h = be32(d + 20);
	if (!w || !h || w > 20000 || h > 20000)
		return eseal_error_set(ESEAL_EFORMAT, "PNG picture has an absurd size (%u x %u pixels)", w, h);
	if (!memmem(d, n, "IEND", 4))
		return eseal_error_set(ESEAL_EFORMAT, "PNG picture is truncated (no IEND chunk)");
	return 0;
}

static int check_jpg(const uint8_t *d, size_t n)
{
	if (n < 4 || d[0] != 0xff || d[1] != 0xd8 || d[2] != 0xff)
		return eseal_error_set(ESEAL_EFORMAT, "picture is not a JPEG image");
	/* Walk the marker segments up to the first frame header. */
	size_t i = 2;
	while (i + 4 <= n) {
		if (d[i] != 0xff)
			return eseal_error_set(ESEAL_EFORMAT, "JPEG picture is malformed at byte %zu", i);
		uint8_t m = d[i + 1];
		size_t len = (size_t)d[i + 2] << 8 | d[i + 3];
		if ((m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc)) {
			if (i + 9 > n || len < 8)
				break;
			unsigned h = (unsigned)d[i + 5] << 8 | d[i + 6], w = (unsigned)d[i + 7] << 8 | d[i + 8];
			if (!w || !h)
				return eseal_error_set(ESEAL_EFORMAT, "JPEG picture has no size");
			return 0;
		}
		if (len < 2)
			break;
		i += 2 + len;
	}
	return eseal_error_set(ESEAL_EFORMAT, "JPEG picture is truncated (no frame header)");
}

static int check_svg(const uint8_t *d, size_t n)
{
	if (n > (16u << 20))
		return eseal_error_set(ESEAL_ELIMIT, "SVG picture too large");
	if (memmem(d, n, "<!DOCTYPE", 9) || memmem(d, n, "<!ENTITY", 8))
		return eseal_error_set(ESEAL_EFORMAT, "SVG picture has a DTD or entities (refused)");
	xmlDocPtr doc = xmlReadMemory((const char *)d, (int)n, "picture.svg", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return eseal_error_set(ESEAL_EFORMAT, "picture is not well-formed SVG (XML parse error)");
	xmlNodePtr root = xmlDocGetRootElement(doc);
	int ok = root && root->name && !strcmp((const char *)root->name, "svg");
	xmlFreeDoc(doc);
	return ok ? 0 : eseal_error_set(ESEAL_EFORMAT, "picture is XML but its root is not <svg>");
}

static int check_ofd(const uint8_t *d, size_t n)
{
	if (n < 4 || memcmp(d, "PK\x03\x04", 4))
		return eseal_error_set(ESEAL_EFORMAT, "picture is not an OFD package (not a zip)");
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(d, n, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
	int rc = 0;
	if (!z) {
		if (src)
			zip_source_free(src);
		rc = eseal_error_set(ESEAL_EFORMAT, "OFD picture: bad zip: %s", zip_error_strerror(&ze));
	} else {
		if (zip_name_locate(z, "OFD.xml", 0) < 0)
			rc = eseal_error_set(ESEAL_EFORMAT, "OFD picture has no OFD.xml");
		zip_discard(z);
	}
	zip_error_fini(&ze);
	return rc;
}

const char *eseal_picture_detect(const uint8_t *d, size_t n)
{
	if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return "jpg";
	if (n >= 4 && !memcmp(d, "PK\x03\x04", 4))
		return "ofd";
	if (n >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)))
		return "gif";
	if (n >= 2 && !memcmp(d, "BM", 2))
		return "bmp";
	if (memmem(d, n < 4096 ? n : 4096, "<svg", 4))
		return "svg";
	return NULL;
}

int eseal_picture_check(const char *type, const uint8_t *d, size_t n)
{
	if (!type || !d || !n)
		return eseal_error_set(ESEAL_EINVAL, "picture is empty");
	if (!strcasecmp(type, "png"))
		return check_png(d, n);
	if (!strcasecmp(type, "jpg") || !strcasecmp(type, "jpeg"))
		return check_jpg(d, n);
	if (!strcasecmp(type, "svg"))
		return check_svg(d, n);
	if (!strcasecmp(type, "ofd"))
		return check_ofd(d, n);
	if (!strcasecmp(type, "gif"))
		return n >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)) ? 0 :
			eseal_error_set(ESEAL_EFORMAT, "picture is not a GIF image");
	if (!strcasecmp(type, "bmp"))
		return n >= 26 && !memcmp(d, "BM", 2) ? 0 :
			eseal_error_set(ESEAL_EFORMAT, "picture is not a BMP image");
	return eseal_error_set(ESEAL_EUNSUPPORTED, "picture type '%s' is not supported "
			       "(png, jpg, svg, ofd, gif, bmp)", type);
}
