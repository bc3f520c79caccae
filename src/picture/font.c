/*
 * font.c - finds a CJK font, opens it through FreeType for cairo, and
 * measures glyphs.
 *
 * Must never fall back silently to a font without the characters asked for:
 * a missing glyph is an error, not a box.
 */
#include <ft2build.h>
#include FT_FREETYPE_H
#include <cairo-ft.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "picture_internal.h"

struct pic_font {
	FT_Face face;
	cairo_font_face_t *cface;
	cairo_surface_t *scratch_s; /* for measuring outlines */
	cairo_t *scratch;
	char path[1024];
};

/* One FreeType library for the process: cairo may keep a face alive in its
 * font cache after we are done, so the library must outlive every call.
 * FreeType faces are created and freed under the lock. */
static FT_Library ft_lib;
static pthread_once_t ft_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t ft_lock = PTHREAD_MUTEX_INITIALIZER;
static int ft_init_rc;

static void ft_init(void)
{
	ft_init_rc = FT_Init_FreeType(&ft_lib);
}

static const cairo_user_data_key_t face_key;

static void face_destroy(void *p)
{
	pthread_mutex_lock(&ft_lock);
	FT_Done_Face((FT_Face)p);
	pthread_mutex_unlock(&ft_lock);
}

/* Fonts tried in order when neither the caller nor $ESEAL_FONT names one.
 * Serif bold is closest to the 宋体 used on real seals. */
static const char *const known_fonts[] = {
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
	"/usr/share/fonts/noto-cjk/NotoSerifCJK-Bold.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Bold.ttc",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/truetype/noto/NotoSansSC-Regular.otf",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
	"/usr/local/share/fonts/NotoSerifCJK-Bold.ttc",
	"/System/Library/Fonts/Supplemental/Songti.ttc",
	"/System/Library/Fonts/PingFang.ttc",
	NULL,
};

/* Picks the Simplified Chinese face of a collection when there is one. */
static int open_face(FT_Face *out, const char *path)
{
	FT_Face f = NULL;
	if (FT_New_Face(ft_lib, path, 0, &f))
		return -1;
	long n = f->num_faces, best = -1;
	for (long i = 0; i < n && best < 0; i++) {
		FT_Face g = f;
		if (i > 0 && FT_New_Face(ft_lib, path, i, &g))
			continue;
		const char *fam = g->family_name ? g->family_name : "";
		if (strstr(fam, " SC") && !strstr(fam, "Mono"))
			best = i;
		if (g != f)
			FT_Done_Face(g);
	}
	if (best > 0) {
		FT_Done_Face(f);
		if (FT_New_Face(ft_lib, path, best, &f))
			return -1;
	}
	/* A CJK font has 中; anything else would draw boxes. */
	if (!FT_Get_Char_Index(f, 0x4E2D)) {
		FT_Done_Face(f);
		return -2;
	}
	*out = f;
	return 0;
}

