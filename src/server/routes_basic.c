/*
 * routes_basic.c - the route table and the routes every instance has:
 * health, metrics, the OpenAPI document, login and logout, the caller's own
 * account, user and API key management; the rows of the other route files.
 * Every route declares its permission here; handlers add the organisation
 * checks. Never return password hashes, session hashes or stored API key
 * secrets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/crypto.h"
#include "federation.h"
#include "lifecycle.h"
#include "routes_audit.h"
#include "routes_place.h"
#include "routes_render.h"
#include "routes_sign.h"
#include "routes_stats.h"
#include "routes_tsa.h"
#include "routes_use.h"
#include "server_internal.h"
#include "status_routes.h"

static json_t *user_json(const srv_user *u)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:I}", "id", u->id, "name", u->name, "org", u->org,
			 "role", srv_role_name(u->role), "must_change_password", u->must_change,
			 "disabled", u->disabled, "created", (json_int_t)u->created);
}

static void h_healthz(srv_req *r)
{
	srv_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static void h_metrics(srv_req *r)
{
	eseal_buf_clear(&r->out);
	if (srv_metrics_render(r->srv->metrics, srv_routes, srv_nroutes, &r->out)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot render metrics");
		return;
	}
	r->status = 200;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

static void h_openapi(srv_req *r)
{
	eseal_buf_clear(&r->out);
	if (eseal_buf_put(&r->out, r->srv->openapi.data, r->srv->openapi.len)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "out of memory");
		return;
	}
	r->status = 200;
	r->content_type = "application/json";
}

static void set_session_cookie(srv_req *r, const char *token, int max_age)
{
	char v[200];
	snprintf(v, sizeof v, "eseal_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict", token, max_age);
	srv_add_header(r, "Set-Cookie", v);
}

/* Starts a session for u and answers like login does. */
static void reply_session(srv_req *r, const srv_user *u, int status)
{
	char token[65], csrf[65];
	srv_session ses;
	if (srv_session_create(r->srv, u, r->now, token, &ses)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot create a session");
		return;
	}
	set_session_cookie(r, token, (int)(ses.expires - r->now));
	srv_session_csrf(ses.token_hash, csrf);
	srv_reply_json(r, status,
		       json_pack("{s:s, s:s, s:I, s:b, s:o}", "token", token, "csrf_token", csrf, "expires",
				 (json_int_t)ses.expires, "must_change_password", u->must_change, "user",
				 user_json(u)));
	eseal_wipe(token, sizeof token);
}

static void h_login(srv_req *r)
{
	/* unknown names are checked against a dummy hash so timing does not
	 * tell which names exist */
	const char *dummy = r->srv->dummy_hash;
	const char *name = srv_jstr(r->json, "name"), *pw = srv_jstr(r->json, "password");
	srv_user u;
	eseal_auth_backend *b = r->srv->auth;
	int found = !b->user_by_name(b->ctx, name, &u);
	int rehash = 0;
	int rc = srv_password_verify(pw, strlen(pw), found ? u.pwhash : dummy, r->srv->cfg.password_cost, &rehash);
	if (!found || rc || u.disabled) {
		srv_problem(r, 401, "login-failed", "Unauthorized", "wrong user name or password");
		return;
	}
	if (rehash && !srv_password_hash(pw, strlen(pw), r->srv->cfg.password_cost, u.pwhash, sizeof u.pwhash))
		b->user_update(b->ctx, &u);
	reply_session(r, &u, 200);
}

static void h_logout(srv_req *r)
{
	if (r->who.kind == SRV_AUTH_SESSION || r->who.kind == SRV_AUTH_COOKIE)
		r->srv->auth->session_delete(r->srv->auth->ctx, r->who.session_hash);
	set_session_cookie(r, "", 0);
	srv_reply_empty(r, 204);
}

static void h_me(srv_req *r)
{
	json_t *perms = json_array();
	for (int i = 0; i < 32; i++)
		if (r->who.perms & (1u << i))
			json_array_append_new(perms, json_string(srv_perm_name(1u << i)));
	static const char *kinds[] = { "none", "session", "cookie", "hmac" };
	srv_reply_json(r, 200,
		       json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:s}", "id", r->who.id, "name", r->who.name,
				 "org", r->who.org, "role", srv_role_name(r->who.role), "permissions", perms,
				 "must_change_password", r->who.must_change, "auth", kinds[r->who.kind]));
}

