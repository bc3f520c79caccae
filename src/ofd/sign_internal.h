/*
 * sign_internal.h - what the OFD signing and verification files share: the
 * package writer, streaming digests of entries, placement and the CMS
 * check. Not a public header; tests may use it to build tampered packages.
 */
#ifndef ESEAL_OFD_SIGN_INTERNAL_H
#define ESEAL_OFD_SIGN_INTERNAL_H

#include "eseal/ofd.h"
#include "eseal/ofdsign.h"
#include "eseal/report.h"
#include "eseal/pki.h"

/* A file to write into a new package: replaces the entry with the same
 * canonical path, or is added (stored under path without the leading "/"). */
typedef struct ofd_new_file {
	const char *path;
	const uint8_t *data;
	size_t len;
} ofd_new_file;

/* Writes a new package to out (temp file + rename): every entry of d not
 * replaced is copied raw (no recompression); entries named in `drop` (NULL
 * terminated canonical paths, may be NULL) are left out. */
int ofd_write_package(const eseal_ofd *d, const char *out, const ofd_new_file *files,
		      size_t nfiles, const char *const *drop);

/* The same in steps, so that a signer can copy the unchanged entries and
 * take their SM3 digests in one read before it knows the new files:
 * open a temporary file next to path; copy entries of d as they are
 * (dg[i] = SM3 of entry i's uncompressed bytes, CRC-checked, when dg is
 * given; on two threads when large); then ofd_zw_package adds every entry
 * not copied yet, not dropped and not replaced, and the new files, and
 * renames the result to out. ofd_zw_package always consumes w; before it,
 * ofd_zw_abort throws everything away. */
typedef struct ofd_zw ofd_zw;
int ofd_zw_open(ofd_zw **w, const eseal_ofd *d, const char *path);
int ofd_zw_copy(ofd_zw *w, const eseal_ofd *d, const eseal_ofd_entry *const *es, size_t n,
		uint8_t (*dg)[64]);
int ofd_zw_package(ofd_zw *w, const eseal_ofd *d, const char *out, const ofd_new_file *files,
		   size_t nfiles, const char *const *drop);
void ofd_zw_abort(ofd_zw *w);

/* Digest algorithms accepted in References@CheckMethod. */
typedef enum { OFD_DG_SM3 = 1, OFD_DG_SHA256, OFD_DG_SHA1, OFD_DG_MD5 } ofd_digest_alg;
/* Algorithm of a CheckMethod (NULL => SM3); 0 when unknown. */
ofd_digest_alg ofd_digest_alg_of(const char *check_method);
size_t ofd_digest_len(ofd_digest_alg a);
/* A running digest of one of those algorithms (digest.c). */
typedef struct ofd_digest ofd_digest;
int ofd_digest_new(ofd_digest **g, ofd_digest_alg a);
void ofd_digest_update(ofd_digest *g, const uint8_t *p, size_t n);
void ofd_digest_final(ofd_digest *g, uint8_t out[64]);
void ofd_digest_free(ofd_digest *g);
/* Digests of n entries' uncompressed bytes into out[i], CRC and sizes
 * checked; large sets are read on two threads. rcs[i] (optional) gets each
 * entry's result; the return value is the first failure, with its message. */
int ofd_digest_entries(const eseal_ofd *d, const eseal_ofd_entry *const *es, size_t n, ofd_digest_alg a,
		       uint8_t (*out)[64], int *rcs);

/* Turns placements into StampAnnots for a seal of w x h mm. */
int ofd_place(eseal_ofd *d, const eseal_placement *p, size_t n, double w, double h,
	      eseal_ofd_placed **out, size_t *nout);

/* Formats a length in mm with '.' whatever the locale ("12.5"). */
void ofd_fmt_mm(char out[32], double v);

/* Type="Sign": GM/T 0010 CMS SignedData over SM3(Signature.xml). */
void ofd_verify_cms(const uint8_t *der, size_t len, const uint8_t *xml, size_t xml_len,
		    const eseal_trust *trust, eseal_report_item *it);

#endif
