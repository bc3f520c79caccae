/*
 * cmd_speed.c - `eseal speed sm2`: SM2 signatures and verifications per
 * second on one core with eseal's own SM2, measured the way `openssl speed`
 * does (run each operation for N seconds, count). Ends with the lines
 * "sm2 sign/s: N" and "sm2 verify/s: N". Never prints a figure for an
 * operation that failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "crypto/sm2/sm2_int.h"
#include "crypto/sm2/sm2_own.h"

static const cli_opt opts[] = {
	{ "seconds", 1, N_("CPU seconds per figure (default 3)"), "N" },
	{ "json", 0, N_("print the figures as JSON"), NULL },
	{ 0 }
};

/* CPU time of this process, like openssl speed (which divides by user time):
 * the figures describe one core even when the machine is busy. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define NSIG 64

/* Runs op in batches until `seconds` pass; returns operations per second or
 * -1 when an operation failed. which: 0 sign, 1 verify. */
static double measure(eseal_sm2own_key *key, int which, double seconds,
		      uint8_t e[NSIG][32], uint8_t rs[NSIG][64])
{
	double t0 = now(), t;
	long count = 0;

	do {
		for (int i = 0; i < NSIG; i++) {
			int rc = which == 0 ? eseal_sm2own_key_sign(key, e[i], rs[i])
					    : eseal_sm2own_key_verify(key, e[i], rs[i]);
			if (rc != 0)
				return -1;
		}
		count += NSIG;
		t = now() - t0;
	} while (t < seconds);
	return count / t;
}

int cmd_speed(int argc, char **argv)
{
	cli_args a;
	long seconds;
	int rc;
	/* `eseal speed sm2 --seconds N`: the algorithm may come first */
	if (argc >= 2 && !strcmp(argv[1], "sm2")) {
		rc = cli_parse(argc - 1, argv + 1, opts, "sm2 [--seconds N] [--json]",
			       _("measure SM2 signing and verification speed (one core)"), &a);
		if (rc)
			return rc < 0 ? 0 : rc;
		if (a.npos != 0)
			return cli_usage(_("unexpected argument '%s'"), a.pos[0]);
	} else {
		rc = cli_parse(argc, argv, opts, "sm2 [--seconds N] [--json]",
			       _("measure SM2 signing and verification speed (one core)"), &a);
		if (rc)
			return rc < 0 ? 0 : rc;
		if (a.npos != 1 || strcmp(a.pos[0], "sm2") != 0)
			return cli_usage(_("the only algorithm is sm2"));
	}
	if ((rc = cli_get_int(&a, opts, "seconds", 3, 1, 3600, &seconds)) != 0)
		return rc;
	int json = cli_has(&a, opts, "json");

	static uint8_t e[NSIG][32], rs[NSIG][64];
	uint8_t d[32], pub[64];
	eseal_sm2own_key *key = NULL, *vkey = NULL;
	double sign, verify, verify_tab;

	if (eseal_sm2own_keygen(d, pub) != 0 || eseal_random(e, sizeof e) != 0 ||
	    eseal_sm2own_key_new(&key, d, NULL, NULL, 0) != 0 ||
	    eseal_sm2own_key_new(&vkey, NULL, pub, NULL, 0) != 0) {
		eseal_wipe(d, sizeof d);
		eseal_sm2own_key_free(key);
		return cli_fail("SM2 key");
	}
	eseal_wipe(d, sizeof d);
	if (!json)
		printf(_("eseal's own SM2, field multiplier %s, one core, %ld s per figure\n"),
		       sm2_fe_impl(), seconds);
	fflush(stdout);
	sign = measure(key, 0, (double)seconds, e, rs);
	verify = sign < 0 ? -1 : measure(vkey, 1, (double)seconds, e, rs);
	verify_tab = -1;
	if (verify >= 0 && eseal_sm2own_key_precompute(vkey) == 0)
		verify_tab = measure(vkey, 1, (double)seconds, e, rs);
	eseal_sm2own_key_free(key);
	eseal_sm2own_key_free(vkey);
	if (sign < 0 || verify < 0 || verify_tab < 0) {
		cli_err(_("an SM2 operation failed during the measurement"));
		return EXIT_INTERNAL;
	}
	if (json) {
		printf("{\"algorithm\":\"sm2\",\"multiplier\":\"%s\",\"seconds\":%ld,"
		       "\"sign_per_s\":%.0f,\"verify_per_s\":%.0f,\"verify_key_table_per_s\":%.0f}\n",
		       sm2_fe_impl(), seconds, sign, verify, verify_tab);
		return 0;
	}
	printf(_("sm2 verify with a per-key table (repeated keys): %.0f/s\n"), verify_tab);
	printf("sm2 sign/s: %.0f\n", sign);
	printf("sm2 verify/s: %.0f\n", verify);
	return 0;
}
