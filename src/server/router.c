/*
 * router.c - matches a method and a raw request path against the route
 * table. Patterns are literal segments and {name} parameters that match one
 * non-empty segment; parameters are percent-decoded and must not decode to
 * '/', NUL or control characters. Never match on a decoded whole path: an
 * encoded slash must not create a new segment.
 */
#include <stdio.h>
#include <string.h>

#include "server_internal.h"


/* Decodes seg[0..len) into out; -1 on a bad escape or a forbidden byte. */
static int decode_segment(const char *seg, size_t len, char *out, size_t outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)seg[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= len)
				return -1;
			hi = eseal_hex_digit((unsigned char)seg[i + 1]);
			lo = eseal_hex_digit((unsigned char)seg[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || c == '/')
			return -1;
		if (o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = 0;
	return 0;
}

/* Compares path to pattern segment by segment; fills params when m. */
static int path_matches(const char *pattern, const char *path, srv_match *m)
{
	const char *p = pattern, *s = path;
	int np = 0;
	if (*p != '/' || *s != '/')
		return 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++, s++;
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t sl = se ? (size_t)(se - s) : strlen(s);
		if (pl > 2 && p[0] == '{' && p[pl - 1] == '}') {
			if (sl == 0 || np >= SRV_MAX_PARAMS)
				return 0;
			if (m) {
				if (decode_segment(s, sl, m->pvalues[np], sizeof m->pvalues[np]))
					return 0;
				/* pattern names live in the static table: point at "{name" + 1,
				 * copied without braces below */
				m->pnames[np] = p + 1;
			} else {
				char tmp[256];
				if (decode_segment(s, sl, tmp, sizeof tmp))
					return 0;
			}
			np++;
		} else if (pl != sl || memcmp(p, s, pl)) {
			return 0;
		}
		p += pl, s += sl;
	}
	if (*p || *s)
		return 0;
	if (m)
		m->nparams = np;
	return 1;
}

void srv_route_match(const srv_route *table, size_t n, const char *method, const char *path,
		     srv_match *m)
{
	memset(m, 0, sizeof *m);
	m->route = -1;
	if (!method || !path)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!path_matches(table[i].pattern, path, NULL))
			continue;
		if (!m->path_known)
			m->allow[0] = 0;
		m->path_known = 1;
		size_t al = strlen(m->allow);
		if (!strstr(m->allow, table[i].method) && al + strlen(table[i].method) + 3 < sizeof m->allow)
			snprintf(m->allow + al, sizeof m->allow - al, "%s%s", al ? ", " : "", table[i].method);
		if (m->route < 0 && !strcmp(table[i].method, method)) {
			m->route = (int)i;
			path_matches(table[i].pattern, path, m);
		}
	}
}

const char *srv_param(const srv_req *r, const char *name)
{
	size_t nl = strlen(name);
	for (int i = 0; i < r->m.nparams; i++)
		if (!strncmp(r->m.pnames[i], name, nl) && r->m.pnames[i][nl] == '}')
			return r->m.pvalues[i];
	return NULL;
}
