/*
 * zip_write.c - the package writer, and the reader of entry digests.
 * Unchanged entries are copied byte for byte from the open package in large
 * pieces (no inflate/deflate), and when the signer needs their digests they
 * are taken during that same copy, on two threads for large packages:
 * signing a 200 MB OFD reads it once. Verification takes digests the same
 * way without writing.
 * Changed and new files are deflated. Everything goes to a temporary file
 * next to the target, made durable and renamed at the end: this file must
 * never leave a half-written package behind, and never hands out a digest
 * of an entry whose CRC-32 or size does not match its directory entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "eseal/crypto.h"
#include "ofd/ofd_internal.h"
#include "ofd/sign_internal.h"

enum { CHUNK = 1 << 20 };

typedef struct {
	const char *name;
	uint64_t off, csize, usize;
	uint32_t crc;
	uint16_t method, flags, dos_time, dos_date;
	int is_dir;
} zw_entry;

struct ofd_zw {
	int fd;
	char *tmp;
	uint64_t pos;
	zw_entry *es;
	size_t n, cap;
	unsigned char *copied;   /* per entry of the source package */
	size_t ncopied;
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static int ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static int big(const zw_entry *e) { return e->csize >= 0xFFFFFFFFu || e->usize >= 0xFFFFFFFFu; }

/* Local header size of e (a ZIP64 extra field when its sizes need one). */
static size_t local_len(const zw_entry *e) { return 30 + strlen(e->name) + (big(e) ? 20 : 0); }

static size_t local_header(uint8_t *h, const zw_entry *e)
{
	size_t nlen = strlen(e->name);
	put32(h, 0x04034b50u);
	put16(h + 4, big(e) ? 45 : 20);
	put16(h + 6, e->flags);
	put16(h + 8, e->method);
	put16(h + 10, e->dos_time);
	put16(h + 12, e->dos_date);
	put32(h + 14, e->crc);
	put32(h + 18, big(e) ? 0xFFFFFFFFu : (uint32_t)e->csize);
	put32(h + 22, big(e) ? 0xFFFFFFFFu : (uint32_t)e->usize);
	put16(h + 26, (uint16_t)nlen);
	put16(h + 28, big(e) ? 20 : 0);
	memcpy(h + 30, e->name, nlen);
	if (big(e)) {
		put16(h + 30 + nlen, 1);
		put16(h + 32 + nlen, 16);
		put64(h + 34 + nlen, e->usize);
		put64(h + 42 + nlen, e->csize);
	}
	return 30 + nlen + (big(e) ? 20 : 0);
}

static int pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t k = pwrite(fd, b, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return eseal_error_set(ESEAL_EIO, "cannot write the package: %s", strerror(errno));
		b += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return 0;
}

