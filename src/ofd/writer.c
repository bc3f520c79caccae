/*
 * writer.c - writes a new OFD package from an open one: unchanged entries
 * are copied in their compressed form (no inflate/deflate, so large images
 * cost one copy and no memory), changed and new files are deflated.
 * The output goes to a temporary file next to the target and is renamed at
 * the end: this file must never leave a half-written package behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <zip.h>

#include "ofd/sign_internal.h"

static const ofd_new_file *find_new(const ofd_new_file *f, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].path, path) || (f[i].path[0] != '/' && !strcmp(f[i].path, path + 1)))
			return &f[i];
	return NULL;
}

static int dropped(const char *const *drop, const char *path)
{
	for (; drop && *drop; drop++)
		if (!strcmp(*drop, path))
			return 1;
	return 0;
}

static int add_buffer(zip_t *za, const char *name, const uint8_t *data, size_t len)
{
	zip_source_t *s = zip_source_buffer(za, data, len, 0);
	if (!s)
		return -1;
	zip_int64_t idx = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(s);
		return -1;
	}
	zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 6);
	return 0;
}

/* A document is not a secret: the mode of the file it replaces, else
 * 0666 less the umask; and on disk before the rename. */
static int finish_file(const char *tmp, const char *out)
{
	struct stat st;
	mode_t mode;
	if (stat(out, &st) == 0) {
		mode = st.st_mode & 0777;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	int fd = open(tmp, O_RDONLY);
	if (fd < 0)
		return eseal_error_set(ESEAL_EIO, "%s: %s", tmp, strerror(errno));
	int rc = 0;
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0)
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", tmp, strerror(errno));
	close(fd);
	return rc;
}

int ofd_write_package(const eseal_ofd *d, const char *out, const ofd_new_file *files,
		      size_t nfiles, const char *const *drop)
{
	zip_t *src = eseal_ofd_zip(d);
	size_t olen = strlen(out);
	char *tmp = malloc(olen + 16);
	if (!tmp)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	snprintf(tmp, olen + 16, "%s.tmp-XXXXXX", out);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return eseal_error_set(ESEAL_EIO, "%s: cannot create a temporary file: %s", out,
				       strerror(e));
	}
	close(fd);
	int ze = 0;
	zip_t *dst = zip_open(tmp, ZIP_TRUNCATE, &ze);
	if (!dst) {
		unlink(tmp);
		free(tmp);
		return eseal_error_set(ESEAL_EIO, "%s: cannot create the package (libzip error %d)", out, ze);
	}
	int rc = 0;
	char *used = calloc(nfiles + 1, 1);
	if (!used)
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < eseal_ofd_entry_count(d); i++) {
		const eseal_ofd_entry *e = eseal_ofd_entry_at(d, i);
		if (dropped(drop, e->path))
			continue;
		if (e->is_dir) {
			zip_int64_t idx = zip_dir_add(dst, e->name, ZIP_FL_ENC_UTF_8);
			if (idx < 0)
				rc = eseal_error_set(ESEAL_EIO, "%s: %s", e->name, zip_strerror(dst));
			else if (e->mtime > 0)
				zip_file_set_mtime(dst, (zip_uint64_t)idx, e->mtime, 0);
			continue;
		}
		const ofd_new_file *nf = find_new(files, nfiles, e->path);
		if (nf) {
			used[nf - files] = 1;
			if (add_buffer(dst, e->name, nf->data, nf->len))
				rc = eseal_error_set(ESEAL_EIO, "%s: %s", e->name, zip_strerror(dst));
			continue;
		}
		zip_source_t *s = zip_source_zip(dst, src, e->zip_index, ZIP_FL_COMPRESSED, 0, -1);
		if (!s) {
			rc = eseal_error_set(ESEAL_EIO, "%s: %s", e->name, zip_strerror(dst));
			break;
		}
		zip_int64_t idx = zip_file_add(dst, e->name, s, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(s);
			rc = eseal_error_set(ESEAL_EIO, "%s: %s", e->name, zip_strerror(dst));
			break;
		}
		/* keep the method: with ZIP_FL_COMPRESSED the data is copied as is */
		zip_set_file_compression(dst, (zip_uint64_t)idx, e->method == 0 ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0);
		if (e->mtime > 0)
			zip_file_set_mtime(dst, (zip_uint64_t)idx, e->mtime, 0);
	}
	for (size_t i = 0; rc == 0 && i < nfiles; i++) {
		if (used[i])
			continue;
		const char *name = files[i].path[0] == '/' ? files[i].path + 1 : files[i].path;
		if (add_buffer(dst, name, files[i].data, files[i].len))
			rc = eseal_error_set(ESEAL_EIO, "%s: %s", name, zip_strerror(dst));
	}
	free(used);
	if (rc == 0 && zip_close(dst) != 0) {
		rc = eseal_error_set(ESEAL_EIO, "%s: cannot write the package: %s", out, zip_strerror(dst));
		zip_discard(dst);
	} else if (rc) {
		zip_discard(dst);
	}
	if (rc == 0)
		rc = finish_file(tmp, out);
	if (rc == 0 && rename(tmp, out) != 0)
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", out, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}
