/*
 * num.c - numbers in OFD attributes ("0 0 210 297", "g 3 2.1167").
 *
 * Parsed by hand because strtod follows the process locale (the command
 * line calls setlocale) and a decimal comma would silently misplace text.
 * Never accepts NaN or infinity.
 */
#include <math.h>
#include <string.h>

#include "ofd/ofd_internal.h"

int ofd_num(const char **sp, double *v)
{
	const char *s = *sp;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == ',')
		s++;
	int neg = 0, digits = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	double x = 0;
	while (*s >= '0' && *s <= '9') {
		x = x * 10 + (*s++ - '0');
		digits++;
	}
	if (*s == '.') {
		s++;
		double f = 0.1;
		while (*s >= '0' && *s <= '9') {
			x += (*s++ - '0') * f;
			f /= 10;
			digits++;
		}
	}
	if (!digits)
		return -1;
	if (*s == 'e' || *s == 'E') {
		const char *e = s + 1;
		int eneg = 0, ex = 0, ed = 0;
		if (*e == '-' || *e == '+')
			eneg = *e++ == '-';
		while (*e >= '0' && *e <= '9') {
			if (ex < 400)
				ex = ex * 10 + (*e - '0');
			e++;
			ed++;
		}
		if (ed) {
			x *= pow(10, eneg ? -ex : ex);
			s = e;
		}
	}
	if (!isfinite(x))
		return -1;
	*v = neg ? -x : x;
	*sp = s;
	return 0;
}

int ofd_box(const char *s, eseal_box *b)
{
	double v[4];
	if (!s)
		return -1;
	for (int i = 0; i < 4; i++)
		if (ofd_num(&s, &v[i]))
			return -1;
	b->x = v[0];
	b->y = v[1];
	b->w = v[2];
	b->h = v[3];
	return 0;
}
