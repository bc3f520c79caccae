/*
 * seal_make.c - writes SESeal V4 exactly as GB/T 38540 and formats.md §2
 * give it: untagged, definite lengths, GeneralizedTime in UTC, the maker's
 * SM2 signature over the DER of SES_SealInfo. No extDatas are written.
 */
#include <string.h>

#include "ses_internal.h"

static int put_cert_list(eseal_buf *b, const eseal_seal_params *p)
{
	size_t mark;
	int rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &mark);
	for (size_t i = 0; !rc && i < p->nsigners; i++) {
		size_t len;
		const uint8_t *der = eseal_cert_der(p->signers[i], &len);
		if (p->cert_list_type == 2) {
			uint8_t d[32];
			size_t m;
			eseal_sm3(d, der, len);
			rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &m);
			if (!rc) rc = eseal_der_put_str(b, ESEAL_DER_PRINTABLESTRING, "SM3");
			if (!rc) rc = eseal_der_put(b, ESEAL_DER_OCTET_STRING, d, 32);
			if (!rc) rc = eseal_der_end(b, m);
		} else {
			rc = eseal_der_put(b, ESEAL_DER_OCTET_STRING, der, len);
		}
	}
	return rc ? rc : eseal_der_end(b, mark);
}

static int put_seal_info(eseal_buf *b, const eseal_seal_params *p, time_t created)
{
	size_t info, hdr, prop, pic;
	int rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &info);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &hdr);
	if (!rc) rc = eseal_der_put_str(b, ESEAL_DER_IA5STRING, "ES");
	if (!rc) rc = eseal_der_put_int(b, 4);
	if (!rc) rc = eseal_der_put_str(b, ESEAL_DER_IA5STRING, p->vid ? p->vid : "ESEAL");
	if (!rc) rc = eseal_der_end(b, hdr);
	if (!rc) rc = eseal_der_put_str(b, ESEAL_DER_IA5STRING, p->esid);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &prop);
	if (!rc) rc = eseal_der_put_int(b, p->type);
	if (!rc) rc = eseal_der_put_str(b, ESEAL_DER_UTF8STRING, p->name);
	if (!rc) rc = eseal_der_put_int(b, p->cert_list_type == 2 ? 2 : 1);
	if (!rc) rc = put_cert_list(b, p);
	if (!rc) rc = eseal_der_put_gentime(b, created);
	if (!rc) rc = eseal_der_put_gentime(b, p->valid_start);
	if (!rc) rc = eseal_der_put_gentime(b, p->valid_end);
	if (!rc) rc = eseal_der_end(b, prop);
	if (!rc) rc = eseal_der_begin(b, ESEAL_DER_SEQUENCE, &pic);
	if (!rc) rc = eseal_der_put_str(b, ESEAL_DER_IA5STRING, p->picture_type);
	if (!rc) rc = eseal_der_put(b, ESEAL_DER_OCTET_STRING, p->picture, p->picture_len);
	if (!rc) rc = eseal_der_put_int(b, p->width_mm);
	if (!rc) rc = eseal_der_put_int(b, p->height_mm);
	if (!rc) rc = eseal_der_end(b, pic);
	return rc ? rc : eseal_der_end(b, info);
}

static int is_ia5(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s > 0x7e || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

int eseal_seal_make(eseal_buf *out, const eseal_seal_params *p,
		    const eseal_cert *maker, const eseal_key *maker_key)
{
	if (!p->esid || !*p->esid || !is_ia5(p->esid) || strlen(p->esid) > 64)
		return eseal_error_set(ESEAL_EINVAL, "seal code must be 1 to 64 printable ASCII characters");
	if (!p->name || !*p->name)
		return eseal_error_set(ESEAL_EINVAL, "seal name is empty");
	if (p->vid && (!*p->vid || !is_ia5(p->vid)))
		return eseal_error_set(ESEAL_EINVAL, "vendor id must be printable ASCII");
	if (!p->nsigners)
		return eseal_error_set(ESEAL_EINVAL, "a seal needs at least one signer certificate");
	if (p->valid_end <= p->valid_start)
		return eseal_error_set(ESEAL_EINVAL, "seal validity ends before it starts");
	if (p->width_mm <= 0 || p->height_mm <= 0 || p->width_mm > 500 || p->height_mm > 500)
		return eseal_error_set(ESEAL_EINVAL, "picture size %ld x %ld mm is out of range (1-500 mm)",
				       p->width_mm, p->height_mm);
	int rc = eseal_picture_check(p->picture_type, p->picture, p->picture_len);
	if (rc)
		return rc;
	if (!eseal_key_has_private(maker_key) || eseal_key_get_type(maker_key) != ESEAL_KEY_SM2)
		return eseal_error_set(ESEAL_EINVAL, "the maker key must be an SM2 private key");
	/* The maker key must belong to the maker certificate. */
	eseal_key *pub = NULL;
	eseal_buf a = ESEAL_BUF_INIT, b2 = ESEAL_BUF_INIT;
	rc = eseal_cert_key(maker, &pub);
	if (!rc) rc = eseal_key_spki(pub, &a);
	if (!rc) rc = eseal_key_spki(maker_key, &b2);
	if (!rc && (a.len != b2.len || memcmp(a.data, b2.data, a.len)))
		rc = eseal_error_set(ESEAL_EINVAL, "the maker key does not match the maker certificate");
	eseal_key_free(pub);
	eseal_buf_free(&a);
	eseal_buf_free(&b2);
	if (rc)
		return rc;

	time_t created = p->create_date ? p->create_date : time(NULL);
	if (created < eseal_cert_not_before(maker) || created > eseal_cert_not_after(maker))
		return eseal_error_set(ESEAL_EEXPIRED, "the maker certificate is not valid at the seal's creation time");

	eseal_buf info = ESEAL_BUF_INIT, sig = ESEAL_BUF_INIT;
	size_t mark, mlen;
	const uint8_t *mder = eseal_cert_der(maker, &mlen);
	rc = put_seal_info(&info, p, created);
	if (!rc) rc = eseal_key_sign(maker_key, info.data, info.len, &sig);
	out->len = 0;
	if (!rc) rc = eseal_der_begin(out, ESEAL_DER_SEQUENCE, &mark);
	if (!rc) rc = eseal_der_put_raw(out, info.data, info.len);
	if (!rc) rc = eseal_der_put(out, ESEAL_DER_OCTET_STRING, mder, mlen);
	if (!rc) rc = eseal_der_put_oid(out, ESEAL_OID_SM2_SM3);
	if (!rc) rc = eseal_der_put_bits(out, sig.data, sig.len);
	if (!rc) rc = eseal_der_end(out, mark);
	eseal_buf_free(&info);
	eseal_buf_free(&sig);
	return rc;
}
