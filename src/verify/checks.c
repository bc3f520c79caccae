/*
 * checks.c - certificate description, validity and chain checks recorded
 * into report items. Shared by src/ses and src/cms; it must never turn an
 * unknown outcome into PASSED.
 */
#include <stdio.h>
#include <stdlib.h>

#include "verify/checks.h"

void verify_cert_describe(const uint8_t *der, size_t len, char *out, size_t outlen)
{
	eseal_cert *c = NULL;
	if (eseal_cert_parse(&c, der, len)) {
		snprintf(out, outlen, "(unreadable certificate)");
		return;
	}
	char subj[512], serial[80];
	if (eseal_cert_subject(c, subj, sizeof subj))
		snprintf(subj, sizeof subj, "?");
	if (eseal_cert_serial(c, serial, sizeof serial))
		snprintf(serial, sizeof serial, "?");
	snprintf(out, outlen, "%s (serial %s)", subj, serial);
	eseal_cert_free(c);
}

void verify_check_cert_time(eseal_report_item *it, const char *check, const uint8_t *der,
			    size_t len, time_t t, const char *when)
{
	eseal_cert *c = NULL;
	if (eseal_cert_parse(&c, der, len)) {
		eseal_item_check(it, check, ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "certificate does not parse: %s", eseal_error_last());
		return;
	}
	char nb[32], na[32], at[32];
	eseal_time_format_human(nb, eseal_cert_not_before(c));
	eseal_time_format_human(na, eseal_cert_not_after(c));
	eseal_time_format_human(at, t);
	if (t < eseal_cert_not_before(c))
		eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NOT_YET_VALID,
				 "not yet valid at %s %s (valid %s to %s)", when, at, nb, na);
	else if (t > eseal_cert_not_after(c))
		eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_EXPIRED,
				 "expired at %s %s (valid %s to %s)", when, at, nb, na);
	else
		eseal_item_check(it, check, ESEAL_CHECK_PASSED, NULL, "valid at %s %s (valid %s to %s)",
				 when, at, nb, na);
	eseal_cert_free(c);
}

void verify_check_chain(eseal_report_item *it, const char *check, const uint8_t *der, size_t len,
			const uint8_t *const *extra, const size_t *extra_len, size_t nextra,
			const eseal_trust *trust, time_t t)
{
	if (!trust || eseal_trust_count(trust) == 0) {
		eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NO_TRUST_ANCHOR,
				 "no trust anchor configured (use --trust)");
		return;
	}
	eseal_cert *c = NULL;
	if (eseal_cert_parse(&c, der, len)) {
		eseal_item_check(it, check, ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "certificate does not parse: %s", eseal_error_last());
		return;
	}
	/* Untrusted intermediates: the ones that do not parse are ignored. */
	eseal_cert **ex = nextra ? calloc(nextra, sizeof *ex) : NULL;
	size_t nex = 0;
	for (size_t i = 0; ex && i < nextra; i++)
		if (eseal_cert_parse(&ex[nex], extra[i], extra_len[i]) == 0)
			nex++;
	eseal_chain_status st;
	char why[256] = "";
	if (eseal_trust_verify(trust, c, ex, nex, t, &st, why, sizeof why)) {
		eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_CHAIN_FAILURE,
				 "chain validation error: %s", eseal_error_last());
	} else {
		switch (st) {
		case ESEAL_CHAIN_OK:
			eseal_item_check(it, check, ESEAL_CHECK_PASSED, NULL, "chains to a trust anchor");
			break;
		case ESEAL_CHAIN_NO_ANCHOR:
			eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_NO_TRUST_ANCHOR,
					 "no trust anchor for this certificate%s%s", *why ? ": " : "", why);
			break;
		case ESEAL_CHAIN_EXPIRED:
			eseal_item_check(it, check, ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_EXPIRED, "%s", why);
			break;
		case ESEAL_CHAIN_REVOKED:
			eseal_item_check(it, check, ESEAL_CHECK_FAILED, ESEAL_SUB_REVOKED, "%s", why);
			break;
		default:
			eseal_item_check(it, check, ESEAL_CHECK_FAILED, ESEAL_SUB_CHAIN_FAILURE, "%s", why);
		}
	}
	for (size_t i = 0; i < nex; i++)
		eseal_cert_free(ex[i]);
	free(ex);
	eseal_cert_free(c);
}
