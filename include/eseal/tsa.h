/*
 * tsa.h - RFC 3161 time-stamping: requests, a time-stamp authority that
 * answers them, and verification of the tokens it (or any RFC 3161 TSA)
 * issues.
 *
 * An SM2 TSA signs its tokens as GM/T 0010 SignedData (SM3, SM2-1 OIDs,
 * signing-certificate-v2 with an SM3 certHash); an ECDSA P-256 or RSA TSA
 * signs RFC 5652 SignedData with SHA-256, which `openssl ts -verify`
 * accepts. Requests may carry SM3 or SHA-256 imprints (SHA-384/512 are
 * accepted too). Everything parsed here is untrusted input: parsers are
 * strict, bounded and never read past an element.
 */
#ifndef ESEAL_TSA_H
#define ESEAL_TSA_H

#include "common.h"
#include "cms.h"
#include "crypto.h"
#include "pki.h"
#include "report.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESEAL_TSA_MAX_HASH 64
#define ESEAL_TSA_MAX_NONCE 32   /* bytes of nonce INTEGER contents */
#define ESEAL_TSA_MAX_REQ 4096   /* a TimeStampReq larger than this is refused */
/* A placeholder (the one of OpenSSL's example TSA configuration): a
 * deployment names its own time-stamp policy. */
#define ESEAL_TSA_DEFAULT_POLICY "1.2.3.4.1"

/* TimeStampReq. */
typedef struct eseal_tsa_req {
	const char *hash;                    /* "sm3", "sha256", "sha384", "sha512" */
	uint8_t imprint[ESEAL_TSA_MAX_HASH];
	size_t imprint_len;
	char policy[64];                     /* reqPolicy, "" when absent */
	uint8_t nonce[ESEAL_TSA_MAX_NONCE];  /* INTEGER contents as written */
	size_t nonce_len;                    /* 0 = no nonce */
	int cert_req;                        /* ask for the TSA certificate in the token */
} eseal_tsa_req;

/* A request for data hashed with hash ("sm3" or "sha256"), with a random
 * 8-byte nonce when with_nonce, asking for the certificate. */
int eseal_tsa_req_make(eseal_tsa_req *q, const char *hash, const void *data, size_t len, int with_nonce);
/* Same from a precomputed digest. */
int eseal_tsa_req_make_hash(eseal_tsa_req *q, const char *hash, const uint8_t *digest, size_t dlen,
			    int with_nonce);
int eseal_tsa_req_encode(const eseal_tsa_req *q, eseal_buf *out);
/* Strict DER: exactly one element, version 1, a known hash of the right
 * length, no extensions (ESEAL_EUNSUPPORTED), bounded nonce. */
int eseal_tsa_req_parse(eseal_tsa_req *q, const uint8_t *der, size_t len);

/* PKIFailureInfo bits (RFC 3161 §2.4.2). */
enum {
	ESEAL_TSA_FAIL_BAD_ALG = 0,
	ESEAL_TSA_FAIL_BAD_REQUEST = 2,
	ESEAL_TSA_FAIL_BAD_DATA_FORMAT = 5,
	ESEAL_TSA_FAIL_TIME_NOT_AVAILABLE = 14,
	ESEAL_TSA_FAIL_UNACCEPTED_POLICY = 15,
	ESEAL_TSA_FAIL_UNACCEPTED_EXTENSION = 16,
	ESEAL_TSA_FAIL_SYSTEM_FAILURE = 25,
};

/* The authority. Keys, certificates and callback contexts are borrowed:
 * keep them alive as long as the TSA; the strings are copied. */
typedef struct eseal_tsa_config {
	const eseal_key *key;          /* SM2, P-256 or RSA */
	const eseal_cert *cert;        /* with critical EKU timeStamping */
	eseal_cert *const *chain;      /* added to the token when certReq (may be NULL) */
	size_t nchain;
	const char *policy;            /* default ESEAL_TSA_DEFAULT_POLICY */
	/* Serial numbers: a counter file (locked, incremented, rewritten
	 * atomically), or a callback; one of the two is required. */
	const char *serial_file;
	int (*serial_fn)(void *ctx, uint64_t *out);
	void *serial_ctx;
	int accuracy_ms;               /* 0 = 1000 (one second) */
	time_t (*now)(void *ctx);      /* NULL = time() */
	void *now_ctx;
} eseal_tsa_config;

typedef struct eseal_tsa eseal_tsa;

/* Checks that the key fits the certificate and the certificate is a TSA's. */
int eseal_tsa_new(eseal_tsa **out, const eseal_tsa_config *cfg);
void eseal_tsa_free(eseal_tsa *t);
/* Answers one DER TimeStampReq with a DER TimeStampResp: granted with a
 * token, or rejection with a failure bit for a bad request. Returns 0 when
 * a response was written (also a rejection), <0 when none could be. Safe
 * to call from several threads. */
int eseal_tsa_respond(eseal_tsa *t, const uint8_t *req, size_t len, eseal_buf *resp);

