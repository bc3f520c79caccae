/*
 * backup.c - consistent backups of a live store into a portable SQLite
 * file, restore from such a file into either backend, and wiping. A backup
 * is written under a temporary name and renamed only when complete; a
 * restore runs in one transaction, so a failure leaves the target as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "eseal/crypto.h"
#include "store_internal.h"

/* Copies every row of table t from src to dst (dst is in a transaction). */
static int copy_table(eseal_store *src, eseal_store *dst, const store_table *t)
{
	char sql[256];
	eseal_stmt *q = NULL, *ins = NULL;
	eseal_buf isql = ESEAL_BUF_INIT;
	snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", t->name, t->order_by);
	int rc = eseal_store_prepare(src, &q, sql);
	if (rc)
		return rc;
	int ncol = -1;
	while ((rc = eseal_stmt_step(q)) == 1) {
		rc = 0;
		if (!ins) {
			/* The INSERT names the source's columns: a backup taken at
			 * an older schema version restores after migration. */
			ncol = eseal_stmt_column_count(q);
			eseal_buf_printf(&isql, "INSERT INTO %s (", t->name);
			for (int i = 0; i < ncol; i++)
				eseal_buf_printf(&isql, "%s%s", i ? ", " : "", eseal_stmt_column_name(q, i));
			eseal_buf_puts(&isql, ") VALUES (");
			for (int i = 0; i < ncol; i++)
				eseal_buf_printf(&isql, "%s?%d", i ? ", " : "", i + 1);
			eseal_buf_puts(&isql, ")");
			if ((rc = eseal_buf_cstr(&isql)) ||
			    (rc = eseal_store_prepare(dst, &ins, (const char *)isql.data)))
				break;
		} else {
			eseal_stmt_reset(ins);
		}
		for (int i = 0; i < ncol && !rc; i++) {
			size_t n;
			const uint8_t *p;
			switch (eseal_stmt_column_type(q, i)) {
			case ESEAL_COL_INT:
				rc = eseal_stmt_bind_int64(ins, i + 1, eseal_stmt_int64(q, i));
				break;
			case ESEAL_COL_TEXT:
				rc = eseal_stmt_bind_text(ins, i + 1, eseal_stmt_text(q, i));
				break;
			case ESEAL_COL_BLOB:
				p = eseal_stmt_blob(q, i, &n);
				rc = p ? eseal_stmt_bind_blob(ins, i + 1, p, n) : ESEAL_EFORMAT;
				break;
			default:
				rc = eseal_stmt_bind_null(ins, i + 1);
			}
		}
		if (rc || (rc = eseal_stmt_step(ins)) < 0)
			break;
	}
	if (rc < 0)
		eseal_error_wrap("table %s: ", t->name);
	eseal_stmt_free(q);
	eseal_stmt_free(ins);
	eseal_buf_free(&isql);
	return rc < 0 ? rc : 0;
}

int eseal_store_wipe(eseal_store *s)
{
	char sql[128];
	for (size_t i = store_ntables; i-- > 0;) {
		snprintf(sql, sizeof sql, "DELETE FROM %s", store_tables[i].name);
		int64_t rc = eseal_store_run(s, sql, "");
		if (rc < 0)
			return (int)rc;
	}
	/* A wiped log starts again at size 0. */
	int64_t rc = eseal_store_run(s, "INSERT INTO audit_state (id, size) VALUES (1, 0)", "");
	return rc < 0 ? (int)rc : 0;
}

int eseal_store_is_empty(eseal_store *s)
{
	char sql[128];
	for (size_t i = 0; i < store_ntables; i++) {
		const char *t = store_tables[i].name;
		int64_t n = 0;
		if (!strcmp(t, "audit_state"))
			snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_state WHERE size <> 0");
		else
			snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", t);
		int rc = eseal_store_query_int(s, &n, sql, "");
		if (rc)
			return rc;
		if (n)
			return 0;
	}
	return 1;
}

/* PostgreSQL identity columns do not see explicit ids: move them past. */
static int reset_sequences(eseal_store *s)
{
	char sql[256];
	for (size_t i = 0; i < store_ntables; i++) {
		if (!store_tables[i].has_id)
			continue;
		const char *t = store_tables[i].name;
		snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
			 "COALESCE(MAX(id), 0) + 1, false) FROM %s", t, t);
		int rc = eseal_store_exec(s, sql);
		if (rc)
			return rc;
	}
	return 0;
}

/* Copies every table from src (already in a snapshot) into dst. */
static int copy_all(eseal_store *src, eseal_store *dst)
{
	int rc = eseal_store_begin(dst);
	if (rc)
		return rc;
	rc = eseal_store_wipe(dst);
	/* The wipe seeded audit_state; the source brings its own row. */
	if (!rc) {
		int64_t n = eseal_store_run(dst, "DELETE FROM audit_state", "");
		rc = n < 0 ? (int)n : 0;
	}
	for (size_t i = 0; i < store_ntables && !rc; i++)
		rc = copy_table(src, dst, &store_tables[i]);
	if (!rc && dst->kind == ESEAL_DB_POSTGRES)
		rc = reset_sequences(dst);
	if (rc) {
		eseal_store_rollback(dst);
		return rc;
	}
	return eseal_store_commit(dst);
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return eseal_error_set(ESEAL_EIO, "%s: %s", path, strerror(errno));
	int r = fsync(fd);
	close(fd);
	return r ? eseal_error_set(ESEAL_EIO, "%s: fsync: %s", path, strerror(errno)) : 0;
}

static int tmp_name(char *out, size_t n, const char *path)
{
	unsigned char r[6];
	if (eseal_random(r, sizeof r))
		return ESEAL_ECRYPTO;
	snprintf(out, n, "%s.tmp-%02x%02x%02x%02x%02x%02x", path, r[0], r[1], r[2], r[3], r[4], r[5]);
	return 0;
}

