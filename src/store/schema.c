/*
 * schema.c - the service's tables as numbered migration scripts, written
 * once in the SQL both SQLite and PostgreSQL accept. Two dialect words are
 * rewritten per backend: BLOB (BYTEA on PostgreSQL) and IDPK (an
 * auto-numbered BIGINT primary key). Never edit a released migration: add a
 * new one at the end, so every existing database can be brought forward.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

static const char *const migrations[] = {
	/* 1: the initial service schema. */
	"CREATE TABLE settings (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL);\n"
	"CREATE TABLE organisations (\n"
	"  id IDPK,\n"
	"  name TEXT NOT NULL,\n"
	"  credit_code TEXT UNIQUE,\n"
	"  region_code TEXT,\n"
	"  created_at BIGINT NOT NULL);\n"
	"CREATE TABLE users (\n"
	"  id IDPK,\n"
	"  org_id BIGINT REFERENCES organisations (id),\n"
	"  username TEXT NOT NULL UNIQUE,\n"
	"  password_hash TEXT NOT NULL,\n"
	"  roles TEXT NOT NULL DEFAULT '',\n"
	"  created_at BIGINT NOT NULL,\n"
	"  disabled BIGINT NOT NULL DEFAULT 0);\n"
	"CREATE TABLE sessions (\n"
	"  id IDPK,\n"
	"  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
	"  token_hash TEXT NOT NULL UNIQUE,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  expires_at BIGINT NOT NULL,\n"
	"  last_seen BIGINT);\n"
	"CREATE INDEX sessions_expires ON sessions (expires_at);\n"
	"CREATE TABLE api_keys (\n"
	"  id IDPK,\n"
	"  org_id BIGINT REFERENCES organisations (id),\n"
	"  key_id TEXT NOT NULL UNIQUE,\n"
	"  secret BLOB NOT NULL,\n"
	"  roles TEXT NOT NULL DEFAULT '',\n"
	"  created_at BIGINT NOT NULL,\n"
	"  disabled BIGINT NOT NULL DEFAULT 0);\n"
	"CREATE TABLE seal_applications (\n"
	"  id IDPK,\n"
	"  org_id BIGINT NOT NULL REFERENCES organisations (id),\n"
	"  applicant_id BIGINT REFERENCES users (id),\n"
	"  kind TEXT NOT NULL,\n"
	"  status TEXT NOT NULL,\n"
	"  name TEXT,\n"
	"  type BIGINT,\n"
	"  details TEXT,\n"
	"  reviewer_id BIGINT REFERENCES users (id),\n"
	"  review_note TEXT,\n"
	"  seal_id BIGINT,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL);\n"
	"CREATE TABLE seals (\n"
	"  id IDPK,\n"
	"  org_id BIGINT NOT NULL REFERENCES organisations (id),\n"
	"  application_id BIGINT REFERENCES seal_applications (id),\n"
	"  esid TEXT NOT NULL UNIQUE,\n"
	"  name TEXT NOT NULL,\n"
	"  type BIGINT NOT NULL,\n"
	"  status TEXT NOT NULL DEFAULT 'valid'\n"
	"    CHECK (status IN ('valid', 'lost', 'cancelled', 'expired')),\n"
	"  seal_der BLOB,\n"
	"  cert_der BLOB,\n"
	"  key_blob BLOB,\n"
	"  picture BLOB,\n"
	"  picture_type TEXT,\n"
	"  valid_start BIGINT,\n"
	"  valid_end BIGINT,\n"
	"  uses_limit BIGINT,\n"
	"  uses_count BIGINT NOT NULL DEFAULT 0,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL);\n"
	"CREATE INDEX seals_org ON seals (org_id);\n"
	"CREATE TABLE seal_events (\n"
	"  id IDPK,\n"
	"  seal_id BIGINT NOT NULL REFERENCES seals (id),\n"
	"  from_state TEXT,\n"
	"  to_state TEXT NOT NULL,\n"
	"  actor TEXT NOT NULL,\n"
	"  reason TEXT,\n"
	"  at BIGINT NOT NULL);\n"
	"CREATE INDEX seal_events_seal ON seal_events (seal_id);\n"
	"CREATE TABLE materials (\n"
	"  id IDPK,\n"
	"  application_id BIGINT NOT NULL REFERENCES seal_applications (id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL,\n"
	"  sm3 TEXT NOT NULL,\n"
	"  data BLOB NOT NULL,\n"
	"  created_at BIGINT NOT NULL);\n"
	"CREATE TABLE status_lists (\n"
	"  id IDPK,\n"
	"  number BIGINT NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('full', 'delta')),\n"
	"  der BLOB NOT NULL,\n"
	"  this_update BIGINT NOT NULL,\n"
	"  next_update BIGINT,\n"
	"  UNIQUE (number, kind));\n"
	/* seq is the leaf index of the Merkle tree (0-based, gap-free);
	 * audit_state holds the size and is the row writers lock. */
	"CREATE TABLE audit_state (\n"
	"  id BIGINT PRIMARY KEY,\n"
	"  size BIGINT NOT NULL);\n"
	"INSERT INTO audit_state (id, size) VALUES (1, 0);\n"
	"CREATE TABLE audit_entries (\n"
	"  seq BIGINT PRIMARY KEY,\n"
	"  at BIGINT NOT NULL,\n"
	"  actor TEXT NOT NULL,\n"
	"  role TEXT NOT NULL,\n"
	"  action TEXT NOT NULL,\n"
	"  object TEXT NOT NULL,\n"
	"  request_id TEXT NOT NULL,\n"
	"  entry TEXT NOT NULL,\n"
	"  leaf_hash BLOB NOT NULL);\n"
	"CREATE INDEX audit_entries_actor ON audit_entries (actor, seq);\n"
	"CREATE INDEX audit_entries_action ON audit_entries (action, seq);\n"
	"CREATE INDEX audit_entries_object ON audit_entries (object, seq);\n"
	"CREATE INDEX audit_entries_at ON audit_entries (at, seq);\n"
	"CREATE TABLE audit_heads (\n"
	"  tree_size BIGINT PRIMARY KEY,\n"
	"  root_hash BLOB NOT NULL,\n"
	"  at BIGINT NOT NULL,\n"
	"  key_id TEXT NOT NULL,\n"
	"  signature BLOB NOT NULL);\n"
	"CREATE TABLE nonces (\n"
	"  value TEXT PRIMARY KEY,\n"
	"  expires_at BIGINT NOT NULL);\n"
	"CREATE INDEX nonces_expires ON nonces (expires_at);\n",
	/* placement history: where an organisation accepted or moved proposed
	 * seals, with the document, so proposals can learn its habits. */
	"CREATE TABLE place_history (\n"
	"  id IDPK,\n"
	"  org TEXT NOT NULL,\n"
	"  action TEXT NOT NULL CHECK (action IN ('accepted', 'moved')),\n"
	"  document BLOB NOT NULL,\n"
	"  placements TEXT NOT NULL,\n"
	"  actor TEXT NOT NULL,\n"
	"  created_at BIGINT NOT NULL);\n"
	"CREATE INDEX place_history_org ON place_history (org, id);\n",
	/* federation: subordinate instances registered here, every seal event
	 * they pushed (applied once per origin and sequence number) and the
	 * latest status of each of their seals, which status answers read. */
	"CREATE TABLE federation_children (\n"
	"  id IDPK,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  url TEXT NOT NULL,\n"
	"  region TEXT NOT NULL,\n"
	"  public_key TEXT NOT NULL,\n"
	"  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),\n"
	"  certificate TEXT,\n"
	"  cert_sm3 TEXT,\n"
	"  created_at BIGINT NOT NULL);\n"
	"CREATE TABLE federation_events (\n"
	"  id IDPK,\n"
	"  origin TEXT NOT NULL,\n"
	"  origin_seq BIGINT NOT NULL,\n"
	"  child TEXT NOT NULL,\n"
	"  esid TEXT NOT NULL,\n"
	"  status TEXT NOT NULL,\n"
	"  reason TEXT,\n"
	"  at BIGINT NOT NULL,\n"
	"  received_at BIGINT NOT NULL,\n"
	"  UNIQUE (origin, origin_seq));\n"
	"CREATE TABLE federation_seals (\n"
	"  esid TEXT PRIMARY KEY,\n"
	"  origin TEXT NOT NULL,\n"
	"  status TEXT NOT NULL,\n"
	"  reason TEXT,\n"
	"  at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL);\n",
	/* centralized signing: requests to sign documents with a seal whose
	 * key the service holds, their documents (original and signed), and
	 * each seal's signing policy (automatic approval). */
	"CREATE TABLE sign_requests (\n"
	"  id IDPK,\n"
	"  org_id BIGINT NOT NULL REFERENCES organisations (id),\n"
	"  seal_id BIGINT NOT NULL REFERENCES seals (id),\n"
	"  requester_id TEXT NOT NULL,\n"
	"  requester TEXT NOT NULL,\n"
	"  status TEXT NOT NULL\n"
	"    CHECK (status IN ('pending', 'signed', 'rejected', 'failed')),\n"
	"  reviewer TEXT,\n"
	"  note TEXT,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL);\n"
	"CREATE INDEX sign_requests_org ON sign_requests (org_id, id);\n"
	"CREATE TABLE sign_documents (\n"
	"  id IDPK,\n"
	"  request_id BIGINT NOT NULL REFERENCES sign_requests (id),\n"
	"  n BIGINT NOT NULL,\n"
	"  format TEXT NOT NULL,\n"
	"  options TEXT NOT NULL,\n"
	"  sm3 TEXT NOT NULL,\n"
	"  original BLOB NOT NULL,\n"
	"  signed BLOB,\n"
	"  signed_sm3 TEXT,\n"
	"  UNIQUE (request_id, n));\n"
	"CREATE TABLE sign_policies (\n"
	"  seal_id BIGINT PRIMARY KEY REFERENCES seals (id),\n"
	"  auto_approve BIGINT NOT NULL DEFAULT 0,\n"
	"  updated_at BIGINT NOT NULL);\n",
	/* decentralized use (分散式用章): signatures made offline with a seal
	 * package and reported later, one row per signature value (its SM3),
	 * so a use reported twice counts once. */
	"CREATE TABLE seal_uses (\n"
	"  id IDPK,\n"
	"  seal_id BIGINT NOT NULL REFERENCES seals (id),\n"
	"  org_id BIGINT NOT NULL REFERENCES organisations (id),\n"
	"  sig_sm3 TEXT NOT NULL UNIQUE,\n"
	"  form TEXT NOT NULL CHECK (form IN ('ses', 'cms')),\n"
	"  document_sm3 TEXT,\n"
	"  document_name TEXT,\n"
	"  signed_at BIGINT NOT NULL,\n"
	"  reporter TEXT NOT NULL,\n"
	"  reported_at BIGINT NOT NULL,\n"
	"  signature BLOB NOT NULL);\n"
	"CREATE INDEX seal_uses_seal ON seal_uses (seal_id, id);\n",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* Parents before children: the order restore inserts in (and the reverse
 * is the order wipe deletes in). */
