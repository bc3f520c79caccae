/*
 * test_status.c - seal status answers and revocation lists: encode, parse
 * and verify round trips against a real CA, tampering, a signer without
 * the status purpose, an untrusted CA, delta lists (made, applied, lifted
 * losses), "status at time T" before and after a loss, and strict parsing.
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "eseal/asn1.h"
#include "eseal/net.h"
#include "eseal/status.h"

#define PASS "status test"
/* times near now: the test CA is valid from its creation on */
static time_t T0;

static eseal_key *st_key, *mk_key, *other_key;
static eseal_cert *st_cert, *mk_cert, *other_cert;
static eseal_trust *trust;

static eseal_cert *issue(eseal_ca *ca, eseal_cert_role role, eseal_key **k)
{
	eseal_cert_request req = { 0 };
	eseal_cert *c = NULL;
	req.role = role;
	req.org = "test";
	req.name = "test status";
	req.not_before = T0 - 86400;
	req.days = 3650;
	if (eseal_key_generate(k, ESEAL_KEY_SM2) || eseal_ca_issue(ca, &req, *k, &c)) {
		fprintf(stderr, "issue: %s\n", eseal_error_last());
		exit(1);
	}
	return c;
}

static void setup(void)
{
	if (trust)
		return;
	T0 = time(NULL) + 60;
	char dir[600], other[600], p[700];
	const char *tmp = h_tmpdir();
	snprintf(dir, sizeof dir, "%s/ca", tmp);
	snprintf(other, sizeof other, "%s/other", tmp);
	eseal_ca *ca = NULL, *oca = NULL;
	if (eseal_ca_init(dir, "Status CA", ESEAL_KEY_SM2, PASS, strlen(PASS), 3650) ||
	    eseal_ca_open(&ca, dir, PASS, strlen(PASS)) ||
	    eseal_ca_init(other, "Other CA", ESEAL_KEY_SM2, PASS, strlen(PASS), 3650) ||
	    eseal_ca_open(&oca, other, PASS, strlen(PASS))) {
		fprintf(stderr, "ca: %s\n", eseal_error_last());
		exit(1);
	}
	st_cert = issue(ca, ESEAL_ROLE_STATUS, &st_key);
	mk_cert = issue(ca, ESEAL_ROLE_MAKER, &mk_key);
	other_cert = issue(oca, ESEAL_ROLE_STATUS, &other_key);
	snprintf(p, sizeof p, "%s/ca.pem", dir);
	if (eseal_trust_new(&trust) || eseal_trust_add_file(trust, p)) {
		fprintf(stderr, "trust: %s\n", eseal_error_last());
		exit(1);
	}
	eseal_ca_free(ca);
	eseal_ca_free(oca);
}

static void answer_of(eseal_status_answer *a, const char *esid, eseal_seal_state st, time_t rt, const char *reason)
{
	memset(a, 0, sizeof *a);
	snprintf(a->esid, sizeof a->esid, "%s", esid);
	a->state = st;
	a->revocation_time = rt;
	snprintf(a->reason, sizeof a->reason, "%s", reason ? reason : "");
	a->this_update = T0 + 1000;
	a->next_update = T0 + 4600;
}

static int sign_answer(const eseal_status_answer *a, eseal_key *k, eseal_cert *c, eseal_buf *out)
{
	const eseal_cert *certs[1] = { c };
	return eseal_status_answer_sign(a, k, certs, 1, out);
}