/* Removes a temporary SQLite file and whatever journal files it left. */
static void remove_db(const char *path)
{
	char p[4400];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-journal", path);
	unlink(p);
}

/* SQLite source: the online backup API copies a consistent snapshot. */
static int backup_sqlite(eseal_store *s, const char *tmp)
{
	sqlite3 *dst = NULL;
	int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rc = eseal_error_set(ESEAL_EIO, "backup: cannot create %s", tmp);
		sqlite3_close(dst);
		return rc;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", (sqlite3 *)store_sqlite_handle(s), "main");
	if (!b) {
		rc = eseal_error_set(ESEAL_EIO, "backup: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return rc;
	}
	/* One step copies everything under one read lock: a snapshot. */
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_OK);
	int frc = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || frc != SQLITE_OK) {
		rc = eseal_error_set(ESEAL_EIO, "backup: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return rc;
	}
	/* A self-contained file: no -wal next to it. */
	char *err = NULL;
	rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, &err);
	sqlite3_free(err);
	if (sqlite3_close(dst) != SQLITE_OK || rc != SQLITE_OK)
		return eseal_error_set(ESEAL_EIO, "backup: cannot finish %s", tmp);
	return 0;
}

/* Any other source: a fresh SQLite store filled inside one snapshot. */
static int backup_copy(eseal_store *s, const char *tmp)
{
	char url[4300];
	eseal_store *dst = NULL;
	snprintf(url, sizeof url, "sqlite:%s", tmp);
	int rc = eseal_store_open(&dst, url);
	if (rc)
		return rc;
	int v, dv;
	if ((rc = eseal_store_begin_snapshot(s)))
		goto out;
	if (!(rc = eseal_store_schema_version(s, &v)) && !(rc = eseal_store_schema_version(dst, &dv)) &&
	    v != dv)
		rc = eseal_error_set(ESEAL_EUNSUPPORTED, "backup: database schema version %d, "
				     "this program writes %d: open the database once to migrate it", v, dv);
	if (!rc)
		rc = copy_all(s, dst);
	eseal_store_rollback(s);
	if (!rc)
		rc = eseal_store_exec(dst, "PRAGMA journal_mode=DELETE");
out:
	eseal_store_close(dst);
	return rc;
}

int eseal_store_backup(eseal_store *s, const char *path)
{
	char tmp[4200];
	if (s->in_tx)
		return eseal_error_set(ESEAL_EINVAL, "backup: a transaction is open");
	if (strlen(path) > 4000)
		return eseal_error_set(ESEAL_EINVAL, "backup: path too long");
	int rc = tmp_name(tmp, sizeof tmp, path);
	if (rc)
		return rc;
	rc = s->kind == ESEAL_DB_SQLITE ? backup_sqlite(s, tmp) : backup_copy(s, tmp);
	if (!rc)
		rc = fsync_path(tmp);
	if (!rc && rename(tmp, path) != 0)
		rc = eseal_error_set(ESEAL_EIO, "backup: %s: %s", path, strerror(errno));
	if (rc)
		remove_db(tmp);
	else {
		char tail[4300];
		snprintf(tail, sizeof tail, "%s-wal", tmp);
		unlink(tail);
		snprintf(tail, sizeof tail, "%s-shm", tmp);
		unlink(tail);
	}
	return rc;
}

/* Copies the backup to a scratch file first: opening it migrates the
 * schema, and the user's backup file must never change. */
static int copy_file(const char *from, const char *to)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = eseal_file_read(&b, from, 0);
	if (!rc && (b.len < 16 || memcmp(b.data, "SQLite format 3", 16)))
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: not an eseal backup (not a SQLite file)", from);
	if (!rc)
		rc = eseal_file_write_atomic(to, b.data, b.len, 0600);
	eseal_buf_free(&b);
	return rc;
}

int eseal_store_restore(eseal_store *s, const char *path, int force)
{
	char tmp[4200], url[4400];
	if (s->in_tx)
		return eseal_error_set(ESEAL_EINVAL, "restore: a transaction is open");
	if (strlen(path) > 4000)
		return eseal_error_set(ESEAL_EINVAL, "restore: path too long");
	int rc = tmp_name(tmp, sizeof tmp, path);
	if (rc)
		return rc;
	/* The scratch copy lives in /tmp, not next to a read-only backup. */
	const char *base = strrchr(tmp, '/');
	char scratch[4300];
	snprintf(scratch, sizeof scratch, "%s/eseal-restore-%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 base ? base + 1 : tmp);
	if ((rc = copy_file(path, scratch)))
		return rc;
	eseal_store *src = NULL;
	snprintf(url, sizeof url, "sqlite:%s", scratch);
	if ((rc = eseal_store_open_ex(&src, url, ESEAL_STORE_NO_MIGRATE)))
		goto out;
	int v = 0;
	if ((rc = eseal_store_schema_version(src, &v)))
		goto out;
	if (v < 1) {
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: not an eseal backup (no schema)", path);
		goto out;
	}
	if ((rc = eseal_store_migrate(src)))
		goto out;
	if (!force) {
		int e = eseal_store_is_empty(s);
		if (e < 0) {
			rc = e;
			goto out;
		}
		if (!e) {
			rc = eseal_error_set(ESEAL_EDENIED, "restore: the target database holds data "
					     "(use --force to replace it)");
			goto out;
		}
	}
	if ((rc = eseal_store_begin_snapshot(src)))
		goto out;
	rc = copy_all(src, s);
	eseal_store_rollback(src);
out:
	eseal_store_close(src);
	remove_db(scratch);
	return rc;
}