/* n bytes of d at off (absolute); from memory or with pread (thread-safe). */
static int src_read(const eseal_ofd *d, uint64_t off, uint8_t *buf, size_t n)
{
	if (off > d->file_size || n > d->file_size - off)
		return eseal_error_set(ESEAL_EFORMAT, "zip: truncated (an entry runs past the end)");
	if (d->mem) {
		memcpy(buf, d->mem + off, n);
		return 0;
	}
	int fd = fileno(d->fp);
	while (n) {
		ssize_t k = pread(fd, buf, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return eseal_error_set(ESEAL_EIO, "zip: read error");
		buf += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return 0;
}

int ofd_zw_open(ofd_zw **out, const eseal_ofd *d, const char *path)
{
	ofd_zw *w = calloc(1, sizeof *w);
	size_t plen = strlen(path);
	if (!w || !(w->tmp = malloc(plen + 16)) ||
	    !(w->copied = calloc(eseal_ofd_entry_count(d) + 1, 1))) {
		if (w)
			free(w->tmp);
		free(w);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	w->ncopied = eseal_ofd_entry_count(d);
	snprintf(w->tmp, plen + 16, "%s.tmp-XXXXXX", path);
	if ((w->fd = mkstemp(w->tmp)) < 0) {
		int e = errno;
		free(w->copied);
		free(w->tmp);
		free(w);
		return eseal_error_set(ESEAL_EIO, "%s: cannot create a temporary file: %s", path, strerror(e));
	}
	*out = w;
	return 0;
}

void ofd_zw_abort(ofd_zw *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	unlink(w->tmp);
	free(w->tmp);
	free(w->es);
	free(w->copied);
	free(w);
}

static zw_entry *new_entry(ofd_zw *w)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		zw_entry *es = realloc(w->es, cap * sizeof *es);
		if (!es)
			return NULL;
		w->es = es;
		w->cap = cap;
	}
	zw_entry *e = &w->es[w->n++];
	memset(e, 0, sizeof *e);
	return e;
}

/* ---- copying entries of the source package ---- */

typedef struct {
	const eseal_ofd *d;
	int fd;                  /* < 0: digest only */
	const eseal_ofd_entry *const *src;
	const zw_entry *dst;     /* NULL when digesting only */
	ofd_digest_alg a;
	uint8_t (*dg)[64];       /* NULL: copy only */
	int *rcs;
	size_t n, next;
	pthread_mutex_t mu;
} copy_job;

/* Feeds uncompressed bytes to the digest and the CRC. */
typedef struct {
	ofd_digest *dg;
	uint32_t crc;
	uint64_t total;
} sink;

static void sink_put(sink *s, const uint8_t *p, size_t n)
{
	ofd_digest_update(s->dg, p, n);
	s->crc = (uint32_t)crc32_z(s->crc, p, n);
	s->total += n;
}

/* Copies one entry (its local header written fresh, its data as stored)
 * and, when dg is given, digests its uncompressed bytes with a on the way.
 * fd < 0: digests only, writes nothing. */
static int copy_one(const eseal_ofd *d, int fd, const eseal_ofd_entry *e, const zw_entry *z, ofd_digest_alg a,
		    uint8_t *dg)
{
	const ofd_zraw *raw = &d->raw[e - eseal_ofd_entry_at(d, 0)];
	uint8_t hdr[30 + 65536 + 20];
	int rc = fd < 0 ? 0 : pwrite_all(fd, hdr, local_header(hdr, z), z->off);
	if (rc)
		return rc;
	uint64_t src = raw->data_off, dst = fd < 0 ? 0 : z->off + local_len(z), left = e->csize;
	if (!dg && !d->mem) {
		/* nothing to look at: let the kernel move the bytes */
		loff_t in = (loff_t)src, o = (loff_t)dst;
		while (left > 0) {
			ssize_t k = copy_file_range(fileno(d->fp), &in, fd, &o, left > (1u << 30) ? (1u << 30) : left, 0);
			if (k <= 0)
				break;
			left -= (uint64_t)k;
		}
		src = (uint64_t)in;
		dst = (uint64_t)o;
		if (!left)
			return 0;
	}
	uint8_t *buf = malloc(CHUNK), *out = NULL;
	sink s = { NULL, 0, 0 };
	if (!dg && fd < 0) {
		free(buf);
		return 0;
	}
	z_stream zs;
	int inflating = 0;
	memset(&zs, 0, sizeof zs);
	if (!buf)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (dg) {
		rc = ofd_digest_new(&s.dg, a);
		s.crc = (uint32_t)crc32_z(0, NULL, 0);
		if (!rc && e->method == 8) {
			if (!(out = malloc(CHUNK)) || inflateInit2(&zs, -15) != Z_OK)
				rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			else
				inflating = 1;
		} else if (!rc && e->method != 0) {
			rc = eseal_error_set(ESEAL_EUNSUPPORTED, "%s: compression method %d", e->path, e->method);
		}
	}
	int ended = 0;
	while (!rc && left > 0) {
		size_t k = left > CHUNK ? CHUNK : (size_t)left;
		if ((rc = src_read(d, src, buf, k)) || (fd >= 0 && (rc = pwrite_all(fd, buf, k, dst))))
			break;
		src += k;
		dst += k;
		left -= k;
		if (!dg)
			continue;
		if (!inflating) {
			sink_put(&s, buf, k);
			continue;
		}
		zs.next_in = buf;
		zs.avail_in = (uInt)k;
		while (!rc && zs.avail_in > 0 && !ended) {
			zs.next_out = out;
			zs.avail_out = CHUNK;
			int zr = inflate(&zs, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END)
				rc = eseal_error_set(ESEAL_EFORMAT, "%s: damaged deflate data", e->path);
			sink_put(&s, out, CHUNK - zs.avail_out);
			if (s.total > e->size)
				rc = eseal_error_set(ESEAL_EFORMAT, "%s: data longer than its declared size", e->path);
			ended = zr == Z_STREAM_END;
		}
	}
	if (!rc && dg) {
		if (inflating && !ended)
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: deflate data ends early", e->path);
		else if (s.total != e->size)
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: data shorter than its declared size", e->path);
		else if (s.crc != e->crc)
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: CRC-32 mismatch", e->path);
		else
			ofd_digest_final(s.dg, dg);
	}
	if (inflating)
		inflateEnd(&zs);
	ofd_digest_free(s.dg);
	free(buf);
	free(out);
	return rc;
}

static void run_copy(copy_job *j)
{
	for (;;) {
		pthread_mutex_lock(&j->mu);
		size_t i = j->next++;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->n)
			return;
		j->rcs[i] = copy_one(j->d, j->fd, j->src[i], j->dst ? &j->dst[i] : NULL, j->a, j->dg ? j->dg[i] : NULL);
	}
}

