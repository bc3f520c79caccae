/*
 * encoding.c - simple-font encodings (Standard, WinAnsi, MacRoman), glyph
 * names to Unicode, and fallback widths of the standard 14 fonts.
 *
 * Tables only: no allocation, no parsing. Unknown names map to 0 so the
 * caller decides the fallback; nothing here guesses from font files.
 */
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

/* Latin-1 glyph names for 0xA0..0xFF (WinAnsi and ISO-8859-1 agree). */
static const char *const latin1_names[96] = {
	"space", "exclamdown", "cent", "sterling", "currency", "yen", "brokenbar", "section",
	"dieresis", "copyright", "ordfeminine", "guillemotleft", "logicalnot", "hyphen", "registered", "macron",
	"degree", "plusminus", "twosuperior", "threesuperior", "acute", "mu", "paragraph", "periodcentered",
	"cedilla", "onesuperior", "ordmasculine", "guillemotright", "onequarter", "onehalf", "threequarters", "questiondown",
	"Agrave", "Aacute", "Acircumflex", "Atilde", "Adieresis", "Aring", "AE", "Ccedilla",
	"Egrave", "Eacute", "Ecircumflex", "Edieresis", "Igrave", "Iacute", "Icircumflex", "Idieresis",
	"Eth", "Ntilde", "Ograve", "Oacute", "Ocircumflex", "Otilde", "Odieresis", "multiply",
	"Oslash", "Ugrave", "Uacute", "Ucircumflex", "Udieresis", "Yacute", "Thorn", "germandbls",
	"agrave", "aacute", "acircumflex", "atilde", "adieresis", "aring", "ae", "ccedilla",
	"egrave", "eacute", "ecircumflex", "edieresis", "igrave", "iacute", "icircumflex", "idieresis",
	"eth", "ntilde", "ograve", "oacute", "ocircumflex", "otilde", "odieresis", "divide",
	"oslash", "ugrave", "uacute", "ucircumflex", "udieresis", "yacute", "thorn", "ydieresis",
};

/* ASCII glyph names for 0x20..0x7E. */
static const char *const ascii_names[95] = {
	"space", "exclam", "quotedbl", "numbersign", "dollar", "percent", "ampersand", "quotesingle",
	"parenleft", "parenright", "asterisk", "plus", "comma", "hyphen", "period", "slash",
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"colon", "semicolon", "less", "equal", "greater", "question", "at",
	"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S",
	"T", "U", "V", "W", "X", "Y", "Z",
	"bracketleft", "backslash", "bracketright", "asciicircum", "underscore", "grave",
	"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
	"t", "u", "v", "w", "x", "y", "z",
	"braceleft", "bar", "braceright", "asciitilde",
};

static const struct { const char *name; uint16_t cp; } other_names[] = {
	{ "quoteright", 0x2019 }, { "quoteleft", 0x2018 }, { "quotedblleft", 0x201C }, { "quotedblright", 0x201D },
	{ "quotesinglbase", 0x201A }, { "quotedblbase", 0x201E }, { "bullet", 0x2022 }, { "endash", 0x2013 },
	{ "emdash", 0x2014 }, { "ellipsis", 0x2026 }, { "dagger", 0x2020 }, { "daggerdbl", 0x2021 },
	{ "perthousand", 0x2030 }, { "trademark", 0x2122 }, { "fi", 0xFB01 }, { "fl", 0xFB02 },
	{ "ff", 0xFB00 }, { "ffi", 0xFB03 }, { "ffl", 0xFB04 }, { "Euro", 0x20AC }, { "florin", 0x0192 },
	{ "OE", 0x0152 }, { "oe", 0x0153 }, { "Scaron", 0x0160 }, { "scaron", 0x0161 }, { "Zcaron", 0x017D },
	{ "zcaron", 0x017E }, { "Ydieresis", 0x0178 }, { "dotlessi", 0x0131 }, { "Lslash", 0x0141 },
	{ "lslash", 0x0142 }, { "circumflex", 0x02C6 }, { "tilde", 0x02DC }, { "breve", 0x02D8 },
	{ "dotaccent", 0x02D9 }, { "ring", 0x02DA }, { "hungarumlaut", 0x02DD }, { "ogonek", 0x02DB },
	{ "caron", 0x02C7 }, { "fraction", 0x2044 }, { "guilsinglleft", 0x2039 }, { "guilsinglright", 0x203A },
	{ "minus", 0x2212 }, { "nbspace", 0x00A0 }, { "sfthyphen", 0x00AD }, { "periodcentered", 0x00B7 },
	{ "middot", 0x00B7 }, { "nonbreakingspace", 0x00A0 }, { "Delta", 0x0394 }, { "Omega", 0x03A9 },
	{ "mu1", 0x00B5 }, { "pi", 0x03C0 }, { "notequal", 0x2260 }, { "lessequal", 0x2264 },
	{ "greaterequal", 0x2265 }, { "infinity", 0x221E }, { "partialdiff", 0x2202 }, { "summation", 0x2211 },
	{ "product", 0x220F }, { "integral", 0x222B }, { "radical", 0x221A }, { "approxequal", 0x2248 },
	{ "lozenge", 0x25CA }, { "apple", 0xF8FF }, { "dotlessj", 0x0237 }, { "grave", 0x0060 },
};

