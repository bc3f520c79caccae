/*
 * time.c - UTC time formatting and parsing. Everything internal is time_t
 * in UTC; local time appears only in human output.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "eseal/common.h"

int eseal_time_format_gt(char out[16], time_t t)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return eseal_error_set(ESEAL_EINVAL, "time out of range");
	if (strftime(out, 16, "%Y%m%d%H%M%SZ", &tm) != 15)
		return eseal_error_set(ESEAL_EINVAL, "time out of range");
	return 0;
}

void eseal_time_format_human(char out[32], time_t t)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, 32, "(invalid time)");
}

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int eseal_time_parse(time_t *out, const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int Y, M, D, h = 0, m = 0, sec = 0;
	size_t n = strlen(s);
	if (!strcmp(s, "now")) {
		*out = time(NULL);
		return 0;
	}
	if (n == 15 && s[14] == 'Z') {
		if (digits(s, 4, &Y) || digits(s + 4, 2, &M) || digits(s + 6, 2, &D) ||
		    digits(s + 8, 2, &h) || digits(s + 10, 2, &m) || digits(s + 12, 2, &sec))
			goto bad;
	} else if (n >= 10 && s[4] == '-' && s[7] == '-') {
		if (digits(s, 4, &Y) || digits(s + 5, 2, &M) || digits(s + 8, 2, &D))
			goto bad;
		if (n > 10) {
			const char *t = s + 10;
			if ((*t != ' ' && *t != 'T') || strlen(t + 1) < 8 || t[3] != ':' || t[6] != ':' ||
			    digits(t + 1, 2, &h) || digits(t + 4, 2, &m) || digits(t + 7, 2, &sec))
				goto bad;
			const char *rest = t + 9;
			if (*rest && strcmp(rest, "Z") && strcmp(rest, " UTC"))
				goto bad;
		}
	} else {
		goto bad;
	}
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		goto bad;
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return 0;
bad:
	return eseal_error_set(ESEAL_EINVAL, "bad time '%s' (want YYYY-MM-DD[ hh:mm:ss] or YYYYMMDDhhmmssZ)", s);
}