static void *copy_worker(void *arg)
{
	run_copy(arg);
	return NULL;
}

/* Runs j on this thread and, for megabytes with a core free, a second
 * one; the first failure is returned with its message (j->rcs, when given,
 * gets every entry's result). */
static int run_jobs(copy_job *j, uint64_t total)
{
	int *own = NULL;
	if (!j->rcs && !(j->rcs = own = calloc(j->n ? j->n : 1, sizeof *own)))
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	pthread_t t;
	int two = j->n > 1 && total >= (8u << 20) && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
		  pthread_create(&t, NULL, copy_worker, j) == 0;
	run_copy(j);
	if (two)
		pthread_join(t, NULL);
	pthread_mutex_destroy(&j->mu);
	int rc = 0;
	for (size_t i = 0; i < j->n && !rc; i++)
		if (j->rcs[i]) /* again here, so that the message is this thread's */
			rc = j->rcs[i] = copy_one(j->d, j->fd, j->src[i], j->dst ? &j->dst[i] : NULL, j->a,
						  j->dg ? j->dg[i] : NULL);
	free(own);
	return rc;
}

int ofd_zw_copy(ofd_zw *w, const eseal_ofd *d, const eseal_ofd_entry *const *es, size_t n, uint8_t (*dg)[64])
{
	size_t first = w->n;
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		const eseal_ofd_entry *e = es[i];
		size_t idx = (size_t)(e - eseal_ofd_entry_at(d, 0));
		const ofd_zraw *raw = &d->raw[idx];
		zw_entry *z = new_entry(w);
		if (!z)
			return eseal_error_set(ESEAL_ENOMEM, "out of memory");
		if (strlen(e->name) > 65535)
			return eseal_error_set(ESEAL_EFORMAT, "%s: name too long", e->path);
		z->name = e->name;
		z->csize = e->csize;
		z->usize = e->size;
		z->crc = e->crc;
		z->method = (uint16_t)e->method;
		z->flags = (uint16_t)(raw->flags & 0x0800); /* UTF-8 names stay marked */
		z->dos_time = raw->dos_time;
		z->dos_date = raw->dos_date;
		z->is_dir = e->is_dir;
		z->off = w->pos;
		w->pos += local_len(z) + z->csize;
		total += e->csize;
		if (idx < w->ncopied)
			w->copied[idx] = 1;
	}
	copy_job j = { d, w->fd, es, w->es + first, OFD_DG_SM3, dg, NULL, n, 0, PTHREAD_MUTEX_INITIALIZER };
	return run_jobs(&j, total);
}

int ofd_digest_entries(const eseal_ofd *d, const eseal_ofd_entry *const *es, size_t n, ofd_digest_alg a,
		       uint8_t (*out)[64], int *rcs)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += es[i]->csize;
	copy_job j = { d, -1, es, NULL, a, out, rcs, n, 0, PTHREAD_MUTEX_INITIALIZER };
	return run_jobs(&j, total);
}