static void test_answer_round_trip(void)
{
	setup();
	eseal_status_answer a, b;
	eseal_status_signed *sig = NULL;
	eseal_buf der = ESEAL_BUF_INIT;
	answer_of(&a, "33010000000001", ESEAL_SEAL_LOST, T0 + 500, "印章遗失 (lost on the train)");
	a.at = T0 + 700;
	CHECK_OK(sign_answer(&a, st_key, st_cert, &der));
	CHECK_EQ_INT(eseal_status_sniff(der.data, der.len), 2);
	CHECK_OK(eseal_status_answer_parse(der.data, der.len, &b, &sig));
	CHECK_EQ_STR(b.esid, "33010000000001");
	CHECK_EQ_INT(b.state, ESEAL_SEAL_LOST);
	CHECK_EQ_INT(b.revocation_time, T0 + 500);
	CHECK_EQ_STR(b.reason, "印章遗失 (lost on the train)");
	CHECK_EQ_INT(b.this_update, T0 + 1000);
	CHECK_EQ_INT(b.next_update, T0 + 4600);
	CHECK_EQ_INT(b.at, T0 + 700);
	char why[300];
	CHECK_OK(eseal_status_signed_verify(sig, trust, T0 + 1000, why, sizeof why));
	eseal_status_signed_free(sig);

	/* a good answer has no revocation time and no reason */
	eseal_buf_clear(&der);
	answer_of(&a, "A1b2", ESEAL_SEAL_GOOD, 0, NULL);
	CHECK_OK(sign_answer(&a, st_key, st_cert, &der));
	CHECK_OK(eseal_status_answer_parse(der.data, der.len, &b, NULL));
	CHECK_EQ_INT(b.state, ESEAL_SEAL_GOOD);
	CHECK_EQ_INT(b.revocation_time, 0);
	CHECK_EQ_INT(b.at, 0);
	/* a lost answer without a revocation time cannot be made */
	answer_of(&a, "33010000000001", ESEAL_SEAL_LOST, 0, NULL);
	CHECK_EQ_INT(sign_answer(&a, st_key, st_cert, &der), ESEAL_EINVAL);
	answer_of(&a, "3301/0", ESEAL_SEAL_GOOD, 0, NULL);
	CHECK_EQ_INT(sign_answer(&a, st_key, st_cert, &der), ESEAL_EINVAL);
	eseal_buf_free(&der);
}

static void test_tampered_and_wrong_signer(void)
{
	setup();
	eseal_status_answer a, b;
	eseal_status_signed *sig = NULL;
	eseal_buf der = ESEAL_BUF_INIT;
	char why[300];
	answer_of(&a, "33010000000002", ESEAL_SEAL_GOOD, 0, NULL);
	CHECK_OK(sign_answer(&a, st_key, st_cert, &der));
	/* flip the status from good (0) to lost?  the encoding would need a
	 * revocation time, so flip a digit of the esID instead */
	uint8_t *p = memmem(der.data, der.len, "33010000000002", 14);
	REQUIRE(p);
	p[13] = '3';
	CHECK_OK(eseal_status_answer_parse(der.data, der.len, &b, &sig));
	CHECK_EQ_STR(b.esid, "33010000000003");
	CHECK_EQ_INT(eseal_status_signed_verify(sig, trust, T0 + 1000, why, sizeof why), ESEAL_EVERIFY);
	CHECK(strstr(why, "signature") != NULL);
	eseal_status_signed_free(sig);

	/* signed by a maker certificate of the same CA: no status purpose */
	eseal_buf_clear(&der);
	CHECK_OK(sign_answer(&a, mk_key, mk_cert, &der));
	CHECK_OK(eseal_status_answer_parse(der.data, der.len, &b, &sig));
	CHECK_EQ_INT(eseal_status_signed_verify(sig, trust, T0 + 1000, why, sizeof why), ESEAL_EVERIFY);
	CHECK(strstr(why, "not a status publisher") != NULL);
	eseal_status_signed_free(sig);

	/* a proper status certificate of a CA we do not trust */
	eseal_buf_clear(&der);
	CHECK_OK(sign_answer(&a, other_key, other_cert, &der));
	CHECK_OK(eseal_status_answer_parse(der.data, der.len, &b, &sig));
	CHECK_EQ_INT(eseal_status_signed_verify(sig, trust, T0 + 1000, why, sizeof why), ESEAL_EVERIFY);
	CHECK(strstr(why, "chain") != NULL);
	eseal_status_signed_free(sig);

	/* the key does not match the embedded certificate */
	eseal_buf_clear(&der);
	CHECK_OK(sign_answer(&a, other_key, st_cert, &der));
	CHECK_OK(eseal_status_answer_parse(der.data, der.len, &b, &sig));
	CHECK_EQ_INT(eseal_status_signed_verify(sig, trust, T0 + 1000, why, sizeof why), ESEAL_EVERIFY);
	eseal_status_signed_free(sig);
	eseal_buf_free(&der);
}

