/*
 * esid.c - the seal code (esID): 14 digits, a 6-digit GB/T 2260
 * administrative-division code followed by an 8-digit serial.
 */
#include <string.h>

#include "eseal/ses.h"

/* First two digits of GB/T 2260 codes: provinces, autonomous regions,
 * municipalities, Taiwan, Hong Kong and Macao. */
static const int provinces[] = {
	11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
	41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
};

int eseal_esid_check(const char *esid)
{
	size_t n = strlen(esid);
	if (n != 14)
		return eseal_error_set(ESEAL_EINVAL, "seal code '%s' must have 14 digits (6-digit region code + "
				       "8-digit serial), it has %zu characters", esid, n);
	for (size_t i = 0; i < n; i++)
		if (esid[i] < '0' || esid[i] > '9')
			return eseal_error_set(ESEAL_EINVAL, "seal code '%s' must be digits only", esid);
	int p = (esid[0] - '0') * 10 + (esid[1] - '0');
	for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
		if (provinces[i] == p)
			return 0;
	return eseal_error_set(ESEAL_EINVAL, "seal code '%s': '%.6s' is not a GB/T 2260 region code", esid, esid);
}
