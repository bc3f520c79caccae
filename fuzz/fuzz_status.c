/*
 * fuzz_status.c - libFuzzer target for the status answer and revocation
 * list parsers (untrusted network input), the list lookups and delta
 * application on whatever parses. Must never crash, leak or read out of
 * bounds; nothing here is verified, only parsed.
 */
#include <stdint.h>
#include <stdlib.h>

#include "eseal/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eseal_status_answer a, o;
	eseal_status_signed *sig = NULL;
	eseal_srl l, copy;
	eseal_status_sniff(data, size);
	if (!eseal_status_answer_parse(data, size, &a, &sig))
		eseal_status_answer_at(&a, a.esid, a.this_update, &o);
	eseal_status_signed_free(sig);
	sig = NULL;
	if (!eseal_srl_parse(data, size, &l, &sig)) {
		if (l.n)
			eseal_srl_status_at(&l, l.entries[0].esid, l.this_update, &o);
		eseal_srl_init(&copy);
		copy.number = l.delta ? l.base_number : l.number - 1;
		if (l.delta && copy.number >= 1)
			eseal_srl_apply_delta(&copy, &l);
		eseal_srl_clear(&copy);
		eseal_srl_clear(&l);
	}
	eseal_status_signed_free(sig);
	return 0;
}