/* ---- new files ---- */

static void dos_now(uint16_t *t, uint16_t *dt)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	if (tm.tm_year < 80)
		tm.tm_year = 80;
	*t = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	*dt = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
}

static int zw_add(ofd_zw *w, const char *name, const uint8_t *data, size_t len)
{
	uLong cap = compressBound((uLong)len);
	uint8_t *z = malloc(cap + 1);
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (!z || deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	int zr = deflate(&zs, Z_FINISH);
	size_t zlen = zs.total_out;
	deflateEnd(&zs);
	if (zr != Z_STREAM_END) {
		free(z);
		return eseal_error_set(ESEAL_EIO, "%s: deflate failed", name);
	}
	zw_entry *e = new_entry(w);
	if (!e) {
		free(z);
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	e->name = name;
	e->method = 8;
	e->flags = ascii(name) ? 0 : 0x0800;
	e->crc = (uint32_t)crc32_z(crc32_z(0, NULL, 0), data, len);
	e->csize = zlen;
	e->usize = len;
	dos_now(&e->dos_time, &e->dos_date);
	e->off = w->pos;
	uint8_t hdr[30 + 65536 + 20];
	int rc = strlen(name) > 65535 ? eseal_error_set(ESEAL_EINVAL, "%s: name too long", name) : 0;
	size_t hl = rc ? 0 : local_header(hdr, e);
	if (!rc)
		rc = pwrite_all(w->fd, hdr, hl, w->pos);
	if (!rc)
		rc = pwrite_all(w->fd, z, zlen, w->pos + hl);
	free(z);
	if (!rc)
		w->pos += hl + zlen;
	return rc;
}

/* ---- the central directory and the end ---- */

static int finish(ofd_zw *w)
{
	eseal_buf cd = ESEAL_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; !rc && i < w->n; i++) {
		const zw_entry *e = &w->es[i];
		size_t nlen = strlen(e->name);
		uint8_t h[46], x[28];
		size_t xl = 0;
		int bs = big(e), bo = e->off >= 0xFFFFFFFFu;
		if (bs || bo) {
			put16(x, 1);
			xl = 4;
			if (bs) {
				put64(x + xl, e->usize);
				put64(x + xl + 8, e->csize);
				xl += 16;
			}
			if (bo) {
				put64(x + xl, e->off);
				xl += 8;
			}
			put16(x + 2, (uint16_t)(xl - 4));
		}
		put32(h, 0x02014b50u);
		put16(h + 4, 3 << 8 | 45); /* made by: Unix, 4.5 */
		put16(h + 6, bs || bo ? 45 : 20);
		put16(h + 8, e->flags);
		put16(h + 10, e->method);
		put16(h + 12, e->dos_time);
		put16(h + 14, e->dos_date);
		put32(h + 16, e->crc);
		put32(h + 20, bs ? 0xFFFFFFFFu : (uint32_t)e->csize);
		put32(h + 24, bs ? 0xFFFFFFFFu : (uint32_t)e->usize);
		put16(h + 28, (uint16_t)nlen);
		put16(h + 30, (uint16_t)xl);
		put16(h + 32, 0);
		put16(h + 34, 0);
		put16(h + 36, 0);
		put32(h + 38, e->is_dir ? (040755u << 16 | 0x10) : 0100644u << 16);
		put32(h + 42, bo ? 0xFFFFFFFFu : (uint32_t)e->off);
		rc = eseal_buf_put(&cd, h, 46);
		if (!rc)
			rc = eseal_buf_put(&cd, e->name, nlen);
		if (!rc && xl)
			rc = eseal_buf_put(&cd, x, xl);
	}
	uint64_t cd_off = w->pos, cd_len = cd.len;
	int z64 = w->n >= 0xFFFF || cd_off >= 0xFFFFFFFFu || cd_len >= 0xFFFFFFFFu;
	if (!rc && z64) {
		uint8_t r[56 + 20];
		put32(r, 0x06064b50u);
		put64(r + 4, 44);
		put16(r + 12, 3 << 8 | 45);
		put16(r + 14, 45);
		put32(r + 16, 0);
		put32(r + 20, 0);
		put64(r + 24, w->n);
		put64(r + 32, w->n);
		put64(r + 40, cd_len);
		put64(r + 48, cd_off);
		put32(r + 56, 0x07064b50u);
		put32(r + 60, 0);
		put64(r + 64, cd_off + cd_len);
		put32(r + 72, 1);
		rc = eseal_buf_put(&cd, r, sizeof r);
	}
	if (!rc) {
		uint8_t r[22];
		put32(r, 0x06054b50u);
		put16(r + 4, 0);
		put16(r + 6, 0);
		put16(r + 8, z64 ? 0xFFFF : (uint16_t)w->n);
		put16(r + 10, z64 ? 0xFFFF : (uint16_t)w->n);
		put32(r + 12, z64 ? 0xFFFFFFFFu : (uint32_t)cd_len);
		put32(r + 16, z64 ? 0xFFFFFFFFu : (uint32_t)cd_off);
		put16(r + 20, 0);
		rc = eseal_buf_put(&cd, r, sizeof r);
	}
	if (!rc)
		rc = pwrite_all(w->fd, cd.data, cd.len, cd_off);
	if (!rc && ftruncate(w->fd, (off_t)(cd_off + cd.len)) != 0)
		rc = eseal_error_set(ESEAL_EIO, "cannot write the package: %s", strerror(errno));
	eseal_buf_free(&cd);
	return rc;
}

static int zw_close(ofd_zw *w, const char *path)
{
	int rc = finish(w);
	/* a document is not a secret: the mode of the file it replaces, else
	 * 0666 less the umask; and on disk before the rename */
	struct stat st;
	mode_t mode;
	if (stat(path, &st) == 0) {
		mode = st.st_mode & 0777;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	if (!rc && (fchmod(w->fd, mode) != 0 || fsync(w->fd) != 0))
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", w->tmp, strerror(errno));
	if (!rc && close(w->fd) != 0)
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", w->tmp, strerror(errno));
	w->fd = -1;
	if (!rc && rename(w->tmp, path) != 0)
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", path, strerror(errno));
	ofd_zw_abort(w); /* frees; the temporary name is gone after a rename */
	return rc;
}

/* ---- a whole package ---- */

static int dropped(const char *const *drop, const char *path)
{
	for (; drop && *drop; drop++)
		if (!strcmp(*drop, path))
			return 1;
	return 0;
}

static const ofd_new_file *find_new(const ofd_new_file *f, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].path, path) || (f[i].path[0] != '/' && !strcmp(f[i].path, path + 1)))
			return &f[i];
	return NULL;
}

