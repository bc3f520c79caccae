/*
 * file.c - whole-file reads and atomic writes (temp file + fsync + rename),
 * so a failed command never leaves a half-written output behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eseal/common.h"

int eseal_file_read(eseal_buf *out, const char *path, size_t max)
{
	if (!max)
		max = (size_t)1 << 30;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return eseal_error_set(ESEAL_EIO, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return eseal_error_set(ESEAL_EIO, "%s: is a directory", path);
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		close(fd);
		return eseal_error_set(ESEAL_ELIMIT, "%s: file too large (%lld bytes, limit %zu)",
				       path, (long long)st.st_size, max);
	}
	out->len = 0;
	for (;;) {
		int rc = eseal_buf_reserve(out, 65536);
		if (rc) {
			close(fd);
			return rc;
		}
		ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return eseal_error_set(ESEAL_EIO, "%s: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len > max) {
			close(fd);
			return eseal_error_set(ESEAL_ELIMIT, "%s: file too large (limit %zu)", path, max);
		}
	}
	out->data[out->len] = 0;
	close(fd);
	return 0;
}

int eseal_file_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 32);
	if (!tmp)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	snprintf(tmp, n + 32, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return eseal_error_set(ESEAL_EIO, "%s: %s", path, strerror(e));
	}
	const uint8_t *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fchmod(fd, (mode_t)mode) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	return 0;
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return eseal_error_set(ESEAL_EIO, "%s: %s", path, strerror(e));
}
