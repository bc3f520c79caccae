/*
 * test_asn1.c - the DER reader and writer: lengths, limits, typed values,
 * and that elements keep their original bytes and offsets.
 */
#include "eseal/asn1.h"
#include "harness.h"

static void test_read_short_and_long_lengths(void)
{
	uint8_t b[300];
	eseal_der e;
	b[0] = 0x04; b[1] = 0x03; b[2] = 1; b[3] = 2; b[4] = 3; b[5] = 0xee;
	CHECK_OK(eseal_der_read(&e, b, 6, 10));
	CHECK_EQ_INT(e.tag, 0x04);
	CHECK_EQ_INT(e.tlv_len, 5);
	CHECK_EQ_INT(e.val_len, 3);
	CHECK_EQ_INT(e.off, 10);
	b[0] = 0x04; b[1] = 0x82; b[2] = 0x01; b[3] = 0x00;
	memset(b + 4, 7, 256);
	CHECK_OK(eseal_der_read(&e, b, 260, 0));
	CHECK_EQ_INT(e.val_len, 256);
	CHECK_EQ_INT(e.tlv_len, 260);
}

static void test_read_rejects_bad(void)
{
	eseal_der e;
	uint8_t trunc[] = { 0x30, 0x05, 0x01, 0x01 };
	CHECK_EQ_INT(eseal_der_read(&e, trunc, sizeof trunc, 0), ESEAL_EFORMAT);
	uint8_t indef[] = { 0x30, 0x80, 0x00, 0x00 };
	CHECK_EQ_INT(eseal_der_read(&e, indef, sizeof indef, 0), ESEAL_EFORMAT);
	uint8_t huge[] = { 0x04, 0x85, 1, 0, 0, 0, 0 };
	CHECK_EQ_INT(eseal_der_read(&e, huge, sizeof huge, 0), ESEAL_ELIMIT);
	uint8_t big[] = { 0x04, 0x84, 0x7f, 0xff, 0xff, 0xff };
	CHECK_EQ_INT(eseal_der_read(&e, big, sizeof big, 0), ESEAL_ELIMIT);
	uint8_t hightag[] = { 0x1f, 0x81, 0x01, 0x00 };
	CHECK_EQ_INT(eseal_der_read(&e, hightag, sizeof hightag, 0), ESEAL_EFORMAT);
	CHECK_EQ_INT(eseal_der_read(&e, trunc, 1, 0), ESEAL_EFORMAT);
}

static void test_deep_nesting_refused(void)
{
	uint8_t b[200];
	int depth = 40;
	for (int i = 0; i < depth; i++) {
		b[2 * i] = 0x30;
		b[2 * i + 1] = (uint8_t)(2 * (depth - i - 1));
	}
	CHECK_EQ_INT(eseal_der_validate(b, 2 * (size_t)depth, NULL), ESEAL_ELIMIT);
	CHECK(strstr(eseal_error_last(), "nesting") != NULL);
	depth = 10;
	for (int i = 0; i < depth; i++) {
		b[2 * i] = 0x30;
		b[2 * i + 1] = (uint8_t)(2 * (depth - i - 1));
	}
	size_t used = 0;
	CHECK_OK(eseal_der_validate(b, 2 * (size_t)depth, &used));
	CHECK_EQ_INT(used, 20);
}

static void test_iterate_children_offsets(void)
{
	uint8_t b[] = { 0x30, 0x08, 0x02, 0x01, 0x05, 0x16, 0x03, 'a', 'b', 'c', 0xff };
	eseal_der top, c;
	eseal_der_iter it;
	CHECK_OK(eseal_der_read(&top, b, sizeof b, 0));
	CHECK_EQ_INT(eseal_der_count(&top), 2);
	eseal_der_iter_init(&it, &top);
	CHECK_EQ_INT(eseal_der_next(&it, &c), 1);
	long v;
	CHECK_OK(eseal_der_get_int(&c, &v));
	CHECK_EQ_INT(v, 5);
	CHECK_EQ_INT(c.off, 2);
	CHECK(eseal_der_peek(&it, ESEAL_DER_IA5STRING));
	CHECK_OK(eseal_der_expect(&it, &c, ESEAL_DER_IA5STRING, "name"));
	CHECK_EQ_INT(c.off, 5);
	char *s = NULL;
	CHECK_OK(eseal_der_get_string(&c, &s));
	CHECK_EQ_STR(s, "abc");
	free(s);
	CHECK_EQ_INT(eseal_der_next(&it, &c), 0);
	CHECK_EQ_INT(eseal_der_expect(&it, &c, ESEAL_DER_INTEGER, "missing thing"), ESEAL_EFORMAT);
	CHECK(strstr(eseal_error_last(), "missing thing") != NULL);
}

static void test_write_lengths(void)
{
	size_t sizes[] = { 0, 1, 127, 128, 255, 256, 65535, 65536, 70000 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		eseal_buf b = ESEAL_BUF_INIT;
		size_t mark;
		uint8_t *payload = calloc(1, sizes[i] + 1);
		CHECK_OK(eseal_der_begin(&b, 0x30, &mark));
		CHECK_OK(eseal_der_put(&b, 0x04, payload, sizes[i] > 10 ? sizes[i] - 10 : 0));
		CHECK_OK(eseal_der_end(&b, mark));
		eseal_der e;
		CHECK_OK(eseal_der_read(&e, b.data, b.len, 0));
		CHECK_EQ_INT(e.tlv_len, b.len);
		CHECK_OK(eseal_der_validate(b.data, b.len, NULL));
		free(payload);
		eseal_buf_free(&b);
	}
}