static void h_password(srv_req *r)
{
	const char *old = srv_jstr(r->json, "old_password"), *nw = srv_jstr(r->json, "new_password");
	srv_user u;
	eseal_auth_backend *b = r->srv->auth;
	if (b->user_by_id(b->ctx, r->who.id, &u)) {
		srv_problem(r, 404, "not-found", "Not Found", "no such user");
		return;
	}
	if (srv_password_verify(old, strlen(old), u.pwhash, 0, NULL)) {
		srv_problem(r, 403, "wrong-password", "Forbidden", "the current password is wrong");
		return;
	}
	if (!strcmp(old, nw)) {
		srv_problem(r, 400, "weak-password", "Bad Request", "the new password must differ from the old one");
		return;
	}
	if (srv_password_acceptable(nw)) {
		srv_problem(r, 400, "weak-password", "Bad Request", "%s", eseal_error_last());
		return;
	}
	if (srv_password_hash(nw, strlen(nw), r->srv->cfg.password_cost, u.pwhash, sizeof u.pwhash)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot hash the password");
		return;
	}
	u.must_change = 0;
	if (b->user_update(b->ctx, &u)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot store the password");
		return;
	}
	/* every old session of this user ends; the caller gets a new one */
	b->session_delete_user(b->ctx, u.id);
	reply_session(r, &u, 200);
}

static void h_users_list(srv_req *r)
{
	char org[SRV_ORG_MAX];
	const char *filter = NULL;
	int rc = srv_query_get(r, "org", org, sizeof org);
	if (rc == ESEAL_EINVAL) {
		srv_problem(r, 400, "bad-query", "Bad Request", "bad org parameter");
		return;
	}
	if (!rc)
		filter = org;
	if (r->who.role != SRV_ROLE_SYSTEM_ADMIN) {
		if (filter && !srv_org_allowed(&r->who, filter)) {
			srv_problem(r, 403, "forbidden", "Forbidden", "only your own organisation's users");
			return;
		}
		filter = r->who.org;
	}
	srv_user *list = NULL;
	size_t n = 0;
	if (r->srv->auth->user_list(r->srv->auth->ctx, filter, &list, &n)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot list users");
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, user_json(&list[i]));
	eseal_wipe(list, n * sizeof *list);
	free(list);
	srv_reply_json(r, 200, json_pack("{s:o}", "users", arr));
}

/* Roles a business administrator may hand out inside its organisation. */
static int may_grant(const srv_principal *p, int role)
{
	if (p->role == SRV_ROLE_SYSTEM_ADMIN)
		return role != SRV_ROLE_API_CLIENT;
	return role == SRV_ROLE_BUSINESS_ADMIN || role == SRV_ROLE_REVIEWER ||
	       role == SRV_ROLE_SEAL_KEEPER || role == SRV_ROLE_APPLICANT;
}

static void h_users_create(srv_req *r)
{
	const char *name = srv_jstr(r->json, "name"), *pw = srv_jstr(r->json, "password"), *rn = srv_jstr(r->json, "role");
	const char *org = srv_jstr(r->json, "org");
	int must_change = json_is_true(json_object_get(r->json, "must_change_password"));
	int role = srv_role_from_name(rn);
	if (!org)
		org = r->who.org;
	if (!srv_org_allowed(&r->who, org)) {
		srv_problem(r, 403, "forbidden", "Forbidden", "users can only be created in your own organisation");
		return;
	}
	if (role == SRV_ROLE_NONE || role == SRV_ROLE_API_CLIENT) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "unknown role '%.40s' for a person", rn);
		return;
	}
	if (!may_grant(&r->who, role)) {
		srv_problem(r, 403, "forbidden", "Forbidden", "the %s role may not grant %s",
			    srv_role_name(r->who.role), srv_role_name(role));
		return;
	}
	if (srv_password_acceptable(pw)) {
		srv_problem(r, 400, "weak-password", "Bad Request", "%s", eseal_error_last());
		return;
	}
	srv_user u;
	int rc = srv_user_add(r->srv, name, org, role, pw, must_change, &u);
	if (rc == ESEAL_EEXISTS)
		srv_problem(r, 409, "conflict", "Conflict", "%s", eseal_error_last());
	else if (rc == ESEAL_EINVAL)
		srv_problem(r, 400, "invalid-body", "Bad Request", "%s", eseal_error_last());
	else if (rc)
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot create the user");
	else {
		char loc[128];
		snprintf(loc, sizeof loc, "/api/v1/users/%s", u.id);
		srv_add_header(r, "Location", loc);
		srv_reply_json(r, 201, user_json(&u));
	}
}

