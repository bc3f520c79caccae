/*
 * test_lifecycle.c - the making system end to end over HTTP on 127.0.0.1,
 * against SQLite and (tests/test_lifecycle_pg.sh) PostgreSQL: organisations,
 * apply with materials and a picture, review (separation of duties, other
 * organisations), make (CA certificate, esID, SESeal signed by the maker),
 * download and verify the seal, report loss, the status query, lift, renew,
 * replace, cancel; illegal transitions and bad bodies answer problem+json
 * and change nothing; the audit log verifies and names every step's actor;
 * seal_events hold every transition. The HTTP client is written here.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "eseal/audit.h"
#include "eseal/picture.h"
#include "eseal/pki.h"
#include "eseal/server.h"
#include "eseal/ses.h"
#include "eseal/store.h"
#include "server/server_internal.h"
#include "store_backends.h"

/* ---- a minimal HTTP/1.1 client ---- */
static int port;

typedef struct {
	int status;
	char ctype[128];
	char *body;
	size_t len;
	json_t *j;
} resp;

static void resp_free(resp *r)
{
	free(r->body);
	json_decref(r->j);
	memset(r, 0, sizeof *r);
}

static int http(const char *method, const char *target, const char *token, const char *body, resp *out)
{
	memset(out, 0, sizeof *out);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { 0 };
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = { 30, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
		close(fd);
		return -1;
	}
	eseal_buf req = ESEAL_BUF_INIT;
	eseal_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, target);
	if (token)
		eseal_buf_printf(&req, "Authorization: Bearer %s\r\n", token);
	if (body)
		eseal_buf_printf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n", strlen(body));
	eseal_buf_puts(&req, "\r\n");
	if (body)
		eseal_buf_puts(&req, body);
	size_t off = 0;
	while (off < req.len) {
		ssize_t w = send(fd, req.data + off, req.len - off, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	eseal_buf_free(&req);
	eseal_buf in = ESEAL_BUF_INIT;
	char chunk[65536];
	ssize_t n;
	while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0)
		eseal_buf_put(&in, chunk, (size_t)n);
	close(fd);
	eseal_buf_cstr(&in);
	char *s = (char *)in.data, *end = s ? strstr(s, "\r\n\r\n") : NULL;
	if (!end || sscanf(s, "HTTP/1.%*d %d", &out->status) != 1) {
		eseal_buf_free(&in);
		return -1;
	}
	char *ct = strcasestr(s, "\r\nContent-Type:");
	if (ct && ct < end)
		sscanf(ct + 15, " %127[^\r]", out->ctype);
	out->len = in.len - (size_t)(end + 4 - s);
	out->body = malloc(out->len + 1);
	memcpy(out->body, end + 4, out->len);
	out->body[out->len] = 0;
	eseal_buf_free(&in);
	if (strstr(out->ctype, "json"))
		out->j = json_loads(out->body, 0, NULL);
	return 0;
}

static const char *jget(const resp *r, const char *k)
{
	return json_string_value(json_object_get(r->j, k));
}

/* A problem+json answer with this status and type slug. */
static int is_problem(const resp *r, int status, const char *slug)
{
	char want[96];
	snprintf(want, sizeof want, "urn:eseal:problem:%s", slug);
	int ok = r->status == status && !strcmp(r->ctype, "application/problem+json") && r->j &&
		 jget(r, "type") && !strcmp(jget(r, "type"), want) && jget(r, "detail");
	if (!ok)
		fprintf(stderr, "    expected %d %s, got %d %s\n", status, slug, r->status, r->body ? r->body : "");
	return ok;
}

/* ---- the instance under test ---- */
enum { SA, AP, AP2, RV, BA, SK, BB, BAP, RVB, NU };
static const char *unames[NU] = { "sa", "ap", "ap2", "rv", "ba", "sk", "bb", "bap", "rvb" };
static const int uroles[NU] = { SRV_ROLE_SYSTEM_ADMIN, SRV_ROLE_APPLICANT, SRV_ROLE_APPLICANT, SRV_ROLE_REVIEWER,
				SRV_ROLE_BUSINESS_ADMIN, SRV_ROLE_SEAL_KEEPER, SRV_ROLE_BUSINESS_ADMIN,
				SRV_ROLE_APPLICANT, SRV_ROLE_REVIEWER };
#define ORG_A "91330100MA2AAAAA1X"
#define ORG_B "91110000MA0BBBBB2Y"
static const char *uorgs[NU] = { "system", ORG_A, ORG_A, ORG_A, ORG_A, ORG_A, ORG_B, ORG_B, ORG_B };
static char tok[NU][65];

