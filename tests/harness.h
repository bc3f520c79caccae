/*
 * harness.h - the tiny test harness every tests/test_*.c uses.
 *
 * A test file defines functions `static void test_x(void)` and lists them in
 * TESTS(...). CHECK records a failure and goes on; REQUIRE stops the test.
 * The last line printed is "N passed, N failed" (ctest reads the exit code).
 * A test that needs ../shared and cannot find it calls SKIP_IF_NO_SHARED().
 */
#ifndef ESEAL_TEST_HARNESS_H
#define ESEAL_TEST_HARNESS_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static int h_failed_checks;
static jmp_buf h_jmp;
static const char *h_current;

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "  FAIL %s:%d: %s: CHECK(%s)\n", __FILE__, __LINE__, h_current, #cond); \
	h_failed_checks++; } } while (0)
#define REQUIRE(cond) do { if (!(cond)) { \
	fprintf(stderr, "  FAIL %s:%d: %s: REQUIRE(%s)\n", __FILE__, __LINE__, h_current, #cond); \
	h_failed_checks++; longjmp(h_jmp, 1); } } while (0)
#define CHECK_OK(expr) do { int h_rc_ = (expr); if (h_rc_ != 0) { \
	fprintf(stderr, "  FAIL %s:%d: %s: %s -> %d (%s)\n", __FILE__, __LINE__, h_current, #expr, h_rc_, eseal_error_last()); \
	h_failed_checks++; longjmp(h_jmp, 1); } } while (0)
#define CHECK_EQ_INT(a, b) do { long long h_a_ = (long long)(a), h_b_ = (long long)(b); if (h_a_ != h_b_) { \
	fprintf(stderr, "  FAIL %s:%d: %s: %s == %lld, expected %lld\n", __FILE__, __LINE__, h_current, #a, h_a_, h_b_); \
	h_failed_checks++; } } while (0)
#define CHECK_EQ_STR(a, b) do { const char *h_a_ = (a), *h_b_ = (b); if (!h_a_ || !h_b_ || strcmp(h_a_, h_b_)) { \
	fprintf(stderr, "  FAIL %s:%d: %s: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, h_current, #a, h_a_ ? h_a_ : "(null)", h_b_ ? h_b_ : "(null)"); \
	h_failed_checks++; } } while (0)

typedef struct { const char *name; void (*fn)(void); } h_test;
#define T(fn) { #fn, fn }

static int h_skipped;
#define SKIP(why) do { fprintf(stderr, "  SKIP %s: %s\n", h_current, why); h_skipped++; longjmp(h_jmp, 2); } while (0)

/* Path of a file in ../shared, or NULL when the folder is absent. */
static inline const char *h_shared(const char *rel)
{
	static char buf[4096];
	const char *root = getenv("ESEAL_SHARED");
	struct stat st;
	if (!root)
		return NULL;
	snprintf(buf, sizeof buf, "%s/%s", root, rel);
	if (stat(buf, &st) != 0)
		return NULL;
	return buf;
}
#define SKIP_IF_NO_SHARED() do { if (!h_shared("fixtures")) \
	SKIP("../shared/fixtures not found (set ESEAL_SHARED_DIR); skipping interoperability test"); } while (0)

/* A fresh temporary directory for a test (removed by the OS later). */
static inline const char *h_tmpdir(void)
{
	static char buf[256];
	snprintf(buf, sizeof buf, "/tmp/eseal-test-XXXXXX");
	if (!mkdtemp(buf)) { perror("mkdtemp"); exit(1); }
	return buf;
}

static inline int h_run(const h_test *tests, size_t n)
{
	volatile int passed = 0, failed = 0;
	for (volatile size_t i = 0; i < n; i++) {
		volatile int before = h_failed_checks;
		h_current = tests[i].name;
		int j = setjmp(h_jmp);
		if (j == 0)
			tests[i].fn();
		if (j == 2)
			continue;
		if (h_failed_checks == before) {
			passed++;
			fprintf(stderr, "ok   %s\n", tests[i].name);
		} else {
			failed++;
			fprintf(stderr, "FAIL %s\n", tests[i].name);
		}
	}
	printf("%d passed, %d failed", passed, failed);
	if (h_skipped)
		printf(", %d skipped", h_skipped);
	printf("\n");
	if (failed)
		return 1;
	if (passed == 0 && h_skipped)
		return 77;
	return 0;
}
#define TESTS(...) int main(void) { static const h_test t_[] = { __VA_ARGS__ }; \
	return h_run(t_, sizeof t_ / sizeof t_[0]); }

#endif