int pic_font_open(pic_font **out, const char *path)
{
	*out = NULL;
	pthread_once(&ft_once, ft_init);
	if (ft_init_rc)
		return eseal_error_set(ESEAL_EIO, "cannot start FreeType");
	const char *env = getenv("ESEAL_FONT");
	const char *explicit_path = (path && *path) ? path : (env && *env) ? env : NULL;
	pic_font *f = calloc(1, sizeof *f);
	if (!f)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int rc = -1;
	pthread_mutex_lock(&ft_lock);
	if (explicit_path) {
		rc = open_face(&f->face, explicit_path);
		if (rc == 0)
			snprintf(f->path, sizeof f->path, "%s", explicit_path);
	} else {
		for (int i = 0; known_fonts[i] && rc != 0; i++) {
			struct stat st;
			if (stat(known_fonts[i], &st) != 0)
				continue;
			rc = open_face(&f->face, known_fonts[i]);
			if (rc == 0)
				snprintf(f->path, sizeof f->path, "%s", known_fonts[i]);
		}
	}
	pthread_mutex_unlock(&ft_lock);
	if (rc != 0) {
		free(f);
		if (explicit_path && rc == -2)
			return eseal_error_set(ESEAL_ENOTFOUND, "font %s has no Chinese characters", explicit_path);
		if (explicit_path)
			return eseal_error_set(ESEAL_ENOTFOUND, "cannot open font %s", explicit_path);
		return eseal_error_set(ESEAL_ENOTFOUND,
			"no Chinese font found (install fonts-noto-cjk, or give --font FILE or ESEAL_FONT)");
	}
	f->cface = cairo_ft_font_face_create_for_ft_face(f->face, FT_LOAD_NO_HINTING);
	if (cairo_font_face_set_user_data(f->cface, &face_key, f->face, face_destroy)) {
		cairo_font_face_destroy(f->cface);
		face_destroy(f->face);
		free(f);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	f->scratch_s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	f->scratch = cairo_create(f->scratch_s);
	cairo_set_font_face(f->scratch, f->cface);
	/* Measure at 1000 units per em: FreeType rounds outlines to 1/64 of a
	 * unit, which at one unit per em would be too coarse. */
	cairo_set_font_size(f->scratch, 1000.0);
	*out = f;
	return 0;
}

void pic_font_close(pic_font *f)
{
	if (!f)
		return;
	cairo_destroy(f->scratch);
	cairo_surface_destroy(f->scratch_s);
	/* Frees the FreeType face once cairo lets go of it. */
	cairo_font_face_destroy(f->cface);
	free(f);
}

const char *pic_font_path(const pic_font *f)
{
	return f->path;
}

cairo_font_face_t *pic_font_face(pic_font *f)
{
	return f->cface;
}

int pic_line_measure(pic_line *l, pic_font *f, const uint32_t *cps, size_t n)
{
	memset(l, 0, sizeof *l);
	if (n > ESEAL_PICTURE_MAX_GLYPHS)
		return eseal_error_set(ESEAL_EINVAL, "too many characters");
	l->n = n;
	l->band_y0 = 1e9;
	l->band_y1 = -1e9;
	for (size_t i = 0; i < n; i++) {
		l->cp[i] = cps[i];
		pthread_mutex_lock(&ft_lock);
		FT_UInt gi = FT_Get_Char_Index(f->face, cps[i]);
		pthread_mutex_unlock(&ft_lock);
		if (!gi && cps[i] != ' ')
			return eseal_error_set(ESEAL_ENOTFOUND, "font %s has no glyph for U+%04X",
					       f->path, (unsigned)cps[i]);
		l->index[i] = gi;
		pic_box b = { 0, 0, 0, 0 };
		if (cps[i] != ' ') {
			cairo_glyph_t g = { gi, 0, 0 };
			cairo_new_path(f->scratch);
			cairo_glyph_path(f->scratch, &g, 1);
			cairo_fill_extents(f->scratch, &b.x0, &b.y0, &b.x1, &b.y1);
			cairo_new_path(f->scratch);
			b.x0 /= 1000; b.y0 /= 1000; b.x1 /= 1000; b.y1 /= 1000;
		}
		if (b.x1 <= b.x0 || b.y1 <= b.y0) {
			/* Spaces and blank glyphs: half an em wide, no ink. */
			b.x0 = 0; b.x1 = 0.5; b.y0 = b.y1 = -0.4;
		} else {
			if (b.y0 < l->band_y0) l->band_y0 = b.y0;
			if (b.y1 > l->band_y1) l->band_y1 = b.y1;
		}
		l->box[i] = b;
		if (b.x1 - b.x0 > l->max_w)
			l->max_w = b.x1 - b.x0;
	}
	if (l->band_y0 > l->band_y1) {
		l->band_y0 = -0.8;
		l->band_y1 = 0.0;
	}
	return 0;
}

int pic_utf8_decode(uint32_t *out, size_t max, const char *s, const char *what)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	if (!s)
		return eseal_error_set(ESEAL_EINVAL, "the %s is empty", what);
	while (*p) {
		uint32_t c;
		int extra;
		if (*p < 0x80) { c = *p; extra = 0; }
		else if ((*p & 0xE0) == 0xC0) { c = *p & 0x1F; extra = 1; }
		else if ((*p & 0xF0) == 0xE0) { c = *p & 0x0F; extra = 2; }
		else if ((*p & 0xF8) == 0xF0) { c = *p & 0x07; extra = 3; }
		else return eseal_error_set(ESEAL_EINVAL, "the %s is not valid UTF-8", what);
		p++;
		for (int i = 0; i < extra; i++, p++) {
			if ((*p & 0xC0) != 0x80)
				return eseal_error_set(ESEAL_EINVAL, "the %s is not valid UTF-8", what);
			c = (c << 6) | (*p & 0x3F);
		}
		static const uint32_t min[] = { 0, 0x80, 0x800, 0x10000 };
		if (c < min[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return eseal_error_set(ESEAL_EINVAL, "the %s is not valid UTF-8", what);
		if (c < 0x20 || c == 0x7F)
			return eseal_error_set(ESEAL_EINVAL, "the %s contains a control character", what);
		/* Full-width spaces count as spaces. */
		if (c == 0x3000)
			c = ' ';
		if (c == ' ' && n == 0)
			continue;
		if (n >= max)
			return eseal_error_set(ESEAL_EINVAL, "the %s is too long (at most %zu characters)", what, max);
		out[n++] = c;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	if (n == 0)
		return eseal_error_set(ESEAL_EINVAL, "the %s is empty", what);
	return (int)n;
}