static int call(int u, const char *method, const char *target, const char *body, resp *out)
{
	return http(method, target, u >= 0 ? tok[u] : NULL, body, out);
}

static int login(const char *name, const char *pw, char token[65])
{
	char body[256];
	resp r;
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"password\":\"%s\"}", name, pw);
	if (http("POST", "/api/v1/login", NULL, body, &r) || r.status != 200 || !jget(&r, "token")) {
		resp_free(&r);
		return -1;
	}
	snprintf(token, 65, "%s", jget(&r, "token"));
	resp_free(&r);
	return 0;
}

static char *b64(const uint8_t *p, size_t n)
{
	char *out = malloc(4 * (n / 3 + 1) + 1);
	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

static int64_t count(const char *url, const char *sql)
{
	eseal_store *db = NULL;
	int64_t n = -1;
	if (!eseal_store_open(&db, url))
		eseal_store_query_int(db, &n, sql, "");
	eseal_store_close(db);
	return n;
}

/* A 160x160 red disc at 101.6 dpi: a 40 mm seal picture. */
static void make_png(eseal_buf *png)
{
	int w = 160;
	uint8_t *rgba = calloc((size_t)w * w, 4);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++) {
			int dx = x - w / 2, dy = y - w / 2;
			if (dx * dx + dy * dy < 70 * 70 && dx * dx + dy * dy > 60 * 60) {
				uint8_t *p = rgba + 4 * ((size_t)y * w + x);
				p[0] = 0xE6;
				p[3] = 0xFF;
			}
		}
	REQUIRE(eseal_png_encode(png, rgba, w, w, 101.6) == 0);
	free(rgba);
}

/* Applies for a new seal as u; returns the application id. */
static long long apply_new(int u, const char *name, const char *pic64)
{
	char *body = malloc(strlen(pic64) + 512);
	sprintf(body, "{\"name\":\"%s\",\"type\":\"contract\",\"validity_days\":365,\"uses_limit\":100,"
		"\"picture_png\":\"%s\"}", name, pic64);
	resp r;
	REQUIRE(!call(u, "POST", "/api/v1/seal-applications", body, &r));
	free(body);
	if (r.status != 201)
		fprintf(stderr, "    apply: %d %s\n", r.status, r.body);
	REQUIRE(r.status == 201);
	long long id = json_integer_value(json_object_get(r.j, "id"));
	resp_free(&r);
	return id;
}

static void post_ok(int u, const char *target, const char *body, int status)
{
	resp r;
	REQUIRE(!call(u, "POST", target, body, &r));
	if (r.status != status)
		fprintf(stderr, "    POST %s: %d %s\n", target, r.status, r.body);
	CHECK_EQ_INT(r.status, status);
	resp_free(&r);
}

/* Makes an approved application; returns the esID (static buffer). */
static const char *make(long long id, const char *body, resp *keep)
{
	static char esid[32];
	char t[128];
	resp r;
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/make", id);
	REQUIRE(!call(BA, "POST", t, body, &r));
	if (r.status != 201)
		fprintf(stderr, "    make: %d %s\n", r.status, r.body);
	REQUIRE(r.status == 201);
	snprintf(esid, sizeof esid, "%s", jget(&r, "esid"));
	if (keep)
		*keep = r;
	else
		resp_free(&r);
	return esid;
}

static const char *seal_status(const char *esid)
{
	static char st[32];
	char t[128];
	resp r;
	snprintf(t, sizeof t, "/api/v1/seals/%s", esid);
	REQUIRE(!call(BA, "GET", t, NULL, &r));
	snprintf(st, sizeof st, "%s", r.status == 200 && jget(&r, "status") ? jget(&r, "status") : "?");
	resp_free(&r);
	return st;
}

typedef struct {
	const char *action, *actor, *object;
	int found;
} want_entry;

static int audit_walk(const eseal_audit_entry *e, void *arg)
{
	want_entry *w = arg;
	/* the next expected entry, in order */
	for (; w->action; w++) {
		if (w->found)
			continue;
		if (!strcmp(e->action, w->action) && !strcmp(e->actor, w->actor) &&
		    (!w->object || !strcmp(e->object, w->object)))
			w->found = 1;
		break;
	}
	return 0;
}

