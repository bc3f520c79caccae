/*
 * test_server.c - the HTTP service over real sockets on 127.0.0.1: health,
 * the OpenAPI document against an independent list of routes, problem+json
 * errors for bad requests (which must change nothing), sessions, signed
 * requests (bad signature, replay, stale timestamp), password hashing, and
 * the authorization matrix (every route x every role, another
 * organisation's user and anonymous) checked against a table written here,
 * not taken from the server. The HTTP client and the HMAC signing are
 * written here too, independently of the server's code.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "eseal/eseal.h"
#include "eseal/server.h"
#include "eseal/store.h"
#include "harness.h"
#include "server/server_internal.h"
#include "store_backends.h"

/* ---- a minimal HTTP/1.1 client ---- */
static int port;

typedef struct {
	int status;
	char head[8192];
	char *body;
	size_t len;
} resp;

static void resp_free(resp *r)
{
	free(r->body);
	memset(r, 0, sizeof *r);
}

static int connect_server(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { 0 };
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = { 10, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_resp(int fd, resp *out)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (len + 4096 > cap)
			buf = realloc(buf, cap *= 2);
		ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	memset(out, 0, sizeof *out);
	char *end = strstr(buf, "\r\n\r\n");
	if (len < 12 || !end || sscanf(buf, "HTTP/1.%*d %d", &out->status) != 1) {
		free(buf);
		return -1;
	}
	size_t hl = (size_t)(end - buf);
	snprintf(out->head, sizeof out->head, "%.*s", (int)hl, buf);
	out->len = len - hl - 4;
	out->body = malloc(out->len + 1);
	memcpy(out->body, end + 4, out->len);
	out->body[out->len] = 0;
	free(buf);
	return 0;
}

/* extra: "Name: value\r\n" lines or NULL; body NULL = no Content-Length */
static int http(const char *method, const char *target, const char *extra, const char *body, resp *out)
{
	char head[8192];
	int fd = connect_server();
	if (fd < 0)
		return -1;
	int n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s", method,
			 target, extra ? extra : "");
	if (body)
		n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %zu\r\n", strlen(body));
	n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
	int rc = send_all(fd, head, (size_t)n);
	if (!rc && body)
		rc = send_all(fd, body, strlen(body));
	if (!rc)
		rc = read_resp(fd, out);
	close(fd);
	return rc;
}

static const char *header(const resp *r, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	for (const char *p = strstr(r->head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
		const char *l = p + 2;
		if (!strncasecmp(l, name, nl) && l[nl] == ':') {
			const char *v = l + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = strcspn(v, "\r");
			snprintf(out, outlen, "%.*s", (int)vl, v);
			return out;
		}
	}
	return NULL;
}

/* A problem+json answer with the given status (and type slug when given). */
static int is_problem(const resp *r, int status, const char *slug)
{
	char ct[128];
	if (r->status != status || !header(r, "Content-Type", ct, sizeof ct) ||
	    strcmp(ct, "application/problem+json"))
		return 0;
	json_t *j = json_loads(r->body, 0, NULL);
	int ok = j && json_integer_value(json_object_get(j, "status")) == status &&
		 json_string_value(json_object_get(j, "title")) && json_string_value(json_object_get(j, "detail")) &&
		 json_string_value(json_object_get(j, "instance")) &&
		 json_string_value(json_object_get(j, "request_id")) && json_string_value(json_object_get(j, "type"));
	if (ok && slug) {
		char want[96];
		snprintf(want, sizeof want, "urn:eseal:problem:%s", slug);
		ok = !strcmp(json_string_value(json_object_get(j, "type")), want);
	}
	if (!ok)
		fprintf(stderr, "    got %d %s\n", r->status, r->body);
	json_decref(j);
	return ok;
}

/* ---- the server under test ---- */
static time_t fake_now;
static time_t clock_fn(void *ctx)
{
	return fake_now;
}

static int status_fn(void *ctx, const char *esid, eseal_buf *out)
{
	if (strcmp(esid, "12345678901234"))
		return ESEAL_ENOTFOUND;
	return eseal_buf_printf(out, "{\"esid\":\"%s\",\"status\":\"valid\"}", esid);
}

static eseal_server *sv;
static srv_server *ss;

/* principals of the matrix, in this order */
enum { P_SA, P_BA, P_RV, P_SK, P_AP, P_AU, P_API, P_OTHER, P_ANON, NP };
static const char *pnames[NP] = { "system_admin", "business_admin", "reviewer", "seal_keeper", "applicant",
				  "audit_admin", "api_client", "other-org business_admin", "anonymous" };
static const char *pusers[NP] = { "sa", "ba", "rv", "sk", "ap", "au", NULL, "other", NULL };
static const char *porgs[NP] = { "system", "orga", "orga", "orga", "orga", "orga", "orga", "orgb", NULL };
static const int proles[NP] = { SRV_ROLE_SYSTEM_ADMIN, SRV_ROLE_BUSINESS_ADMIN, SRV_ROLE_REVIEWER,
				SRV_ROLE_SEAL_KEEPER, SRV_ROLE_APPLICANT, SRV_ROLE_AUDIT_ADMIN, 0,
				SRV_ROLE_BUSINESS_ADMIN, 0 };
static char ppass[NP][64];
static char ptoken[NP][65];
static char api_key_id[64];
static uint8_t api_secret[32];
static char orga_user_id[64];

static const char *PASSWORD = "Correct-Horse-9";

static int login(const char *name, const char *pw, char token[65], char csrf[65])
{
	char body[512];
	resp r;
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"password\":\"%s\"}", name, pw);
	if (http("POST", "/api/v1/login", "Content-Type: application/json\r\n", body, &r))
		return -1;
	int ok = r.status == 200;
	if (ok) {
		json_t *j = json_loads(r.body, 0, NULL);
		const char *t = json_string_value(json_object_get(j, "token"));
		const char *c = json_string_value(json_object_get(j, "csrf_token"));
		ok = t && strlen(t) == 64;
		if (ok)
			memcpy(token, t, 65);
		if (ok && csrf && c)
			snprintf(csrf, 65, "%s", c);
		json_decref(j);
	}
	int st = r.status;
	resp_free(&r);
	return ok ? 0 : st;
}

