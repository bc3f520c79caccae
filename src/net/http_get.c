/*
 * http_get.c - a minimal HTTP/1.1 GET over plain TCP for status answers
 * and revocation lists (which are signed, so no TLS is needed for their
 * integrity). One request per connection ("Connection: close"), one
 * deadline for everything, bounded headers and body. Never follows
 * redirects and never talks anything but http://.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "eseal/net.h"

#define HEAD_MAX 16384

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until the deadline; 0 when ready. */
static int wait_fd(int fd, short ev, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return eseal_error_set(ESEAL_EIO, "HTTP: timed out");
		struct pollfd p = { fd, ev, 0 };
		int n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return eseal_error_set(ESEAL_EIO, "HTTP: poll: %s", strerror(errno));
	}
}

static int split_url(const char *url, char *host, size_t hl, char *port, size_t pl, const char **path)
{
	if (strncasecmp(url, "http://", 7))
		return eseal_error_set(ESEAL_EINVAL, "only http:// URLs are supported: %s", url);
	const char *h = url + 7, *end = h + strcspn(h, "/?#");
	const char *colon = NULL;
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));
		if (!rb)
			return eseal_error_set(ESEAL_EINVAL, "bad URL host: %s", url);
		if ((size_t)(rb - h - 1) >= hl)
			return eseal_error_set(ESEAL_EINVAL, "URL host too long");
		snprintf(host, hl, "%.*s", (int)(rb - h - 1), h + 1);
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		size_t n = (size_t)((colon ? colon : end) - h);
		if (!n || n >= hl)
			return eseal_error_set(ESEAL_EINVAL, "bad URL host: %s", url);
		snprintf(host, hl, "%.*s", (int)n, h);
	}
	if (colon) {
		size_t n = (size_t)(end - colon - 1);
		if (!n || n >= pl)
			return eseal_error_set(ESEAL_EINVAL, "bad URL port: %s", url);
		snprintf(port, pl, "%.*s", (int)n, colon + 1);
	} else {
		snprintf(port, pl, "80");
	}
	*path = *end == '/' || *end == '?' ? end : "/";
	return 0;
}

static int connect_to(const char *host, const char *port, long long deadline, int *out)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	int e = getaddrinfo(host, port, &hints, &res);
	if (e)
		return eseal_error_set(ESEAL_EIO, "HTTP: cannot resolve %s: %s", host, gai_strerror(e));
	int rc = eseal_error_set(ESEAL_EIO, "HTTP: cannot connect to %s:%s", host, port);
	for (ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		int c = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (c && errno == EINPROGRESS && !wait_fd(fd, POLLOUT, deadline)) {
			int err = 0;
			socklen_t sl = sizeof err;
			c = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) || err ? -1 : 0;
		}
		if (!c) {
			*out = fd;
			rc = 0;
			break;
		}
		close(fd);
	}
	freeaddrinfo(res);
	if (rc)
		eseal_error_set(ESEAL_EIO, "HTTP: cannot connect to %s:%s", host, port);
	return rc;
}

