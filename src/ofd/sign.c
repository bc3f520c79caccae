/*
 * sign.c - signs an OFD document with an electronic seal (formats.md §4.4):
 * plans the new files (OFD.xml gains Signatures, Signatures.xml gains one
 * Signature, Sign_N/{Seal.esl,Signature.xml,SignedValue.dat}), digests every
 * other file, writes Signature.xml once as text, signs SM3 of those exact
 * bytes and writes the new package.
 * This file must never re-serialise an existing XML file (only insert text
 * before a closing tag) and never touch Signature.xml after hashing it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eseal/ses.h"
#include "ofd/ofd_internal.h"
#include "ofd/sign_internal.h"

#define OFD_NS "http://www.ofdspec.org/2016"

static int b64_put(eseal_buf *b, const uint8_t *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n) v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n) v |= p[i + 2];
		char q[4] = { tab[v >> 18 & 63], tab[v >> 12 & 63],
			      i + 1 < n ? tab[v >> 6 & 63] : '=', i + 2 < n ? tab[v & 63] : '=' };
		int rc = eseal_buf_put(b, q, 4);
		if (rc)
			return rc;
	}
	return 0;
}

/* XML-escaped text (attribute-safe). */
static int xml_put(eseal_buf *b, const char *s)
{
	int rc = 0;
	for (; *s && rc == 0; s++) {
		switch (*s) {
		case '&': rc = eseal_buf_puts(b, "&amp;"); break;
		case '<': rc = eseal_buf_puts(b, "&lt;"); break;
		case '>': rc = eseal_buf_puts(b, "&gt;"); break;
		case '"': rc = eseal_buf_puts(b, "&quot;"); break;
		default: rc = eseal_buf_putc(b, (uint8_t)*s);
		}
	}
	return rc;
}

/* A tag found in raw XML text: where it starts ('<'), where it ends (after
 * '>'), and its prefix ("ofd:" or ""). */
typedef struct {
	size_t start, end;
	char prefix[64];
	int self_closing;
} xml_tag;

/* Finds the first (or last) start tag (closing = 0) or end tag (closing = 1)
 * whose local name is `local`, skipping comments, PIs and CDATA. */
static int find_tag(const char *t, size_t len, const char *local, int closing, int last, xml_tag *out)
{
	int found = 0;
	size_t ll = strlen(local);
	for (size_t i = 0; i < len; i++) {
		if (t[i] != '<')
			continue;
		if (i + 4 <= len && !memcmp(t + i, "<!--", 4)) {
			const char *e = memmem(t + i + 4, len - i - 4, "-->", 3);
			if (!e)
				return 0;
			i = (size_t)(e - t) + 2;
			continue;
		}
		if (i + 9 <= len && !memcmp(t + i, "<![CDATA[", 9)) {
			const char *e = memmem(t + i + 9, len - i - 9, "]]>", 3);
			if (!e)
				return 0;
			i = (size_t)(e - t) + 2;
			continue;
		}
		size_t j = i + 1;
		int is_close = j < len && t[j] == '/';
		if (is_close)
			j++;
		if (j >= len || t[j] == '?' || t[j] == '!')
			continue;
		size_t ns = j;
		while (j < len && t[j] != '>' && t[j] != '/' && t[j] != ' ' && t[j] != '\t' &&
		       t[j] != '\r' && t[j] != '\n')
			j++;
		size_t nlen = j - ns, colon = nlen;
		for (size_t k = 0; k < nlen; k++)
			if (t[ns + k] == ':')
				colon = k;
		const char *lname = colon < nlen ? t + ns + colon + 1 : t + ns;
		size_t lnlen = colon < nlen ? nlen - colon - 1 : nlen;
		const char *gt = memchr(t + j, '>', len - j);
		if (!gt)
			return 0;
		if (is_close == closing && lnlen == ll && !memcmp(lname, local, ll)) {
			xml_tag tg = { 0 };
			tg.start = i;
			tg.end = (size_t)(gt - t) + 1;
			tg.self_closing = gt > t && gt[-1] == '/';
			size_t pl = colon < nlen ? colon + 1 : 0;
			if (pl >= sizeof tg.prefix)
				return 0;
			memcpy(tg.prefix, t + ns, pl);
			*out = tg;
			found = 1;
			if (!last)
				return 1;
		}
		i = (size_t)(gt - t);
	}
	return found;
}