const store_table store_tables[] = {
	{ "settings", 0, "key" },
	{ "organisations", 1, "id" },
	{ "users", 1, "id" },
	{ "sessions", 1, "id" },
	{ "api_keys", 1, "id" },
	{ "seal_applications", 1, "id" },
	{ "seals", 1, "id" },
	{ "seal_events", 1, "id" },
	{ "materials", 1, "id" },
	{ "status_lists", 1, "id" },
	{ "audit_state", 0, "id" },
	{ "audit_entries", 0, "seq" },
	{ "audit_heads", 0, "tree_size" },
	{ "nonces", 0, "value" },
	{ "place_history", 1, "id" },
	{ "federation_children", 1, "id" },
	{ "federation_events", 1, "id" },
	{ "federation_seals", 0, "esid" },
	{ "sign_requests", 1, "id" },
	{ "sign_documents", 1, "id" },
	{ "sign_policies", 0, "seal_id" },
	{ "seal_uses", 1, "id" },
};
const size_t store_ntables = sizeof store_tables / sizeof store_tables[0];

int eseal_store_schema_latest(void) { return NMIGRATIONS; }

int store_dialect(eseal_db_kind kind, const char *sql, eseal_buf *out)
{
	char quote = 0;
	for (const char *p = sql; *p;) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			eseal_buf_putc(out, (uint8_t)*p++);
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			eseal_buf_putc(out, (uint8_t)*p++);
			continue;
		}
		if (isalpha((unsigned char)*p) || *p == '_') {
			const char *w = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			size_t n = (size_t)(p - w);
			if (n == 4 && !memcmp(w, "BLOB", 4))
				eseal_buf_puts(out, kind == ESEAL_DB_POSTGRES ? "BYTEA" : "BLOB");
			else if (n == 4 && !memcmp(w, "IDPK", 4))
				eseal_buf_puts(out, kind == ESEAL_DB_POSTGRES
					       ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
					       : "INTEGER PRIMARY KEY AUTOINCREMENT");
			else
				eseal_buf_put(out, w, n);
			continue;
		}
		eseal_buf_putc(out, (uint8_t)*p++);
	}
	return eseal_buf_cstr(out);
}

