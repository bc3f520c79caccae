/*
 * zip.c - the OFD container: a zip read strictly.
 *
 * The central directory is parsed here as well as by libzip so that every
 * local header can be compared with its central entry (name, method, CRC and
 * sizes), duplicate and traversing names refused, overlapping entries found
 * and limits applied before a byte is inflated. libzip then does the
 * inflating and CRC checking, and stays available for raw copies.
 * This file must never trust a size it has not checked against the limits.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "ofd/ofd_internal.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

int ofd_anomaly(eseal_ofd *d, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (d->nanomalies >= 1000)
		return 0; /* enough to make the point */
	char **a = realloc(d->anomalies, (d->nanomalies + 1) * sizeof *a);
	if (!a)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	d->anomalies = a;
	if (!(a[d->nanomalies] = strdup(msg)))
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	d->nanomalies++;
	return 0;
}

/* Reads n bytes at off from the package bytes; ESEAL_EFORMAT past the end. */
static int read_at(const eseal_ofd *d, uint64_t off, void *buf, size_t n)
{
	if (off > d->file_size || n > d->file_size - off)
		return eseal_error_set(ESEAL_EFORMAT, "zip: truncated (a structure runs past the end)");
	if (d->mem) {
		memcpy(buf, d->mem + off, n);
		return 0;
	}
	if (fseeko(d->fp, (off_t)off, SEEK_SET) != 0 || fread(buf, 1, n, d->fp) != n)
		return eseal_error_set(ESEAL_EIO, "zip: read error");
	return 0;
}

/* Looks for a ZIP64 extended-information field and takes the values the
 * 32-bit fields left at 0xFFFFFFFF, in the order the format gives them. */
static int zip64_extra(const uint8_t *ex, size_t elen, uint64_t *usize, uint64_t *csize,
		       uint64_t *off)
{
	while (elen >= 4) {
		uint16_t id = le16(ex), n = le16(ex + 2);
		if ((size_t)n + 4 > elen)
			return eseal_error_set(ESEAL_EFORMAT, "zip: malformed extra field");
		if (id == 1) {
			const uint8_t *p = ex + 4, *end = p + n;
			uint64_t *want[3] = { usize, csize, off };
			for (int i = 0; i < 3; i++) {
				if (!want[i] || *want[i] != 0xFFFFFFFFu)
					continue;
				if (end - p < 8)
					return eseal_error_set(ESEAL_EFORMAT, "zip: short ZIP64 extra field");
				*want[i] = le64(p);
				p += 8;
			}
			return 0;
		}
		ex += 4 + n;
		elen -= 4 + (size_t)n;
	}
	return 0;
}

typedef struct {
	uint64_t local_off, data_end;
	uint16_t flags;
	size_t i;
} span;

static int cmp_span(const void *a, const void *b)
{
	const span *x = a, *y = b;
	return (x->local_off > y->local_off) - (x->local_off < y->local_off);
}

static int cmp_path_idx(const void *a, const void *b, void *ctx)
{
	const eseal_ofd *d = ctx;
	return strcmp(d->entries[*(const size_t *)a].path, d->entries[*(const size_t *)b].path);
}

static int cmp_path_ci(const void *a, const void *b, void *ctx)
{
	const eseal_ofd *d = ctx;
	return strcasecmp(d->entries[*(const size_t *)a].path, d->entries[*(const size_t *)b].path);
}