/* Trailing number of an ID ("s004" -> 4), -1 when none. */
static long id_number(const char *s)
{
	if (!s)
		return -1;
	size_t n = strlen(s), i = n;
	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i == n || n - i > 9)
		return -1;
	return strtol(s + i, NULL, 10);
}

/* OFD.xml with <Signatures> added to the first DocBody. */
static int edit_ofd_xml(const eseal_buf *in, const char *sigs_path, eseal_buf *out)
{
	xml_tag tg;
	if (!find_tag((const char *)in->data, in->len, "DocBody", 1, 0, &tg))
		return eseal_error_set(ESEAL_EFORMAT, "OFD.xml: no </DocBody> to add Signatures to");
	int rc = eseal_buf_put(out, in->data, tg.start);
	if (!rc) rc = eseal_buf_printf(out, "<%sSignatures>", tg.prefix);
	if (!rc) rc = xml_put(out, sigs_path);
	if (!rc) rc = eseal_buf_printf(out, "</%sSignatures>", tg.prefix);
	if (!rc) rc = eseal_buf_put(out, in->data + tg.start, in->len - tg.start);
	return rc;
}

static int put_sig_entry(eseal_buf *out, const char *prefix, const char *id, const char *base_loc)
{
	int rc = eseal_buf_printf(out, "<%sSignature ID=\"", prefix);
	if (!rc) rc = xml_put(out, id);
	if (!rc) rc = eseal_buf_puts(out, "\" Type=\"Seal\" BaseLoc=\"");
	if (!rc) rc = xml_put(out, base_loc);
	if (!rc) rc = eseal_buf_puts(out, "\"/>");
	return rc;
}

/* Signatures.xml: a new one, or the old one with one more Signature and
 * MaxSignId set to the new ID. */
static int edit_signatures_xml(const eseal_buf *in, const char *id, const char *base_loc,
			       eseal_buf *out)
{
	int rc;
	if (!in) {
		rc = eseal_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				    "<ofd:Signatures xmlns:ofd=\"" OFD_NS "\"><ofd:MaxSignId>");
		if (!rc) rc = xml_put(out, id);
		if (!rc) rc = eseal_buf_puts(out, "</ofd:MaxSignId>");
		if (!rc) rc = put_sig_entry(out, "ofd:", id, base_loc);
		if (!rc) rc = eseal_buf_puts(out, "</ofd:Signatures>");
		return rc;
	}
	const char *t = (const char *)in->data;
	xml_tag root, close, mopen, mclose;
	if (!find_tag(t, in->len, "Signatures", 0, 0, &root))
		return eseal_error_set(ESEAL_EFORMAT, "Signatures.xml: no Signatures element");
	int has_close = !root.self_closing && find_tag(t, in->len, "Signatures", 1, 1, &close);
	if (!root.self_closing && !has_close)
		return eseal_error_set(ESEAL_EFORMAT, "Signatures.xml: Signatures is not closed");
	int has_max = !root.self_closing && find_tag(t, in->len, "MaxSignId", 0, 0, &mopen) &&
		      !mopen.self_closing && find_tag(t + mopen.end, in->len - mopen.end, "MaxSignId", 1, 0, &mclose);
	size_t pos = 0;
	rc = 0;
	if (has_max) {
		mclose.start += mopen.end;
		rc = eseal_buf_put(out, t, mopen.end);
		if (!rc) rc = xml_put(out, id);
		pos = mclose.start;
	} else if (root.self_closing) {
		rc = eseal_buf_put(out, t, root.end - 2);
		if (!rc) rc = eseal_buf_printf(out, "><%sMaxSignId>", root.prefix);
		if (!rc) rc = xml_put(out, id);
		if (!rc) rc = eseal_buf_printf(out, "</%sMaxSignId>", root.prefix);
		if (!rc) rc = put_sig_entry(out, root.prefix, id, base_loc);
		if (!rc) rc = eseal_buf_printf(out, "</%sSignatures>", root.prefix);
		if (!rc) rc = eseal_buf_put(out, t + root.end, in->len - root.end);
		return rc;
	} else {
		rc = eseal_buf_put(out, t, root.end);
		if (!rc) rc = eseal_buf_printf(out, "<%sMaxSignId>", root.prefix);
		if (!rc) rc = xml_put(out, id);
		if (!rc) rc = eseal_buf_printf(out, "</%sMaxSignId>", root.prefix);
		pos = root.end;
	}
	if (!rc) rc = eseal_buf_put(out, t + pos, close.start - pos);
	if (!rc) rc = put_sig_entry(out, root.prefix, id, base_loc);
	if (!rc) rc = eseal_buf_put(out, t + close.start, in->len - close.start);
	return rc;
}