int eseal_store_schema_version(eseal_store *s, int *out)
{
	int64_t v = 0;
	*out = 0;
	/* A store that was never migrated has no schema_version table. */
	const char *probe = s->kind == ESEAL_DB_POSTGRES
		? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
		  "AND table_name = 'schema_version'"
		: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
	int rc = eseal_store_query_int(s, &v, probe, "");
	if (rc || !v)
		return rc;
	rc = eseal_store_query_int(s, &v, "SELECT COALESCE(MAX(version), 0) FROM schema_version", "");
	if (!rc)
		*out = (int)v;
	return rc;
}

int eseal_store_migrate(eseal_store *s)
{
	int opened = 0, rc;
	if (!s->in_tx) {
		if ((rc = eseal_store_begin(s)))
			return rc;
		opened = 1;
	}
	/* Two processes opening a new PostgreSQL database at once: the second
	 * waits here for the first to finish (SQLite: BEGIN IMMEDIATE did it). */
	if (s->kind == ESEAL_DB_POSTGRES &&
	    (rc = eseal_store_exec(s, "SELECT pg_advisory_xact_lock(7335291001)")))
		goto out;
	if ((rc = eseal_store_exec(s, "CREATE TABLE IF NOT EXISTS schema_version "
				      "(version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")))
		goto out;
	int v;
	if ((rc = eseal_store_schema_version(s, &v)))
		goto out;
	if (v > NMIGRATIONS) {
		rc = eseal_error_set(ESEAL_EUNSUPPORTED, "store: database schema version %d is newer "
				     "than this program knows (%d)", v, NMIGRATIONS);
		goto out;
	}
	for (; v < NMIGRATIONS && !rc; v++) {
		eseal_buf sql = ESEAL_BUF_INIT;
		rc = store_dialect(s->kind, migrations[v], &sql);
		if (!rc && (rc = eseal_store_exec(s, (const char *)sql.data)))
			eseal_error_wrap("store: migration %d: ", v + 1);
		eseal_buf_free(&sql);
		if (!rc) {
			int64_t n = eseal_store_run(s, "INSERT INTO schema_version (version, applied_at) "
						    "VALUES (?1, ?2)", "ii", (int64_t)(v + 1),
						    (int64_t)time(NULL));
			rc = n < 0 ? (int)n : 0;
		}
	}
out:
	if (opened) {
		if (rc)
			eseal_store_rollback(s);
		else
			rc = eseal_store_commit(s);
	}
	return rc;
}
