/*
 * ca_index.c - index.json of the built-in CA: every certificate it issued
 * and its revocation state. Always rewritten whole and atomically; never
 * holds key material.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pki/ca_internal.h"

int ca_path(char *out, size_t outlen, const char *dir, const char *name)
{
	int n = snprintf(out, outlen, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= outlen)
		return eseal_error_set(ESEAL_ELIMIT, "%s: path too long", dir);
	return 0;
}

void ca_time_iso(char out[32], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t ca_time_parse_iso(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!s)
		return (time_t)-1;
	const char *e = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!e || *e)
		return (time_t)-1;
	return timegm(&tm);
}

json_t *ca_index_new(const char *name, const char *key_type)
{
	return json_pack("{s:i, s:s, s:s, s:i, s:i, s:[]}", "version", 1, "name", name,
			 "key_type", key_type, "crl_number", 1, "issued", 0, "certs");
}

int ca_index_load(json_t **out, const char *dir)
{
	char path[4096];
	*out = NULL;
	int rc = ca_path(path, sizeof path, dir, "index.json");
	if (rc)
		return rc;
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);
	if (!j)
		return eseal_error_set(ESEAL_EFORMAT, "%s: %s (line %d)", path, err.text, err.line);
	if (!json_is_object(j) || !json_is_array(json_object_get(j, "certs"))) {
		json_decref(j);
		return eseal_error_set(ESEAL_EFORMAT, "%s: not a CA index", path);
	}
	*out = j;
	return 0;
}

int ca_index_save(const json_t *index, const char *dir)
{
	char path[4096];
	int rc = ca_path(path, sizeof path, dir, "index.json");
	if (rc)
		return rc;
	char *s = json_dumps(index, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!s)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	eseal_buf b = ESEAL_BUF_INIT;
	rc = eseal_buf_puts(&b, s);
	if (!rc)
		rc = eseal_buf_putc(&b, '\n');
	free(s);
	if (!rc)
		rc = eseal_file_write_atomic(path, b.data, b.len, 0644);
	eseal_buf_free(&b);
	return rc;
}

int ca_index_add(json_t *index, const eseal_cert *c, const char *role)
{
	char serial[80], subject[1024], nb[32], na[32];
	int rc = eseal_cert_serial(c, serial, sizeof serial);
	if (!rc)
		rc = eseal_cert_subject(c, subject, sizeof subject);
	if (rc)
		return rc;
	ca_time_iso(nb, eseal_cert_not_before(c));
	ca_time_iso(na, eseal_cert_not_after(c));
	json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "serial", serial, "subject", subject,
			      "role", role, "not_before", nb, "not_after", na, "revoked", 0);
	if (!e || json_array_append_new(json_object_get(index, "certs"), e))
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	json_int_t issued = json_integer_value(json_object_get(index, "issued"));
	json_object_set_new(index, "issued", json_integer(issued + 1));
	return 0;
}

/* Compares hex serials ignoring case and leading zeros. */
static int serial_eq(const char *a, const char *b)
{
	while (*a == '0')
		a++;
	while (*b == '0')
		b++;
	return !strcasecmp(a, b);
}

json_t *ca_index_find(json_t *index, const char *serial_hex)
{
	json_t *certs = json_object_get(index, "certs");
	size_t i;
	json_t *e;
	json_array_foreach(certs, i, e) {
		const char *s = json_string_value(json_object_get(e, "serial"));
		if (s && serial_eq(s, serial_hex))
			return e;
	}
	return NULL;
}
