/*
 * serial.c - the TSA's serial number counter: a decimal number in a file,
 * incremented under an exclusive lock on a companion lock file and
 * rewritten atomically. Two tokens must never share a serial number, so
 * any doubt (unreadable or garbled file, lock failure) is an error, never
 * a restart from 1 over an existing file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "eseal/tsa.h"

static int parse_counter(const eseal_buf *b, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0, n = b->len;
	while (n && (b->data[n - 1] == '\n' || b->data[n - 1] == '\r'))
		n--;
	if (!n || n > 20)
		return ESEAL_EFORMAT;
	for (; i < n; i++) {
		uint8_t c = b->data[i];
		if (c < '0' || c > '9' || x > (UINT64_MAX - 9) / 10)
			return ESEAL_EFORMAT;
		x = x * 10 + (uint64_t)(c - '0');
	}
	*v = x;
	return 0;
}

int eseal_tsa_serial_file_next(const char *path, uint64_t *out)
{
	char lock[4200];
	if (!path || !out)
		return eseal_error_set(ESEAL_EINVAL, "TSA serial: no file");
	snprintf(lock, sizeof lock, "%s.lock", path);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return eseal_error_set(ESEAL_EIO, "%s: %s", lock, strerror(errno));
	int rc;
	while ((rc = flock(fd, LOCK_EX)) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		rc = eseal_error_set(ESEAL_EIO, "%s: cannot lock: %s", lock, strerror(errno));
		close(fd);
		return rc;
	}
	eseal_buf b = ESEAL_BUF_INIT;
	uint64_t v = 0;
	if (access(path, F_OK) == 0) {
		rc = eseal_file_read(&b, path, 64);
		if (!rc && parse_counter(&b, &v))
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: not a serial number counter", path);
	} else if (errno != ENOENT) {
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", path, strerror(errno));
	} else {
		rc = 0;
	}
	if (!rc && v == UINT64_MAX)
		rc = eseal_error_set(ESEAL_ELIMIT, "%s: serial numbers exhausted", path);
	if (!rc) {
		char num[32];
		int n = snprintf(num, sizeof num, "%llu\n", (unsigned long long)(v + 1));
		rc = eseal_file_write_atomic(path, num, (size_t)n, 0600);
	}
	if (!rc)
		*out = v + 1;
	eseal_buf_free(&b);
	flock(fd, LOCK_UN);
	close(fd);
	return rc;
}