static void test_integers(void)
{
	struct { long v; const char *hex; } t[] = {
		{ 0, "020100" }, { 127, "02017f" }, { 128, "02020080" }, { 256, "02020100" },
		{ -1, "0201ff" }, { -128, "020180" }, { -129, "0202ff7f" }, { 4, "020104" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		eseal_buf b = ESEAL_BUF_INIT;
		CHECK_OK(eseal_der_put_int(&b, t[i].v));
		char hex[64] = "";
		for (size_t k = 0; k < b.len; k++)
			sprintf(hex + 2 * k, "%02x", b.data[k]);
		CHECK_EQ_STR(hex, t[i].hex);
		eseal_der e;
		long back;
		CHECK_OK(eseal_der_read(&e, b.data, b.len, 0));
		CHECK_OK(eseal_der_get_int(&e, &back));
		CHECK_EQ_INT(back, t[i].v);
		eseal_buf_free(&b);
	}
	uint8_t big[] = { 0x00, 0x00, 0x80, 0x01 };
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_der_put_uint_bytes(&b, big, sizeof big));
	uint8_t want[] = { 0x02, 0x03, 0x00, 0x80, 0x01 };
	CHECK(b.len == sizeof want && !memcmp(b.data, want, sizeof want));
	eseal_buf_free(&b);
}

static void test_oids(void)
{
	eseal_buf b = ESEAL_BUF_INIT;
	CHECK_OK(eseal_der_put_oid(&b, "1.2.156.10197.1.501"));
	uint8_t want[] = { 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75 };
	CHECK(b.len == sizeof want && !memcmp(b.data, want, sizeof want));
	eseal_der e;
	char s[64];
	CHECK_OK(eseal_der_read(&e, b.data, b.len, 0));
	CHECK_OK(eseal_der_get_oid(&e, s, sizeof s));
	CHECK_EQ_STR(s, "1.2.156.10197.1.501");
	CHECK(eseal_der_oid_is(&e, "1.2.156.10197.1.501"));
	CHECK(!eseal_der_oid_is(&e, "1.2.156.10197.1.401"));
	eseal_buf_free(&b);
	CHECK_EQ_INT(eseal_der_put_oid(&b, "1"), ESEAL_EINVAL);
	CHECK_EQ_INT(eseal_der_put_oid(&b, "1.x.3"), ESEAL_EINVAL);
	eseal_buf_free(&b);
	uint8_t trunc[] = { 0x06, 0x02, 0x2a, 0x81 };
	CHECK_OK(eseal_der_read(&e, trunc, sizeof trunc, 0));
	CHECK_EQ_INT(eseal_der_get_oid(&e, s, sizeof s), ESEAL_EFORMAT);
}

static void test_times(void)
{
	eseal_buf b = ESEAL_BUF_INIT;
	time_t t = 1602313880; /* 2020-10-10 07:11:20 UTC */
	CHECK_OK(eseal_der_put_gentime(&b, t));
	CHECK(b.len == 17 && !memcmp(b.data + 2, "20201010071120Z", 15));
	eseal_der e;
	time_t back;
	CHECK_OK(eseal_der_read(&e, b.data, b.len, 0));
	CHECK_OK(eseal_der_get_time(&e, &back));
	CHECK_EQ_INT(back, t);
	eseal_buf_free(&b);
	CHECK_OK(eseal_der_put_utctime(&b, t));
	CHECK_OK(eseal_der_read(&e, b.data, b.len, 0));
	CHECK_OK(eseal_der_get_time(&e, &back));
	CHECK_EQ_INT(back, t);
	eseal_buf_free(&b);
	uint8_t frac[] = { 0x18, 0x13, '2','0','2','0','1','0','0','4','0','7','2','8','5','5','.','3','0','2','Z' };
	CHECK_OK(eseal_der_read(&e, frac, sizeof frac, 0));
	CHECK_OK(eseal_der_get_time(&e, &back));
	CHECK_EQ_INT(back, 1601796535);
	uint8_t bad[] = { 0x18, 0x03, '2', '0', 'x' };
	CHECK_OK(eseal_der_read(&e, bad, sizeof bad, 0));
	CHECK_EQ_INT(eseal_der_get_time(&e, &back), ESEAL_EFORMAT);
}

static void test_bits_and_bool(void)
{
	eseal_buf b = ESEAL_BUF_INIT;
	uint8_t v[3] = { 1, 2, 3 };
	CHECK_OK(eseal_der_put_bits(&b, v, 3));
	eseal_der e;
	const uint8_t *p;
	size_t n;
	CHECK_OK(eseal_der_read(&e, b.data, b.len, 0));
	CHECK_OK(eseal_der_get_bits(&e, &p, &n));
	CHECK(n == 3 && !memcmp(p, v, 3));
	eseal_buf_free(&b);
	uint8_t unused[] = { 0x03, 0x02, 0x04, 0xf0 };
	CHECK_OK(eseal_der_read(&e, unused, sizeof unused, 0));
	CHECK_EQ_INT(eseal_der_get_bits(&e, &p, &n), ESEAL_EFORMAT);
	uint8_t f[] = { 0x01, 0x01, 0x00 };
	int bv = 1;
	CHECK_OK(eseal_der_read(&e, f, sizeof f, 0));
	CHECK_OK(eseal_der_get_bool(&e, &bv));
	CHECK_EQ_INT(bv, 0);
}

TESTS(T(test_read_short_and_long_lengths), T(test_read_rejects_bad), T(test_deep_nesting_refused),
      T(test_iterate_children_offsets), T(test_write_lengths), T(test_integers), T(test_oids),
      T(test_times), T(test_bits_and_bool))