static int check_xml(const eseal_buf *b, const char *what)
{
	xmlDocPtr doc = NULL;
	int rc = ofd_xml_parse(&doc, b->data, b->len, what);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

static int put_box_attr(eseal_buf *b, const char *name, eseal_box x)
{
	char a[32], c[32], d[32], e[32];
	ofd_fmt_mm(a, x.x);
	ofd_fmt_mm(c, x.y);
	ofd_fmt_mm(d, x.w);
	ofd_fmt_mm(e, x.h);
	return eseal_buf_printf(b, " %s=\"%s %s %s %s\"", name, a, c, d, e);
}

/* Everything one signing needs to remember. */
typedef struct {
	eseal_ofd *d;
	char docdir[512], signdir[600], sigs_path[600];
	char sig_xml_path[256], value_path[700], seal_path[700];
	char id[32];
	eseal_buf ofd_xml, sigs_xml, sig_xml, value;
	int ofd_xml_changed;
	eseal_ofd_placed *placed;
	size_t nplaced, nrefs;
	ofd_zw *zw;              /* the new package, unchanged entries first */
} sign_plan;

static void plan_free(sign_plan *p)
{
	ofd_zw_abort(p->zw);
	eseal_ofd_free(p->d);
	eseal_buf_free(&p->ofd_xml);
	eseal_buf_free(&p->sigs_xml);
	eseal_buf_free(&p->sig_xml);
	eseal_buf_free(&p->value);
	free(p->placed);
}

/* snprintf that reports truncation as an error. */
static int pathf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= n)
		return eseal_error_set(ESEAL_ELIMIT, "package path too long");
	return 0;
}

static int dirname_of(char *out, size_t outlen, const char *path)
{
	const char *s = strrchr(path, '/');
	size_t n = s ? (size_t)(s - path) : 0;
	if (n + 1 > outlen)
		return eseal_error_set(ESEAL_ELIMIT, "path too long: %s", path);
	memcpy(out, path, n);
	out[n] = 0;
	return 0;
}

static int has_prefix_entry(const eseal_ofd *d, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < eseal_ofd_entry_count(d); i++)
		if (!strncmp(eseal_ofd_entry_at(d, i)->path, prefix, n))
			return 1;
	return 0;
}

/* Refuses a document locked by an earlier signature, picks the new ID and
 * the Sign_N folder, and prepares OFD.xml and Signatures.xml. */
