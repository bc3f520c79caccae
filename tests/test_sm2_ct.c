/*
 * test_sm2_ct.c - constant-time check of our own SM2 under valgrind: the
 * test re-runs itself under memcheck with the private key and the nonce
 * marked undefined, so any branch or memory index that depends on them is
 * reported as a use of an uninitialised value and fails the test. A built-in
 * leaky function first proves that the check would see a leak. Skips (77)
 * when valgrind or its headers are missing.
 */
#include <sys/wait.h>

#include "crypto/sm2/sm2_int.h"
#include "crypto/sm2/sm2_own.h"
#include "eseal/eseal.h"
#include "harness.h"

/* Valgrind cannot run a program built with AddressSanitizer. */
#if defined(__SANITIZE_ADDRESS__)
#define ESEAL_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ESEAL_UNDER_ASAN 1
#endif
#endif

#if defined(__has_include) && !defined(ESEAL_UNDER_ASAN)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HAVE_MEMCHECK 1
#endif
#endif

#ifdef HAVE_MEMCHECK
#define POISON(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define UNPOISON(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static volatile int sink;

/* Child: the operations with secrets poisoned. Valgrind's exit code says
 * whether memcheck saw a secret-dependent branch or index. */
static int child(const char *mode)
{
	uint8_t d[32], pub[64], e[32], k[32], rs[64];
	int rc = 0;

	if (!strcmp(mode, "portable"))
		sm2_fe_force_portable(1);
	(void)sm2_comb_g();            /* the public table, built before any secret exists */
	memset(e, 0x5a, sizeof e);
	if (eseal_sm2own_keygen(d, pub) != 0)
		return 2;
	if (!strcmp(mode, "leaky")) {
		/* must be reported: a branch on a secret byte */
		POISON(d, 32);
		if (d[3] & 1)
			sink++;
		return 0;
	}
	memset(k, 0x33, sizeof k);

	/* public key from a secret d */
	POISON(d, 32);
	rc |= eseal_sm2own_pubkey(d, pub);
	UNPOISON(pub, 64);
	/* signing with secret d and secret k */
	POISON(d, 32);
	POISON(k, 32);
	rc |= eseal_sm2own_sign_with_k(d, e, k, rs);
	UNPOISON(rs, 64);
	/* key object: (1+d)^-1 and random nonces */
	eseal_sm2own_key *key;
	POISON(d, 32);
	rc |= eseal_sm2own_key_new(&key, d, NULL, NULL, 0);
	for (int i = 0; i < 2 && rc == 0; i++) {
		rc |= eseal_sm2own_key_sign(key, e, rs);
		UNPOISON(rs, 64);
		rc |= eseal_sm2own_key_verify(key, e, rs);
	}
	eseal_sm2own_key_free(key);
	/* key generation (the fresh d is the secret) */
	rc |= eseal_sm2own_keygen(d, pub);
	return rc ? 3 : 0;
}

static const char *self_path;

/* Runs the child under memcheck; returns valgrind's exit status. Its report
 * goes to a log that is shown when the status is not the expected one. */
static int run_under_valgrind(const char *mode, int expect)
{
	char log[256], logopt[300];
	snprintf(log, sizeof log, "/tmp/eseal-sm2-ct-%d-%s.log", (int)getpid(), mode);
	snprintf(logopt, sizeof logopt, "--log-file=%s", log);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "valgrind", "-q", "--error-exitcode=99",
				 logopt, (char *)self_path, "--child", (char *)mode, NULL };
		execvp("valgrind", argv);
		_exit(127);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	if (rc != expect) {
		char cmd[400];
		fprintf(stderr, "  valgrind (%s) exited %d; its report:\n", mode, rc);
		snprintf(cmd, sizeof cmd, "head -60 '%s' >&2", log);
		if (system(cmd) != 0)
			fprintf(stderr, "  (no report)\n");
	}
	unlink(log);
	return rc;
}

static void test_leak_is_detected(void)
{
	if (system("valgrind --version >/dev/null 2>&1") != 0)
		SKIP("valgrind not installed");
	CHECK_EQ_INT(run_under_valgrind("leaky", 99), 99);
}

static void test_keygen_sign_constant_time(void)
{
	if (system("valgrind --version >/dev/null 2>&1") != 0)
		SKIP("valgrind not installed");
	/* valgrind does not report ADX to the program, so this runs the
	 * portable multiplier; the MULX path is straight-line assembly with no
	 * branch or secret index, and bench_sm2_dudect times it. */
	CHECK_EQ_INT(run_under_valgrind("auto", 0), 0);
}

/* The harness's TESTS() defines main(void); it is renamed h_main below so
 * this main can first route the valgrind child. */
static int h_main(void);

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "--child"))
		return child(argv[2]);
	self_path = "/proc/self/exe";
	static char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = 0;
		self_path = buf;
	}
	return h_main();
}

#define main h_main
TESTS(T(test_leak_is_detected), T(test_keygen_sign_constant_time))
#undef main

#else
static void test_no_headers(void)
{
#ifdef ESEAL_UNDER_ASAN
	SKIP("built with AddressSanitizer, which valgrind cannot run; the normal build runs this test");
#endif
	SKIP("valgrind/memcheck.h not installed (apt-get install valgrind)");
}
TESTS(T(test_no_headers))
#endif
