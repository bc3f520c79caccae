/*
 * cms_oids.h - the object identifiers the CMS module writes and accepts.
 * Only dotted text here: encodings come from eseal_der_put_oid, so no OID
 * is ever written twice in two forms.
 */
#ifndef ESEAL_CMS_OIDS_H
#define ESEAL_CMS_OIDS_H

/* Content types. */
#define CMS_OID_GM_SIGNED_DATA "1.2.156.10197.6.1.4.2.2"
#define CMS_OID_GM_DATA "1.2.156.10197.6.1.4.2.1"
#define CMS_OID_SIGNED_DATA "1.2.840.113549.1.7.2"
#define CMS_OID_DATA "1.2.840.113549.1.7.1"

/* Digests. */
#define CMS_OID_SM3 "1.2.156.10197.1.401"
#define CMS_OID_SHA1 "1.3.14.3.2.26"
#define CMS_OID_SHA256 "2.16.840.1.101.3.4.2.1"
#define CMS_OID_SHA384 "2.16.840.1.101.3.4.2.2"
#define CMS_OID_SHA512 "2.16.840.1.101.3.4.2.3"

/* Signatures. */
#define CMS_OID_SM2_1 "1.2.156.10197.1.301.1"  /* SM2-1 signature, GM/T 0010 */
#define CMS_OID_SM2 "1.2.156.10197.1.301"
#define CMS_OID_SM2_SM3 "1.2.156.10197.1.501"
#define CMS_OID_EC_PUBLIC_KEY "1.2.840.10045.2.1"
#define CMS_OID_ECDSA_SHA1 "1.2.840.10045.4.1"
#define CMS_OID_ECDSA_SHA256 "1.2.840.10045.4.3.2"
#define CMS_OID_ECDSA_SHA384 "1.2.840.10045.4.3.3"
#define CMS_OID_ECDSA_SHA512 "1.2.840.10045.4.3.4"
#define CMS_OID_RSA "1.2.840.113549.1.1.1"
#define CMS_OID_RSA_SHA1 "1.2.840.113549.1.1.5"
#define CMS_OID_RSA_PSS "1.2.840.113549.1.1.10"
#define CMS_OID_RSA_SHA256 "1.2.840.113549.1.1.11"
#define CMS_OID_RSA_SHA384 "1.2.840.113549.1.1.12"
#define CMS_OID_RSA_SHA512 "1.2.840.113549.1.1.13"

/* Attributes. */
#define CMS_OID_CONTENT_TYPE "1.2.840.113549.1.9.3"
#define CMS_OID_MESSAGE_DIGEST "1.2.840.113549.1.9.4"
#define CMS_OID_SIGNING_TIME "1.2.840.113549.1.9.5"
#define CMS_OID_SIGNING_CERT "1.2.840.113549.1.9.16.2.12"     /* ESS, SHA-1 */
#define CMS_OID_SIGNING_CERT_V2 "1.2.840.113549.1.9.16.2.47"
#define CMS_OID_TIMESTAMP_TOKEN "1.2.840.113549.1.9.16.2.14"

/* Certificate extension. */
#define CMS_OID_SUBJECT_KEY_ID "2.5.29.14"

#endif
