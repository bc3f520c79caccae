/*
 * render_font.c - fonts for the page renderer: an OFD Font resource becomes
 * a list of cairo faces (the embedded font file when there is one, the
 * system font its name maps to through fontconfig, then Noto CJK), and each
 * character is drawn with the first face that has it.
 *
 * Must never draw a missing glyph as a box when another face has the
 * character, and never free an embedded font's bytes while cairo may still
 * hold its face (cairo caches faces past our rendering).
 */
#include <ft2build.h>
#include FT_FREETYPE_H
#include <cairo-ft.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ofd/render_internal.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RENDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(RENDER_ASAN)
/* fontconfig (behind cairo's font lookup) keeps its configuration in
 * blocks the leak checker cannot trace, once per process: every program
 * that renders (the command, tests, fuzz targets) gets this suppression
 * with the renderer. Sanitizer builds only. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

#define MAX_FONTS 256
#define MAX_FONT_FILE ((size_t)32 << 20)

static FT_Library ft_lib;
static pthread_once_t ft_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t ft_lock = PTHREAD_MUTEX_INITIALIZER;
static int ft_rc;

static void ft_init(void)
{
	ft_rc = FT_Init_FreeType(&ft_lib);
}

typedef struct mem_face {
	FT_Face face;
	uint8_t *bytes;
} mem_face;

static const cairo_user_data_key_t mem_key;

static void mem_face_destroy(void *p)
{
	mem_face *m = p;
	pthread_mutex_lock(&ft_lock);
	FT_Done_Face(m->face);
	pthread_mutex_unlock(&ft_lock);
	free(m->bytes);
	free(m);
}

/* A face for an embedded font file, NULL when it cannot be read. */
static cairo_font_face_t *embedded_face(const eseal_ofd *d, const char *path)
{
	eseal_buf b = ESEAL_BUF_INIT;
	pthread_once(&ft_once, ft_init);
	if (ft_rc || eseal_ofd_read(d, path, MAX_FONT_FILE, &b) != 0 || b.len == 0) {
		eseal_buf_free(&b);
		eseal_error_clear();
		return NULL;
	}
	mem_face *m = calloc(1, sizeof *m);
	if (!m) {
		eseal_buf_free(&b);
		return NULL;
	}
	m->bytes = b.data;
	pthread_mutex_lock(&ft_lock);
	int bad = FT_New_Memory_Face(ft_lib, m->bytes, (FT_Long)b.len, 0, &m->face);
	pthread_mutex_unlock(&ft_lock);
	if (bad) {
		free(m->bytes);
		free(m);
		return NULL;
	}
	cairo_font_face_t *f = cairo_ft_font_face_create_for_ft_face(m->face, FT_LOAD_NO_HINTING);
	if (cairo_font_face_set_user_data(f, &mem_key, m, mem_face_destroy)) {
		cairo_font_face_destroy(f);
		mem_face_destroy(m);
		return NULL;
	}
	return f;
}

static int has(const char *s, const char *sub)
{
	return s && strcasestr(s, sub) != NULL;
}

/* The CJK family a font name stands for: 0 serif (宋体, 仿宋, 楷体), 1 sans. */
static int cjk_sans(const char *name)
{
	return has(name, "黑") || has(name, "hei") || has(name, "雅") || has(name, "sans") ||
	       has(name, "gothic") || has(name, "arial") || has(name, "helvetica");
}

static int ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* The system family for an OFD font name. Chinese names (宋体, SimSun,
 * 黑体 ...) are not installed under those names on most systems, so they go
 * straight to Noto CJK; Latin names go to fontconfig, whose aliases know
 * Times New Roman, Arial and Courier New. */
static const char *system_family(const char *name)
{
	static const char *const cjk_latin[] = { "simsun", "simhei", "simkai", "simfang", "nsimsun", "song",
						 "kai", "fang", "yahei", "stxihei", "ming", NULL };
	if (!name || !*name)
		return "Noto Serif CJK SC";
	if (!ascii(name))
		return cjk_sans(name) ? "Noto Sans CJK SC" : "Noto Serif CJK SC";
	for (int i = 0; cjk_latin[i]; i++)
		if (has(name, cjk_latin[i]))
			return cjk_sans(name) ? "Noto Sans CJK SC" : "Noto Serif CJK SC";
	return name;
}