static void h_users_get(srv_req *r)
{
	srv_user u;
	const char *id = srv_param(r, "id");
	/* another organisation's user is reported as absent, not forbidden */
	if (!id || r->srv->auth->user_by_id(r->srv->auth->ctx, id, &u) || !srv_org_allowed(&r->who, u.org)) {
		srv_problem(r, 404, "not-found", "Not Found", "no such user");
		return;
	}
	srv_reply_json(r, 200, user_json(&u));
}

static void h_apikeys_create(srv_req *r)
{
	const char *name = srv_jstr(r->json, "name"), *org = srv_jstr(r->json, "org");
	if (!org)
		org = r->who.org;
	if (!srv_org_allowed(&r->who, org)) {
		srv_problem(r, 403, "forbidden", "Forbidden", "API keys can only be created for your own organisation");
		return;
	}
	if (!*name || strlen(org) >= SRV_ORG_MAX || !*org) {
		srv_problem(r, 400, "invalid-body", "Bad Request", "name and org must not be empty");
		return;
	}
	srv_apikey k;
	char secret[65];
	memset(&k, 0, sizeof k);
	if (srv_new_id(k.id, sizeof k.id, "k") || eseal_random(k.secret, sizeof k.secret)) {
		srv_problem(r, 500, "internal", "Internal Server Error", "no randomness");
		return;
	}
	snprintf(k.name, sizeof k.name, "%s", name);
	snprintf(k.org, sizeof k.org, "%s", org);
	k.role = SRV_ROLE_API_CLIENT;
	k.created = r->now;
	if (r->srv->auth->apikey_put(r->srv->auth->ctx, &k)) {
		eseal_wipe(&k, sizeof k);
		srv_problem(r, 500, "internal", "Internal Server Error", "cannot store the API key");
		return;
	}
	srv_hex(secret, k.secret, sizeof k.secret);
	/* the secret is shown once, here */
	srv_reply_json(r, 201, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", k.id, "secret", secret, "name", k.name,
					 "org", k.org, "role", "api_client"));
	eseal_wipe(secret, sizeof secret);
	eseal_wipe(&k, sizeof k);
}

static const srv_field login_body[] = {
	{ "name", SRV_J_STRING, 1, 64, "user name" },
	{ "password", SRV_J_STRING, 1, 256, "password" },
	{ 0 }
};
static const srv_field password_body[] = {
	{ "old_password", SRV_J_STRING, 1, 256, "current password" },
	{ "new_password", SRV_J_STRING, 1, 256, "new password (12+ characters, 3 character classes)" },
	{ 0 }
};
static const srv_field user_body[] = {
	{ "name", SRV_J_STRING, 1, 63, "login name: a-z 0-9 . _ -" },
	{ "password", SRV_J_STRING, 1, 256, "initial password" },
	{ "role", SRV_J_STRING, 1, 32,
	  "system_admin, business_admin, reviewer, seal_keeper, applicant or audit_admin" },
	{ "org", SRV_J_STRING, 0, 63, "organisation (default: the caller's)" },
	{ "must_change_password", SRV_J_BOOLEAN, 0, 0, "require a change at first login" },
	{ 0 }
};
static const srv_field apikey_body[] = {
	{ "name", SRV_J_STRING, 1, 63, "the business system's name" },
	{ "org", SRV_J_STRING, 0, 63, "organisation (default: the caller's)" },
	{ 0 }
};