/* Value of header name in the head block (NUL-terminated lines), or NULL. */
static const char *header(const char *head, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	for (const char *p = strstr(head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
		const char *line = p + 2;
		if (!strncasecmp(line, name, nl) && line[nl] == ':') {
			const char *v = line + nl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t n = strcspn(v, "\r\n");
			while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			if (n >= outlen)
				n = outlen - 1;
			memcpy(out, v, n);
			out[n] = 0;
			return out;
		}
	}
	return NULL;
}

/* Decodes a chunked body in place. */
static int dechunk(eseal_buf *b)
{
	size_t r = 0, w = 0;
	for (;;) {
		char *end;
		if (r >= b->len)
			return eseal_error_set(ESEAL_EFORMAT, "HTTP: truncated chunked body");
		unsigned long n = strtoul((char *)b->data + r, &end, 16);
		size_t at = (size_t)((uint8_t *)end - b->data);
		uint8_t *crlf = memchr(b->data + at, '\n', b->len - at);
		if (!crlf || end == (char *)b->data + r)
			return eseal_error_set(ESEAL_EFORMAT, "HTTP: bad chunk header");
		r = (size_t)(crlf - b->data) + 1;
		if (n == 0)
			break;
		if (n > b->len - r || b->len - r - n < 2)
			return eseal_error_set(ESEAL_EFORMAT, "HTTP: truncated chunk");
		memmove(b->data + w, b->data + r, n);
		w += n;
		r += n + 2;
	}
	b->len = w;
	return 0;
}

/* One exchange; body != NULL makes it a POST of body with content type ctype. */
static int http_request(const char *url, const char *accept, const char *ctype, const uint8_t *body, size_t blen,
			const char *auth, int timeout_ms, size_t max_body, eseal_http_answer *ans)
{
	char host[256], port[16];
	eseal_buf req = ESEAL_BUF_INIT;
	const char *path = "/";
	memset(ans, 0, sizeof *ans);
	if (timeout_ms <= 0)
		timeout_ms = 10000;
	if (!max_body)
		max_body = 16u << 20;
	int rc = split_url(url, host, sizeof host, port, sizeof port, &path);
	if (rc)
		return rc;
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '#')
			return eseal_error_set(ESEAL_EINVAL, "bad character in URL path");
	/* the Host header carries the port when it is not the default */
	char hosthdr[300];
	int v6 = strchr(host, ':') != NULL, dflt = !strcmp(port, "80");
	snprintf(hosthdr, sizeof hosthdr, "%s%s%s%s%s", v6 ? "[" : "", host, v6 ? "]" : "", dflt ? "" : ":",
		 dflt ? "" : port);
	if (strlen(path) > 3000)
		return eseal_error_set(ESEAL_EINVAL, "URL too long");
	rc = eseal_buf_printf(&req, "%s %.*s HTTP/1.1\r\nHost: %s\r\nUser-Agent: eseal\r\nAccept: %s\r\n",
			      body ? "POST" : "GET", (int)strcspn(path, "#"), path, hosthdr, accept ? accept : "*/*");
	/* a header value must not smuggle another header */
	if (!rc && auth && (strpbrk(auth, "\r\n") || strlen(auth) > 1000))
		rc = eseal_error_set(ESEAL_EINVAL, "bad Authorization value");
	if (!rc && auth)
		rc = eseal_buf_printf(&req, "Authorization: %s\r\n", auth);
	if (!rc && body)
		rc = eseal_buf_printf(&req, "Content-Type: %s\r\nContent-Length: %zu\r\n",
				      ctype ? ctype : "application/octet-stream", blen);
	if (!rc)
		rc = eseal_buf_printf(&req, "Connection: close\r\n\r\n");
	if (!rc && body)
		rc = eseal_buf_put(&req, body, blen);
	long long deadline = now_ms() + timeout_ms;
	int fd = -1;
	if (!rc)
		rc = connect_to(host, port, deadline, &fd);
	if (rc) {
		eseal_buf_free(&req);
		return rc;
	}
	size_t sent = 0, n = req.len;
	while (!rc && sent < n) {
		ssize_t k = send(fd, req.data + sent, n - sent, MSG_NOSIGNAL);
		if (k > 0)
			sent += (size_t)k;
		else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			rc = wait_fd(fd, POLLOUT, deadline);
		else
			rc = eseal_error_set(ESEAL_EIO, "HTTP: send: %s", strerror(errno));
	}
	eseal_buf in = ESEAL_BUF_INIT;
	size_t head_end = 0;
	long long clen = -1;
	while (!rc) {
		uint8_t tmp[8192];
		ssize_t k = recv(fd, tmp, sizeof tmp, 0);
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			rc = wait_fd(fd, POLLIN, deadline);
			continue;
		}
		if (k < 0) {
			rc = eseal_error_set(ESEAL_EIO, "HTTP: recv: %s", strerror(errno));
			break;
		}
		if (k == 0)
			break;
		if ((rc = eseal_buf_put(&in, tmp, (size_t)k)))
			break;
		if (!head_end) {
			uint8_t *e = NULL;
			for (size_t i = 3; i < in.len && !e; i++)
				if (!memcmp(in.data + i - 3, "\r\n\r\n", 4))
					e = in.data + i + 1;
			if (e)
				head_end = (size_t)(e - in.data);
			else if (in.len > HEAD_MAX)
				rc = eseal_error_set(ESEAL_ELIMIT, "HTTP: header larger than %d bytes", HEAD_MAX);
		}
		if (head_end && in.len - head_end > max_body + 64 * 1024)
			rc = eseal_error_set(ESEAL_ELIMIT, "HTTP: answer larger than %zu bytes", max_body);
		if (head_end && clen < 0) {
			char v[32];
			char *hd = strndup((char *)in.data, head_end);
			if (hd && header(hd, "Content-Length", v, sizeof v))
				clen = strtoll(v, NULL, 10);
			free(hd);
		}
		if (head_end && clen >= 0 && in.len - head_end >= (size_t)clen)
			break;
	}
	close(fd);
	eseal_buf_free(&req);
	if (!rc && !head_end)
		rc = eseal_error_set(ESEAL_EFORMAT, "HTTP: no complete answer from %s", host);
	char *head = NULL;
	if (!rc && !(head = strndup((char *)in.data, head_end)))
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (!rc && sscanf(head, "HTTP/1.%*1[01] %3d", &ans->status) != 1)
		rc = eseal_error_set(ESEAL_EFORMAT, "HTTP: bad status line");
	if (!rc) {
		char te[64];
		header(head, "Content-Type", ans->content_type, sizeof ans->content_type);
		header(head, "ETag", ans->etag, sizeof ans->etag);
		rc = eseal_buf_put(&ans->body, in.data + head_end, in.len - head_end);
		if (!rc && clen >= 0) {
			if ((size_t)clen > ans->body.len)
				rc = eseal_error_set(ESEAL_EFORMAT, "HTTP: answer cut short");
			else
				ans->body.len = (size_t)clen;
		} else if (!rc && header(head, "Transfer-Encoding", te, sizeof te) && strcasestr(te, "chunked")) {
			rc = dechunk(&ans->body);
		}
		if (!rc && ans->body.len > max_body)
			rc = eseal_error_set(ESEAL_ELIMIT, "HTTP: answer larger than %zu bytes", max_body);
	}
	free(head);
	eseal_buf_free(&in);
	if (rc)
		eseal_http_answer_free(ans);
	return rc;
}

int eseal_http_get(const char *url, const char *accept, int timeout_ms, size_t max_body, eseal_http_answer *ans)
{
	return http_request(url, accept, NULL, NULL, 0, NULL, timeout_ms, max_body, ans);
}

int eseal_http_post(const char *url, const char *ctype, const void *body, size_t len, int timeout_ms,
		    size_t max_body, eseal_http_answer *ans)
{
	return http_request(url, NULL, ctype, body ? body : "", len, NULL, timeout_ms, max_body, ans);
}

int eseal_http_call(const char *url, const char *authorization, const char *ctype, const void *body, size_t len,
		    int timeout_ms, size_t max_body, eseal_http_answer *ans)
{
	return http_request(url, "application/json", ctype, body, len, authorization, timeout_ms, max_body, ans);
}

void eseal_http_answer_free(eseal_http_answer *ans)
{
	eseal_buf_free(&ans->body);
	memset(ans, 0, sizeof *ans);
}
