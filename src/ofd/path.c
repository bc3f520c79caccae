/*
 * path.c - canonical package paths for FileRef, BaseLoc and zip entry names.
 *
 * Every path the OFD code hands out goes through here, so two spellings of
 * one file ("Doc_0/./a.xml", "/Doc_0/a.xml", "Pages/../a.xml" seen from
 * Doc_0/Document.xml) compare equal. It must never let a path climb above the
 * package root: that is an error, not something to clamp.
 */
#include <stdlib.h>
#include <string.h>

#include "eseal/ofd.h"
#include "ofd/ofd_internal.h"

/* Appends the segments of s to the canonical path in b (which holds "/..."
 * with no trailing slash, or "" for the root). */
static int push_segments(eseal_buf *b, const char *s, const char *what)
{
	while (*s) {
		while (*s == '/' || *s == '\\')
			s++;
		if (!*s)
			break;
		size_t n = strcspn(s, "/\\");
		if (n == 1 && s[0] == '.') {
			/* stays */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (b->len == 0)
				return eseal_error_set(ESEAL_EFORMAT,
						       "OFD path \"%s\" escapes the package root", what);
			while (b->len > 0 && b->data[b->len - 1] != '/')
				b->len--;
			if (b->len > 0)
				b->len--; /* the slash */
		} else {
			int rc = eseal_buf_putc(b, '/');
			if (rc == 0)
				rc = eseal_buf_put(b, s, n);
			if (rc)
				return rc;
		}
		s += n;
	}
	return 0;
}

int eseal_ofd_path_resolve(char **out, const char *from, const char *ref)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc;
	*out = NULL;
	if (!ref)
		return eseal_error_set(ESEAL_EFORMAT, "OFD path is missing");
	/* Whitespace around a path in element text is layout, not name. */
	while (*ref == ' ' || *ref == '\t' || *ref == '\r' || *ref == '\n')
		ref++;
	size_t rlen = strlen(ref);
	while (rlen && (ref[rlen - 1] == ' ' || ref[rlen - 1] == '\t' ||
			ref[rlen - 1] == '\r' || ref[rlen - 1] == '\n'))
		rlen--;
	if (rlen == 0)
		return eseal_error_set(ESEAL_EFORMAT, "OFD path is empty");
	char *r = strndup(ref, rlen);
	if (!r)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (r[0] != '/' && r[0] != '\\' && from) {
		/* Relative: start from the referring file's folder. */
		rc = push_segments(&b, from, from);
		while (rc == 0 && b.len > 0 && b.data[b.len - 1] != '/')
			b.len--;
		if (rc == 0 && b.len > 0)
			b.len--;
	} else {
		rc = 0;
	}
	if (rc == 0)
		rc = push_segments(&b, r, r);
	if (rc == 0 && b.len == 0)
		rc = eseal_error_set(ESEAL_EFORMAT, "OFD path \"%s\" names the package root", r);
	if (rc == 0)
		rc = eseal_buf_cstr(&b);
	free(r);
	if (rc) {
		eseal_buf_free(&b);
		return rc;
	}
	*out = (char *)b.data;
	return 0;
}

int ofd_entry_canon(char **out, const char *name)
{
	*out = NULL;
	if (name[0] == '/' || name[0] == '\\')
		return eseal_error_set(ESEAL_EFORMAT, "zip entry \"%s\" has an absolute name", name);
	if (strlen(name) >= 2 && name[1] == ':')
		return eseal_error_set(ESEAL_EFORMAT, "zip entry \"%s\" has a drive letter", name);
	for (const char *s = name; *s;) {
		size_t n = strcspn(s, "/\\");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return eseal_error_set(ESEAL_EFORMAT,
					       "zip entry \"%s\" contains \"..\" (path traversal)", name);
		s += n;
		if (*s)
			s++;
	}
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		if (*s < 0x20)
			return eseal_error_set(ESEAL_EFORMAT, "zip entry name has a control character");
	return eseal_ofd_path_resolve(out, NULL, name);
}