static int hexn(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return 0;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 1;
}

uint32_t pdf_glyph_unicode(const char *name)
{
	uint32_t v;
	size_t n = strlen(name);
	const char *dot = strchr(name, '.');
	if (dot && dot != name) {
		/* "a.sc", "one.oldstyle": the part before the suffix */
		char base[64];
		size_t k = (size_t)(dot - name) < sizeof base - 1 ? (size_t)(dot - name) : sizeof base - 1;
		memcpy(base, name, k);
		base[k] = 0;
		return pdf_glyph_unicode(base);
	}
	/* the first letter first: Type3 fonts list hundreds of names ("g7B88")
	 * that are in no table, and full compares of each dominated text time */
	for (int i = 0; i < 95; i++)
		if (ascii_names[i][0] == name[0] && !strcmp(ascii_names[i], name))
			return (uint32_t)(0x20 + i);
	for (int i = 1; i < 96; i++)
		if (latin1_names[i][0] == name[0] && !strcmp(latin1_names[i], name))
			return (uint32_t)(0xA0 + i);
	for (size_t i = 0; i < sizeof other_names / sizeof *other_names; i++)
		if (other_names[i].name[0] == name[0] && !strcmp(other_names[i].name, name))
			return other_names[i].cp;
	if (n == 7 && !strncmp(name, "uni", 3) && hexn(name + 3, 4, &v))
		return v;
	if (n > 7 && !strncmp(name, "uni", 3) && hexn(name + 3, 4, &v))
		return v; /* ligature "uniXXXXYYYY": the first */
	if (n >= 5 && n <= 7 && name[0] == 'u' && hexn(name + 1, n - 1, &v) && v <= 0x10FFFF)
		return v;
	return 0;
}

static const uint16_t std_high[][2] = {
	{ 0xA1, 0x00A1 }, { 0xA2, 0x00A2 }, { 0xA3, 0x00A3 }, { 0xA4, 0x2044 }, { 0xA5, 0x00A5 }, { 0xA6, 0x0192 },
	{ 0xA7, 0x00A7 }, { 0xA8, 0x00A4 }, { 0xA9, 0x0027 }, { 0xAA, 0x201C }, { 0xAB, 0x00AB }, { 0xAC, 0x2039 },
	{ 0xAD, 0x203A }, { 0xAE, 0xFB01 }, { 0xAF, 0xFB02 }, { 0xB1, 0x2013 }, { 0xB2, 0x2020 }, { 0xB3, 0x2021 },
	{ 0xB4, 0x00B7 }, { 0xB6, 0x00B6 }, { 0xB7, 0x2022 }, { 0xB8, 0x201A }, { 0xB9, 0x201E }, { 0xBA, 0x201D },
	{ 0xBB, 0x00BB }, { 0xBC, 0x2026 }, { 0xBD, 0x2030 }, { 0xBF, 0x00BF }, { 0xC1, 0x0060 }, { 0xC2, 0x00B4 },
	{ 0xC3, 0x02C6 }, { 0xC4, 0x02DC }, { 0xC5, 0x00AF }, { 0xC6, 0x02D8 }, { 0xC7, 0x02D9 }, { 0xC8, 0x00A8 },
	{ 0xCA, 0x02DA }, { 0xCB, 0x00B8 }, { 0xCD, 0x02DD }, { 0xCE, 0x02DB }, { 0xCF, 0x02C7 }, { 0xD0, 0x2014 },
	{ 0xE1, 0x00C6 }, { 0xE3, 0x00AA }, { 0xE8, 0x0141 }, { 0xE9, 0x00D8 }, { 0xEA, 0x0152 }, { 0xEB, 0x00BA },
	{ 0xF1, 0x00E6 }, { 0xF5, 0x0131 }, { 0xF8, 0x0142 }, { 0xF9, 0x00F8 }, { 0xFA, 0x0153 }, { 0xFB, 0x00DF },
};

