/*
 * sig_timestamp.c - the RFC 3161 time-stamp of a SES_Signature
 * (timeStamp [0] EXPLICIT BIT STRING): attaching a token after signing and
 * checking one. The token's imprint is over the signature value (the
 * BIT STRING contents after the unused-bits octet), so it lies outside
 * TBS_Sign and never changes what was signed. A token that is present but
 * wrong must never let the signature pass.
 */
#include <stdio.h>
#include <string.h>

#include "ses_internal.h"
#include "eseal/tsa.h"

int eseal_sessig_timestamp_add(eseal_buf *sig, eseal_sessig_tsa_fn fn, void *ctx)
{
	eseal_sessig *g = NULL;
	if (!sig || !fn)
		return eseal_error_set(ESEAL_EINVAL, "time-stamp: missing signature or source");
	int rc = eseal_sessig_parse(&g, sig->data, sig->len);
	if (rc)
		return rc;
	eseal_buf tok = ESEAL_BUF_INIT, out = ESEAL_BUF_INIT;
	eseal_der top;
	size_t mark, inner;
	if (g->version < 4)
		rc = eseal_error_set(ESEAL_EUNSUPPORTED, "time-stamp: a V1 SES_Signature has no timeStamp field");
	else if (g->timestamp.len)
		rc = eseal_error_set(ESEAL_EINVAL, "time-stamp: the signature already carries one");
	if (!rc)
		rc = fn(ctx, "sm3", g->sig.p, g->sig.len, &tok);
	if (!rc && !tok.len)
		rc = eseal_error_set(ESEAL_EFORMAT, "time-stamp: the TSA returned no token");
	/* the token must at least be a token before it goes into a signature */
	if (!rc) {
		eseal_tst *t = NULL;
		rc = eseal_tst_parse(&t, tok.data, tok.len);
		eseal_tst_free(t);
	}
	if (!rc) rc = eseal_der_read(&top, g->raw.data, g->raw.len, 0);
	if (!rc) rc = eseal_der_begin(&out, ESEAL_DER_SEQUENCE, &mark);
	if (!rc) rc = eseal_buf_put(&out, top.val, top.val_len);
	if (!rc) rc = eseal_der_begin(&out, ESEAL_DER_CTX(0), &inner);
	if (!rc) rc = eseal_der_put_bits(&out, tok.data, tok.len);
	if (!rc) rc = eseal_der_end(&out, inner);
	if (!rc) rc = eseal_der_end(&out, mark);
	if (!rc) {
		eseal_buf t = *sig;
		*sig = out;
		out = t;
	}
	eseal_buf_free(&out);
	eseal_buf_free(&tok);
	eseal_sessig_free(g);
	return rc;
}

time_t ses_check_timestamp(const eseal_sessig *g, const eseal_trust *trust, eseal_report_item *it)
{
	eseal_tst *t = NULL;
	if (eseal_tst_parse(&t, g->timestamp.p, g->timestamp.len)) {
		/* GB/T 38540 does not define the field's contents: other
		 * producers' bytes are not ours to fail, but prove no time */
		eseal_item_check(it, "timestamp", ESEAL_CHECK_WARNING, NULL,
				 "timeStamp is not an RFC 3161 time-stamp token (%s); the claimed time is used",
				 eseal_error_last());
		return 0;
	}
	eseal_item_fact(it, "timestamp", "%s", eseal_tst_gen_time_text(t));
	eseal_report *r = NULL;
	eseal_report_item *ti = NULL;
	if (eseal_report_new(&r, "timestamp", "signature") || !(ti = eseal_report_add(r, "timestamp"))) {
		eseal_report_free(r);
		eseal_tst_free(t);
		eseal_item_check(it, "timestamp", ESEAL_CHECK_INDETERMINATE, ESEAL_SUB_FORMAT_FAILURE, "out of memory");
		return 0;
	}
	eseal_tst_verify_opts o = { 0 };
	o.trust = trust;
	o.data = g->sig.p;
	o.data_len = g->sig.len;
	int rc = eseal_tst_verify(t, &o, ti);
	const char *tsa = eseal_item_fact_get(ti, "signer");
	if (tsa)
		eseal_item_fact(it, "timestamp_tsa", "%s", tsa);
	const char *gt = eseal_tst_gen_time_text(t);
	time_t proven = 0;
	if (!rc) {
		proven = eseal_tst_gen_time(t);
		eseal_item_check(it, "timestamp", ESEAL_CHECK_PASSED, NULL,
				 "an RFC 3161 time-stamp (genTime %s) proves the signature value existed then", gt);
	} else if (eseal_item_check_status(ti, "message_imprint") == ESEAL_CHECK_FAILED) {
		eseal_item_check(it, "timestamp", ESEAL_CHECK_FAILED, ESEAL_SUB_HASH_FAILURE,
				 "the time-stamp (genTime %s) is not over this signature value", gt);
	} else if (eseal_item_indication(ti) == ESEAL_TOTAL_FAILED) {
		eseal_item_check(it, "timestamp", ESEAL_CHECK_FAILED, ESEAL_SUB_SIG_CRYPTO_FAILURE,
				 "the time-stamp (genTime %s) is invalid: %s", gt, eseal_error_last());
	} else {
		const char *sub = eseal_item_subindication(ti);
		eseal_item_check(it, "timestamp", ESEAL_CHECK_INDETERMINATE, sub ? sub : ESEAL_SUB_NO_TRUST_ANCHOR,
				 "the time-stamp (genTime %s) cannot be confirmed: %s", gt, eseal_error_last());
	}
	eseal_report_free(r);
	eseal_tst_free(t);
	return proven;
}