static int plan_files(sign_plan *p, int lock)
{
	eseal_ofd *d = p->d;
	const char *sp = eseal_ofd_signatures_path(d);
	long maxid = id_number(eseal_ofd_max_sign_id(d));
	for (size_t i = 0; i < eseal_ofd_sig_count(d); i++) {
		const eseal_ofd_sig *s = eseal_ofd_sig_at(d, i);
		long n = id_number(s->id);
		if (n > maxid)
			maxid = n;
		for (size_t k = 0; sp && k < s->nrefs; k++)
			if (s->refs[k].path && !strcmp(s->refs[k].path, sp))
				return eseal_error_set(ESEAL_EDENIED,
						       "the document is locked: signature %s protects %s, "
						       "so no later signature is allowed", s->id ? s->id : "?", sp);
	}
	for (long n = maxid < 0 ? 1 : maxid + 1;; n++) {
		snprintf(p->id, sizeof p->id, "%ld", n);
		int clash = 0;
		for (size_t i = 0; i < eseal_ofd_sig_count(d); i++) {
			const char *x = eseal_ofd_sig_at(d, i)->id;
			clash |= x && !strcmp(x, p->id);
		}
		if (!clash)
			break;
	}
	if (!eseal_ofd_doc_root(d))
		return eseal_error_set(ESEAL_EFORMAT, "the package has no document");
	int rc = dirname_of(p->docdir, sizeof p->docdir, eseal_ofd_doc_root(d));
	if (rc)
		return rc;
	if (sp) {
		if ((rc = pathf(p->sigs_path, sizeof p->sigs_path, "%s", sp)))
			return rc;
		if ((rc = dirname_of(p->signdir, sizeof p->signdir, sp)))
			return rc;
	} else {
		if ((rc = pathf(p->signdir, sizeof p->signdir, "%s/Signs", p->docdir)) ||
		    (rc = pathf(p->sigs_path, sizeof p->sigs_path, "%s/Signatures.xml", p->signdir)))
			return rc;
	}
	char folder[700];
	for (int n = 0;; n++) {
		if ((rc = pathf(folder, sizeof folder, "%s/Sign_%d/", p->signdir, n)))
			return rc;
		if (!has_prefix_entry(d, folder))
			break;
	}
	if ((rc = pathf(p->sig_xml_path, sizeof p->sig_xml_path, "%sSignature.xml", folder)) ||
	    (rc = pathf(p->value_path, sizeof p->value_path, "%sSignedValue.dat", folder)) ||
	    (rc = pathf(p->seal_path, sizeof p->seal_path, "%sSeal.esl", folder)))
		return rc;

	/* OFD.xml changes before any digest is taken */
	eseal_buf old = ESEAL_BUF_INIT;
	if ((rc = eseal_ofd_read(d, "/OFD.xml", ESEAL_OFD_MAX_XML, &old)))
		return rc;
	if (!sp) {
		rc = edit_ofd_xml(&old, p->sigs_path, &p->ofd_xml);
		if (!rc) rc = check_xml(&p->ofd_xml, "OFD.xml (edited)");
		p->ofd_xml_changed = 1;
	} else {
		rc = eseal_buf_put(&p->ofd_xml, old.data, old.len);
	}
	eseal_buf_free(&old);
	if (rc)
		return rc;
	int have = eseal_ofd_entry_find(d, p->sigs_path) != NULL;
	if (have && (rc = eseal_ofd_read(d, p->sigs_path, ESEAL_OFD_MAX_XML, &old)))
		return rc;
	rc = edit_signatures_xml(have ? &old : NULL, p->id, p->sig_xml_path, &p->sigs_xml);
	eseal_buf_free(&old);
	if (!rc) rc = check_xml(&p->sigs_xml, "Signatures.xml (edited)");
	return rc;
}

static int put_reference(eseal_buf *b, const char *path, const uint8_t dg[32])
{
	int rc = eseal_buf_puts(b, "<ofd:Reference FileRef=\"");
	if (!rc) rc = xml_put(b, path);
	if (!rc) rc = eseal_buf_puts(b, "\"><ofd:CheckValue>");
	if (!rc) rc = b64_put(b, dg, 32);
	if (!rc) rc = eseal_buf_puts(b, "</ofd:CheckValue></ofd:Reference>\n");
	return rc;
}

/* Signature.xml: References over every file but the new Signature.xml and
 * SignedValue.dat (and Signatures.xml unless locking). */
