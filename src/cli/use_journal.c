/*
 * use_journal.c - the holder's journal of seal uses: appended one line at a
 * time under a lock and fsynced, rewritten only atomically (temporary file
 * and rename), so a crash leaves at worst a torn last line, which reading
 * skips. Never rewrite the journal in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "eseal/asn1.h"
#include "eseal/cms.h"
#include "eseal/crypto.h"
#include "eseal/ofd.h"
#include "eseal/ses.h"
#include "cli.h"
#include "use_journal.h"

#define DOC_MAX (512u << 20)
#define JOURNAL_MAX (1u << 30)

int uj_path(const char *opt, char *out, size_t n)
{
	const char *env = getenv("ESEAL_USE_JOURNAL"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int k;
	if (opt && *opt)
		k = snprintf(out, n, "%s", opt);
	else if (env && *env)
		k = snprintf(out, n, "%s", env);
	else if (xdg && *xdg == '/')
		k = snprintf(out, n, "%s/eseal/uses.jsonl", xdg);
	else if (home && *home)
		k = snprintf(out, n, "%s/.local/share/eseal/uses.jsonl", home);
	else
		return eseal_error_set(ESEAL_EINVAL, "no journal: set HOME, XDG_DATA_HOME or give --journal");
	if (k < 0 || (size_t)k >= n)
		return eseal_error_set(ESEAL_EINVAL, "journal path too long");
	return 0;
}

/* mkdir -p of path's directory (0700 for what it creates). */
static int make_dirs(const char *path)
{
	char d[4096];
	snprintf(d, sizeof d, "%s", path);
	char *slash = strrchr(d, '/');
	if (!slash || slash == d)
		return 0;
	*slash = 0;
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(d, 0700) && errno != EEXIST)
			return eseal_error_set(ESEAL_EIO, "%s: %s", d, strerror(errno));
		*p = '/';
	}
	if (mkdir(d, 0700) && errno != EEXIST)
		return eseal_error_set(ESEAL_EIO, "%s: %s", d, strerror(errno));
	return 0;
}

int uj_lock(const char *path, int *fd)
{
	char lp[4200];
	*fd = -1;
	int rc = make_dirs(path);
	if (rc)
		return rc;
	snprintf(lp, sizeof lp, "%s.lock", path);
	int f = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f < 0)
		return eseal_error_set(ESEAL_EIO, "%s: %s", lp, strerror(errno));
	while (flock(f, LOCK_EX)) {
		if (errno != EINTR) {
			close(f);
			return eseal_error_set(ESEAL_EIO, "%s: cannot lock: %s", lp, strerror(errno));
		}
	}
	*fd = f;
	return 0;
}