static void hexs(char *out, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

/* Authorization header for a signed request, computed with OpenSSL here. */
static void sign_header(char *out, size_t outlen, const char *key, const uint8_t secret[32], const char *method,
			const char *target, const char *body, long long ts, const char *nonce_in)
{
	uint8_t bh[32], sig[32], rnd[16];
	unsigned int bl = 32, sl = 32;
	char bhex[65], shex[65], nonce[33], msg[4096];
	EVP_Digest(body ? body : "", body ? strlen(body) : 0, bh, &bl, EVP_sm3(), NULL);
	hexs(bhex, bh, 32);
	if (nonce_in) {
		snprintf(nonce, sizeof nonce, "%s", nonce_in);
	} else {
		RAND_bytes(rnd, sizeof rnd);
		hexs(nonce, rnd, 16);
	}
	int n = snprintf(msg, sizeof msg, "%s\n%s\n%s\n%lld\n%s", method, target, bhex, ts, nonce);
	HMAC(EVP_sm3(), secret, 32, (const uint8_t *)msg, (size_t)n, sig, &sl);
	hexs(shex, sig, 32);
	snprintf(out, outlen, "Authorization: ESEAL-HMAC-SM3 key=%s, ts=%lld, nonce=%s, sig=%s\r\n", key, ts,
		 nonce, shex);
}

/* A request as principal p (bearer token, signed request, or nothing). */
static int http_as(int p, const char *method, const char *target, const char *body, resp *out)
{
	char extra[1024] = "";
	size_t n = 0;
	if (body)
		n += (size_t)snprintf(extra, sizeof extra, "Content-Type: application/json\r\n");
	if (p == P_API)
		sign_header(extra + n, sizeof extra - n, api_key_id, api_secret, method, target, body,
			    (long long)fake_now, NULL);
	else if (p != P_ANON)
		snprintf(extra + n, sizeof extra - n, "Authorization: Bearer %s\r\n", ptoken[p]);
	return http(method, target, extra, body, out);
}

static size_t user_count(void)
{
	srv_user *list = NULL;
	size_t n = 0;
	ss->auth->user_list(ss->auth->ctx, NULL, &list, &n);
	free(list);
	return n;
}

static eseal_auth_backend *store_backend;
static eseal_kek *test_kek;
static char store_url[512];

/* with_store: users, sessions, keys and nonces in a fresh store (SQLite, or
 * a new PostgreSQL schema with ESEAL_TEST_DB=pg) */
static void setup(int with_store)
{
	signal(SIGPIPE, SIG_IGN);
	fake_now = time(NULL);
	eseal_server_config cfg = { 0 };
	if (with_store) {
		char *url = store_url;
		eseal_store *db;
		tdb_new_url(tdb_env_pg(), store_url, sizeof store_url);
		uint8_t kb[32] = { 7 };
		if (eseal_store_open(&db, url) || eseal_kek_from_bytes(&test_kek, kb) ||
		    srv_auth_store_new(&store_backend, db, test_kek)) {
			fprintf(stderr, "cannot open %s: %s\n", url, eseal_error_last());
			exit(1);
		}
		cfg.auth = store_backend;
	}
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 2;
	cfg.session_ttl = 3600;
	cfg.status_fn = status_fn;
	cfg.now = clock_fn;
	cfg.password_cost = 11; /* production uses 15; the hashing test below checks that */
	if (eseal_server_start(&sv, &cfg)) {
		fprintf(stderr, "cannot start: %s\n", eseal_error_last());
		exit(1);
	}
	ss = srv_server_of(sv);
	port = eseal_server_port(sv);
	for (int p = 0; p < NP; p++) {
		if (!pusers[p])
			continue;
		snprintf(ppass[p], sizeof ppass[p], "%s-%s", PASSWORD, pusers[p]);
		if (srv_user_add(ss, pusers[p], porgs[p], proles[p], ppass[p], 0, NULL) ||
		    login(pusers[p], ppass[p], ptoken[p], NULL)) {
			fprintf(stderr, "setup: user %s: %s\n", pusers[p], eseal_error_last());
			exit(1);
		}
	}
	srv_user u;
	if (srv_user_add(ss, "target", "orga", SRV_ROLE_APPLICANT, PASSWORD, 0, &u))
		exit(1);
	snprintf(orga_user_id, sizeof orga_user_id, "%s", u.id);
	/* the API key is made through the API by orga's business admin */
	resp r;
	if (http_as(P_BA, "POST", "/api/v1/api-keys", "{\"name\":\"erp\"}", &r) || r.status != 201) {
		fprintf(stderr, "setup: api key: %d %s\n", r.status, r.body);
		exit(1);
	}
	json_t *j = json_loads(r.body, 0, NULL);
	snprintf(api_key_id, sizeof api_key_id, "%s", json_string_value(json_object_get(j, "id")));
	const char *sec = json_string_value(json_object_get(j, "secret"));
	for (int i = 0; sec && i < 32; i++)
		sscanf(sec + 2 * i, "%2hhx", &api_secret[i]);
	json_decref(j);
	resp_free(&r);
}

/* ---- tests ---- */
static void test_healthz(void)
{
	resp r;
	char v[128];
	REQUIRE(!http("GET", "/healthz", NULL, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.body, "\"ok\"") != NULL);
	CHECK(header(&r, "Content-Type", v, sizeof v) && !strcmp(v, "application/json"));
	CHECK(header(&r, "X-Request-Id", v, sizeof v) != NULL);
	resp_free(&r);

	REQUIRE(!http("GET", "/metrics", NULL, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.body, "eseal_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}") != NULL);
	CHECK(strstr(r.body, "eseal_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"}") != NULL);
	CHECK(strstr(r.body, "eseal_http_requests_in_flight ") != NULL);
	resp_free(&r);

	REQUIRE(!http("GET", "/api/v1/status/12345678901234", NULL, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.body, "\"valid\"") != NULL);
	resp_free(&r);
	REQUIRE(!http("GET", "/api/v1/status/99999999999999", NULL, NULL, &r));
	CHECK(is_problem(&r, 404, "unknown-seal"));
	resp_free(&r);
	REQUIRE(!http("GET", "/api/v1/status/12%2F34", NULL, NULL, &r));
	CHECK(is_problem(&r, 404, "not-found"));
	resp_free(&r);
}

/* The routes the service must have, written independently of its table. */
static const struct { const char *method, *path; } expected_routes[] = {
	{ "GET", "/healthz" },
	{ "GET", "/metrics" },
	{ "GET", "/api/v1/openapi.json" },
	{ "POST", "/api/v1/login" },
	{ "POST", "/api/v1/logout" },
	{ "GET", "/api/v1/me" },
	{ "POST", "/api/v1/me/password" },
	{ "GET", "/api/v1/users" },
	{ "POST", "/api/v1/users" },
	{ "GET", "/api/v1/users/{id}" },
	{ "POST", "/api/v1/api-keys" },
	{ "GET", "/api/v1/status/{esid}" },
	{ "GET", "/api/v1/srl" },
	{ "GET", "/api/v1/srl/delta" },
	{ "POST", "/api/v1/orgs" },
	{ "GET", "/api/v1/orgs" },
	{ "POST", "/api/v1/seal-applications" },
	{ "GET", "/api/v1/seal-applications" },
	{ "GET", "/api/v1/seal-applications/{id}" },
	{ "POST", "/api/v1/seal-applications/{id}/approve" },
	{ "POST", "/api/v1/seal-applications/{id}/reject" },
	{ "POST", "/api/v1/seal-applications/{id}/make" },
	{ "GET", "/api/v1/seals" },
	{ "GET", "/api/v1/seals/{esid}" },
	{ "GET", "/api/v1/seals/{esid}/seal.esl" },
	{ "GET", "/api/v1/seals/{esid}/picture" },
	{ "GET", "/api/v1/seal-applications/{id}/materials/{n}" },
	{ "GET", "/api/v1/seal-applications/{id}/picture" },
	{ "POST", "/api/v1/seal-applications/picture-import" },
	{ "GET", "/api/v1/stats" },
	{ "GET", "/api/v1/seals/{esid}/events" },
	{ "POST", "/api/v1/seals/{esid}/report-loss" },
	{ "POST", "/api/v1/seals/{esid}/lift-loss" },
	{ "POST", "/api/v1/seals/{esid}/cancel" },
	{ "POST", "/api/v1/tsa" },
	{ "GET", "/api/v1/audit" },
	{ "GET", "/api/v1/audit/head" },
	{ "GET", "/api/v1/audit/proof/{seq}" },
	{ "GET", "/api/v1/audit/consistency" },
	{ "POST", "/api/v1/place" },
	{ "POST", "/api/v1/place/feedback" },
	{ "POST", "/api/v1/sign-requests" },
	{ "GET", "/api/v1/sign-requests" },
	{ "GET", "/api/v1/sign-requests/{id}" },
	{ "POST", "/api/v1/sign-requests/{id}/approve" },
	{ "POST", "/api/v1/sign-requests/{id}/reject" },
	{ "GET", "/api/v1/sign-requests/{id}/documents/{n}" },
	{ "POST", "/api/v1/sign-hash" },
	{ "POST", "/api/v1/seals/{esid}/sign-policy" },
	{ "POST", "/api/v1/seals/{esid}/uses" },
	{ "GET", "/api/v1/seals/{esid}/uses" },
	{ "POST", "/api/v1/verify" },
	{ "POST", "/api/v1/render" },
	{ "POST", "/api/v1/federation/register" },
	{ "GET", "/api/v1/federation/register/{id}" },
	{ "GET", "/api/v1/federation/children" },
	{ "POST", "/api/v1/federation/children/{id}/approve" },
	{ "POST", "/api/v1/federation/children/{id}/refuse" },
	{ "POST", "/api/v1/federation/events" },
	{ "GET", "/api/v1/federation/seals/{esid}/events" },
};
#define NEXPECTED (sizeof expected_routes / sizeof expected_routes[0])

static void test_openapi(void)
{
	resp r;
	REQUIRE(!http("GET", "/api/v1/openapi.json", NULL, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	json_error_t e;
	json_t *doc = json_loads(r.body, 0, &e);
	REQUIRE(doc);
	CHECK(!strncmp(json_string_value(json_object_get(doc, "openapi")), "3.", 2));
	json_t *paths = json_object_get(doc, "paths");
	REQUIRE(json_is_object(paths));
	size_t found = 0, ops = 0;
	const char *path;
	json_t *item;
	json_object_foreach(paths, path, item) {
		const char *m;
		json_t *op;
		json_object_foreach(item, m, op) {
			ops++;
			char up[16];
			size_t k = 0;
			for (; m[k] && k + 1 < sizeof up; k++)
				up[k] = (char)(m[k] & ~0x20);
			up[k] = 0;
			int known = 0;
			for (size_t i = 0; i < NEXPECTED; i++)
				known |= !strcmp(expected_routes[i].method, up) && !strcmp(expected_routes[i].path, path);
			if (!known)
				fprintf(stderr, "    unexpected in openapi: %s %s\n", up, path);
			CHECK(known);
			found += known;
			CHECK(json_string_value(json_object_get(op, "summary")) != NULL);
			CHECK(json_object_get(json_object_get(op, "responses"), "default") != NULL);
		}
	}
	CHECK_EQ_INT(found, NEXPECTED);
	CHECK_EQ_INT(ops, NEXPECTED);
	/* every documented route is really answered (not 404/405) */
	for (size_t i = 0; i < NEXPECTED; i++) {
		char target[128];
		snprintf(target, sizeof target, "%s", expected_routes[i].path);
		char *b = strchr(target, '{');
		if (b)
			snprintf(b, sizeof target - (size_t)(b - target), "x1%s",
				 strchr(strchr(expected_routes[i].path, '{'), '}') + 1);
		resp q;
		REQUIRE(!http(expected_routes[i].method, target, NULL, NULL, &q));
		CHECK(q.status != 404 || strstr(q.body, "unknown-seal") || strstr(q.body, "no such user"));
		CHECK(q.status != 405);
		resp_free(&q);
	}
	/* request schemas forbid unknown fields */
	json_t *login = json_object_get(json_object_get(paths, "/api/v1/login"), "post");
	json_t *schema = json_object_get(json_object_get(json_object_get(json_object_get(login, "requestBody"),
									    "content"), "application/json"), "schema");
	CHECK(json_is_false(json_object_get(schema, "additionalProperties")));
	json_decref(doc);
	resp_free(&r);
}

static void test_bad_requests(void)
{
	resp r;
	const char *ct = "Content-Type: application/json\r\n";
	size_t before = user_count();

	REQUIRE(!http("GET", "/api/v1/nothing", NULL, NULL, &r));
	CHECK(is_problem(&r, 404, "not-found"));
	resp_free(&r);

	char allow[64];
	REQUIRE(!http("DELETE", "/api/v1/login", NULL, NULL, &r));
	CHECK(is_problem(&r, 405, "method-not-allowed"));
	CHECK(header(&r, "Allow", allow, sizeof allow) && !strcmp(allow, "POST"));
	resp_free(&r);

	static const struct { const char *body; const char *why; } bad[] = {
		{ "{\"name\":\"a\",", "malformed JSON" },
		{ "{\"name\":\"a\",\"password\":\"b\"} x", "trailing data" },
		{ "[1,2]", "not an object" },
		{ "{\"name\":\"a\",\"password\":\"b\",\"admin\":true}", "unknown field" },
		{ "{\"name\":7,\"password\":\"b\"}", "wrong type" },
		{ "{\"name\":\"a\"}", "missing field" },
		{ "{\"name\":\"a\",\"name\":\"b\",\"password\":\"c\"}", "duplicate key" },
		{ "{\"name\":\"\xff\xfe\",\"password\":\"c\"}", "invalid UTF-8" },
		{ "{\"name\":\"a\\u0000b\",\"password\":\"c\"}", "NUL in a string" },
		{ "", "empty" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		REQUIRE(!http("POST", "/api/v1/login", ct, bad[i].body, &r));
		if (!is_problem(&r, 400, "invalid-body"))
			fprintf(stderr, "    case: %s\n", bad[i].why);
		CHECK(is_problem(&r, 400, "invalid-body"));
		resp_free(&r);
	}
	/* too deep */
	char deep[200] = "{\"name\":";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	REQUIRE(!http("POST", "/api/v1/login", ct, deep, &r));
	CHECK(is_problem(&r, 400, "invalid-body"));
	resp_free(&r);
	/* wrong media type */
	REQUIRE(!http("POST", "/api/v1/login", "Content-Type: text/plain\r\n", "{}", &r));
	CHECK(is_problem(&r, 415, NULL));
	resp_free(&r);
	/* a body where none is allowed */
	REQUIRE(!http("GET", "/healthz", ct, "{}", &r));
	CHECK(is_problem(&r, 400, "invalid-body"));
	resp_free(&r);

	/* schema failures on a route that would create something */
	static const char *bad_users[] = {
		"{\"name\":\"newbie\",\"password\":\"Abcdefgh-12345\",\"role\":\"applicant\",\"shoe_size\":4}",
		"{\"name\":\"newbie\",\"password\":\"Abcdefgh-12345\",\"role\":\"applicant\",\"must_change_password\":\"yes\"}",
		"{\"name\":\"newbie\",\"password\":\"Abcdefgh-12345\",\"role\":3}",
		"{\"name\":\"newbie\",\"password\":\"short\",\"role\":\"applicant\"}",
		"{\"name\":\"newbie\",\"password\":\"Abcdefgh-12345\",\"role\":\"emperor\"}",
		"{\"name\":\"Bad Name\",\"password\":\"Abcdefgh-12345\",\"role\":\"applicant\"}",
	};
	for (size_t i = 0; i < sizeof bad_users / sizeof bad_users[0]; i++) {
		REQUIRE(!http_as(P_BA, "POST", "/api/v1/users", bad_users[i], &r));
		CHECK(is_problem(&r, 400, NULL));
		resp_free(&r);
	}
	CHECK_EQ_INT(user_count(), before);

	/* 413: announced too large, answered before the body is sent */
	{
		int fd = connect_server();
		REQUIRE(fd >= 0);
		const char *h = "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
				"Content-Length: 2000000\r\n\r\n";
		REQUIRE(!send_all(fd, h, strlen(h)));
		REQUIRE(!read_resp(fd, &r));
		close(fd);
		CHECK(is_problem(&r, 413, "body-too-large"));
		resp_free(&r);
	}
	/* 413: chunked body that grows past 1 MiB */
	{
		int fd = connect_server();
		REQUIRE(fd >= 0);
		const char *h = "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
				"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
		REQUIRE(!send_all(fd, h, strlen(h)));
		static char chunk[65536];
		memset(chunk, ' ', sizeof chunk);
		int ok = 1;
		for (int i = 0; i < 18 && ok; i++) {
			char ch[16];
			snprintf(ch, sizeof ch, "%zx\r\n", sizeof chunk);
			ok = !send_all(fd, ch, strlen(ch)) && !send_all(fd, chunk, sizeof chunk) &&
			     !send_all(fd, "\r\n", 2);
		}
		if (ok)
			send_all(fd, "0\r\n\r\n", 5);
		REQUIRE(!read_resp(fd, &r));
		close(fd);
		CHECK(is_problem(&r, 413, "body-too-large"));
		resp_free(&r);
	}
	/* a body just under the limit is read and judged on its content */
	{
		size_t n = (1u << 20) - 100;
		char *big = malloc(n + 1);
		memset(big, ' ', n);
		big[0] = '{';
		big[n - 1] = '}';
		big[n] = 0;
		REQUIRE(!http("POST", "/api/v1/login", ct, big, &r));
		CHECK(is_problem(&r, 400, "invalid-body"));
		resp_free(&r);
		free(big);
	}
	CHECK_EQ_INT(user_count(), before);
}

static void test_hmac(void)
{
	resp r;
	char h[1024];
	long long now = (long long)fake_now;
	REQUIRE(!http_as(P_API, "GET", "/api/v1/me", NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.body, "\"api_client\"") && strstr(r.body, "\"orga\"") && strstr(r.body, "\"hmac\""));
	resp_free(&r);

	/* signed with a wrong secret */
	uint8_t wrong[32];
	memcpy(wrong, api_secret, 32);
	wrong[0] ^= 1;
	sign_header(h, sizeof h, api_key_id, wrong, "GET", "/api/v1/me", NULL, now, NULL);
	REQUIRE(!http("GET", "/api/v1/me", h, NULL, &r));
	CHECK(is_problem(&r, 401, "bad-signature"));
	resp_free(&r);
	/* signature over another path */
	sign_header(h, sizeof h, api_key_id, api_secret, "GET", "/api/v1/users", NULL, now, NULL);
	REQUIRE(!http("GET", "/api/v1/me", h, NULL, &r));
	CHECK(is_problem(&r, 401, "bad-signature"));
	resp_free(&r);
	/* body changed after signing: nothing is created */
	size_t before = user_count();
	char extra[1200];
	sign_header(h, sizeof h, api_key_id, api_secret, "POST", "/api/v1/api-keys", "{\"name\":\"a\"}", now, NULL);
	snprintf(extra, sizeof extra, "Content-Type: application/json\r\n%s", h);
	REQUIRE(!http("POST", "/api/v1/api-keys", extra, "{\"name\":\"b\"}", &r));
	CHECK(is_problem(&r, 401, "bad-signature"));
	resp_free(&r);
	CHECK_EQ_INT(user_count(), before);
	/* unknown key */
	sign_header(h, sizeof h, "k-0000000000000000", api_secret, "GET", "/api/v1/me", NULL, now, NULL);
	REQUIRE(!http("GET", "/api/v1/me", h, NULL, &r));
	CHECK(is_problem(&r, 401, "bad-signature"));
	resp_free(&r);
	/* malformed headers */
	static const char *malformed[] = {
		"Authorization: ESEAL-HMAC-SM3 key=k-1, ts=1\r\n",
		"Authorization: ESEAL-HMAC-SM3 key=k-1, ts=x, nonce=00112233445566778899, sig=00\r\n",
		"Authorization: ESEAL-HMAC-SM3 garbage\r\n",
		"Authorization: Basic YWRtaW46YWRtaW4=\r\n",
		"Authorization: Bearer 1234\r\n",
	};
	for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
		REQUIRE(!http("GET", "/api/v1/me", malformed[i], NULL, &r));
		CHECK(is_problem(&r, 401, NULL));
		resp_free(&r);
	}
	/* replay: the same signed request twice */
	sign_header(h, sizeof h, api_key_id, api_secret, "GET", "/api/v1/me", NULL, now,
		    "0123456789abcdef0123456789abcdef");
	REQUIRE(!http("GET", "/api/v1/me", h, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	resp_free(&r);
	REQUIRE(!http("GET", "/api/v1/me", h, NULL, &r));
	CHECK(is_problem(&r, 401, "replayed-nonce"));
	resp_free(&r);
	/* stale and future timestamps */
	sign_header(h, sizeof h, api_key_id, api_secret, "GET", "/api/v1/me", NULL, now - 301, NULL);
	REQUIRE(!http("GET", "/api/v1/me", h, NULL, &r));
	CHECK(is_problem(&r, 401, "stale-timestamp"));
	resp_free(&r);
	sign_header(h, sizeof h, api_key_id, api_secret, "GET", "/api/v1/me", NULL, now + 301, NULL);
	REQUIRE(!http("GET", "/api/v1/me", h, NULL, &r));
	CHECK(is_problem(&r, 401, "stale-timestamp"));
	resp_free(&r);
	/* inside the window is fine; query strings are signed too */
	sign_header(h, sizeof h, api_key_id, api_secret, "GET", "/api/v1/me?x=1", NULL, now - 299, NULL);
	REQUIRE(!http("GET", "/api/v1/me?x=1", h, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	resp_free(&r);
	REQUIRE(!http("GET", "/api/v1/me?x=2", h, NULL, &r));
	CHECK(is_problem(&r, 401, "bad-signature"));
	resp_free(&r);
}

static void test_sessions(void)
{
	resp r;
	char token[65], csrf[65], extra[512], v[256];
	CHECK_EQ_INT(login("ap", "wrong-password-123", token, NULL), 401);
	CHECK_EQ_INT(login("nobody", "wrong-password-123", token, NULL), 401);
	REQUIRE(!login("ap", ppass[P_AP], token, csrf));

	/* the cookie is HttpOnly and SameSite=Strict */
	char body[256];
	snprintf(body, sizeof body, "{\"name\":\"ap\",\"password\":\"%s\"}", ppass[P_AP]);
	REQUIRE(!http("POST", "/api/v1/login", "Content-Type: application/json\r\n", body, &r));
	CHECK(header(&r, "Set-Cookie", v, sizeof v) && strstr(v, "eseal_session=") && strstr(v, "HttpOnly") &&
	      strstr(v, "SameSite=Strict"));
	resp_free(&r);

	snprintf(extra, sizeof extra, "Cookie: eseal_session=%s\r\n", token);
	REQUIRE(!http("GET", "/api/v1/me", extra, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.body, "\"cookie\"") != NULL);
	resp_free(&r);
	/* a state change through the cookie alone is refused (CSRF) */
	REQUIRE(!http("POST", "/api/v1/logout", extra, NULL, &r));
	CHECK(is_problem(&r, 403, "csrf"));
	resp_free(&r);
	snprintf(extra, sizeof extra, "Cookie: eseal_session=%s\r\nX-CSRF-Token: %s\r\n", token, csrf);
	REQUIRE(!http("POST", "/api/v1/logout", extra, NULL, &r));
	CHECK_EQ_INT(r.status, 204);
	resp_free(&r);
	snprintf(extra, sizeof extra, "Authorization: Bearer %s\r\n", token);
	REQUIRE(!http("GET", "/api/v1/me", extra, NULL, &r));
	CHECK(is_problem(&r, 401, "unauthorized"));
	resp_free(&r);

	/* a stale cookie does not stand in the way of logging in again */
	snprintf(extra, sizeof extra, "Cookie: eseal_session=%064d\r\nContent-Type: application/json\r\n", 7);
	REQUIRE(!http("POST", "/api/v1/login", extra, body, &r));
	CHECK_EQ_INT(r.status, 200);
	resp_free(&r);
	snprintf(extra, sizeof extra, "Cookie: eseal_session=%064d\r\n", 7);
	REQUIRE(!http("GET", "/api/v1/me", extra, NULL, &r));
	CHECK(is_problem(&r, 401, "unauthorized"));
	resp_free(&r);

	/* expiry: the clock moves past the session's lifetime */
	REQUIRE(!login("ap", ppass[P_AP], token, NULL));
	snprintf(extra, sizeof extra, "Authorization: Bearer %s\r\n", token);
	REQUIRE(!http("GET", "/api/v1/me", extra, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	resp_free(&r);
	fake_now += 3601;
	REQUIRE(!http("GET", "/api/v1/me", extra, NULL, &r));
	CHECK(is_problem(&r, 401, "unauthorized"));
	resp_free(&r);
	fake_now -= 3601;
	/* the other sessions of the matrix are still valid at the real time */
	REQUIRE(!http("GET", "/api/v1/me", extra, NULL, &r));
	CHECK_EQ_INT(r.status, 401); /* an expired session was deleted, not revived */
	resp_free(&r);

	/* one-time password: nothing but /me and the password change until changed */
	REQUIRE(!srv_user_add(ss, "fresh", "orga", SRV_ROLE_BUSINESS_ADMIN, PASSWORD, 1, NULL));
	REQUIRE(!login("fresh", PASSWORD, token, NULL));
	snprintf(extra, sizeof extra, "Authorization: Bearer %s\r\n", token);
	REQUIRE(!http("GET", "/api/v1/users", extra, NULL, &r));
	CHECK(is_problem(&r, 403, "password-change-required"));
	resp_free(&r);
	REQUIRE(!http("GET", "/api/v1/me", extra, NULL, &r));
	CHECK(r.status == 200 && strstr(r.body, "\"must_change_password\":true"));
	resp_free(&r);
	snprintf(extra, sizeof extra, "Authorization: Bearer %s\r\nContent-Type: application/json\r\n", token);
	snprintf(body, sizeof body, "{\"old_password\":\"%s\",\"new_password\":\"weak\"}", PASSWORD);
	REQUIRE(!http("POST", "/api/v1/me/password", extra, body, &r));
	CHECK(is_problem(&r, 400, "weak-password"));
	resp_free(&r);
	snprintf(body, sizeof body, "{\"old_password\":\"%s\",\"new_password\":\"New-Password-2024\"}", PASSWORD);
	REQUIRE(!http("POST", "/api/v1/me/password", extra, body, &r));
	CHECK_EQ_INT(r.status, 200);
	json_t *j = json_loads(r.body, 0, NULL);
	const char *nt = json_string_value(json_object_get(j, "token"));
	REQUIRE(nt);
	char newtok[65];
	snprintf(newtok, sizeof newtok, "%s", nt);
	json_decref(j);
	resp_free(&r);
	/* the old session ended; the new one may work */
	snprintf(extra, sizeof extra, "Authorization: Bearer %s\r\n", token);
	REQUIRE(!http("GET", "/api/v1/users", extra, NULL, &r));
	CHECK_EQ_INT(r.status, 401);
	resp_free(&r);
	snprintf(extra, sizeof extra, "Authorization: Bearer %s\r\n", newtok);
	REQUIRE(!http("GET", "/api/v1/users", extra, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	resp_free(&r);
	CHECK_EQ_INT(login("fresh", PASSWORD, token, NULL), 401);
	CHECK(!login("fresh", "New-Password-2024", token, NULL));
}

static void test_password_hash(void)
{
	char phc[SRV_PWHASH_MAX], phc2[SRV_PWHASH_MAX];
	int rehash = -1;
	/* today's cost once; cheaper hashes for the rest (same code path) */
	CHECK_OK(srv_password_hash("s3cret-Password", 15, 0, phc, sizeof phc));
	CHECK(!strncmp(phc, "$scrypt$ln=15,r=8,p=1$", 22));
	CHECK_OK(srv_password_verify("s3cret-Password", 15, phc, 0, &rehash));
	CHECK_EQ_INT(rehash, 0);
	char phc3[SRV_PWHASH_MAX];
	CHECK_OK(srv_password_hash("s3cret-Password", 15, 11, phc2, sizeof phc2));
	CHECK_OK(srv_password_hash("s3cret-Password", 15, 11, phc3, sizeof phc3));
	CHECK(strcmp(phc2, phc3) != 0); /* salted */
	CHECK_OK(srv_password_verify("s3cret-Password", 15, phc2, 11, &rehash));
	CHECK_EQ_INT(rehash, 0);
	CHECK_EQ_INT(srv_password_verify("s3cret-Passwore", 15, phc2, 11, NULL), ESEAL_EPASS);
	CHECK_EQ_INT(srv_password_verify("", 0, phc2, 11, NULL), ESEAL_EPASS);
	phc3[strlen(phc3) - 2] ^= 1; /* a damaged stored hash never matches */
	CHECK(srv_password_verify("s3cret-Password", 15, phc3, 11, NULL) != 0);
	CHECK_EQ_INT(srv_password_verify("x", 1, "$pbkdf2$junk", 0, NULL), ESEAL_EFORMAT);
	CHECK_EQ_INT(srv_password_verify("x", 1, "$scrypt$ln=40,r=8,p=1$AAAA$AAAA", 0, NULL), ESEAL_EFORMAT);

	/* a hash made here with weaker parameters verifies and asks for a rehash */
	uint8_t salt[16] = { 1, 2, 3 }, h[32];
	REQUIRE(EVP_PBE_scrypt("pw-older", 8, salt, 16, 1 << 12, 8, 1, 64 << 20, h, 32) == 1);
	/* unpadded base64 of salt and hash */
	uint8_t sb[25], hb[48]; /* 4*ceil(n/3) characters and a NUL */
	EVP_EncodeBlock(sb, salt, 16);
	EVP_EncodeBlock(hb, h, 32);
	for (char *p = (char *)sb; *p; p++)
		if (*p == '=')
			*p = 0;
	for (char *p = (char *)hb; *p; p++)
		if (*p == '=')
			*p = 0;
	char old[200];
	snprintf(old, sizeof old, "$scrypt$ln=12,r=8,p=1$%s$%s", sb, hb);
	CHECK_OK(srv_password_verify("pw-older", 8, old, 0, &rehash));
	CHECK_EQ_INT(rehash, 1);

	CHECK(srv_password_acceptable("short") != 0);
	CHECK(srv_password_acceptable("alllowercaseletters") != 0);
	CHECK_OK(srv_password_acceptable("Mixed-case-and-1"));
	char pw[25];
	CHECK_OK(srv_password_random(pw, sizeof pw));
	CHECK_EQ_INT(strlen(pw), 24);
	CHECK_OK(srv_password_acceptable(pw));
}

/*
 * The authorization matrix, written from the role descriptions (system
 * admin manages users and keys everywhere; business admin in its own
 * organisation; reviewer, seal keeper, applicant and audit admin manage
 * nobody; API clients act only through signed requests) - not copied from
 * roles.c. Columns: SA BA RV SK AP AU API OTHER ANON; Y allowed, N denied.
 */
static const struct {
	const char *method, *path, *allow;
} matrix[] = {
	{ "GET", "/healthz", "YYYYYYYYY" },
	{ "GET", "/metrics", "YYYYYYYYY" },
	{ "GET", "/api/v1/openapi.json", "YYYYYYYYY" },
	{ "POST", "/api/v1/login", "YYYYYYYYY" },
	{ "GET", "/api/v1/me", "YYYYYYYYN" },
	{ "GET", "/api/v1/users", "YYNNNNNYN" },
	{ "POST", "/api/v1/users", "YYNNNNNNN" },
	{ "GET", "/api/v1/users/{id}", "YYNNNNNNN" },
	{ "POST", "/api/v1/api-keys", "YYNNNNNNN" },
	{ "GET", "/api/v1/status/{esid}", "YYYYYYYYY" },
	{ "GET", "/api/v1/srl", "YYYYYYYYY" },
	{ "GET", "/api/v1/srl/delta", "YYYYYYYYY" },
	/* the making system: organisations are the system admin's; applicants
	 * apply, reviewers review, business admins make and cancel, seal keepers
	 * report losses; everyone but the audit admin reads seals */
	{ "POST", "/api/v1/orgs", "YNNNNNNNN" },
	{ "GET", "/api/v1/orgs", "YNNNNNNNN" },
	{ "POST", "/api/v1/seal-applications", "NNNNYNNNN" },
	{ "GET", "/api/v1/seal-applications", "YYYYYNYYN" },
	{ "GET", "/api/v1/seal-applications/{id}", "YYYYYNYYN" },
	{ "POST", "/api/v1/seal-applications/{id}/approve", "NNYNNNNNN" },
	{ "POST", "/api/v1/seal-applications/{id}/reject", "NNYNNNNNN" },
	{ "POST", "/api/v1/seal-applications/{id}/make", "NYNNNNNYN" },
	{ "GET", "/api/v1/seals", "YYYYYNYYN" },
	{ "GET", "/api/v1/seals/{esid}", "YYYYYNYYN" },
	{ "GET", "/api/v1/seals/{esid}/seal.esl", "YYYYYNYYN" },
	/* the console's pictures, materials and dashboard: readers of seals;
	 * lifting a scanned picture is part of applying */
	{ "GET", "/api/v1/seals/{esid}/picture", "YYYYYNYYN" },
	{ "GET", "/api/v1/seal-applications/{id}/materials/{n}", "YYYYYNYYN" },
	{ "GET", "/api/v1/seal-applications/{id}/picture", "YYYYYNYYN" },
	{ "POST", "/api/v1/seal-applications/picture-import", "NNNNYNNNN" },
	{ "GET", "/api/v1/stats", "YYYYYNYYN" },
	{ "GET", "/api/v1/seals/{esid}/events", "YYYYYNYYN" },
	{ "POST", "/api/v1/seals/{esid}/report-loss", "NNNYNNNNN" },
	{ "POST", "/api/v1/seals/{esid}/lift-loss", "NNNYNNNNN" },
	{ "POST", "/api/v1/seals/{esid}/cancel", "NYNNNNNYN" },
	/* RFC 3161 time-stamping is public (test_tsa.c runs it with a TSA) */
	{ "POST", "/api/v1/tsa", "YYYYYYYYY" },
	/* the audit log: the audit admin only, for the whole instance (needs the store) */
	{ "GET", "/api/v1/audit", "NNNNNYNNN" },
	{ "GET", "/api/v1/audit/head", "NNNNNYNNN" },
	{ "GET", "/api/v1/audit/proof/{seq}", "NNNNNYNNN" },
	{ "GET", "/api/v1/audit/consistency", "NNNNNYNNN" },
	/* placement: whoever applies to sign (routes_place.c; history needs the store) */
	{ "POST", "/api/v1/place", "NNNNYNYNN" },
	{ "POST", "/api/v1/place/feedback", "NNNNYNYNN" },
	/* centralized signing: applicants and business systems ask, reviewers
	 * decide, seal keepers set whether a seal signs without review, every
	 * reader of seals sees the requests; verification for those who sign */
	{ "POST", "/api/v1/sign-requests", "NNNNYNYNN" },
	{ "GET", "/api/v1/sign-requests", "YYYYYNYYN" },
	{ "GET", "/api/v1/sign-requests/{id}", "YYYYYNYYN" },
	{ "POST", "/api/v1/sign-requests/{id}/approve", "NNYNNNNNN" },
	{ "POST", "/api/v1/sign-requests/{id}/reject", "NNYNNNNNN" },
	{ "GET", "/api/v1/sign-requests/{id}/documents/{n}", "YYYYYNYYN" },
	{ "POST", "/api/v1/sign-hash", "NNNNYNYNN" },
	{ "POST", "/api/v1/seals/{esid}/sign-policy", "NNNYNNNNN" },
	/* decentralized use: holders report offline signatures; readers list them */
	{ "POST", "/api/v1/seals/{esid}/uses", "NNNNYNYNN" },
	{ "GET", "/api/v1/seals/{esid}/uses", "YYYYYNYYN" },
	{ "POST", "/api/v1/verify", "NNNNYNYNN" },
	/* page previews: the same roles as verification (routes_render.c) */
	{ "POST", "/api/v1/render", "NNNNYNYNN" },
	/* the hierarchy: children register and push signed batches (the
	 * signature authenticates them); the system admin manages children */
	{ "POST", "/api/v1/federation/register", "YYYYYYYYY" },
	{ "GET", "/api/v1/federation/register/{id}", "YYYYYYYYY" },
	{ "GET", "/api/v1/federation/children", "YNNNNNNNN" },
	{ "POST", "/api/v1/federation/children/{id}/approve", "YNNNNNNNN" },
	{ "POST", "/api/v1/federation/children/{id}/refuse", "YNNNNNNNN" },
	{ "POST", "/api/v1/federation/events", "YYYYYYYYY" },
	{ "GET", "/api/v1/federation/seals/{esid}/events", "YNNNNNNNN" },
	{ "POST", "/api/v1/me/password", "YYYYYYNYN" },
	{ "POST", "/api/v1/logout", "YYYYYYYYN" },
};

/* Routes of the making system: this server runs without one, so they
 * answer 503 once authorization has let the request through
 * (tests/test_lifecycle.c runs them with a making system). */
static int is_making_route(const char *path)
{
	return !strncmp(path, "/api/v1/orgs", 12) || !strncmp(path, "/api/v1/seal-applications", 25) ||
	       !strncmp(path, "/api/v1/seals", 13) || !strcmp(path, "/api/v1/place/feedback") ||
	       !strncmp(path, "/api/v1/audit", 13) || !strncmp(path, "/api/v1/sign-", 13) ||
	       !strcmp(path, "/api/v1/verify") || !strncmp(path, "/api/v1/federation", 18) ||
	       !strcmp(path, "/api/v1/stats");
}

/* A one-page PDF without text (the placement routes' matrix body). */
#define BLANK_PDF_B64 \
	"JVBERi0xLjcKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA1OTUgODQyXSA+PgplbmRvYmoKeHJlZgowIDQKMDAwMDAwMDAwMCA2NTUzNSBmIAowMDAwMDAwMDA5IDAwMDAwIG4gCjAwMDAwMDAwNTggMDAwMDAgbiAKMDAwMDAwMDExNSAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDQgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjE4NgolJUVPRgo="

/* A one-page 50x30 mm OFD with a blue box (the render route's matrix body). */
#define TINY_OFD_B64 \
	"UEsDBBQAAAAIAAAAIViPf8H2nAAAAPgAAAAHAAAAT0ZELnhtbFWPwQrCMAyGX6Xkbrt5ECltBzIGngSZXkW2bg5cM9bq3NsbnGx6" \
	"SfIlP38SlbzaO3va3jfoNMQ8AmZdgWXjag2nPFttITEKq1IespSR2HlJpOEWQieFGIaBE/vOFhz7WqyjeAPs/GeYYpGPndVAFjCZ" \
	"UWuH5TjD3lW4QGquSiyw1L+qI2IwlC+RoPhorQuc7pvFn/lM0zbxfcS8AVBLAwQUAAAACAAAACFY2qWzrcQAAABBAQAAEgAAAERv" \
	"Y18wL0RvY3VtZW50LnhtbG1QXQvCMAz8KyXvrtWhyNg6nEMQFHzQZyld3QZbI2t1899b3fwCX8LlLpdwCeOurshVNaZEHcHYY0CU" \
	"lpiVOo/gsF+N5hDzEE9ZkKK81Epb4hzaBI6KoLD2HFDatq3nenNW0sMmpxM2nkHvWmJdo06FFX2/Fd1Bl3adcj+kv8RT34lcLRo1" \
	"TO+KmymlqBLsOCOMTBnxWe/7lgbmbaX/Lj9k84Fknbq8QBJh1AZlBE+dPuqR0SVq67J6LivQr/1mwK9n8DtQSwMEFAAAAAgAAAAh" \
	"WAA/BpHgAAAAXgEAAB4AAABEb2NfMC9QYWdlcy9QYWdlXzAvQ29udGVudC54bWxtUF1vgzAM/CuW30eAqdOECNVGVWlSp03ax3sA" \
	"l7JlSRVMWf/9EqDby6Qol7vzWXby9feXhhO5vrNGYhLFCGRq23Smlfj2ur26xXWR232TPauWwFebPvNU4oH5mAkxjmPkeX+kOrKu" \
	"FWmc3OCcKK1hMjyTnTqTg4eNxBQvDfnwVH1QzZN8jXBvB9Mod/aDxOBPGm6Ebae1RHYDIbyws58kca90T0uj4JdWWwfvSg/ejMFn" \
	"VysUs39XVY5OnWJqNopV8QihYBfaL5AEnKDMxX+RWf2beBGmpZb377bi8lvFD1BLAQIUAxQAAAAIAAAAIViPf8H2nAAAAPgAAAAH" \
	"AAAAAAAAAAAAAACAAQAAAABPRkQueG1sUEsBAhQDFAAAAAgAAAAhWNqls63EAAAAQQEAABIAAAAAAAAAAAAAAIABwQAAAERvY18w" \
	"L0RvY3VtZW50LnhtbFBLAQIUAxQAAAAIAAAAIVgAPwaR4AAAAF4BAAAeAAAAAAAAAAAAAACAAbUBAABEb2NfMC9QYWdlcy9QYWdl" \
	"XzAvQ29udGVudC54bWxQSwUGAAAAAAMAAwDBAAAA0QIAAAAA"

static void test_matrix(void)
{
	/* the matrix covers every route the server has, and no more */
	CHECK_EQ_INT(sizeof matrix / sizeof matrix[0], srv_nroutes);
	for (size_t i = 0; i < srv_nroutes; i++) {
		int covered = 0;
		for (size_t k = 0; k < sizeof matrix / sizeof matrix[0]; k++)
			covered |= !strcmp(matrix[k].method, srv_routes[i].method) &&
				   !strcmp(matrix[k].path, srv_routes[i].pattern);
		if (!covered)
			fprintf(stderr, "    route not in the matrix: %s %s\n", srv_routes[i].method, srv_routes[i].pattern);
		CHECK(covered);
	}
	int counter = 0;
	for (size_t k = 0; k < sizeof matrix / sizeof matrix[0]; k++) {
		for (int p = 0; p < NP; p++) {
			char target[160], body[512];
			const char *b = NULL;
			snprintf(target, sizeof target, "%s", matrix[k].path);
			char *brace = strchr(target, '{');
			if (brace) {
				/* the parameter is replaced, the rest of the path kept */
				const char *rest = strchr(strchr(matrix[k].path, '{'), '}') + 1;
				snprintf(brace, sizeof target - (size_t)(brace - target), "%s%s",
					 strstr(matrix[k].path, "{id}") ? orga_user_id : "12345678901234", rest);
			}
			if (!strcmp(matrix[k].path, "/api/v1/srl/delta"))
				snprintf(target, sizeof target, "/api/v1/srl/delta?since=1");
			if (!strcmp(matrix[k].path, "/api/v1/login")) {
				snprintf(body, sizeof body, "{\"name\":\"target\",\"password\":\"%s\"}", PASSWORD);
				b = body;
			} else if (!strcmp(matrix[k].path, "/api/v1/users") && !strcmp(matrix[k].method, "POST")) {
				snprintf(body, sizeof body,
					 "{\"name\":\"m%d\",\"password\":\"Abcdefgh-12345\",\"role\":\"applicant\",\"org\":\"orga\"}",
					 counter++);
				b = body;
			} else if (!strcmp(matrix[k].path, "/api/v1/api-keys")) {
				snprintf(body, sizeof body, "{\"name\":\"sys%d\",\"org\":\"orga\"}", counter++);
				b = body;
			} else if (!strcmp(matrix[k].path, "/api/v1/orgs") && !strcmp(matrix[k].method, "POST")) {
				snprintf(body, sizeof body, "{\"name\":\"o\",\"credit_code\":\"91330100MA2AAA%04d\","
					 "\"region_code\":\"330100\"}", counter++);
				b = body;
			} else if (!strcmp(matrix[k].path, "/api/v1/seal-applications") && !strcmp(matrix[k].method, "POST")) {
				b = "{\"name\":\"n\",\"type\":\"official\"}";
			} else if (!strcmp(matrix[k].path, "/api/v1/place")) {
				b = "{\"org_name\":\"o\",\"document\":\"" BLANK_PDF_B64 "\"}";
			} else if (!strcmp(matrix[k].path, "/api/v1/place/feedback")) {
				b = "{\"document\":\"" BLANK_PDF_B64 "\",\"placements\":[]}";
			} else if (!strcmp(matrix[k].path, "/api/v1/sign-requests") && !strcmp(matrix[k].method, "POST")) {
				b = "{\"esid\":\"33010000000001\",\"document\":\"" BLANK_PDF_B64 "\"}";
			} else if (!strcmp(matrix[k].path, "/api/v1/federation/register")) {
				b = "{\"name\":\"city\",\"region\":\"110100\",\"public_key\":\"AA==\"}";
			} else if (!strcmp(matrix[k].path, "/api/v1/federation/events")) {
				b = "{\"payload\":\"{}\",\"signature\":\"AA==\",\"certificate\":\"AA==\"}";
			} else if (!strcmp(matrix[k].path, "/api/v1/render")) {
				b = "{\"document\":\"" TINY_OFD_B64 "\",\"dpi\":30}";
			} else if (!strcmp(matrix[k].path, "/api/v1/verify")) {
				b = "{\"document\":\"" BLANK_PDF_B64 "\"}";
			} else if (!strcmp(matrix[k].path, "/api/v1/sign-hash")) {
				b = "{\"esid\":\"33010000000001\",\"sm3\":\"" "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" "\"}";
			} else if (strstr(matrix[k].path, "/uses") && !strcmp(matrix[k].method, "POST")) {
				b = "{\"signature\":\"AA==\"}";
			} else if (strstr(matrix[k].path, "/sign-policy")) {
				b = "{\"auto_approve\":true}";
			} else if (strstr(matrix[k].path, "/make")) {
				b = "{\"key_mode\":\"server\"}";
			} else if (is_making_route(matrix[k].path) && !strcmp(matrix[k].method, "POST")) {
				b = "{\"reason\":\"r\"}";
			} else if (!strcmp(matrix[k].path, "/api/v1/me/password")) {
				snprintf(body, sizeof body, "{\"old_password\":\"%s\",\"new_password\":\"%s-x\"}",
					 ppass[p][0] ? ppass[p] : PASSWORD, ppass[p][0] ? ppass[p] : PASSWORD);
				b = body;
			}
			size_t users_before = user_count();
			resp r;
			REQUIRE(!http_as(p, matrix[k].method, target, b, &r));
			int want = matrix[k].allow[p] == 'Y';
			int got = (r.status >= 200 && r.status < 300) ||
				  (is_making_route(matrix[k].path) && is_problem(&r, 503, "no-making-system")) ||
				  (!strcmp(matrix[k].path, "/api/v1/tsa") && is_problem(&r, 503, "no-tsa")) ||
				  /* no status publisher certificate in this server */
				  (!strncmp(matrix[k].path, "/api/v1/srl", 11) && is_problem(&r, 501, "not-signed"));
			if (want != got)
				fprintf(stderr, "    %s %s as %s: got %d, expected %s\n    %s\n", matrix[k].method,
					matrix[k].path, pnames[p], r.status, want ? "allow" : "deny", r.body);
			CHECK(want == got);
			if (!want) {
				/* anonymous: 401; others: 403, or 404 for another organisation's record */
				int st = p == P_ANON ? 401 : 403;
				CHECK(is_problem(&r, st, NULL) || (p == P_OTHER && is_problem(&r, 404, NULL)));
				CHECK_EQ_INT(user_count(), users_before); /* a refused request changes nothing */
			}
			if (got && !strcmp(matrix[k].path, "/api/v1/me/password")) {
				/* the password changed and the old sessions ended: keep up */
				json_t *j = json_loads(r.body, 0, NULL);
				const char *t = json_string_value(json_object_get(j, "token"));
				if (t)
					snprintf(ptoken[p], sizeof ptoken[p], "%s", t);
				strcat(ppass[p], "-x");
				json_decref(j);
			}
			if (got && !strcmp(matrix[k].path, "/api/v1/me")) {
				/* least privilege is visible to the caller too */
				CHECK(strstr(r.body, pnames[p == P_OTHER ? P_BA : p]) != NULL);
			}
			resp_free(&r);
		}
	}
	/* the matrix ended with logout: sign in again */
	for (int p = 0; p < NP; p++)
		if (pusers[p])
			REQUIRE(!login(pusers[p], ppass[p], ptoken[p], NULL));
	/* another organisation's admin sees only its own users */
	resp r;
	REQUIRE(!http_as(P_OTHER, "GET", "/api/v1/users", NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	CHECK(strstr(r.body, "\"orga\"") == NULL && strstr(r.body, "\"orgb\"") != NULL);
	resp_free(&r);
	REQUIRE(!http_as(P_OTHER, "GET", "/api/v1/users?org=orga", NULL, &r));
	CHECK(is_problem(&r, 403, NULL));
	resp_free(&r);
	REQUIRE(!http_as(P_SA, "GET", "/api/v1/users?org=orga", NULL, &r));
	CHECK(r.status == 200 && strstr(r.body, "\"orgb\"") == NULL && strstr(r.body, "\"orga\""));
	resp_free(&r);
	/* a business admin cannot hand out system roles */
	REQUIRE(!http_as(P_BA, "POST", "/api/v1/users",
			 "{\"name\":\"sneaky\",\"password\":\"Abcdefgh-12345\",\"role\":\"system_admin\"}", &r));
	CHECK(is_problem(&r, 403, NULL));
	resp_free(&r);
	REQUIRE(!http_as(P_BA, "POST", "/api/v1/users",
			 "{\"name\":\"sneaky\",\"password\":\"Abcdefgh-12345\",\"role\":\"audit_admin\"}", &r));
	CHECK(is_problem(&r, 403, NULL));
	resp_free(&r);
}

static void test_inprocess(void)
{
	/* the pipeline runs without sockets too (as the fuzz target drives it) */
	srv_req r;
	srv_req_init(&r, ss);
	r.method = "GET";
	r.path = "/api/v1/users/x%2Fy";
	srv_dispatch(&r);
	CHECK_EQ_INT(r.status, 404);
	srv_req_free(&r);
	srv_req_init(&r, ss);
	r.method = "GET";
	r.path = "/healthz";
	srv_dispatch(&r);
	CHECK_EQ_INT(r.status, 200);
	srv_req_free(&r);
}

static void *stopper(void *arg)
{
	eseal_server_stop(arg, 5);
	return NULL;
}

static void test_bootstrap_and_stop(void)
{
	char pw[32];
	CHECK_EQ_INT(eseal_server_bootstrap_admin(sv, pw, sizeof pw), 0); /* "sa" exists */
	eseal_server_config cfg = { 0 };
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 1;
	cfg.password_cost = 11;
	eseal_server *s2;
	CHECK_OK(eseal_server_start(&s2, &cfg));
	CHECK_EQ_INT(eseal_server_bootstrap_admin(s2, pw, sizeof pw), 1);
	CHECK_EQ_INT(strlen(pw), 24);
	CHECK_EQ_INT(eseal_server_bootstrap_admin(s2, pw, sizeof pw), 0);

	/* graceful stop: a request in flight is answered, new ones are refused */
	int saved = port;
	port = eseal_server_port(s2);
	int fd = connect_server();
	REQUIRE(fd >= 0);
	const char *h = "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
			"Content-Type: application/json\r\nContent-Length: 27\r\n\r\n{\"name\":";
	REQUIRE(!send_all(fd, h, strlen(h)));
	usleep(200000);
	pthread_t t;
	REQUIRE(!pthread_create(&t, NULL, stopper, s2));
	usleep(300000);
	CHECK(connect_server() < 0);
	REQUIRE(!send_all(fd, "\"x\",\"password\":\"y\"}", 19));
	resp r;
	REQUIRE(!read_resp(fd, &r));
	close(fd);
	CHECK(is_problem(&r, 401, "login-failed"));
	resp_free(&r);
	pthread_join(t, NULL);
	port = saved;

	eseal_server_stop(sv, 2);
	sv = NULL;
	if (store_backend) {
		/* the API key secret is not in the database in the clear */
		eseal_store *db;
		eseal_stmt *st;
		CHECK_OK(eseal_store_open(&db, store_url));
		CHECK_OK(eseal_store_prepare(db, &st, "SELECT secret FROM api_keys WHERE key_id = ?1"));
		CHECK_OK(eseal_stmt_bind_text(st, 1, api_key_id));
		CHECK_EQ_INT(eseal_stmt_step(st), 1);
		size_t len = 0;
		const uint8_t *blob = eseal_stmt_blob(st, 0, &len);
		CHECK(len > 32 && blob && !memmem(blob, len, api_secret, 8));
		eseal_stmt_free(st);
		eseal_store_close(db);
	}
	srv_auth_backend_free(store_backend);
	store_backend = NULL;
	eseal_kek_free(test_kek);
	test_kek = NULL;
	CHECK(http("GET", "/healthz", NULL, NULL, &r) != 0); /* nobody listens any more */
}

static void test_status_store(void)
{
	char url[512];
	eseal_store *db;
	srv_status_store *st;
	eseal_buf out = ESEAL_BUF_INIT;
	tdb_new_url(tdb_env_pg(), url, sizeof url);
	CHECK_OK(eseal_store_open(&db, url));
	int64_t org;
	CHECK_OK(eseal_store_query_int(db, &org, "INSERT INTO organisations (name, credit_code, created_at) "
				       "VALUES ('o', 'o', 1) RETURNING id", ""));
	long long now = (long long)time(NULL);
	REQUIRE(eseal_store_run(db, "INSERT INTO seals (org_id, esid, name, type, status, valid_start, valid_end, "
			       "created_at, updated_at) VALUES (?1, ?2, 'n', 1, 'valid', ?3, ?4, ?3, ?3)", "itii", org,
			       "33010000000001", (int64_t)now, (int64_t)(now + 1000)) == 1);
	REQUIRE(eseal_store_run(db, "INSERT INTO seals (org_id, esid, name, type, status, valid_start, valid_end, "
			       "created_at, updated_at) VALUES (?1, ?2, 'n', 1, 'valid', ?3, ?4, ?3, ?3)", "itii", org,
			       "33010000000002", (int64_t)(now - 2000), (int64_t)(now - 1000)) == 1);
	CHECK_OK(srv_status_store_new(&st, url));
	CHECK_OK(srv_status_store_lookup(st, "33010000000001", &out));
	eseal_buf_cstr(&out);
	CHECK(strstr((char *)out.data, "\"status\":\"valid\"") != NULL);
	eseal_buf_clear(&out);
	CHECK_OK(srv_status_store_lookup(st, "33010000000002", &out));
	eseal_buf_cstr(&out);
	CHECK(strstr((char *)out.data, "\"status\":\"expired\"") != NULL);
	eseal_buf_clear(&out);
	CHECK_EQ_INT(srv_status_store_lookup(st, "33019999999999", &out), ESEAL_ENOTFOUND);
	/* a change by another connection is seen by the next query */
	REQUIRE(eseal_store_run(db, "UPDATE seals SET status = 'lost' WHERE esid = ?1", "t", "33010000000001") == 1);
	CHECK_OK(srv_status_store_lookup(st, "33010000000001", &out));
	eseal_buf_cstr(&out);
	CHECK(strstr((char *)out.data, "\"status\":\"lost\"") != NULL);
	eseal_buf_free(&out);
	srv_status_store_free(st);
	eseal_store_close(db);
}

static void test_setup_memory(void)
{
	setup(0);
}

/* the same tests again with the SQLite-backed authentication backend */
static void test_setup_store(void)
{
	setup(1);
}

#define SERVER_TESTS T(test_healthz), T(test_openapi), T(test_bad_requests), T(test_hmac), T(test_sessions), \
	T(test_matrix), T(test_inprocess), T(test_bootstrap_and_stop)

TESTS(T(test_password_hash), T(test_status_store), T(test_setup_memory), SERVER_TESTS, T(test_setup_store), SERVER_TESTS)