static eseal_srl_entry entry(const char *esid, eseal_seal_state st, time_t rt, char *reason)
{
	eseal_srl_entry e;
	memset(&e, 0, sizeof e);
	snprintf(e.esid, sizeof e.esid, "%s", esid);
	e.state = st;
	e.revocation_time = rt;
	e.reason = reason;
	return e;
}

static int sign_list(const eseal_srl *l, eseal_buf *out)
{
	const eseal_cert *certs[1] = { st_cert };
	return eseal_srl_sign(l, st_key, certs, 1, out);
}

static void test_list_round_trip_and_delta(void)
{
	setup();
	eseal_srl l1, l2, d, p1, pd;
	eseal_srl_init(&l1);
	eseal_srl_init(&l2);
	l1.number = 1;
	l1.this_update = T0;
	l1.next_update = T0 + 3600;
	eseal_srl_entry e;
	e = entry("33010000000020", ESEAL_SEAL_LOST, T0 - 100, "lost");
	CHECK_OK(eseal_srl_put(&l1, &e));
	e = entry("33010000000010", ESEAL_SEAL_CANCELLED, T0 - 200, NULL);
	CHECK_OK(eseal_srl_put(&l1, &e));
	e = entry("33010000000030", ESEAL_SEAL_LOST, T0 - 50, NULL);
	CHECK_OK(eseal_srl_put(&l1, &e));
	CHECK_EQ_INT(l1.n, 3);
	CHECK_EQ_STR(l1.entries[0].esid, "33010000000010"); /* kept sorted */

	eseal_buf der1 = ESEAL_BUF_INIT, derd = ESEAL_BUF_INIT;
	eseal_status_signed *sig = NULL;
	char why[300];
	CHECK_OK(sign_list(&l1, &der1));
	CHECK_EQ_INT(eseal_status_sniff(der1.data, der1.len), 1);
	CHECK_OK(eseal_srl_parse(der1.data, der1.len, &p1, &sig));
	CHECK_OK(eseal_status_signed_verify(sig, trust, T0, why, sizeof why));
	eseal_status_signed_free(sig);
	CHECK_EQ_INT(p1.delta, 0);
	CHECK_EQ_INT(p1.number, 1);
	CHECK_EQ_INT(p1.n, 3);
	CHECK_EQ_STR(p1.entries[1].reason, "lost");
	CHECK(p1.entries[0].reason == NULL);

	/* list 2: ...20 lifted, ...40 newly lost, ...10 unchanged */
	l2.number = 2;
	l2.this_update = T0 + 600;
	l2.next_update = T0 + 4200;
	e = entry("33010000000010", ESEAL_SEAL_CANCELLED, T0 - 200, NULL);
	CHECK_OK(eseal_srl_put(&l2, &e));
	e = entry("33010000000030", ESEAL_SEAL_CANCELLED, T0 + 300, "cancelled after loss");
	CHECK_OK(eseal_srl_put(&l2, &e));
	e = entry("33010000000040", ESEAL_SEAL_LOST, T0 + 500, NULL);
	CHECK_OK(eseal_srl_put(&l2, &e));
	CHECK_OK(eseal_srl_diff(&l1, &l2, &d));
	CHECK_EQ_INT(d.delta, 1);
	CHECK_EQ_INT(d.base_number, 1);
	CHECK_EQ_INT(d.n, 3); /* 20 lifted, 30 changed, 40 added */
	CHECK_EQ_INT(eseal_srl_find(&d, "33010000000020")->state, ESEAL_SEAL_LIFTED);
	CHECK(eseal_srl_find(&d, "33010000000010") == NULL);
	CHECK_OK(sign_list(&d, &derd));
	CHECK_OK(eseal_srl_parse(derd.data, derd.len, &pd, &sig));
	CHECK_OK(eseal_status_signed_verify(sig, trust, T0, why, sizeof why));
	eseal_status_signed_free(sig);
	CHECK_EQ_INT(pd.delta, 1);
	CHECK_EQ_INT(pd.base_number, 1);

	/* applying the delta to list 1 gives list 2 */
	CHECK_OK(eseal_srl_apply_delta(&p1, &pd));
	CHECK_EQ_INT(p1.number, 2);
	CHECK_EQ_INT(p1.n, l2.n);
	for (size_t i = 0; i < p1.n && i < l2.n; i++) {
		CHECK_EQ_STR(p1.entries[i].esid, l2.entries[i].esid);
		CHECK_EQ_INT(p1.entries[i].state, l2.entries[i].state);
		CHECK_EQ_INT(p1.entries[i].revocation_time, l2.entries[i].revocation_time);
	}
	/* the same delta does not apply twice */
	CHECK_EQ_INT(eseal_srl_apply_delta(&p1, &pd), ESEAL_EINVAL);

	/* status at T: before and after the loss, and after the lift */
	eseal_status_answer s;
	CHECK_OK(eseal_srl_status_at(&p1, "33010000000040", T0 + 499, &s));
	CHECK_EQ_INT(s.state, ESEAL_SEAL_GOOD);
	CHECK_EQ_INT(s.revocation_time, T0 + 500); /* a later loss is still told */
	CHECK_OK(eseal_srl_status_at(&p1, "33010000000040", T0 + 500, &s));
	CHECK_EQ_INT(s.state, ESEAL_SEAL_LOST);
	CHECK_OK(eseal_srl_status_at(&p1, "33010000000020", T0 + 10, &s));
	CHECK_EQ_INT(s.state, ESEAL_SEAL_GOOD); /* lifted */
	CHECK_EQ_INT(s.revocation_time, 0);
	CHECK_OK(eseal_srl_status_at(&p1, "33010000000099", T0, &s));
	CHECK_EQ_INT(s.state, ESEAL_SEAL_GOOD);
	CHECK_OK(eseal_srl_status_at(&p1, "33010000000030", T0 + 400, &s));
	CHECK_EQ_INT(s.state, ESEAL_SEAL_CANCELLED);
	CHECK_EQ_STR(s.reason, "cancelled after loss");

	/* a list source: full list 1 plus delta 2, verified and merged */
	eseal_status_source *src = NULL;
	char note[200];
	CHECK_OK(eseal_status_source_new(&src, trust));
	CHECK_OK(eseal_status_source_add_list(src, derd.data, derd.len));
	CHECK_OK(eseal_status_source_add_list(src, der1.data, der1.len));
	/* list 2 (full 1 + delta 2) answers for any time while it is current */
	CHECK_OK(eseal_status_source_query(src, "33010000000040", T0 + 550, &s, note, sizeof note));
	CHECK_EQ_INT(s.state, ESEAL_SEAL_LOST);
	CHECK(strstr(note, "list 2") != NULL);
	CHECK_OK(eseal_status_source_query(src, "33010000000040", T0 + 100, &s, note, sizeof note));
	CHECK_EQ_INT(s.state, ESEAL_SEAL_GOOD);
	/* the report check: one signature before the loss, one after, one
	 * without a seal */
	eseal_report *rep = NULL;
	char when[32];
	CHECK_OK(eseal_report_new(&rep, "ofd", "x.ofd"));
	eseal_report_item *i1 = eseal_report_add(rep, "signature 1");
	eseal_report_item *i2 = eseal_report_add(rep, "signature 2");
	eseal_report_item *i3 = eseal_report_add(rep, "signature 3");
	eseal_item_check(i1, "signature_value", ESEAL_CHECK_PASSED, NULL, "ok");
	eseal_item_check(i2, "signature_value", ESEAL_CHECK_PASSED, NULL, "ok");
	eseal_item_fact(i1, "esid", "33010000000040");
	eseal_item_fact(i2, "esid", "33010000000040");
	eseal_time_format_human(when, T0 + 450);
	eseal_item_fact(i1, "time", "%s", when);
	eseal_time_format_human(when, T0 + 501);
	eseal_item_fact(i2, "time", "%s", when);
	eseal_item_conclude(i1);
	eseal_item_conclude(i2);
	CHECK_OK(eseal_status_check_report(src, rep));
	CHECK_EQ_INT(eseal_item_check_status(i1, "seal_status"), ESEAL_CHECK_PASSED);
	CHECK_EQ_INT(eseal_item_indication(i1), ESEAL_TOTAL_PASSED);
	CHECK_EQ_INT(eseal_item_check_status(i2, "seal_status"), ESEAL_CHECK_FAILED);
	CHECK_EQ_INT(eseal_item_indication(i2), ESEAL_TOTAL_FAILED);
	CHECK_EQ_STR(eseal_item_subindication(i2), ESEAL_SUB_REVOKED);
	CHECK_EQ_INT(eseal_item_check_status(i3, "seal_status"), ESEAL_CHECK_SKIPPED);
	eseal_report_free(rep);
	eseal_status_source_free(src);
	/* deltas alone are not enough */
	CHECK_OK(eseal_status_source_new(&src, trust));
	CHECK_OK(eseal_status_source_add_list(src, derd.data, derd.len));
	CHECK(eseal_status_source_query(src, "33010000000040", T0 + 550, &s, note, sizeof note) != 0);
	CHECK(strstr(eseal_error_last(), "full") != NULL);
	eseal_status_source_free(src);

	eseal_srl_clear(&l1);
	eseal_srl_clear(&l2);
	eseal_srl_clear(&d);
	eseal_srl_clear(&p1);
	eseal_srl_clear(&pd);
	eseal_buf_free(&der1);
	eseal_buf_free(&derd);
}

