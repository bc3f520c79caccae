/*
 * status_internal.h - what the status files share: the ENUMERATED tag and
 * access to a parsed signed object's parts. Never installed.
 */
#ifndef ESEAL_STATUS_INTERNAL_H
#define ESEAL_STATUS_INTERNAL_H

#include "eseal/status.h"

#define STATUS_DER_ENUM 0x0a /* ENUMERATED */

int status_signed_parts(const eseal_status_signed *s, const uint8_t **tbs, size_t *tl, const uint8_t **sig,
			size_t *sl, eseal_cert *const **certs, size_t *nc);

#endif
