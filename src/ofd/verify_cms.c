/*
 * verify_cms.c - Type="Sign" signatures: GM/T 0010 / GB/T 35275 CMS
 * SignedData over SM3(Signature.xml) (formats.md §4.7), checked by the one
 * CMS implementation in src/cms. Accepted: the eContent is the digest (raw
 * or base64) signed directly, or signed attributes whose messageDigest is
 * the digest. This file must never accept a signature whose content does
 * not bind this Signature.xml, nor an algorithm other than SM2.
 */
#include <string.h>

#include "eseal/cms.h"
#include "eseal/tsa.h"
#include "ofd/sign_internal.h"

void ofd_verify_cms(const uint8_t *der, size_t len, const uint8_t *xml, size_t xml_len,
		    const eseal_trust *trust, eseal_report_item *it)
{
	eseal_cms *c = NULL;
	if (eseal_cms_parse(&c, der, len) != 0) {
		eseal_item_check(it, "format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "SignedValue.dat is not a CMS SignedData: %s", eseal_error_last());
		return;
	}
	if (eseal_cms_get_profile(c) != ESEAL_CMS_GM) {
		eseal_item_check(it, "format", ESEAL_CHECK_FAILED, ESEAL_SUB_FORMAT_FAILURE,
				 "the CMS signature does not use SM3 (digest %s)", eseal_cms_digest_name(c));
		eseal_cms_free(c);
		return;
	}
	eseal_item_check(it, "format", ESEAL_CHECK_PASSED, NULL, "CMS SignedData (GM/T 0010) parsed");
	eseal_item_fact(it, "cms_variant", "%s",
			eseal_cms_has_signed_attrs(c) ? "signed attributes" : "signature over eContent");
	uint8_t h[32];
	eseal_sm3(h, xml, xml_len);
	/* a valid signature time-stamp is the proven signing time (0: none) */
	time_t proven = eseal_tst_check_cms(c, trust, it);
	eseal_cms_verify(c, h, sizeof h, trust, proven, it);
	eseal_cms_free(c);
}