static int write_signature_xml(sign_plan *p, const uint8_t *seal, size_t seal_len, time_t when, int lock)
{
	eseal_buf *b = &p->sig_xml;
	char gt[16];
	uint8_t dg[64];
	int rc = eseal_time_format_gt(gt, when);
	if (!rc) rc = eseal_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				       "<ofd:Signature xmlns:ofd=\"" OFD_NS "\">\n<ofd:SignedInfo>\n"
				       "<ofd:Provider ProviderName=\"eseal\" Company=\"eseal\" Version=\"%s\"/>\n"
				       "<ofd:SignatureMethod>" ESEAL_OID_SM2_SM3 "</ofd:SignatureMethod>\n"
				       "<ofd:SignatureDateTime>%s</ofd:SignatureDateTime>\n"
				       "<ofd:References CheckMethod=\"" ESEAL_OID_SM3 "\">\n",
				       eseal_version(), gt);
	int seen_ofd = 0, seen_sigs = 0;
	/* the files kept as they are: copied into the new package and digested
	 * in the same read (on two threads when large) */
	size_t ne = eseal_ofd_entry_count(p->d), nk = 0;
	const eseal_ofd_entry **kept = calloc(ne ? ne : 1, sizeof *kept);
	uint8_t (*kdg)[64] = calloc(ne ? ne : 1, sizeof *kdg);
	if (!rc && (!kept || !kdg))
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < ne; i++) {
		const eseal_ofd_entry *e = eseal_ofd_entry_at(p->d, i);
		if (!e->is_dir && strcmp(e->path, "/OFD.xml") && strcmp(e->path, p->sigs_path))
			kept[nk++] = e;
	}
	if (!rc)
		rc = ofd_zw_copy(p->zw, p->d, kept, nk, kdg);
	for (size_t i = 0, k = 0; rc == 0 && i < ne; i++) {
		const eseal_ofd_entry *e = eseal_ofd_entry_at(p->d, i);
		if (e->is_dir)
			continue;
		if (!strcmp(e->path, "/OFD.xml")) {
			eseal_sm3(dg, p->ofd_xml.data, p->ofd_xml.len);
			seen_ofd = 1;
		} else if (!strcmp(e->path, p->sigs_path)) {
			seen_sigs = 1;
			if (!lock)
				continue;
			eseal_sm3(dg, p->sigs_xml.data, p->sigs_xml.len);
		} else {
			memcpy(dg, kdg[k++], sizeof dg);
		}
		rc = put_reference(b, e->path, dg);
		p->nrefs++;
	}
	free(kept);
	free(kdg);
	if (rc == 0 && !seen_ofd)
		rc = eseal_error_set(ESEAL_EFORMAT, "the package has no OFD.xml");
	if (rc == 0 && !seen_sigs && lock) {
		eseal_sm3(dg, p->sigs_xml.data, p->sigs_xml.len);
		rc = put_reference(b, p->sigs_path, dg);
		p->nrefs++;
	}
	if (rc == 0) {
		eseal_sm3(dg, seal, seal_len);
		rc = put_reference(b, p->seal_path, dg);
		p->nrefs++;
	}
	if (!rc) rc = eseal_buf_puts(b, "</ofd:References>\n");
	for (size_t i = 0; rc == 0 && i < p->nplaced; i++) {
		const eseal_ofd_placed *s = &p->placed[i];
		rc = eseal_buf_printf(b, "<ofd:StampAnnot ID=\"%zu\" PageRef=\"", i + 1);
		if (!rc) rc = xml_put(b, s->page_id);
		if (!rc) rc = eseal_buf_puts(b, "\"");
		if (!rc) rc = put_box_attr(b, "Boundary", s->boundary);
		if (!rc && s->has_clip) rc = put_box_attr(b, "Clip", s->clip);
		if (!rc) rc = eseal_buf_puts(b, "/>\n");
	}
	if (!rc) rc = eseal_buf_puts(b, "<ofd:Seal><ofd:BaseLoc>");
	if (!rc) rc = xml_put(b, p->seal_path);
	if (!rc) rc = eseal_buf_puts(b, "</ofd:BaseLoc></ofd:Seal>\n</ofd:SignedInfo>\n<ofd:SignedValue>");
	if (!rc) rc = xml_put(b, p->value_path);
	if (!rc) rc = eseal_buf_puts(b, "</ofd:SignedValue>\n</ofd:Signature>\n");
	return rc;
}

