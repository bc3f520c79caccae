/*
 * asn1.h - DER reading and writing.
 *
 * The reader never copies: every element points into the caller's bytes and
 * knows its offset there, so signatures are always checked over the original
 * encoding and never over a re-encoding.
 */
#ifndef ESEAL_ASN1_H
#define ESEAL_ASN1_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Universal tags (with the constructed bit where DER always sets it). */
#define ESEAL_DER_BOOLEAN 0x01
#define ESEAL_DER_INTEGER 0x02
#define ESEAL_DER_BIT_STRING 0x03
#define ESEAL_DER_OCTET_STRING 0x04
#define ESEAL_DER_NULL 0x05
#define ESEAL_DER_OID 0x06
#define ESEAL_DER_UTF8STRING 0x0c
#define ESEAL_DER_PRINTABLESTRING 0x13
#define ESEAL_DER_IA5STRING 0x16
#define ESEAL_DER_UTCTIME 0x17
#define ESEAL_DER_GENERALIZEDTIME 0x18
#define ESEAL_DER_SEQUENCE 0x30
#define ESEAL_DER_SET 0x31
#define ESEAL_DER_CTX(n) (0xa0 | (n))      /* [n] constructed */
#define ESEAL_DER_CTX_PRIM(n) (0x80 | (n)) /* [n] primitive */

/* Limits: anything larger is refused with ESEAL_ELIMIT. */
#define ESEAL_DER_MAX_LEN (256u * 1024u * 1024u)
#define ESEAL_DER_MAX_DEPTH 32

/* One element: the whole TLV and its contents, both inside the input. */
typedef struct eseal_der {
	unsigned tag;         /* identifier octet; tags >= 31 are refused */
	const uint8_t *tlv;   /* first byte of the element */
	size_t tlv_len;       /* whole element length */
	const uint8_t *val;   /* contents */
	size_t val_len;
	size_t off;           /* offset of tlv in the outermost input */
} eseal_der;

/* Reads the first element of buf (trailing bytes are allowed and ignored).
 * base is the offset of buf within the outermost input. */
int eseal_der_read(eseal_der *out, const uint8_t *buf, size_t len, size_t base);

/* Cursor over the children of a constructed element. */
typedef struct eseal_der_iter {
	const uint8_t *p, *end;
	size_t off;
} eseal_der_iter;

void eseal_der_iter_init(eseal_der_iter *it, const eseal_der *parent);
/* 1 and fills out when there is a next child, 0 at the end, <0 on error. */
int eseal_der_next(eseal_der_iter *it, eseal_der *out);
/* Like next, but requires a given tag (ESEAL_EFORMAT otherwise). */
int eseal_der_expect(eseal_der_iter *it, eseal_der *out, unsigned tag, const char *what);
/* 1 when the next child has this tag (without consuming it). */
int eseal_der_peek(const eseal_der_iter *it, unsigned tag);
/* Counts the children of a constructed element (<0 on error). */
int eseal_der_count(const eseal_der *parent);

/* Checks a whole tree: definite lengths, nesting depth, sizes. */
int eseal_der_validate(const uint8_t *buf, size_t len, size_t *consumed);

/* Typed accessors. */
int eseal_der_get_int(const eseal_der *e, long *out);
/* Unsigned big integer, leading zeros stripped. */
int eseal_der_get_uint_bytes(const eseal_der *e, const uint8_t **p, size_t *n);
int eseal_der_get_bool(const eseal_der *e, int *out);
/* BIT STRING contents without the unused-bits octet (must be 0). */
int eseal_der_get_bits(const eseal_der *e, const uint8_t **p, size_t *n);
/* Dotted OID text. */
int eseal_der_get_oid(const eseal_der *e, char *out, size_t outlen);
/* 1 when the OID element equals the dotted text. */
int eseal_der_oid_is(const eseal_der *e, const char *dotted);
/* UTCTime or GeneralizedTime to time_t (UTC). */
int eseal_der_get_time(const eseal_der *e, time_t *out);
/* A string type into a NUL-terminated heap copy (caller frees). */
int eseal_der_get_string(const eseal_der *e, char **out);

/* Writer. Elements are appended to a buffer; constructed ones are opened
 * with begin (which returns a mark) and closed with end. */
int eseal_der_begin(eseal_buf *b, unsigned tag, size_t *mark);
int eseal_der_end(eseal_buf *b, size_t mark);
int eseal_der_put(eseal_buf *b, unsigned tag, const void *val, size_t len);
int eseal_der_put_int(eseal_buf *b, long v);
/* Unsigned big-endian magnitude as INTEGER (adds a 0x00 when needed). */
int eseal_der_put_uint_bytes(eseal_buf *b, const uint8_t *p, size_t n);
int eseal_der_put_bool(eseal_buf *b, int v);
int eseal_der_put_oid(eseal_buf *b, const char *dotted);
int eseal_der_put_bits(eseal_buf *b, const void *p, size_t n);
int eseal_der_put_gentime(eseal_buf *b, time_t t);
int eseal_der_put_utctime(eseal_buf *b, time_t t);
int eseal_der_put_str(eseal_buf *b, unsigned tag, const char *s);
/* Copies an already-encoded element verbatim. */
int eseal_der_put_raw(eseal_buf *b, const void *tlv, size_t len);

/* Dotted OID to content bytes (no tag/length). */
int eseal_oid_encode(eseal_buf *b, const char *dotted);

#ifdef __cplusplus
}
#endif
#endif