static const uint16_t win_80[32] = {
	0x20AC, 0x2022, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x2022, 0x017D, 0x2022,
	0x2022, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x2022, 0x017E, 0x0178,
};

static const uint16_t mac_80[128] = {
	0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1, 0x00E0, 0x00E2, 0x00E4, 0x00E3, 0x00E5, 0x00E7, 0x00E9, 0x00E8,
	0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3, 0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC,
	0x2020, 0x00B0, 0x00A2, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x00DF, 0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,
	0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211, 0x220F, 0x03C0, 0x222B, 0x00AA, 0x00BA, 0x03A9, 0x00E6, 0x00F8,
	0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB, 0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153,
	0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x25CA, 0x00FF, 0x0178, 0x2044, 0x00A4, 0x2039, 0x203A, 0xFB01, 0xFB02,
	0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1, 0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF, 0x00CC, 0x00D3, 0x00D4,
	0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC, 0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7,
};

void pdf_encoding_base(int which, uint32_t out[256])
{
	memset(out, 0, 256 * sizeof *out);
	for (int c = 0x20; c < 0x7F; c++)
		out[c] = (uint32_t)c;
	switch (which) {
	case PDF_ENC_WINANSI:
		for (int c = 0; c < 32; c++)
			out[0x80 + c] = win_80[c];
		for (int c = 0xA0; c <= 0xFF; c++)
			out[c] = (uint32_t)c;
		out[0xAD] = 0x2D;
		break;
	case PDF_ENC_MACROMAN:
		for (int c = 0; c < 128; c++)
			out[0x80 + c] = mac_80[c];
		break;
	case PDF_ENC_STANDARD:
	default:
		out[0x27] = 0x2019;
		out[0x60] = 0x2018;
		for (size_t i = 0; i < sizeof std_high / sizeof *std_high; i++)
			out[std_high[i][0]] = std_high[i][1];
		break;
	}
}

/* Advance widths (1/1000 em) of Helvetica and Times-Roman for 0x20..0x7E,
 * used for the standard 14 fonts when a file gives no /Widths. */
static const uint16_t helv[95] = {
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
	1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
	333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
	556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
};
static const uint16_t times[95] = {
	250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278,
	500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444,
	921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722,
	556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500,
	333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
	500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
};

double pdf_std_width(const char *basefont, uint32_t cp)
{
	const char *b = strchr(basefont, '+');
	b = b ? b + 1 : basefont;
	if (strstr(b, "Courier"))
		return 600;
	int is_times = strstr(b, "Times") != NULL || strstr(b, "Serif") != NULL;
	if (cp == 0x2019 || cp == 0x2018)
		return is_times ? 333 : 222;
	if (cp >= 0x20 && cp < 0x7F)
		return is_times ? times[cp - 0x20] : helv[cp - 0x20];
	if (cp >= 0x3000)
		return 1000; /* CJK */
	return is_times ? 500 : 556;
}

/* ZapfDingbats codes 0x21..0x7E: Unicode's Dingbats block follows the font,
 * except for the characters that already existed elsewhere. */
uint32_t pdf_dingbats_unicode(uint8_t c)
{
	static const struct { uint8_t c; uint16_t u; } moved[] = {
		{ 0x25, 0x260E }, { 0x2A, 0x261B }, { 0x2B, 0x261E }, { 0x48, 0x2605 }, { 0x6C, 0x25CF },
		{ 0x6E, 0x25A0 }, { 0x73, 0x25B2 }, { 0x74, 0x25BC }, { 0x75, 0x25C6 }, { 0x77, 0x25D7 },
	};
	if (c == 0x20)
		return 0x20;
	if (c < 0x21 || c > 0x7E)
		return 0;
	for (size_t i = 0; i < sizeof moved / sizeof *moved; i++)
		if (moved[i].c == c)
			return moved[i].u;
	return 0x2700u + (c - 0x20u);
}