int eseal_ofd_sign(const char *in, const char *out, const eseal_ofd_sign_opts *o,
		   eseal_ofd_sign_result *res)
{
	if (res)
		memset(res, 0, sizeof *res);
	if (!in || !out || !o || !o->seal || !o->signer || !o->key || (o->nplaces && !o->places))
		return eseal_error_set(ESEAL_EINVAL, "sign: missing document, seal, certificate or key");
	eseal_seal *seal = NULL;
	int rc = eseal_seal_parse(&seal, o->seal, o->seal_len);
	if (rc)
		return eseal_error_wrap("seal: ");
	size_t seal_len = 0;
	const uint8_t *seal_der = eseal_seal_der(seal, &seal_len);
	double w = (double)eseal_seal_picture_width(seal), h = (double)eseal_seal_picture_height(seal);
	if (w <= 0 || w > 1000)
		w = 40;
	if (h <= 0 || h > 1000)
		h = 40;

	sign_plan p;
	memset(&p, 0, sizeof p);
	time_t when = o->when ? o->when : time(NULL);
	if ((rc = eseal_ofd_open(&p.d, in)))
		goto done;
	if (eseal_ofd_page_count(p.d) == 0) {
		rc = eseal_error_set(ESEAL_EFORMAT, "%s: the document has no pages", in);
		goto done;
	}
	if ((rc = ofd_place(p.d, o->places, o->nplaces, w, h, &p.placed, &p.nplaced)))
		goto done;
	if ((rc = plan_files(&p, o->lock)))
		goto done;
	if ((rc = ofd_zw_open(&p.zw, p.d, out)) || (rc = write_signature_xml(&p, seal_der, seal_len, when, o->lock)))
		goto done;
	uint8_t dh[32];
	eseal_sm3(dh, p.sig_xml.data, p.sig_xml.len);
	if ((rc = eseal_sessig_make(&p.value, seal_der, seal_len, o->signer, o->key, when, dh,
				    p.sig_xml_path)))
		goto done;
	/* the time-stamp lies outside TBS_Sign: it goes in after signing */
	if (o->timestamp && (rc = eseal_sessig_timestamp_add(&p.value, o->timestamp, o->timestamp_ctx)))
		goto done;
	ofd_new_file files[5];
	size_t nf = 0;
	if (p.ofd_xml_changed)
		files[nf++] = (ofd_new_file){ "/OFD.xml", p.ofd_xml.data, p.ofd_xml.len };
	files[nf++] = (ofd_new_file){ p.sigs_path, p.sigs_xml.data, p.sigs_xml.len };
	files[nf++] = (ofd_new_file){ p.seal_path, seal_der, seal_len };
	files[nf++] = (ofd_new_file){ p.sig_xml_path, p.sig_xml.data, p.sig_xml.len };
	files[nf++] = (ofd_new_file){ p.value_path, p.value.data, p.value.len };
	rc = ofd_zw_package(p.zw, p.d, out, files, nf, NULL);
	p.zw = NULL;
	if (rc)
		goto done;
	if (res) {
		snprintf(res->sig_id, sizeof res->sig_id, "%s", p.id);
		pathf(res->sig_path, sizeof res->sig_path, "%s", p.sig_xml_path);
		res->nrefs = p.nrefs;
		res->placed = p.placed;
		res->nplaced = p.nplaced;
		p.placed = NULL;
	}
done:
	plan_free(&p);
	eseal_seal_free(seal);
	return rc;
}

void eseal_ofd_sign_result_free(eseal_ofd_sign_result *res)
{
	if (!res)
		return;
	free(res->placed);
	res->placed = NULL;
	res->nplaced = 0;
}