static void lifecycle(int pg)
{
	char url[1024], dir[512], t[256];
	signal(SIGPIPE, SIG_IGN);
	tdb_new_url(pg, url, sizeof url);
	snprintf(dir, sizeof dir, "%s/ca-%d", h_tmpdir(), pg);

	/* the instance: store, KEK, CA, maker certificate, status answers */
	eseal_store *db = NULL;
	eseal_kek *kek = NULL;
	eseal_auth_backend *auth = NULL;
	eseal_ca *ca = NULL;
	eseal_key *mkey = NULL;
	eseal_cert *maker = NULL;
	eseal_making *mk = NULL;
	srv_status_store *status = NULL;
	eseal_server *sv = NULL;
	uint8_t kb[32] = { 1, 2, 3 };
	REQUIRE(!eseal_store_open(&db, url));
	REQUIRE(!eseal_kek_from_bytes(&kek, kb));
	REQUIRE(!srv_auth_store_new(&auth, db, kek));
	REQUIRE(!eseal_ca_init(dir, "lifecycle test CA", ESEAL_KEY_SM2, "ca-pass", 7, 3650));
	REQUIRE(!eseal_ca_open(&ca, dir, "ca-pass", 7));
	eseal_cert_request mreq = { 0 };
	mreq.role = ESEAL_ROLE_MAKER;
	mreq.org = "eseal";
	mreq.name = "test maker";
	REQUIRE(!eseal_key_generate(&mkey, ESEAL_KEY_SM2));
	REQUIRE(!eseal_ca_issue(ca, &mreq, mkey, &maker));
	eseal_making_config mc = { 0 };
	mc.db_url = url;
	mc.ca = ca;
	mc.maker = maker;
	mc.maker_key = mkey;
	mc.kek = kek;
	mc.connections = 2;
	REQUIRE(!eseal_making_new(&mk, &mc));
	REQUIRE(!srv_status_store_new(&status, url));
	eseal_server_config cfg = { 0 };
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 2;
	cfg.auth = auth;
	cfg.making = mk;
	cfg.status_fn = srv_status_store_lookup;
	cfg.status_ctx = status;
	cfg.password_cost = 10;
	REQUIRE(!eseal_server_start(&sv, &cfg));
	port = eseal_server_port(sv);
	srv_server *ss = srv_server_of(sv);

	/* the system admin registers two organisations, then their people */
	REQUIRE(!srv_user_add(ss, "sa", "system", SRV_ROLE_SYSTEM_ADMIN, "Sys-admin-pass-1", 0, NULL));
	REQUIRE(!login("sa", "Sys-admin-pass-1", tok[SA]));
	post_ok(SA, "/api/v1/orgs", "{\"name\":\"杭州测试有限公司\",\"credit_code\":\"" ORG_A "\",\"region_code\":\"330100\"}",
		201);
	post_ok(SA, "/api/v1/orgs", "{\"name\":\"北京测试有限公司\",\"credit_code\":\"" ORG_B "\",\"region_code\":\"110000\"}",
		201);
	resp r;
	REQUIRE(!call(SA, "POST", "/api/v1/orgs", "{\"name\":\"x\",\"credit_code\":\"" ORG_A "\",\"region_code\":\"330100\"}",
		      &r));
	CHECK(is_problem(&r, 409, "conflict"));
	resp_free(&r);
	REQUIRE(!call(SA, "POST", "/api/v1/orgs", "{\"name\":\"x\",\"credit_code\":\"short\",\"region_code\":\"330100\"}",
		      &r));
	CHECK(is_problem(&r, 400, "invalid-body"));
	resp_free(&r);
	for (int u = 1; u < NU; u++) {
		char pw[64];
		snprintf(pw, sizeof pw, "Pass-word-%s-1", unames[u]);
		REQUIRE(!srv_user_add(ss, unames[u], uorgs[u], uroles[u], pw, 0, NULL));
		REQUIRE(!login(unames[u], pw, tok[u]));
	}

	/* apply: materials with their SM3, an uploaded picture, allowed users */
	eseal_buf png = ESEAL_BUF_INIT;
	make_png(&png);
	char *pic64 = b64(png.data, png.len);
	const char *mat = "business licence scan";
	char *mat64 = b64((const uint8_t *)mat, strlen(mat));
	char *body = malloc(strlen(pic64) + 1024);
	sprintf(body, "{\"kind\":\"new\",\"name\":\"合同专用章\",\"type\":\"contract\",\"validity_days\":365,"
		"\"uses_limit\":100,\"allowed_users\":[\"sk\"],\"picture_png\":\"%s\","
		"\"materials\":[{\"name\":\"licence.txt\",\"data\":\"%s\"}],\"note\":\"contracts\"}", pic64, mat64);
	REQUIRE(!call(AP, "POST", "/api/v1/seal-applications", body, &r));
	CHECK_EQ_INT(r.status, 201);
	long long app = json_integer_value(json_object_get(r.j, "id"));
	CHECK(app > 0);
	CHECK_EQ_STR(jget(&r, "status"), "submitted");
	CHECK_EQ_INT(json_integer_value(json_object_get(r.j, "uses_limit")), 100);
	{
		uint8_t h[32];
		unsigned hl = 32;
		char hex[65];
		EVP_Digest(mat, strlen(mat), h, &hl, EVP_sm3(), NULL);
		for (int i = 0; i < 32; i++)
			sprintf(hex + 2 * i, "%02x", h[i]);
		json_t *m0 = json_array_get(json_object_get(r.j, "materials"), 0);
		CHECK_EQ_STR(json_string_value(json_object_get(m0, "sm3")), hex);
	}
	resp_free(&r);
	free(body);

	/* bad bodies: problem+json and nothing stored */
	int64_t apps = count(url, "SELECT COUNT(*) FROM seal_applications");
	int64_t entries = count(url, "SELECT COUNT(*) FROM audit_entries");
	static const char *bad[] = {
		"{\"name\":\"x\",\"type\":\"contract\",\"colour\":\"red\"}",  /* unknown field */
		"{\"name\":\"x\",\"type\":\"contract\",\"validity_days\":\"ten\"}", /* wrong type */
		"{\"name\":\"x\",\"type\":",                                    /* malformed */
		"{\"type\":\"contract\"}",                                       /* no name */
		"{\"name\":\"x\",\"type\":\"stamp\"}",                            /* unknown type */
		"{\"name\":\"x\",\"type\":\"contract\",\"validity_days\":999999}",
		"{\"name\":\"x\",\"type\":\"contract\",\"picture_png\":\"bm90IGEgcG5n\"}",
		"{\"name\":\"x\",\"type\":\"contract\",\"materials\":[{\"name\":\"a\",\"data\":\"!!\"}]}",
		"{\"name\":\"x\",\"type\":\"contract\",\"materials\":[{\"name\":\"a\",\"data\":\"YQ==\",\"x\":1}]}",
		"{\"name\":\"x\",\"type\":\"contract\",\"allowed_users\":[\"bb\"]}", /* another org's user */
		"{\"kind\":\"renew\",\"seal\":\"33010000000001\"}",             /* no such seal */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		REQUIRE(!call(AP, "POST", "/api/v1/seal-applications", bad[i], &r));
		CHECK(is_problem(&r, i == 10 ? 404 : 400, i == 10 ? "not-found" : "invalid-body"));
		resp_free(&r);
	}
	CHECK_EQ_INT(count(url, "SELECT COUNT(*) FROM seal_applications"), apps);
	CHECK_EQ_INT(count(url, "SELECT COUNT(*) FROM audit_entries"), entries);

	/* review: not the applicant, not another organisation */
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/approve", app);
	REQUIRE(!call(AP, "POST", t, "{}", &r));
	CHECK(is_problem(&r, 403, "forbidden"));
	resp_free(&r);
	REQUIRE(!call(RVB, "POST", t, "{}", &r));
	CHECK(is_problem(&r, 404, "not-found"));
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld", app);
	REQUIRE(!call(BB, "GET", t, NULL, &r));
	CHECK(is_problem(&r, 404, "not-found"));
	resp_free(&r);
	REQUIRE(!call(BA, "GET", t, NULL, &r));
	CHECK(r.status == 200 && !strcmp(jget(&r, "status"), "submitted"));
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/make", app);
	REQUIRE(!call(BA, "POST", t, "{\"key_mode\":\"server\"}", &r));
	CHECK(is_problem(&r, 409, "illegal-transition")); /* not approved yet */
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/approve", app);
	REQUIRE(!call(RV, "POST", t, "{\"reason\":\"materials complete\"}", &r));
	CHECK(r.status == 200 && !strcmp(jget(&r, "status"), "approved") && !strcmp(jget(&r, "reviewer"), "rv"));
	resp_free(&r);
	REQUIRE(!call(RV, "POST", t, "{}", &r));
	CHECK(is_problem(&r, 409, "illegal-transition"));
	resp_free(&r);

	/* make with a server-held key */
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/make", app);
	REQUIRE(!call(BA, "POST", t, "{\"key_mode\":\"server\",\"passphrase\":\"x\"}", &r));
	CHECK(is_problem(&r, 400, "invalid-body"));
	resp_free(&r);
	char esid[32];
	snprintf(esid, sizeof esid, "%s", make(app, "{\"key_mode\":\"server\"}", NULL));
	CHECK_OK(eseal_esid_check(esid));
	CHECK(!strncmp(esid, "330100", 6));
	REQUIRE(!call(BA, "POST", t, "{\"key_mode\":\"server\"}", &r));
	CHECK(is_problem(&r, 409, "illegal-transition")); /* made once */
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/seals/%s", esid);
	REQUIRE(!call(SK, "GET", t, NULL, &r));
	CHECK(r.status == 200 && !strcmp(jget(&r, "status"), "valid") && !strcmp(jget(&r, "key_mode"), "server"));
	CHECK_EQ_INT(json_integer_value(json_object_get(r.j, "uses_limit")), 100);
	CHECK_EQ_STR(json_string_value(json_array_get(json_object_get(r.j, "allowed_users"), 0)), "sk");
	long long valid_to = json_integer_value(json_object_get(r.j, "valid_to"));
	CHECK(valid_to > time(NULL) + 364 * 86400 && valid_to <= time(NULL) + 365 * 86400);
	resp_free(&r);
	REQUIRE(!call(BB, "GET", t, NULL, &r));
	CHECK(is_problem(&r, 404, "not-found"));
	resp_free(&r);
	/* the key is in the store wrapped, not in the clear */
	CHECK_EQ_INT(count(url, "SELECT COUNT(*) FROM seals WHERE key_blob IS NOT NULL"), 1);

	/* download and check the SESeal: V4, the code, the maker's signature */
	snprintf(t, sizeof t, "/api/v1/seals/%s/seal.esl", esid);
	REQUIRE(!call(AP, "GET", t, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	CHECK_EQ_STR(r.ctype, "application/octet-stream");
	eseal_seal *seal = NULL;
	CHECK_OK(eseal_seal_parse(&seal, (const uint8_t *)r.body, r.len));
	REQUIRE(seal);
	CHECK_EQ_INT(eseal_seal_version(seal), 4);
	CHECK_EQ_STR(eseal_seal_esid(seal), esid);
	CHECK_EQ_STR(eseal_seal_name(seal), "合同专用章");
	CHECK_EQ_INT(eseal_seal_type(seal), 4);
	CHECK_OK(eseal_seal_verify_signature(seal));
	size_t ml = 0, dl = 0, pl = 0;
	const uint8_t *md = eseal_seal_maker_cert(seal, &ml), *mine = eseal_cert_der(maker, &dl);
	CHECK(md && ml == dl && !memcmp(md, mine, dl));
	const uint8_t *pp = eseal_seal_picture(seal, &pl);
	CHECK(pp && pl == png.len && !memcmp(pp, png.data, pl));
	size_t cl = 0;
	const uint8_t *cd = eseal_seal_cert_entry(seal, 0, &cl, NULL);
	eseal_cert *sc = NULL;
	CHECK_OK(eseal_cert_parse(&sc, cd, cl));
	char sn[32] = "";
	eseal_cert_subject_attr(sc, "serialNumber", sn, sizeof sn);
	CHECK_EQ_STR(sn, esid);
	CHECK(eseal_cert_signed_by(sc, eseal_ca_issuing(ca)));
	eseal_cert_free(sc);
	uint8_t first_seal_hash[32];
	eseal_sm3(first_seal_hash, r.body, r.len);
	eseal_seal_free(seal);
	resp_free(&r);
	REQUIRE(!call(BB, "GET", t, NULL, &r));
	CHECK(is_problem(&r, 404, "not-found"));
	resp_free(&r);

	/* report loss: the keeper only; the status query says lost, with the time */
	snprintf(t, sizeof t, "/api/v1/seals/%s/report-loss", esid);
	REQUIRE(!call(BA, "POST", t, "{\"reason\":\"x\"}", &r));
	CHECK(is_problem(&r, 403, "forbidden"));
	resp_free(&r);
	REQUIRE(!call(SK, "POST", t, "{\"reason\":\"x\",\"when\":1}", &r));
	CHECK(is_problem(&r, 400, "invalid-body"));
	resp_free(&r);
	CHECK_EQ_STR(seal_status(esid), "valid");
	time_t before = time(NULL);
	post_ok(SK, t, "{\"reason\":\"lost on the train\"}", 200);
	CHECK_EQ_STR(seal_status(esid), "lost");
	REQUIRE(!call(SK, "POST", t, "{\"reason\":\"again\"}", &r));
	CHECK(is_problem(&r, 409, "illegal-transition"));
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/status/%s?format=json", esid);
	REQUIRE(!http("GET", t, NULL, NULL, &r));
	CHECK_EQ_INT(r.status, 200);
	CHECK_EQ_STR(jget(&r, "status"), "lost");
	json_t *upd = json_object_get(r.j, "updated");
	if (!upd)
		upd = json_object_get(r.j, "revocation_time");
	CHECK(json_is_integer(upd) && json_integer_value(upd) >= before && json_integer_value(upd) <= time(NULL));
	resp_free(&r);

	/* lift, renew (same code, new certificate and SESeal, same picture) */
	snprintf(t, sizeof t, "/api/v1/seals/%s/lift-loss", esid);
	post_ok(SK, t, "{\"reason\":\"found it\"}", 200);
	CHECK_EQ_STR(seal_status(esid), "valid");
	REQUIRE(!call(SK, "POST", t, "{\"reason\":\"again\"}", &r));
	CHECK(is_problem(&r, 409, "illegal-transition"));
	resp_free(&r);
	sprintf(t, "{\"kind\":\"renew\",\"seal\":\"%s\",\"validity_days\":730}", esid);
	REQUIRE(!call(AP2, "POST", "/api/v1/seal-applications", t, &r));
	CHECK_EQ_INT(r.status, 201);
	long long app2 = json_integer_value(json_object_get(r.j, "id"));
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/approve", app2);
	post_ok(RV, t, "{}", 200);
	CHECK_EQ_STR(make(app2, "{\"key_mode\":\"server\"}", NULL), esid);
	CHECK_EQ_STR(seal_status(esid), "valid");
	snprintf(t, sizeof t, "/api/v1/seals/%s", esid);
	REQUIRE(!call(SK, "GET", t, NULL, &r));
	/* what the renewal did not change is kept */
	CHECK_EQ_INT(json_integer_value(json_object_get(r.j, "uses_limit")), 100);
	CHECK_EQ_STR(json_string_value(json_array_get(json_object_get(r.j, "allowed_users"), 0)), "sk");
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/seals/%s/seal.esl", esid);
	REQUIRE(!call(AP, "GET", t, NULL, &r));
	REQUIRE(r.status == 200);
	{
		uint8_t h[32];
		eseal_sm3(h, r.body, r.len);
		CHECK(memcmp(h, first_seal_hash, 32) != 0);
		CHECK_OK(eseal_seal_parse(&seal, (const uint8_t *)r.body, r.len));
		CHECK_OK(eseal_seal_verify_signature(seal));
		pp = eseal_seal_picture(seal, &pl);
		CHECK(pp && pl == png.len && !memcmp(pp, png.data, pl));
		CHECK(eseal_seal_valid_end(seal) > time(NULL) + 729 * 86400);
		eseal_seal_free(seal);
	}
	resp_free(&r);

	/* a second seal in a package, then replaced: the old one is cancelled */
	long long app3 = apply_new(AP, "财务专用章", pic64);
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/reject", app3);
	REQUIRE(!call(RV, "POST", t, "{}", &r));
	CHECK(is_problem(&r, 400, "invalid-body")); /* a rejection needs a reason */
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/approve", app3);
	post_ok(RV, t, "{}", 200);
	resp mr;
	char esid2[32];
	snprintf(esid2, sizeof esid2, "%s", make(app3, "{\"key_mode\":\"package\",\"passphrase\":\"Holder-pass-1\"}", &mr));
	CHECK(strcmp(esid2, esid) != 0);
	const char *pkg = jget(&mr, "package");
	CHECK(pkg && strstr(pkg, "BEGIN ESEAL SEAL") && strstr(pkg, "BEGIN ENCRYPTED PRIVATE KEY") &&
	      !strstr(pkg, "BEGIN PRIVATE KEY"));
	if (pkg) {
		/* the package's key opens with the passphrase only */
		const char *k0 = strstr(pkg, "-----BEGIN ENCRYPTED PRIVATE KEY");
		const char *k1 = k0 ? strstr(k0, "-----END ENCRYPTED PRIVATE KEY-----") : NULL;
		eseal_key *hk = NULL;
		REQUIRE(k0 && k1);
		size_t kl = (size_t)(k1 - k0) + 35;
		CHECK(eseal_key_from_pem(&hk, (const uint8_t *)k0, kl, "wrong-pass", 10) != 0);
		CHECK_OK(eseal_key_from_pem(&hk, (const uint8_t *)k0, kl, "Holder-pass-1", 13));
		eseal_key_free(hk);
	}
	resp_free(&mr);
	sprintf(t, "{\"kind\":\"replace\",\"seal\":\"%s\"}", esid2);
	REQUIRE(!call(AP, "POST", "/api/v1/seal-applications", t, &r));
	CHECK_EQ_INT(r.status, 201);
	long long app4 = json_integer_value(json_object_get(r.j, "id"));
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/approve", app4);
	post_ok(RV, t, "{}", 200);
	char esid3[32];
	snprintf(esid3, sizeof esid3, "%s", make(app4, "{\"key_mode\":\"server\"}", NULL));
	CHECK(strcmp(esid3, esid2) != 0);
	CHECK_EQ_STR(seal_status(esid2), "cancelled");
	CHECK_EQ_STR(seal_status(esid3), "valid");

	/* change: new seal data under a new code, the old seal cancelled */
	sprintf(t, "{\"kind\":\"change\",\"seal\":\"%s\",\"name\":\"发票专用章\",\"type\":\"invoice\"}", esid3);
	REQUIRE(!call(AP, "POST", "/api/v1/seal-applications", t, &r));
	CHECK_EQ_INT(r.status, 201);
	long long app5 = json_integer_value(json_object_get(r.j, "id"));
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/approve", app5);
	post_ok(RV, t, "{}", 200);
	char esid4[32];
	snprintf(esid4, sizeof esid4, "%s", make(app5, "{\"key_mode\":\"server\"}", NULL));
	CHECK_EQ_STR(seal_status(esid3), "cancelled");
	snprintf(t, sizeof t, "/api/v1/seals/%s", esid4);
	REQUIRE(!call(BA, "GET", t, NULL, &r));
	CHECK(r.status == 200 && !strcmp(jget(&r, "name"), "发票专用章") && !strcmp(jget(&r, "type"), "invoice") &&
	      !strcmp(jget(&r, "status"), "valid"));
	resp_free(&r);

	/* a rejected application is never made */
	long long app6 = apply_new(AP2, "业务专用章", pic64);
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/reject", app6);
	REQUIRE(!call(RV, "POST", t, "{\"reason\":\"licence expired\"}", &r));
	CHECK(r.status == 200 && !strcmp(jget(&r, "status"), "rejected") &&
	      !strcmp(jget(&r, "review_note"), "licence expired"));
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/seal-applications/%lld/make", app6);
	REQUIRE(!call(BA, "POST", t, "{\"key_mode\":\"server\"}", &r));
	CHECK(is_problem(&r, 409, "illegal-transition"));
	resp_free(&r);
	REQUIRE(!call(RV, "GET", "/api/v1/seal-applications?status=rejected", NULL, &r));
	CHECK(r.status == 200 && json_array_size(json_object_get(r.j, "applications")) == 1);
	resp_free(&r);

	/* a picture drawn from text (when this machine has a CJK font) */
	REQUIRE(!call(AP, "POST", "/api/v1/seal-applications",
		      "{\"name\":\"合同专用章\",\"type\":\"contract\",\"picture\":{\"shape\":\"round\","
		      "\"org\":\"杭州测试有限公司\",\"title\":\"合同专用章\"}}", &r));
	if (r.status == 201)
		CHECK(json_is_true(json_object_get(r.j, "has_picture")));
	else
		CHECK(is_problem(&r, 422, "no-font"));
	resp_free(&r);
	REQUIRE(!call(AP, "POST", "/api/v1/seal-applications",
		      "{\"name\":\"x\",\"type\":\"contract\",\"picture\":{\"shape\":\"star\"}}", &r));
	CHECK(is_problem(&r, 400, "invalid-body"));
	resp_free(&r);

	/* cancel: final */
	snprintf(t, sizeof t, "/api/v1/seals/%s/cancel", esid);
	REQUIRE(!call(BB, "POST", t, "{\"reason\":\"x\"}", &r));
	CHECK(is_problem(&r, 404, "not-found"));
	resp_free(&r);
	post_ok(BA, t, "{\"reason\":\"company seal retired\"}", 200);
	CHECK_EQ_STR(seal_status(esid), "cancelled");
	static const char *after[] = { "cancel", "report-loss", "lift-loss" };
	for (int i = 0; i < 3; i++) {
		snprintf(t, sizeof t, "/api/v1/seals/%s/%s", esid, after[i]);
		REQUIRE(!call(i ? SK : BA, "POST", t, "{\"reason\":\"x\"}", &r));
		CHECK(is_problem(&r, 409, "illegal-transition"));
		resp_free(&r);
	}
	sprintf(t, "{\"kind\":\"renew\",\"seal\":\"%s\"}", esid);
	REQUIRE(!call(AP, "POST", "/api/v1/seal-applications", t, &r));
	CHECK(is_problem(&r, 409, "illegal-transition"));
	resp_free(&r);
	snprintf(t, sizeof t, "/api/v1/status/%s?format=json", esid);
	REQUIRE(!http("GET", t, NULL, NULL, &r));
	CHECK_EQ_STR(jget(&r, "status"), "cancelled");
	resp_free(&r);

	/* the events of the first seal, each with its actor */
	snprintf(t, sizeof t, "/api/v1/seals/%s/events", esid);
	REQUIRE(!call(BA, "GET", t, NULL, &r));
	{
		static const char *to[] = { "valid", "lost", "valid", "valid", "cancelled" };
		static const char *by[] = { "ba", "sk", "sk", "ba", "ba" };
		json_t *ev = json_object_get(r.j, "events");
		CHECK_EQ_INT(json_array_size(ev), 5);
		for (size_t i = 0; i < 5 && i < json_array_size(ev); i++) {
			json_t *e = json_array_get(ev, i);
			CHECK_EQ_STR(json_string_value(json_object_get(e, "to")), to[i]);
			CHECK_EQ_STR(json_string_value(json_object_get(e, "actor")), by[i]);
			CHECK(json_integer_value(json_object_get(e, "at")) >= before - 60);
		}
		CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(ev, 1), "reason")), "lost on the train");
	}
	resp_free(&r);
	REQUIRE(!call(SA, "GET", "/api/v1/seals", NULL, &r)); /* the system admin sees every organisation's */
	CHECK_EQ_INT(json_array_size(json_object_get(r.j, "seals")), 4);
	resp_free(&r);
	REQUIRE(!call(BB, "GET", "/api/v1/seals", NULL, &r));
	CHECK_EQ_INT(json_array_size(json_object_get(r.j, "seals")), 0);
	resp_free(&r);

	eseal_server_stop(sv, 5);

	/* the audit log verifies and holds every step with its actor */
	eseal_store *adb = NULL;
	REQUIRE(!eseal_store_open(&adb, url));
	eseal_audit_report rep;
	CHECK_OK(eseal_audit_verify(adb, NULL, &rep));
	char o1[64], o2[64];
	snprintf(o1, sizeof o1, "seal:%s", esid);
	snprintf(o2, sizeof o2, "seal:%s", esid2);
	want_entry want[] = {
		{ "org.create", "sa", "org:" ORG_A, 0 },
		{ "seal.apply", "ap", NULL, 0 },
		{ "seal.approve", "rv", NULL, 0 },
		{ "seal.make", "ba", o1, 0 },
		{ "seal.report_loss", "sk", o1, 0 },
		{ "seal.lift_loss", "sk", o1, 0 },
		{ "seal.apply", "ap2", NULL, 0 },
		{ "seal.approve", "rv", NULL, 0 },
		{ "seal.renew", "ba", o1, 0 },
		{ "seal.make", "ba", o2, 0 },
		{ "seal.replace", "ba", o2, 0 },
		{ "seal.change", "ba", NULL, 0 },
		{ "seal.reject", "rv", NULL, 0 },
		{ "seal.cancel", "ba", o1, 0 },
		{ NULL, NULL, NULL, 0 },
	};
	eseal_audit_filter f = ESEAL_AUDIT_FILTER_INIT;
	CHECK_OK(eseal_audit_query(adb, &f, audit_walk, want));
	for (want_entry *w = want; w->action; w++) {
		if (!w->found)
			fprintf(stderr, "    audit: no %s by %s\n", w->action, w->actor);
		CHECK(w->found);
	}
	eseal_store_close(adb);
	const char *bin = getenv("ESEAL_BIN");
	if (bin) {
		/* and the command agrees */
		char cmd[2048];
		snprintf(cmd, sizeof cmd, "'%s' audit verify --db '%s' >/dev/null", bin, url);
		CHECK_EQ_INT(system(cmd), 0);
	}

	srv_status_store_free(status);
	eseal_making_free(mk);
	srv_auth_backend_free(auth);
	eseal_kek_free(kek);
	eseal_cert_free(maker);
	eseal_key_free(mkey);
	eseal_ca_free(ca);
	eseal_buf_free(&png);
	free(pic64);
	free(mat64);
}

BOTH(lifecycle)

/* (the shared helper opens stores this test opens itself) */
static void unused(void) { (void)tdb_open; }

TESTS(T(unused), TB(lifecycle))
