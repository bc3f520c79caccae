/*
 * static_files.c - serves the web console's files from one directory with
 * the right MIME types. Never serve anything outside that directory: ".."
 * segments, encoded slashes, NUL bytes and symbolic links leading out are
 * all refused, and hidden files (".name") are not served.
 *
 * /vendor/... (third-party browser code such as pdf.js, copied by the build
 * and never committed) comes from $ESEAL_WEB_VENDOR_DIR, else web-vendor/
 * beside a build-tree binary, else the console directory's own vendor/ (an
 * installation puts it there).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server_internal.h"

const char *srv_mime_type(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".htm", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" }, { ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" }, { ".json", "application/json" },
		{ ".svg", "image/svg+xml" }, { ".png", "image/png" }, { ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" }, { ".gif", "image/gif" }, { ".ico", "image/x-icon" },
		{ ".webp", "image/webp" }, { ".woff", "font/woff" }, { ".woff2", "font/woff2" },
		{ ".ttf", "font/ttf" }, { ".txt", "text/plain; charset=utf-8" }, { ".pdf", "application/pdf" },
		{ ".ofd", "application/ofd" }, { ".wasm", "application/wasm" }, { ".map", "application/json" },
	};
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (!strcasecmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes the URL path and checks each segment; -1 when unsafe. */
static int safe_relpath(const char *path, char *out, size_t outlen)
{
	size_t o = 0;
	for (const char *p = path; *p; p++) {
		int c = (unsigned char)*p;
		if (c == '%') {
			int hi = hexv((unsigned char)p[1]), lo = hi < 0 ? -1 : hexv((unsigned char)p[2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			p += 2;
			if (c == '/')
				return -1;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return -1;
		if (o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = 0;
	/* no empty, ".", ".." or hidden segments */
	for (char *s = out; *s;) {
		if (*s != '/')
			return -1;
		s++;
		if (*s == '.')
			return -1;
		char *e = strchr(s, '/');
		if (e == s)
			return -1;
		s = e ? e : s + strlen(s);
	}
	return 0;
}

static int is_dir(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

/* Where /vendor/ is served from when not the console's own vendor/; 0 if so. */
static int vendor_dir(char *out, size_t len)
{
	const char *env = getenv("ESEAL_WEB_VENDOR_DIR");
	if (env && *env) {
		if (!realpath(env, out) || strlen(out) >= len)
			return -1;
		return 0;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash = n > 0 ? (exe[n] = 0, strrchr(exe, '/')) : NULL;
	if (!slash)
		return -1;
	*slash = 0;
	char p[PATH_MAX + 16];
	snprintf(p, sizeof p, "%s/web-vendor", exe);
	if (!is_dir(p) || !realpath(p, out) || strlen(out) >= len)
		return -1;
	return 0;
}

void srv_static_serve(srv_req *r, const char *dir)
{
	char rel[1024], full[PATH_MAX + 1100], real[PATH_MAX], vdir[PATH_MAX];
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		srv_add_header(r, "Allow", "GET, HEAD");
		srv_problem(r, 405, "method-not-allowed", "Method Not Allowed", "static files are read-only");
		return;
	}
	const char *path = r->path;
	if (!strncmp(path, "/vendor/", 8) && !vendor_dir(vdir, sizeof vdir)) {
		dir = vdir;
		path += 7;
	}
	if (!strcmp(r->path, "/"))
		snprintf(rel, sizeof rel, "/index.html");
	else if (safe_relpath(path, rel, sizeof rel)) {
		srv_problem(r, 404, "not-found", "Not Found", "no such file");
		return;
	}
	snprintf(full, sizeof full, "%s%s", dir, rel);
	struct stat st;
	size_t dl = strlen(dir);
	if (!realpath(full, real) || strncmp(real, dir, dl) || real[dl] != '/' ||
	    stat(real, &st) || !S_ISREG(st.st_mode)) {
		srv_problem(r, 404, "not-found", "Not Found", "no such file");
		return;
	}
	eseal_buf_clear(&r->out);
	if (eseal_file_read(&r->out, real, 64u << 20)) {
		srv_problem(r, 404, "not-found", "Not Found", "no such file");
		return;
	}
	r->status = 200;
	r->content_type = srv_mime_type(real);
	srv_add_header(r, "X-Content-Type-Options", "nosniff");
}
