/*
 * client.c - getting a time-stamp: a minimal HTTP/1.1 POST of a
 * TimeStampReq to an RFC 3161 TSA (http:// only, RFC 3161 §3.4), or a call
 * to an in-process TSA; then the checks a client owes the TSA's answer
 * (granted, imprint and nonce echoed). It never trusts the network: the
 * answer is bounded, parsed strictly, and a token that does not answer
 * our own request is refused.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "tsa/tsa_internal.h"

#define MAX_RESP (1u << 20)

static int parse_url(const char *url, char *host, size_t hl, char *port, size_t pl, const char **path)
{
	if (strncasecmp(url, "http://", 7))
		return eseal_error_set(ESEAL_EUNSUPPORTED, "TSA URL '%s': only http:// is supported", url);
	const char *h = url + 7, *slash = strchr(h, '/');
	size_t n = slash ? (size_t)(slash - h) : strlen(h);
	*path = slash ? slash : "/";
	if (!n || n >= hl)
		return eseal_error_set(ESEAL_EINVAL, "TSA URL '%s': bad host", url);
	memcpy(host, h, n);
	host[n] = 0;
	snprintf(port, pl, "80");
	char *colon = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
	if (colon) {
		if (host[0] == '[')
			colon++;
		snprintf(port, pl, "%s", colon + 1);
		*colon = 0;
	}
	if (host[0] == '[') {
		size_t l = strlen(host);
		if (l < 3 || host[l - 1] != ']')
			return eseal_error_set(ESEAL_EINVAL, "TSA URL '%s': bad host", url);
		memmove(host, host + 1, l - 2);
		host[l - 2] = 0;
	}
	for (const char *p = *path; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return eseal_error_set(ESEAL_EINVAL, "TSA URL: bad path");
	return 0;
}

static int dial(const char *host, const char *port, int timeout_s)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc)
		return eseal_error_set(ESEAL_EIO, "TSA %s:%s: %s", host, port, gai_strerror(rc));
	int fd = -1;
	struct timeval tv = { timeout_s, 0 };
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		return eseal_error_set(ESEAL_EIO, "TSA %s:%s: cannot connect: %s", host, port, strerror(errno));
	return fd;
}

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return eseal_error_set(ESEAL_EIO, "TSA: cannot send: %s", strerror(errno));
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Decodes a chunked body in place into out. */
static int unchunk(const uint8_t *p, size_t n, eseal_buf *out)
{
	size_t i = 0;
	for (;;) {
		size_t len = 0, digits = 0;
		while (i < n && digits < 8) {
			int c = p[i], v = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
			if (v < 0)
				break;
			len = len * 16 + (size_t)v;
			digits++;
			i++;
		}
		while (i < n && p[i] != '\n')
			i++;
		if (!digits || i >= n)
			return eseal_error_set(ESEAL_EFORMAT, "TSA: bad chunked answer");
		i++;
		if (!len)
			return 0;
		if (len > n - i)
			return eseal_error_set(ESEAL_EFORMAT, "TSA: truncated answer");
		if (eseal_buf_put(out, p + i, len))
			return ESEAL_ENOMEM;
		i += len;
		if (i + 2 <= n && p[i] == '\r')
			i++;
		if (i < n && p[i] == '\n')
			i++;
	}
}