static void test_answer_at(void)
{
	setup();
	eseal_status_answer a, o;
	answer_of(&a, "33010000000050", ESEAL_SEAL_LOST, T0 + 100, "lost");
	CHECK_OK(eseal_status_answer_at(&a, "33010000000050", T0 + 99, &o));
	CHECK_EQ_INT(o.state, ESEAL_SEAL_GOOD);
	CHECK_OK(eseal_status_answer_at(&a, "33010000000050", T0 + 100, &o));
	CHECK_EQ_INT(o.state, ESEAL_SEAL_LOST);
	CHECK_EQ_INT(eseal_status_answer_at(&a, "33010000000051", T0, &o), ESEAL_EINVAL);
	a.at = T0 + 5;
	CHECK_EQ_INT(eseal_status_answer_at(&a, "33010000000050", T0 + 6, &o), ESEAL_EINVAL);
	CHECK_OK(eseal_status_answer_at(&a, "33010000000050", T0 + 5, &o));
}

/* Re-signs nothing: every variant must be refused by the parser. */
static void test_strict_parse(void)
{
	setup();
	eseal_status_answer a, b;
	eseal_buf der = ESEAL_BUF_INIT, x = ESEAL_BUF_INIT;
	answer_of(&a, "33010000000060", ESEAL_SEAL_CANCELLED, T0, "gone");
	CHECK_OK(sign_answer(&a, st_key, st_cert, &der));
	CHECK_OK(eseal_status_answer_parse(der.data, der.len, &b, NULL));
	/* trailing garbage */
	CHECK_OK(eseal_buf_put(&x, der.data, der.len));
	CHECK_OK(eseal_buf_putc(&x, 0));
	CHECK(eseal_status_answer_parse(x.data, x.len, &b, NULL) != 0);
	/* every truncation */
	for (size_t n = 0; n < der.len; n += 7)
		CHECK(eseal_status_answer_parse(der.data, n, &b, NULL) != 0);
	/* a list is not an answer and vice versa */
	eseal_srl l;
	CHECK(eseal_srl_parse(der.data, der.len, &l, NULL) != 0);
	/* non-canonical time: UTCTime would be 0x17 */
	eseal_buf_clear(&x);
	CHECK_OK(eseal_buf_put(&x, der.data, der.len));
	uint8_t *p = memmem(x.data, x.len, "\x18\x0f", 2);
	REQUIRE(p);
	p[0] = 0x17;
	CHECK(eseal_status_answer_parse(x.data, x.len, &b, NULL) != 0);
	/* an unknown status value (9) */
	eseal_buf_clear(&x);
	CHECK_OK(eseal_buf_put(&x, der.data, der.len));
	p = memmem(x.data, x.len, "\x0a\x01\x02", 3);
	REQUIRE(p);
	p[2] = 9;
	CHECK(eseal_status_answer_parse(x.data, x.len, &b, NULL) != 0);
	/* cancelled changed to good: a revocation time where none may be */
	p[2] = 0;
	CHECK(eseal_status_answer_parse(x.data, x.len, &b, NULL) != 0);
	/* random bytes never crash and never parse */
	uint8_t junk[300];
	for (int i = 0; i < 200; i++) {
		CHECK_OK(eseal_random(junk, sizeof junk));
		junk[0] = 0x30;
		junk[1] = 0x82;
		junk[2] = 0x01;
		junk[3] = 0x28;
		CHECK(eseal_status_answer_parse(junk, sizeof junk, &b, NULL) != 0);
		CHECK(eseal_srl_parse(junk, sizeof junk, &l, NULL) != 0);
	}

	/* unsorted list entries are refused: swap two esIDs in a signed list */
	eseal_srl s;
	eseal_srl_init(&s);
	s.number = 3;
	s.this_update = T0;
	s.next_update = T0 + 10;
	eseal_srl_entry e = entry("33010000000071", ESEAL_SEAL_LOST, T0, NULL);
	CHECK_OK(eseal_srl_put(&s, &e));
	e = entry("33010000000072", ESEAL_SEAL_LOST, T0, NULL);
	CHECK_OK(eseal_srl_put(&s, &e));
	eseal_buf_clear(&x);
	CHECK_OK(sign_list(&s, &x));
	CHECK_OK(eseal_srl_parse(x.data, x.len, &l, NULL));
	eseal_srl_clear(&l);
	p = memmem(x.data, x.len, "33010000000072", 14);
	REQUIRE(p);
	p[13] = '0';
	CHECK(eseal_srl_parse(x.data, x.len, &l, NULL) != 0);
	/* a lifted entry is only allowed in a delta */
	s.entries[0].state = ESEAL_SEAL_LIFTED;
	CHECK_EQ_INT(sign_list(&s, &x), ESEAL_EINVAL);
	eseal_srl_clear(&s);
	eseal_buf_free(&der);
	eseal_buf_free(&x);
}

