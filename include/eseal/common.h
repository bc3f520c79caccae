/*
 * common.h - the one error convention and the growable byte buffer.
 *
 * Every library function returns 0 on success or a negative ESEAL_E* code,
 * and leaves a human-readable message for the calling thread in
 * eseal_error_last(). Objects are opaque and come back through the first
 * argument of their constructor.
 */
#ifndef ESEAL_COMMON_H
#define ESEAL_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	ESEAL_OK = 0,
	ESEAL_EINVAL = -1,      /* bad argument or usage */
	ESEAL_ENOMEM = -2,      /* out of memory */
	ESEAL_EIO = -3,         /* file or device error */
	ESEAL_EFORMAT = -4,     /* malformed input (DER, XML, ZIP, PDF ...) */
	ESEAL_ECRYPTO = -5,     /* a cryptographic operation failed */
	ESEAL_EVERIFY = -6,     /* a signature or digest did not verify */
	ESEAL_EPASS = -7,       /* wrong or missing passphrase */
	ESEAL_EEXPIRED = -8,    /* outside a validity period */
	ESEAL_ENOTFOUND = -9,   /* no such object */
	ESEAL_ELIMIT = -10,     /* a safety limit was exceeded */
	ESEAL_EUNSUPPORTED = -11, /* well-formed but not supported */
	ESEAL_EEXISTS = -12,    /* already exists */
	ESEAL_EDENIED = -13,    /* refused by policy or state */
};

/* Message for the last error on this thread ("" when none). */
const char *eseal_error_last(void);
/* Code of the last error on this thread (0 when none). */
int eseal_error_code(void);
/* Record an error; returns code so callers can `return eseal_error_set(...)`. */
int eseal_error_set(int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Prefix the current message with context ("seal.esl: " ...). Returns the code. */
int eseal_error_wrap(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
void eseal_error_clear(void);
/* Short English name of a code ("EFORMAT"). */
const char *eseal_strerror(int code);

/* Library version string, e.g. "0.1.0". */
const char *eseal_version(void);

/* Growable byte buffer used everywhere instead of ad-hoc realloc loops. */
typedef struct eseal_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
} eseal_buf;

#define ESEAL_BUF_INIT { NULL, 0, 0 }

int eseal_buf_reserve(eseal_buf *b, size_t extra);
int eseal_buf_put(eseal_buf *b, const void *p, size_t n);
int eseal_buf_putc(eseal_buf *b, uint8_t c);
int eseal_buf_puts(eseal_buf *b, const char *s);
int eseal_buf_printf(eseal_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* NUL-terminate without counting the NUL in len. */
int eseal_buf_cstr(eseal_buf *b);
void eseal_buf_clear(eseal_buf *b);
/* Wipes the contents before freeing: buffers often hold secrets. */
void eseal_buf_free(eseal_buf *b);

/* Whole-file helpers. Reads are limited to max bytes (0 = 1 GiB). */
int eseal_file_read(eseal_buf *out, const char *path, size_t max);
/* Writes to a temporary file next to path, fsyncs, then renames: never a
 * half-written file. mode is the permission of the new file (e.g. 0600). */
int eseal_file_write_atomic(const char *path, const void *data, size_t len, int mode);

/* n bytes as 2n hex digits and a NUL (upper-case when upper is set). */
void eseal_hex_encode(char *out, const uint8_t *in, size_t n, int upper);
/* The value of one hex digit (either case), or -1. */
int eseal_hex_digit(int c);
/* Exactly 2*outlen hex digits into out: ESEAL_EFORMAT for anything else. */
int eseal_hex_decode(uint8_t *out, size_t outlen, const char *hex);

/* Constant-time comparison of secrets: 0 when equal. */
int eseal_ct_memcmp(const void *a, const void *b, size_t n);
/* Wipe memory that held a secret. */
void eseal_wipe(void *p, size_t n);

/* Times: ESEAL uses time_t in UTC throughout. Formats "YYYYMMDDhhmmssZ". */
int eseal_time_format_gt(char out[16], time_t t);
/* "2024-03-01 12:00:00 UTC" */
void eseal_time_format_human(char out[32], time_t t);
/* Parses "YYYY-MM-DD[ hh:mm:ss]", "YYYYMMDDhhmmssZ" or "now"; 0 or ESEAL_EINVAL. */
int eseal_time_parse(time_t *out, const char *s);

#ifdef __cplusplus
}
#endif
#endif