int ofd_zw_package(ofd_zw *w, const eseal_ofd *d, const char *out, const ofd_new_file *files, size_t nfiles,
		   const char *const *drop)
{
	size_t ne = eseal_ofd_entry_count(d), nk = 0;
	const eseal_ofd_entry **kept = calloc(ne ? ne : 1, sizeof *kept);
	int rc = kept ? 0 : eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < ne; i++) {
		const eseal_ofd_entry *e = eseal_ofd_entry_at(d, i);
		if (!w->copied[i] && !dropped(drop, e->path) && !find_new(files, nfiles, e->path))
			kept[nk++] = e;
	}
	if (!rc)
		rc = ofd_zw_copy(w, d, kept, nk, NULL);
	free(kept);
	/* replacements keep the name the package used for them */
	for (size_t i = 0; !rc && i < nfiles; i++) {
		const eseal_ofd_entry *e = eseal_ofd_entry_find(d, files[i].path);
		const char *name = e ? e->name : files[i].path[0] == '/' ? files[i].path + 1 : files[i].path;
		rc = zw_add(w, name, files[i].data, files[i].len);
	}
	if (rc) {
		ofd_zw_abort(w);
		return rc;
	}
	return zw_close(w, out);
}

int ofd_write_package(const eseal_ofd *d, const char *out, const ofd_new_file *files, size_t nfiles,
		      const char *const *drop)
{
	ofd_zw *w;
	int rc = ofd_zw_open(&w, d, out);
	return rc ? rc : ofd_zw_package(w, d, out, files, nfiles, drop);
}
