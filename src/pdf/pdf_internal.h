/*
 * pdf_internal.h - the PDF engine's shared structures: the value model, the
 * lexer, revisions and cross-reference entries, the crypt state.
 *
 * The raw file bytes are never modified: every object keeps its offset so a
 * later incremental update can append to the exact bytes that were read.
 */
#ifndef ESEAL_PDF_INTERNAL_H
#define ESEAL_PDF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "eseal/pdf.h"

/* Safety limits (a hostile file must not exhaust memory or the stack). */
#define PDF_MAX_DEPTH 64            /* nesting of arrays/dicts */
#define PDF_MAX_OBJECTS 8388608u    /* highest object number + 1 */
#define PDF_MAX_REVISIONS 4096
#define PDF_MAX_STREAM_DEFAULT ((size_t)256 << 20)
#define PDF_MAX_XOBJ_DEPTH 12       /* nested Form XObjects */
#define PDF_MAX_PAGES_DEPTH 64      /* depth of the page tree */
#define PDF_MAX_LOAD_DEPTH 32       /* an object load needing another, and so on */
#define PDF_KEEP_OBJSTMS 16         /* decoded object streams kept in memory */

/* ---- arena: every parsed value lives in one, freed all at once ---- */
typedef struct pdf_arena_chunk pdf_arena_chunk;
typedef struct pdf_arena {
	pdf_arena_chunk *head;
	size_t total;
} pdf_arena;

void *pdf_arena_alloc(pdf_arena *a, size_t n);
void pdf_arena_free(pdf_arena *a);
void pdf_arena_reset(pdf_arena *a);

/* ---- values ---- */
typedef struct pdf_kv {
	const char *key;        /* name without the slash */
	eseal_pdf_val *val;
} pdf_kv;

struct eseal_pdf_val {
	eseal_pdf_type type;
	union {
		int b;
		int64_t i;
		double r;
		struct { uint8_t *p; size_t n; } s;      /* STRING bytes, NAME (NUL-terminated) */
		struct { eseal_pdf_val **v; size_t n; } a;
		struct { pdf_kv *kv; size_t n; } d;
		struct { uint32_t num; uint16_t gen; } ref;
		struct {
			eseal_pdf_val *dict;
			size_t off, len;        /* raw data in the file (or in an owner buffer) */
			const uint8_t *base;    /* bytes the offsets refer to */
			uint32_t num; uint16_t gen; /* owner object, for decryption */
		} st;
	} u;
};

eseal_pdf_val *pdf_val_new(pdf_arena *a, eseal_pdf_type t);
const eseal_pdf_val *pdf_dict_get(const eseal_pdf_val *d, const char *key);
int pdf_dict_put(pdf_arena *a, eseal_pdf_val *d, const char *key, eseal_pdf_val *v);
int pdf_is_name(const eseal_pdf_val *v, const char *name);
int pdf_num(const eseal_pdf_val *v, double *out);
void pdf_val_serialize(const eseal_pdf_val *v, eseal_buf *out, int depth);

/* ---- lexer ---- */
typedef enum {
	TK_EOF, TK_INT, TK_REAL, TK_STRING, TK_HEXSTRING, TK_NAME,
	TK_ARRAY_OPEN, TK_ARRAY_CLOSE, TK_DICT_OPEN, TK_DICT_CLOSE,
	TK_BRACE_OPEN, TK_BRACE_CLOSE, TK_KEYWORD, TK_ERROR
} pdf_tok_type;

typedef struct pdf_lex {
	const uint8_t *p;
	size_t len, pos;
} pdf_lex;

typedef struct pdf_tok {
	pdf_tok_type type;
	size_t start, end;      /* token span in the input */
	int64_t i;
	double r;
} pdf_tok;

int pdf_is_space(uint8_t c);
int pdf_is_delim(uint8_t c);
void pdf_lex_skip_space(pdf_lex *lx);
pdf_tok pdf_lex_next(pdf_lex *lx);
/* Decoded bytes of a literal or hex string token. */
int pdf_lex_string(const pdf_lex *lx, const pdf_tok *t, pdf_arena *a, uint8_t **out, size_t *outlen);
/* Name token with #xx escapes decoded, NUL-terminated. */
char *pdf_lex_name(const pdf_lex *lx, const pdf_tok *t, pdf_arena *a);
int pdf_tok_is(const pdf_lex *lx, const pdf_tok *t, const char *kw);

/* Parses one value. Refs (n g R) are recognised when allow_refs. */
int pdf_parse_value(pdf_lex *lx, pdf_arena *a, int allow_refs, int depth, eseal_pdf_val **out);

/* ---- cross references and revisions ---- */
enum { XREF_FREE = 0, XREF_OFFSET = 1, XREF_COMPRESSED = 2, XREF_NONE = 3 };

typedef struct pdf_xent {
	uint32_t num;
	uint8_t type;
	uint16_t gen;           /* generation, or index in the object stream */
	uint64_t off;           /* byte offset, or object stream number */
} pdf_xent;

typedef struct pdf_section {
	uint64_t off;           /* where the xref table / stream starts */
	uint64_t end;           /* byte just after its %%EOF line */
	uint64_t prev;          /* /Prev, or UINT64_MAX */
	int is_stream;
	eseal_pdf_val *trailer;
	pdf_xent *ents;         /* sorted by num */
	size_t nents;
} pdf_section;