const srv_route srv_routes[] = {
	{ "GET", "/healthz", h_healthz, SRV_P_PUBLIC, NULL, "Liveness check", 0 },
	{ "GET", "/metrics", h_metrics, SRV_P_PUBLIC, NULL, "Prometheus metrics", SRV_R_RAW },
	{ "GET", "/api/v1/openapi.json", h_openapi, SRV_P_PUBLIC, NULL, "This OpenAPI document", 0 },
	{ "POST", "/api/v1/login", h_login, SRV_P_PUBLIC, login_body, "Start a session", 0 },
	{ "POST", "/api/v1/logout", h_logout, SRV_P_SELF, NULL, "End the current session", SRV_R_MUST_CHANGE_OK },
	{ "GET", "/api/v1/me", h_me, SRV_P_SELF, NULL, "The caller's identity and permissions", SRV_R_MUST_CHANGE_OK },
	{ "POST", "/api/v1/me/password", h_password, SRV_P_PASSWORD, password_body,
	  "Change the caller's password", SRV_R_MUST_CHANGE_OK },
	{ "GET", "/api/v1/users", h_users_list, SRV_P_USER_READ, NULL, "List users of the caller's organisation",
	  SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/users", h_users_create, SRV_P_USER_MANAGE, user_body, "Create a user", SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/users/{id}", h_users_get, SRV_P_USER_READ, NULL, "One user", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/api-keys", h_apikeys_create, SRV_P_APIKEY_MANAGE, apikey_body,
	  "Create an API key for a business system (the secret is shown once)", SRV_R_ORG_SCOPED },
	/* status publishing (routes_status.c): signed DER, ETag and Cache-Control */
	{ "GET", "/api/v1/status/{esid}", srv_h_status, SRV_P_PUBLIC, NULL,
	  "Signed status of a seal (application/eseal-status; ?at=T for the status at a time, ?format=json)",
	  SRV_R_RAW },
	{ "GET", "/api/v1/srl", srv_h_srl_full, SRV_P_PUBLIC, NULL,
	  "The latest full seal revocation list (application/eseal-srl)", SRV_R_RAW },
	{ "GET", "/api/v1/srl/delta", srv_h_srl_delta, SRV_P_PUBLIC, NULL,
	  "Delta seal revocation list since full list N (?since=N)", SRV_R_RAW },
	/* the making system and the seal lifecycle (routes_org.c, routes_seal_app.c, routes_seal.c) */
	{ "POST", "/api/v1/orgs", srv_h_org_create, SRV_P_ORG_MANAGE, srv_org_body,
	  "Register an organisation (credit code, region code)", 0 },
	{ "GET", "/api/v1/orgs", srv_h_org_list, SRV_P_ORG_MANAGE, NULL, "List organisations", 0 },
	{ "POST", "/api/v1/seal-applications", srv_h_app_create, SRV_P_SEAL_APPLY, srv_app_body,
	  "Apply for a new seal, or for the change, renewal or replacement of one", SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/seal-applications", srv_h_app_list, SRV_P_SEAL_READ, NULL,
	  "List the organisation's seal applications (?status=)", SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/seal-applications/{id}", srv_h_app_get, SRV_P_SEAL_READ, NULL,
	  "One seal application with its materials", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/seal-applications/{id}/approve", srv_h_app_approve, SRV_P_SEAL_REVIEW, srv_review_body,
	  "Approve an application (not your own)", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/seal-applications/{id}/reject", srv_h_app_reject, SRV_P_SEAL_REVIEW, srv_review_body,
	  "Reject an application with a reason (not your own)", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/seal-applications/{id}/make", srv_h_app_make, SRV_P_SEAL_MAKE, srv_make_body,
	  "Make the seal of an approved application (certificate, esID, SESeal)", SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/seals", srv_h_seal_list, SRV_P_SEAL_READ, NULL, "List the organisation's seals (?status=)",
	  SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/seals/{esid}", srv_h_seal_get, SRV_P_SEAL_READ, NULL, "One seal", SRV_R_ORG_SCOPED },
	/* the console's pictures, materials and dashboard (routes_media.c, routes_stats.c) */
	{ "GET", "/api/v1/seal-applications/{id}/materials/{n}", srv_h_app_material, SRV_P_SEAL_READ, NULL,
	  "Download a supporting material of an application (n: its id; SM3 in X-Eseal-SM3)", SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/seal-applications/{id}/picture", srv_h_app_picture, SRV_P_SEAL_READ, NULL,
	  "The seal picture an application asks for (PNG)", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/seal-applications/picture-import", srv_h_picture_import, SRV_P_SEAL_APPLY, NULL,
	  "Lift the red impression out of a scanned seal (image/png or image/jpeg body, ?size_mm=): "
	  "a transparent PNG in base64 for picture_png", SRV_R_ORG_SCOPED | SRV_R_UPLOAD },
	{ "GET", "/api/v1/seals/{esid}/picture", srv_h_seal_picture, SRV_P_SEAL_READ, NULL,
	  "The seal's picture (PNG or JPEG)", SRV_R_ORG_SCOPED | SRV_R_RAW },
	{ "GET", "/api/v1/stats", srv_h_stats, SRV_P_SEAL_READ, NULL,
	  "Statistics: seals by state, signings per day (30 days) and per organisation, applications by state "
	  "(the caller's organisation; all, or ?org=, for the system administrator)", SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/seals/{esid}/seal.esl", srv_h_seal_download, SRV_P_SEAL_READ, NULL,
	  "Download the seal (SESeal DER)", SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/seals/{esid}/events", srv_h_seal_events, SRV_P_SEAL_READ, NULL,
	  "The seal's lifecycle events", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/seals/{esid}/report-loss", srv_h_seal_report_loss, SRV_P_SEAL_KEEP, srv_reason_body,
	  "Report the seal lost (挂失)", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/seals/{esid}/lift-loss", srv_h_seal_lift_loss, SRV_P_SEAL_KEEP, srv_reason_body,
	  "Lift a loss report", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/seals/{esid}/cancel", srv_h_seal_cancel, SRV_P_SEAL_MAKE, srv_reason_body,
	  "Cancel the seal (注销, final)", SRV_R_ORG_SCOPED },
	/* RFC 3161 time-stamping (routes_tsa.c): DER in, DER out */
	{ "POST", "/api/v1/tsa", srv_h_tsa, SRV_P_PUBLIC, NULL,
	  "RFC 3161 time-stamp: application/timestamp-query in, application/timestamp-reply out",
	  SRV_R_UPLOAD | SRV_R_RAW },
	/* the audit log for audit admins (routes_audit.c): the whole instance;
	 * reading is not audited, exports are */
	{ "GET", "/api/v1/audit", srv_h_audit_list, SRV_P_AUDIT_READ, NULL,
	  "Audit log entries (?actor=&action=&object= exact or prefix*, ?from=&to= unix or RFC 3339, "
	  "?after=SEQ&limit=N paging; ?format=csv or jsonl exports, recorded as audit.export)", 0 },
	{ "GET", "/api/v1/audit/head", srv_h_audit_head, SRV_P_AUDIT_READ, NULL,
	  "The audit log's current size and root, and the latest signed tree head", 0 },
	{ "GET", "/api/v1/audit/proof/{seq}", srv_h_audit_proof, SRV_P_AUDIT_READ, NULL,
	  "Inclusion proof (RFC 9162, SM3) of an entry in the current tree (?tree_size=N)", 0 },
	{ "GET", "/api/v1/audit/consistency", srv_h_audit_consistency, SRV_P_AUDIT_READ, NULL,
	  "Consistency proof (RFC 9162, SM3) from tree size ?from=N to the current one (?tree_size=N)", 0 },
	/* intelligent placement (routes_place.c) */
	{ "POST", "/api/v1/place", srv_h_place, SRV_P_SIGN_APPLY, srv_place_body,
	  "Propose where and which seal to stamp on a document (base64 PDF or OFD)", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/place/feedback", srv_h_place_feedback, SRV_P_SIGN_APPLY, srv_place_feedback_body,
	  "Store where seals were accepted or moved, as the organisation's placement history", SRV_R_ORG_SCOPED },
	/* the hierarchy (routes_federation.c, docs/federation.md): children
	 * register and push signed event batches; the batch signature is the
	 * authentication, so those routes are public */
	{ "POST", "/api/v1/federation/register", srv_h_fed_register, SRV_P_PUBLIC, srv_fed_register_body,
	  "A subordinate instance asks to register (name, url, region, SM2 public key)", 0 },
	{ "GET", "/api/v1/federation/register/{id}", srv_h_fed_register_get, SRV_P_PUBLIC, NULL,
	  "A registration's state and, once approved, the issued system certificate", 0 },
	{ "GET", "/api/v1/federation/children", srv_h_fed_children, SRV_P_ORG_MANAGE, NULL,
	  "Registered subordinate instances", 0 },
	{ "POST", "/api/v1/federation/children/{id}/approve", srv_h_fed_approve, SRV_P_ORG_MANAGE, srv_reason_body,
	  "Approve a registration: the CA issues the child's system certificate", 0 },
	{ "POST", "/api/v1/federation/children/{id}/refuse", srv_h_fed_refuse, SRV_P_ORG_MANAGE, srv_reason_body,
	  "Refuse a pending registration", 0 },
	{ "POST", "/api/v1/federation/events", srv_h_fed_events, SRV_P_PUBLIC, srv_fed_events_body,
	  "A child's signed batch of seal events (each origin and sequence applied once)", 0 },
	{ "GET", "/api/v1/federation/seals/{esid}/events", srv_h_fed_seal_events, SRV_P_ORG_MANAGE, NULL,
	  "Events received from subordinate instances for one seal", 0 },
	/* centralized signing and verification (routes_sign.c, routes_verify.c) */
	{ "POST", "/api/v1/sign-requests", srv_h_sign_create, SRV_P_SIGN_APPLY, srv_sign_body,
	  "Ask to sign documents with a server-held seal (signed at once when the seal approves automatically)",
	  SRV_R_ORG_SCOPED | SRV_R_UPLOAD },
	{ "GET", "/api/v1/sign-requests", srv_h_sign_list, SRV_P_SEAL_READ, NULL,
	  "List the organisation's sign requests (?status=)", SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/sign-requests/{id}", srv_h_sign_get, SRV_P_SEAL_READ, NULL, "One sign request",
	  SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/sign-requests/{id}/approve", srv_h_sign_approve, SRV_P_SIGN_REVIEW, srv_review_body,
	  "Approve a sign request: the service signs with the seal's key", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/sign-requests/{id}/reject", srv_h_sign_reject, SRV_P_SIGN_REVIEW, srv_review_body,
	  "Reject a sign request", SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/sign-requests/{id}/documents/{n}", srv_h_sign_download, SRV_P_SEAL_READ, NULL,
	  "Download signed document n (1-based); ?original=1: the document as uploaded", SRV_R_ORG_SCOPED | SRV_R_RAW },
	{ "POST", "/api/v1/sign-hash", srv_h_sign_hash, SRV_P_SIGN_APPLY, srv_sign_hash_body,
	  "Sign an SM3 digest (SES_Signature V4 or detached CMS) with a seal that approves automatically",
	  SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/seals/{esid}/sign-policy", srv_h_sign_policy, SRV_P_SIGN_EXECUTE, srv_sign_policy_body,
	  "Set whether the seal signs without review", SRV_R_ORG_SCOPED },
	/* decentralized use: signatures made offline, reported later (routes_use.c) */
	{ "POST", "/api/v1/seals/{esid}/uses", srv_h_use_report, SRV_P_SIGN_APPLY, srv_use_body,
	  "Report a signature made offline with the seal package (counted once per signature value)",
	  SRV_R_ORG_SCOPED },
	{ "GET", "/api/v1/seals/{esid}/uses", srv_h_use_list, SRV_P_SEAL_READ, NULL,
	  "Uses of the seal reported by its holders", SRV_R_ORG_SCOPED },
	{ "POST", "/api/v1/verify", srv_h_verify, SRV_P_VERIFY, srv_verify_body,
	  "Verify a signed PDF or OFD against this instance's CA and seal status", SRV_R_UPLOAD },
	/* page previews for the console (routes_render.c) */
	{ "POST", "/api/v1/render", srv_h_render, SRV_P_VERIFY, srv_render_body,
	  "Draw one page of an OFD document (base64) as a PNG, seals included", SRV_R_UPLOAD | SRV_R_RAW },
};
const size_t srv_nroutes = sizeof srv_routes / sizeof srv_routes[0];