static time_t dos_time(uint16_t t, uint16_t dt)
{
	struct tm tm = { 0 };
	tm.tm_year = ((dt >> 9) & 0x7F) + 80;
	tm.tm_mon = ((dt >> 5) & 0x0F) - 1;
	tm.tm_mday = dt & 0x1F;
	tm.tm_hour = (t >> 11) & 0x1F;
	tm.tm_min = (t >> 5) & 0x3F;
	tm.tm_sec = (t & 0x1F) * 2;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Finds the end-of-central-directory record; fills the directory's place. */
static int find_cdir(eseal_ofd *d, uint64_t *cd_start, uint64_t *cd_size, uint64_t *count,
		     uint64_t *zip_start, uint64_t *zip_end)
{
	uint8_t *tail;
	size_t tlen = d->file_size < 22 + 65535 ? (size_t)d->file_size : 22 + 65535;
	if (d->file_size < 22)
		return eseal_error_set(ESEAL_EFORMAT, "not a zip file (too short)");
	if (!(tail = malloc(tlen)))
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	uint64_t tbase = d->file_size - tlen;
	int rc = read_at(d, tbase, tail, tlen);
	if (rc) {
		free(tail);
		return rc;
	}
	/* The last signature whose comment ends exactly at the end of the file
	 * wins; otherwise the last one that fits (trailing data). */
	ssize_t exact = -1, fits = -1;
	for (ssize_t i = (ssize_t)tlen - 22; i >= 0; i--) {
		if (le32(tail + i) != 0x06054b50u)
			continue;
		size_t end = (size_t)i + 22 + le16(tail + i + 20);
		if (end == tlen) {
			exact = i;
			break;
		}
		if (end < tlen && fits < 0)
			fits = i;
	}
	ssize_t at = exact >= 0 ? exact : fits;
	if (at < 0) {
		free(tail);
		return eseal_error_set(ESEAL_EFORMAT, "not a zip file (no end of central directory)");
	}
	const uint8_t *e = tail + at;
	uint64_t eocd = tbase + (uint64_t)at;
	*zip_end = eocd + 22 + le16(e + 20);
	if (le16(e + 4) != 0 || le16(e + 6) != 0 || le16(e + 8) != le16(e + 10)) {
		free(tail);
		return eseal_error_set(ESEAL_EUNSUPPORTED, "zip: multi-part archives are not supported");
	}
	uint64_t n = le16(e + 10), size = le32(e + 12), off = le32(e + 16);
	uint64_t dir_end = eocd;
	free(tail);
	if (n == 0xFFFF || size == 0xFFFFFFFFu || off == 0xFFFFFFFFu) {
		uint8_t loc[20], z[56];
		if (eocd < 20 || (rc = read_at(d, eocd - 20, loc, 20)) || le32(loc) != 0x07064b50u)
			return rc ? rc : eseal_error_set(ESEAL_EFORMAT, "zip: ZIP64 locator missing");
		/* Where the ZIP64 record really is: it sits right before the
		 * locator (prepended data shifts the stored offset). */
		if (eocd < 20 + 56)
			return eseal_error_set(ESEAL_EFORMAT, "zip: ZIP64 record missing");
		uint64_t zpos = eocd - 20 - 56;
		if ((rc = read_at(d, zpos, z, 56)))
			return rc;
		if (le32(z) != 0x06064b50u)
			return eseal_error_set(ESEAL_EFORMAT, "zip: bad ZIP64 end record");
		n = le64(z + 32);
		size = le64(z + 40);
		off = le64(z + 48);
		dir_end = zpos;
	}
	if (size > dir_end)
		return eseal_error_set(ESEAL_EFORMAT, "zip: central directory larger than the file");
	*cd_start = dir_end - size;
	*cd_size = size;
	*count = n;
	if (*cd_start < off)
		return eseal_error_set(ESEAL_EFORMAT, "zip: central directory offset past its place");
	*zip_start = *cd_start - off;
	return 0;
}

/* Parses the central directory and checks it against the local headers. */
static int scan(eseal_ofd *d, uint64_t *zip_start, uint64_t *zip_end)
{
	uint64_t cd_start = 0, cd_size = 0, count = 0;
	int rc = find_cdir(d, &cd_start, &cd_size, &count, zip_start, zip_end);
	if (rc)
		return rc;
	if (*zip_start > 0 && (rc = ofd_anomaly(d, "%llu bytes of data before the zip archive",
						 (unsigned long long)*zip_start)))
		return rc;
	if (*zip_end < d->file_size &&
	    (rc = ofd_anomaly(d, "%llu bytes of data after the zip archive",
			      (unsigned long long)(d->file_size - *zip_end))))
		return rc;
	if (count > ESEAL_OFD_MAX_ENTRIES)
		return eseal_error_set(ESEAL_ELIMIT, "zip: %llu entries (limit %d)",
				       (unsigned long long)count, ESEAL_OFD_MAX_ENTRIES);
	if (cd_size > (uint64_t)count * (46 + 3 * 65535) || cd_size > ((uint64_t)64 << 20))
		return eseal_error_set(ESEAL_EFORMAT, "zip: central directory size is implausible");
	uint8_t *cd = malloc(cd_size ? (size_t)cd_size : 1);
	span *sp = calloc(count ? count : 1, sizeof *sp);
	d->entries = calloc(count ? count : 1, sizeof *d->entries);
	d->raw = calloc(count ? count : 1, sizeof *d->raw);
	if (!cd || !sp || !d->entries || !d->raw) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = read_at(d, cd_start, cd, (size_t)cd_size)))
		goto out;
	uint64_t total = 0;
	size_t pos = 0;
	for (uint64_t k = 0; k < count; k++) {
		eseal_ofd_entry *en = &d->entries[d->nentries];
		if (cd_size - pos < 46 || le32(cd + pos) != 0x02014b50u) {
			rc = eseal_error_set(ESEAL_EFORMAT, "zip: central directory entry %llu is malformed",
					     (unsigned long long)k);
			goto out;
		}
		const uint8_t *c = cd + pos;
		uint16_t flags = le16(c + 8), method = le16(c + 10);
		uint32_t crc = le32(c + 16);
		uint64_t csize = le32(c + 20), usize = le32(c + 24), loff = le32(c + 42);
		size_t nlen = le16(c + 28), elen = le16(c + 30), clen = le16(c + 32);
		if (cd_size - pos < 46 + nlen + elen + clen) {
			rc = eseal_error_set(ESEAL_EFORMAT, "zip: central directory entry %llu is truncated",
					     (unsigned long long)k);
			goto out;
		}
		char *name = malloc(nlen + 1);
		if (!name) {
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			goto out;
		}
		memcpy(name, c + 46, nlen);
		name[nlen] = 0;
		en->name = name;
		d->nentries++;
		if (strlen(name) != nlen || nlen == 0) {
			rc = eseal_error_set(ESEAL_EFORMAT, "zip: entry %llu has an empty name or a NUL in it",
					     (unsigned long long)k);
			goto out;
		}
		if ((rc = zip64_extra(c + 46 + nlen, elen, &usize, &csize, &loff)))
			goto out;
		pos += 46 + nlen + elen + clen;

		char *path;
		if ((rc = ofd_entry_canon(&path, name)))
			goto out;
		en->path = path;
		en->size = usize;
		en->csize = csize;
		en->crc = crc;
		en->method = method;
		en->is_dir = name[nlen - 1] == '/' || name[nlen - 1] == '\\';
		en->mtime = dos_time(le16(c + 12), le16(c + 14));
		d->raw[k].dos_time = le16(c + 12);
		d->raw[k].dos_date = le16(c + 14);
		d->raw[k].flags = flags;
		if (flags & 1) {
			rc = eseal_error_set(ESEAL_EUNSUPPORTED, "zip: entry \"%s\" is encrypted", name);
			goto out;
		}
		if (csize > d->file_size) {
			rc = eseal_error_set(ESEAL_EFORMAT, "zip: entry \"%s\" claims more compressed data "
					     "than the file holds", name);
			goto out;
		}
		if (method == 0 && usize != csize) {
			rc = eseal_error_set(ESEAL_EFORMAT, "zip: stored entry \"%s\" has two different sizes",
					     name);
			goto out;
		}
		if (usize > ESEAL_OFD_MAX_ENTRY) {
			rc = eseal_error_set(ESEAL_ELIMIT, "zip: entry \"%s\" claims %llu bytes (limit %llu)",
					     name, (unsigned long long)usize,
					     (unsigned long long)ESEAL_OFD_MAX_ENTRY);
			goto out;
		}
		total += usize;
		if (total > ESEAL_OFD_MAX_TOTAL) {
			rc = eseal_error_set(ESEAL_ELIMIT, "zip: entries claim more than %llu bytes in total",
					     (unsigned long long)ESEAL_OFD_MAX_TOTAL);
			goto out;
		}
		if (usize > (1u << 20) && usize / (csize ? csize : 1) > ESEAL_OFD_MAX_RATIO) {
			rc = eseal_error_set(ESEAL_ELIMIT, "zip: entry \"%s\" expands %llu times (limit %d)",
					     name, (unsigned long long)(usize / (csize ? csize : 1)),
					     ESEAL_OFD_MAX_RATIO);
			goto out;
		}
		if (method != 0 && method != 8 &&
		    (rc = ofd_anomaly(d, "entry \"%s\" uses compression method %d", name, method)))
			goto out;
		if (en->is_dir && usize > 0 &&
		    (rc = ofd_anomaly(d, "directory entry \"%s\" holds data", name)))
			goto out;

		/* The local header must say the same thing. */
		uint8_t lh[30];
		uint64_t lpos = *zip_start + loff;
		if (loff >= cd_start - *zip_start || (rc = read_at(d, lpos, lh, 30)) || le32(lh) != 0x04034b50u) {
			rc = eseal_error_set(ESEAL_EFORMAT, "zip: entry \"%s\": no local header where the "
					     "central directory points", name);
			goto out;
		}
		uint16_t lflags = le16(lh + 6), lmethod = le16(lh + 8);
		size_t lnlen = le16(lh + 26), lelen = le16(lh + 28);
		uint32_t lcrc = le32(lh + 14);
		uint64_t lcsize = le32(lh + 18), lusize = le32(lh + 22);
		uint8_t *lvar = malloc(lnlen + lelen + 1);
		if (!lvar) {
			rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = read_at(d, lpos + 30, lvar, lnlen + lelen))) {
			free(lvar);
			goto out;
		}
		int same_name = lnlen == nlen && memcmp(lvar, name, nlen) == 0;
		rc = zip64_extra(lvar + lnlen, lelen, &lusize, &lcsize, NULL);
		free(lvar);
		if (rc)
			goto out;
		const char *diff = NULL;
		if (!same_name)
			diff = "name";
		else if (lmethod != method)
			diff = "compression method";
		else if ((lflags & 1) != (flags & 1))
			diff = "encryption flag";
		else if (!(lflags & 8) && lcrc != crc)
			diff = "CRC";
		else if (!(lflags & 8) && (lcsize != csize || lusize != usize))
			diff = "sizes";
		else if ((lflags & 8) && ((lcrc && lcrc != crc) || (lcsize && lcsize != csize) ||
					  (lusize && lusize != usize)))
			diff = "CRC or sizes";
		if (diff) {
			rc = eseal_error_set(ESEAL_EFORMAT, "zip: entry \"%s\": local header and central "
					     "directory disagree (%s)", name, diff);
			goto out;
		}
		d->raw[k].data_off = lpos + 30 + lnlen + lelen;
		sp[k].local_off = lpos;
		sp[k].data_end = lpos + 30 + lnlen + lelen + csize;
		sp[k].i = (size_t)k;
		if (sp[k].data_end > cd_start) {
			rc = eseal_error_set(ESEAL_EFORMAT, "zip: entry \"%s\" runs into the central directory",
					     name);
			goto out;
		}
	}
	if (pos != cd_size && (rc = ofd_anomaly(d, "%zu unexplained bytes in the central directory",
						 (size_t)(cd_size - pos))))
		goto out;

	/* Entries must not share bytes: overlapping entries are a zip bomb
	 * technique and a way to show different content to different readers. */
	if (count > 1)
		qsort(sp, (size_t)count, sizeof *sp, cmp_span);
	for (uint64_t k = 1; k < count; k++)
		if (sp[k].local_off < sp[k - 1].data_end) {
			rc = eseal_error_set(ESEAL_EFORMAT, "zip: entries \"%s\" and \"%s\" overlap",
					     d->entries[sp[k - 1].i].name, d->entries[sp[k].i].name);
			goto out;
		}
	if (count > 0 && sp[0].local_off > *zip_start &&
	    (rc = ofd_anomaly(d, "%llu unexplained bytes before the first entry",
			      (unsigned long long)(sp[0].local_off - *zip_start))))
		goto out;

	/* Duplicate names: two entries that are the same file once canonical. */
	d->by_path = malloc((d->nentries ? d->nentries : 1) * sizeof *d->by_path);
	if (!d->by_path) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < d->nentries; i++)
		d->by_path[i] = i;
	qsort_r(d->by_path, d->nentries, sizeof *d->by_path, cmp_path_idx, d);
	for (size_t i = 1; i < d->nentries; i++) {
		const eseal_ofd_entry *a = &d->entries[d->by_path[i - 1]], *b = &d->entries[d->by_path[i]];
		if (strcmp(a->path, b->path) == 0) {
			rc = eseal_error_set(ESEAL_EFORMAT, "zip: duplicate entry name \"%s\"%s", b->path,
					     strcmp(a->name, b->name) ? " (spelled two ways)" : "");
			goto out;
		}
	}
	/* Names that differ only in case are one file on some systems and
	 * two in the zip: legal, but worth telling a verifier about. */
	size_t *ci = malloc((d->nentries ? d->nentries : 1) * sizeof *ci);
	if (!ci) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(ci, d->by_path, d->nentries * sizeof *ci);
	qsort_r(ci, d->nentries, sizeof *ci, cmp_path_ci, d);
	d->by_path_ci = ci;
	for (size_t i = 1; i < d->nentries && rc == 0; i++)
		if (strcasecmp(d->entries[ci[i - 1]].path, d->entries[ci[i]].path) == 0)
			rc = ofd_anomaly(d, "entries \"%s\" and \"%s\" differ only in case",
					 d->entries[ci[i - 1]].path, d->entries[ci[i]].path);