void uj_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int uj_append(const char *path, const json_t *rec)
{
	char *line = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
	if (!line)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	int rc = make_dirs(path);
	int fd = rc ? -1 : open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (!rc && fd < 0)
		rc = eseal_error_set(ESEAL_EIO, "%s: %s", path, strerror(errno));
	/* one write of the whole line and its newline: a crash leaves the
	 * line whole or torn, never mixed with another */
	size_t n = strlen(line);
	line[n] = '\n';
	for (size_t off = 0; !rc && off < n + 1;) {
		ssize_t k = write(fd, line + off, n + 1 - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			rc = eseal_error_set(ESEAL_EIO, "%s: write: %s", path, strerror(errno));
		else
			off += (size_t)k;
	}
	if (!rc && fsync(fd))
		rc = eseal_error_set(ESEAL_EIO, "%s: fsync: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(line);
	return rc;
}

int uj_load(const char *path, json_t **out)
{
	eseal_buf b = ESEAL_BUF_INIT;
	*out = json_array();
	if (!*out)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	int rc = eseal_file_read(&b, path, JOURNAL_MAX);
	size_t i = 0;
	while (!rc && i < b.len) {
		uint8_t *nl = memchr(b.data + i, '\n', b.len - i);
		if (!nl)
			break; /* torn last line: never completed */
		json_error_t e;
		json_t *rec = json_loadb((const char *)b.data + i, (size_t)(nl - b.data) - i, 0, &e);
		if (rec && json_is_object(rec))
			json_array_append_new(*out, rec);
		else if (nl > b.data + i)
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: line at byte %zu is not a JSON object", path, i);
		if (rec && !json_is_object(rec))
			json_decref(rec);
		i = (size_t)(nl - b.data) + 1;
	}
	eseal_buf_free(&b);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int uj_save(const char *path, const json_t *arr)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; !rc && i < json_array_size(arr); i++) {
		char *line = json_dumps(json_array_get(arr, i), JSON_COMPACT | JSON_SORT_KEYS);
		rc = line ? eseal_buf_printf(&b, "%s\n", line) : eseal_error_set(ESEAL_ENOMEM, "out of memory");
		free(line);
	}
	if (!rc)
		rc = eseal_file_write_atomic(path, b.data ? b.data : (uint8_t *)"", b.len, 0600);
	eseal_buf_free(&b);
	return rc;
}

json_t *uj_record(const uint8_t *sig, size_t len, const char *esid, const char *doc_path, time_t signed_at)
{
	eseal_sessig *g = NULL;
	eseal_cms *c = NULL;
	const char *form;
	const uint8_t *v;
	size_t vl;
	time_t own;
	char esid_buf[64] = "";
	/* the document's digest as the signature covers it (SES dataHash, CMS
	 * messageDigest): bound by the signature, and free to read even when
	 * the document is hundreds of megabytes */
	const uint8_t *dh = NULL;
	size_t dhl = 0;
	if (!eseal_sessig_parse(&g, sig, len)) {
		form = "ses";
		v = eseal_sessig_signature(g, &vl);
		dh = eseal_sessig_data_hash(g, &dhl);
		own = eseal_sessig_time(g);
		const char *e = eseal_seal_esid(eseal_sessig_seal(g));
		snprintf(esid_buf, sizeof esid_buf, "%s", e ? e : "");
	} else if (!eseal_cms_parse(&c, sig, len)) {
		form = "cms";
		v = eseal_cms_signature_value(c, &vl);
		dh = eseal_cms_message_digest(c, &dhl);
		own = eseal_cms_signing_time(c);
		snprintf(esid_buf, sizeof esid_buf, "%s", esid ? esid : "");
	} else {
		eseal_error_set(ESEAL_EFORMAT, "neither a SES_Signature nor a CMS signature");
		return NULL;
	}
	json_t *rec = NULL;
	char dsm3[65] = "", ssm3[65] = "";
	uint8_t d[32];
	char *b64 = malloc(4 * ((len + 2) / 3) + 1);
	if (!esid_buf[0] || !v) {
		eseal_error_set(ESEAL_EINVAL, "the signature does not name its seal: give --esid");
	} else if (!b64) {
		eseal_error_set(ESEAL_ENOMEM, "out of memory");
	} else if (!dh || dhl != 32) {
		eseal_error_set(ESEAL_EFORMAT, "the signature does not carry a 32-byte document digest");
	} else {
		eseal_hex_encode(dsm3, dh, 32, 0);
		EVP_EncodeBlock((unsigned char *)b64, sig, (int)len);
		eseal_sm3(d, v, vl);
		eseal_hex_encode(ssm3, d, 32, 0);
		const char *base = doc_path ? strrchr(doc_path, '/') : NULL;
		base = base ? base + 1 : doc_path;
		rec = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "v", 1, "esid", esid_buf, "form", form,
				"signature", b64, "signature_sm3", ssm3, "document_sm3", dsm3, "document_name",
				base ? base : "", "signed_at", (json_int_t)(signed_at ? signed_at : own), "state",
				"pending");
		if (!rec)
			eseal_error_set(ESEAL_ENOMEM, "out of memory");
	}
	free(b64);
	eseal_sessig_free(g);
	eseal_cms_free(c);
	return rec;
}

/* Reads only the ByteRange gap (the /Contents hex string), so that a large
 * PDF costs no more than its signature. */