/* A one-shot HTTP server on a loopback port: reads the request, sends
 * `reply` (NULL: sends nothing and waits, for the timeout). */
typedef struct {
	int lfd, port;
	const char *reply;
	char request[1024];
} mini_srv;

static void *mini_run(void *arg)
{
	mini_srv *m = arg;
	int fd = accept(m->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	ssize_t n = recv(fd, m->request, sizeof m->request - 1, 0);
	m->request[n > 0 ? n : 0] = 0;
	if (m->reply)
		(void)!send(fd, m->reply, strlen(m->reply), MSG_NOSIGNAL);
	else
		sleep(2);
	close(fd);
	return NULL;
}

static int mini_get(const char *reply, int timeout_ms, size_t max, eseal_http_answer *ans, char *req, size_t reqlen)
{
	mini_srv m = { 0 };
	struct sockaddr_in a = { 0 };
	socklen_t al = sizeof a;
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	m.lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (m.lfd < 0 || bind(m.lfd, (struct sockaddr *)&a, sizeof a) || listen(m.lfd, 1) ||
	    getsockname(m.lfd, (struct sockaddr *)&a, &al))
		return -100;
	m.reply = reply;
	pthread_t th;
	pthread_create(&th, NULL, mini_run, &m);
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/status/1?at=5", ntohs(a.sin_port));
	int rc = eseal_http_get(url, "application/eseal-status", timeout_ms, max, ans);
	pthread_join(th, NULL);
	close(m.lfd);
	if (req)
		snprintf(req, reqlen, "%s", m.request);
	return rc;
}

static void test_http_client(void)
{
	eseal_http_answer h;
	char req[1024];
	CHECK_OK(mini_get("HTTP/1.1 200 OK\r\nContent-Type: application/eseal-status\r\nETag: \"ab\"\r\n"
			  "Content-Length: 5\r\n\r\nhello",
			  2000, 0, &h, req, sizeof req));
	CHECK_EQ_INT(h.status, 200);
	CHECK_EQ_STR(h.content_type, "application/eseal-status");
	CHECK_EQ_STR(h.etag, "\"ab\"");
	CHECK(h.body.len == 5 && !memcmp(h.body.data, "hello", 5));
	CHECK(!strncmp(req, "GET /api/v1/status/1?at=5 HTTP/1.1\r\n", 36));
	CHECK(strstr(req, "\r\nHost: 127.0.0.1:") != NULL);
	eseal_http_answer_free(&h);
	/* chunked */
	CHECK_OK(mini_get("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
			  2000, 0, &h, NULL, 0));
	CHECK_EQ_INT(h.status, 404);
	CHECK(h.body.len == 5 && !memcmp(h.body.data, "abcde", 5));
	eseal_http_answer_free(&h);
	/* size limit, cut-short body, garbage, timeout */
	CHECK_EQ_INT(mini_get("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 2000, 4, &h, NULL, 0),
		     ESEAL_ELIMIT);
	CHECK_EQ_INT(mini_get("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123", 2000, 0, &h, NULL, 0),
		     ESEAL_EFORMAT);
	CHECK_EQ_INT(mini_get("SMTP ready\r\n\r\n", 2000, 0, &h, NULL, 0), ESEAL_EFORMAT);
	CHECK_EQ_INT(mini_get(NULL, 300, 0, &h, NULL, 0), ESEAL_EIO);
	CHECK(strstr(eseal_error_last(), "timed out") != NULL);
	CHECK_EQ_INT(eseal_http_get("https://127.0.0.1/", NULL, 100, 0, &h), ESEAL_EINVAL);
}

static void cleanup(void)
{
	eseal_key_free(st_key);
	eseal_key_free(mk_key);
	eseal_key_free(other_key);
	eseal_cert_free(st_cert);
	eseal_cert_free(mk_cert);
	eseal_cert_free(other_cert);
	eseal_trust_free(trust);
}

static void test_zz_cleanup(void)
{
	cleanup();
	CHECK(1);
}

TESTS(T(test_answer_round_trip), T(test_tampered_and_wrong_signer), T(test_list_round_trip_and_delta),
      T(test_answer_at), T(test_strict_parse), T(test_http_client), T(test_zz_cleanup))