typedef struct pdf_objstm {
	uint32_t num;
	uint8_t *data;          /* decoded stream */
	size_t len;
	size_t first;
	uint32_t n;
	uint32_t *nums;
	size_t *offs;
	struct pdf_objstm *next;
} pdf_objstm;

/* ---- encryption ---- */
enum { CRYPT_NONE = 0, CRYPT_RC4 = 1, CRYPT_AESV2 = 2, CRYPT_AESV3 = 3, CRYPT_IDENTITY = 4 };

typedef struct pdf_crypt {
	int present;
	int ok;                 /* key derived from the empty user password */
	char filter[32];
	int v, r, len_bits;
	int64_t p;
	int stm, str;           /* CRYPT_* for streams and strings */
	int encrypt_metadata;
	uint8_t key[32];
	size_t keylen;
	uint32_t dict_num;      /* object number of /Encrypt (never decrypted) */
	char reason[160];
} pdf_crypt;

typedef struct pdf_page {
	uint32_t num; uint16_t gen;
	const eseal_pdf_val *dict;
	const eseal_pdf_val *resources;
	double media[4], crop[4];
	int rotate;
} pdf_page;

struct eseal_pdf {
	const uint8_t *data;
	size_t len;
	uint8_t *owned;         /* copy we free */
	void *map; size_t maplen; /* mmap we unmap */
	pdf_arena arena;
	int version_major, version_minor;
	size_t header_off;      /* offset of %PDF (garbage before it is allowed) */

	pdf_section *secs;      /* chain order: newest first */
	size_t nsecs;
	eseal_pdf_revision *revs; /* oldest first */
	size_t nrevs;

	pdf_xent *table;        /* merged current table, indexed by number */
	uint32_t size;
	eseal_pdf_val **cache;  /* current objects by number */
	uint8_t *loading;       /* recursion guard per number */
	pdf_objstm *objstms;
	pdf_objstm **objstm_index; /* by object number, allocated on first use */
	size_t nobjstms;        /* decoded object streams kept (bounded) */
	int load_depth;         /* nested object loads (Length refs, object streams) */
	const eseal_pdf_val *trailer;
	int recovered;          /* table rebuilt by scanning */
	uint64_t *scan_off;     /* recovery scan: last "n g obj" offset by number */
	uint32_t scan_size;
	int scanned;

	pdf_crypt crypt;
	size_t max_stream;
	char **warnings;
	size_t nwarnings;

	pdf_page *pages;
	size_t npages;
	int pages_loaded;
};

void pdf_warn(eseal_pdf *pdf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* xref.c */
int pdf_xref_load(eseal_pdf *pdf);
int pdf_xref_table_parse(eseal_pdf *pdf, size_t off, pdf_section *sec);
int pdf_sections_to_table(eseal_pdf *pdf);
int pdf_xent_cmp(const void *a, const void *b);
int pdf_xref_rebuild(eseal_pdf *pdf);
/* xref_stream.c */
int pdf_xref_stream_parse(eseal_pdf *pdf, size_t off, pdf_section *sec);
/* recover.c */
int pdf_recover_scan(eseal_pdf *pdf);
int pdf_recover_rebuild(eseal_pdf *pdf);
/* obj.c */
int pdf_parse_indirect_at(eseal_pdf *pdf, size_t off, uint32_t num, uint16_t gen, int check,
			  eseal_pdf_val **out);
int pdf_load_object(eseal_pdf *pdf, const pdf_xent *e, uint32_t num, eseal_pdf_val **out);
const eseal_pdf_val *pdf_resolve(eseal_pdf *pdf, const eseal_pdf_val *v);
const eseal_pdf_val *pdf_dget(eseal_pdf *pdf, const eseal_pdf_val *d, const char *key);
/* objstm.c */
void pdf_objstm_drop(eseal_pdf *pdf);
int pdf_objstm_get(eseal_pdf *pdf, uint32_t stmnum, uint32_t idx, uint32_t num, eseal_pdf_val **out);
/* filter.c */
int pdf_stream_raw(eseal_pdf *pdf, const eseal_pdf_val *st, const uint8_t **p, size_t *n);
int pdf_decode_stream(eseal_pdf *pdf, const eseal_pdf_val *st, size_t max, eseal_buf *out);
int pdf_filter_apply(const char *name, const eseal_pdf_val *parms, const uint8_t *in, size_t n,
		     size_t max, eseal_buf *out);
/* crypt.c */
int pdf_crypt_init(eseal_pdf *pdf);
int pdf_crypt_decrypt(const pdf_crypt *c, int kind, uint32_t num, uint16_t gen,
		      const uint8_t *in, size_t n, eseal_buf *out);
/* Encrypts with the document's key (for incremental updates of encrypted
 * files); kind 0 = stream, 1 = string. */
int pdf_crypt_encrypt(const pdf_crypt *c, int kind, uint32_t num, uint16_t gen,
		      const uint8_t *in, size_t n, eseal_buf *out);
void pdf_crypt_strings(eseal_pdf *pdf, eseal_pdf_val *v, uint32_t num, uint16_t gen, int depth);
/* page.c */
int pdf_pages_load(eseal_pdf *pdf);

#endif