static int http_post(const char *url, const uint8_t *req, size_t len, int timeout_s, eseal_buf *resp)
{
	char host[256], port[16];
	const char *path = "/";
	int rc = parse_url(url, host, sizeof host, port, sizeof port, &path);
	if (rc)
		return rc;
	int fd = dial(host, port, timeout_s > 0 ? timeout_s : 20);
	if (fd < 0)
		return fd;
	eseal_buf h = ESEAL_BUF_INIT, in = ESEAL_BUF_INIT;
	int v6 = strchr(host, ':') != NULL;
	rc = eseal_buf_printf(&h,
			      "POST %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\nUser-Agent: eseal/%s\r\n"
			      "Content-Type: application/timestamp-query\r\nAccept: application/timestamp-reply\r\n"
			      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			      path, v6 ? "[" : "", host, v6 ? "]" : "", strcmp(port, "80") ? ":" : "",
			      strcmp(port, "80") ? port : "", eseal_version(), len);
	if (!rc) rc = write_all(fd, h.data, h.len);
	if (!rc) rc = write_all(fd, req, len);
	while (!rc) {
		if (eseal_buf_reserve(&in, 8192)) {
			rc = ESEAL_ENOMEM;
			break;
		}
		ssize_t r = recv(fd, in.data + in.len, 8192, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = eseal_error_set(ESEAL_EIO, "TSA: no answer: %s", strerror(errno));
		if (r <= 0)
			break;
		in.len += (size_t)r;
		if (in.len > MAX_RESP)
			rc = eseal_error_set(ESEAL_ELIMIT, "TSA: answer larger than %u bytes", MAX_RESP);
	}
	close(fd);
	eseal_buf_free(&h);
	const uint8_t *end = NULL;
	if (!rc) {
		for (size_t i = 0; i + 4 <= in.len && !end; i++)
			if (!memcmp(in.data + i, "\r\n\r\n", 4))
				end = in.data + i + 4;
		if (!end)
			rc = eseal_error_set(ESEAL_EFORMAT, "TSA: not an HTTP answer");
	}
	if (!rc) {
		char head[4096];
		size_t hl = (size_t)(end - in.data) < sizeof head ? (size_t)(end - in.data) : sizeof head - 1;
		memcpy(head, in.data, hl);
		head[hl] = 0;
		int code = 0;
		if (sscanf(head, "HTTP/1.%*d %d", &code) != 1)
			rc = eseal_error_set(ESEAL_EFORMAT, "TSA: not an HTTP answer");
		else if (code != 200)
			rc = eseal_error_set(ESEAL_EDENIED, "TSA answered HTTP %d", code);
		/* headers: lower-case copy for the checks */
		for (char *p = head; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		char *ct = strstr(head, "\ncontent-type:");
		if (!rc && ct) {
			ct += 14;
			while (*ct == ' ' || *ct == '\t')
				ct++;
			if (strncmp(ct, "application/timestamp-reply", 27))
				rc = eseal_error_set(ESEAL_EFORMAT, "TSA: the answer is not application/timestamp-reply");
		}
		size_t body = in.len - (size_t)(end - in.data);
		eseal_buf_clear(resp);
		if (!rc && strstr(head, "\ntransfer-encoding: chunked"))
			rc = unchunk(end, body, resp);
		else if (!rc) {
			char *cl = strstr(head, "\ncontent-length:");
			unsigned long long want = cl ? strtoull(cl + 16, NULL, 10) : body;
			if (want > body)
				rc = eseal_error_set(ESEAL_EFORMAT, "TSA: truncated answer");
			else
				rc = eseal_buf_put(resp, end, (size_t)want);
		}
	}
	eseal_buf_free(&in);
	return rc;
}

int eseal_tsa_fetch(const eseal_tsa_source *s, const char *hash, const uint8_t *digest, size_t dlen,
		    eseal_buf *token)
{
	if (!s || (!s->url && !s->local) || !token)
		return eseal_error_set(ESEAL_EINVAL, "time-stamp: no TSA given");
	eseal_tsa_req q;
	eseal_buf req = ESEAL_BUF_INIT, resp = ESEAL_BUF_INIT;
	eseal_tst *t = NULL;
	int status = -1;
	uint32_t fail = 0;
	char text[200];
	int rc = eseal_tsa_req_make_hash(&q, hash, digest, dlen, 1);
	if (!rc) rc = eseal_tsa_req_encode(&q, &req);
	if (!rc)
		rc = s->local ? eseal_tsa_respond(s->local, req.data, req.len, &resp)
			      : http_post(s->url, req.data, req.len, s->timeout_s, &resp);
	if (!rc) rc = eseal_tsa_resp_parse(resp.data ? resp.data : (const uint8_t *)"", resp.len, &status, &fail,
					   text, sizeof text, &t);
	if (!rc && !t)
		rc = eseal_error_set(ESEAL_EDENIED, "the TSA refused (status %d, failInfo 0x%x): %s", status,
				     (unsigned)fail, text[0] ? text : "-");
	if (!rc) {
		size_t n, nn;
		const uint8_t *imp = eseal_tst_imprint(t, &n), *nonce = eseal_tst_nonce(t, &nn);
		if (strcmp(eseal_tst_hash(t), q.hash) || n != q.imprint_len || memcmp(imp, q.imprint, n))
			rc = eseal_error_set(ESEAL_EVERIFY, "the TSA's token is for other data");
		else if (!nonce || nn != q.nonce_len || memcmp(nonce, q.nonce, nn))
			rc = eseal_error_set(ESEAL_EVERIFY, "the TSA's token does not echo our nonce");
		else if (!eseal_tst_signer_cert(t, NULL))
			rc = eseal_error_set(ESEAL_EVERIFY, "the TSA's token lacks the certificate we asked for");
	}
	if (!rc) {
		size_t n;
		const uint8_t *d = eseal_tst_der(t, &n);
		eseal_buf_clear(token);
		rc = eseal_buf_put(token, d, n);
	}
	eseal_tst_free(t);
	eseal_buf_free(&req);
	eseal_buf_free(&resp);
	return rc;
}

int eseal_tsa_cms_callback(void *ctx, const char *hash, const uint8_t *sig, size_t siglen, eseal_buf *token)
{
	uint8_t h[ESEAL_TSA_MAX_HASH];
	int n = tsa_hash(hash, sig, siglen, h);
	if (n < 0)
		return n;
	return eseal_tsa_fetch(ctx, hash, h, (size_t)n, token);
}

int eseal_tst_verify_cms(const eseal_cms *c, const eseal_trust *trust, eseal_report_item *it, time_t *proven)
{
	size_t tl, sl;
	const uint8_t *tok = c ? eseal_cms_timestamp_token(c, &tl) : NULL;
	if (proven)
		*proven = 0;
	if (!tok)
		return eseal_error_set(ESEAL_ENOTFOUND, "the signature has no time-stamp");
	const uint8_t *sig = eseal_cms_signature_value(c, &sl);
	eseal_tst *t = NULL;
	int rc = eseal_tst_parse(&t, tok, tl);
	if (rc) {
		if (it)
			eseal_item_check(it, "timestamp_token", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
					 "the signature time-stamp cannot be read: %s", eseal_error_last());
		return ESEAL_EVERIFY;
	}
	eseal_tst_verify_opts o = { 0 };
	o.trust = trust;
	o.data = sig;
	o.data_len = sl;
	rc = eseal_tst_verify(t, &o, it);
	if (!rc && proven)
		*proven = eseal_tst_gen_time(t);
	eseal_tst_free(t);
	return rc;
}