/* Increments the decimal counter in path (created at 1) under an exclusive
 * lock on path.lock, so processes and threads never share a number. */
int eseal_tsa_serial_file_next(const char *path, uint64_t *out);

/* A parsed time-stamp token (a ContentInfo with a TSTInfo inside). */
typedef struct eseal_tst eseal_tst;

/* TimeStampResp: *status is the PKIStatus (0 granted, 1 with mods,
 * 2 rejection ...); *failinfo the failure bits; text the statusString
 * (may be NULL). *tok receives the token when there is one (else NULL). */
int eseal_tsa_resp_parse(const uint8_t *der, size_t len, int *status, uint32_t *failinfo,
			 char *text, size_t textlen, eseal_tst **tok);
/* A token on its own (e.g. from a CMS unsigned attribute). */
int eseal_tst_parse(eseal_tst **out, const uint8_t *der, size_t len);
void eseal_tst_free(eseal_tst *t);

time_t eseal_tst_gen_time(const eseal_tst *t);
/* genTime as written ("20261123131500.123Z"). */
const char *eseal_tst_gen_time_text(const eseal_tst *t);
const char *eseal_tst_policy(const eseal_tst *t);
const char *eseal_tst_hash(const eseal_tst *t);          /* imprint algorithm name */
const uint8_t *eseal_tst_imprint(const eseal_tst *t, size_t *len);
/* Serial number as upper-case hex. */
const char *eseal_tst_serial(const eseal_tst *t);
const uint8_t *eseal_tst_nonce(const eseal_tst *t, size_t *len);  /* NULL when absent */
/* Accuracy in milliseconds (-1 when absent). */
long eseal_tst_accuracy_ms(const eseal_tst *t);
const uint8_t *eseal_tst_der(const eseal_tst *t, size_t *len);
/* Signer certificate DER when the token carries it (NULL otherwise). */
const uint8_t *eseal_tst_signer_cert(const eseal_tst *t, size_t *len);
/* "GM/T 0010" or "RFC 5652". */
const char *eseal_tst_profile(const eseal_tst *t);

typedef struct eseal_tst_verify_opts {
	const eseal_trust *trust;      /* anchors the TSA certificate must chain to */
	const void *data;              /* the stamped data, hashed with the token's algorithm */
	size_t data_len;
	const uint8_t *hash;           /* or its digest (used when data is NULL) */
	size_t hash_len;
	const uint8_t *nonce;          /* expected nonce contents (NULL: not checked) */
	size_t nonce_len;
	/* The TSA certificate, for tokens that do not carry it (requests
	 * without certReq); ignored when the token has its signer's. */
	const eseal_cert *tsa_cert;
} eseal_tst_verify_opts;

/*
 * Checks into it (may be NULL): the token's CMS signature, its ESS
 * signing-certificate binding, the signer's certificate validity at genTime
 * and its chain, the critical timeStamping-only EKU (tsa_certificate), the
 * message imprint (message_imprint) and the nonce. Returns 0 when every
 * check passed, ESEAL_EVERIFY (message set) when one did not.
 */
int eseal_tst_verify(const eseal_tst *t, const eseal_tst_verify_opts *o, eseal_report_item *it);

/* Getting a token: from an RFC 3161 TSA over HTTP (http://host[:port]/path,
 * RFC 3161 §3.4) or from an in-process TSA. */
typedef struct eseal_tsa_source {
	const char *url;
	eseal_tsa *local;              /* used when url is NULL */
	int timeout_s;                 /* 0 = 20 s */
} eseal_tsa_source;

/* Asks for a token over digest (with a nonce and the certificate) and
 * checks the answer is granted and is for this digest and nonce; the DER
 * token goes to token. Its signature and certificate are the verifier's
 * business (eseal_tst_verify). */
int eseal_tsa_fetch(const eseal_tsa_source *s, const char *hash, const uint8_t *digest, size_t dlen,
		    eseal_buf *token);
/* An eseal_cms_sign_opts.timestamp callback; ctx is an eseal_tsa_source. */
int eseal_tsa_cms_callback(void *ctx, const char *hash, const uint8_t *sig, size_t siglen, eseal_buf *token);
/* The signature time-stamp of a CMS signature (unsigned attribute
 * id-aa-signatureTimeStampToken): eseal_tst_verify with the signature
 * value as the stamped data. ESEAL_ENOTFOUND when there is none; 0 and
 * the proven signing time (genTime) in *proven when every check passed. */
int eseal_tst_verify_cms(const eseal_cms *c, const eseal_trust *trust, eseal_report_item *it, time_t *proven);
/* For document verifiers: when the CMS signature carries a time-stamp,
 * records one check "signature_timestamp" in the signature's item (FAILED
 * for an invalid token, WARNING when it cannot be confirmed, e.g. an
 * untrusted TSA) and the facts "timestamp" (genTime) and "timestamp_tsa";
 * returns the proven signing time, 0 when there is none. */
time_t eseal_tst_check_cms(const eseal_cms *c, const eseal_trust *trust, eseal_report_item *it);

#ifdef __cplusplus
}
#endif
#endif
