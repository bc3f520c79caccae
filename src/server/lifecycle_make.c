/*
 * lifecycle_make.c - makes one seal: a fresh SM2 key, the seal certificate
 * from the CA (subject serialNumber = esID, validity = the seal's), and the
 * SESeal V4 signed by the maker certificate. The key is either wrapped with
 * the instance's key-encryption key (server-held) or handed out once in an
 * encrypted seal package. Never keep a package's key and never return a
 * plaintext key.
 */
#include <stdio.h>
#include <string.h>

#include "eseal/crypto.h"
#include "eseal/picture.h"
#include "eseal/ses.h"
#include "lifecycle.h"

void lc_make_out_free(lc_make_out *o)
{
	eseal_buf_free(&o->seal_der);
	eseal_buf_free(&o->cert_der);
	eseal_buf_free(&o->key_blob);
	if (o->package.data)
		eseal_wipe(o->package.data, o->package.len);
	eseal_buf_free(&o->package);
}

/* The holder's package: the seal, the encrypted PKCS#8 key, the seal
 * certificate and the CA chain, as one PEM text. */
static int build_package(eseal_making *m, const lc_make_in *in, const eseal_key *k, const eseal_cert *cert,
			 lc_make_out *out)
{
	size_t len;
	const uint8_t *der;
	int rc = eseal_buf_printf(&out->package, "eseal seal package\nesID: %s\n\n", in->esid);
	if (!rc)
		rc = lc_pem(&out->package, "ESEAL SEAL", out->seal_der.data, out->seal_der.len);
	if (!rc)
		rc = eseal_key_to_pem(k, in->passphrase, strlen(in->passphrase), &out->package);
	if (!rc)
		rc = eseal_cert_pem(cert, &out->package);
	if (!rc && (der = eseal_cert_der(eseal_ca_issuing(m->ca), &len)))
		rc = lc_pem(&out->package, "CERTIFICATE", der, len);
	if (!rc && (der = eseal_cert_der(eseal_ca_root(m->ca), &len)))
		rc = lc_pem(&out->package, "CERTIFICATE", der, len);
	return rc;
}

int lc_make_seal(eseal_making *m, const lc_make_in *in, lc_make_out *out)
{
	eseal_key *k = NULL;
	eseal_cert *cert = NULL;
	eseal_buf pem = ESEAL_BUF_INIT;
	memset(out, 0, sizeof *out);
	if (!in->server_key && (!in->passphrase || !*in->passphrase))
		return eseal_error_set(ESEAL_EINVAL, "a seal package needs a passphrase");
	if (in->server_key && !m->kek)
		return eseal_error_set(ESEAL_EUNSUPPORTED, "no key-encryption key: server-held seal keys are off");
	out->valid_start = in->now;
	out->valid_end = in->now + (time_t)in->days * 86400;

	int rc = eseal_key_generate(&k, ESEAL_KEY_SM2);
	if (!rc) {
		eseal_cert_request req = { 0 };
		req.role = ESEAL_ROLE_SEAL;
		req.org = in->org_name;
		req.name = in->name;
		req.serial_number = in->esid;
		req.not_before = in->now;
		req.days = in->days;
		pthread_mutex_lock(&m->ca_mu);
		rc = eseal_ca_issue(m->ca, &req, k, &cert);
		pthread_mutex_unlock(&m->ca_mu);
	}
	if (!rc) {
		size_t len;
		const uint8_t *der = eseal_cert_der(cert, &len);
		rc = eseal_buf_put(&out->cert_der, der, len);
		if (!rc)
			rc = eseal_cert_serial(cert, out->cert_serial, sizeof out->cert_serial);
		/* the seal cannot outlive its certificate */
		if (!rc && eseal_cert_not_after(cert) < out->valid_end)
			out->valid_end = eseal_cert_not_after(cert);
	}
	if (!rc) {
		eseal_picture_info pi;
		memset(&pi, 0, sizeof pi);
		eseal_seal_params p = { 0 };
		p.esid = in->esid;
		p.type = in->type;
		p.name = in->name;
		p.cert_list_type = 1;
		p.signers = &cert;
		p.nsigners = 1;
		p.create_date = in->now;
		p.valid_start = out->valid_start;
		p.valid_end = out->valid_end;
		p.picture_type = "png";
		p.picture = in->picture;
		p.picture_len = in->picture_len;
		p.width_mm = p.height_mm = 40;
		if (!eseal_picture_info_get(&pi, in->picture, in->picture_len) && pi.width_mm > 0) {
			p.width_mm = (long)(pi.width_mm + 0.5);
			p.height_mm = (long)(pi.height_mm + 0.5);
		}
		rc = eseal_seal_make(&out->seal_der, &p, m->maker, m->maker_key);
	}
	if (!rc && in->server_key) {
		char ctx[64];
		snprintf(ctx, sizeof ctx, "seal-key:%s", in->esid);
		rc = eseal_key_to_pem(k, NULL, 0, &pem);
		if (!rc)
			rc = eseal_kek_wrap(m->kek, ctx, pem.data, pem.len, &out->key_blob);
	} else if (!rc) {
		rc = build_package(m, in, k, cert, out);
	}
	if (pem.data)
		eseal_wipe(pem.data, pem.len);
	eseal_buf_free(&pem);
	eseal_key_free(k);
	eseal_cert_free(cert);
	if (rc)
		lc_make_out_free(out);
	return rc;
}

int lc_revoke_cert(eseal_making *m, const uint8_t *cert_der, size_t len, int reason, time_t when)
{
	eseal_cert *c = NULL;
	char serial[80];
	int rc = eseal_cert_parse(&c, cert_der, len);
	if (!rc)
		rc = eseal_cert_serial(c, serial, sizeof serial);
	eseal_cert_free(c);
	if (!rc) {
		pthread_mutex_lock(&m->ca_mu);
		rc = eseal_ca_revoke(m->ca, serial, reason, when);
		pthread_mutex_unlock(&m->ca_mu);
	}
	return rc;
}
