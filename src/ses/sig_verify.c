/*
 * sig_verify.c - the container-independent checks of a SES_Signature:
 * dataHash, the signature over the original TBS_Sign bytes, the embedded
 * seal, the signer in the seal's certList, both chains, and the validity
 * periods at the signing time. Validity is judged at the signer's claimed
 * time, or at the genTime of a verified time-stamp, so a lapse there is
 * INDETERMINATE, not a cryptographic failure.
 */
#include <stdio.h>
#include <string.h>

#include "ses_internal.h"
#include "verify/checks.h"

int eseal_sessig_verify_signature(const eseal_sessig *g)
{
	return ses_verify_with_cert(g->signer_cert.p, g->signer_cert.len, g->tbs.p, g->tbs.len,
				    g->sig.p, g->sig.len);
}

int eseal_sessig_verify(const eseal_sessig *g, const uint8_t *data_hash, size_t hash_len,
			const eseal_trust *trust, eseal_report_item *it)
{
	const eseal_seal *s = g->seal;
	char desc[700], t[32];
	verify_cert_describe(g->signer_cert.p, g->signer_cert.len, desc, sizeof desc);
	eseal_item_fact(it, "signer", "%s", desc);
	/* a verified time-stamp is the proven signing time; the claimed
	 * timeInfo stays a fact */
	time_t when = g->time;
	if (g->timestamp.len) {
		time_t proven = ses_check_timestamp(g, trust, it);
		eseal_item_fact(it, "claimed_time", "%s", g->time_text ? g->time_text : "?");
		if (proven)
			when = proven;
	}
	if (when)
		eseal_time_format_human(t, when);
	eseal_item_fact(it, "time", "%s", when ? t : (g->time_text ? g->time_text : "?"));
	eseal_item_fact(it, "version", "SES_Signature V%d", g->version);
	eseal_item_fact(it, "signature_encoding", "%s", eseal_sessig_signature_encoding(g));
	ses_seal_facts(s, it);

	eseal_item_check(it, "format", ESEAL_CHECK_PASSED, NULL, "SES_Signature V%d parsed", g->version);
	if (data_hash) {
		if (g->data_hash.len == hash_len && !memcmp(g->data_hash.p, data_hash, hash_len))
			eseal_item_check(it, "data_hash", ESEAL_CHECK_PASSED, NULL,
					 "dataHash equals the digest of the protected data");
		else
			eseal_item_check(it, "data_hash", ESEAL_CHECK_FAILED, ESEAL_SUB_HASH_FAILURE,
					 "dataHash does not match the protected data");
	}
	if (eseal_sessig_verify_signature(g) == 0)
		eseal_item_check(it, "signature_value", ESEAL_CHECK_PASSED, NULL,
				 "SM2 signature (%s) verifies over the original TBS_Sign bytes",
				 eseal_sessig_signature_encoding(g));
	else
		eseal_item_check(it, "signature_value", ESEAL_CHECK_FAILED, ESEAL_SUB_SIG_CRYPTO_FAILURE,
				 "signature does not verify: %s", eseal_error_last());
	ses_seal_checks(s, trust, it);
	if (eseal_seal_allows_signer(s, g->signer_cert.p, g->signer_cert.len))
		eseal_item_check(it, "signer_in_seal", ESEAL_CHECK_PASSED, NULL,
				 "signer certificate is in the seal's certificate list (type %d)",
				 s->cert_list_type);
	else
		eseal_item_check(it, "signer_in_seal", ESEAL_CHECK_FAILED, ESEAL_SUB_SIGNER_NOT_IN_SEAL,
				 "signer certificate is not in the seal's certificate list");
	time_t at = when ? when : time(NULL);
	verify_check_chain(it, "signer_chain", g->signer_cert.p, g->signer_cert.len, NULL, NULL, 0,
			   trust, at);
	if (!when) {
		eseal_item_check(it, "seal_validity", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE,
				 "signing time '%s' cannot be read", g->time_text ? g->time_text : "");
	} else {
		char a[32], b[32];
		eseal_time_format_human(a, s->valid_start);
		eseal_time_format_human(b, s->valid_end);
		if (when < s->valid_start || when > s->valid_end)
			eseal_item_check(it, "seal_validity", ESEAL_CHECK_INDETERMINATE,
					 when < s->valid_start ? ESEAL_SUB_NOT_YET_VALID : ESEAL_SUB_EXPIRED,
					 "seal not valid at signing time %s (valid %s to %s)", t, a, b);
		else
			eseal_item_check(it, "seal_validity", ESEAL_CHECK_PASSED, NULL,
					 "seal valid at signing time %s (valid %s to %s)", t, a, b);
		verify_check_cert_time(it, "signer_cert_validity", g->signer_cert.p, g->signer_cert.len,
				       when, "signing time");
	}
	eseal_item_conclude(it);
	return 0;
}
