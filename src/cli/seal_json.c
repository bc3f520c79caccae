/*
 * seal_json.c - JSON and text descriptions of seals, signatures and
 * certificates for `eseal seal show` and the demo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "seal_show.h"

static char *hex(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * n] = 0;
	return s;
}

static json_t *jtime(time_t t)
{
	char s[32];
	eseal_time_format_human(s, t);
	return json_string(s);
}

static void set_hex(json_t *o, const char *k, const uint8_t *p, size_t n)
{
	char *h = hex(p, n);
	json_object_set_new(o, k, h ? json_string(h) : json_null());
	free(h);
}

json_t *show_cert_json(const uint8_t *der, size_t len)
{
	json_t *o = json_object();
	eseal_cert *c = NULL;
	if (eseal_cert_parse(&c, der, len)) {
		json_object_set_new(o, "error", json_string(eseal_error_last()));
		return o;
	}
	char buf[1024];
	if (!eseal_cert_subject(c, buf, sizeof buf))
		json_object_set_new(o, "subject", json_string(buf));
	if (!eseal_cert_issuer(c, buf, sizeof buf))
		json_object_set_new(o, "issuer", json_string(buf));
	if (!eseal_cert_serial(c, buf, sizeof buf))
		json_object_set_new(o, "serial", json_string(buf));
	json_object_set_new(o, "not_before", jtime(eseal_cert_not_before(c)));
	json_object_set_new(o, "not_after", jtime(eseal_cert_not_after(c)));
	json_object_set_new(o, "key", json_string(eseal_cert_key_algorithm(c)));
	uint8_t d[32];
	eseal_cert_sm3(c, d);
	set_hex(o, "sm3", d, 32);
	eseal_cert_free(c);
	return o;
}

json_t *show_seal_json(const eseal_seal *s)
{
	json_t *o = json_object();
	size_t n;
	json_object_set_new(o, "kind", json_string("seal"));
	json_object_set_new(o, "version", json_integer(eseal_seal_version(s)));
	json_object_set_new(o, "vid", json_string(eseal_seal_vid(s)));
	json_object_set_new(o, "esid", json_string(eseal_seal_esid(s)));
	json_object_set_new(o, "name", json_string(eseal_seal_name(s)));
	json_object_set_new(o, "type", json_integer(eseal_seal_type(s)));
	json_object_set_new(o, "create_date", jtime(eseal_seal_create_date(s)));
	json_object_set_new(o, "valid_start", jtime(eseal_seal_valid_start(s)));
	json_object_set_new(o, "valid_end", jtime(eseal_seal_valid_end(s)));
	json_t *pic = json_object();
	eseal_seal_picture(s, &n);
	json_object_set_new(pic, "type", json_string(eseal_seal_picture_type(s)));
	json_object_set_new(pic, "bytes", json_integer((json_int_t)n));
	json_object_set_new(pic, "width_mm", json_integer(eseal_seal_picture_width(s)));
	json_object_set_new(pic, "height_mm", json_integer(eseal_seal_picture_height(s)));
	json_object_set_new(o, "picture", pic);
	const uint8_t *m = eseal_seal_maker_cert(s, &n);
	json_object_set_new(o, "maker_cert", show_cert_json(m, n));
	json_object_set_new(o, "cert_list_type", json_integer(eseal_seal_cert_list_type(s)));
	json_t *signers = json_array();
	for (size_t i = 0; i < eseal_seal_cert_count(s); i++) {
		const char *alg = NULL;
		const uint8_t *e = eseal_seal_cert_entry(s, i, &n, &alg);
		if (eseal_seal_cert_list_type(s) == 2) {
			json_t *d = json_object();
			json_object_set_new(d, "digest_algorithm", json_string(alg ? alg : ""));
			set_hex(d, "digest", e, n);
			json_array_append_new(signers, d);
		} else {
			json_array_append_new(signers, show_cert_json(e, n));
		}
	}
	json_object_set_new(o, "signer_certs", signers);
	json_t *exts = json_array();
	for (size_t i = 0; i < eseal_seal_ext_count(s); i++) {
		const char *oid;
		int crit;
		const uint8_t *v;
		if (eseal_seal_ext(s, i, &oid, &crit, &v, &n))
			continue;
		json_t *x = json_object();
		json_object_set_new(x, "oid", json_string(oid));
		json_object_set_new(x, "critical", json_boolean(crit));
		set_hex(x, "value", v, n);
		json_array_append_new(exts, x);
	}
	json_object_set_new(o, "extensions", exts);
	const uint8_t *sig = eseal_seal_signature(s, &n);
	json_t *sj = json_object();
	json_object_set_new(sj, "algorithm", json_string(eseal_seal_sig_alg(s)));
	json_object_set_new(sj, "encoding", json_string(n == 64 && sig[0] != 0x30 ? "raw" : "der"));
	json_object_set_new(sj, "bytes", json_integer((json_int_t)n));
	json_object_set_new(o, "signature", sj);
	return o;
}

json_t *show_sessig_json(const eseal_sessig *g)
{
	json_t *o = json_object();
	size_t n;
	json_object_set_new(o, "kind", json_string("signature"));
	json_object_set_new(o, "version", json_integer(eseal_sessig_version(g)));
	json_object_set_new(o, "time_info", json_string(eseal_sessig_time_text(g) ? eseal_sessig_time_text(g) : ""));
	if (eseal_sessig_time(g))
		json_object_set_new(o, "time", jtime(eseal_sessig_time(g)));
	const uint8_t *h = eseal_sessig_data_hash(g, &n);
	set_hex(o, "data_hash", h, n);
	json_object_set_new(o, "property_info", json_string(eseal_sessig_property(g)));
	const uint8_t *c = eseal_sessig_signer_cert(g, &n);
	json_object_set_new(o, "signer_cert", show_cert_json(c, n));
	const uint8_t *sig = eseal_sessig_signature(g, &n);
	(void)sig;
	json_t *sj = json_object();
	json_object_set_new(sj, "algorithm", json_string(eseal_sessig_sig_alg(g)));
	json_object_set_new(sj, "encoding", json_string(eseal_sessig_signature_encoding(g)));
	json_object_set_new(sj, "bytes", json_integer((json_int_t)n));
	json_object_set_new(o, "signature", sj);
	eseal_sessig_timestamp(g, &n);
	json_object_set_new(o, "timestamp", json_boolean(n > 0));
	json_object_set_new(o, "ext_datas", json_boolean(eseal_sessig_has_ext(g)));
	json_object_set_new(o, "seal", show_seal_json(eseal_sessig_seal(g)));
	return o;
}

static void text_cert(eseal_buf *b, const char *label, json_t *c, const char *indent)
{
	eseal_buf_printf(b, "%s%s\n", indent, label);
	const char *keys[] = { "subject", "issuer", "serial", "not_before", "not_after", "key", "sm3", "error" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *v = json_object_get(c, keys[i]);
		if (json_is_string(v))
			eseal_buf_printf(b, "%s  %-11s %s\n", indent, keys[i], json_string_value(v));
	}
}

void show_seal_text(eseal_buf *b, json_t *o, const char *indent)
{
	json_t *pic = json_object_get(o, "picture");
	eseal_buf_printf(b, "%sSeal (SESeal V%lld)\n", indent, json_integer_value(json_object_get(o, "version")));
	eseal_buf_printf(b, "%s  vendor id     %s\n", indent, json_string_value(json_object_get(o, "vid")));
	eseal_buf_printf(b, "%s  seal code     %s\n", indent, json_string_value(json_object_get(o, "esid")));
	eseal_buf_printf(b, "%s  name          %s\n", indent, json_string_value(json_object_get(o, "name")));
	eseal_buf_printf(b, "%s  type          %lld\n", indent, json_integer_value(json_object_get(o, "type")));
	eseal_buf_printf(b, "%s  created       %s\n", indent, json_string_value(json_object_get(o, "create_date")));
	eseal_buf_printf(b, "%s  valid         %s to %s\n", indent, json_string_value(json_object_get(o, "valid_start")),
			 json_string_value(json_object_get(o, "valid_end")));
	eseal_buf_printf(b, "%s  picture       %s, %lld bytes, %lld x %lld mm\n", indent,
			 json_string_value(json_object_get(pic, "type")), json_integer_value(json_object_get(pic, "bytes")),
			 json_integer_value(json_object_get(pic, "width_mm")), json_integer_value(json_object_get(pic, "height_mm")));
	json_t *sig = json_object_get(o, "signature");
	eseal_buf_printf(b, "%s  signature     %s, %s, %lld bytes\n", indent,
			 json_string_value(json_object_get(sig, "algorithm")), json_string_value(json_object_get(sig, "encoding")),
			 json_integer_value(json_object_get(sig, "bytes")));
	char ind2[32];
	snprintf(ind2, sizeof ind2, "%s  ", indent);
	text_cert(b, "maker certificate:", json_object_get(o, "maker_cert"), ind2);
	json_t *signers = json_object_get(o, "signer_certs");
	eseal_buf_printf(b, "%s  signer certificates (certListType %lld): %zu\n", indent,
			 json_integer_value(json_object_get(o, "cert_list_type")), json_array_size(signers));
	size_t i;
	json_t *v;
	json_array_foreach(signers, i, v) {
		char label[32];
		snprintf(label, sizeof label, "signer %zu:", i + 1);
		if (json_object_get(v, "digest"))
			eseal_buf_printf(b, "%s  %s %s digest %s\n", ind2, label,
					 json_string_value(json_object_get(v, "digest_algorithm")),
					 json_string_value(json_object_get(v, "digest")));
		else
			text_cert(b, label, v, ind2);
	}
	json_array_foreach(json_object_get(o, "extensions"), i, v)
		eseal_buf_printf(b, "%s  extension     %s critical=%s value=%s\n", indent,
				 json_string_value(json_object_get(v, "oid")),
				 json_is_true(json_object_get(v, "critical")) ? "yes" : "no",
				 json_string_value(json_object_get(v, "value")));
}

void show_sessig_text(eseal_buf *b, json_t *o)
{
	json_t *sig = json_object_get(o, "signature");
	eseal_buf_printf(b, "Electronic signature (SES_Signature V%lld)\n", json_integer_value(json_object_get(o, "version")));
	eseal_buf_printf(b, "  time info     %s\n", json_string_value(json_object_get(o, "time_info")));
	eseal_buf_printf(b, "  data hash     %s\n", json_string_value(json_object_get(o, "data_hash")));
	eseal_buf_printf(b, "  property      %s\n", json_string_value(json_object_get(o, "property_info")));
	eseal_buf_printf(b, "  signature     %s, %s, %lld bytes\n", json_string_value(json_object_get(sig, "algorithm")),
			 json_string_value(json_object_get(sig, "encoding")), json_integer_value(json_object_get(sig, "bytes")));
	eseal_buf_printf(b, "  time stamp    %s\n", json_is_true(json_object_get(o, "timestamp")) ? "present" : "none");
	text_cert(b, "signer certificate:", json_object_get(o, "signer_cert"), "  ");
	show_seal_text(b, json_object_get(o, "seal"), "  ");
}
