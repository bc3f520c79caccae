/*
 * checks.h - report checks about certificates shared by every verifier
 * (seals, SES signatures, CMS): one description, one validity check, one
 * chain check, so the same certificate gets the same verdict everywhere.
 */
#ifndef ESEAL_VERIFY_CHECKS_H
#define ESEAL_VERIFY_CHECKS_H

#include "eseal/pki.h"
#include "eseal/report.h"

/* "CN=..., O=... (serial ...)" of a DER certificate, for reports. */
void verify_cert_describe(const uint8_t *der, size_t len, char *out, size_t outlen);
/* Validity of a DER certificate at t (when names t in the message). */
void verify_check_cert_time(eseal_report_item *it, const char *check, const uint8_t *der,
			    size_t len, time_t t, const char *when);
/* Chain of a DER certificate against trust at t, with optional untrusted
 * intermediates (DER spans). NO_TRUST_ANCHOR when trust is NULL/empty. */
void verify_check_chain(eseal_report_item *it, const char *check, const uint8_t *der, size_t len,
			const uint8_t *const *extra, const size_t *extra_len, size_t nextra,
			const eseal_trust *trust, time_t t);

#endif