out:
	free(cd);
	free(sp);
	return rc;
}

int ofd_zip_open(eseal_ofd *d, const char *path)
{
	uint64_t zip_start = 0, zip_end = 0;
	int rc;
	if (!d->mem) {
		d->fp = fopen(path, "rb");
		if (!d->fp)
			return eseal_error_set(ESEAL_EIO, "%s: cannot open", path);
		if (fseeko(d->fp, 0, SEEK_END) != 0)
			return eseal_error_set(ESEAL_EIO, "%s: cannot seek", path);
		off_t sz = ftello(d->fp);
		if (sz < 0)
			return eseal_error_set(ESEAL_EIO, "%s: cannot seek", path);
		d->file_size = (uint64_t)sz;
	} else {
		d->file_size = d->memlen;
	}
	if ((rc = scan(d, &zip_start, &zip_end)))
		return rc;

	/* libzip sees exactly the archive, without prepended or appended data. */
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src;
	if (d->mem)
		src = zip_source_buffer_create(d->mem + zip_start, zip_end - zip_start, 0, &ze);
	else {
		/* The same open file that was checked, not the path again: the
		 * file may have been replaced in between. */
		int fd = dup(fileno(d->fp));
		FILE *fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
		if (!fp && fd >= 0)
			close(fd);
		src = fp ? zip_source_filep_create(fp, zip_start, (zip_int64_t)(zip_end - zip_start), &ze)
			 : NULL;
		if (fp && !src)
			fclose(fp);
		if (!fp)
			zip_error_set(&ze, ZIP_ER_OPEN, 0);
	}
	if (!src) {
		rc = eseal_error_set(ESEAL_EFORMAT, "zip: %s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	d->zip_start = zip_start;
	d->zip_len = zip_end - zip_start;
	d->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!d->za) {
		rc = eseal_error_set(ESEAL_EFORMAT, "zip: %s", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	zip_int64_t n = zip_get_num_entries(d->za, 0);
	if (n < 0 || (uint64_t)n != d->nentries)
		return eseal_error_set(ESEAL_EFORMAT, "zip: libzip sees %lld entries, the directory %zu",
				       (long long)n, d->nentries);
	for (size_t i = 0; i < d->nentries; i++) {
		const char *zn = zip_get_name(d->za, i, ZIP_FL_ENC_RAW);
		if (!zn || strcmp(zn, d->entries[i].name) != 0)
			return eseal_error_set(ESEAL_EFORMAT, "zip: entry %zu reads differently in libzip", i);
		d->entries[i].zip_index = i;
	}
	return 0;
}

void ofd_zip_close(eseal_ofd *d)
{
	if (d->za)
		zip_discard(d->za);
	if (d->fp)
		fclose(d->fp);
	for (size_t i = 0; i < d->nentries; i++) {
		free((char *)d->entries[i].name);
		free((char *)d->entries[i].path);
	}
	free(d->entries);
	free(d->raw);
	free(d->by_path);
	free(d->by_path_ci);
	for (size_t i = 0; i < d->nanomalies; i++)
		free(d->anomalies[i]);
	free(d->anomalies);
	free(d->mem);
}

size_t eseal_ofd_entry_count(const eseal_ofd *d) { return d->nentries; }

const eseal_ofd_entry *eseal_ofd_entry_at(const eseal_ofd *d, size_t i)
{
	return i < d->nentries ? &d->entries[i] : NULL;
}

const eseal_ofd_entry *eseal_ofd_entry_find(const eseal_ofd *d, const char *path)
{
	if (!path)
		return NULL;
	size_t lo = 0, hi = d->nentries;
	int slash = path[0] == '/';
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *p = d->entries[d->by_path[mid]].path;
		int c = strcmp(p + (slash ? 0 : 1), path);
		if (c == 0)
			return &d->entries[d->by_path[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const eseal_ofd_entry *ofd_entry_find_ci(const eseal_ofd *d, const char *path)
{
	size_t lo = 0, hi = d->nentries;
	if (!d->by_path_ci)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcasecmp(d->entries[d->by_path_ci[mid]].path, path);
		if (c == 0) {
			/* Unique only: two spellings leave it ambiguous. */
			if ((mid > 0 && !strcasecmp(d->entries[d->by_path_ci[mid - 1]].path, path)) ||
			    (mid + 1 < d->nentries && !strcasecmp(d->entries[d->by_path_ci[mid + 1]].path, path)))
				return NULL;
			return &d->entries[d->by_path_ci[mid]];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int eseal_ofd_read(const eseal_ofd *d, const char *path, size_t max, eseal_buf *out)
{
	const eseal_ofd_entry *e = eseal_ofd_entry_find(d, path);
	if (!e)
		return eseal_error_set(ESEAL_ENOTFOUND, "%s: no such file in the package", path);
	if (e->is_dir)
		return eseal_error_set(ESEAL_EFORMAT, "%s: is a folder", path);
	if (max == 0 || max > ESEAL_OFD_MAX_ENTRY)
		max = (size_t)ESEAL_OFD_MAX_ENTRY;
	if (e->size > max)
		return eseal_error_set(ESEAL_ELIMIT, "%s: %llu bytes (limit %zu)", path,
				       (unsigned long long)e->size, max);
	if (e->method != 0 && e->method != 8)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "%s: compression method %d is not supported",
				       path, e->method);
	int rc = eseal_buf_reserve(out, (size_t)e->size);
	if (rc)
		return rc;
	zip_file_t *f = zip_fopen_index(d->za, e->zip_index, 0);
	if (!f)
		return eseal_error_set(ESEAL_EFORMAT, "%s: %s", path, zip_strerror(d->za));
	size_t start = out->len;
	uint64_t left = e->size;
	while (left > 0) {
		zip_int64_t got = zip_fread(f, out->data + out->len, (zip_uint64_t)left);
		if (got < 0) {
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: %s", path, zip_file_strerror(f));
			break;
		}
		if (got == 0) {
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: data shorter than its declared size", path);
			break;
		}
		out->len += (size_t)got;
		left -= (uint64_t)got;
	}
	/* One more read at the end makes libzip check the CRC. */
	if (rc == 0) {
		uint8_t extra;
		zip_int64_t got = zip_fread(f, &extra, 1);
		if (got < 0)
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: %s", path, zip_file_strerror(f));
		else if (got > 0)
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: data longer than its declared size", path);
	}
	zip_fclose(f);
	if (rc)
		out->len = start;
	return rc;
}

int eseal_ofd_stream(const eseal_ofd *d, const char *path,
		     int (*cb)(void *ctx, const uint8_t *p, size_t n), void *ctx)
{
	const eseal_ofd_entry *e = eseal_ofd_entry_find(d, path);
	if (!e)
		return eseal_error_set(ESEAL_ENOTFOUND, "%s: no such file in the package", path);
	if (e->is_dir)
		return eseal_error_set(ESEAL_EFORMAT, "%s: is a folder", path);
	if (e->method != 0 && e->method != 8)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "%s: compression method %d is not supported",
				       path, e->method);
	uint8_t *chunk = malloc(65536);
	if (!chunk)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	zip_file_t *f = zip_fopen_index(d->za, e->zip_index, 0);
	if (!f) {
		free(chunk);
		return eseal_error_set(ESEAL_EFORMAT, "%s: %s", path, zip_strerror(d->za));
	}
	uint64_t total = 0;
	int rc = 0;
	for (;;) {
		zip_int64_t got = zip_fread(f, chunk, 65536);
		if (got < 0) {
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: %s", path, zip_file_strerror(f));
			break;
		}
		if (got == 0)
			break;
		total += (uint64_t)got;
		if (total > e->size) {
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: data longer than its declared size", path);
			break;
		}
		if ((rc = cb(ctx, chunk, (size_t)got)) != 0)
			break;
	}
	if (rc == 0 && total != e->size)
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: data shorter than its declared size", path);
	zip_fclose(f);
	free(chunk);
	return rc;
}

int eseal_ofd_read_raw(const eseal_ofd *d, const char *path, eseal_buf *out)
{
	const eseal_ofd_entry *e = eseal_ofd_entry_find(d, path);
	if (!e)
		return eseal_error_set(ESEAL_ENOTFOUND, "%s: no such file in the package", path);
	/* csize was bounded by the file size when the package was opened. */
	int rc = eseal_buf_reserve(out, (size_t)e->csize);
	if (rc)
		return rc;
	zip_file_t *f = zip_fopen_index(d->za, e->zip_index, ZIP_FL_COMPRESSED);
	if (!f)
		return eseal_error_set(ESEAL_EFORMAT, "%s: %s", path, zip_strerror(d->za));
	size_t start = out->len;
	uint64_t left = e->csize;
	while (left > 0 && rc == 0) {
		zip_int64_t got = zip_fread(f, out->data + out->len, (zip_uint64_t)left);
		if (got <= 0)
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: %s", path,
					     got < 0 ? zip_file_strerror(f) : "compressed data is short");
		else {
			out->len += (size_t)got;
			left -= (uint64_t)got;
		}
	}
	zip_fclose(f);
	if (rc)
		out->len = start;
	return rc;
}

void *eseal_ofd_zip(const eseal_ofd *d) { return d->za; }

size_t eseal_ofd_anomaly_count(const eseal_ofd *d) { return d->nanomalies; }

const char *eseal_ofd_anomaly(const eseal_ofd *d, size_t i)
{
	return i < d->nanomalies ? d->anomalies[i] : NULL;
}
