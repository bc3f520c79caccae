/*
 * error.c - the thread-local last-error message behind eseal_error_last().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "eseal/common.h"

static _Thread_local char err_msg[1024];
static _Thread_local int err_code;

const char *eseal_error_last(void) { return err_msg; }
int eseal_error_code(void) { return err_code; }

void eseal_error_clear(void)
{
	err_msg[0] = 0;
	err_code = 0;
}

int eseal_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err_msg, sizeof err_msg, fmt, ap);
	va_end(ap);
	err_code = code;
	return code;
}

int eseal_error_wrap(const char *fmt, ...)
{
	char prefix[512], old[sizeof err_msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err_msg, sizeof old);
	size_t n = strlen(prefix);
	if (n >= sizeof err_msg)
		n = sizeof err_msg - 1;
	memcpy(err_msg, prefix, n);
	size_t m = strlen(old);
	if (m > sizeof err_msg - 1 - n)
		m = sizeof err_msg - 1 - n;
	memcpy(err_msg + n, old, m);
	err_msg[n + m] = 0;
	return err_code ? err_code : ESEAL_EINVAL;
}

const char *eseal_strerror(int code)
{
	switch (code) {
	case ESEAL_OK: return "OK";
	case ESEAL_EINVAL: return "EINVAL";
	case ESEAL_ENOMEM: return "ENOMEM";
	case ESEAL_EIO: return "EIO";
	case ESEAL_EFORMAT: return "EFORMAT";
	case ESEAL_ECRYPTO: return "ECRYPTO";
	case ESEAL_EVERIFY: return "EVERIFY";
	case ESEAL_EPASS: return "EPASS";
	case ESEAL_EEXPIRED: return "EEXPIRED";
	case ESEAL_ENOTFOUND: return "ENOTFOUND";
	case ESEAL_ELIMIT: return "ELIMIT";
	case ESEAL_EUNSUPPORTED: return "EUNSUPPORTED";
	case ESEAL_EEXISTS: return "EEXISTS";
	case ESEAL_EDENIED: return "EDENIED";
	}
	return "EUNKNOWN";
}

const char *eseal_version(void)
{
#ifdef ESEAL_VERSION_STRING
	return ESEAL_VERSION_STRING;
#else
	return "0.0.0";
#endif
}