static void add_face(rfont *f, cairo_font_face_t *face)
{
	if (!face)
		return;
	if (cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS || f->nface >= RFONT_FACES) {
		cairo_font_face_destroy(face);
		return;
	}
	cairo_matrix_t id, fm;
	cairo_matrix_init_identity(&id);
	cairo_matrix_init_identity(&fm);
	cairo_font_options_t *o = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
	cairo_scaled_font_t *sf = cairo_scaled_font_create(face, &fm, &id, o);
	cairo_font_options_destroy(o);
	if (cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS) {
		cairo_scaled_font_destroy(sf);
		cairo_font_face_destroy(face);
		return;
	}
	f->face[f->nface] = face;
	f->sf[f->nface] = sf;
	f->nface++;
}

static cairo_font_face_t *toy(const char *family, int bold, int italic)
{
	return cairo_toy_font_face_create(family, italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
					  bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
}

rfont *rfonts_get(rfonts *fs, const eseal_ofd *d, const char *font_id, int bold, int italic)
{
	const eseal_ofd_res *res = font_id ? eseal_ofd_res_by_id(d, font_id) : NULL;
	if (res && res->kind != ESEAL_OFD_RES_FONT)
		res = NULL;
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].res == res && fs->v[i].bold == bold && fs->v[i].italic == italic)
			return fs->v[i].nface ? &fs->v[i] : NULL;
	if (fs->n >= MAX_FONTS)
		return fs->n && fs->v[0].nface ? &fs->v[0] : NULL;
	rfont *nv = realloc(fs->v, (fs->n + 1) * sizeof *nv);
	if (!nv)
		return NULL;
	fs->v = nv;
	rfont *f = &fs->v[fs->n++];
	memset(f, 0, sizeof *f);
	f->res = res;
	f->bold = bold;
	f->italic = italic;
	const char *name = res ? (res->name && *res->name ? res->name : res->family) : NULL;
	if (res && res->path)
		add_face(f, embedded_face(d, res->path));
	const char *fam = system_family(name);
	add_face(f, toy(fam, bold, italic));
	int sans = name && cjk_sans(name);
	add_face(f, toy(sans ? "Noto Sans CJK SC" : "Noto Serif CJK SC", bold, italic));
	add_face(f, toy(sans ? "Noto Serif CJK SC" : "Noto Sans CJK SC", bold, italic));
	return f->nface ? f : NULL;
}

int rfont_glyph(rfont *f, uint32_t c, int *face, unsigned long *index, double *advance)
{
	char u[5];
	int n;
	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xC0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | c >> 18);
		u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	u[n] = 0;
	for (int k = 0; k < f->nface; k++) {
		cairo_glyph_t *g = NULL;
		int ng = 0;
		cairo_status_t st = cairo_scaled_font_text_to_glyphs(f->sf[k], 0, 0, u, n, &g, &ng,
								     NULL, NULL, NULL);
		/* Glyph 0 is .notdef: the face lacks the character. A space
		 * has no ink but a real glyph. */
		if (st == CAIRO_STATUS_SUCCESS && ng == 1 && g[0].index != 0) {
			cairo_text_extents_t e;
			cairo_scaled_font_glyph_extents(f->sf[k], g, 1, &e);
			*face = k;
			*index = g[0].index;
			*advance = e.x_advance;
			cairo_glyph_free(g);
			return 0;
		}
		cairo_glyph_free(g);
	}
	return -1;
}

void rfonts_free(rfonts *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		for (int k = 0; k < fs->v[i].nface; k++) {
			cairo_scaled_font_destroy(fs->v[i].sf[k]);
			cairo_font_face_destroy(fs->v[i].face[k]);
		}
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}