int uj_pdf_contents(const char *pdf, const uint64_t br[4], eseal_buf *out)
{
	eseal_buf b = ESEAL_BUF_INIT;
	uint64_t a0 = br[0] + br[1], z0 = br[2];
	out->len = 0;
	if (z0 <= a0 + 2 || z0 - a0 > (64u << 20))
		return eseal_error_set(ESEAL_EFORMAT, "%s: the ByteRange gap is not a hex string", pdf);
	FILE *f = fopen(pdf, "rb");
	int rc = f ? eseal_buf_reserve(&b, (size_t)(z0 - a0)) : eseal_error_set(ESEAL_EIO, "%s: cannot open", pdf);
	if (!rc && (fseeko(f, (off_t)a0, SEEK_SET) || fread(b.data, 1, (size_t)(z0 - a0), f) != z0 - a0))
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: the ByteRange runs past the end", pdf);
	if (f)
		fclose(f);
	if (!rc)
		b.len = (size_t)(z0 - a0);
	uint64_t a = 0, z = b.len;
	if (!rc && (b.data[a] != '<' || b.data[z - 1] != '>'))
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: the ByteRange gap is not a hex string", pdf);
	for (uint64_t i = a + 1; !rc && i + 1 < z; i++) {
		int h = eseal_hex_digit(b.data[i]);
		if (h < 0)
			continue; /* white space */
		int l = i + 2 < z ? eseal_hex_digit(b.data[++i]) : -1;
		if (l < 0) {
			rc = eseal_error_set(ESEAL_EFORMAT, "%s: odd hex digits in /Contents", pdf);
			break;
		}
		uint8_t byte = (uint8_t)(h << 4 | l);
		rc = eseal_buf_put(out, &byte, 1);
	}
	eseal_der e;
	if (!rc && !eseal_der_read(&e, out->data, out->len, 0))
		out->len = e.tlv_len;
	else if (!rc)
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: /Contents is not DER", pdf);
	eseal_buf_free(&b);
	return rc;
}

/* Every "/ByteRange [a b c d]" of a PDF (signature dictionaries are never
 * compressed: their /Contents is patched in place). */
static int pdf_records(const char *doc, const char *esid, json_t *arr)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = eseal_file_read(&b, doc, DOC_MAX);
	size_t found = 0;
	static const char key[] = "/ByteRange";
	for (size_t i = 0; !rc && i + sizeof key < b.len; i++) {
		if (memcmp(b.data + i, key, sizeof key - 1))
			continue;
		size_t j = i + sizeof key - 1;
		while (j < b.len && (b.data[j] == ' ' || b.data[j] == '\r' || b.data[j] == '\n' || b.data[j] == '\t'))
			j++;
		if (j >= b.len || b.data[j] != '[')
			continue;
		char tmp[128];
		size_t k = 0;
		for (j++; j < b.len && b.data[j] != ']' && k + 1 < sizeof tmp; j++)
			tmp[k++] = (char)b.data[j];
		tmp[k] = 0;
		unsigned long long v[4];
		if (sscanf(tmp, "%llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3]) != 4)
			continue;
		uint64_t br[4] = { v[0], v[1], v[2], v[3] };
		eseal_buf sig = ESEAL_BUF_INIT;
		if (!uj_pdf_contents(doc, br, &sig)) {
			json_t *rec = uj_record(sig.data, sig.len, esid, doc, 0);
			if (rec) {
				json_array_append_new(arr, rec);
				found++;
			} else {
				cli_err(_("%s: signature at byte %llu skipped: %s"), doc, v[1], eseal_error_last());
			}
		}
		eseal_buf_free(&sig);
	}
	eseal_buf_free(&b);
	if (!rc && !found)
		rc = eseal_error_set(ESEAL_ENOTFOUND, "%s: no signature to report", doc);
	return rc;
}

int uj_records_of_doc(const char *doc, const char *esid, json_t *arr)
{
	unsigned char m[5] = { 0 };
	FILE *f = fopen(doc, "rb");
	if (!f)
		return eseal_error_set(ESEAL_EIO, "%s: %s", doc, strerror(errno));
	size_t n = fread(m, 1, sizeof m, f);
	fclose(f);
	if (n >= 5 && !memcmp(m, "%PDF-", 5))
		return pdf_records(doc, esid, arr);
	eseal_ofd *d = NULL;
	int rc = eseal_ofd_open(&d, doc);
	size_t found = 0;
	for (size_t i = 0; !rc && i < eseal_ofd_sig_count(d); i++) {
		eseal_buf v = ESEAL_BUF_INIT;
		if (!eseal_ofd_sig_value(d, i, &v)) {
			json_t *rec = uj_record(v.data, v.len, esid, doc, 0);
			if (rec) {
				json_array_append_new(arr, rec);
				found++;
			} else {
				cli_err(_("%s: signature %zu skipped: %s"), doc, i + 1, eseal_error_last());
			}
		}
		eseal_buf_free(&v);
	}
	eseal_ofd_free(d);
	if (!rc && !found)
		rc = eseal_error_set(ESEAL_ENOTFOUND, "%s: no signature to report", doc);
	return rc;
}
